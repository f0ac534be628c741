"""The one-click unsubscribe link of outreach emails (RFC 8058, Decree
91/2020's opt-out in every advertising message).

A link names a customer and a company and carries an HMAC of both (and the
purpose) under the database secret: it cannot be forged, nor moved to
another customer or company.  Pure: the caller passes the secret.
"""

import hashlib
import hmac

SCOPE = "customer_care.unsubscribe"
# RFC 8058: the body a one-click POST carries
ONE_CLICK_BODY = "List-Unsubscribe=One-Click"
# withdrawals recorded per customer and hour through the link, at most
PER_HOUR = 5
# the channels a link withdraws from: the email's link, the SMS's link
CHANNELS = ("email", "sms")


def sign(secret, partner_id, company_id, purpose="marketing"):
    """The token of a customer's link; refuses an empty secret (an empty
    secret would sign for anybody)."""
    if not secret:
        raise ValueError("no database secret: unsubscribe links cannot be signed")
    message = f"{SCOPE}:{int(partner_id)}:{int(company_id)}:{purpose}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret, partner_id, company_id, token, purpose="marketing"):
    """Whether ``token`` is the one of this customer and company, compared
    in constant time; never true without a secret or a token."""
    if not secret or not token or not isinstance(token, str):
        return False
    return hmac.compare_digest(sign(secret, partner_id, company_id, purpose), token)


def url(base, partner_id, company_id, token, channel="email"):
    """The link of a customer's message on ``channel`` (email or SMS)."""
    link = f"{base.rstrip('/')}/care/unsubscribe/{int(partner_id)}/{int(company_id)}/{token}"
    return link if channel == "email" else f"{link}?channel={channel}"


def link_channel(value):
    """The channel a link names; anything unknown is the email's."""
    return value if value in CHANNELS else "email"


def is_one_click(form):
    """Whether a POST's form is RFC 8058's one-click request."""
    return form.get("List-Unsubscribe") == "One-Click"
