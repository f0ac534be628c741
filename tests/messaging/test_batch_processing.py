"""The processing job takes a claimed batch of chat events at once: one
incident per new sender whatever the number of their messages, a reply
threads into the customer's open incident, a retried or replayed event
lands once, the incident's followers are notified of every message (inbox
notification and the "new message" bus signal, email), one event failing
does not stop the others, and a batch costs the same queries whatever the
number of its events."""

import json
import time
from unittest.mock import patch

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.customer_care_messaging.providers.base import (
    KIND_MESSAGE,
    KIND_UNFOLLOW,
    Event,
)
from odoo.addons.mail.tests.common import MockEmail

from .common import MessagingCommon


@tagged("post_install", "-at_install")
class TestBatchProcessing(MessagingCommon, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.accounts["zalo"]
        cls.inbox_user = new_test_user(
            cls.env,
            login="care_inbox",
            name="Ines Inbox",
            groups="base.group_user,customer_care.group_care_user",
            notification_type="inbox",
        )
        cls.email_user = new_test_user(
            cls.env,
            login="care_email",
            name="Emil Email",
            email="emil@example.com",
            groups="base.group_user,customer_care.group_care_user",
            notification_type="email",
        )
        cls.sequence = 0

    def _store(self, *messages, kind=KIND_MESSAGE):
        """Store ``(sender, text)`` events as the webhook route does; returns
        how many were new."""
        events = []
        for sender, text in messages:
            type(self).sequence += 1
            events.append(
                Event(
                    uid=f"batch-{self.sequence}",
                    kind=kind,
                    sender=sender,
                    timestamp=int(time.time()) - 3600 + self.sequence,
                    text=text,
                    raw=json.dumps({"text": text}),
                )
            )
        return self.env["customer.care.messaging.event"]._store(self.account, events)

    def _chat(self, record):
        return record.message_ids.filtered(lambda m: m.message_type == "care_chat").sorted("id")

    def _incident_of(self, sender):
        identity = self.env["customer.care.messaging.identity"].search(
            [("account_id", "=", self.account.id), ("user_ref", "=", sender)]
        )
        Incident = self.env["customer.care.incident"]
        return Incident.search([("partner_id", "=", identity.partner_id.id)])

    def _open_incident(self, **vals):
        return self.env["customer.care.incident"].create(
            {
                "name": "Late delivery",
                "partner_id": self.customer.id,
                "kind": "question",
                "channel": "social",
                "messaging_account_id": self.account.id,
                **vals,
            }
        )

    def test_one_incident_per_new_sender_and_a_reply_joins_the_open_one(self):
        self._identity("zalo", "z-known")
        open_incident = self._open_incident()
        partners_before = self.env["res.partner"].search_count([])
        self._store(
            ("z-new-1", "Đơn hàng bị hỏng"),
            ("z-known", "Any news?"),
            ("z-new-1", "Tôi gửi ảnh sau"),
            ("z-new-2", "Hello"),
            ("z-new-1", "Cảm ơn"),
            ("z-known", "Hello?"),
        )
        self._process()
        events = self._events("zalo")
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before + 2)
        first, second = self._incident_of("z-new-1"), self._incident_of("z-new-2")
        self.assertEqual((len(first), len(second)), (1, 1))
        self.assertEqual(first.name, "Đơn hàng bị hỏng")
        self.assertEqual(first.messaging_account_id, self.account)
        self.assertEqual(
            [m.body for m in self._chat(first)],
            ["<p>Đơn hàng bị hỏng</p>", "<p>Tôi gửi ảnh sau</p>", "<p>Cảm ơn</p>"],
        )
        self.assertEqual(self._chat(first).author_id, first.partner_id)
        # the thread's first message is the parent of the next ones, as
        # message_post makes it
        head, *rest = self._chat(first)
        self.assertFalse(head.parent_id)
        self.assertEqual({m.parent_id for m in rest}, {head})
        self.assertEqual(len(self._chat(second)), 1)
        self.assertEqual(self._incident_of("z-known"), open_incident)
        self.assertEqual(
            [m.body for m in self._chat(open_incident)], ["<p>Any news?</p>", "<p>Hello?</p>"]
        )
        by_sender = {e.sender_ref: e.incident_id for e in events}
        self.assertEqual(by_sender["z-known"], open_incident)
        self.assertEqual(by_sender["z-new-1"], first)
        # the sender's last message, once for the batch
        identity = events.filtered(lambda e: e.sender_ref == "z-known")[:1].identity_id
        self.assertEqual(
            identity.date_last_inbound,
            max(events.filtered(lambda e: e.sender_ref == "z-known").mapped("date_event")),
        )

    def test_new_senders_of_a_batch_go_to_the_least_busy_within_the_cap(self):
        """The incidents of a batch are routed in their one ``create``: no
        team on a chat incident, so the company's first routing team takes
        them; each choice counts for the next, and past the cap nobody."""
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
                "name": "Chat team",
                "sequence": 0,
                "member_ids": [Command.set((self.inbox_user | self.email_user).ids)],
                "assignment_method": "least_busy",
                "assignment_cap": 2,
                "resource_calendar_id": always.id,
            }
        )
        self._open_incident(user_id=self.inbox_user.id)
        self._store(*((f"z-routed-{n}", f"Hello {n}") for n in range(4)))
        self._process()
        incidents = [self._incident_of(f"z-routed-{n}") for n in range(4)]
        self.assertEqual({incident.team_id for incident in incidents}, {team})
        self.assertEqual(
            [incident.user_id for incident in incidents],
            # Emil has nothing open, then the tie goes in turn, then Emil again
            [self.email_user, self.inbox_user, self.email_user, self.env["res.users"]],
        )
        self.assertTrue(
            any("Not assigned" in (m.body or "") for m in incidents[3].message_ids),
            "the note says nobody could take it",
        )

    def test_a_retried_event_is_stored_once_and_landed_once(self):
        self.assertEqual(self._store(("z-retry", "Xin chào")), 1)
        event = self._events("zalo")
        # the provider sends the same event again: nothing new
        again = Event(uid=event.uid, kind=KIND_MESSAGE, sender="z-retry", text="Xin chào")
        self.assertEqual(self.env["customer.care.messaging.event"]._store(self.account, [again]), 0)
        self._process()
        self._process()  # a second run finds nothing pending
        incident = self._incident_of("z-retry")
        self.assertEqual(len(incident), 1)
        self.assertEqual(len(self._chat(incident)), 1)
        self.assertEqual(event.state, "done")

    def test_followers_are_notified_of_each_message(self):
        self._identity("zalo", "z-followed")
        incident = self._open_incident()
        incident.message_subscribe(
            partner_ids=(self.inbox_user.partner_id | self.email_user.partner_id).ids
        )
        self._store(("z-followed", "Hàng đến chưa?"), ("z-followed", "Tôi đợi 3 ngày rồi"))
        self.env.cr.precommit.run()
        bus_before = self.env["bus.bus"].sudo().search([]).ids
        with self.mock_mail_gateway():
            self._process()
            self.env.cr.precommit.run()  # the bus messages are written at the commit
        messages = self._chat(incident)
        self.assertEqual(len(messages), 2)
        for message in messages:
            notified = message.notification_ids
            self.assertEqual(
                {(n.res_partner_id, n.notification_type) for n in notified},
                {(self.inbox_user.partner_id, "inbox"), (self.email_user.partner_id, "email")},
            )
        # the "new message" signal of each message reaches the inbox user
        signals = [
            json.loads(bus.message)
            for bus in self.env["bus.bus"].sudo().search([("id", "not in", bus_before)])
        ]
        inbox = [s["payload"]["message_id"] for s in signals if s["type"] == "mail.message/inbox"]
        self.assertEqual(sorted(inbox), messages.ids)
        # the email follower is emailed each message, the customer never
        self.assertEqual(len(self._new_mails.filtered(lambda m: m.mail_message_id in messages)), 2)
        for mail in self._new_mails:
            self.assertNotIn(self.customer, mail.recipient_ids)
        self.assertNotIn(self.customer, incident.message_partner_ids)

    def test_a_failing_event_is_recorded_and_the_others_land(self):
        self._store(("z-fine-1", "Xin chào"), ("z-broken", "boom"), ("z-fine-2", "Hello"))
        Incident = self.env["customer.care.incident"]
        real = type(Incident)._intake_values

        def intake(model, channel, values, subject="", text=""):
            if text == "boom":
                raise ValueError("the intake refused it")
            return real(model, channel, values, subject, text)

        with (
            patch.object(type(Incident), "_intake_values", intake),
            self.assertLogs("odoo.addons.customer_care_messaging", "ERROR"),
        ):
            self._process()
        events = {e.sender_ref: e for e in self._events("zalo")}
        self.assertEqual(events["z-broken"].state, "failed")
        self.assertIn("the intake refused it", events["z-broken"].error)
        self.assertFalse(self._incident_of("z-broken"))
        for sender in ("z-fine-1", "z-fine-2"):
            self.assertEqual(events[sender].state, "done")
            self.assertEqual(len(self._chat(self._incident_of(sender))), 1)

    def test_an_unfollow_in_the_batch_opts_the_sender_out(self):
        identity = self._identity("zalo", "z-leaving")
        self._store(("z-leaving", "Cảm ơn"))
        self._store(("z-leaving", ""), kind=KIND_UNFOLLOW)
        self._process()
        self.assertTrue(identity.opted_out)
        self.assertEqual(len(self._chat(self._incident_of("z-leaving"))), 1)

    def test_a_batch_costs_the_same_queries_for_6_and_24_events(self):
        def measure(count, prefix):
            """Queries of one batch: three new senders and a known customer,
            ``count`` messages each"""
            self._identity("zalo", f"{prefix}-known", partner=self._partner(f"{prefix} known"))
            self._store(
                *((f"{prefix}-{index % 3}", f"message {index}") for index in range(count)),
                *((f"{prefix}-known", f"reply {index}") for index in range(count)),
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._process()
            spent = self.env.cr.sql_log_count - before
            self.assertEqual(set(self._events("zalo").mapped("state")), {"done"})
            return spent

        measure(3, "warm")  # the caches (subtypes, templates, model ids)
        self.assertEqual(measure(3, "small"), measure(12, "large"))

    def test_a_batch_costs_the_same_queries_for_2_and_8_customers_writing(self):
        """Each customer of the batch costs no query of their own (at volume
        a batch of 200 messages comes from up to 200 customers): the
        authors are never looked up one by one."""

        def measure(count, prefix):
            """Queries of one batch: ``count`` known customers with an open
            incident, two messages each"""
            for index in range(count):
                partner = self._partner(f"{prefix} {index}")
                self._identity("zalo", f"{prefix}-{index}", partner=partner)
                self._open_incident(partner_id=partner.id)
            self._store(
                *((f"{prefix}-{index % count}", f"message {index}") for index in range(2 * count))
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._process()
            spent = self.env.cr.sql_log_count - before
            self.assertEqual(set(self._events("zalo").mapped("state")), {"done"})
            return spent

        measure(2, "warm-customers")  # the caches (subtypes, templates, model ids)
        self.assertEqual(measure(2, "few"), measure(8, "many"))

    def test_a_run_that_emptied_the_queue_asks_for_one_more(self):
        """A message arriving while the job runs does not ask for a run (one
        is pending: the one the job started with, dropped when it ends); the
        job asks for one more itself, which finds nothing and asks no more."""
        job = self.env.ref("customer_care_messaging.ir_cron_messaging_process")
        Trigger = self.env["ir.cron.trigger"].sudo()
        Event = self.env["customer.care.messaging.event"]
        self._store(("z-late", "Xin chào"))
        Trigger.search([("cron_id", "=", job.id)]).unlink()
        with self.committing_batches():
            Event._cron_process()
        self.assertEqual(self._events("zalo").state, "done")
        self.assertEqual(len(Trigger.search([("cron_id", "=", job.id)])), 1)
        Trigger.search([("cron_id", "=", job.id)]).unlink()
        with self.committing_batches():
            Event._cron_process()
        self.assertFalse(Trigger.search([("cron_id", "=", job.id)]))

    def test_the_call_that_uses_the_slice_up_asks_for_a_run_now(self):
        """The scheduler makes a job that stopped with events left due again
        without waking its workers (they would take it at their next poll,
        up to a minute later): the call that used the time slice up asks for
        a run now, which wakes them; the run's further calls, which start
        without time, ask for nothing more."""
        job = self.env.ref("customer_care_messaging.ir_cron_messaging_process")
        Trigger = self.env["ir.cron.trigger"].sudo()
        Event = self.env["customer.care.messaging.event"]
        self._store(*((f"z-slice-{index}", "Xin chào") for index in range(4)))
        # the request the run started with: the scheduler deletes it only
        # when the run ends, so it still looks pending to the job
        started_with = Trigger.search([("cron_id", "=", job.id)])
        self.assertEqual(len(started_with), 1)
        time_left = iter([5.0, 0.0, 0.0])  # after each batch of one event

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            cron.env.cr.commit()
            return next(time_left)

        IrCron = type(self.env["ir.cron"])
        with (
            self.committing_batches(),
            patch.object(IrCron, "_commit_progress", commit_progress),
        ):
            Event._cron_process(batch_size=1)  # a batch in time, one that uses it up
            asked = Trigger.search([("cron_id", "=", job.id)]) - started_with
            self.assertEqual(len(asked), 1)
            Event._cron_process(batch_size=1)  # the run's next call: one batch
        self.assertEqual(
            sorted(self._events("zalo").mapped("state")), ["done", "done", "done", "pending"]
        )
        self.assertEqual(Trigger.search([("cron_id", "=", job.id)]), started_with | asked)
