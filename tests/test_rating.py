"""One-click satisfaction: Odoo's rating faces in the resolution and
follow-up emails; the submitted score is the incident's satisfaction, an
unhappy one sends it back to work with a call to the customer."""

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, HttpCase, tagged

from odoo.addons.customer_care.logic import followup

from .test_incident import IncidentCommon


@tagged("post_install", "-at_install")
class TestRatingScale(BaseCase):
    def test_odoo_scores_on_the_satisfaction_scale(self):
        # faces 1/3/5 and stars 1-5 keep their value; 0 is "not rated"
        self.assertEqual(
            [followup.rating_to_satisfaction(rate) for rate in (0, 1, 2, 3, 4, 5)],
            [0, 1, 2, 3, 4, 5],
        )
        self.assertEqual(followup.rating_to_satisfaction(2.5), 3)
        self.assertEqual(followup.rating_to_satisfaction(0.2), 1)
        self.assertEqual(followup.rating_to_satisfaction(None), 0)
        self.assertEqual(
            [followup.is_unhappy(score) for score in (0, 1, 2, 3, 5)],
            [False, True, True, False, False],
        )


@tagged("post_install", "-at_install")
class TestRating(IncidentCommon, HttpCase):
    def _resolved(self):
        incident = self._incident(
            channel="phone",
            resolution_type="instant",
            root_cause_id=self.cause.id,
            user_id=self.care_user.id,
        )
        incident.with_user(self.care_user).action_resolve()
        return incident

    def _followed_up(self):
        incident = self._resolved()
        self._complete(incident.followup_plan_id)
        self.assertEqual(incident.state, "followed_up")
        return incident

    def _token(self, incident):
        return incident.with_user(self.care_user)._rating_get_access_token()

    def _submit(self, token, rate, feedback=""):
        # the customer is not logged in: a public visitor's session
        self.authenticate(None, None)
        return self.url_open(
            f"/rate/{token}/submit_feedback",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "rate": str(rate),
                "feedback": feedback,
            },
        )

    def _ratings(self, incident):
        return self.env["rating.rating"].search(
            [("res_model", "=", incident._name), ("res_id", "=", incident.id)]
        )

    def _feedback(self, incident):
        return self.env["customer.care.feedback"].search([("incident_id", "=", incident.id)])

    # -- the emails carry the faces ---------------------------------------
    def test_resolution_email_carries_the_faces(self):
        incident = self._resolved()
        template = self.env.ref("customer_care.mail_template_care_incident_resolution")
        body = template.with_user(self.care_user)._render_field("body_html", incident.ids)[
            incident.id
        ]
        token = self._token(incident)
        for rate in (1, 3, 5):
            self.assertIn(f"/rate/{token}/{rate}", body)

    def test_follow_up_email_carries_the_faces_and_the_survey(self):
        incident = self._followed_up()
        incident.with_user(self.care_user).action_send_survey()
        token = self._token(incident)
        sent = incident.message_ids.filtered(lambda m: f"/rate/{token}/5" in (m.body or ""))
        self.assertTrue(sent, "the follow-up email carries the rating faces")
        self.assertIn(incident.survey_input_id.access_token, sent[0].body)
        self.assertIn(self.customer, sent[0].partner_ids)

    # -- the public rating page --------------------------------------------
    def test_opening_a_face_only_preselects_it(self):
        incident = self._followed_up()
        token = self._token(incident)
        response = self.url_open(f"/rate/{token}/5")
        self.assertEqual(response.status_code, 200)
        self.assertIn("submit_feedback", response.text)
        self.assertFalse(self._ratings(incident).consumed)
        self.assertEqual((incident.satisfaction, incident.state), (0, "followed_up"))
        self.assertFalse(self._feedback(incident))

    def test_a_happy_rating_sets_satisfaction_and_feedback(self):
        incident = self._followed_up()
        token = self._token(incident)
        response = self._submit(token, 5, "Quick and kind")
        self.assertEqual(response.status_code, 200)
        incident.invalidate_recordset()
        self.assertEqual((incident.satisfaction, incident.state), (5, "closed"))
        feedback = self._feedback(incident)
        self.assertEqual(
            (len(feedback), feedback.source, feedback.sentiment, feedback.text),
            (1, "survey", "positive", "Quick and kind"),
        )
        self.assertEqual(feedback.partner_id, self.customer)
        self.assertTrue(self._ratings(incident).consumed)
        # the survey stays available for the longer questionnaire
        incident.with_user(self.care_user).action_send_survey()
        self.assertTrue(incident.survey_input_id)

    def test_a_neutral_face_is_three_and_does_not_reopen(self):
        incident = self._resolved()
        self._submit(self._token(incident), 3)
        incident.invalidate_recordset()
        self.assertEqual((incident.satisfaction, incident.state), (3, "resolved"))
        self.assertFalse(
            incident.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
            )
        )

    def test_an_unhappy_rating_reopens_with_a_call(self):
        incident = self._followed_up()
        self._submit(self._token(incident), 1, "Still broken")
        incident.invalidate_recordset()
        self.assertEqual(incident.satisfaction, 1)
        self.assertEqual(incident.state, "in_progress")
        self.assertFalse(incident.date_resolved)
        calls = incident.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls.user_id, self.care_user)
        feedback = self._feedback(incident)
        self.assertEqual((feedback.sentiment, feedback.text), ("negative", "Still broken"))

    def test_a_wrong_token_is_refused(self):
        incident = self._followed_up()
        self._token(incident)
        for url in ("/rate/not-a-token/5", "/rate/not-a-token/submit_feedback"):
            with self.subTest(url=url):
                response = (
                    self.url_open(url)
                    if url.endswith("/5")
                    else self._submit("not-a-token", 5, "Forged")
                )
                self.assertEqual(response.status_code, 404)
        incident.invalidate_recordset()
        self.assertEqual((incident.satisfaction, incident.state), (0, "followed_up"))
        self.assertFalse(self._feedback(incident))

    def test_a_care_user_cannot_rate_in_the_customer_s_place(self):
        incident = self._followed_up()
        token = self._token(incident)
        with self.assertRaises(AccessError):
            incident.with_user(self.care_user).rating_apply(5, token=token)
        self.assertEqual((incident.satisfaction, incident.state), (0, "followed_up"))
        self.assertFalse(self._ratings(incident).consumed)

    # -- a link acts once, and not forever -----------------------------------
    def _calls(self, incident):
        return incident.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )

    def test_a_replayed_unhappy_rating_reopens_once(self):
        incident = self._followed_up()
        token = self._token(incident)
        self._submit(token, 1, "Still broken")
        incident.invalidate_recordset()
        self.assertEqual(incident.state, "in_progress")
        self.assertEqual(len(self._calls(incident)), 1)
        # the care team solves it again and closes it
        self._calls(incident).action_feedback(feedback="Called back, sent a new part")
        incident.sudo().write({"state": "closed"})
        for _attempt in range(3):
            response = self._submit(token, 1, "Still broken")
            self.assertEqual(response.status_code, 200)
        incident.invalidate_recordset()
        self.assertEqual(incident.state, "closed")
        self.assertFalse(self._calls(incident))
        feedback = self._feedback(incident)
        self.assertEqual((len(feedback), feedback.sentiment), (1, "negative"))

    def test_a_changed_score_updates_the_same_feedback(self):
        incident = self._followed_up()
        token = self._token(incident)
        self._submit(token, 5, "Quick and kind")
        incident.invalidate_recordset()
        self.assertEqual((incident.satisfaction, incident.state), (5, "closed"))
        self._submit(token, 5, "Quick and kind, thanks again")
        self.assertEqual(self._feedback(incident).text, "Quick and kind, thanks again")
        # the customer changes their mind: an unhappy score reopens it
        self._submit(token, 1, "It broke again")
        incident.invalidate_recordset()
        self.assertEqual((incident.satisfaction, incident.state), (1, "in_progress"))
        self.assertEqual(len(self._calls(incident)), 1)
        feedback = self._feedback(incident)
        self.assertEqual(
            (len(feedback), feedback.sentiment, feedback.text),
            (1, "negative", "It broke again"),
        )
        self.assertEqual(feedback.rating_id, self._ratings(incident))

    def test_an_expired_link_no_longer_rates(self):
        incident = self._followed_up()
        token = self._token(incident)
        rating = self._ratings(incident)
        self.env.cr.execute(
            "UPDATE rating_rating SET create_date = now() - interval '31 days' WHERE id = %s",
            [rating.id],
        )
        rating.invalidate_recordset()
        self.assertEqual(self.url_open(f"/rate/{token}/1").status_code, 404)
        self.assertEqual(self._submit(token, 1, "Months later").status_code, 404)
        incident.invalidate_recordset()
        self.assertEqual((incident.satisfaction, incident.state), (0, "followed_up"))
        self.assertFalse(self._feedback(incident))
        self.assertFalse(self._ratings(incident).consumed)
        with self.assertRaises(UserError):
            incident.sudo().rating_apply(1, token=token)
        # the next email carries a new link, which works
        fresh = self._token(incident)
        self.assertNotEqual(fresh, token)
        self.assertEqual(self._submit(fresh, 5).status_code, 200)
        incident.invalidate_recordset()
        self.assertEqual((incident.satisfaction, incident.state), (5, "closed"))

    def test_the_link_lifetime_is_a_system_parameter(self):
        Incident = self.env["customer.care.incident"]
        self.assertEqual(Incident._rating_link_days(), 30)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("customer_care.rating_link_days", "7")
        self.assertEqual(Incident._rating_link_days(), 7)
        params.set_param("customer_care.rating_link_days", "never")
        self.assertEqual(Incident._rating_link_days(), 30)
