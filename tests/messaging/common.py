"""Signed webhook fixtures for the four chat apps, and the shared world of
the messaging tests: one account per provider (company 1) pointing at the
local stub API server, a care user, a known customer."""

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from contextlib import contextmanager
from unittest.mock import patch

from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from odoo.addons.customer_care_messaging.providers.wechat import signature as wechat_signature

from ..common import CareCommon
from .stub import StubApi

LOOPBACK = "127.0.0.1"


@contextmanager
def loopback_test_server():
    """The tests' explicit allowance for their local servers (127.0.0.1):
    the addon never fetches a customer's file from a loopback address, so
    the tests that need a file server on this machine let this one address
    through the address check, and nothing else."""
    from odoo.addons.customer_care_messaging.logic import media

    real = media.is_public_address
    with patch.object(
        media, "is_public_address", lambda address: address == LOOPBACK or real(address)
    ):
        yield


KEYS = {
    "zalo": {"app_id": "zalo-app", "secret": "zalo-oa-secret", "external_id": "oa-1"},
    "line": {"app_id": "1657000000", "secret": "line-channel-secret", "external_id": "Ubot"},
    "messenger": {
        "app_id": "meta-app",
        "secret": "meta-app-secret",
        "verify_token": "meta-verify",
        "external_id": "page-1",
    },
    "wechat": {
        "app_id": "wx-app",
        "secret": "wechat-app-secret",
        "verify_token": "wechat-token",
        "external_id": "gh_1",
        # safe mode: 32 bytes 0..31 in base64 without its "=" (43 characters)
        "encoding_aes_key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
    },
}


def now_ms():
    return int(time.time() * 1000)


def zalo_event(sender, text="", msg_id="zm1", event="user_send_text", ts=None, attachments=None):
    message = {"msg_id": msg_id, "text": text}
    if attachments:
        message["attachments"] = attachments
    payload = {
        "app_id": KEYS["zalo"]["app_id"],
        "sender": {"id": sender},
        "recipient": {"id": KEYS["zalo"]["external_id"]},
        "event_name": event,
        "message": message,
        "timestamp": str(ts or now_ms()),
    }
    if event in ("follow", "unfollow"):
        payload.pop("message")
        payload["follower"] = {"id": sender}
    return payload


def sign_zalo(body, secret=None):
    payload = json.loads(body)
    data = KEYS["zalo"]["app_id"].encode() + body + str(payload["timestamp"]).encode()
    mac = hashlib.sha256(data + (secret or KEYS["zalo"]["secret"]).encode()).hexdigest()
    return {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}


def line_event(sender, text="", msg_id="lm1", kind="message", ts=None):
    event = {
        "type": kind,
        "timestamp": ts or now_ms(),
        "source": {"type": "user", "userId": sender},
        "webhookEventId": f"we-{msg_id}",
        "deliveryContext": {"isRedelivery": False},
        "mode": "active",
    }
    if kind == "message":
        event["message"] = {"type": "text", "id": msg_id, "text": text}
        event["replyToken"] = "rt"
    return {"destination": KEYS["line"]["external_id"], "events": [event]}


def sign_line(body, secret=None):
    digest = hmac.new((secret or KEYS["line"]["secret"]).encode(), body, hashlib.sha256)
    return {
        "x-line-signature": base64.b64encode(digest.digest()).decode(),
        "Content-Type": "application/json",
    }


def messenger_event(sender, text="", msg_id="m_1", ts=None):
    return {
        "object": "page",
        "entry": [
            {
                "id": KEYS["messenger"]["external_id"],
                "time": ts or now_ms(),
                "messaging": [
                    {
                        "sender": {"id": sender},
                        "recipient": {"id": KEYS["messenger"]["external_id"]},
                        "timestamp": ts or now_ms(),
                        "message": {"mid": msg_id, "text": text},
                    }
                ],
            }
        ],
    }


def sign_messenger(body, secret=None):
    digest = hmac.new((secret or KEYS["messenger"]["secret"]).encode(), body, hashlib.sha256)
    return {
        "X-Hub-Signature-256": f"sha256={digest.hexdigest()}",
        "Content-Type": "application/json",
    }


def wechat_xml(sender, text="", msg_id="1234567890123456", ts=None, event=None):
    created = ts or int(time.time())
    if event:
        inner = f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
    else:
        inner = (
            f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
            f"<MsgId>{msg_id}</MsgId>"
        )
    return (
        f"<xml><ToUserName><![CDATA[{KEYS['wechat']['external_id']}]]></ToUserName>"
        f"<FromUserName><![CDATA[{sender}]]></FromUserName><CreateTime>{created}</CreateTime>"
        f"{inner}</xml>"
    ).encode()


def sign_wechat(timestamp=None, token=None, nonce=None):
    """The query of a plaintext-mode push or a server check (a fresh nonce
    each time, as WeChat sends)."""
    timestamp = str(timestamp or int(time.time()))
    nonce = nonce or secrets.token_hex(6)
    return {
        "signature": wechat_signature(token or KEYS["wechat"]["verify_token"], timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
    }


def seal_wechat(xml, timestamp=None, token=None, app_id=None, aes_key=None, to_user=None):
    """``(query, body)`` of a safe-mode push, sealed as WeChat's "message
    encryption" rules say (written here apart from the addon's code): AES-256-CBC
    with the EncodingAESKey, IV its first 16 bytes, PKCS#7 to 32 bytes, of 16
    random bytes + the length (4 bytes, big-endian) + the XML + the AppID;
    ``msg_signature`` is the SHA-1 of token, timestamp, nonce and Encrypt sorted."""
    key = base64.b64decode((aes_key or KEYS["wechat"]["encoding_aes_key"]) + "=")
    plain = (
        os.urandom(16)
        + len(xml).to_bytes(4, "big")
        + xml
        + (app_id or KEYS["wechat"]["app_id"]).encode()
    )
    padder = padding.PKCS7(256).padder()
    plain = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16]), backend=default_backend())
    encryptor = encryptor.encryptor()
    encrypted = base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
    query = sign_wechat(timestamp, token)
    parts = sorted([token or KEYS["wechat"]["verify_token"], query["timestamp"], query["nonce"]])
    parts = sorted([*parts, encrypted])
    query.update(
        encrypt_type="aes",
        openid="o-sender",
        msg_signature=hashlib.sha1("".join(parts).encode()).hexdigest(),
    )
    body = (
        f"<xml><ToUserName><![CDATA[{to_user or KEYS['wechat']['external_id']}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    ).encode()
    return query, body


class MessagingCommon(CareCommon):
    """Accounts of the four providers on the stub API, a care user and a
    known customer of the first company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = StubApi().start()
        cls.addClassCleanup(cls.stub.stop)
        cls.company = cls.env.company
        Account = cls.env["customer.care.messaging.account"]
        cls.accounts = {
            provider: Account.create(
                {
                    "name": f"{provider} test account",
                    "provider": provider,
                    "company_id": cls.company.id,
                    "api_base_url": cls.stub.url,
                    "access_token": f"{provider}-token",
                    **keys,
                }
            )
            for provider, keys in KEYS.items()
        }
        cls.customer = cls._partner("Lan Nguyen", email="lan@example.com", phone="+84 912 345 678")

    def setUp(self):
        super().setUp()
        self.stub.requests.clear()
        self.stub.mode = "ok"

    def _identity(self, provider, user_ref, partner=None, **vals):
        return (
            self.env["customer.care.messaging.identity"]
            .sudo()
            .create(
                [
                    {
                        "account_id": self.accounts[provider].id,
                        "user_ref": user_ref,
                        "partner_id": (partner or self.customer).id,
                        **vals,
                    }
                ]
            )
        )

    def _events(self, provider):
        return self.env["customer.care.messaging.event"].search(
            [("account_id", "=", self.accounts[provider].id)]
        )

    def _deliver(self):
        """What the commit of the composer's transaction does: the answers
        it queued go out, in a transaction of their own (the test's, here)."""
        self.env.flush_all()
        with self.enter_registry_test_mode():
            self.env.cr.postcommit.run()

    def _process(self):
        """What the processing job does to the pending events (one batch,
        without its commit)."""
        Event = self.env["customer.care.messaging.event"]
        Event.browse(Event._claim(1000))._process()
        self.env.flush_all()
