"""Consent to process a customer's data for a purpose (PDPL 91/2025 of
Vietnam, Thailand's PDPA, China's PIPL; anti-spam Decree 91/2020).

The selections of the consent history, the regime a company works under and
the decision an outreach takes from the latest consent entry.  Pure: no ORM.
"""

from .outreach import SKIP_CONSENT_WITHDRAWN, SKIP_NO_CONSENT

MARKETING = "marketing"
PROFILING = "profiling"
CHAT = "chat"
PURPOSES = [
    (MARKETING, "Marketing (offers and loyalty outreach)"),
    (PROFILING, "Profiling (demographics, family, hobbies, classification)"),
    (CHAT, "Chat app messages"),
]

ANY = "any"
CONSENT_CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("phone", "Phone"),
    ("chat", "Chat app"),
    (ANY, "Any channel"),
]

GIVEN = "given"
WITHDRAWN = "withdrawn"
STATES = [(GIVEN, "Given"), (WITHDRAWN, "Withdrawn")]

SOURCES = [
    ("staff", "Recorded by staff"),
    ("portal", "Customer portal"),
    ("website", "Website form"),
    ("chat", "Chat app"),
    ("import", "Import"),
    ("unsubscribe", "Unsubscribe link"),
]

OPT_IN = "opt_in"
OPT_OUT = "opt_out"
REGIMES = [
    (OPT_IN, "Opt-in: marketing only with consent given"),
    (OPT_OUT, "Opt-out: marketing unless consent withdrawn"),
]
# countries whose laws ask for consent before marketing and profiling:
# Vietnam (PDPL 91/2025/QH15, Decree 356/2025), Thailand (PDPA), China (PIPL)
OPT_IN_COUNTRIES = frozenset({"VN", "TH", "CN"})

# an outreach rule's purpose: a marketing rule needs marketing consent; a
# service reminder (a warranty check) is no marketing
RULE_PURPOSES = [(MARKETING, "Marketing"), ("service", "Service reminder")]

# the consent channel an outreach channel asks for; a visit asks for consent
# on any channel
OUTREACH_CHANNELS = {"email": "email", "sms": "sms", "phone": "phone", "social": "chat"}


def default_regime(country_code):
    """The regime a company in ``country_code`` starts with."""
    return OPT_IN if (country_code or "").upper() in OPT_IN_COUNTRIES else OPT_OUT


def consent_channel(outreach_channel):
    """The consent channel that decides for an outreach ``channel``."""
    return OUTREACH_CHANNELS.get(outreach_channel, ANY)


def outreach_skip_reason(regime, purpose, state):
    """Why a rule of ``purpose`` may not contact a customer whose latest
    consent is ``state`` (given, withdrawn or None) under ``regime``, or
    ``None``.  A withdrawal is never overridden, whatever the regime; under
    opt-in, marketing needs consent given.  A service reminder is no
    marketing: the channel's own opt-outs (blacklists) still hold for it."""
    if purpose != MARKETING:
        return None
    if state == WITHDRAWN:
        return SKIP_CONSENT_WITHDRAWN
    if regime == OPT_IN and state != GIVEN:
        return SKIP_NO_CONSENT
    return None
