"""Automatic care-group classification (brief §1).

One pure function, :func:`classify`, takes a partner's purchase facts and the
care groups' rules and answers which group the partner belongs to.  Groups
are tried in sequence order (then id): the first whose rule matches wins, so
administrators set the precedence by reordering groups.  A pinned partner
keeps its group whatever the facts say.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta

RULE_REFERRAL = "referral"
RULE_ONLINE = "online"
RULE_REGULAR = "regular"
RULE_OCCASIONAL = "occasional"
RULE_TOP_REVENUE = "top_revenue"
RULE_MANUAL = "manual"

RULES = [
    (RULE_REFERRAL, "Referred by a customer, friends or family"),
    (RULE_ONLINE, "Most orders through an online channel"),
    (RULE_REGULAR, "Buys regularly (N orders in M days)"),
    (RULE_OCCASIONAL, "Buys now and then, or from outside the home area"),
    (RULE_TOP_REVENUE, "Top revenue rank"),
    (RULE_MANUAL, "Assigned by hand only"),
]


@dataclass(frozen=True)
class GroupRule:
    """A care group as the classifier sees it."""

    group_id: int
    rule: str
    sequence: int = 10
    min_orders: int = 0
    period_days: int = 0
    top_percent: float = 0.0
    online_share: float = 50.0


@dataclass(frozen=True)
class PartnerFacts:
    """What is known of one partner when it is classified.

    ``order_dates`` are the dates of its confirmed orders; ``top_group_ids``
    names the top-revenue groups whose rank the partner reaches (computed
    over the whole customer base by :func:`top_revenue_ids`).
    """

    referred: bool = False
    order_dates: tuple = ()
    online_orders: int = 0
    outside_home_area: bool = False
    top_group_ids: frozenset = field(default_factory=frozenset)
    locked_group_id: int | None = None


def orders_within(order_dates, today, days):
    """Count the orders dated in the ``days`` days up to ``today``."""
    start = today - timedelta(days=days)
    return sum(1 for d in order_dates if start < d <= today)


def rule_matches(rule, facts, today):
    """Whether one group's rule holds for these facts."""
    total = len(facts.order_dates)
    if rule.rule == RULE_REFERRAL:
        return facts.referred
    if rule.rule == RULE_ONLINE:
        # "most orders": a strict majority at the default share of 50 %
        return total > 0 and facts.online_orders * 100 > rule.online_share * total
    if rule.rule == RULE_REGULAR:
        if facts.outside_home_area or rule.min_orders <= 0:
            return False
        return orders_within(facts.order_dates, today, rule.period_days) >= rule.min_orders
    if rule.rule == RULE_OCCASIONAL:
        return total > 0
    if rule.rule == RULE_TOP_REVENUE:
        return rule.group_id in facts.top_group_ids
    return False


def sort_rules(rules):
    """Precedence: group sequence, then id (a total order)."""
    return sorted(rules, key=lambda r: (r.sequence, r.group_id))


def classify(facts, rules, today):
    """Return the id of the care group for ``facts``, or ``None``.

    ``rules`` are tried in their order, the first that matches wins: sort
    them once with :func:`sort_rules` before classifying many partners.
    """
    if facts.locked_group_id:
        return facts.locked_group_id
    for rule in rules:
        if rule_matches(rule, facts, today):
            return rule.group_id
    return None


def top_rank_size(customers, percent):
    """How many customers make up the top ``percent`` % of ``customers``.

    Rounded up, so the top 20 % of 7 customers is 2 and a non-empty base
    always has a top; ``percent`` outside (0, 100] is clamped.
    """
    if customers <= 0 or percent <= 0:
        return 0
    return min(customers, math.ceil(customers * min(percent, 100.0) / 100.0))


def top_revenue_ids(revenues, percent):
    """Partners in the top ``percent`` % of revenue.

    ``revenues`` maps a partner id to its revenue over the period; partners
    without positive revenue never rank.  Ties at the boundary are broken by
    id so the result is stable.  The models compute the same set in SQL
    (the revenue of the last customer in the top, then ``>=``); this is the
    reference they are tested against.
    """
    ranked = sorted(
        ((amount, pid) for pid, amount in revenues.items() if amount > 0),
        key=lambda item: (-item[0], item[1]),
    )
    size = top_rank_size(len(ranked), percent)
    return {pid for _amount, pid in ranked[:size]}
