"""Care state from purchase recency (brief §3 "silence", §6 retention).

A customer is *at risk* once the time since its last order exceeds its
usual purchase interval by ``at_risk_factor``, and *lost* past
``lost_factor`` times that interval.  The usual interval is the average gap
between its orders; a customer with a single order is measured against
``default_interval_days``.  *Dropped* is never computed: only a manager's
drop action sets it, and nothing computed here undoes it.
"""

STATE_ACTIVE = "active"
STATE_AT_RISK = "at_risk"
STATE_LOST = "lost"
STATE_DROPPED = "dropped"

STATES = [
    (STATE_ACTIVE, "Active"),
    (STATE_AT_RISK, "At risk"),
    (STATE_LOST, "Lost"),
    (STATE_DROPPED, "Dropped"),
]


def usual_interval_days(first_order, last_order, order_count, default_days):
    """Average days between orders, or ``default_days`` with fewer than 2."""
    if order_count < 2 or not first_order or not last_order:
        return float(default_days)
    return max((last_order - first_order).days / (order_count - 1), 1.0)


def care_state(
    current_state,
    first_order,
    last_order,
    order_count,
    today,
    at_risk_factor=1.5,
    lost_factor=3.0,
    default_interval_days=90,
):
    """The care state a partner should be in today."""
    if current_state == STATE_DROPPED:
        return STATE_DROPPED
    if not last_order or order_count <= 0:
        return STATE_ACTIVE
    interval = usual_interval_days(first_order, last_order, order_count, default_interval_days)
    silence = (today - last_order).days
    if silence > interval * lost_factor:
        return STATE_LOST
    if silence > interval * at_risk_factor:
        return STATE_AT_RISK
    return STATE_ACTIVE
