"""Customers reach care themselves: an email to a care team's address opens
an incident, replies thread into it, the team acknowledges it and the first
answer of a care user stops the response clock.  Emails go through Odoo's
own mail gateway (``message_process``), as the fetchmail server sends them.
"""

from datetime import datetime, timedelta
from email.header import Header
from email.utils import format_datetime
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from odoo.addons.customer_care.logic import inbound
from odoo.addons.mail.tests.common import MailCase

from .test_scheduler import SchedulerCase

ACK_MODULE = "odoo.addons.customer_care.models.customer_care_incident_acknowledgement"

PLAIN = """Return-Path: {return_path}
To: {to}
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit
Date: {date}
Message-ID: {msg_id}
{extra}

{body}
"""

HTML = """Return-Path: {return_path}
To: {to}
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: 8bit
Date: {date}
Message-ID: {msg_id}
{extra}

{body}
"""

WITH_ATTACHMENT = """Return-Path: {return_path}
To: {to}
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="ZZZ"
Date: {date}
Message-ID: {msg_id}
{extra}

--ZZZ
Content-Type: text/plain; charset="utf-8"

{body}
--ZZZ
Content-Type: text/plain; charset="utf-8"; name="receipt.txt"
Content-Disposition: attachment; filename="receipt.txt"

Receipt 42: city bike
--ZZZ--
"""

BOUNCE = """Return-Path: <>
To: {to}
From: Mail Delivery System <MAILER-DAEMON@mail.example.com>
Subject: {subject}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="XXX"
Date: {date}
Message-ID: {msg_id}
{extra}

--XXX
Content-Type: text/plain; charset="utf-8"

{body}

--XXX--
"""


@tagged("post_install", "-at_install")
class TestInboundKind(BaseCase):
    """The pure rule filing an email under a kind: a question unless it
    plainly says it is a complaint, in each language the shop serves."""

    def test_plain_question_stays_a_question(self):
        self.assertEqual(inbound.guess_kind("Opening hours", "When are you open?"), "question")
        self.assertEqual(inbound.guess_kind("", ""), "question")
        self.assertEqual(inbound.guess_kind(None, None), "question")

    def test_english_complaint(self):
        self.assertEqual(inbound.guess_kind("Complaint about my order", ""), "complaint")
        self.assertEqual(inbound.guess_kind("Order 42", "The bell is BROKEN."), "complaint")
        # a word that merely contains a keyword is no complaint
        self.assertEqual(inbound.guess_kind("Unbrokenness", "refunded?"), "question")

    def test_vietnamese_complaint(self):
        self.assertEqual(inbound.guess_kind("Khiếu nại đơn hàng", ""), "complaint")
        self.assertEqual(inbound.guess_kind("Xe đạp", "Tôi rất thất vọng."), "complaint")
        self.assertEqual(inbound.guess_kind("Giờ mở cửa", "Cửa hàng mở lúc mấy giờ?"), "question")

    def test_thai_complaint(self):
        self.assertEqual(inbound.guess_kind("ร้องเรียนสินค้า", ""), "complaint")
        self.assertEqual(inbound.guess_kind("จักรยาน", "ฉันไม่พอใจบริการ"), "complaint")
        self.assertEqual(inbound.guess_kind("สอบถามเวลาเปิดร้าน", ""), "question")

    def test_simplified_chinese_complaint(self):
        self.assertEqual(inbound.guess_kind("我要投诉", ""), "complaint")
        self.assertEqual(inbound.guess_kind("订单", "收到的自行车损坏了"), "complaint")
        self.assertEqual(inbound.guess_kind("营业时间", "请问几点开门"), "question")

    def test_traditional_chinese_complaint(self):
        self.assertEqual(inbound.guess_kind("客訴 訂單延誤", ""), "complaint")
        self.assertEqual(inbound.guess_kind("訂單", "我對服務很不滿"), "complaint")
        self.assertEqual(inbound.guess_kind("營業時間", "請問幾點開門"), "question")

    def test_received_at_is_bounded_by_now(self):
        now = datetime(2026, 6, 15, 12, 0)
        earlier = now - timedelta(hours=3)
        self.assertEqual(inbound.received_at(earlier, now), earlier)
        self.assertEqual(inbound.received_at(now + timedelta(days=1), now), now)
        self.assertEqual(inbound.received_at(None, now), now)


class InboundMailCase(SchedulerCase, MailCase):
    """A care team with its address, a known customer, ``_receive``: one
    email through Odoo's gateway to the team, and ``_send_acknowledgements``:
    the scheduled action a worker runs after the emails arrived."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._init_mail_gateway()
        cls._init_mail_servers()
        cls.company = cls.env.company
        cls.team = cls.env["customer.care.team"].create(
            {
                "name": "Bike care",
                "alias_name": "bike-care",
                "company_id": cls.company.id,
                "member_ids": [(6, 0, cls.care_user.ids)],
                "acknowledge_template_id": cls.env.ref(
                    "customer_care.mail_template_care_incident_acknowledgement"
                ).id,
            }
        )
        cls.care_address = f"bike-care@{cls.alias_domain}"
        # a customer who has bought: a verified address (see _inbound_acknowledge)
        cls.known = cls._partner(
            "Kim Known", email="kim.known@example.com", company_id=cls.company.id, customer_rank=1
        )
        cls.cause = cls.env["customer.care.root.cause"].create(
            {"name": "Loose bolt", "company_id": cls.company.id}
        )
        cls.counter = 0

    def _receive(
        self,
        subject="Question",
        body="Hello",
        email_from=None,
        template=PLAIN,
        authenticated=True,
        **kw,
    ):
        """Process one email to the team's address; the incidents it opened.
        The receiving server vouches for the sender (DMARC passed for the
        sender's domain) unless ``authenticated`` is False."""
        type(self).counter += 1
        msg_id = kw.pop("msg_id", f"<inbound-{self.counter}@customer.example.com>")
        before = self.env["customer.care.incident"].search([]).ids
        email_from = email_from or "Nina New <nina.new@example.com>"
        if authenticated:
            domain = email_from.rpartition("@")[2].strip(" >")
            results = (
                f"Authentication-Results: mx.shop.example; spf=pass smtp.mailfrom={domain}; "
                f"dkim=pass header.d={domain}; dmarc=pass (p=REJECT) header.from={domain}"
            )
            kw["extra"] = f"{results}\n{kw['extra']}" if kw.get("extra") else results
        mail = self.format(
            template,
            to=kw.pop("to", self.care_address),
            subject=Header(subject, "utf-8").encode(),
            email_from=email_from,
            msg_id=msg_id,
            date=kw.pop("date", format_datetime(datetime.now().astimezone())),
            body=body,
            **kw,
        )
        with self.mock_mail_gateway():
            self.env["mail.thread"].sudo().message_process(None, mail.encode("utf-8"))
        return self.env["customer.care.incident"].search([("id", "not in", before)])

    def _send_acknowledgements(self, **slice_options):
        """The acknowledgement job, run by the scheduler as a worker does
        once an email triggered it; the statuses of its passes."""
        cron = self.env.ref("customer_care.ir_cron_care_send_acknowledgements").sudo()
        with self.mock_mail_gateway():
            return self.run_until_done(cron, **slice_options)


@tagged("post_install", "-at_install")
class TestInboundMail(InboundMailCase):
    def _acknowledgements(self, incident):
        return incident.message_ids.filtered(lambda m: m.message_type == "auto_comment")

    # -- a new email opens an incident ---------------------------------------
    def test_new_sender_opens_an_email_incident_with_a_new_customer(self):
        partners_before = self.env["res.partner"].search_count([])
        email_date = datetime.now().replace(microsecond=0) - timedelta(hours=2)
        incident = self._receive(
            "Saddle height",
            "How do I raise the saddle?",
            date=format_datetime(email_date.astimezone()),
        )
        self.assertEqual(len(incident), 1)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before + 1)
        self.assertEqual(incident.partner_id.email, "nina.new@example.com")
        self.assertEqual(incident.partner_id.company_id, self.company)
        self.assertEqual(incident.name, "Saddle height")
        self.assertIn("How do I raise the saddle?", incident.description)
        self.assertEqual(incident.channel, "email")
        self.assertEqual(incident.kind, "question")
        self.assertEqual(incident.team_id, self.team)
        self.assertEqual(incident.company_id, self.company)
        self.assertFalse(incident.user_id)
        self.assertEqual(incident.date_received, email_date)
        self.assertEqual(incident.state, "new")
        customer_messages = incident.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(customer_messages.author_id, incident.partner_id)
        self.assertIn(incident.partner_id, incident.message_partner_ids)

    def test_email_dated_in_the_future_counts_from_now(self):
        before = fields.Datetime.now()
        future = datetime.now().astimezone() + timedelta(days=2)
        incident = self._receive("Clock ahead", "Hi", date=format_datetime(future))
        self.assertTrue(before <= incident.date_received <= fields.Datetime.now())

    def test_known_sender_is_matched_to_the_company_customer(self):
        other_company = self.env["res.company"].create({"name": "Other shop"})
        self._partner("Kim Elsewhere", email="kim.known@example.com", company_id=other_company.id)
        incident = self._receive(
            "Complaint: late delivery", "Still waiting", email_from="KIM <Kim.Known@Example.com>"
        )
        self.assertEqual(incident.partner_id, self.known)
        self.assertEqual(incident.kind, "complaint")

    def test_customer_of_the_company_preferred_to_a_shared_contact(self):
        shared = self._partner("Sam Shared", email="sam@example.com", company_id=False)
        own = self._partner("Sam Here", email="sam@example.com", company_id=self.company.id)
        self.assertLess(shared.id, own.id)
        incident = self._receive("Hello", "Hi", email_from="sam@example.com")
        self.assertEqual(incident.partner_id, own)

    def test_sender_known_only_in_another_company_gets_a_customer_here(self):
        other_company = self.env["res.company"].create({"name": "Other shop"})
        elsewhere = self._partner(
            "Olga Other", email="olga@example.com", company_id=other_company.id
        )
        incident = self._receive("Hello", "Hi", email_from="olga@example.com")
        self.assertNotEqual(incident.partner_id, elsewhere)
        customer_message = incident.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(customer_message.author_id, incident.partner_id)
        self.assertEqual(incident.partner_id.company_id, self.company)
        self.assertEqual(incident.partner_id.email_normalized, "olga@example.com")

    def test_empty_subject_and_body_get_a_fallback_name(self):
        incident = self._receive("", "", email_from="kim.known@example.com")
        self.assertEqual(incident.name, "Email from Kim Known")
        self.assertFalse(incident.description)

    def test_html_with_a_script_is_sanitized(self):
        incident = self._receive(
            "Photo of the damage",
            "<p>See <b>here</b></p><script>alert('x')</script>",
            template=HTML,
        )
        self.assertIn("<b>here</b>", incident.description)
        self.assertNotIn("script", incident.description)
        self.assertNotIn("alert", incident.description)
        for message in incident.message_ids:
            self.assertNotIn("<script", message.body or "")

    def test_attachments_are_kept(self):
        incident = self._receive("Receipt", "See attached", template=WITH_ATTACHMENT)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", incident._name), ("res_id", "=", incident.id)]
        )
        self.assertEqual(attachments.mapped("name"), ["receipt.txt"])

    def test_thai_and_chinese_subjects(self):
        thai = self._receive("ร้องเรียน จักรยานชำรุด", "สวัสดี", email_from="somchai@example.com")
        self.assertEqual(thai.name, "ร้องเรียน จักรยานชำรุด")
        self.assertEqual(thai.kind, "complaint")
        chinese = self._receive("请问营业时间", "你好", email_from="li@example.com")
        self.assertEqual(chinese.name, "请问营业时间")
        self.assertEqual(chinese.kind, "question")

    def test_dropped_customer_still_opens_an_incident_marked_in_the_chatter(self):
        self.known.with_user(self.care_manager).action_care_drop("no_profit", "Only losses")
        incident = self._receive("Hello again", "Hi", email_from="kim.known@example.com")
        self.assertEqual(incident.partner_id, self.known)
        notes = incident.message_ids.filtered(lambda m: "was dropped" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertTrue(notes.subtype_id.internal)

    # -- the team ----------------------------------------------------------
    def test_alias_opens_incidents_of_the_team_and_its_company(self):
        alias = self.team.alias_id
        self.assertEqual(alias.alias_model_id.model, "customer.care.incident")
        self.assertEqual(alias.alias_contact, "everyone")
        defaults = {"team_id": self.team.id, "company_id": self.company.id}
        self.assertEqual(safe_eval(alias.alias_defaults), defaults)
        other_company = self.env["res.company"].create({"name": "Other shop"})
        self.team.write({"company_id": other_company.id, "member_ids": [(5, 0, 0)]})
        defaults = {"team_id": self.team.id, "company_id": other_company.id}
        self.assertEqual(safe_eval(alias.alias_defaults), defaults)

    def test_team_with_incidents_is_archived_not_deleted(self):
        self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        with self.assertRaisesRegex(UserError, "archive the team"):
            self.team.with_user(self.care_manager).unlink()
        self.team.with_user(self.care_manager).action_archive()
        self.assertFalse(self.team.active)
        unused = self.env["customer.care.team"].create({"name": "Unused"})
        unused.with_user(self.care_manager).unlink()
        self.assertFalse(unused.exists())

    def test_seeded_team_owns_the_care_address(self):
        team = self.env.ref("customer_care.customer_care_team_main")
        self.assertEqual(team.alias_name, "care")
        self.assertEqual(team.company_id, self.env.ref("base.main_company"))
        self.assertTrue(team.acknowledge and team.acknowledge_template_id)

    # -- acknowledgement -----------------------------------------------------
    def test_gateway_queues_the_acknowledgement_and_triggers_the_job(self):
        cron = self.env.ref("customer_care.ir_cron_care_send_acknowledgements")
        Trigger = self.env["ir.cron.trigger"].sudo()
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        self.assertTrue(incident.is_acknowledgement_pending)
        self.assertFalse(self._acknowledgements(incident), "nothing is sent by the gateway")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.assertTrue(self._ready(cron))

    def test_acknowledgement_sent_to_the_customer_without_stopping_the_clock(self):
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        self.assertEqual(self._send_acknowledgements(), [("fully done", 1)])
        acknowledgement = self._acknowledgements(incident)
        self.assertEqual(len(acknowledgement), 1)
        self.assertIn("we received your message", acknowledgement.subject)
        self.assertEqual(acknowledgement.notification_ids.res_partner_id, self.known)
        self.assertFalse(incident.is_acknowledgement_pending)
        self.assertFalse(incident.date_first_response)
        # queued in the outbox, with the link to the request in the portal
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", acknowledgement.id)])
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(f"res_id={incident.id}", mail.body_html)
        self.assertIn(f"access_token={incident.access_token}", mail.body_html)
        self.assertTrue(incident.access_token)

    def test_acknowledgement_job_sends_once(self):
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        self._send_acknowledgements()
        self.make_due(self.env.ref("customer_care.ir_cron_care_send_acknowledgements"))
        self._send_acknowledgements()
        self.assertEqual(len(self._acknowledgements(incident)), 1)

    def test_acknowledgement_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        template = self.team.acknowledge_template_id
        template.update_field_translations(
            "subject", {"vi_VN": "Chúng tôi đã nhận được tin nhắn {{ object.name }}"}
        )
        self.known.lang = "vi_VN"
        incident = self._receive("Yên xe", "Xin chào", email_from="kim.known@example.com")
        english = self._receive("Bell", "Hello", email_from="nina.new@example.com")
        self._send_acknowledgements()
        self.assertEqual(
            self._acknowledgements(incident).subject, "Chúng tôi đã nhận được tin nhắn Yên xe"
        )
        self.assertIn("we received your message", self._acknowledgements(english).subject)

    def test_blacklisted_sender_is_not_acknowledged(self):
        self.env["mail.blacklist"].sudo()._add("kim.known@example.com")
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        self.assertEqual(len(incident), 1)
        self._send_acknowledgements()
        self.assertFalse(self._acknowledgements(incident))
        self.assertFalse(incident.is_acknowledgement_pending)

    def test_team_without_acknowledgement_sends_none(self):
        self.team.acknowledge = False
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        self.assertFalse(incident.is_acknowledgement_pending)
        self.assertFalse(self._acknowledgements(incident))

    def test_acknowledgement_turned_off_before_the_job_runs_sends_none(self):
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        self.team.acknowledge = False
        self._send_acknowledgements()
        self.assertFalse(self._acknowledgements(incident))
        self.assertFalse(incident.is_acknowledgement_pending)

    def test_acknowledgement_mark_is_not_set_by_hand(self):
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        with self.assertRaisesRegex(AccessError, "cannot be set by hand"):
            incident.with_user(self.care_manager).write({"is_acknowledgement_pending": False})
        with self.assertRaisesRegex(AccessError, "cannot be set by hand"):
            self.env["customer.care.incident"].with_user(self.care_manager).create(
                [{"name": "Typed in", "is_acknowledgement_pending": True}]
            )
        self.assertTrue(incident.is_acknowledgement_pending)

    def test_acknowledgements_in_batches_across_passes(self):
        senders = [f"batch{index}@example.com" for index in range(5)]
        incidents = self.env["customer.care.incident"]
        for sender in senders:
            incidents |= self._receive("Saddle", "Hi", email_from=sender)
        with patch(f"{ACK_MODULE}.ACK_BATCH", 2):
            statuses = self._send_acknowledgements(slice_seconds=0, min_runs=1)
        # batches of 2, 2 and 1: one per call, a pass per call
        self.assertEqual(len(statuses), 3, statuses)
        self.assertEqual([len(self._acknowledgements(i)) for i in incidents], [1] * 5)
        self.assertFalse(any(incidents.mapped("is_acknowledgement_pending")))

    def test_job_dying_half_way_resumes_without_sending_twice(self):
        incidents = self.env["customer.care.incident"]
        for index in range(5):
            incidents |= self._receive("Saddle", "Hi", email_from=f"crash{index}@example.com")
        Incident = type(self.env["customer.care.incident"])
        original = Incident._send_acknowledgements
        calls = []

        def dies_on_the_second_batch(records):
            calls.append(records.ids)
            if len(calls) == 2:
                raise OSError("worker killed")
            return original(records)

        with (
            patch(f"{ACK_MODULE}.ACK_BATCH", 2),
            patch.object(Incident, "_send_acknowledgements", dies_on_the_second_batch),
        ):
            # not assertRaises: its savepoint would undo the committed batch too
            try:
                with self.committing_batches():
                    self.env["customer.care.incident"]._cron_send_acknowledgements()
            except OSError:
                pass
            else:
                self.fail("the job should have died")
        sent = [len(self._acknowledgements(i)) for i in incidents]
        self.assertEqual(sent, [1, 1, 0, 0, 0], "the first batch is committed, not the second")
        self.assertEqual(incidents.mapped("is_acknowledgement_pending"), [False] * 2 + [True] * 3)
        # the next run sends the rest, and only the rest
        with patch(f"{ACK_MODULE}.ACK_BATCH", 2), self.committing_batches():
            self.env["customer.care.incident"]._cron_send_acknowledgements()
        self.assertEqual([len(self._acknowledgements(i)) for i in incidents], [1] * 5)

    # -- the first human reply stops the response clock ----------------------
    def test_first_reply_of_a_care_user_stops_the_response_clock(self):
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        mine = incident.with_user(self.care_user)
        mine.message_post(body="Checking", message_type="comment", subtype_xmlid="mail.mt_note")
        self.assertFalse(incident.date_first_response, "an internal note is no answer")
        before = fields.Datetime.now()
        mine.message_post(
            body="Turn the lever", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        first = incident.date_first_response
        self.assertTrue(first and first >= before)
        mine.message_post(
            body="Anything else?", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(incident.date_first_response, first, "only the first reply counts")

    def test_automated_comment_does_not_stop_the_clock(self):
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        incident.message_post(
            body="Robot says hi", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertFalse(incident.date_first_response)

    # -- replies ---------------------------------------------------------------
    def test_reply_threads_into_the_same_incident(self):
        incident = self._receive(
            "Saddle", "Hi", email_from="kim.known@example.com", msg_id="<first@customer.com>"
        )
        again = self._receive(
            "Re: Saddle",
            "One more thing",
            email_from="kim.known@example.com",
            extra="In-Reply-To: <first@customer.com>",
        )
        self.assertFalse(again, "a reply opens no new incident")
        bodies = incident.message_ids.filtered(lambda m: m.message_type == "email").mapped("body")
        self.assertTrue(any("One more thing" in body for body in bodies))
        self.assertEqual(incident.state, "new")

    def test_reply_to_a_resolved_incident_reopens_work(self):
        incident = self._receive(
            "Saddle", "Hi", email_from="kim.known@example.com", msg_id="<resolved@customer.com>"
        )
        incident.write(
            {
                "user_id": self.care_user.id,
                "resolution_type": "explanation",
                "root_cause_id": self.cause.id,
            }
        )
        incident.with_user(self.care_user).action_resolve()
        self.assertEqual(incident.state, "resolved")
        plan = incident.followup_plan_id
        self._receive(
            "Re: Saddle",
            "It is loose again",
            email_from="kim.known@example.com",
            extra="In-Reply-To: <resolved@customer.com>",
        )
        self.assertEqual(incident.state, "in_progress")
        self.assertFalse(incident.date_resolved)
        self.assertEqual(incident.followup_plan_id, plan)
        activity = incident.activity_ids.filtered(lambda a: "replied" in (a.summary or ""))
        self.assertEqual(activity.user_id, self.care_user)

    # -- what never opens an incident --------------------------------------
    def test_bounce_opens_no_incident(self):
        incident = self._receive(
            "Undelivered Mail Returned to Sender",
            "The mail system could not deliver your message.",
            template=BOUNCE,
        )
        self.assertFalse(incident)

    def test_auto_reply_loop_is_stopped(self):
        self.env["ir.config_parameter"].sudo().set_param("mail.gateway.loop.threshold", 2)
        robot = "Auto Responder <robot@example.com>"
        opened = self._receive("Out of office", "Away", email_from=robot)
        opened |= self._receive("Out of office again", "Away", email_from=robot)
        self.assertEqual(len(opened), 2)
        looping = self._receive("Out of office once more", "Away", email_from=robot)
        self.assertFalse(looping)


@tagged("post_install", "-at_install")
class TestSenderLookupIndexes(TransactionCase):
    """Each incoming email looks its sender up by address and by name: both
    lookups go through an index (without one, a scan of every contact: 0.2
    and 0.6 s at a million contacts).  The planner is told to avoid scans,
    as it would on a big table."""

    def _plan(self, query):
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL("EXPLAIN %s", query))
        return "\n".join(row[0] for row in self.env.cr.fetchall())

    def test_sender_address_lookup_uses_an_index(self):
        query = self.env["res.partner"]._search(
            [
                ("email_normalized", "=", "someone@example.com"),
                ("company_id", "in", [self.env.company.id, False]),
            ]
        )
        self.assertIn("res_partner__email_normalized_index", self._plan(query.select()))

    def test_namesake_lookup_uses_an_index(self):
        query = self.env["res.partner"]._care_namesake_query(
            "Kim Known", "kim@evil.example.net", self.env.company
        )
        self.assertIn("res_partner_care_lower_name_idx", self._plan(query))
