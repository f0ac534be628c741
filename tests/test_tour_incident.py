"""The browser path of a complaint: acknowledged and resolved by a care
user, a decline approved by a care manager."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIncidentTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Customer", "email": "tour.customer@example.com"}
        )
        cls.env["customer.care.root.cause"].create({"name": "Tour courier"})

    def test_care_user_acknowledges_and_resolves(self):
        user = new_test_user(
            self.env,
            login="care_incident_user",
            password="care_incident_user",
            groups="base.group_user,customer_care.group_care_user",
        )
        incident = self.env["customer.care.incident"].create(
            {"name": "Tour complaint", "partner_id": self.customer.id, "user_id": user.id}
        )
        self.start_tour("/odoo", "customer_care_incident_resolve_tour", login=user.login)
        self.assertEqual(incident.state, "resolved")
        self.assertEqual(incident.resolution_type, "exchange")
        self.assertEqual(incident.root_cause_id.name, "Tour courier")
        self.assertTrue(incident.date_first_response)
        sent = incident.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(sent), 1)
        self.assertIn("We bring you a new desk tomorrow morning.", sent.body)

    def test_manager_approves_a_pending_decline(self):
        user = new_test_user(
            self.env,
            login="care_incident_user2",
            groups="base.group_user,customer_care.group_care_user",
        )
        manager = new_test_user(
            self.env,
            login="care_incident_manager",
            password="care_incident_manager",
            groups="base.group_user,customer_care.group_care_manager",
        )
        incident = self.env["customer.care.incident"].create(
            {"name": "Tour refund request", "partner_id": self.customer.id, "user_id": user.id}
        )
        incident.with_user(user).action_request_decline("Bought three years ago")
        self.start_tour("/odoo", "customer_care_incident_decline_tour", login=manager.login)
        self.assertEqual(incident.state, "declined")
        self.assertEqual(incident.resolution_type, "declined")
