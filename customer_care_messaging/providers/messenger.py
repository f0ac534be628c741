"""Facebook Messenger (Meta's Messenger Platform, a Facebook page).

Subscription check: a GET with ``hub.mode=subscribe``, ``hub.verify_token``
(the account's verify token) and ``hub.challenge``, answered with the
challenge.  Webhook: JSON ``{"object": "page", "entry": [{"messaging":
[...]}]}`` signed in ``X-Hub-Signature-256: sha256=<HMAC-SHA256 hex of the
body with the app secret>``.  Free replies within 24 hours of the customer's
last message; outside it only a message carrying a message tag (the
template's code, e.g. ``POST_PURCHASE_UPDATE``).  A customer who turns
notifications off (``messaging_optins`` with ``STOP NOTIFICATIONS``) opts
out.
"""

import json

from .base import (
    FAILED,
    KIND_FOLLOW,
    KIND_MESSAGE,
    KIND_OTHER,
    KIND_UNFOLLOW,
    RATE_LIMITED,
    SENT,
    WINDOW_CLOSED,
    ApiRequest,
    Event,
    Provider,
    SendResult,
    hmac_sha256,
    register,
    same,
)

GRAPH_VERSION = "v19.0"
WINDOW_SUBCODES = {2018278, 2018109}
RATE_CODES = {4, 17, 32, 613}


@register
class MessengerProvider(Provider):
    code = "messenger"
    label = "Messenger"
    window_hours = 24
    template_label = "Messenger message tag"
    default_urls = {"api": "https://graph.facebook.com"}
    ack_body = "EVENT_RECEIVED"
    webhook_keys = ("secret", "verify_token")
    # Meta's CDNs (scontent-*.fbcdn.net, lookaside.fbsbx.com, cdn.fbsbx.com)
    media_hosts = ("fbcdn.net", "fbsbx.com")

    def verify(self, keys, hook):
        if self.missing_keys(keys):
            return False
        expected = "sha256=" + hmac_sha256(keys["secret"], hook.body).hexdigest()
        return same(expected, hook.header("x-hub-signature-256"))

    def handshake(self, keys, hook):
        if self.missing_keys(keys):
            return None
        if hook.query.get("hub.mode") == "subscribe" and same(
            keys["verify_token"], hook.query.get("hub.verify_token")
        ):
            return hook.query.get("hub.challenge") or ""
        return None

    def parse(self, keys, hook):
        events = []
        payload = json.loads(hook.body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError("not a JSON object")
        for entry in payload.get("entry") or []:
            for item in entry.get("messaging", []):
                sender = (item.get("sender") or {}).get("id") or ""
                timestamp = int(item.get("timestamp") or 0)
                message = item.get("message") or {}
                optin = item.get("optin") or {}
                if message and not message.get("is_echo"):
                    attachments = tuple(
                        (a.get("type") or "file", (a.get("payload") or {}).get("url") or "", "")
                        for a in message.get("attachments") or ()
                    )
                    uid, kind = message.get("mid"), KIND_MESSAGE
                elif optin.get("notification_messages_status") == "STOP NOTIFICATIONS":
                    uid, kind, attachments = f"optout:{sender}:{timestamp}", KIND_UNFOLLOW, ()
                elif optin or item.get("postback", {}).get("payload") == "GET_STARTED":
                    uid, kind, attachments = f"optin:{sender}:{timestamp}", KIND_FOLLOW, ()
                else:
                    uid, kind, attachments = f"other:{sender}:{timestamp}", KIND_OTHER, ()
                events.append(
                    Event(
                        uid=str(uid),
                        kind=kind,
                        sender=sender,
                        timestamp=timestamp // 1000,
                        text=message.get("text") or "",
                        attachments=attachments,
                        raw=json.dumps(item, ensure_ascii=False),
                    )
                )
        return [event for event in events if event.sender]

    def _send(self, base, keys, body):
        # the Graph API takes the page token as a bearer token: in a header it
        # stays out of the address, which proxies and network errors quote
        return ApiRequest(
            "POST",
            self.url(base, "api", f"/{GRAPH_VERSION}/me/messages"),
            headers={"Authorization": f"Bearer {keys['access_token'] or ''}"},
            json=body,
        )

    def text_request(self, base, keys, recipient, text):
        return self._send(
            base,
            keys,
            {
                "recipient": {"id": recipient},
                "messaging_type": "RESPONSE",
                "message": {"text": text},
            },
        )

    def template_request(self, base, keys, recipient, phone, code, text, params):
        return self._send(
            base,
            keys,
            {
                "recipient": {"id": recipient},
                "messaging_type": "MESSAGE_TAG",
                "tag": code,
                "message": {"text": text},
            },
        )

    def read_send_response(self, status, payload):
        payload = payload or {}
        if status == 200 and payload.get("message_id"):
            return SendResult(SENT, payload["message_id"])
        error = payload.get("error") or {}
        message = error.get("message") or f"HTTP {status}"
        if error.get("error_subcode") in WINDOW_SUBCODES:
            return SendResult(WINDOW_CLOSED, error=message)
        if status == 429 or error.get("code") in RATE_CODES:
            return SendResult(RATE_LIMITED, error=message)
        return SendResult(FAILED, error=message)
