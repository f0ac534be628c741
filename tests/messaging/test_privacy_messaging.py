"""The chat apps' part of a customer's data rights: their chat identities
and chat messages are in the copy, wiped by the erasure (the provider's
user id no longer leads to them and nothing is sent to it again), and
found by Odoo's privacy lookup."""

import base64
import json

from odoo import fields
from odoo.tests import tagged

from .common import MessagingCommon

NEEDLES = ["Lan Nguyen", "lan@example.com", "zalo-user-lan", "Lan on Zalo", "Is my order shipped"]


@tagged("post_install", "-at_install")
class TestChatPrivacy(MessagingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.identity = (
            cls.env["customer.care.messaging.identity"]
            .sudo()
            .create(
                {
                    "account_id": cls.accounts["zalo"].id,
                    "user_ref": "zalo-user-lan",
                    "partner_id": cls.customer.id,
                }
            )
        )
        Event = cls.env["customer.care.messaging.event"].sudo()
        cls.events = Event.create(
            [
                {
                    "account_id": cls.accounts["zalo"].id,
                    "company_id": cls.company.id,
                    "provider": "zalo",
                    "uid": uid,
                    "kind": "message",
                    "sender_ref": "zalo-user-lan",
                    "sender_name": "Lan on Zalo",
                    "text": "Is my order shipped?",
                    "raw": '{"sender": "zalo-user-lan", "text": "Is my order shipped?"}',
                    "date_event": fields.Datetime.now(),
                    "identity_id": identity,
                    "state": state,
                }
                for uid, identity, state in [
                    ("privacy-1", cls.identity.id, "done"),
                    # received, not processed yet
                    ("privacy-2", False, "pending"),
                ]
            ]
        )
        cls.outbound = (
            cls.env["customer.care.messaging.outbound"]
            .sudo()
            .create(
                {
                    "identity_id": cls.identity.id,
                    "body": "Dear Lan Nguyen, yes it is",
                    "state": "sent",
                }
            )
        )

    def _care_values(self):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name LIKE 'customer_care%%'
                  AND data_type IN ('character varying', 'text', 'jsonb')"""
        )
        found = []
        for table, column in self.env.cr.fetchall():
            self.env.cr.execute(
                f'SELECT "{column}"::text FROM "{table}" WHERE "{column}" IS NOT NULL'
            )
            found += [
                (table, column, needle)
                for (value,) in self.env.cr.fetchall()
                for needle in NEEDLES
                if needle.lower() in value.lower()
            ]
        return found

    def test_the_copy_lists_the_chat_identities_and_messages(self):
        self.customer.with_user(self.care_manager).action_care_export_personal_data()
        data = json.loads(base64.b64decode(self.customer.sudo().care_personal_data_file))
        (identity,) = data["chat_identities"]
        self.assertEqual((identity["provider"], identity["user_ref"]), ("Zalo", "zalo-user-lan"))
        received = [m for m in data["chat_messages"] if m["direction"] == "received"]
        sent = [m for m in data["chat_messages"] if m["direction"] == "sent"]
        self.assertEqual([m["text"] for m in received], ["Is my order shipped?"])
        self.assertEqual(
            [(m["provider"], m["body"]) for m in sent], [("Zalo", "Dear Lan Nguyen, yes it is")]
        )

    def test_erasure_wipes_the_chat_identities_and_messages(self):
        self.assertTrue(self._care_values())
        self.customer.with_user(self.care_manager).action_care_anonymize("Asked on Zalo")
        self.env.invalidate_all()
        self.assertEqual(self._care_values(), [])
        self.assertTrue(self.identity.opted_out)
        self.assertEqual(self.identity.user_ref, f"anonymized-{self.identity.id}")
        # the pending event will not bring her back
        self.assertEqual(self.events.mapped("state"), ["done", "ignored"])
        self.assertEqual(self.events.mapped("sender_ref"), [False, False])
        # the messages stay, counted, without their text
        self.assertEqual(self.outbound.state, "sent")
        self.assertEqual(self.outbound.body, "[Removed at the customer's request]")

    def test_privacy_lookup_finds_the_identity_and_the_events(self):
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": "Lan on Zalo", "email": "lan@example.com"}
        )
        wizard.action_lookup()
        found = {(line.res_model, line.res_id) for line in wizard.line_ids}
        self.assertIn(("customer.care.messaging.identity", self.identity.id), found)
        for event in self.events:
            self.assertIn(("customer.care.messaging.event", event.id), found)
        self.assertIn(("customer.care.messaging.outbound", self.outbound.id), found)
