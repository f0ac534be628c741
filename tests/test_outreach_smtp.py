"""The birthday email leaves through a real SMTP conversation.

A throwaway SMTP sink listens on 127.0.0.1; Odoo's outgoing mail server
points at it, the rule runs, the mail queue is processed, and the sink
receives the message.  Nothing leaves the machine.
"""

import socket
from datetime import date
from email import message_from_bytes
from email.header import decode_header, make_header
from unittest.mock import patch

from aiosmtpd.controller import Controller
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.base.models.ir_mail_server import IrMail_Server

from .common import CareCommon


class Sink:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestBirthdayEmailOverSMTP(CareCommon):
    @freeze_time("2026-06-15 10:00:00")
    def test_birthday_email_is_delivered_to_a_local_smtp_server(self):
        sink = Sink()
        port = free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        self.addCleanup(controller.stop)
        self.env["ir.mail_server"].create(
            {"name": "Local sink", "smtp_host": "127.0.0.1", "smtp_port": port, "sequence": 1}
        )
        self.env.company.write({"email": "care@example.com"})
        self.env.company.partner_id.tz = "UTC"
        partner = self._partner(
            "Dung Pham", email="dung.pham@example.com", birthdate_date=date(1987, 6, 15)
        )
        rule = self.env.ref("customer_care.outreach_rule_birthday_email")
        rule.write({"active": True, "domain": f"[('id', '=', {partner.id})]"})
        with self.committing_batches():
            run = rule._run()
        self.assertEqual(run.contacted, 1)
        mail = self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])
        self.assertEqual(len(mail), 1)
        # tests normally never open an SMTP connection: allow this one
        with patch.object(IrMail_Server, "_disable_send", return_value=False):
            mail.send(raise_exception=True)
        self.assertEqual(len(sink.messages), 1)
        _sender, recipients, content = sink.messages[0]
        self.assertEqual(recipients, ["dung.pham@example.com"])
        message = message_from_bytes(content)
        subject = str(make_header(decode_header(message["Subject"])))
        self.assertIn("Happy birthday, Dung Pham", subject)
        self.assertIn("care message", subject)
        body = next(
            part.get_payload(decode=True).decode()
            for part in message.walk()
            if part.get_content_type() == "text/html"
        )
        self.assertIn("Dear Dung Pham", body)
        # one-click unsubscribe (RFC 8058) for the mail providers, a link for the reader
        url = partner._care_unsubscribe_url(self.env.company)
        # (a long header may be folded on its way)
        self.assertEqual("".join(message["List-Unsubscribe"].split()), f"<{url}>")
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn(url, body)
