"""Selections of complaints and incidents, shared by models and views.

The names are the public interface of ``customer.care.incident`` (see the
data model); labels stay plain strings and are translated through the fields.
"""

from datetime import timedelta

INCIDENT_KINDS = [
    ("complaint", "Complaint"),
    ("question", "Question"),
    ("incident", "Incident"),
    ("request", "Request"),
]

INCIDENT_STATES = [
    ("new", "New"),
    ("acknowledged", "Acknowledged"),
    ("in_progress", "In Progress"),
    ("pending_decline", "Pending Decline"),
    ("resolved", "Resolved"),
    ("followed_up", "Followed Up"),
    ("closed", "Closed"),
    ("declined", "Declined"),
]

# the clocks run in these states
OPEN_STATES = ("new", "acknowledged", "in_progress", "pending_decline")

RESOLUTION_TYPES = [
    ("instant", "Instant fix"),
    ("exchange", "Exchange"),
    ("refund", "Refund"),
    ("explanation", "Explanation"),
    ("declined", "Declined"),
]
# what a care user may resolve with; "declined" needs a manager's approval
RESOLVING_TYPES = ("instant", "exchange", "refund", "explanation")


def recurring_customers(last_dates, now, window_days, threshold, last_alert=None):
    """The customers hit by a root cause within the window, when they are
    enough to raise the recurrence alert, else an empty list.

    :param last_dates: ``{customer: latest incident received}``
    :param last_alert: when the last alert was raised: at most one per window
    """
    since = now - timedelta(days=window_days)
    if last_alert and last_alert > since:
        return []
    customers = sorted(c for c, received in last_dates.items() if received and received >= since)
    return customers if threshold > 0 and len(customers) >= threshold else []
