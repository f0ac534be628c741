"""Complaints and incidents: SLA clocks, escalation, declines, resolution,
recurrence and access (brief §5)."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import CareCommon

# queries of an SLA check batch that escalates, besides those per hundred
# escalations (see test_batch_costs_the_same_queries_for_5_and_250_incidents)
SLA_BATCH_QUERIES = 17
# the mail API inserts a hundred rows per statement: the activities, their
# followers and the notes (the activities' stored document name and time zone
# go with their INSERT, not in an UPDATE of their own)
SLA_QUERIES_PER_HUNDRED = 3

# a Monday morning
T0 = datetime(2026, 3, 2, 8, 0)


def at(hours=0, minutes=0):
    return T0 + timedelta(hours=hours, minutes=minutes)


class IncidentCommon(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Incident = cls.env["customer.care.incident"]
        cls.senior = new_test_user(
            cls.env,
            login="care_senior",
            name="Sena Senior",
            groups="base.group_user,customer_care.group_care_manager",
        )
        cls.other_user = new_test_user(
            cls.env,
            login="care_other",
            name="Otto Other",
            groups="base.group_user,customer_care.group_care_user",
        )
        cls.policy = cls.env["customer.care.sla.policy"].create(
            {
                "name": "Test standard",
                "sequence": 1,
                "escalation_user_id": cls.care_manager.id,
                "senior_user_id": cls.senior.id,
                "escalation_extra_hours": 4.0,
            }
        )
        cls.customer = cls._partner("Lan Nguyen", email="lan@example.com")
        cls.cause = cls.env["customer.care.root.cause"].create({"name": "Courier delays"})
        cls.escalation_type = cls.env.ref("customer_care.mail_activity_type_care_escalation")

    def _incident(self, **vals):
        return self.Incident.create(
            {"name": "Broken light", "partner_id": self.customer.id, "kind": "complaint", **vals}
        )

    def _escalations(self, incident):
        return incident.activity_ids.filtered(lambda a: a.activity_type_id == self.escalation_type)

    def _complete(self, plan):
        """The follow-up call made: its steps closed, a positive outcome."""
        plan.action_start()
        for step in plan.step_ids.sorted("sequence"):
            step.action_skip("Follow-up call, nothing to add")
        plan.outcome = "positive"
        plan.action_done()

    def _posted_refund(self, amount=40.0):
        """A posted credit note of the customer, not paid yet."""
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    (0, 0, {"name": "Refund", "quantity": 1, "price_unit": amount})
                ],
            }
        )
        refund.action_post()
        return refund


@tagged("post_install", "-at_install")
class TestDeadlines(IncidentCommon):
    def test_standard_clocks_in_calendar_time(self):
        with freeze_time(T0):
            incident = self._incident()
        self.assertEqual(incident.sla_policy_id, self.policy)
        self.assertEqual(incident.date_received, T0)
        self.assertEqual(incident.response_deadline, datetime(2026, 3, 2, 9, 0))
        self.assertEqual(incident.target_deadline, datetime(2026, 3, 2, 20, 0))
        self.assertEqual(incident.resolution_deadline, datetime(2026, 3, 3, 8, 0))
        self.assertEqual(incident.sla_state, "on_track")
        self.assertEqual(incident.date_sla_next_check, datetime(2026, 3, 2, 8, 48))

    def test_seeded_policy_is_the_handbook_default(self):
        default = self.env.ref("customer_care.customer_care_sla_policy_default")
        self.assertEqual(
            (default.response_hours, default.resolution_hours, default.target_hours),
            (1.0, 24.0, 12.0),
        )
        self.assertEqual(default.at_risk_percent, 80.0)

    def test_clocks_in_working_time_skip_weekend_and_holiday(self):
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Shop hours",
                "tz": "UTC",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for start, stop, period in ((8, 12, "morning"), (13, 17, "afternoon"))
                ],
            }
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59, 59),
            }
        )
        self.policy.resource_calendar_id = calendar
        friday_afternoon = datetime(2026, 3, 6, 16, 30)
        with freeze_time(friday_afternoon):
            incident = self._incident()
        # 30 minutes on Friday, Monday is a holiday, 30 minutes on Tuesday
        self.assertEqual(incident.response_deadline, datetime(2026, 3, 10, 8, 30))
        # 12 h: 0.5 Friday + 8 Tuesday + 3.5 Wednesday
        self.assertEqual(incident.target_deadline, datetime(2026, 3, 11, 11, 30))
        # 24 h: 0.5 Friday + 8 Tuesday + 8 Wednesday + 7.5 Thursday
        self.assertEqual(incident.resolution_deadline, datetime(2026, 3, 12, 16, 30))

    def test_most_specific_policy_wins(self):
        vip_complaints = self.env["customer.care.sla.policy"].create(
            {
                "name": "VIP complaints",
                "sequence": 50,
                "kind": "complaint",
                "care_group_ids": [Command.link(self.group_vip.id)],
                "response_hours": 0.5,
                "resolution_hours": 8,
                "target_hours": 4,
            }
        )
        with freeze_time(T0):
            vip = self._incident(care_group_id=self.group_vip.id)
            question = self._incident(care_group_id=self.group_vip.id, kind="question")
        self.assertEqual(vip.sla_policy_id, vip_complaints)
        self.assertEqual(vip.response_deadline, datetime(2026, 3, 2, 8, 30))
        self.assertEqual(question.sla_policy_id, self.policy)

    def test_priority_change_recomputes_deadlines(self):
        urgent = self.env["customer.care.sla.policy"].create(
            {
                "name": "Urgent",
                "priority": "3",
                "response_hours": 0.25,
                "resolution_hours": 4,
                "target_hours": 2,
            }
        )
        with freeze_time(T0):
            incident = self._incident(priority="0")
        self.assertEqual(incident.resolution_deadline, datetime(2026, 3, 3, 8, 0))
        with freeze_time(at(0, 5)):
            incident.priority = "3"
        self.assertEqual(incident.sla_policy_id, urgent)
        self.assertEqual(incident.response_deadline, datetime(2026, 3, 2, 8, 15))
        self.assertEqual(incident.resolution_deadline, datetime(2026, 3, 2, 12, 0))

    def test_policy_change_moves_open_incidents_only(self):
        with freeze_time(T0):
            open_incident = self._incident()
            done = self._incident(resolution_type="instant", root_cause_id=self.cause.id)
            done.action_resolve()
            self.policy.resolution_hours = 48
        self.assertEqual(open_incident.resolution_deadline, datetime(2026, 3, 4, 8, 0))
        self.assertEqual(done.resolution_deadline, datetime(2026, 3, 3, 8, 0))

    def test_priority_comes_from_the_care_group(self):
        with freeze_time(T0):
            incident = self._incident(care_group_id=self.group_vip.id)
        self.assertEqual(incident.priority, self.group_vip.priority)


@tagged("post_install", "-at_install")
class TestSlaCheck(IncidentCommon):
    def _check(self, moment):
        with freeze_time(moment):
            self.Incident._sla_check_due()

    def test_on_track_at_risk_breached_through_the_scheduled_check(self):
        with freeze_time(T0):
            incident = self._incident()
        self._check(at(0, 47))
        self.assertEqual(incident.sla_state, "on_track")
        self._check(at(0, 48))
        self.assertEqual(incident.sla_state, "at_risk")
        self._check(at(1, 0))
        self.assertEqual(incident.sla_state, "breached")
        self.assertEqual(incident.escalation_level, 1)

    def test_each_escalation_level_happens_once(self):
        with freeze_time(T0):
            incident = self._incident()
        self._check(at(1, 0))
        self._check(at(1, 5))
        activities = self._escalations(incident)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.care_manager)
        self.assertIn(self.care_manager.partner_id, incident.message_partner_ids)
        self.assertEqual(
            len(incident.message_ids.filtered(lambda m: "breached: escalated to" in m.body)), 1
        )
        # the breach lasted the policy's extra 4 hours: senior management
        self._check(at(5, 0))
        self._check(at(5, 10))
        self._check(at(30, 0))
        activities = self._escalations(incident)
        self.assertEqual(len(activities), 2)
        self.assertEqual(activities.user_id, self.care_manager | self.senior)
        self.assertEqual(incident.escalation_level, 2)
        self.assertFalse(incident.date_sla_next_check)

    def test_escalation_rows_read_back_like_the_orm_writes_them(self):
        with freeze_time(T0):
            incident = self._incident()
            # already following: the escalation must not follow twice
            incident.message_subscribe(partner_ids=self.care_manager.partner_id.ids)
        self.care_manager.tz = "Asia/Ho_Chi_Minh"
        self._check(at(1, 0))
        # as stored, not as the check left them in the cache
        self.env.flush_all()
        self.env.invalidate_all()
        activity = self._escalations(incident)
        self.assertRecordValues(
            activity,
            [
                {
                    "res_model": "customer.care.incident",
                    "res_name": "Broken light",
                    "user_id": self.care_manager.id,
                    "user_tz": "Asia/Ho_Chi_Minh",
                    "summary": "SLA breached",
                    "date_deadline": at(1, 0).date(),
                    "automated": True,
                    "active": True,
                }
            ],
        )
        # the chatter note says who it was escalated to; the activity, its assignee
        self.assertFalse(activity.note)
        self.assertEqual(incident.activity_user_id, self.care_manager)
        followers = incident.message_follower_ids.filtered(
            lambda f: f.partner_id == self.care_manager.partner_id
        )
        self.assertEqual(len(followers), 1)
        # the manager sees it among their own activities
        mine = (
            self.env["mail.activity"]
            .with_user(self.care_manager)
            .search([("user_id", "=", self.care_manager.id), ("res_id", "=", incident.id)])
        )
        self.assertEqual(mine, activity)
        note = incident.message_ids.filtered(lambda m: "breached: escalated to" in m.body)
        self.assertIn(self.care_manager.name, note.body)
        self.assertRecordValues(
            note,
            [
                {
                    "message_type": "notification",
                    "subtype_id": self.env.ref("mail.mt_note").id,
                    "is_internal": True,
                    "author_id": self.env.user.partner_id.id,
                }
            ],
        )

    def test_a_new_escalation_follower_gets_the_default_subtypes(self):
        with freeze_time(T0):
            incident = self._incident()
        self.assertNotIn(self.care_manager.partner_id, incident.message_partner_ids)
        self._check(at(1, 0))
        follower = incident.message_follower_ids.filtered(
            lambda f: f.partner_id == self.care_manager.partner_id
        )
        defaults = self.env["mail.message.subtype"].default_subtypes(incident._name)[0]
        self.assertTrue(defaults)
        self.assertEqual(follower.subtype_ids, defaults)

    def test_escalation_falls_back_to_the_company_manager(self):
        self.policy.escalation_user_id = False
        self.env.company.care_escalation_user_id = self.senior
        with freeze_time(T0):
            incident = self._incident()
        self._check(at(1, 0))
        self.assertEqual(self._escalations(incident).user_id, self.senior)

    def test_acknowledged_in_time_is_not_escalated(self):
        with freeze_time(T0):
            incident = self._incident(user_id=self.care_user.id)
        with freeze_time(at(0, 30)):
            incident.with_user(self.care_user).action_acknowledge()
        self._check(at(1, 0))
        self.assertEqual(incident.sla_state, "on_track")
        self.assertEqual(incident.date_sla_next_check, datetime(2026, 3, 2, 20, 0))
        self._check(at(12, 0))
        self.assertEqual(incident.sla_state, "at_risk")
        self.assertFalse(self._escalations(incident))

    def test_resolved_incidents_leave_the_check(self):
        with freeze_time(T0):
            incident = self._incident(resolution_type="instant", root_cause_id=self.cause.id)
        with freeze_time(at(0, 20)):
            incident.action_resolve()
        self.assertFalse(incident.date_sla_next_check)
        self._check(at(30, 0))
        self.assertEqual(incident.sla_state, "on_track")
        self.assertEqual(incident.escalation_level, 0)

    def test_scheduled_action_runs_the_check(self):
        cron = self.env.ref("customer_care.ir_cron_care_sla_check")
        self.assertEqual((cron.interval_number, cron.interval_type), (5, "minutes"))
        self.assertEqual(cron.code.strip(), "model._cron_check_sla()")

    def test_batch_costs_the_same_queries_for_5_and_250_incidents(self):
        def measure(count):
            with freeze_time(T0):
                incidents = self.Incident.create(
                    [{"name": f"Case {i}", "partner_id": self.customer.id} for i in range(count)]
                )
            self.env.flush_all()
            self.env.invalidate_all()
            with freeze_time(at(1, 0)):
                before = self.env.cr.sql_log_count
                self.Incident._sla_check_due(batch_size=500)
                self.env.flush_all()
                spent = self.env.cr.sql_log_count - before
            self.assertTrue(all(i.sla_state == "breached" for i in incidents))
            self.assertEqual(len(incidents.activity_ids), count)
            incidents.write(
                {"state": "closed", "resolution_type": "instant", "root_cause_id": self.cause.id}
            )
            self.env.flush_all()
            return spent

        measure(3)  # warm the caches (activity type, model ids, templates)
        # a constant number of queries per batch, plus at most three per
        # hundred escalations (activities, followers, notes)
        small, same_hundred, large = measure(5), measure(90), measure(250)
        self.assertEqual(small, same_hundred)
        self.assertLessEqual(small, SLA_BATCH_QUERIES + SLA_QUERIES_PER_HUNDRED)
        self.assertLessEqual(large, SLA_BATCH_QUERIES + SLA_QUERIES_PER_HUNDRED * 3)


@tagged("post_install", "-at_install")
class TestHandling(IncidentCommon):
    def test_acknowledge_answers_and_takes_the_incident(self):
        with freeze_time(T0):
            incident = self._incident(user_id=False)
        with freeze_time(at(0, 10)):
            incident.with_user(self.care_user).action_acknowledge()
        self.assertEqual(incident.state, "acknowledged")
        self.assertEqual(incident.date_first_response, at(0, 10))
        self.assertEqual(incident.user_id, self.care_user)

    def test_resolve_requires_a_resolution_type_and_a_root_cause(self):
        incident = self._incident()
        incident.action_acknowledge()
        with self.assertRaises(UserError):
            incident.action_resolve()
        incident.resolution_type = "refund"
        with self.assertRaises(UserError):
            incident.action_resolve()
        incident.root_cause_id = self.cause
        incident.action_resolve()
        self.assertEqual(incident.state, "resolved")
        self.assertTrue(incident.date_resolved)

    def test_resolved_state_cannot_be_written_without_an_outcome(self):
        incident = self._incident()
        with self.assertRaises(ValidationError):
            incident.state = "resolved"

    def test_partner_smart_button_counts_company_incidents(self):
        company = self._partner("Mekong Traders", is_company=True)
        contact = self._partner("Buyer", parent_id=company.id)
        self.Incident.create(
            [
                {"name": "One", "partner_id": company.id},
                {"name": "Two", "partner_id": contact.id},
            ]
        )
        self.assertEqual(company.care_incident_count, 2)
        self.assertEqual(contact.care_incident_count, 2)
        action = company.action_care_view_incidents()
        self.assertEqual(self.Incident.search_count(action["domain"]), 2)


@tagged("post_install", "-at_install")
class TestResolutionMail(IncidentCommon, MockEmail):
    def test_resolution_is_offered_to_the_customer(self):
        incident = self._incident(
            name="Scratched desk",
            user_id=self.care_user.id,
            resolution_type="exchange",
            root_cause_id=self.cause.id,
            resolution="<p>We replace the desk tomorrow morning, free of charge.</p>",
        )
        action = incident.with_user(self.care_user).action_resolve()
        self.assertEqual(action["res_model"], "mail.compose.message")
        with self.mock_mail_gateway():
            composer = Form(
                self.env["mail.compose.message"]
                .with_user(self.care_user)
                .with_context(action["context"])
            ).save()
            composer._action_send_mail()
        message = incident.message_ids[0]
        self.assertIn(self.customer, message.partner_ids)
        self.assertIn("Here is what we can do", message.body)
        self.assertIn("We replace the desk tomorrow morning", message.body)
        self.assertIn("Thank you", message.body)
        self.assertIn("Scratched desk", message.subject)
        self.assertEqual(len(self._mails), 1)
        self.assertEqual(self._mails[0]["email_to"], ['"Lan Nguyen" <lan@example.com>'])

    def test_template_renders_for_the_partner(self):
        incident = self._incident(resolution="<p>A full refund today.</p>")
        template = self.env.ref("customer_care.mail_template_care_incident_resolution")
        rendered = template._generate_template(incident.ids, ["body_html", "partner_to"])
        values = rendered[incident.id]
        self.assertEqual(values["partner_ids"], self.customer.ids)
        self.assertIn("Dear Lan Nguyen", values["body_html"])
        self.assertIn("A full refund today.", values["body_html"])


@tagged("post_install", "-at_install")
class TestDecline(IncidentCommon):
    def test_care_user_requests_with_a_reason(self):
        incident = self._incident(user_id=self.care_user.id).with_user(self.care_user)
        with self.assertRaises(UserError):
            incident.action_request_decline()
        wizard = Form(
            self.env["customer.care.decline.wizard"]
            .with_user(self.care_user)
            .with_context(default_incident_ids=incident.ids)
        )
        wizard.reason = "The warranty ended a year ago."
        wizard.save().action_confirm()
        self.assertEqual(incident.state, "pending_decline")
        self.assertEqual(incident.decline_reason, "The warranty ended a year ago.")
        approval = incident.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("customer_care.mail_activity_type_care_decline_approval")
            )
        )
        self.assertEqual(approval.user_id, self.care_manager)

    def test_only_a_manager_approves(self):
        incident = self._incident(user_id=self.care_user.id)
        incident.with_user(self.care_user).action_request_decline("Out of warranty")
        with self.assertRaises(AccessError):
            incident.with_user(self.care_user).action_approve_decline()
        with self.assertRaises(AccessError):
            incident.with_user(self.care_user).action_reject_decline()
        with self.assertRaises(AccessError):
            incident.with_user(self.care_user).write({"state": "declined"})
        self.assertEqual(incident.state, "pending_decline")
        incident.with_user(self.care_manager).action_approve_decline()
        self.assertEqual(incident.state, "declined")
        self.assertEqual(incident.resolution_type, "declined")
        self.assertFalse(incident.activity_ids)

    def test_no_other_path_declines(self):
        incident = self._incident()
        with self.assertRaises(AccessError):
            incident.with_user(self.care_manager).write({"state": "declined"})
        with self.assertRaises(AccessError):
            incident.with_user(self.care_manager).write({"resolution_type": "declined"})
        with self.assertRaises(AccessError):
            self._incident(state="declined", decline_reason="No")
        with self.assertRaises(UserError):
            incident.with_user(self.care_manager).action_approve_decline()

    def test_no_client_context_declines_over_rpc(self):
        # the context key the approval used to set is sent by any JSON-RPC client
        manager = self.care_manager
        keyed = {"customer_care_decline_approval": True}
        incident = self._incident(user_id=self.care_user.id)
        mine = incident.with_user(manager).with_context(**keyed)
        with self.assertRaises(AccessError):
            mine.write({"state": "declined", "decline_reason": "No"})
        with self.assertRaises(AccessError):
            mine.write({"resolution_type": "declined"})
        # nor by jumping into the pending state without the request
        with self.assertRaises(AccessError):
            mine.write({"state": "pending_decline", "decline_reason": "No"})
        with self.assertRaises(AccessError):
            self.env["customer.care.incident"].with_user(manager).with_context(**keyed).create(
                {"name": "Born declined", "partner_id": self.customer.id, "state": "declined"}
            )
        # a requested decline is approved by the action, not by a direct write
        incident.with_user(self.care_user).action_request_decline("Out of warranty")
        with self.assertRaises(AccessError):
            mine.write({"state": "declined", "resolution_type": "declined"})
        self.assertEqual(incident.state, "pending_decline")
        self.assertFalse(incident.resolution_type)
        mine.action_approve_decline()
        self.assertEqual(incident.state, "declined")
        self.assertEqual(incident.resolution_type, "declined")
        self.assertTrue(incident.date_resolved)

    def test_manager_rejects_and_work_goes_on(self):
        incident = self._incident(user_id=self.care_user.id)
        incident.with_user(self.care_user).action_request_decline("Too expensive")
        incident.with_user(self.care_manager).action_reject_decline()
        self.assertEqual(incident.state, "in_progress")
        self.assertFalse(incident.decline_reason)


@tagged("post_install", "-at_install")
class TestRecurrence(IncidentCommon):
    def test_recurring_cause_alerts_once_per_window(self):
        self.cause.write({"recurrence_threshold": 3, "recurrence_window_days": 30})
        self.env.company.care_escalation_user_id = self.care_manager
        alert_type = self.env.ref("customer_care.mail_activity_type_care_recurrence")
        customers = [self._partner(f"Customer {i}") for i in range(5)]
        with freeze_time(T0):
            # the same customer twice counts once
            for partner in (customers[0], customers[0], customers[1]):
                self._incident(partner_id=partner.id, root_cause_id=self.cause.id)
            self.assertFalse(self.cause.activity_ids)
            last = self._incident(partner_id=customers[2].id, root_cause_id=self.cause.id)
        # a shared cause alerts on the company's latest incident, which only
        # that company reads (tests/test_companies.py)
        alerts = last.activity_ids.filtered(lambda a: a.activity_type_id == alert_type)
        self.assertEqual(len(alerts), 1)
        self.assertEqual(alerts.user_id, self.care_manager)
        note = last.message_ids[0].body
        for partner in customers[:3]:
            self.assertIn(partner.name, note)
        with freeze_time(at(48)):
            later = self._incident(partner_id=customers[3].id, root_cause_id=self.cause.id)
        self.assertEqual(len(last.activity_ids), 1)
        self.assertFalse(later.activity_ids.filtered(lambda a: a.activity_type_id == alert_type))
        self.assertEqual(self.cause.date_last_alert, T0)
        self.assertEqual(self.cause.incident_count, 5)

    def test_set_on_resolve_by_a_care_user(self):
        self.cause.recurrence_threshold = 1
        incident = self._incident(user_id=self.care_user.id).with_user(self.care_user)
        incident.write({"root_cause_id": self.cause.id, "resolution_type": "instant"})
        incident.action_resolve()
        self.assertTrue(self.cause.date_last_alert)


@tagged("post_install", "-at_install")
class TestIncidentAccess(IncidentCommon):
    def test_care_user_sees_own_and_unassigned(self):
        mine = self._incident(user_id=self.care_user.id)
        unassigned = self._incident(user_id=False)
        others = self._incident(user_id=self.other_user.id)
        visible = self.Incident.with_user(self.care_user).search([])
        self.assertIn(mine, visible)
        self.assertIn(unassigned, visible)
        self.assertNotIn(others, visible)
        with self.assertRaises(AccessError):
            others.with_user(self.care_user).read(["name"])
        manager_sees = self.Incident.with_user(self.care_manager).search([])
        self.assertIn(others, manager_sees)

    def test_care_user_creates_incidents_and_root_causes(self):
        incident = self.Incident.with_user(self.care_user).create(
            {"name": "Late parcel", "partner_id": self.customer.id}
        )
        self.assertEqual(incident.user_id, self.care_user)
        cause = (
            self.env["customer.care.root.cause"]
            .with_user(self.care_user)
            .create({"name": "Wrong label"})
        )
        self.assertTrue(cause)
        with self.assertRaises(AccessError):
            incident.with_user(self.care_user).unlink()

    def test_policies_are_edited_by_managers_only(self):
        with self.assertRaises(AccessError):
            self.policy.with_user(self.care_user).write({"response_hours": 5})
        self.assertTrue(self.policy.with_user(self.care_user).read(["name"]))
        self.policy.with_user(self.care_manager).write({"response_hours": 2})

    def test_internal_and_portal_users_see_nothing(self):
        incident = self._incident()
        portal = new_test_user(self.env, login="care_portal", groups="base.group_portal")
        for user in (self.plain_user, portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                incident.with_user(user).read(["name"])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.policy.with_user(user).read(["name"])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.cause.with_user(user).read(["name"])

    def test_other_company_incidents_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = self._incident(company_id=other.id, user_id=False)
        self.assertNotIn(foreign, self.Incident.with_user(self.care_manager).search([]))


@tagged("post_install", "-at_install")
class TestSlaFieldsAreSystemManaged(IncidentCommon):
    def test_a_care_user_cannot_hide_a_breach(self):
        incident = self._incident(user_id=self.care_user.id)
        for vals in (
            {"sla_state": "on_track"},
            {"escalation_level": 0},
            {"date_sla_next_check": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                incident.with_user(self.care_user).write(vals)
            with self.subTest(vals=vals, role="manager"), self.assertRaises(AccessError):
                incident.with_user(self.care_manager).write(vals)
        # the normal handling still goes through
        incident.with_user(self.care_user).action_acknowledge()
        self.assertEqual(incident.state, "acknowledged")
