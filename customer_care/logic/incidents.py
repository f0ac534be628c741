"""Selections, shared constants and context keys of complaints and incidents.

The names are the public interface of ``customer.care.incident`` (see the
data model); labels stay plain strings and are translated through the fields.
The incident's aspects (``customer_care_incident_*.py``) and the bridges
take their shared constants from here, never from each other.
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
    ("waiting", "Waiting for Customer"),
    ("pending_decline", "Pending Decline"),
    ("resolved", "Resolved"),
    ("followed_up", "Followed Up"),
    ("closed", "Closed"),
    ("declined", "Declined"),
]

# waiting for the customer (photos, an answer): still open, its clock paused
WAITING = "waiting"
# not yet resolved (waiting included)
OPEN_STATES = ("new", "acknowledged", "in_progress", WAITING, "pending_decline")
# the clocks run in these states: open, but not waiting for the customer
RUNNING_STATES = tuple(state for state in OPEN_STATES if state != WAITING)

RESOLUTION_TYPES = [
    ("instant", "Instant fix"),
    ("exchange", "Exchange"),
    ("refund", "Refund"),
    ("explanation", "Explanation"),
    ("declined", "Declined"),
]
# what a care user may resolve with; "declined" needs a manager's approval
RESOLVING_TYPES = ("instant", "exchange", "refund", "explanation")

# the states a customer's reply (or "still not solved") sends back to work
REOPENED_BY_REPLY = ("resolved", "followed_up")
# the states an unhappy rating sends back to work: the incident was thought
# solved (closed too: the customer may change the rating from the same link)
REOPENED_BY_RATING = ("resolved", "followed_up", "closed")

# -- fields with rules of their own -------------------------------------------
# a change of these moves the clocks or their state
SLA_TRIGGER_FIELDS = {
    "date_received",
    "sla_policy_id",
    "priority",
    "kind",
    "care_group_id",
    "company_id",
    "date_first_response",
    "date_resolved",
    "state",
    # the team's working hours may be the clocks' calendar
    "team_id",
}
# set only by the SLA check (from the clocks), never by hand
SLA_SYSTEM_FIELDS = {"sla_state", "escalation_level", "date_sla_next_check"}
# set by the actions (acknowledge, start, resolve, decline), the survey and
# the SLA engine; by hand only by a care manager, traced in the chatter
MANAGED_FIELDS = ("date_first_response", "date_resolved", "satisfaction")
# given when the incident is recorded; afterwards it moves the deadlines, so
# only a care manager corrects it, traced as MANAGED_FIELDS
RECEIVED_FIELD = "date_received"

# -- value and context keys the incident's paths set and read -----------------
# in the values of a new incident, set by the intake every door uses: the
# incident is routed to a member of its care team when it is created (not a
# field: ``create`` takes it out)
ROUTE_ON_CREATE = "customer_care_route"
# set while an automatic reply is processed: it is no customer's reply
AUTO_REPLY = "customer_care_auto_reply"
# set by the gateway (as superuser): the receiving server vouches for the sender
SENDER_AUTHENTICATED = "customer_care_sender_authenticated"
# set while the acknowledgements are posted: they are no care user's answer
ACKNOWLEDGEMENT = "customer_care_acknowledgement"


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
