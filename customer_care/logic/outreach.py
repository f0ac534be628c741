"""Rules of the scheduled loyalty outreach (brief §3, §8).

Who is due on a given day, which period a contact belongs to (a partner is
contacted at most once per rule and period), whether the hour allows
sending, and who gets the resulting care plan.  The models select coarse
candidates in SQL and decide here, exactly, over whole batches.
"""

import calendar
from datetime import date, datetime, time, timedelta

PERIODS = [
    ("day", "Day"),
    ("week", "Week"),
    ("month", "Month"),
    ("quarter", "Quarter"),
    ("year", "Year"),
]

SKIP_NO_EMAIL = "no_email"
SKIP_NO_PHONE = "no_phone"
SKIP_BLACKLISTED = "blacklisted"
SKIP_NO_CONSENT = "no_consent"
SKIP_CONSENT_WITHDRAWN = "consent_withdrawn"
SKIP_REASONS = [
    (SKIP_NO_EMAIL, "No email address"),
    (SKIP_NO_PHONE, "No mobile number"),
    (SKIP_BLACKLISTED, "Opted out (blacklisted)"),
    (SKIP_NO_CONSENT, "No consent"),
    (SKIP_CONSENT_WITHDRAWN, "Consent withdrawn"),
]


def bucket_key(day, period):
    """The period ``day`` falls in, as a stable text key."""
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def yearly_occurrence(origin, year):
    """The date a yearly occasion (birthday, anniversary) falls on in ``year``.

    29 February is celebrated on 28 February in years without one.
    """
    if origin.month == 2 and origin.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return origin.replace(year=year)


def yearly_due(origin, day, lead_days=0, min_years=0):
    """The occurrence of a yearly occasion that is due on ``day``, if any.

    It is due ``lead_days`` before it happens; ``min_years`` excludes
    occasions too young (an anniversary needs at least one full year).
    Returns the occurrence date or ``None``.
    """
    if not origin:
        return None
    target = day + timedelta(days=lead_days)
    occurrence = yearly_occurrence(origin, target.year)
    if occurrence != target or target.year - origin.year < min_years:
        return None
    return occurrence


def candidate_month_days(day, lead_days=0, spread=1):
    """The ``MM-DD`` strings a coarse SQL filter must accept for ``day``.

    ``spread`` days either side cover partners whose own time zone is a day
    ahead or behind; 29 February is added when 28 February is a target of a
    year without one.  The exact test is :func:`yearly_due`.
    """
    keys = set()
    for offset in range(-spread, spread + 1):
        target = day + timedelta(days=lead_days + offset)
        keys.add(f"{target.month:02d}-{target.day:02d}")
        if target.month == 2 and target.day == 28 and not calendar.isleap(target.year):
            keys.add("02-29")
    return sorted(keys)


def tenure_years(since, day):
    """Whole years between ``since`` and ``day``."""
    if not since:
        return 0
    return day.year - since.year - ((day.month, day.day) < (since.month, since.day))


def in_sending_window(hour, hour_from, hour_to, all_day=False):
    """Whether messages may go out at ``hour`` (local time, a float).

    ``all_day`` says any hour is fine; otherwise the window runs from
    ``hour_from`` to ``hour_to`` and may wrap past midnight (e.g. 20 → 8).
    Equal hours make an empty window: never (the rules refuse them).
    """
    if all_day:
        return True
    if hour_from == hour_to:
        return False
    if hour_from <= hour_to:
        return hour_from <= hour < hour_to
    return hour >= hour_from or hour < hour_to


def next_window_opening(moment, hour_from, hour_to, all_day=False):
    """The first moment at or after ``moment`` (a naive local datetime) when
    the sending window opens, or ``moment`` itself when it is open."""
    if in_sending_window(moment.hour + moment.minute / 60.0, hour_from, hour_to, all_day):
        return moment
    minutes = round(hour_from * 60)
    opening = datetime.combine(moment.date(), time(0)) + timedelta(minutes=minutes)
    if opening <= moment:
        opening += timedelta(days=1)
    return opening


def plausible_phone(number):
    """A number an SMS can reach: 7 to 15 digits (E.164), whatever the
    formatting; the phone library, when installed, sanitizes it further."""
    digits = sum(char.isdigit() for char in number or "")
    return 7 <= digits <= 15


def contact_skip_reason(channel, email, email_blacklisted, phone, phone_blacklisted):
    """Why a partner cannot be reached on ``channel``, or ``None``."""
    if channel == "email":
        if not email:
            return SKIP_NO_EMAIL
        if email_blacklisted:
            return SKIP_BLACKLISTED
    elif channel == "sms":
        if not plausible_phone(phone):
            return SKIP_NO_PHONE
        if phone_blacklisted:
            return SKIP_BLACKLISTED
    return None


def over_cap(recent_contacts, cap):
    """The global cap: no more than ``cap`` care contacts in the window."""
    return bool(cap) and recent_contacts >= cap


def assign(policy, care_user_id, salesperson_id, members, start=0, eligible=None):
    """Pick the user responsible for a partner's care plan.

    ``care_responsible`` falls back to the salesperson then to the team's
    round robin; ``salesperson`` falls back to the round robin;
    ``round_robin`` cycles through ``members`` from position ``start``.
    With ``eligible`` (the ids of the users who may take care work in the
    plan's company: active internal care users of that company) a user
    outside it is passed over for the next rule, and the round robin cycles
    through the eligible members only; nobody eligible leaves the plan
    unassigned.  Returns ``(user_id, next_start)``.
    """

    def can_take(user_id):
        return bool(user_id) and (eligible is None or user_id in eligible)

    if policy == "care_responsible" and can_take(care_user_id):
        return care_user_id, start
    if policy in ("care_responsible", "salesperson") and can_take(salesperson_id):
        return salesperson_id, start
    members = [member for member in members if can_take(member)]
    if not members:
        return None, start
    return members[start % len(members)], start + 1
