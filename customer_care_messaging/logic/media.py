"""Fetching a file a customer sent in a chat app, safely.

The address comes from a webhook payload, so it is treated as hostile:

- only the chat app's own media hosts (or the test server an administrator
  typed as the account's API base URL) are asked, over HTTPS (an ``http://``
  address on a provider's host is fetched over HTTPS);
- the host name is resolved first and every address it resolves to must be
  public: never loopback, private, link-local, multicast, reserved or
  unspecified, IPv4 inside IPv6 included; the connection goes to the
  address that was checked (a second resolution cannot point elsewhere);
- a redirect is not followed; the answer must be 200 with a content type
  matching the kind of file announced; the body is read in chunks up to a
  byte cap, all within one deadline (a slow server cannot hold the job).

The checks are pure functions tested on their own; :func:`fetch` does the
network part with the standard library (no proxy from the environment).
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urlsplit

MAX_BYTES = 25 * 1024 * 1024  # the largest file fetched
DEADLINE = 10.0  # seconds for one file: connection, answer and body
CHUNK = 64 * 1024

# what each announced kind may be served as
IMAGE_TYPES = ("image/",)
KIND_TYPES = {
    "image": IMAGE_TYPES,
    "gif": IMAGE_TYPES,
    "sticker": IMAGE_TYPES,
    "video": ("video/",),
    "audio": ("audio/", "video/mp4"),
    "file": None,  # any type but the ones a browser would run
}
# never stored, whatever the kind: a browser would run them from the attachment
ACTIVE_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/javascript",
    "application/javascript",
    "text/xml",
    "application/xml",
)

# why a file was not fetched (the account turns these into sentences)
NOT_ALLOWED = "host"  # not one of the chat app's media hosts, or not HTTPS
PRIVATE = "private"  # resolves to a loopback, private or otherwise internal address
UNREACHABLE = "unreachable"  # no answer, a network or TLS error, or too slow
REDIRECT = "redirect"
STATUS = "status"
TOO_LARGE = "too_large"
WRONG_TYPE = "type"
KIND = "kind"  # a kind of attachment that is not a file (a link, a location)


class Refused(Exception):
    """A file not fetched; ``reason`` is one of the constants above."""

    def __init__(self, reason, detail=""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def is_public_address(address):
    """Whether an IP address (text) may be connected to: a global unicast
    address, never loopback, private, link-local, multicast, reserved,
    unspecified or shared (carrier-grade NAT); an IPv4 address carried in
    IPv6 (mapped, 6to4, Teredo) is judged as that IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6:
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo and ip.teredo[1])
        if inner:
            return is_public_address(str(inner))
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def host_matches(host, patterns):
    """Whether ``host`` is one of ``patterns`` or a subdomain of one."""
    host = (host or "").lower().rstrip(".")
    return any(host == pattern or host.endswith("." + pattern) for pattern in patterns)


def target(url, media_hosts, test_server=None):
    """``(scheme, host, port, path)`` to fetch ``url`` from, or
    :class:`Refused`.  ``media_hosts``: the chat app's hosts, asked over
    HTTPS on port 443 only; ``test_server``: the account's API base URL (an
    administrator's setting), which replaces them with its own scheme, host
    and port."""
    try:
        parts = urlsplit(url or "")
        port = parts.port
    except ValueError as error:
        raise Refused(NOT_ALLOWED) from error
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise Refused(NOT_ALLOWED)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if test_server:
        server = urlsplit(test_server)
        if server.scheme.lower() not in ("http", "https"):
            raise Refused(NOT_ALLOWED)
        server_port = server.port or (443 if server.scheme == "https" else 80)
        if (scheme, host, port or (443 if scheme == "https" else 80)) != (
            server.scheme.lower(),
            (server.hostname or "").lower(),
            server_port,
        ):
            raise Refused(NOT_ALLOWED)
        return scheme, host, server_port, path
    if scheme not in ("http", "https") or port not in (None, 443):
        raise Refused(NOT_ALLOWED)
    if not host_matches(host, media_hosts):
        raise Refused(NOT_ALLOWED)
    return "https", host, 443, path


def type_allowed(kind, content_type):
    """Whether a file announced as ``kind`` may be stored when served as
    ``content_type``."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if not mime or mime in ACTIVE_TYPES:
        return False
    prefixes = KIND_TYPES.get(kind, ())
    if prefixes is None:
        return True
    return mime.startswith(tuple(prefixes))


def resolve(host, port):
    """The addresses ``host`` resolves to; :class:`Refused` when any of them
    is not public (a name must not lead inside, even partly)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(UNREACHABLE, str(error)) from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise Refused(UNREACHABLE)
    if not all(is_public_address(address) for address in addresses):
        raise Refused(PRIVATE)
    return addresses


def fetch(
    url, kind, media_hosts, test_server=None, headers=None, max_bytes=MAX_BYTES, deadline=DEADLINE
):
    """The content of the file at ``url`` announced as ``kind``, within the
    rules of this module; :class:`Refused` otherwise."""
    if kind not in KIND_TYPES:
        raise Refused(KIND)
    scheme, host, port, path = target(url, media_hosts, test_server)
    ends = time.monotonic() + deadline

    def left():
        remaining = ends - time.monotonic()
        if remaining <= 0:
            raise Refused(UNREACHABLE, "deadline")
        return remaining

    addresses = resolve(host, port)
    left()
    connection = None
    try:
        sock = socket.create_connection((addresses[0], port), timeout=left())
        if scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        default_port = 443 if scheme == "https" else 80
        connection = http.client.HTTPConnection(
            host if port == default_port else f"{host}:{port}", timeout=left()
        )
        connection.sock = sock  # the checked address, whatever DNS says now
        connection.request("GET", path, headers={"Accept": "*/*", **(headers or {})})
        sock.settimeout(left())
        response = connection.getresponse()
        if 300 <= response.status < 400:
            raise Refused(REDIRECT, response.getheader("Location") or "")
        if response.status != 200:
            raise Refused(STATUS, str(response.status))
        content_type = response.getheader("Content-Type") or ""
        if not type_allowed(kind, content_type):
            raise Refused(WRONG_TYPE, content_type)
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise Refused(TOO_LARGE)
        chunks, size = [], 0
        while True:
            sock.settimeout(left())
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise Refused(TOO_LARGE)
            chunks.append(chunk)
        return b"".join(chunks)
    except (OSError, http.client.HTTPException) as error:  # socket.timeout, ssl errors
        raise Refused(UNREACHABLE, str(error)) from error
    finally:
        if connection is not None:
            connection.close()
