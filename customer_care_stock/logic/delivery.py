"""Delivery promises kept and orders gone wrong (brief §6).

Pure rules over plain values, called by the sale order over whole
recordsets:

* an order is *delivered* once every one of its outgoing deliveries is done
  or cancelled and at least one is done; it was delivered when the last of
  them was validated;
* the *promised* date is the delivery date promised to the customer (the
  order's commitment date) or, without one, the date the first delivery was
  planned for;
* a delivery is *late* when it was validated on a later day than promised;
* an order is *in error* when goods came back (a validated return) or when
  the quantities delivered differ from the quantities ordered once the
  deliveries are over (a shortage or a surplus someone had to correct).
"""

ON_TIME = "on_time"
LATE = "late"
RETURNED = "returned"
CORRECTED = "corrected"
# selections of the sale order's stored outcome and of the report (labels
# are translated through the fields)
DELIVERY_STATES = [(ON_TIME, "On Time"), (LATE, "Late")]
ORDER_ERRORS = [(RETURNED, "Returned"), (CORRECTED, "Quantities Corrected")]

SECONDS_PER_DAY = 86400.0


def delivered_at(deliveries):
    """When the order was delivered, or ``None`` while it is not.

    :param deliveries: ``(state, date_done)`` of the order's outgoing
        deliveries (returns excluded)
    """
    states = [state for state, _done in deliveries]
    if not states or any(state not in ("done", "cancel") for state in states):
        return None
    dates = [done for state, done in deliveries if state == "done" and done]
    return max(dates) if dates else None


def promised_at(commitment, planned):
    """The promised delivery moment: the commitment date, else the earliest
    planned date of the deliveries (``None`` when neither is known)."""
    if commitment:
        return commitment
    planned = [date for date in planned if date]
    return min(planned) if planned else None


def delivery_outcome(promised, delivered):
    """``(state, delay in days)`` of a delivered order.

    The state is ``late`` when the delivery was validated on a later day
    than promised, ``on_time`` otherwise (also when no date was promised);
    the delay is signed (negative: early) and 0 without a promise.
    """
    if not promised:
        return ON_TIME, 0.0
    delay = (delivered - promised).total_seconds() / SECONDS_PER_DAY
    state = LATE if delivered.date() > promised.date() else ON_TIME
    return state, round(delay, 2)


def order_error(returned, quantities, rounding=1e-6):
    """``returned``, ``corrected`` or ``None`` for a delivered order.

    :param bool returned: a return of its goods was validated
    :param quantities: ``(ordered, delivered)`` of its lines delivered from
        stock, in the line's unit
    """
    if returned:
        return RETURNED
    if any(abs(ordered - delivered) > rounding for ordered, delivered in quantities):
        return CORRECTED
    return None
