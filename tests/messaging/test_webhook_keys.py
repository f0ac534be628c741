"""Webhook keys, posted through the real route: an account with an empty
signing secret or verify token is not ready and refuses everything (an
empty key would let anyone sign); WeChat safe mode signs and encrypts the
body, plaintext mode accepts a signature once, within a replay window of at
most 5 minutes; malformed unauthenticated input gets a 4xx, never an error
page, and a body is read up to a bound."""

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import psycopg2

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.customer_care_messaging.providers import base as provider_base

from .common import (
    KEYS,
    MessagingCommon,
    line_event,
    messenger_event,
    seal_wechat,
    sign_line,
    sign_wechat,
    sign_zalo,
    wechat_xml,
    zalo_event,
)

ROUTE_LOGGER = "odoo.addons.customer_care_messaging.controllers.main"
MUTED = (ROUTE_LOGGER, "odoo.http", "werkzeug")


@tagged("post_install", "-at_install")
class TestWebhookKeys(MessagingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain = cls.env["customer.care.messaging.account"].create(
            {
                "name": "wechat plaintext account",
                "provider": "wechat",
                "wechat_mode": "plain",
                **{k: v for k, v in KEYS["wechat"].items() if k != "encoding_aes_key"},
            }
        )

    def _url(self, account):
        return f"/customer_care/messaging/{account.provider}/{account.sudo().webhook_key}"

    def _stored(self, account):
        return self.env["customer.care.messaging.event"].search([("account_id", "=", account.id)])

    def _bare(self, provider, **keys):
        """An account of ``provider`` whose keys are only ``keys``."""
        return self.env["customer.care.messaging.account"].create(
            {"name": f"bare {provider}", "provider": provider, **keys}
        )

    # -- N3: empty secret or verify token ---------------------------------------------
    def test_empty_secret_refuses_requests_signed_with_an_empty_key(self):
        line = self._bare("line", app_id="1657000000")
        zalo = self._bare("zalo", app_id="zalo-app")
        messenger = self._bare("messenger", verify_token="meta-verify")
        with mute_logger(*MUTED):
            body = json.dumps(line_event("u-x", "hi", "lx")).encode()
            signature = base64.b64encode(hmac.new(b"", body, hashlib.sha256).digest()).decode()
            response = self.url_open(
                self._url(line), data=body, headers={"x-line-signature": signature}
            )
            self.assertEqual(response.status_code, 403)
            payload = zalo_event("u-x", "hi", "zx")
            body = json.dumps(payload).encode()
            mac = hashlib.sha256(b"zalo-app" + body + payload["timestamp"].encode()).hexdigest()
            response = self.url_open(
                self._url(zalo), data=body, headers={"X-ZEvent-Signature": f"mac={mac}"}
            )
            self.assertEqual(response.status_code, 403)
            body = json.dumps(messenger_event("u-x", "hi", "mx")).encode()
            digest = hmac.new(b"", body, hashlib.sha256).hexdigest()
            response = self.url_open(
                self._url(messenger), data=body, headers={"X-Hub-Signature-256": f"sha256={digest}"}
            )
            self.assertEqual(response.status_code, 403)
        for account in (line, zalo, messenger):
            self.assertFalse(self._stored(account), account.provider)

    def test_empty_verify_token_refuses_the_handshake_and_plaintext_pushes(self):
        messenger = self._bare("messenger", secret="meta-app-secret")
        wechat = self._bare("wechat", wechat_mode="plain", app_id="wx-app")
        with mute_logger(*MUTED):
            query = {"hub.mode": "subscribe", "hub.verify_token": "False", "hub.challenge": "42"}
            response = self.url_open(f"{self._url(messenger)}?{urlencode(query)}")
            self.assertEqual((response.status_code, response.text), (403, ""))
            query["hub.verify_token"] = ""
            response = self.url_open(f"{self._url(messenger)}?{urlencode(query)}")
            self.assertEqual((response.status_code, response.text), (403, ""))
            # the signature of an empty token over the time and a nonce
            query = sign_wechat(token="")
            query["signature"] = hashlib.sha1(
                "".join(sorted(["", query["timestamp"], query["nonce"]])).encode()
            ).hexdigest()
            response = self.url_open(
                f"{self._url(wechat)}?{urlencode(query)}", data=wechat_xml("o-x", "hi", "99")
            )
            self.assertEqual(response.status_code, 403)
        self.assertFalse(self._stored(wechat))

    def test_the_form_says_which_keys_are_missing(self):
        line = self._bare("line")
        self.assertFalse(line.is_ready)
        self.assertEqual(line.missing_keys, "Signing Secret")
        wechat = self._bare("wechat", verify_token="t")
        self.assertFalse(wechat.is_ready)
        self.assertEqual(wechat.missing_keys, "EncodingAESKey, App ID")
        self.assertTrue(self.accounts["wechat"].is_ready)
        self.assertTrue(self.plain.is_ready)
        self.assertTrue(self.accounts["messenger"].is_ready)

    def test_same_is_false_on_empty_or_odd_values(self):
        same = provider_base.same
        self.assertFalse(same("", ""))
        self.assertFalse(same(False, "False"))
        self.assertFalse(same("abc", None))
        self.assertFalse(same("abc", "abé"))
        self.assertFalse(same("abc", "ab\udcff"))
        self.assertTrue(same("abc", "abc"))

    # -- N2: WeChat plaintext mode -------------------------------------------------------
    def _plain_post(self, query, xml):
        return self.url_open(
            f"{self._url(self.plain)}?{urlencode(query)}",
            data=xml,
            headers={"Content-Type": "text/xml"},
        )

    def test_plaintext_signature_is_accepted_once(self):
        query = sign_wechat()
        response = self._plain_post(query, wechat_xml("o-lan", "Xin chào", "101"))
        self.assertEqual(response.status_code, 200)
        # the same signature with another body (another sender, a fresh MsgId)
        with mute_logger(ROUTE_LOGGER):
            response = self._plain_post(query, wechat_xml("o-victim", "forged", "102"))
            self.assertEqual(response.status_code, 403)
            forged = wechat_xml("o-victim", event="unsubscribe")
            self.assertEqual(self._plain_post(query, forged).status_code, 403)
        self.assertEqual(self._stored(self.plain).mapped("uid"), ["101"])
        # a new signature (a new nonce) is a new request
        response = self._plain_post(sign_wechat(), wechat_xml("o-lan", "Còn đó không?", "103"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._stored(self.plain)), 2)

    def test_server_check_signature_is_accepted_once(self):
        query = {**sign_wechat(), "echostr": "echo-1"}
        response = self.url_open(f"{self._url(self.accounts['wechat'])}?{urlencode(query)}")
        self.assertEqual((response.status_code, response.text), (200, "echo-1"))
        query["echostr"] = "<script>alert(1)</script>"
        with mute_logger(ROUTE_LOGGER):
            response = self.url_open(f"{self._url(self.accounts['wechat'])}?{urlencode(query)}")
        self.assertEqual((response.status_code, response.text), (403, ""))

    def test_replay_window_is_one_to_five_minutes(self):
        self.assertEqual(self.plain.replay_minutes, 5)
        for minutes in (0, -1, 6, 60):
            with (
                self.subTest(minutes=minutes),
                self.assertRaises(psycopg2.IntegrityError),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                self.plain.replay_minutes = minutes
                self.plain.flush_recordset()
        self.plain.replay_minutes = 1
        six_minutes_ago = int(time.time()) - 360
        with mute_logger(ROUTE_LOGGER):
            response = self._plain_post(
                sign_wechat(six_minutes_ago), wechat_xml("o-old", "old", "104", ts=six_minutes_ago)
            )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self._stored(self.plain))

    def test_ten_minutes_old_signature_is_stale(self):
        """The default window (5 minutes; it was 60) refuses a request
        signed 10 minutes ago, in every provider."""
        ten_minutes_ago = int(time.time()) - 600
        with mute_logger(ROUTE_LOGGER):
            response = self._plain_post(
                sign_wechat(ten_minutes_ago), wechat_xml("o-old", "old", "105", ts=ten_minutes_ago)
            )
            self.assertEqual(response.status_code, 403)
            body = json.dumps(zalo_event("u-old", "old", "z-old", ts=ten_minutes_ago * 1000))
            response = self.url_open(
                self._url(self.accounts["zalo"]),
                data=body.encode(),
                headers=sign_zalo(body.encode()),
            )
            self.assertEqual(response.status_code, 403)
        self.assertFalse(self._stored(self.plain))
        self.assertFalse(self._stored(self.accounts["zalo"]))

    # -- N2: WeChat safe mode -------------------------------------------------------------
    def _safe_post(self, query, body):
        return self.url_open(
            f"{self._url(self.accounts['wechat'])}?{urlencode(query)}",
            data=body,
            headers={"Content-Type": "text/xml"},
        )

    def test_safe_mode_decrypts_and_checks_the_body(self):
        account = self.accounts["wechat"]
        query, body = seal_wechat(wechat_xml("o-safe", "Đơn hàng của tôi", "201"))
        response = self._safe_post(query, body)
        self.assertEqual((response.status_code, response.text), (200, "success"))
        event = self._stored(account)
        self.assertEqual(
            (event.uid, event.sender_ref, event.text), ("201", "o-safe", "Đơn hàng của tôi")
        )
        with mute_logger(ROUTE_LOGGER):
            # a plaintext push (a valid plain signature) to a safe-mode account
            response = self._safe_post(sign_wechat(), wechat_xml("o-x", "plain", "202"))
            self.assertEqual(response.status_code, 403)
            # the body changed under a valid msg_signature
            _query, other = seal_wechat(wechat_xml("o-x", "other", "203"))
            self.assertEqual(self._safe_post(query, other).status_code, 403)
            # sealed for another AppID (signed with the right token)
            query, body = seal_wechat(wechat_xml("o-x", "elsewhere", "204"), app_id="wx-other")
            self.assertEqual(self._safe_post(query, body).status_code, 403)
            # sealed with another EncodingAESKey
            other_key = base64.b64encode(bytes(range(1, 33))).decode().rstrip("=")
            query, body = seal_wechat(wechat_xml("o-x", "k", "205"), aes_key=other_key)
            self.assertEqual(self._safe_post(query, body).status_code, 403)
            # addressed, inside the sealed XML, to another official account
            xml = wechat_xml("o-x", "to gh_2", "206").replace(b"gh_1", b"gh_2")
            query, body = seal_wechat(xml)
            self.assertEqual(self._safe_post(query, body).status_code, 400)
        self.assertEqual(self._stored(account).mapped("uid"), ["201"])

    def test_encoding_aes_key_must_be_43_characters_of_base64(self):
        for key in ("short", "A" * 42 + "!", "A" * 44):
            with self.subTest(key=key), self.assertRaises(ValidationError):
                self.plain.encoding_aes_key = key
        self.plain.encoding_aes_key = KEYS["wechat"]["encoding_aes_key"]

    # -- N15: malformed input, bounded bodies ------------------------------------------------
    def test_malformed_input_gets_a_4xx(self):
        with mute_logger(*MUTED):
            # a JSON array, with a signature header, before any signature holds
            response = self.url_open(
                self._url(self.accounts["zalo"]),
                data=b"[1, 2]",
                headers={"X-ZEvent-Signature": "mac=00", "Content-Type": "application/json"},
            )
            self.assertEqual(response.status_code, 403)
            # a signature header that is not ASCII
            body = json.dumps(line_event("u-x", "hi", "lx2")).encode()
            response = self.url_open(
                self._url(self.accounts["line"]),
                data=body,
                headers={"x-line-signature": "sïgnature".encode("latin-1")},
            )
            self.assertEqual(response.status_code, 403)
            # a signature in the query that is not ASCII
            query = {**sign_wechat(), "signature": "sïgnature"}
            response = self._plain_post(query, wechat_xml("o-x", "hi", "301"))
            self.assertEqual(response.status_code, 403)
            # correctly signed, but a JSON array instead of an object
            response = self.url_open(
                self._url(self.accounts["line"]), data=b"[]", headers=sign_line(b"[]")
            )
            self.assertEqual(response.status_code, 400)
            # not XML at all, correctly signed (plaintext mode)
            response = self._plain_post(sign_wechat(), b"\x00not xml")
            self.assertEqual(response.status_code, 400)
            # correctly signed, but a timestamp that is not a number (never stale before)
            query = sign_wechat(timestamp="soon")
            response = self._plain_post(query, wechat_xml("o-x", "hi", "302"))
            self.assertEqual(response.status_code, 403)
        for provider in ("zalo", "line"):
            self.assertFalse(self._stored(self.accounts[provider]), provider)
        self.assertFalse(self._stored(self.plain))

    def test_a_chunked_body_is_read_up_to_the_bound(self):
        """No length announced: the route reads 1 MB and one byte, then
        refuses with 413 (it used to read it all, up to 128 MB)."""

        def chunks():
            for _index in range(64):
                yield b"x" * 65536  # 4 MB in all

        with mute_logger(*MUTED):
            response = self.url_open(
                self._url(self.accounts["zalo"]),
                data=chunks(),
                headers={"X-ZEvent-Signature": "mac=00", "Content-Type": "application/json"},
            )
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self._stored(self.accounts["zalo"]))
