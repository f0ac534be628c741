"""Waiting for the customer: the resolution clock pauses while an incident
waits for the customer's photos or answer, the paused time is left out of
every SLA figure, the customer's reply from any door resumes it, and the
scheduled reminder asks politely every few days, never closing anything."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, HttpCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.customer_care.logic import sla

from .common import LANGS, CareCommon
from .test_inbound_mail import InboundMailCase

T0 = datetime(2026, 6, 15, 2, 0)  # a Monday, 09:00 in Ho Chi Minh City


@tagged("post_install", "-at_install")
class TestPauseArithmetic(BaseCase):
    def test_calendar_pause_and_shift(self):
        self.assertEqual(sla.paused_hours(T0, T0 + timedelta(hours=30)), 30.0)
        self.assertEqual(sla.paused_hours(T0, T0 - timedelta(hours=1)), 0.0)
        self.assertEqual(sla.paused_hours(None, T0), 0.0)
        deadlines = sla.compute_deadlines(T0, sla.SlaTerms())
        shifted = sla.shift_resolution(deadlines, 30.0)
        self.assertEqual(shifted.resolution, deadlines.resolution + timedelta(hours=30))
        self.assertEqual(shifted.target, deadlines.target + timedelta(hours=30))
        self.assertEqual(shifted.resolution_risk, deadlines.resolution_risk + timedelta(hours=30))
        self.assertEqual(shifted.response, deadlines.response, "the response clock never waits")
        self.assertIs(sla.shift_resolution(deadlines, 0.0), deadlines)

    def test_working_time_pause_counts_and_shifts_working_hours(self):
        # 08:00-17:00 every day for two weeks
        days = [datetime(2026, 6, 15) + timedelta(days=d) for d in range(14)]
        working = sla.WorkingTime(
            [(day + timedelta(hours=8), day + timedelta(hours=17)) for day in days]
        )
        # paused from Monday 16:00 to Tuesday 10:00: 1 + 2 working hours
        paused = sla.paused_hours(datetime(2026, 6, 15, 16), datetime(2026, 6, 16, 10), working)
        self.assertEqual(paused, 3.0)
        deadlines = sla.compute_deadlines(datetime(2026, 6, 15, 9), sla.SlaTerms(), working)
        shifted = sla.shift_resolution(deadlines, paused, working)
        self.assertEqual(
            working.position(shifted.resolution) - working.position(deadlines.resolution),
            3 * 3600.0,
        )
        # past the intervals: nothing to promise in working time
        self.assertIsNone(sla.shift_resolution(deadlines, 1000.0, working))

    def test_reminder_every_n_days(self):
        self.assertFalse(sla.reminder_due(T0, None, T0 + timedelta(days=2), 3))
        self.assertTrue(sla.reminder_due(T0, None, T0 + timedelta(days=3), 3))
        last = T0 + timedelta(days=3)
        self.assertFalse(sla.reminder_due(T0, last, T0 + timedelta(days=5), 3))
        self.assertTrue(sla.reminder_due(T0, last, T0 + timedelta(days=6), 3))
        self.assertFalse(sla.reminder_due(T0, None, T0 + timedelta(days=30), 0))


@tagged("post_install", "-at_install")
class TestWaiting(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._partner("Wendy Waiting", email="wendy@example.com")
        cls.cause = cls.env["customer.care.root.cause"].create({"name": "Scratched frame"})
        cls.policy = cls.env["customer.care.sla.policy"].create(
            {
                "name": "Waiting clock",
                "kind": "request",
                "response_hours": 1.0,
                "resolution_hours": 24.0,
                "target_hours": 12.0,
                "escalation_user_id": cls.care_manager.id,
            }
        )

    def _incident(self):
        incident = self.env["customer.care.incident"].create(
            {
                "name": "Frame scratched, photos needed",
                "partner_id": self.customer.id,
                "kind": "request",
                "user_id": self.care_user.id,
                "date_received": T0,
            }
        )
        self.assertEqual(incident.sla_policy_id, self.policy)
        return incident.with_user(self.care_user)

    def test_pause_is_excluded_from_clock_check_and_figures(self):
        with freeze_time(T0):
            incident = self._incident()
            promised = incident.resolution_deadline
            self.assertEqual(promised, T0 + timedelta(hours=24))
        with freeze_time(T0 + timedelta(minutes=30)):
            incident.action_start()
        with freeze_time(T0 + timedelta(hours=2)):
            incident.action_wait_for_customer()
            self.assertEqual(incident.state, "waiting")
            self.assertEqual(incident.date_waiting_since, T0 + timedelta(hours=2))
        # 30 hours later the deadline has long passed on the wall clock
        later = T0 + timedelta(hours=32)
        Incident = self.env["customer.care.incident"]
        self.assertNotIn(incident.id, Incident._sla_due_ids(later, 1000))
        Incident._sla_check_due(now=later)
        with freeze_time(later):
            incident.sudo()._sla_refresh(later)
        self.assertEqual(incident.sla_state, sla.ON_TRACK)
        self.assertEqual(incident.escalation_level, 0)
        self.assertFalse(
            incident.activity_ids, "a paused incident is neither breached nor escalated"
        )
        with freeze_time(later):
            incident.action_resume_waiting()
        self.assertEqual(incident.state, "in_progress")
        self.assertFalse(incident.date_waiting_since)
        self.assertAlmostEqual(incident.waiting_hours, 30.0)
        self.assertAlmostEqual(incident.waiting_clock_hours, 30.0)
        self.assertEqual(incident.resolution_deadline, promised + timedelta(hours=30))
        self.assertEqual(incident.target_deadline, T0 + timedelta(hours=12 + 30))
        with freeze_time(later):
            Incident._sla_check_due(now=later)
            incident.sudo()._sla_refresh(later)
        self.assertEqual(incident.sla_state, sla.ON_TRACK)
        with freeze_time(T0 + timedelta(hours=34)):
            incident.write({"resolution_type": "instant", "root_cause_id": self.cause.id})
            incident.action_resolve()
        self.assertAlmostEqual(incident.resolution_hours, 34.0 - 30.0)
        # the reports: resolved within the promise and the target
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT event, breached_count, resolution_in_time_rate, target_rate "
                "FROM customer_care_report_service WHERE incident_id = %s ORDER BY event",
                incident.id,
            )
        )
        self.assertEqual(rows, [("received", 0, None, None), ("resolved", 0, 100.0, 100.0)])
        complaints = (
            self.env["customer.care.report.complaint"]
            .sudo()
            .search([("company_id", "=", incident.company_id.id)])
        )
        self.assertTrue(complaints)

    def test_without_the_pause_the_same_incident_breaches(self):
        """The control: the same timeline without waiting is escalated."""
        with freeze_time(T0):
            incident = self._incident()
        with freeze_time(T0 + timedelta(minutes=30)):
            incident.action_start()
        later = T0 + timedelta(hours=32)
        self.assertIn(incident.id, self.env["customer.care.incident"]._sla_due_ids(later, 1000))
        self.env["customer.care.incident"]._sla_check_due(now=later)
        self.assertEqual(incident.sla_state, sla.BREACHED)
        self.assertGreater(incident.escalation_level, 0)

    def test_resolving_while_waiting_ends_the_pause(self):
        with freeze_time(T0):
            incident = self._incident()
        with freeze_time(T0 + timedelta(hours=1)):
            incident.action_wait_for_customer()
            self.assertTrue(incident.date_first_response, "asking the customer is an answer")
        with freeze_time(T0 + timedelta(hours=11)):
            incident.write({"resolution_type": "explanation", "root_cause_id": self.cause.id})
            incident.action_resolve()
        self.assertEqual(incident.state, "resolved")
        self.assertAlmostEqual(incident.waiting_hours, 10.0)
        self.assertAlmostEqual(incident.resolution_hours, 1.0)

    def test_state_is_guarded(self):
        incident = self._incident()
        with self.assertRaises(UserError):
            incident.action_resume_waiting()
        incident.action_start()
        with self.assertRaises(AccessError):
            incident.write({"state": "waiting"})
        portal = new_test_user(self.env, login="care_wait_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            incident.with_user(portal).action_wait_for_customer()
        with self.assertRaises(AccessError):
            incident.with_user(self.plain_user).action_wait_for_customer()
        self.assertEqual(incident.state, "in_progress")
        incident.action_wait_for_customer()
        with self.assertRaises(UserError):
            incident.action_wait_for_customer()

    def test_care_users_notes_and_comments_do_not_resume(self):
        incident = self._incident()
        incident.action_start()
        incident.action_wait_for_customer()
        incident.message_post(
            body="Photos?", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        incident.message_post(body="Noted", subtype_xmlid="mail.mt_note")
        self.assertEqual(incident.state, "waiting")
        # a note logged in the customer's name is no reply either
        incident.sudo().message_post(
            body="Called", author_id=self.customer.id, subtype_xmlid="mail.mt_note"
        )
        self.assertEqual(incident.state, "waiting")
        # another customer's message does not resume it
        other = self._partner("Oscar Other", email="oscar@example.com")
        incident.sudo().message_post(
            body="Hi", author_id=other.id, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(incident.state, "waiting")
        # a contact of the customer's company does
        company = self._partner("Wendy's Shop", is_company=True)
        self.customer.parent_id = company
        contact = self._partner("Walt Waiting", parent_id=company.id)
        incident.sudo().message_post(
            body="Photos attached",
            author_id=contact.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(incident.state, "in_progress")

    def test_portal_label(self):
        incident = self._incident()
        incident.action_start()
        incident.action_wait_for_customer()
        self.assertEqual(incident._portal_state_label(), "Waiting for your reply")


@tagged("post_install", "-at_install")
class TestWaitingDoors(InboundMailCase):
    def test_email_reply_through_the_gateway_resumes(self):
        incident = self._receive(
            "Scratched frame", "Hi", email_from="kim.known@example.com", msg_id="<w1@customer.com>"
        )
        incident.user_id = self.care_user
        mine = incident.with_user(self.care_user)
        mine.action_start()
        mine.action_wait_for_customer()
        self.assertEqual(incident.state, "waiting")
        self._receive(
            "Re: Scratched frame",
            "Out of office",
            email_from="kim.known@example.com",
            extra="In-Reply-To: <w1@customer.com>\nAuto-Submitted: auto-replied",
        )
        self.assertEqual(incident.state, "waiting", "an automatic reply is no answer")
        again = self._receive(
            "Re: Scratched frame",
            "Here are the photos",
            email_from="kim.known@example.com",
            extra="In-Reply-To: <w1@customer.com>",
        )
        self.assertFalse(again)
        self.assertEqual(incident.state, "in_progress")
        self.assertFalse(incident.date_waiting_since)
        self.assertTrue(
            incident.message_ids.filtered(lambda m: "runs again" in (m.body or "")),
            "the resumption is traced in the chatter",
        )

    def test_reminder_through_the_scheduler_in_the_customers_language(self):
        for code in LANGS:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["customer_care"], list(LANGS), overwrite=True
        )
        self.known.lang = "vi_VN"
        incident = self._receive("Photos", "Hi", email_from="kim.known@example.com")
        quiet = self._receive("Other", "Hi", email_from="kim.known@example.com")
        for record in incident | quiet:
            record.user_id = self.care_user
            record.with_user(self.care_user).action_start()
            record.with_user(self.care_user).action_wait_for_customer()
        # the first has waited four days, the second one
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE customer_care_incident SET date_waiting_since = now() AT TIME ZONE 'UTC' "
            "- make_interval(days => CASE WHEN id = %s THEN 4 ELSE 1 END) WHERE id IN %s",
            [incident.id, (incident.id, quiet.id)],
        )
        self.env.invalidate_all()
        cron = self.env.ref("customer_care.ir_cron_care_remind_waiting").sudo()
        self.make_due(cron)
        with self.mock_mail_gateway():
            self.run_until_done(cron)
        reminders = incident.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(len(reminders), 1)
        self.assertIn("Quý khách", reminders.body)
        self.assertEqual(incident.waiting_reminder_count, 1)
        self.assertTrue(incident.date_waiting_reminder)
        self.assertEqual(incident.state, "waiting", "a reminder never closes nor resumes")
        self.assertFalse(quiet.message_ids.filtered(lambda m: m.message_type == "auto_comment"))
        # the next pass: not due again before the policy's days
        self.make_due(cron)
        with self.mock_mail_gateway():
            self.run_until_done(cron)
        self.assertEqual(
            len(incident.message_ids.filtered(lambda m: m.message_type == "auto_comment")), 1
        )
        self.assertEqual(incident.waiting_reminder_count, 1)


@tagged("post_install", "-at_install")
class TestWaitingPortalReply(CareCommon, HttpCase):
    def test_portal_chatter_reply_resumes(self):
        company = self._partner("Alpha Waiting Co", is_company=True)
        anna = new_test_user(
            self.env, login="care_wait_anna", name="Anna Waiting", groups="base.group_portal"
        )
        anna.partner_id.parent_id = company
        incident = self.env["customer.care.incident"].create(
            {"name": "Desk photos", "partner_id": company.id, "user_id": self.care_user.id}
        )
        incident.with_user(self.care_user).action_start()
        incident.with_user(self.care_user).action_wait_for_customer()
        self.authenticate(anna.login, anna.login)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "customer.care.incident",
                "thread_id": incident.id,
                "post_data": {
                    "body": "Photos are attached",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",  # as the portal composer sends it
                },
                "token": incident._portal_ensure_token(),
            },
        )
        self.env.invalidate_all()
        self.assertEqual(incident.state, "in_progress")
