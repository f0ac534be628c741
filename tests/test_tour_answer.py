"""The browser path of an approved answer: a care user finds it from the
incident by a keyword and sends it with the customer's name filled in."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAnswerTour(HttpCase):
    def test_care_user_sends_an_approved_answer(self):
        user = new_test_user(
            self.env,
            login="care_answer_user",
            password="care_answer_user",
            groups="base.group_user,customer_care.group_care_user",
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Answer Customer", "email": "tour.answer@example.com"}
        )
        answer = self.env["customer.care.answer"].create(
            {
                "name": "Tour opening hours",
                "keywords": "Tour hours",
                "body": "<p>Dear {{customer}}, we open at 8.</p>",
                "kind": "question",
            }
        )
        answer.action_approve()
        incident = self.env["customer.care.incident"].create(
            {
                "name": "Tour opening hours question",
                "partner_id": customer.id,
                "user_id": user.id,
                "kind": "complaint",
            }
        )
        self.start_tour("/odoo", "customer_care_answer_tour", login=user.login)
        sent = incident.message_ids.filtered(lambda m: customer in m.partner_ids)
        self.assertEqual(len(sent), 1)
        self.assertIn("Dear Tour Answer Customer, we open at 8.", sent.body)
        self.assertEqual(incident.kind, "question")
        self.assertTrue(incident.date_first_response)
        self.assertEqual(answer.usage_count, 1)
