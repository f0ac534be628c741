"""LINE Messaging API (Thailand, Japan, Taiwan).

Webhook: JSON ``{"destination", "events": [...]}`` signed in the
``x-line-signature`` header: base64 of the HMAC-SHA256 of the body with the
channel secret.  Messages go out by the push API with the channel access
token; LINE has no reply window for push messages (they count against the
channel's monthly quota), so a push is also what outreach sends.
"""

import base64
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
    hmac_sha256,
    register,
    same,
)

MEDIA = {"image": "image.jpg", "video": "video.mp4", "audio": "audio.m4a", "file": None}


@register
class LineProvider(Provider):
    code = "line"
    label = "LINE"
    window_hours = 0
    template_label = "LINE push message"
    refreshes_token = True
    default_urls = {"api": "https://api.line.me", "data": "https://api-data.line.me"}
    # files are fetched from the content API (the account's own request)
    media_hosts = ("api-data.line.me",)

    def verify(self, keys, hook):
        if self.missing_keys(keys):
            return False
        expected = base64.b64encode(hmac_sha256(keys["secret"], hook.body).digest()).decode()
        return same(expected, hook.header("x-line-signature"))

    def parse(self, keys, hook):
        events = []
        payload = json.loads(hook.body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError("not a JSON object")
        for item in payload.get("events") or []:
            source = item.get("source") or {}
            kind = {"message": KIND_MESSAGE, "follow": KIND_FOLLOW, "unfollow": KIND_UNFOLLOW}.get(
                item.get("type"), KIND_OTHER
            )
            message = item.get("message") or {}
            text, attachments = "", ()
            if kind == KIND_MESSAGE:
                if message.get("type") == "text":
                    text = message.get("text") or ""
                elif message.get("type") in MEDIA:
                    name = message.get("fileName") or MEDIA[message["type"]] or "file"
                    attachments = ((message["type"], message.get("id") or "", name),)
                else:
                    text = f"[{message.get('type')}]"
            events.append(
                Event(
                    uid=message.get("id") or item.get("webhookEventId") or "",
                    kind=kind,
                    sender=source.get("userId") or "",
                    timestamp=int(item.get("timestamp") or 0) // 1000,
                    text=text,
                    attachments=attachments,
                    raw=json.dumps(item, ensure_ascii=False),
                )
            )
        return [event for event in events if event.uid and event.sender]

    def _auth(self, keys):
        return {"Authorization": f"Bearer {keys['access_token']}"}

    def text_request(self, base, keys, recipient, text):
        return ApiRequest(
            "POST",
            self.url(base, "api", "/v2/bot/message/push"),
            headers=self._auth(keys),
            json={"to": recipient, "messages": [{"type": "text", "text": text}]},
        )

    def template_request(self, base, keys, recipient, phone, code, text, params):
        # a push is allowed at any time: the "template" is the text itself
        return self.text_request(base, keys, recipient, text)

    def read_send_response(self, status, payload):
        if status == 200:
            sent = (payload or {}).get("sentMessages") or [{}]
            return SendResult(SENT, str(sent[0].get("id") or ""))
        message = (payload or {}).get("message") or f"HTTP {status}"
        return self.refused(status, None, message)

    def refresh_request(self, base, keys):
        # a short-lived channel access token from the channel id and secret
        return ApiRequest(
            "POST",
            self.url(base, "api", "/v2/oauth/accessToken"),
            data={
                "grant_type": "client_credentials",
                "client_id": keys["app_id"],
                "client_secret": keys["secret"],
            },
        )

    def read_refresh_response(self, status, payload):
        if status != 200 or not (payload or {}).get("access_token"):
            raise ValueError((payload or {}).get("error_description") or f"HTTP {status}")
        return {"access_token": payload["access_token"], "expires_in": payload.get("expires_in")}

    def attachment_request(self, base, keys, reference):
        # a LINE message id is a number: nothing else goes into the path
        if not (reference.isascii() and reference.isdigit()):
            return None
        return ApiRequest(
            "GET",
            self.url(base, "data", f"/v2/bot/message/{reference}/content"),
            headers=self._auth(keys),
        )
