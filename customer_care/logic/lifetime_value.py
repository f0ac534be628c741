"""Customer lifetime value over a horizon (brief §6, "think of each
customer's value over the next 10 years" [000]).

    annual value   = revenue / max(tenure in years, 1)
    lifetime value = annual value x (1 + r + r^2 + ... + r^(H-1))

where ``r`` is the yearly retention rate of the customer's care group
(the chance the customer is still buying the next year) and ``H`` the
horizon in years (10 by default).  Tenure runs from the first order to
today, so a new customer's first purchase counts as one year's value.  A
dropped customer has no future value.
"""

DAYS_PER_YEAR = 365.25


def annual_value(revenue, first_order, today):
    """Average yearly revenue since the first order (at least one year)."""
    if not revenue or revenue <= 0 or not first_order:
        return 0.0
    tenure_years = max((today - first_order).days / DAYS_PER_YEAR, 1.0)
    return revenue / tenure_years


def retention_multiplier(retention, years):
    """Expected number of buying years in the horizon: sum of r^t."""
    retention = min(max(retention, 0.0), 1.0)
    if years <= 0:
        return 0.0
    if retention == 1.0:
        return float(years)
    return (1.0 - retention**years) / (1.0 - retention)


def lifetime_value(revenue, first_order, today, retention=0.8, years=10, dropped=False):
    """The estimated value of the customer over the next ``years`` years."""
    if dropped:
        return 0.0
    return annual_value(revenue, first_order, today) * retention_multiplier(retention, years)
