"""Zalo Official Account (Vietnam).

Webhook: JSON events (``event_name`` ``user_send_text``, ``user_send_image``,
``follow``, ``unfollow`` …) with the header ``X-ZEvent-Signature:
mac=<sha256 hex of app id + body + timestamp + OA secret key>``; the route
must answer within 2 seconds.  Consultation messages ("tin tư vấn") reach a
user who wrote to the OA recently (the window is an account setting, 7 days
by default); outside it only a ZNS template message to the customer's phone
number is allowed.  The access token lives 25 hours and is refreshed with
the single-use refresh token.
"""

import hashlib
import json

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


@register
class ZaloProvider(Provider):
    code = "zalo"
    label = "Zalo"
    window_hours = 7 * 24
    template_label = "Zalo ZNS template"
    # error codes of the OA API (developers.zalo.me, "Mã lỗi")
    opt_out_errors = frozenset({-201, -217})  # user blocked / unfollowed the OA
    rate_errors = frozenset({-32, -1340})
    window_errors = frozenset({-213, -230})  # user has not interacted with the OA recently
    refreshes_token = True
    default_urls = {
        "api": "https://openapi.zalo.me",
        "zns": "https://business.openapi.zalo.me",
        "oauth": "https://oauth.zaloapp.com",
    }

    # Zalo's file servers (photo-*.zdn.vn, *.zadn.vn, dl.zalo.me …)
    media_hosts = ("zdn.vn", "zadn.vn", "zalo.me")

    def _payload(self, hook):
        """The JSON object of the body; ``{}`` for anything else (an array,
        a number, bytes that are not JSON)."""
        try:
            payload = json.loads(hook.body or b"{}")
        except ValueError:
            return {}
        return payload if isinstance(payload, dict) else {}

    def verify(self, keys, hook):
        if self.missing_keys(keys):
            return False
        timestamp = str(self._payload(hook).get("timestamp") or "")
        if not timestamp:
            return False
        data = (keys["app_id"] or "").encode() + hook.body + timestamp.encode()
        expected = hashlib.sha256(data + keys["secret"].encode()).hexdigest()
        given = hook.header("x-zevent-signature").strip()
        return same(f"mac={expected}", given) or same(expected, given)

    def signed_timestamp(self, hook, events):
        try:
            return int(self._payload(hook).get("timestamp") or 0) // 1000
        except (TypeError, ValueError):
            return 0

    def parse(self, keys, hook):
        item = self._payload(hook)
        name = item.get("event_name") or ""
        message = item.get("message") or {}
        kind = KIND_OTHER
        sender = (item.get("sender") or {}).get("id") or ""
        if name == "follow":
            kind, sender = KIND_FOLLOW, (item.get("follower") or {}).get("id") or sender
        elif name == "unfollow":
            kind, sender = KIND_UNFOLLOW, (item.get("follower") or {}).get("id") or sender
        elif name.startswith("user_send_"):
            kind = KIND_MESSAGE
        attachments = tuple(
            (
                attachment.get("type") or "file",
                (attachment.get("payload") or {}).get("url") or "",
                (attachment.get("payload") or {}).get("name") or "",
            )
            for attachment in message.get("attachments") or ()
        )
        timestamp = int(item.get("timestamp") or 0)
        uid = message.get("msg_id") or f"{name}:{sender}:{timestamp}"
        return [
            Event(
                uid=str(uid),
                kind=kind,
                sender=str(sender),
                timestamp=timestamp // 1000,
                text=message.get("text") or "",
                attachments=attachments,
                raw=hook.body.decode(),
            )
        ]

    def _auth(self, keys):
        return {"access_token": keys["access_token"] or ""}

    def text_request(self, base, keys, recipient, text):
        return ApiRequest(
            "POST",
            self.url(base, "api", "/v3.0/oa/message/cs"),
            headers=self._auth(keys),
            json={"recipient": {"user_id": recipient}, "message": {"text": text}},
        )

    def template_request(self, base, keys, recipient, phone, code, text, params):
        return ApiRequest(
            "POST",
            self.url(base, "zns", "/message/template"),
            headers=self._auth(keys),
            json={"phone": phone, "template_id": code, "template_data": params},
        )

    def read_send_response(self, status, payload):
        payload = payload or {}
        error = payload.get("error")
        if status == 200 and error == 0:
            return SendResult(SENT, str((payload.get("data") or {}).get("message_id") or ""))
        message = payload.get("message") or f"HTTP {status}"
        return self.refused(status, error, message)

    def refresh_request(self, base, keys):
        return ApiRequest(
            "POST",
            self.url(base, "oauth", "/v4/oa/access_token"),
            headers={"secret_key": keys["app_secret"] or ""},
            data={
                "refresh_token": keys["refresh_token"] or "",
                "app_id": keys["app_id"] or "",
                "grant_type": "refresh_token",
            },
        )

    def read_refresh_response(self, status, payload):
        payload = payload or {}
        if status != 200 or not payload.get("access_token"):
            raise ValueError(payload.get("error_description") or payload.get("message") or status)
        return {
            "access_token": payload["access_token"],
            "refresh_token": payload.get("refresh_token"),
            "expires_in": payload.get("expires_in"),
        }
