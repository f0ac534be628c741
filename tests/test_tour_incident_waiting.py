"""The browser path of an incident waiting for the customer: a care user
sets it waiting, the customer replies from the portal, and the care user
finds it back in progress."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestWaitingTour(HttpCase):
    def test_care_user_waits_and_the_customers_reply_brings_it_back(self):
        user = new_test_user(
            self.env,
            login="care_waiting_user",
            password="care_waiting_user",
            groups="base.group_user,customer_care.group_care_user",
        )
        customer = new_test_user(
            self.env,
            login="care_waiting_portal",
            password="care_waiting_portal",
            name="Tour Waiting Customer",
            groups="base.group_portal",
        )
        incident = self.env["customer.care.incident"].create(
            {
                "name": "Tour photos needed",
                "partner_id": customer.partner_id.id,
                "user_id": user.id,
            }
        )
        incident.with_user(user).action_start()
        self.start_tour("/odoo", "customer_care_incident_wait_tour", login=user.login)
        self.assertEqual(incident.state, "waiting")
        self.assertTrue(incident.date_waiting_since)

        self.authenticate(customer.login, customer.login)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "customer.care.incident",
                "thread_id": incident.id,
                "post_data": {"body": "Here are the photos", "message_type": "comment"},
                "token": incident._portal_ensure_token(),
            },
        )
        self.env.invalidate_all()
        self.assertEqual(incident.state, "in_progress")

        self.start_tour("/odoo", "customer_care_incident_resumed_tour", login=user.login)
        self.assertFalse(incident.date_waiting_since)
