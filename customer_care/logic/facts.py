"""Turn one partner's raw purchase facts into its care profile values.

:func:`evaluate` is what the bulk refresh applies to every partner of a
batch: classification, care state, lifetime value and next care date in one
pure pass over plain values, so the batch costs the same few queries
whatever its size.  :func:`purchase_values` gives the purchase facts alone,
for the other companies of a partner shared between companies (each
company keeps its own, in its own currency).
"""

from dataclasses import dataclass

from . import cadence, care_state, classification, lifetime_value


@dataclass(frozen=True)
class CareSettings:
    """The company-level parameters of the care policy."""

    at_risk_factor: float = 1.5
    lost_factor: float = 3.0
    default_interval_days: int = 90
    ltv_years: int = 10


@dataclass(frozen=True)
class GroupPolicy:
    """What the evaluation needs of each group besides its rule."""

    cadence_days: int = 0
    retention_rate: float = 80.0


@dataclass(frozen=True)
class PartnerRow:
    """One partner as the refresh query returns it."""

    partner_id: int
    order_count: int = 0
    revenue: float = 0.0
    first_order: object = None
    last_order: object = None
    order_dates: tuple = ()
    online_orders: int = 0
    top_group_ids: frozenset = frozenset()
    referred: bool = False
    outside_home_area: bool = False
    locked_group_id: int | None = None
    current_state: str = care_state.STATE_ACTIVE
    last_contact: object = None


PURCHASE_FIELDS = (
    "care_order_count",
    "care_online_order_count",
    "care_revenue",
    "care_first_order_date",
    "care_last_order_date",
    "care_annual_value",
    "care_lifetime_value",
)


def purchase_values(row, retention, years, dropped, today):
    """The purchase facts of ``row`` (a :class:`PartnerRow` holding one
    company's orders): counts, revenue, first and last order, average yearly
    revenue and lifetime value over ``years`` with the yearly ``retention``
    (0 to 1).  Amounts are rounded to cents."""
    annual = lifetime_value.annual_value(row.revenue, row.first_order, today)
    ltv = lifetime_value.lifetime_value(
        row.revenue, row.first_order, today, retention=retention, years=years, dropped=dropped
    )
    return {
        "care_order_count": row.order_count,
        "care_online_order_count": row.online_orders,
        "care_revenue": round(row.revenue, 2),
        "care_first_order_date": row.first_order,
        "care_last_order_date": row.last_order,
        "care_annual_value": round(annual, 2),
        "care_lifetime_value": round(ltv, 2),
    }


def evaluate(row, rules, policies, settings, today):
    """Care profile values for one partner.

    ``rules`` are the sorted :class:`~.classification.GroupRule` of the
    groups the partner may join, ``policies`` maps a group id to its
    :class:`GroupPolicy`.  Returns a dict of field values.
    """
    group_id = classification.classify(
        classification.PartnerFacts(
            referred=row.referred,
            order_dates=row.order_dates,
            online_orders=row.online_orders,
            outside_home_area=row.outside_home_area,
            top_group_ids=row.top_group_ids,
            locked_group_id=row.locked_group_id,
        ),
        rules,
        today,
    )
    state = care_state.care_state(
        row.current_state,
        row.first_order,
        row.last_order,
        row.order_count,
        today,
        at_risk_factor=settings.at_risk_factor,
        lost_factor=settings.lost_factor,
        default_interval_days=settings.default_interval_days,
    )
    policy = policies.get(group_id) or GroupPolicy()
    # a dropped customer gets no lifetime value and no next contact
    dropped = state == care_state.STATE_DROPPED
    next_date = cadence.next_care_date(row.last_contact, policy.cadence_days, today)
    return {
        "care_group_id": group_id,
        "care_state": state,
        **purchase_values(row, policy.retention_rate / 100.0, settings.ltv_years, dropped, today),
        "care_next_date": None if dropped else next_date,
    }
