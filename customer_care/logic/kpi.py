"""Measuring care (brief §6): the top-20 % watch and its trend.

The handbook asks managers to track the sales of the top 20 % of customers
(who bring about 80 % of the profit) — growing, flat or declining — and to
raise an alert when they decline.  The models aggregate revenue per customer
and period in SQL; these functions decide who is watched and how they move.
"""

from collections import namedtuple
from datetime import date, datetime, time, timedelta, timezone

from .classification import top_rank_size

TREND_GROWING = "growing"
TREND_FLAT = "flat"
TREND_DECLINING = "declining"
TRENDS = [
    (TREND_GROWING, "Growing"),
    (TREND_FLAT, "Flat"),
    (TREND_DECLINING, "Declining"),
]

WatchRow = namedtuple("WatchRow", "partner_id rank revenue previous_revenue change_percent trend")


def month_start(day):
    """First day of the month of ``day``."""
    return date(day.year, day.month, 1)


def utc_day_start(day, tz):
    """The UTC datetime (naive, as Odoo stores it) at which ``day`` starts
    in the time zone ``tz`` (a pytz zone): the bound of "orders of that
    day" where the shop is, not in UTC."""
    return (
        tz.localize(datetime.combine(day, time.min)).astimezone(timezone.utc).replace(tzinfo=None)
    )


def add_months(day, months):
    """First day of the month ``months`` months after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def change_percent(previous, current):
    """Change from ``previous`` to ``current`` in percent; None without a base."""
    if previous <= 0:
        return None
    return (current - previous) / previous * 100.0


def classify_trend(previous, current, growth_threshold, decline_threshold):
    """Growing, flat or declining, against thresholds given in percent.

    A change of at least ``growth_threshold`` % is growth, a fall of at
    least ``decline_threshold`` % is a decline; anything between is flat.
    A customer who bought nothing before and buys now is growing.
    """
    change = change_percent(previous, current)
    if change is None:
        return TREND_GROWING if current > 0 else TREND_FLAT
    if change >= growth_threshold:
        return TREND_GROWING
    if change <= -abs(decline_threshold):
        return TREND_DECLINING
    return TREND_FLAT


def top_customers(revenues, percent):
    """The top ``percent`` % of customers by revenue, ranked.

    ``revenues`` maps a customer id to its revenue over the period; only
    customers with positive revenue rank.  Returns ``[(partner_id, rank)]``
    best first; ties are broken by id so the selection is stable.
    """
    ranked = sorted(
        ((amount, pid) for pid, amount in revenues.items() if amount > 0),
        key=lambda item: (-item[0], item[1]),
    )
    size = top_rank_size(len(ranked), percent)
    return [(pid, rank) for rank, (_amount, pid) in enumerate(ranked[:size], start=1)]


def watch_list(
    revenues, previous_revenues, previous_top_ids, percent, growth_threshold, decline_threshold
):
    """Who is watched this period and how their sales moved.

    The watch covers this period's top customers and last period's top
    customers who fell out of it (they are the declines that matter most);
    those who fell out have no rank.
    """
    rows = []
    ranks = dict(top_customers(revenues, percent))
    watched = list(ranks) + sorted(set(previous_top_ids) - set(ranks))
    for pid in watched:
        current = float(revenues.get(pid, 0.0))
        previous = float(previous_revenues.get(pid, 0.0))
        rows.append(
            WatchRow(
                partner_id=pid,
                rank=ranks.get(pid),
                revenue=current,
                previous_revenue=previous,
                change_percent=change_percent(previous, current),
                trend=classify_trend(previous, current, growth_threshold, decline_threshold),
            )
        )
    return rows


def satisfaction_trend(previous, recent, threshold=0.2):
    """Whether satisfaction improves, holds or worsens between two windows.

    Scores are averages from 1 to 5; a move of less than ``threshold``
    points is steady; with no score in one window nothing can be said
    (``"none"``: an empty window is not a score of 0 nor a steady trend).
    """
    if not previous or not recent:
        return "none"
    if recent - previous >= threshold:
        return "up"
    if previous - recent >= threshold:
        return "down"
    return "flat"


def rate_per_hundred(count, base):
    """``count`` per 100 of ``base`` (None without a base)."""
    if not base:
        return None
    return round(count * 100.0 / base, 2)


def satisfaction_sentiment(score):
    """The feedback sentiment of a 1-5 satisfaction score."""
    if score >= 4:
        return "positive"
    if score <= 2:
        return "negative"
    return "neutral"


def last_months(today, count):
    """The first days of the ``count`` months up to the month of ``today``, oldest first."""
    return [add_months(today, offset) for offset in range(1 - count, 1)]


def month_series(months, amounts):
    """``[(month, amount)]`` over ``months``, 0 for a month absent from ``amounts``.

    ``amounts`` maps the first day of a month to its total; a chart of the
    series shows the quiet months as gaps in the bars, not as missing ones.
    """
    return [(month, float(amounts.get(month, 0.0))) for month in months]


def week_start(day):
    """Monday of the week of ``day``."""
    return day - timedelta(days=day.weekday())


def last_weeks(today, count):
    """The Mondays of the ``count`` weeks up to the week of ``today``, oldest first."""
    start = week_start(today)
    return [start - timedelta(weeks=offset) for offset in range(count - 1, -1, -1)]


def weekly_average(weeks, daily):
    """Average per week of daily ``(total, count)`` pairs, ``None`` for a week
    without any count (no answer is not a score of 0).

    ``daily`` maps a date to the sum and number of the values of that day.
    """
    totals = {week: [0.0, 0] for week in weeks}
    for day, (total, count) in daily.items():
        bucket = totals.get(week_start(day))
        if bucket is not None:
            bucket[0] += total
            bucket[1] += count
    return [
        (week, round(total / count, 2) if count else None, count)
        for week, (total, count) in totals.items()
    ]


def card_rows(rows, team_id, company_id, member_ids):
    """The rows of an overview card among grouped ``rows``.

    ``rows`` are ``(team id or None, company id, user id or None, …)``; a
    team's card (``team_id`` set) takes the rows of its company that the team
    opened, and those without a team held by one of its ``member_ids``; a
    company's card (``team_id`` None) takes every row of its company.
    """
    return [
        row
        for row in rows
        if row[1] == company_id
        and (
            team_id is None
            or row[0] == team_id
            or (row[0] is None and row[2] is not None and row[2] in member_ids)
        )
    ]


def bar_chart(points):
    """A small bar chart drawn without a chart library: ``points`` are
    ``(label, value)``; each bar gets its height in percent of the highest
    value (a value above 0 stays visible) and keeps its value to be written
    above it."""
    top = max((value for _label, value in points), default=0) or 0
    return [
        {
            "label": label,
            "value": value,
            "height": (max(round(value * 100 / top), 4) if value else 0) if top else 0,
        }
        for label, value in points
    ]
