"""The browser path of a care contact: four steps in order, a care email, closed."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCarePlanTour(HttpCase):
    def test_care_user_runs_a_care_plan(self):
        user = new_test_user(
            self.env,
            login="care_plan_tour_user",
            password="care_plan_tour_user",
            name="Tour Carer",
            email="tour.carer@example.com",
            groups="base.group_user,customer_care.group_care_user",
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Customer", "email": "tour.customer@example.com"}
        )
        plan = self.env["customer.care.plan"].create(
            {
                "partner_id": customer.id,
                "user_id": user.id,
                "channel": "phone",
                "trigger": "loyalty",
            }
        )
        self.start_tour("/odoo", "customer_care_plan_tour", login="care_plan_tour_user")
        self.assertEqual(plan.state, "done")
        self.assertEqual(plan.outcome, "positive")
        self.assertEqual(set(plan.step_ids.mapped("state")), {"done"})
        self.assertEqual(plan.step_ids[0].satisfied_note, "Loves the new city bike")
        self.assertTrue(customer.sudo().care_last_contact_date)
        self.assertIn(
            "Dear Tour Customer",
            plan.message_ids.filtered(lambda m: m.message_type == "comment").body,
        )
