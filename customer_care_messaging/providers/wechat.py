"""WeChat Official Account (China).

Server check and every push carry ``signature``, ``timestamp`` and
``nonce`` in the query string: the signature is the SHA-1 of the token,
the timestamp and the nonce sorted and joined; the check (a GET) is
answered with ``echostr``.  Messages are XML: ``MsgType`` ``text``,
``image`` (``PicUrl``), ``event`` with ``Event`` ``subscribe`` /
``unsubscribe``.  Customer service messages reach a user within 48 hours of
their last message; outside it only a template message.  The access token
lives 2 hours and is fetched again with the AppID and AppSecret.

Safe mode (the one to use) follows WeChat's "message encryption" rules: the
body is ``<xml><ToUserName/><Encrypt/></xml>``, the query adds
``encrypt_type=aes`` and ``msg_signature``, the SHA-1 of the token, the
timestamp, the nonce and ``Encrypt`` sorted and joined, so the signature
covers the body.  ``Encrypt`` is base64 of AES-256-CBC (key: the 43
characters of the EncodingAESKey plus ``=``, base64-decoded; IV: the key's
first 16 bytes; PKCS#7 padding to 32 bytes) of 16 random bytes, the XML's
length (4 bytes, network order), the XML and the AppID.  In plaintext mode
the signature does not cover the body: a signature is accepted once (see
:meth:`WechatProvider.replay_key`), within the replay window.
"""

import base64
import binascii
import hashlib
import re

from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from lxml import etree

from .base import (
    KIND_FOLLOW,
    KIND_MESSAGE,
    KIND_OTHER,
    KIND_UNFOLLOW,
    SENT,
    ApiRequest,
    Event,
    Provider,
    SendResult,
    register,
    same,
)

# no entities, no network: XML from the outside world
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
PLAIN = "plain"  # an account in plaintext mode; any other value is safe mode
BLOCK = 32  # WeChat pads the plaintext to a multiple of 32 bytes (PKCS#7)
TIMESTAMP = re.compile(r"[0-9]{1,12}")


def signature(token, timestamp, nonce, encrypted=None):
    """The SHA-1 WeChat signs with: of the token, the timestamp, the nonce
    (and, in safe mode, the ``Encrypt`` text) sorted and joined."""
    parts = [token or "", timestamp, nonce]
    if encrypted is not None:
        parts.append(encrypted)
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def aes_key(encoding_aes_key):
    """The 32-byte AES key of an EncodingAESKey (43 characters of base64);
    ``ValueError`` when it is not one."""
    text = encoding_aes_key or ""
    if len(text) != 43:
        raise ValueError("the EncodingAESKey has 43 characters")
    try:
        key = base64.b64decode(text + "=", validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("the EncodingAESKey is not base64") from error
    if len(key) != 32:
        raise ValueError("the EncodingAESKey is not 32 bytes")
    return key


def _cipher(key):
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]), backend=default_backend())


def decrypt(encoding_aes_key, encrypted, app_id):
    """The XML of a safe-mode ``Encrypt`` text; ``ValueError`` when it does
    not decrypt, is badly padded or was sealed for another AppID."""
    key = aes_key(encoding_aes_key)
    try:
        data = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("Encrypt is not base64") from error
    if not data or len(data) % 16:
        raise ValueError("Encrypt is not whole AES blocks")
    decryptor = _cipher(key).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
        raise ValueError("bad padding")
    plain = plain[:-pad]
    if len(plain) < 20:
        raise ValueError("too short")
    length = int.from_bytes(plain[16:20], "big")
    xml, sealed_for = plain[20 : 20 + length], plain[20 + length :]
    if len(xml) != length or not app_id or sealed_for != app_id.encode():
        raise ValueError("sealed for another AppID")
    return xml


def encrypt(encoding_aes_key, xml, app_id, random16):
    """``Encrypt`` of ``xml`` as WeChat seals it (tests, and a reply in
    safe mode)."""
    key = aes_key(encoding_aes_key)
    plain = random16 + len(xml).to_bytes(4, "big") + xml + app_id.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = _cipher(key).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


@register
class WechatProvider(Provider):
    code = "wechat"
    label = "WeChat"
    window_hours = 48
    template_label = "WeChat template message"
    opt_out_errors = frozenset({43004, 43019})
    rate_errors = frozenset({45009, 45011, -1})
    window_errors = frozenset({45015, 45047})
    refreshes_token = True
    default_urls = {"api": "https://api.weixin.qq.com"}
    ack_body = "success"
    # mmbiz.qpic.cn: PicUrl (given as http://, fetched over https://)
    media_hosts = ("qpic.cn",)

    def _safe(self, keys, hook):
        return keys.get("wechat_mode") != PLAIN and hook.method != "GET"

    def missing_keys(self, keys):
        """The Token always; in safe mode also the EncodingAESKey and the
        AppID the messages are sealed for."""
        names = ["verify_token"]
        if keys.get("wechat_mode") != PLAIN:
            names += ["encoding_aes_key", "app_id"]
        return [name for name in names if not keys.get(name)]

    def _signed(self, keys, hook):
        """The timestamp and nonce of the query, or ``None`` when the
        timestamp is not a number (it is what the replay window checks)."""
        timestamp, nonce = hook.query.get("timestamp") or "", hook.query.get("nonce") or ""
        if not TIMESTAMP.fullmatch(timestamp) or not nonce:
            return None
        return timestamp, nonce

    def _encrypted(self, hook):
        """The ``Encrypt`` text of a safe-mode body, or ``""``."""
        try:
            root = etree.fromstring(hook.body, PARSER)
        except (etree.XMLSyntaxError, ValueError):
            return ""
        return (root.findtext("Encrypt") or "").strip()

    def verify(self, keys, hook):
        """Plaintext mode and the server check (a GET): ``signature``.  Safe
        mode: ``msg_signature`` over the encrypted body, which must decrypt
        for this account's AppID; a plaintext push is refused."""
        signed = self._signed(keys, hook)
        if self.missing_keys(keys) or not signed:
            return False
        token, query = keys["verify_token"], hook.query
        if not self._safe(keys, hook):
            return same(signature(token, *signed), query.get("signature"))
        encrypted = self._encrypted(hook)
        if query.get("encrypt_type") != "aes" or not encrypted:
            return False
        if not same(signature(token, *signed, encrypted), query.get("msg_signature")):
            return False
        try:
            decrypt(keys["encoding_aes_key"], encrypted, keys["app_id"])
        except ValueError:
            return False
        return True

    def replay_key(self, keys, hook):
        """In plaintext mode and for the server check the signature covers
        the timestamp and nonce only: it is accepted once.  A safe-mode
        body is signed, and its message id makes a replay a no-op."""
        if self._safe(keys, hook):
            return None
        return hook.query.get("signature") or None

    def handshake(self, keys, hook):
        if self.verify(keys, hook):
            return hook.query.get("echostr") or ""
        return None

    def signed_timestamp(self, hook, events):
        timestamp = hook.query.get("timestamp") or ""
        return int(timestamp) if TIMESTAMP.fullmatch(timestamp) else 0

    def parse(self, keys, hook):
        xml = hook.body
        if self._safe(keys, hook):
            xml = decrypt(keys["encoding_aes_key"], self._encrypted(hook), keys["app_id"])
        root = etree.fromstring(xml, PARSER)
        if root is None:
            raise ValueError("empty XML")
        addressee = (root.findtext("ToUserName") or "").strip()
        if self._safe(keys, hook) and keys.get("external_id") and addressee != keys["external_id"]:
            raise ValueError("the message is addressed to another account")

        def text(tag):
            return (root.findtext(tag) or "").strip()

        msg_type, sender, created = text("MsgType"), text("FromUserName"), text("CreateTime")
        kind, body, attachments = KIND_OTHER, "", ()
        if msg_type == "event":
            kind = {"subscribe": KIND_FOLLOW, "unsubscribe": KIND_UNFOLLOW}.get(
                text("Event"), KIND_OTHER
            )
        elif msg_type == "text":
            kind, body = KIND_MESSAGE, text("Content")
        elif msg_type == "image":
            kind, attachments = KIND_MESSAGE, (("image", text("PicUrl"), "image.jpg"),)
        else:
            kind, body = KIND_MESSAGE, f"[{msg_type}]"
        uid = text("MsgId") or f"{msg_type}:{text('Event')}:{sender}:{created}"
        return [
            Event(
                uid=uid,
                kind=kind,
                sender=sender,
                timestamp=int(created or 0),
                text=body,
                attachments=attachments,
                raw=xml.decode(),
            )
        ]

    def _send(self, base, keys, path, body):
        # WeChat takes the token in the query string only: the account model
        # keeps it out of every error text and log line
        return ApiRequest(
            "POST",
            self.url(base, "api", path),
            params={"access_token": keys["access_token"] or ""},
            json=body,
        )

    def text_request(self, base, keys, recipient, text):
        body = {"touser": recipient, "msgtype": "text", "text": {"content": text}}
        return self._send(base, keys, "/cgi-bin/message/custom/send", body)

    def template_request(self, base, keys, recipient, phone, code, text, params):
        data = {name: {"value": value} for name, value in params.items()}
        body = {"touser": recipient, "template_id": code, "data": data}
        return self._send(base, keys, "/cgi-bin/message/template/send", body)

    def read_send_response(self, status, payload):
        payload = payload or {}
        code = payload.get("errcode", 0 if status == 200 else None)
        if status == 200 and code == 0:
            return SendResult(SENT, str(payload.get("msgid") or ""))
        message = payload.get("errmsg") or f"HTTP {status}"
        return self.refused(status, code, message)

    def refresh_request(self, base, keys):
        return ApiRequest(
            "GET",
            self.url(base, "api", "/cgi-bin/token"),
            params={
                "grant_type": "client_credential",
                "appid": keys["app_id"] or "",
                "secret": keys["secret"] or "",
            },
        )

    def read_refresh_response(self, status, payload):
        payload = payload or {}
        if status != 200 or not payload.get("access_token"):
            raise ValueError(payload.get("errmsg") or f"HTTP {status}")
        return {"access_token": payload["access_token"], "expires_in": payload.get("expires_in")}
