"""Working-time helpers of the SLA tests: a weekly office schedule turned
into the working intervals the clocks take (the models take them from a
resource calendar), and the working hours between two moments."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from odoo.addons.customer_care.logic.sla import subtract_intervals


def weekly_intervals(attendances, first_day, last_day, tz="UTC", holidays=()):
    """Working intervals (UTC) of a weekly schedule between two days.

    :param attendances: ``(weekday, hour_from, hour_to)`` in local time,
        weekday 0 = Monday, hours as floats (8.5 = 08:30)
    :param first_day, last_day: dates, both included
    :param tz: the schedule's time zone name
    :param holidays: ``(start, stop)`` UTC pairs taken out of working time
    """
    zone = ZoneInfo(tz)
    intervals = []
    day = first_day
    while day <= last_day:
        for weekday, hour_from, hour_to in attendances:
            if weekday == day.weekday():
                intervals.append(
                    (_local_to_utc(day, hour_from, zone), _local_to_utc(day, hour_to, zone))
                )
        day += timedelta(days=1)
    return subtract_intervals(intervals, holidays)


def _local_to_utc(day: date, hours: float, zone):
    moment = datetime.combine(day, time()) + timedelta(hours=hours)
    return moment.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


def hours_between(working, start, stop):
    """Working hours of ``working`` (a ``WorkingTime``) between two moments,
    0 when ``stop`` is earlier."""
    if stop <= start:
        return 0.0
    return (working.position(stop) - working.position(start)) / 3600.0
