"""A care manager opens the overview and every report in the browser."""

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestReportingTour(HttpCase):
    def test_manager_opens_the_overview_and_each_report(self):
        manager = new_test_user(
            self.env,
            login="care_tour_reports",
            password="care_tour_reports",
            groups="base.group_user,customer_care.group_care_manager",
        )
        lost = self.env["res.partner"].create({"name": "Reporting Tour Lost"})
        lost.with_user(manager).action_care_drop("no_profit", "Never pays")
        top = self.env["res.partner"].create({"name": "Reporting Tour Top"})
        self.env["customer.care.top.snapshot"].create(
            {
                "company_id": self.env.company.id,
                "period": fields.Date.today().replace(day=1),
                "partner_id": top.id,
                "rank": 1,
                "revenue": 800.0,
                "previous_revenue": 1000.0,
                "change_amount": -200.0,
                "change_percent": -20.0,
                "trend": "declining",
            }
        )
        self.start_tour("/odoo", "customer_care_reporting_tour", login="care_tour_reports")
