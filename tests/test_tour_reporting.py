"""A care manager opens the overview, follows a tile to its list, and
opens every report in the browser."""

from odoo import Command, fields
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
        team = self.env["customer.care.team"].create(
            {"name": "Reporting Tour Team", "member_ids": [Command.set(manager.ids)]}
        )
        customer = self.env["res.partner"].create({"name": "Reporting Tour Customer"})
        self.env["customer.care.incident"].create(
            {
                "name": "Reporting Tour Incident",
                "partner_id": customer.id,
                "team_id": team.id,
                "user_id": manager.id,
            }
        )
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
