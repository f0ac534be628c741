"""What a care user cannot do with the chat apps, whatever path they take
(the ORM as themselves, as a JSON-RPC client would): renew an account's
webhook address or tokens, read a provider token in an error text, mark a
contact as an unknown chat sender, answer through another customer's chat
identity, fake a delivered answer; and an answer leaves at most once."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import MessagingCommon

# nothing listens there: the provider cannot be reached
UNREACHABLE = "http://127.0.0.1:1"


@tagged("post_install", "-at_install")
class TestChatSafety(MessagingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env, login="msg_safety_admin", groups="base.group_user,base.group_system"
        )
        cls.Outbound = cls.env["customer.care.messaging.outbound"]

    def _incident(self, provider, partner=None):
        return self.env["customer.care.incident"].create(
            {
                "name": "Lamp without bulb",
                "partner_id": (partner or self.customer).id,
                "channel": "social",
                "messaging_account_id": self.accounts[provider].id,
                "user_id": self.care_user.id,
            }
        )

    def _composer(self, incident, **vals):
        return (
            self.env["customer.care.messaging.composer"]
            .with_user(self.care_user)
            .create({"res_model": incident._name, "res_id": incident.id, **vals})
        )

    def _outbound(self, identity):
        return self.Outbound.search([("identity_id", "=", identity.id)])

    # -- N4: keys and tokens are renewed by Settings administrators only ------
    def test_care_users_cannot_renew_the_webhook_address_or_the_tokens(self):
        account = self.accounts["line"]
        key = account.sudo().webhook_key
        for user in (self.care_user, self.care_manager):
            for method in ("action_new_webhook_key", "action_refresh_token"):
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    getattr(account.with_user(user), method)()
        self.assertEqual(account.sudo().webhook_key, key)
        self.assertFalse(self.stub.requests, "no token was asked for")
        account.with_user(self.admin).action_new_webhook_key()
        self.assertNotEqual(account.sudo().webhook_key, key)
        account.with_user(self.admin).action_refresh_token()
        self.assertEqual(account.sudo().access_token, "line-new")

    # -- N5: a provider token never shows in an error text or the log ----------
    def test_a_network_failure_never_shows_the_access_token(self):
        for provider in ("messenger", "wechat"):
            with self.subTest(provider=provider):
                token = f"{provider}-token"
                self.accounts[provider].sudo().api_base_url = UNREACHABLE
                identity = self._identity(
                    provider, f"{provider}-lan", date_last_inbound=fields.Datetime.now()
                )
                incident = self._incident(provider)
                with self.assertLogs("odoo.addons.customer_care_messaging", "WARNING") as logs:
                    self._composer(incident, body="We send a bulb.").action_send()
                    self._deliver()
                outbound = self._outbound(identity)
                self.assertEqual((outbound.state, outbound.failure_type), ("failed", "error"))
                self.assertNotIn(token, outbound.error)
                self.assertIn("could not be reached", outbound.error)
                notification = outbound.mail_message_id.notification_ids
                self.assertEqual(notification.notification_status, "exception")
                self.assertNotIn(token, notification.failure_reason)
                self.assertNotIn(token, "\n".join(logs.output))
                self.assertFalse(incident.date_first_response)

    def test_a_refused_token_refresh_keeps_the_secret_out_of_the_error(self):
        wechat = self.accounts["wechat"].sudo()
        wechat.api_base_url = UNREACHABLE
        with self.assertLogs("odoo.addons.customer_care_messaging", "WARNING") as logs:
            wechat.with_user(self.admin).action_refresh_token()
        self.assertIn("could not be reached", wechat.last_error)
        for secret in ("wechat-app-secret", "wechat-token"):
            self.assertNotIn(secret, wechat.last_error)
            self.assertNotIn(secret, "\n".join(logs.output))

    def test_messenger_sends_its_token_in_a_header(self):
        self._identity("messenger", "psid-lan", date_last_inbound=fields.Datetime.now())
        self._composer(self._incident("messenger"), body="Hello").action_send()
        self._deliver()
        (sent,) = self.stub.sent("/me/messages")
        self.assertEqual(sent["headers"]["Authorization"], "Bearer messenger-token")
        self.assertNotIn("access_token", sent["query"])

    # -- N7: the unknown-sender mark is the system's; linking moves chat only ----
    def test_care_users_cannot_mark_a_contact_as_an_unknown_chat_sender(self):
        known = self._partner("Known Customer", company_id=self.company.id)
        Partner = self.env["res.partner"].with_user(self.care_user)
        with self.assertRaises(AccessError):
            known.with_user(self.care_user).write({"care_messaging_unknown": True})
        with self.assertRaises(AccessError):
            Partner.create({"name": "Made up", "care_messaging_unknown": True})
        self.assertFalse(known.care_messaging_unknown)
        with self.assertRaisesRegex(UserError, "is a known customer"):
            self.env["customer.care.messaging.link.wizard"].with_user(self.care_user).create(
                {"source_partner_id": known.id, "partner_id": self.customer.id}
            )
        self.assertTrue(known.active)

    def test_linking_a_chat_sender_moves_only_the_senders_chat_messages(self):
        unknown = self._partner(
            "Zalo user 9876", care_messaging_unknown=True, company_id=self.company.id
        )
        self._identity("zalo", "zalo-9876", partner=unknown)
        incident = self._incident("zalo", partner=unknown)
        chat = incident.message_post(body="Hi", author_id=unknown.id, message_type="care_chat")
        elsewhere = self.customer.message_post(body="A note", author_id=unknown.id)
        self.env["customer.care.messaging.link.wizard"].with_user(self.care_user).create(
            {"source_partner_id": unknown.id, "partner_id": self.customer.id}
        ).action_link()
        self.assertEqual(chat.author_id, self.customer)
        self.assertEqual(elsewhere.author_id, unknown, "a message elsewhere keeps its author")

    # -- N9: the composer answers through the record's customer only -----------
    def test_the_composer_refuses_another_customers_identity(self):
        now = fields.Datetime.now()
        stranger = self._partner("Someone Else", company_id=self.company.id)
        foreign = self._identity("line", "line-stranger", partner=stranger, date_last_inbound=now)
        own = self._identity("line", "line-lan", date_last_inbound=now)
        incident = self._incident("line")
        with self.assertRaisesRegex(UserError, "is not a chat app identity of Lan Nguyen"):
            self._composer(incident, identity_id=foreign.id, body="Hi").action_send()
        zalo_template = self.env["customer.care.messaging.template"].create(
            {"name": "Zalo only", "account_id": self.accounts["zalo"].id, "body": "Hi"}
        )
        with self.assertRaisesRegex(UserError, "belongs to another chat app account"):
            self._composer(incident, identity_id=own.id, template_id=zalo_template.id).action_send()
        self._deliver()
        self.assertFalse(self.stub.requests)
        self.assertFalse(self.Outbound.search([("identity_id", "in", (foreign | own).ids)]))

    # -- N10: the clock and the delivery come from a real send only ------------
    def test_a_forged_delivery_neither_stops_the_clock_nor_shows_delivered(self):
        incident = self._incident("zalo")
        forged = {
            "ok": True,
            "partner_id": self.customer.id,
            "failure_type": False,
            "reason": False,
        }
        message = (
            incident.with_user(self.care_user)
            .with_context(care_chat_delivery=forged)
            .message_post(body=".", message_type="care_chat", subtype_xmlid="mail.mt_comment")
        )
        self.assertFalse(incident.date_first_response)
        self.assertFalse(
            self.env["mail.notification"].search(
                [("mail_message_id", "=", message.id), ("notification_status", "=", "sent")]
            )
        )

    def test_an_answer_stops_the_clock_once_the_provider_accepted_it(self):
        self._identity("zalo", "zalo-lan", date_last_inbound=fields.Datetime.now())
        incident = self._incident("zalo")
        self._composer(incident, body="We send a bulb.").action_send()
        self.assertFalse(incident.date_first_response, "not sent yet")
        self._deliver()
        self.assertTrue(incident.date_first_response)

    # -- N16: an answer leaves once, after the commit ---------------------------
    def test_an_answer_leaves_after_the_commit_and_only_once(self):
        identity = self._identity("line", "line-lan", date_last_inbound=fields.Datetime.now())
        incident = self._incident("line")
        self._composer(incident, body="We send a bulb.").action_send()
        outbound = self._outbound(identity)
        self.assertEqual(outbound.state, "queued")
        self.assertFalse(self.stub.requests, "nothing leaves inside the user's transaction")
        self._deliver()
        self.assertEqual(outbound.state, "sent")
        # the scheduled action and another commit hook find nothing left to send
        with self.committing_batches():
            self.Outbound._cron_send()
        outbound._send_after_commit()
        self._deliver()
        self.assertEqual(len(self.stub.sent("/v2/bot/message/push")), 1)

    def test_a_worker_killed_during_a_batch_sends_nothing_twice(self):
        now = fields.Datetime.now()
        queued = self.Outbound.create(
            [
                {
                    "identity_id": self._identity(
                        "line", f"line-{n}", partner=self._partner(f"Follower {n}")
                    ).id,
                    "origin": "greeting",
                    "template_id": self.env["customer.care.messaging.template"]
                    .create({"name": f"Hi {n}", "account_id": self.accounts["line"].id})
                    .id,
                    "body": f"Welcome {n}",
                }
                for n in range(2)
            ]
        )
        Account = type(self.env["customer.care.messaging.account"])
        original, calls = Account._send, []

        def killed_on_the_second_call(account, *args, **kwargs):
            calls.append(args)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return original(account, *args, **kwargs)

        with (
            patch.object(Account, "_send", killed_on_the_second_call),
            self.assertRaisesRegex(RuntimeError, "worker killed"),
            self.committing_batches(),
        ):
            self.Outbound._cron_send()
        self.assertEqual(len(self.stub.requests), 1)
        with self.committing_batches():
            self.Outbound._cron_send()
        self.assertEqual(len(self.stub.requests), 1, "nothing was sent a second time")
        self.assertEqual(queued.mapped("state"), ["sent", "sending"])
        # the interrupted one is failed later, with the reason, never resent
        with freeze_time(now + timedelta(hours=2)), self.committing_batches():
            self.Outbound._cron_send()
        self.assertEqual(len(self.stub.requests), 1)
        self.assertEqual(queued[1].state, "failed")
        self.assertIn("Sending was interrupted", queued[1].error)
