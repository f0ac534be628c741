"""A stand-in for the chat apps' APIs: a small threaded HTTP server on
127.0.0.1 (a free port) that records every request and answers as the
provider does, with success, "reply window closed" or "rate limited"
depending on its ``mode``."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OK, WINDOW, RATE = "ok", "window", "rate_limit"
IMAGE = b"\x89PNG\r\n\x1a\n stub image"

# path suffix -> {mode: (status, json answer)}
SEND_ANSWERS = {
    "/v3.0/oa/message/cs": {
        OK: (200, {"error": 0, "message": "Success", "data": {"message_id": "zalo-msg-1"}}),
        WINDOW: (200, {"error": -213, "message": "User has not interacted with the OA"}),
        RATE: (200, {"error": -32, "message": "Exceed rate limit"}),
    },
    "/message/template": {
        OK: (200, {"error": 0, "message": "Success", "data": {"msg_id": "zns-1"}}),
        WINDOW: (200, {"error": -124, "message": "Template not approved"}),
        RATE: (200, {"error": -32, "message": "Exceed rate limit"}),
    },
    "/v2/bot/message/push": {
        OK: (200, {"sentMessages": [{"id": "line-msg-1", "quoteToken": "q"}]}),
        WINDOW: (400, {"message": "Failed to send messages"}),
        RATE: (429, {"message": "The API rate limit has been exceeded. Try again later."}),
    },
    "/me/messages": {
        OK: (200, {"recipient_id": "psid", "message_id": "m_messenger-1"}),
        WINDOW: (
            400,
            {
                "error": {
                    "message": "(#10) This message is sent outside of allowed window.",
                    "code": 10,
                    "error_subcode": 2018278,
                }
            },
        ),
        RATE: (400, {"error": {"message": "(#613) Calls exceeded the rate limit.", "code": 613}}),
    },
    "/cgi-bin/message/custom/send": {
        OK: (200, {"errcode": 0, "errmsg": "ok"}),
        WINDOW: (200, {"errcode": 45015, "errmsg": "response out of time limit"}),
        RATE: (200, {"errcode": 45009, "errmsg": "reach max api daily quota limit"}),
    },
    "/cgi-bin/message/template/send": {
        OK: (200, {"errcode": 0, "errmsg": "ok", "msgid": 200228332}),
        WINDOW: (200, {"errcode": 40037, "errmsg": "invalid template_id"}),
        RATE: (200, {"errcode": 45009, "errmsg": "reach max api daily quota limit"}),
    },
    "/v4/oa/access_token": {
        OK: (
            200,
            {"access_token": "zalo-new", "refresh_token": "zalo-refresh-2", "expires_in": "90000"},
        ),
    },
    "/v2/oauth/accessToken": {
        OK: (200, {"access_token": "line-new", "expires_in": 2592000, "token_type": "Bearer"}),
    },
    "/cgi-bin/token": {OK: (200, {"access_token": "wechat-new", "expires_in": 7200})},
}


class StubApi:
    def __init__(self):
        self.requests = []
        self.mode = OK
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = parse_qs(raw.decode())
                stub.requests.append(
                    {
                        "method": self.command,
                        "path": url.path,
                        "query": parse_qs(url.query),
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                if url.path.endswith("/content") or url.path.startswith("/files/"):
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.end_headers()
                    self.wfile.write(IMAGE)
                    return
                answers = next(
                    (a for suffix, a in SEND_ANSWERS.items() if url.path.endswith(suffix)), None
                )
                status, payload = (
                    (answers or {}).get(stub.mode)
                    or (answers or {}).get(OK)
                    or (
                        404,
                        {"message": "unknown"},
                    )
                )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def sent(self, suffix):
        return [r for r in self.requests if r["path"].endswith(suffix)]
