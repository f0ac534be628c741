"""The live chat in the care inbox: a visitor waiting for an operator's
answer is a row of the inbox until the operator answers; once an incident
is opened from the conversation, the incident stands for it."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_livechat_door import INCIDENT, TestLivechatDoor


@tagged("post_install", "-at_install")
class TestLivechatInbox(TestLivechatDoor):
    def _rows(self, channel, user=None):
        self.env.flush_all()
        Inbox = self.env["customer.care.inbox"].with_user(user or self.care_manager)
        return Inbox.search(
            [
                "|",
                "&",
                ("res_model", "=", "discuss.channel"),
                ("res_id", "=", channel.id),
                "&",
                ("res_model", "=", INCIDENT),
                ("res_id", "in", channel.sudo().care_incident_ids.ids),
            ]
        )

    def test_the_visitor_waits_until_the_operator_answers(self):
        channel = self._visitor_session()
        self.assertFalse(self._rows(channel), "nobody wrote yet")
        self._visitor_says(channel, "Do you sell bells?")
        row = self._rows(channel)
        self.assertEqual((row.source, row.channel), ("livechat", "livechat"))
        self.assertEqual(row.user_id, self.operator)
        self.assertIn("Do you sell bells?", row.last_message)
        self.assertEqual(self._rows(channel, self.operator), row, "the operator's own chat")
        action = row.with_user(self.operator).action_open()
        self.assertEqual(action["tag"], "mail.action_discuss")
        self.assertEqual(action["params"]["active_id"], f"discuss.channel_{channel.id}")

        self._operator_says(channel, "Yes, three kinds.")
        self.assertFalse(self._rows(channel))
        self._visitor_says(channel, "Which is the loudest?")
        self.assertTrue(self._rows(channel))
        channel.sudo().livechat_end_dt = channel.create_date
        self.assertFalse(self._rows(channel), "a closed conversation waits for nobody")

    def test_an_incident_opened_from_the_chat_stands_for_it(self):
        channel = self._visitor_session()
        self._visitor_says(channel, "My order is late. I am lan@example.com")
        channel.with_user(self.operator).execute_command_incident(body="/incident Late order")
        incident = self.env[INCIDENT].search([("discuss_channel_id", "=", channel.id)])
        rows = self._rows(channel)
        self.assertEqual(rows.mapped("res_model"), [INCIDENT], "one row, the incident")
        self.assertEqual(rows.date_waiting, channel.care_date_awaiting_reply)
        self._operator_says(channel, "It leaves today.")
        self.assertFalse(self._rows(channel))
        self.assertFalse(incident.date_awaiting_reply)
        self._visitor_says(channel, "Thanks, and the invoice?")
        self.assertEqual(self._rows(channel).res_id, incident.id)

    def test_nobody_sets_the_visitors_wait_by_hand(self):
        channel = self._visitor_session()
        with self.assertRaises(AccessError):
            channel.with_user(self.operator).write({"care_date_awaiting_reply": False})
