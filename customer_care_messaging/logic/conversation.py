"""Pure rules of a chat conversation: the reply window, the subject of
the incident a first message opens, the text of a template message."""

from datetime import datetime, timedelta, timezone

SUBJECT_LENGTH = 80
MAX_REPLAY_MINUTES = 5  # the longest replay window an account may have


def window_open(last_inbound, hours, now):
    """Whether a free reply is allowed ``now``: within ``hours`` of the
    customer's last message; always when the provider has no window
    (``hours`` 0); never before the customer wrote at all."""
    if not hours:
        return True
    if not last_inbound:
        return False
    return now - last_inbound < timedelta(hours=hours)


def window_closes(last_inbound, hours):
    """When the reply window closes (``None``: it never does)."""
    if not hours or not last_inbound:
        return None
    return last_inbound + timedelta(hours=hours)


def subject(text, fallback):
    """The incident's subject: the first line of the message, cut at a word
    near ``SUBJECT_LENGTH`` characters; ``fallback`` for a message without
    text (an image, a sticker)."""
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    if not line:
        return fallback
    if len(line) <= SUBJECT_LENGTH:
        return line
    cut = line[:SUBJECT_LENGTH].rsplit(" ", 1)[0] or line[:SUBJECT_LENGTH]
    return cut.rstrip() + "…"


def render(body, name, company):
    """A template message's text: ``{name}`` and ``{company}`` replaced,
    any other brace left as typed."""
    return (body or "").replace("{name}", name or "").replace("{company}", company or "")


def event_time(timestamp, now):
    """The naive UTC datetime of a provider's timestamp (seconds), never
    later than ``now``; ``now`` when the provider gave none."""
    if not timestamp:
        return now
    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc).replace(tzinfo=None)
    return min(moment, now)


def is_stale(timestamp, now_seconds, minutes):
    """Whether a signed request is older (or further in the future) than the
    replay window allows; a request without a timestamp is never stale.  A
    window outside 1 to ``MAX_REPLAY_MINUTES`` (0 once meant none) counts
    as the longest one: a signature is never good for ever."""
    if not timestamp:
        return False
    if not minutes or not 0 < minutes <= MAX_REPLAY_MINUTES:
        minutes = MAX_REPLAY_MINUTES
    return abs(now_seconds - timestamp) > minutes * 60
