"""Outbound: a care user answers from the incident's chatter through the
provider's API (the local stub records the payloads and answers success,
reply window closed or rate limited); outside the reply window only an
approved template goes out; the delivery shows on the message as an SMS's
does; outreach and follow-up use the chat apps within consent."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MessagingCommon
from .stub import RATE, WINDOW

SEND_PATHS = {
    "zalo": "/v3.0/oa/message/cs",
    "line": "/v2/bot/message/push",
    "messenger": "/me/messages",
    "wechat": "/cgi-bin/message/custom/send",
}


@tagged("post_install", "-at_install")
class TestOutbound(MessagingCommon):
    def _incident(self, provider, **vals):
        return self.env["customer.care.incident"].create(
            {
                "name": "Lamp without bulb",
                "partner_id": self.customer.id,
                "channel": "social",
                "messaging_account_id": self.accounts[provider].id,
                "user_id": self.care_user.id,
                **vals,
            }
        )

    def _compose(self, record, **vals):
        action = record.with_user(self.care_user).action_open_messaging_composer()
        composer = Form(
            self.env["customer.care.messaging.composer"]
            .with_user(self.care_user)
            .with_context(action["context"])
        )
        for name, value in vals.items():
            setattr(composer, name, value)
        return composer.save()

    def _chat_messages(self, record):
        return record.message_ids.filtered(lambda m: m.message_type == "care_chat")

    def _answer(self, provider, text="We send a bulb today."):
        self._identity(provider, f"{provider}-user", date_last_inbound=fields.Datetime.now())
        incident = self._incident(provider)
        self._compose(incident, body=text).action_send()
        self._deliver()
        return incident, self._chat_messages(incident)

    def test_answer_goes_out_and_shows_delivered(self):
        for provider, path in SEND_PATHS.items():
            with self.subTest(provider=provider):
                self.stub.requests.clear()
                incident, message = self._answer(provider, f"Hello from {provider}")
                (sent,) = self.stub.sent(path)
                self.assertIn(f"Hello from {provider}", str(sent["body"]))
                self.assertIn(f"{provider}-user", str(sent["body"]))
                self.assertEqual(message.author_id, self.care_user.partner_id)
                notification = message.notification_ids
                self.assertEqual(notification.notification_type, "care_chat")
                self.assertEqual(notification.notification_status, "sent")
                self.assertEqual(notification.res_partner_id, self.customer)
                self.assertTrue(incident.date_first_response, "the answer stops the clock")
                self.env["customer.care.messaging.identity"].sudo().search([]).unlink()

    def test_provider_credentials_go_where_the_provider_expects(self):
        self._answer("zalo")
        self.assertEqual(
            self.stub.sent(SEND_PATHS["zalo"])[0]["headers"]["access_token"], "zalo-token"
        )
        self._answer("line")
        self.assertEqual(
            self.stub.sent(SEND_PATHS["line"])[0]["headers"]["Authorization"], "Bearer line-token"
        )

    def test_window_closed_answer_shows_the_failure(self):
        self.stub.mode = WINDOW
        incident, message = self._answer("messenger")
        notification = message.notification_ids
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "care_chat_window")
        self.assertIn("outside of allowed window", notification.failure_reason)
        self.assertFalse(incident.date_first_response, "an undelivered answer is no response")
        self.assertEqual(message.author_id, self.care_user.partner_id)

    def test_rate_limited_answer_shows_the_failure(self):
        for provider in ("line", "zalo", "wechat"):
            with self.subTest(provider=provider):
                self.stub.mode = RATE
                _incident, message = self._answer(provider)
                self.assertEqual(message.notification_ids.failure_type, "care_chat_rate_limit")
                outbound = self.env["customer.care.messaging.outbound"].search(
                    [("mail_message_id", "=", message.id)]
                )
                self.assertEqual((outbound.state, outbound.failure_type), ("failed", "rate_limit"))
                self.env["customer.care.messaging.identity"].sudo().search([]).unlink()

    def test_outside_the_window_only_a_template_goes_out(self):
        last = fields.Datetime.now() - timedelta(days=8)
        self._identity("zalo", "zalo-user", date_last_inbound=last)
        incident = self._incident("zalo")
        # the form requires a template; the model refuses free text on every path
        composer = (
            self.env["customer.care.messaging.composer"]
            .with_user(self.care_user)
            .create({"res_model": incident._name, "res_id": incident.id, "body": "Free text"})
        )
        self.assertFalse(composer.window_open)
        self.assertIn("Zalo ZNS", composer.window_note)
        with self.assertRaisesRegex(UserError, "approved templates"):
            composer.action_send()
        self.assertFalse(self.stub.requests, "nothing left for the provider")
        template = self.env["customer.care.messaging.template"].create(
            {
                "name": "Request update",
                "account_id": self.accounts["zalo"].id,
                "code": "231457",
                "body": "{name}: your request was updated.",
            }
        )
        self._compose(incident, template_id=template).action_send()
        self._deliver()
        (sent,) = self.stub.sent("/message/template")
        self.assertEqual(sent["body"]["template_id"], "231457")
        self.assertEqual(sent["body"]["phone"], "84912345678")
        self.assertEqual(
            sent["body"]["template_data"]["message"], "Lan Nguyen: your request was updated."
        )
        self.assertIn("Request update", self._chat_messages(incident).body)

    def test_opted_out_customer_gets_nothing(self):
        self._identity("line", "line-user", opted_out=True)
        incident = self._incident("line")
        composer = self._compose(incident, body="Hello")
        with self.assertRaisesRegex(UserError, "unfollowed or blocked"):
            composer.action_send()
        self.assertFalse(self.stub.requests)

    def test_chat_answer_is_never_emailed_to_the_customer(self):
        self._identity("zalo", "zalo-user", date_last_inbound=fields.Datetime.now())
        incident = self._incident("zalo")
        incident.message_subscribe(partner_ids=self.customer.ids)
        self._compose(incident, body="By chat only").action_send()
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", incident.message_ids.ids)])
        )
        self.assertNotIn(self.customer, mails.recipient_ids)

    def test_no_chat_identity_no_composer(self):
        incident = self._incident("zalo")
        with self.assertRaisesRegex(UserError, "has not written"):
            incident.with_user(self.care_user).action_open_messaging_composer()

    def test_followup_by_chat_app_answers_from_the_plan(self):
        """After an email exchange the follow-up goes by chat app ('email:
        social'): the plan's composer sends through the customer's account."""
        self.company.care_followup_rules = "email: social"
        self._identity("wechat", "wechat-user", date_last_inbound=fields.Datetime.now())
        cause = self.env["customer.care.root.cause"].create({"name": "Manual"})
        incident = self._incident("zalo", channel="email", messaging_account_id=False)
        incident.write({"resolution_type": "explanation", "root_cause_id": cause.id})
        incident.action_resolve()
        incident._create_followups()
        plan = incident.followup_plan_id
        plan.date_deadline = fields.Date.today()
        self.assertEqual(plan.channel, "social")
        self._compose(plan, body="How is the lamp?").action_send()
        self._deliver()
        self.assertEqual(len(self.stub.sent(SEND_PATHS["wechat"])), 1)

    def test_outreach_sends_the_template_within_consent(self):
        follower = self._partner("Follower")
        gone = self._partner("Unfollowed")
        stranger = self._partner("No chat")
        self._identity("line", "line-follower", partner=follower)
        self._identity("line", "line-gone", partner=gone, opted_out=True)
        template = self.env["customer.care.messaging.template"].create(
            {"name": "Hello push", "account_id": self.accounts["line"].id, "body": "Hi {name}"}
        )
        rule = self.env["customer.care.outreach.rule"].create(
            {
                "name": "Chat check-in",
                "trigger": "custom",
                "period": "day",
                "domain": f"[('id', 'in', {[follower.id, gone.id, stranger.id]})]",
                "channel": "social",
                "messaging_template_id": template.id,
            }
        )
        with self.committing_batches():
            rule._run()
        logs = self.env["customer.care.outreach.log"].search([("rule_id", "=", rule.id)])
        state = {log.partner_id: (log.state, log.skip_reason) for log in logs}
        self.assertEqual(state[follower], ("done", False))
        self.assertEqual(state[gone], ("skipped", "blacklisted"))
        self.assertEqual(state[stranger], ("skipped", "no_chat"))
        queued = self.env["customer.care.messaging.outbound"].search(
            [("outreach_rule_id", "=", rule.id)]
        )
        self.assertEqual(queued.partner_id, follower)
        with self.committing_batches():
            self.env["customer.care.messaging.outbound"]._cron_send()
        self.assertEqual(queued.state, "sent")
        (sent,) = self.stub.sent(SEND_PATHS["line"])
        self.assertEqual(sent["body"]["messages"][0]["text"], "Hi Follower")

    def test_a_chat_rule_needs_the_social_channel(self):
        template = self.env["customer.care.messaging.template"].create(
            {"name": "Hello", "account_id": self.accounts["line"].id, "body": "Hi"}
        )
        with self.assertRaisesRegex(Exception, "channel is Social"):
            self.env["customer.care.outreach.rule"].create(
                {
                    "name": "Wrong",
                    "trigger": "custom",
                    "channel": "email",
                    "messaging_template_id": template.id,
                    "create_plan": True,
                }
            )

    def test_tokens_are_refreshed_before_they_expire(self):
        zalo = self.accounts["zalo"].sudo()
        zalo.write(
            {
                "refresh_token": "zalo-refresh-1",
                "app_secret": "zalo-app-secret",
                "token_expiry": fields.Datetime.now() + timedelta(minutes=20),
            }
        )
        line = self.accounts["line"].sudo()
        line.token_expiry = fields.Datetime.now() + timedelta(days=20)
        with self.committing_batches():
            self.env["customer.care.messaging.account"]._cron_refresh_tokens()
        self.assertEqual((zalo.access_token, zalo.refresh_token), ("zalo-new", "zalo-refresh-2"))
        self.assertGreater(zalo.token_expiry, fields.Datetime.now() + timedelta(hours=24))
        (sent,) = self.stub.sent("/v4/oa/access_token")
        self.assertEqual(sent["headers"]["secret_key"], "zalo-app-secret")
        self.assertEqual(sent["body"]["refresh_token"], ["zalo-refresh-1"])
        self.assertEqual(line.access_token, "line-token", "not expiring: left alone")

    def test_unknown_sender_is_linked_to_the_known_customer(self):
        unknown = self._partner(
            "Zalo user 4567", care_messaging_unknown=True, company_id=self.company.id
        )
        identity = self._identity("zalo", "zalo-4567", partner=unknown)
        incident = self._incident("zalo", partner_id=unknown.id)
        incident.message_post(body="Hi", author_id=unknown.id, message_type="care_chat")
        action = incident.with_user(self.care_user).action_open_messaging_link()
        wizard = Form(
            self.env["customer.care.messaging.link.wizard"]
            .with_user(self.care_user)
            .with_context(action["context"])
        )
        wizard.partner_id = self.customer
        wizard.save().action_link()
        self.assertEqual(identity.partner_id, self.customer)
        self.assertEqual(incident.partner_id, self.customer)
        self.assertFalse(unknown.active)
        self.assertIn(self.customer, incident.message_ids.author_id)
        self.assertIn("Lan Nguyen", incident.message_ids[0].body)
