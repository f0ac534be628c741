"""WeChat Official Account (China).

Server check and every push carry ``signature``, ``timestamp`` and
``nonce`` in the query string: the signature is the SHA-1 of the token,
the timestamp and the nonce sorted and joined; the check (a GET) is
answered with ``echostr``.  Messages are XML (plaintext mode): ``MsgType``
``text``, ``image`` (``PicUrl``), ``event`` with ``Event`` ``subscribe`` /
``unsubscribe``.  Customer service messages reach a user within 48 hours of
their last message; outside it only a template message.  The access token
lives 2 hours and is fetched again with the AppID and AppSecret.
"""

import hashlib

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

# no entities, no network: the plaintext body is not covered by the signature
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def signature(token, timestamp, nonce):
    return hashlib.sha1("".join(sorted([token or "", timestamp, nonce])).encode()).hexdigest()


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

    def verify(self, keys, hook):
        query = hook.query
        expected = signature(
            keys["verify_token"], query.get("timestamp") or "", query.get("nonce") or ""
        )
        return same(expected, query.get("signature"))

    def handshake(self, keys, hook):
        if self.verify(keys, hook):
            return hook.query.get("echostr") or ""
        return None

    def signed_timestamp(self, hook, events):
        try:
            return int(hook.query.get("timestamp") or 0)
        except ValueError:
            return 0

    def parse(self, keys, hook):
        root = etree.fromstring(hook.body, PARSER)

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
                raw=hook.body.decode(),
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
