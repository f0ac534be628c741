"""The provider interface and its registry (no ORM, no network).

A provider turns a webhook request into :class:`Event` objects once its
signature holds, and describes the API calls that send a message, send an
approved template message, refresh an access token or fetch an attachment
as :class:`ApiRequest` objects; the account model performs them.
"""

import hashlib
import hmac
from dataclasses import dataclass, field

REGISTRY = {}

# what an inbound event is to the care team
KIND_MESSAGE = "message"
KIND_FOLLOW = "follow"
KIND_UNFOLLOW = "unfollow"
KIND_OTHER = "other"

# how a send ended
SENT = "sent"
WINDOW_CLOSED = "window"
RATE_LIMITED = "rate_limit"
OPTED_OUT = "opted_out"
FAILED = "error"


@dataclass(frozen=True)
class Webhook:
    """One webhook request as received: ``headers`` with lower-case names."""

    method: str
    headers: dict
    query: dict
    body: bytes

    def header(self, name):
        return self.headers.get(name.lower()) or ""


@dataclass(frozen=True)
class Event:
    """One thing a customer did, in the words every provider shares.

    ``uid`` is the provider's own id of the message or event: storing it
    under a unique key makes a provider's retry harmless."""

    uid: str
    kind: str
    sender: str
    timestamp: int = 0
    text: str = ""
    attachments: tuple = ()  # ((kind, reference, file name), ...)
    sender_name: str = ""
    raw: str = ""


@dataclass(frozen=True)
class ApiRequest:
    method: str
    url: str
    headers: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    json: object = None
    data: object = None


@dataclass(frozen=True)
class SendResult:
    status: str
    message_id: str = ""
    error: str = ""

    @property
    def ok(self):
        return self.status == SENT


class Provider:
    """What a chat app provider must say; see the four providers beside."""

    code = ""
    label = ""
    # hours after the customer's last message during which free text may be
    # sent; 0: no such window (every message is a push)
    window_hours = 0
    # what the provider calls the messages allowed outside the window
    template_label = ""
    # whether the access token expires and is refreshed by the scheduled action
    refreshes_token = False
    # {name: base URL}; an account's own base URL replaces them all (tests)
    default_urls = {}
    # the answer a webhook request gets once its events are stored
    ack_body = "OK"
    ack_content_type = "text/plain"
    # the account's keys a webhook request is checked with: while one is
    # empty the account is not ready and every webhook request is refused
    webhook_keys = ("secret",)
    # the hosts (and their subdomains) the chat app serves the files its
    # users send from: attachments are fetched from these only, over HTTPS
    media_hosts = ()

    # -- inbound -----------------------------------------------------------
    def missing_keys(self, keys):
        """The names of the webhook keys this account lacks (empty: ready)."""
        return [name for name in self.webhook_keys if not keys.get(name)]

    def verify(self, keys, hook):
        """Whether the request is signed by the provider with this account's keys."""
        raise NotImplementedError

    def replay_key(self, keys, hook):
        """What identifies a signature that must be accepted only once (the
        provider's signature does not cover the body), or ``None`` when the
        provider's retries are told apart by the events' own ids."""
        return None

    def handshake(self, keys, hook):
        """The answer to the provider's subscription check (a GET), or
        ``None`` when the check fails or the provider has none."""
        return None

    def parse(self, keys, hook):
        """The events of a verified request."""
        raise NotImplementedError

    def signed_timestamp(self, hook, events):
        """The time (seconds since the epoch) the signature vouches for: a
        request older than the account's replay window is refused."""
        return max((event.timestamp for event in events), default=0)

    # -- outbound ----------------------------------------------------------
    def url(self, base_override, name, path):
        base = (base_override or self.default_urls[name]).rstrip("/")
        return f"{base}/{path.lstrip('/')}"

    def text_request(self, base, keys, recipient, text):
        raise NotImplementedError

    def template_request(self, base, keys, recipient, phone, code, text, params):
        """The approved message allowed outside the service window."""
        raise NotImplementedError

    def read_send_response(self, status, payload):
        """A :class:`SendResult` from the API's HTTP status and JSON answer."""
        raise NotImplementedError

    # the provider's error codes of a refused send that mean the service
    # window is closed, the rate limit is reached, the customer opted out
    window_errors = frozenset()
    rate_errors = frozenset()
    opt_out_errors = frozenset()

    def refused(self, status, code, message):
        """The :class:`SendResult` of a send the API refused, told apart by
        the provider's error ``code`` (HTTP 429 is always the rate limit)."""
        if code in self.window_errors:
            return SendResult(WINDOW_CLOSED, error=message)
        if status == 429 or code in self.rate_errors:
            return SendResult(RATE_LIMITED, error=message)
        if code in self.opt_out_errors:
            return SendResult(OPTED_OUT, error=message)
        return SendResult(FAILED, error=message)

    def refresh_request(self, base, keys):
        return None

    def read_refresh_response(self, status, payload):
        """``{'access_token', 'refresh_token', 'expires_in'}``; raises
        ``ValueError`` with the provider's message when refused."""
        raise ValueError(str(payload))

    def attachment_request(self, base, keys, reference):
        """How to fetch an attachment the customer sent (a URL by default);
        the account checks the address against :attr:`media_hosts` before
        anything is fetched."""
        if reference.startswith(("http://", "https://")):
            return ApiRequest("GET", reference)
        return None


def register(cls):
    """Class decorator: make the provider known under its code."""
    REGISTRY[cls.code] = cls()
    return cls


def get(code):
    return REGISTRY.get(code)


def selection():
    return sorted(((p.code, p.label) for p in REGISTRY.values()), key=lambda item: item[1])


def hmac_sha256(secret, body):
    """The HMAC-SHA256 of ``body``; callers check first that the secret is
    set (an empty key signs nothing)."""
    if not secret:
        raise ValueError("no signing secret")
    return hmac.new(secret.encode(), body, hashlib.sha256)


def same(expected, given):
    """Constant-time comparison of two signatures: false when either is
    empty or not text (a header or query value may hold anything)."""
    if not expected or not given or not isinstance(expected, str) or not isinstance(given, str):
        return False
    try:
        return hmac.compare_digest(expected.encode(), given.encode())
    except UnicodeEncodeError:  # lone surrogates
        return False
