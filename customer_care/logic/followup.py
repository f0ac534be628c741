"""Follow-up of a resolved incident (brief §5 [001, 003, 004]).

Every resolution is followed up: at least 24 hours after an instant fix or
an explanation; for an exchange or a refund, once the replacement or the
money has reached the customer.  The follow-up uses another channel than
the one the exchange came in on, by rules an administrator can edit, e.g.
``phone: email; email: phone, email`` (after an email exchange, call, and
write too).
"""

from datetime import timedelta

from .channels import CHANNELS

DEFAULT_RULES = "phone: email; email: phone, email; sms: phone; social: email; visit: phone"
WAIT_AFTER_INSTANT = timedelta(hours=24)
WAIT_FOR_DELIVERY = ("exchange", "refund")
# a credit note in these payment states has reached the customer
REFUND_DONE_STATES = ("paid", "in_payment", "reversed")
CHANNEL_CODES = [code for code, _label in CHANNELS]
# the customer's own ways in (the portal, the website's form): an incident
# may come in on them, a follow-up cannot go out on them
SELF_SERVICE_CODES = ["portal", "website"]


def parse_rules(text):
    """``{incident channel: [follow-up channels]}`` from the rules text.

    Raises ``ValueError`` naming the faulty part when the text is not
    ``channel: channel, channel; …`` with known channels: a rule starts from
    any channel an incident comes in on (portal and website included) and
    names channels a care user can reach the customer on.
    """
    rules = {}
    for part in filter(None, (chunk.strip() for chunk in (text or "").split(";"))):
        source, sep, targets = part.partition(":")
        source = source.strip()
        channels = [t.strip() for t in targets.split(",") if t.strip()]
        if not sep or source not in CHANNEL_CODES + SELF_SERVICE_CODES or not channels:
            raise ValueError(part)
        unknown = [c for c in channels if c not in CHANNEL_CODES]
        if unknown:
            raise ValueError(part)
        rules[source] = channels
    return rules


def followup_channel(incident_channel, rules):
    """The channel of the follow-up contact: the first rule channel that
    differs from the incident's, else email (or phone after an email)."""
    for channel in rules.get(incident_channel, []):
        if channel != incident_channel:
            return channel
    return "phone" if incident_channel == "email" else "email"


def also_by_email(incident_channel, rules):
    """Whether the rules also ask for an email (the survey goes with it)."""
    return "email" in rules.get(incident_channel, [])


def followup_due(resolution_type, resolved_at, received_at=None):
    """When the follow-up is due, or ``None`` while waiting for delivery.

    Instant fixes and explanations: 24 hours after the resolution.
    Exchanges and refunds: when the customer has received the replacement
    or the money, never before the resolution itself.
    """
    if not resolved_at:
        return None
    if resolution_type in WAIT_FOR_DELIVERY:
        if not received_at:
            return None
        return max(received_at, resolved_at)
    return resolved_at + WAIT_AFTER_INSTANT


# Odoo's rating faces score 1 (unhappy), 3 (neutral) or 5 (happy); stars
# score 1 to 5: both are already on the incident's 1-5 satisfaction scale
UNHAPPY_SATISFACTION = 2


def rating_to_satisfaction(rate):
    """The incident's 1-5 satisfaction for an Odoo rating (0 to 5, 0 when
    not rated): rounded half up, kept within 1-5; 0 stays "not rated"."""
    if not rate or rate <= 0:
        return 0
    return max(1, min(5, int(rate + 0.5)))


def is_unhappy(satisfaction):
    """An unhappy customer is called back: the problem may not be solved."""
    return 0 < satisfaction <= UNHAPPY_SATISFACTION
