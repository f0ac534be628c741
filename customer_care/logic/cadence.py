"""When a customer is next due for a routine care contact (brief §1, §3)."""

from datetime import timedelta


def next_care_date(last_contact, cadence_days, today):
    """The date of the next routine contact, or ``None`` without a cadence.

    A customer never contacted is due today; otherwise the cadence of its
    care group runs from the last contact.
    """
    if not cadence_days or cadence_days <= 0:
        return None
    if not last_contact:
        return today
    return last_contact + timedelta(days=cadence_days)


def age_on(birthdate, today):
    """Age in whole years on ``today`` (``None`` without a birth date)."""
    if not birthdate:
        return None
    before_birthday = (today.month, today.day) < (birthdate.month, birthdate.day)
    return today.year - birthdate.year - before_birthday
