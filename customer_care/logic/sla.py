"""SLA clocks of complaints and incidents (brief §5).

A complaint is acknowledged within the response time (1 hour by default)
and resolved within the resolution time (24 hours), with a stricter target
(12 hours).  Clocks run in calendar time, or in working time when the
incident's care team or its policy has a working calendar (the team's first):
the model turns the calendar into plain working intervals and the functions
below do the arithmetic on them.

All datetimes are naive and in UTC, like Odoo's ``Datetime`` fields.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

ON_TRACK = "on_track"
AT_RISK = "at_risk"
BREACHED = "breached"
SLA_STATES = [(ON_TRACK, "On Track"), (AT_RISK, "At Risk"), (BREACHED, "Breached")]
_SEVERITY = {ON_TRACK: 0, AT_RISK: 1, BREACHED: 2}

# escalation levels: 1 = care managers, 2 = senior management
LEVEL_MANAGER = 1
LEVEL_SENIOR = 2


@dataclass(frozen=True)
class SlaTerms:
    """The hours of a policy and the share of a clock that makes it at risk."""

    response_hours: float = 1.0
    resolution_hours: float = 24.0
    target_hours: float = 12.0
    at_risk_share: float = 0.8


@dataclass(frozen=True)
class Deadlines:
    response: datetime
    resolution: datetime
    target: datetime
    response_risk: datetime
    resolution_risk: datetime


@dataclass(frozen=True)
class Clock:
    """One running clock: at risk from ``risk_at``, breached at ``deadline``,
    stopped at ``done_at`` (``None`` while it runs)."""

    risk_at: datetime
    deadline: datetime
    done_at: datetime | None = None

    def breached_at(self, now):
        """When the clock was breached, or ``None`` if it is not (yet)."""
        if self.done_at is not None:
            return self.deadline if self.done_at > self.deadline else None
        return self.deadline if now >= self.deadline else None

    def state(self, now):
        if self.breached_at(now) is not None:
            return BREACHED
        if self.done_at is None and now >= self.risk_at:
            return AT_RISK
        return ON_TRACK


def incident_clocks(
    response_risk, response_deadline, first_response, resolution_risk, resolution_deadline, resolved
):
    """The response and resolution clocks of an incident (none until both
    deadlines are known); falsy stop times mean the clock still runs."""
    if not (response_deadline and resolution_deadline):
        return []
    return [
        Clock(response_risk, response_deadline, first_response or None),
        Clock(resolution_risk, resolution_deadline, resolved or None),
    ]


# -- working intervals ------------------------------------------------------
def merge_intervals(intervals):
    """Sort and merge overlapping or touching ``(start, stop)`` pairs."""
    merged = []
    for start, stop in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            if stop > merged[-1][1]:
                merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def subtract_intervals(intervals, holes):
    """The parts of ``intervals`` outside ``holes`` (holidays, closures)."""
    result = []
    holes = merge_intervals(holes)
    for start, stop in merge_intervals(intervals):
        cursor = start
        for hole_start, hole_stop in holes:
            if hole_stop <= cursor or hole_start >= stop:
                continue
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_stop)
            if cursor >= stop:
                break
        if cursor < stop:
            result.append((cursor, stop))
    return result


class WorkingTime:
    """Sorted, disjoint working intervals with the working time elapsed
    before each, so that adding hours is a binary search."""

    def __init__(self, intervals):
        self.intervals = merge_intervals(intervals)
        self._starts = [start for start, _stop in self.intervals]
        self._stops = [stop for _start, stop in self.intervals]
        self._before = []  # working seconds before each interval
        self._through = []  # working seconds up to the end of each interval
        total = 0.0
        for start, stop in self.intervals:
            self._before.append(total)
            total += (stop - start).total_seconds()
            self._through.append(total)

    def position(self, moment):
        """Working seconds between the first interval and ``moment``."""
        index = bisect_right(self._starts, moment) - 1
        if index < 0:
            return 0.0
        start, stop = self.intervals[index]
        return self._before[index] + (min(moment, stop) - start).total_seconds()

    def add(self, start, hours):
        """The moment ``hours`` of working time after ``start``, or ``None``
        when the intervals end before."""
        if hours <= 0:
            return start
        first = bisect_right(self._stops, start)  # first interval ending after start
        if first >= len(self.intervals):
            return None
        offset = max((start - self._starts[first]).total_seconds(), 0.0)
        target = self._before[first] + offset + hours * 3600.0
        index = bisect_left(self._through, target, lo=first)
        if index >= len(self.intervals):
            return None
        moment = self._starts[index] + timedelta(seconds=round(target - self._before[index], 6))
        return max(moment, start)


def add_hours(start, hours, working_time=None):
    """``hours`` after ``start``: calendar time, or working time if given."""
    if working_time is None:
        return start + timedelta(hours=hours)
    return working_time.add(start, hours)


def compute_deadlines(received, terms, working_time=None):
    """The deadlines and at-risk moments of an incident received at ``received``.

    The resolution clock is at risk once the at-risk share of its time is
    used or the stricter target has passed, whichever comes first.  Returns
    ``None`` when the working intervals do not reach the deadlines.
    """
    share = min(max(terms.at_risk_share, 0.0), 1.0)
    moments = [
        add_hours(received, hours, working_time)
        for hours in (
            terms.response_hours,
            terms.resolution_hours,
            terms.target_hours,
            terms.response_hours * share,
            terms.resolution_hours * share,
        )
    ]
    if any(moment is None for moment in moments):
        return None
    response, resolution, target, response_risk, resolution_risk = moments
    return Deadlines(
        response=response,
        resolution=resolution,
        target=target,
        response_risk=response_risk,
        resolution_risk=min(resolution_risk, target),
    )


# -- states and escalation -------------------------------------------------
def sla_state(now, clocks):
    """The worst state of the clocks: a breach stays a breach."""
    state = ON_TRACK
    for clock in clocks:
        clock_state = clock.state(now)
        if _SEVERITY[clock_state] > _SEVERITY[state]:
            state = clock_state
    return state


def _breaches(now, clocks):
    return sorted(b for b in (clock.breached_at(now) for clock in clocks) if b is not None)


def escalation_level(now, clocks, extra_hours):
    """The escalation level an open incident has reached at ``now``.

    Level 1 (care managers) at the first breach; level 2 (senior management)
    when a second clock breaches too, or when the first breach has lasted
    ``extra_hours``.
    """
    breaches = _breaches(now, clocks)
    if not breaches:
        return 0
    senior_at = breaches[0] + timedelta(hours=extra_hours)
    if len(breaches) > 1:
        senior_at = min(senior_at, breaches[1])
    return LEVEL_SENIOR if now >= senior_at else LEVEL_MANAGER


def next_check(now, clocks, extra_hours):
    """The next moment the state or escalation of an open incident changes,
    or ``None`` when nothing more can happen."""
    moments = []
    for clock in clocks:
        if clock.done_at is None:
            moments += [clock.risk_at, clock.deadline]
    breaches = _breaches(now, clocks)
    if breaches:
        moments.append(breaches[0] + timedelta(hours=extra_hours))
    future = [moment for moment in moments if moment > now]
    return min(future) if future else None


def minutes_left(now, deadline):
    """Whole minutes left before ``deadline``, negative when overdue."""
    return int((deadline - now).total_seconds() // 60)


def duration_text(minutes):
    """``2h 05m`` or ``1d 3h`` for a number of minutes (its sign ignored)."""
    minutes = abs(minutes)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins:02d}m"


# -- waiting for the customer ----------------------------------------------
def paused_hours(since, until, working_time=None):
    """Hours of the clock paused between ``since`` and ``until``: calendar
    hours, or working hours when the policy counts working time."""
    if not since or not until or until <= since:
        return 0.0
    if working_time is None:
        return (until - since).total_seconds() / 3600.0
    return max(working_time.position(until) - working_time.position(since), 0.0) / 3600.0


def shift_resolution(deadlines, hours, working_time=None):
    """The deadlines once the resolution clock was paused ``hours`` (see
    :func:`paused_hours`): the resolution deadline, the stricter target and
    the resolution's at-risk moment move by the paused time; the response
    clock is untouched (an incident waits only once answered).  Returns
    ``None`` when the working intervals do not reach the shifted moments."""
    if hours <= 0:
        return deadlines
    moved = [
        add_hours(moment, hours, working_time)
        for moment in (deadlines.resolution, deadlines.target, deadlines.resolution_risk)
    ]
    if any(moment is None for moment in moved):
        return None
    resolution, target, resolution_risk = moved
    return Deadlines(
        response=deadlines.response,
        resolution=resolution,
        target=target,
        response_risk=deadlines.response_risk,
        resolution_risk=resolution_risk,
    )


def reminder_due(waiting_since, last_reminder, now, reminder_days):
    """Whether an incident waiting since ``waiting_since`` gets a reminder
    at ``now``: once every ``reminder_days`` days (0: never)."""
    if not waiting_since or reminder_days <= 0:
        return False
    return now >= (last_reminder or waiting_since) + timedelta(days=reminder_days)
