"""Files customers send, fetched by the processing job: never from a
loopback or private address, even from the test server an administrator
named; no redirect followed; a slow file server does not hold up the other
customers' messages; a file not fetched leaves a note on the incident and
the event is processed all the same."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from .common import MessagingCommon, loopback_test_server, sign_zalo, zalo_event
from .stub import IMAGE

MEDIA = "odoo.addons.customer_care_messaging.logic.media"
EVENT_MODULE = "odoo.addons.customer_care_messaging.models.customer_care_messaging_event"


class FileServer:
    """A file server on 127.0.0.1: ``/files/…`` an image, ``/nolength/…``
    the same without its length, ``/page`` an HTML page, ``/redirect`` a 302
    to ``redirect_to``, ``/slow`` an image sent one byte every 0.2 s.
    Records the paths asked."""

    def __init__(self):
        self.paths = []
        self.redirect_to = ""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.paths.append(self.path)
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", server.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                kind, data = ("image/png", IMAGE)
                if self.path.startswith("/page"):
                    kind, data = ("text/html", b"<html>internal page</html>")
                self.send_response(200)
                self.send_header("Content-Type", kind)
                if not self.path.startswith("/nolength"):
                    self.send_header("Content-Length", str(len(data) * 100))
                self.end_headers()
                try:
                    if self.path.startswith("/slow"):
                        for _index in range(100):  # 20 seconds in all
                            self.wfile.write(b"x")
                            self.wfile.flush()
                            time.sleep(0.2)
                    else:
                        self.wfile.write(data * 100)
                except OSError:
                    pass  # the client gave up

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@tagged("post_install", "-at_install")
class TestAttachments(MessagingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = FileServer()
        cls.addClassCleanup(cls.files.stop)
        cls.elsewhere = FileServer()
        cls.addClassCleanup(cls.elsewhere.stop)

    def setUp(self):
        super().setUp()
        self.files.paths.clear()
        self.elsewhere.paths.clear()

    def _send(self, sender, msg_id, text="", url=None, kind="image"):
        attachments = [{"type": kind, "payload": {"url": url}}] if url else None
        payload = zalo_event(sender, text, msg_id, attachments=attachments)
        body = json.dumps(payload).encode()
        account = self.accounts["zalo"]
        response = self.url_open(
            f"/customer_care/messaging/zalo/{account.sudo().webhook_key}",
            data=body,
            headers=sign_zalo(body),
        )
        self.assertEqual(response.status_code, 200)

    def _event(self, msg_id):
        return self.env["customer.care.messaging.event"].search([("uid", "=", msg_id)])

    def _notes(self, incident):
        return " ".join(
            incident.message_ids.filtered(lambda m: m.message_type == "notification").mapped("body")
        )

    def _chat(self, incident):
        return incident.message_ids.filtered(lambda m: m.message_type == "care_chat")

    def test_a_page_on_loopback_is_not_fetched(self):
        """The administrator named the stub (127.0.0.1) as the account's test
        server: its host is allowed, its address still is not."""
        self.assertEqual(self.accounts["zalo"].sudo().api_base_url, self.stub.url)
        self._send("u-ssrf", "z-ssrf", "xem ảnh", f"{self.stub.url}/files/internal.png")
        self._send("u-meta", "z-meta", "", "http://169.254.169.254/latest/meta-data/")
        self._send("u-other", "z-other", "", f"{self.files.url}/page")
        self._process()
        self.assertFalse(self.stub.sent("/files/internal.png"), "loopback was asked")
        self.assertFalse(self.files.paths, "a host that is not the test server was asked")
        for msg_id, reason in (
            ("z-ssrf", "private network"),
            ("z-meta", "not one of the chat app's file servers"),
            ("z-other", "not one of the chat app's file servers"),
        ):
            event = self._event(msg_id)
            self.assertEqual(event.state, "done", msg_id)
            self.assertFalse(self._chat(event.incident_id).attachment_ids, msg_id)
            self.assertIn(reason, self._notes(event.incident_id), msg_id)
        self.assertIn("xem ảnh", self._chat(self._event("z-ssrf").incident_id).body)

    def test_a_slow_file_server_does_not_hold_up_other_events(self):
        self.accounts["zalo"].api_base_url = self.files.url
        self._send("u-slow", "z-slow", "ảnh đây", f"{self.files.url}/slow.png")
        self._send("u-next", "z-next", "Tôi cần hỗ trợ")
        started = time.monotonic()
        with loopback_test_server(), patch(f"{MEDIA}.DEADLINE", 1.0):
            self._process()
        self.assertLess(time.monotonic() - started, 8, "the slow server held the job")
        self.assertEqual(self.files.paths, ["/slow.png"])
        slow, other = self._event("z-slow"), self._event("z-next")
        self.assertEqual((slow.state, other.state), ("done", "done"))
        self.assertFalse(self._chat(slow.incident_id).attachment_ids)
        self.assertIn("could not be reached in time", self._notes(slow.incident_id))
        self.assertIn("Tôi cần hỗ trợ", self._chat(other.incident_id).body)

    def test_a_redirect_is_not_followed(self):
        self.accounts["zalo"].api_base_url = self.files.url
        self.files.redirect_to = f"{self.elsewhere.url}/files/internal.png"
        self._send("u-redirect", "z-redirect", "", f"{self.files.url}/redirect")
        with loopback_test_server():
            self._process()
        self.assertEqual(self.files.paths, ["/redirect"])
        self.assertFalse(self.elsewhere.paths, "the redirect was followed")
        event = self._event("z-redirect")
        self.assertEqual(event.state, "done")
        self.assertFalse(self._chat(event.incident_id).attachment_ids)
        self.assertIn("sent it on to another address", self._notes(event.incident_id))

    def test_the_type_must_match_the_kind_announced(self):
        self.accounts["zalo"].api_base_url = self.files.url
        self._send("u-type", "z-type", "", f"{self.files.url}/page")
        self._send("u-good", "z-good", "", f"{self.files.url}/files/photo.png")
        with loopback_test_server():
            self._process()
        wrong = self._event("z-type")
        self.assertFalse(self._chat(wrong.incident_id).attachment_ids)
        self.assertIn("another kind of file (text/html)", self._notes(wrong.incident_id))
        good = self._chat(self._event("z-good").incident_id)
        self.assertEqual(good.attachment_ids.raw, IMAGE * 100)

    def test_a_batch_stops_when_its_fetching_time_is_spent(self):
        """The first event always runs; once the batch's time is spent the
        others stay pending, in order, for the next batch."""
        self.accounts["zalo"].api_base_url = self.files.url
        self._send("u-b1", "z-b1", "", f"{self.files.url}/files/1.png")
        self._send("u-b2", "z-b2", "sau đó")
        events = self._event("z-b1") | self._event("z-b2")
        with loopback_test_server(), patch(f"{EVENT_MODULE}.BATCH_FETCH_SECONDS", 0):
            self._process()
        self.assertEqual(self._event("z-b1").state, "done")
        self.assertEqual(self._event("z-b2").state, "pending")
        with loopback_test_server():
            self._process()
        self.assertEqual(set(events.mapped("state")), {"done"})
        first = self._chat(self._event("z-b1").incident_id)
        self.assertEqual(first.attachment_ids.raw, IMAGE * 100)
