"""A care user answers a Zalo message from an incident, in Chromium, and
sees it delivered (the local stub API accepts it)."""

from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import MessagingCommon


@tagged("post_install", "-at_install")
class TestMessagingTour(MessagingCommon, HttpCase):
    def test_care_user_answers_a_zalo_message(self):
        self._identity("zalo", "zalo-tour", date_last_inbound=fields.Datetime.now())
        incident = self.env["customer.care.incident"].create(
            {
                "name": "Lamp delivered without a bulb",
                "partner_id": self.customer.id,
                "channel": "social",
                "messaging_account_id": self.accounts["zalo"].id,
                "user_id": self.care_user.id,
            }
        )
        incident.message_post(
            body="The lamp came without a bulb.",
            author_id=self.customer.id,
            message_type="care_chat",
            subtype_xmlid="mail.mt_comment",
        )
        # the test server's transactions never commit, so their commit hooks
        # never run: the answer goes out at once instead
        Outbound = type(self.env["customer.care.messaging.outbound"])
        with patch.object(Outbound, "_send_after_commit", Outbound._claim_and_send):
            self.start_tour(
                "/odoo", "customer_care_messaging_answer_tour", login=self.care_user.login
            )
        (sent,) = self.stub.sent("/v3.0/oa/message/cs")
        self.assertEqual(sent["body"]["recipient"]["user_id"], "zalo-tour")
        self.assertIn("bulb this afternoon", sent["body"]["message"]["text"])
        self.assertTrue(incident.date_first_response)
