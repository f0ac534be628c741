"""A visitor and a signed-in customer report a problem in the browser."""

from odoo.tests import HttpCase, new_test_user, tagged

from ..common import manual_routing


@tagged("post_install", "-at_install")
class TestReportProblemTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manual_routing(cls.env)

    def test_visitor_reports_a_problem_from_the_menu(self):
        website = self.env["website"].get_current_website()
        self.start_tour("/", "customer_care_website_report_tour")
        incident = self.env["customer.care.incident"].search([("name", "=", "Tour kettle")])
        self.assertEqual(len(incident), 1)
        self.assertEqual(
            (incident.channel, incident.kind, incident.state), ("website", "complaint", "new")
        )
        self.assertEqual(incident.company_id, website.company_id)
        self.assertEqual(incident.partner_id.email, "tour.visitor@example.com")
        self.assertEqual(incident.partner_id.name, "Tour Visitor")
        self.assertEqual(incident.contact_phone, "+84 28 3822 1234")
        self.assertIn("the lid leaks", incident.description)
        self.assertFalse(incident.user_id)
        self.assertTrue(incident.response_deadline)

    def test_signed_in_customer_finds_the_form_filled_and_follows_the_request(self):
        customer = new_test_user(
            self.env,
            login="care_tour_portal",
            password="care_tour_portal",
            name="Tour Portal Customer",
            email="tour.portal@example.com",
            groups="base.group_portal",
        )
        self.start_tour(
            "/report-a-problem", "customer_care_website_report_portal_tour", login=customer.login
        )
        incident = self.env["customer.care.incident"].search([("name", "=", "Tour invoice")])
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.partner_id, customer.partner_id)
        self.assertEqual((incident.channel, incident.kind), ("website", "question"))
