"""Every resolution is followed up, on another channel, with a survey; a
question not answered on the spot becomes an incident (brief §5)."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import BaseCase, tagged

from odoo.addons.customer_care.logic import followup

from .test_incident import IncidentCommon

RESOLVED = datetime(2026, 3, 2, 15, 0)


@tagged("post_install", "-at_install")
class TestFollowupRules(BaseCase):
    def test_rules_parse_and_choose_another_channel(self):
        rules = followup.parse_rules(followup.DEFAULT_RULES)
        self.assertEqual(rules["email"], ["phone", "email"])
        self.assertEqual(followup.followup_channel("phone", rules), "email")
        self.assertEqual(followup.followup_channel("email", rules), "phone")
        self.assertTrue(followup.also_by_email("email", rules))
        # a rule naming only the same channel still switches
        self.assertEqual(followup.followup_channel("email", {"email": ["email"]}), "phone")
        self.assertEqual(followup.followup_channel("visit", {}), "email")

    def test_portal_and_website_start_rules_only(self):
        rules = followup.parse_rules("portal: phone; website: sms, email")
        self.assertEqual(followup.followup_channel("portal", rules), "phone")
        self.assertEqual(followup.followup_channel("website", rules), "sms")
        self.assertTrue(followup.also_by_email("website", rules))
        # without a rule of their own, both are followed up by email
        self.assertEqual(followup.followup_channel("website", {}), "email")

    def test_bad_rules_name_the_faulty_part(self):
        for text in ("phone email", "fax: email", "phone: pigeon", "phone:", "email: website"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                followup.parse_rules(text)

    def test_when_the_follow_up_is_due(self):
        self.assertEqual(followup.followup_due("instant", RESOLVED), datetime(2026, 3, 3, 15, 0))
        self.assertEqual(
            followup.followup_due("explanation", RESOLVED), datetime(2026, 3, 3, 15, 0)
        )
        self.assertIsNone(followup.followup_due("exchange", RESOLVED))
        received = datetime(2026, 3, 6, 10, 0)
        self.assertEqual(followup.followup_due("refund", RESOLVED, received), received)
        # a date before the resolution (typing error) never plans it earlier
        self.assertEqual(
            followup.followup_due("exchange", RESOLVED, datetime(2026, 3, 1)), RESOLVED
        )


@tagged("post_install", "-at_install")
class TestFollowup(IncidentCommon):
    def _resolved(self, resolution_type="instant", channel="phone"):
        with freeze_time(RESOLVED):
            incident = self._incident(
                channel=channel, resolution_type=resolution_type, root_cause_id=self.cause.id
            )
            incident.action_resolve()
        return incident

    def test_instant_fix_is_followed_up_a_day_later_by_email_after_a_call(self):
        incident = self._resolved("instant", "phone")
        plan = incident.followup_plan_id
        self.assertEqual(
            (plan.trigger, plan.channel, plan.date_deadline, plan.state),
            ("follow_up", "email", date(2026, 3, 3), "planned"),
        )
        self.assertEqual((plan.incident_id, plan.partner_id), (incident, self.customer))

    def test_email_exchange_is_followed_up_by_phone(self):
        incident = self._resolved("explanation", "email")
        self.assertEqual(incident.followup_plan_id.channel, "phone")

    def test_exchange_waits_until_the_customer_received_the_replacement(self):
        incident = self._resolved("exchange", "phone")
        self.assertFalse(incident.followup_plan_id)
        self.assertTrue(incident.waiting_delivery)
        incident.date_customer_received = datetime(2026, 3, 9, 11, 0)
        incident.action_confirm_received()
        self.assertEqual(incident.followup_plan_id.date_deadline, date(2026, 3, 9))
        self.assertFalse(incident.waiting_delivery)
        with self.assertRaises(UserError):
            incident.action_confirm_received()

    def test_the_channel_rules_are_configurable(self):
        self.env.company.care_followup_rules = "phone: sms"
        incident = self._resolved("instant", "phone")
        self.assertEqual(incident.followup_plan_id.channel, "sms")
        with self.assertRaisesRegex(ValidationError, "fax: email"):
            self.env.company.care_followup_rules = "phone: email; fax: email"

    def test_requests_from_the_portal_and_the_website_have_their_rules(self):
        """A rule may start from the customer's own ways in, never lead to
        them: nobody follows a customer up through a web form."""
        self.env.company.care_followup_rules = "portal: sms; website: phone, email"
        for channel, expected in (("portal", "sms"), ("website", "phone")):
            with self.subTest(channel=channel):
                incident = self._resolved("instant", channel)
                self.assertEqual(incident.followup_plan_id.channel, expected)
        for text in ("phone: website", "email: portal, phone"):
            with self.subTest(text=text), self.assertRaisesRegex(ValidationError, text):
                self.env.company.care_followup_rules = text

    def _answer_survey(self, incident, score, comment):
        answer = incident.survey_input_id
        score_question = self.env.ref("customer_care.survey_care_satisfaction_score")
        comment_question = self.env.ref("customer_care.survey_care_satisfaction_comment")
        answer._save_lines(score_question, str(score))
        answer._save_lines(comment_question, comment)
        answer._mark_done()

    def test_silence_never_closes_the_incident_a_rating_does(self):
        incident = self._resolved("instant", "phone")
        self._complete(incident.followup_plan_id)
        self.assertEqual(incident.state, "followed_up")
        incident.action_send_survey()
        self.assertEqual(incident.survey_input_id.partner_id, self.customer)
        self.assertEqual(incident.survey_input_id.care_incident_id, incident)
        self._answer_survey(incident, 4, "Quick and kind")
        self.assertEqual((incident.satisfaction, incident.state), (4, "closed"))
        self.assertIn("4/5", incident.message_ids[0].body)

    def test_a_rating_before_the_follow_up_closes_it_when_the_follow_up_is_done(self):
        incident = self._resolved("instant", "email")
        incident.action_send_survey()
        self._answer_survey(incident, 2, "Still broken")
        self.assertEqual((incident.satisfaction, incident.state), (2, "resolved"))
        self._complete(incident.followup_plan_id)
        self.assertEqual(incident.state, "closed")

    def test_no_survey_to_a_dropped_or_opted_out_customer(self):
        incident = self._resolved("instant", "phone")
        self.env["mail.blacklist"].create({"email": self.customer.email})
        with self.assertRaises(UserError):
            incident.action_send_survey()
        self.assertFalse(incident.survey_input_id)

    def test_check_back_after_a_few_days_of_silence_once(self):
        incident = self._resolved("instant", "phone")
        with freeze_time(datetime(2026, 3, 3, 9, 0)):
            self._complete(incident.followup_plan_id)
        with freeze_time(datetime(2026, 3, 5, 9, 0)):
            self.assertEqual(self.Incident._cron_check_back(), 0)
        with freeze_time(datetime(2026, 3, 7, 9, 0)):
            self.assertEqual(self.Incident._cron_check_back(), 1)
            self.assertEqual(self.Incident._cron_check_back(), 0)
        calls = incident.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(len(calls), 1)
        self.assertEqual(incident.state, "followed_up")


@tagged("post_install", "-at_install")
class TestQuestionBecomesIncident(IncidentCommon):
    def test_an_unanswered_question_becomes_a_question_incident(self):
        plan = self.env["customer.care.plan"].create(
            {"partner_id": self.customer.id, "user_id": self.care_user.id, "channel": "phone"}
        )
        plan.action_start()
        recall, needs, answer, _offer = plan.step_ids.sorted("sequence")
        recall.action_skip("Customer in a hurry")
        needs.action_skip("Customer in a hurry")
        answer.question_ids = [
            (
                0,
                0,
                {
                    "name": "Does the warranty cover water damage?",
                    "date_promised": date(2026, 3, 5),
                },
            ),
            (0, 0, {"name": "Opening hours?", "answer": "8 to 20"}),
        ]
        answer.action_done()
        unanswered = answer.question_ids.filtered(lambda q: q.state == "open")
        incident = unanswered.incident_id
        self.assertEqual(
            (incident.kind, incident.partner_id, incident.plan_id, incident.channel),
            ("question", self.customer, plan, "phone"),
        )
        self.assertIn("water damage", incident.name)
        self.assertFalse(answer.question_ids.filtered(lambda q: q.state == "answered").incident_id)


@tagged("post_install", "-at_install")
class TestRefundHook(IncidentCommon):
    def test_a_paid_credit_note_plans_the_follow_up(self):
        with freeze_time(RESOLVED):
            incident = self._incident(
                channel="email", resolution_type="refund", root_cause_id=self.cause.id
            )
            incident.action_resolve()
        self.assertTrue(incident.waiting_delivery)
        refund = self._posted_refund()
        incident.refund_move_id = refund
        self.Incident._cron_check_back()
        self.assertFalse(incident.followup_plan_id, "not paid yet: no follow-up")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=refund.ids
        ).create({})._create_payments()
        self.assertIn(refund.payment_state, ("paid", "in_payment"))
        plan = incident.followup_plan_id
        self.assertTrue(plan, "the payment planned the follow-up")
        self.assertEqual(plan.channel, "phone")
        self.assertTrue(incident.date_customer_received)
