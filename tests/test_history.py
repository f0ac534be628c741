"""Nothing widens, nothing dangles, history is never lost: archived care
groups never turn a limited audience into everyone, records in use are
archived rather than deleted, and a deleted template, activity type or
survey never breaks a scheduled job."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_incident import IncidentCommon, at
from .test_outreach import NOW, OutreachCommon

REFS_LOGGER = "odoo.addons.customer_care.models.care_refs"


@tagged("post_install", "-at_install")
class TestArchivedGroups(OutreachCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vip = cls.env["customer.care.group"].create(
            {"name": "Test VIP", "code": "test_vip", "classification_rule": "manual"}
        )
        cls.regular = cls.env["customer.care.group"].create(
            {"name": "Test Regular", "code": "test_regular", "classification_rule": "manual"}
        )

    def _member(self, name, group):
        partner = self._born(name, date(1990, 6, 15))
        partner.write({"care_group_id": group.id, "care_group_locked": True})
        return partner

    @freeze_time(NOW)
    def test_rule_of_archived_groups_skips_instead_of_contacting_everyone(self):
        self._member("Vip Customer", self.vip)
        self._member("Regular One", self.regular)
        self._member("Regular Two", self.regular)
        self.rule.group_ids = self.vip
        self.vip.active = False
        # the archived group is still the rule's audience
        self.assertEqual(self.rule.group_ids, self.vip)
        run = self._run()
        self.assertEqual(run.state, "skipped")
        self.assertIn("archived", run.note)
        self.assertIn("Test VIP", run.note)
        self.assertFalse(self._logs())
        # the scheduler runs it again the same day: still one skipped run
        self.assertEqual(self._run(), run)
        self.assertEqual(len(self.rule.run_ids), 1)

    @freeze_time(NOW)
    def test_archived_group_is_left_out_of_a_rule_with_active_groups(self):
        self._member("Vip Customer", self.vip)
        regular = self._member("Regular One", self.regular)
        self.rule.group_ids = self.vip | self.regular
        self.vip.active = False
        run = self._run()
        self.assertEqual(run.state, "done")
        self.assertEqual(self._logs().partner_id, regular)

    def test_group_in_use_is_archived_not_deleted(self):
        self.rule.group_ids = self.vip
        with self.assertRaisesRegex(UserError, "archive"):
            self.vip.unlink()
        policy = self.env["customer.care.sla.policy"].create(
            {"name": "Regular only", "care_group_ids": [(6, 0, self.regular.ids)]}
        )
        with self.assertRaisesRegex(UserError, "Regular only"):
            self.regular.unlink()
        policy.care_group_ids = False
        customer = self._partner("Member", care_group_id=self.regular.id)
        customer.active = False  # archived customers count too
        with self.assertRaisesRegex(UserError, "1 customers"):
            self.regular.unlink()
        unused = self.env["customer.care.group"].create({"name": "Unused", "code": "unused"})
        unused.unlink()
        self.assertFalse(unused.exists())


@tagged("post_install", "-at_install")
class TestArchivedPolicyGroups(IncidentCommon):
    def test_policy_of_archived_groups_matches_nobody(self):
        vip = self.env["customer.care.group"].create(
            {"name": "Test VIP", "code": "test_vip", "classification_rule": "manual"}
        )
        strict = self.env["customer.care.sla.policy"].create(
            {"name": "VIP fast lane", "sequence": 0, "care_group_ids": [(6, 0, vip.ids)]}
        )
        vip.active = False
        self.assertEqual(strict.care_group_ids, vip)
        self.customer.care_group_id = self.group_regular
        incident = self._incident()
        self.assertEqual(incident.sla_policy_id, self.policy)
        # even a customer still filed in the archived group
        self.customer.write({"care_group_id": vip.id, "care_group_locked": True})
        self.assertEqual(self._incident().sla_policy_id, self.policy)


@tagged("post_install", "-at_install")
class TestOutreachHistory(OutreachCommon):
    def _log(self, rule, partner):
        return self.env["customer.care.outreach.log"].create(
            {
                "rule_id": rule.id,
                "partner_id": partner.id,
                "period_key": "2026",
                "company_id": rule.company_id.id,
                "state": "done",
            }
        )

    def test_rule_with_contacts_or_runs_is_archived_not_deleted(self):
        partner = self._partner("Contacted")
        log = self._log(self.rule, partner)
        with self.assertRaisesRegex(UserError, "Archive"):
            self.rule.with_user(self.care_manager).unlink()
        self.assertTrue(log.exists())
        ran = self.rule.copy({"name": "Ran once"})
        run = self.env["customer.care.outreach.run"].create({"rule_id": ran.id, "state": "done"})
        with self.assertRaisesRegex(UserError, "Ran once"):
            ran.unlink()
        self.assertTrue(run.exists())
        for model in ("customer.care.outreach.log", "customer.care.outreach.run"):
            self.assertEqual(self.env[model]._fields["rule_id"].ondelete, "restrict")

    def test_rule_without_history_is_deleted_with_its_scheduled_action(self):
        fresh = self.rule.copy({"name": "Never ran"})
        cron = fresh.cron_id
        self.assertTrue(cron)
        fresh.with_user(self.care_manager).unlink()
        self.assertFalse(fresh.exists())
        self.assertFalse(cron.exists())


@tagged("post_install", "-at_install")
class TestIncidentHistory(IncidentCommon):
    def test_root_cause_in_use_is_archived_not_deleted(self):
        incident = self._incident(root_cause_id=self.cause.id)
        with self.assertRaisesRegex(UserError, "Courier delays"):
            self.cause.with_user(self.care_manager).unlink()
        self.assertEqual(incident.root_cause_id, self.cause)
        self.cause.active = False
        self.assertEqual(incident.root_cause_id, self.cause)
        unused = self.env["customer.care.root.cause"].create({"name": "Never used"})
        unused.with_user(self.care_manager).unlink()
        self.assertFalse(unused.exists())

    def test_policy_in_use_is_archived_not_deleted(self):
        incident = self._incident()
        self.assertEqual(incident.sla_policy_id, self.policy)
        with self.assertRaisesRegex(UserError, "archive"):
            self.policy.with_user(self.care_manager).unlink()
        self.assertEqual(incident.sla_policy_id, self.policy)

    def test_incident_of_an_archived_policy_still_escalates_level_by_level(self):
        with freeze_time(at(0)):
            incident = self._incident()
        self.assertEqual(incident.sla_policy_id, self.policy)
        self.policy.active = False
        self.Incident._sla_check_due(now=at(1, 0))
        self.assertEqual(incident.escalation_level, 1)
        self.assertEqual(self._escalations(incident).user_id, self.care_manager)
        # the archived policy's own 4 extra hours, then its senior manager
        self.Incident._sla_check_due(now=at(4, 59))
        self.assertEqual(incident.escalation_level, 1)
        self.Incident._sla_check_due(now=at(5, 0))
        self.assertEqual(incident.escalation_level, 2)
        self.assertEqual(self._escalations(incident).user_id, self.care_manager | self.senior)
        self.assertEqual(incident.sla_policy_id, self.policy)


@tagged("post_install", "-at_install")
class TestDeletedReferences(IncidentCommon):
    def _delete_activity_type(self, xmlid):
        activity_type = self.env.ref(xmlid)
        self.env["mail.activity"].sudo().search(
            [("activity_type_id", "=", activity_type.id)]
        ).unlink()
        activity_type.sudo().unlink()

    def test_sla_check_escalates_with_a_generic_activity_when_its_type_is_deleted(self):
        with freeze_time(at(0)):
            incident = self._incident()
        self._delete_activity_type("customer_care.mail_activity_type_care_escalation")
        with self.assertLogs(REFS_LOGGER, "WARNING") as logs:
            self.Incident._sla_check_due(now=at(1, 0))
        self.assertIn("mail_activity_type_care_escalation", logs.output[0])
        self.assertEqual(incident.escalation_level, 1)
        todo = self.env.ref("mail.mail_activity_data_todo")
        escalation = incident.activity_ids.filtered(lambda a: a.user_id == self.care_manager)
        self.assertEqual(escalation.activity_type_id, todo)
        self.assertIn("breached", escalation.summary)

    def test_recurrence_alert_with_a_generic_activity_when_its_type_is_deleted(self):
        self.env.company.care_escalation_user_id = self.care_manager
        self.cause.write({"recurrence_threshold": 1, "company_id": self.env.company.id})
        self._delete_activity_type("customer_care.mail_activity_type_care_recurrence")
        with self.assertLogs(REFS_LOGGER, "WARNING"):
            self._incident(root_cause_id=self.cause.id)
        self.assertTrue(self.cause.date_last_alert)
        self.assertEqual(
            self.cause.activity_ids.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )

    def _followed_up(self):
        incident = self._incident(resolution_type="instant", root_cause_id=self.cause.id)
        incident.action_resolve()
        return incident

    def test_deleted_survey_gives_a_clear_error(self):
        incident = self._followed_up()
        self.env.ref("customer_care.survey_care_satisfaction").sudo().unlink()
        with self.assertRaisesRegex(UserError, "survey was deleted"):
            incident.action_send_survey()

    def test_deleted_invitation_template_creates_the_answer_without_email(self):
        """Both emails that can carry the survey are gone: the follow-up email
        (the rating faces and the link) and Odoo's survey invitation."""
        incident = self._followed_up()
        self.env.ref("customer_care.mail_template_care_incident_followup").sudo().unlink()
        self.env.ref("survey.mail_template_user_input_invite").sudo().unlink()
        with self.assertLogs(REFS_LOGGER, "WARNING"):
            incident.action_send_survey()
        self.assertTrue(incident.survey_input_id)
        self.assertIn("share the survey link", incident.message_ids[0].body)

    def test_submission_keeps_the_rating_when_the_score_question_is_deleted(self):
        incident = self._followed_up()
        incident.action_send_survey()
        answer = incident.survey_input_id
        score_question = self.env.ref("customer_care.survey_care_satisfaction_score")
        answer._save_lines(score_question, "5")
        # the xmlid is lost (the question deleted and recreated by hand)
        self.env["ir.model.data"].sudo().search(
            [("module", "=", "customer_care"), ("name", "=", "survey_care_satisfaction_score")]
        ).unlink()
        with self.assertLogs("odoo.addons.customer_care.models.survey_user_input", "WARNING"):
            answer._mark_done()
        self.assertEqual(incident.satisfaction, 5)

    def test_check_back_runs_when_the_admin_user_is_gone(self):
        self.env["ir.model.data"].sudo().search(
            [("module", "=", "base"), ("name", "=", "user_admin")]
        ).unlink()
        self.assertIsInstance(self.Incident._cron_check_back(), int)

    def test_resolution_email_opens_without_its_deleted_template(self):
        incident = self._incident()
        self.env.ref("customer_care.mail_template_care_incident_resolution").sudo().unlink()
        with self.assertLogs(REFS_LOGGER, "WARNING"):
            action = incident.action_send_resolution()
        self.assertFalse(action["context"]["default_template_id"])
