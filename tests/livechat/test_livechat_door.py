from markupsafe import escape

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, new_test_user, tagged

from odoo.addons.customer_care_livechat.logic import transcript
from odoo.addons.im_livechat.tests.chatbot_common import ChatbotCase

from ..common import CareCommon

INCIDENT = "customer.care.incident"


@tagged("post_install", "-at_install")
class TestTranscriptRules(BaseCase):
    def test_the_subject_is_the_first_line_bounded(self):
        self.assertEqual(transcript.subject("  Broken\n wheel"), "Broken")
        self.assertEqual(len(transcript.subject("x" * 500)), transcript.MAX_SUBJECT)
        self.assertEqual(transcript.subject(None), "")

    def test_the_last_address_the_visitor_typed(self):
        bodies = [
            "<p>no address here</p>",
            "<p>write to <b>an@example.com</b> or bo@example.vn</p>",
        ]
        self.assertEqual(transcript.last_email(bodies), "bo@example.vn")
        self.assertIsNone(transcript.last_email(["<p>an at example dot com</p>"]))


@tagged("post_install", "-at_install")
class TestLivechatDoor(CareCommon, ChatbotCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="care_chat_operator",
            name="Olivia Operator",
            groups="base.group_user,customer_care.group_care_user,im_livechat.im_livechat_group_user",
        )
        cls.plain_operator = new_test_user(
            cls.env,
            login="plain_chat_operator",
            name="Pat Plain",
            groups="base.group_user,im_livechat.im_livechat_group_user",
        )
        cls.known = cls._partner("Nguyễn Thị Lan", email="lan@example.com")
        # the care script: what happened, the address, then the incident
        cls.care_script = cls.env["chatbot.script"].create({"title": "Care Bot"})
        cls.env["chatbot.script.step"].create(
            [
                {
                    "chatbot_script_id": cls.care_script.id,
                    "step_type": "free_input_multi",
                    "message": "What happened?",
                },
                {
                    "chatbot_script_id": cls.care_script.id,
                    "step_type": "question_email",
                    "message": "Your email address, please?",
                },
                {
                    "chatbot_script_id": cls.care_script.id,
                    "step_type": "create_care_incident",
                    "message": "Thank you, our care team answers you shortly.",
                },
            ]
        )
        cls.care_livechat = cls.env["im_livechat.channel"].create(
            {
                "name": "Care chat",
                "rule_ids": [Command.create({"chatbot_script_id": cls.care_script.id})],
            }
        )
        cls.operator_livechat = cls.env["im_livechat.channel"].create(
            {"name": "Operators", "user_ids": [Command.set(cls.operator.ids)]}
        )

    # -- the chatbot step -------------------------------------------------
    def _play_care_script(self, words, email):
        data = self.make_jsonrpc_request(
            "/im_livechat/get_session",
            {"channel_id": self.care_livechat.id, "chatbot_script_id": self.care_script.id},
        )
        channel = self.env["discuss.channel"].sudo().browse(data["channel_id"])
        # the chat window sends what the visitor typed as escaped HTML
        self._post_answer_and_trigger_next_step(channel, body=escape(words))
        self._post_answer_and_trigger_next_step(channel, email=email)
        return channel

    def test_the_chatbot_opens_an_incident_for_the_known_customer(self):
        channel = self._play_care_script(
            "My bike came with a <bent> wheel & no bell", "LAN@example.com"
        )
        incident = self.env[INCIDENT].search([("discuss_channel_id", "=", channel.id)])
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.partner_id, self.known)
        self.assertEqual(incident.channel, "livechat")
        self.assertEqual(incident.name, "My bike came with a <bent> wheel & no bell")
        self.assertFalse(incident.user_id)
        self.assertIn(self.known, incident.message_partner_ids)
        note = incident.message_ids.filtered(lambda m: "live chat conversation" in (m.body or ""))
        self.assertEqual(len(note), 1)
        # the visitor's words reach the note escaped, never as markup
        self.assertIn("&lt;bent&gt; wheel &amp; no bell", note.body)
        self.assertNotIn("<bent>", note.body)
        self.assertIn("What happened?", note.body)

    def test_the_chatbots_incident_is_routed_by_the_care_team(self):
        always = self.env["resource.calendar"].create(
            {
                "name": "Round the clock",
                "tz": "UTC",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": str(day),
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        team = self.env["customer.care.team"].create(
            {
                "name": "Chat care",
                "sequence": 0,
                "member_ids": [Command.set(self.care_user.ids)],
                "assignment_method": "round_robin",
                "resource_calendar_id": always.id,
            }
        )
        channel = self._play_care_script("My bell is missing", "lan@example.com")
        incident = self.env[INCIDENT].search([("discuss_channel_id", "=", channel.id)])
        self.assertEqual((incident.team_id, incident.user_id), (team, self.care_user))
        self.assertTrue(
            any("Assigned to Cara User" in (m.body or "") for m in incident.message_ids)
        )

    def test_the_chatbot_matches_a_new_address_to_a_new_contact(self):
        channel = self._play_care_script("Where is my order?", "new.visitor@example.com")
        incident = self.env[INCIDENT].search([("discuss_channel_id", "=", channel.id)])
        self.assertEqual(incident.partner_id.email, "new.visitor@example.com")
        self.assertEqual(incident.kind, "question")
        self.assertEqual(incident.company_id, self.env.company)

    # -- the operator's /incident command ---------------------------------
    def _visitor_session(self):
        self.env["mail.presence"]._update_presence(self.operator)
        self.env["mail.presence"]._update_presence(self.plain_operator)
        data = self.make_jsonrpc_request(
            "/im_livechat/get_session", {"channel_id": self.operator_livechat.id}
        )
        channel = self.env["discuss.channel"].browse(data["channel_id"])
        self.assertEqual(channel.livechat_operator_id, self.operator.partner_id)
        return channel

    def _visitor_says(self, channel, body):
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "discuss.channel",
                "thread_id": channel.id,
                "post_data": {"body": body, "message_type": "comment"},
            },
        )

    def _operator_says(self, channel, body, user=None):
        channel.with_user(user or self.operator).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def test_the_command_opens_an_incident_and_the_operators_answer_stops_the_clock(self):
        channel = self._visitor_session()
        self._visitor_says(channel, "Hello, my order is late. I am lan@example.com")
        self._operator_says(channel, "Let me check.")
        channel.with_user(self.operator).execute_command_incident(body="/incident Late order")
        incident = self.env[INCIDENT].search([("discuss_channel_id", "=", channel.id)])
        self.assertEqual(incident.name, "Late order")
        self.assertEqual(incident.partner_id, self.known)
        self.assertEqual(incident.channel, "livechat")
        # the operator answering the customer is its responsible
        self.assertEqual(incident.user_id, self.operator)
        # the answer given before the incident existed is not its response
        self.assertFalse(incident.date_first_response)
        self._visitor_says(channel, "Any news?")
        self.assertFalse(incident.date_first_response)
        self._operator_says(channel, "It leaves the warehouse today.")
        self.assertTrue(incident.date_first_response)
        first = incident.date_first_response
        self._operator_says(channel, "Anything else?")
        self.assertEqual(incident.date_first_response, first)
        # a second /incident while this one is open opens nothing more
        channel.with_user(self.operator).execute_command_incident(body="/incident Again")
        self.assertEqual(
            self.env[INCIDENT].search_count([("discuss_channel_id", "=", channel.id)]), 1
        )

    def test_the_visitors_message_ends_the_wait_for_the_customer(self):
        channel = self._visitor_session()
        self._visitor_says(channel, "My order is late. I am lan@example.com")
        channel.with_user(self.operator).execute_command_incident(body="/incident Late order")
        incident = self.env[INCIDENT].search([("discuss_channel_id", "=", channel.id)])
        incident.with_user(self.operator).action_wait_for_customer()
        self.assertEqual(incident.state, "waiting")
        self._operator_says(channel, "Could you send the order number?")
        self.assertEqual(incident.state, "waiting", "the operator's message is no reply")
        self._visitor_says(channel, "It is S00042")
        self.env.invalidate_all()
        self.assertEqual(incident.state, "in_progress")
        self.assertFalse(incident.date_waiting_since)

    def test_a_signed_in_visitor_is_their_own_customer(self):
        portal = new_test_user(
            self.env, login="care_chat_portal", name="Portal Phúc", groups="base.group_portal"
        )
        self.authenticate("care_chat_portal", "care_chat_portal")
        channel = self._visitor_session()
        self._visitor_says(channel, "My invoice is wrong")
        channel.with_user(self.operator).execute_command_incident(body="/incident Invoice")
        incident = self.env[INCIDENT].search([("discuss_channel_id", "=", channel.id)])
        self.assertEqual(incident.partner_id, portal.partner_id)

    def test_nothing_is_opened_for_an_anonymous_visitor_without_address(self):
        channel = self._visitor_session()
        self._visitor_says(channel, "Hi, question about sizes")
        channel.with_user(self.operator).execute_command_incident(body="/incident Sizes")
        self.assertFalse(self.env[INCIDENT].search([("discuss_channel_id", "=", channel.id)]))

    def test_only_care_users_open_incidents_from_a_conversation(self):
        channel = self._visitor_session()
        self._visitor_says(channel, "I am lan@example.com")
        channel.sudo().channel_member_ids.create(
            {"channel_id": channel.id, "partner_id": self.plain_operator.partner_id.id}
        )
        channel.with_user(self.plain_operator).execute_command_incident(body="/incident Nope")
        self.assertFalse(self.env[INCIDENT].search([("discuss_channel_id", "=", channel.id)]))

    def test_an_incident_cannot_point_to_a_conversation_its_author_cannot_read(self):
        channel = self._visitor_session()
        with self.assertRaises(AccessError):
            self.env[INCIDENT].with_user(self.care_user).create(
                {
                    "name": "Borrowed chat",
                    "partner_id": self.known.id,
                    "discuss_channel_id": channel.id,
                }
            )
