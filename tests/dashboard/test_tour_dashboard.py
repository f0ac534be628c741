"""A care manager opens both Customer Care dashboards on the demo data."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    def test_manager_sees_both_dashboards_drawn_with_data(self):
        new_test_user(
            self.env,
            login="care_tour_dashboards",
            password="care_tour_dashboards",
            groups="base.group_user,customer_care.group_care_manager",
        )
        self.env["customer.care.report.purchase"]._refresh_reports()
        self.start_tour(
            "/odoo",
            "customer_care_dashboard_tour",
            login="care_tour_dashboards",
            timeout=180,
        )

    def test_care_user_is_not_offered_the_dashboards(self):
        new_test_user(
            self.env,
            login="care_tour_no_dashboards",
            password="care_tour_no_dashboards",
            groups="base.group_user,customer_care.group_care_user",
        )
        self.start_tour(
            "/odoo",
            "customer_care_dashboard_hidden_tour",
            login="care_tour_no_dashboards",
        )
