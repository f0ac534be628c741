"""Chat app messages in the care inbox: a message from a chat app puts the
customer's incident (or care plan) in the inbox from the time they wrote,
whether it opened the incident or joined it, and the care user's answer
sent through the chat app takes it off."""

import json
import time
from datetime import datetime

from odoo import fields
from odoo.tests import Form, tagged

from odoo.addons.customer_care_messaging.providers.base import KIND_MESSAGE, Event

from .common import MessagingCommon


@tagged("post_install", "-at_install")
class TestInboxMessaging(MessagingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.accounts["zalo"]
        cls.sequence = 0

    def _store(self, sender, text):
        type(self).sequence += 1
        when = int(time.time()) - 600 + self.sequence
        event = Event(
            uid=f"inbox-{self.sequence}",
            kind=KIND_MESSAGE,
            sender=sender,
            timestamp=when,
            text=text,
            raw=json.dumps({"text": text}),
        )
        self.env["customer.care.messaging.event"]._store(self.account, [event])
        return datetime.utcfromtimestamp(when)

    def _rows(self, record):
        self.env.flush_all()
        return self.env["customer.care.inbox"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)]
        )

    def test_a_chat_message_waits_in_the_inbox_until_answered(self):
        self._identity("zalo", "z-inbox")
        self._store("z-inbox", "Is the blue one in stock?")
        self._process()
        incident = self.env["customer.care.incident"].search(
            [("partner_id", "=", self.customer.id), ("channel", "=", "social")]
        )
        row = self._rows(incident)
        self.assertEqual(row.channel, "social")
        self.assertEqual(row.date_waiting, incident.date_received)
        self.assertIn("Is the blue one in stock?", row.last_message)

        incident.user_id = self.care_user
        action = incident.with_user(self.care_user).action_open_messaging_composer()
        composer = Form(
            self.env["customer.care.messaging.composer"]
            .with_user(self.care_user)
            .with_context(action["context"])
        )
        composer.body = "Yes, two left."
        composer.save().action_send()
        self.assertFalse(self._rows(incident), "the answer went out through the chat app")

        wrote = self._store("z-inbox", "Great, I take one")
        self._process()
        row = self._rows(incident)
        # from when the message reached the incident
        self.assertTrue(wrote <= row.date_waiting <= fields.Datetime.now())
        self.assertIn("Great, I take one", row.last_message)

    def test_a_chat_message_on_a_care_plan(self):
        self._identity("zalo", "z-plan")
        plan = self.env["customer.care.plan"].create(
            {"partner_id": self.customer.id, "channel": "social", "state": "planned"}
        )
        self._store("z-plan", "Call me after 5 please")
        self._process()
        row = self._rows(plan)
        self.assertEqual(row.source, "plan")
        self.assertIn("after 5", row.last_message)
