"""A care manager configures a birthday rule in the browser and runs it."""

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestOutreachTour(HttpCase):
    def test_manager_creates_and_runs_a_birthday_rule(self):
        new_test_user(
            self.env,
            login="care_tour_manager",
            password="care_tour_manager",
            groups="base.group_user,customer_care.group_care_manager",
        )
        self.env.company.partner_id.tz = "UTC"
        today = fields.Date.today()
        partner = self.env["res.partner"].create(
            {
                "name": "Birthday Tour Customer",
                "email": "birthday.tour@example.com",
                "birthdate_date": today.replace(year=today.year - 30),
            }
        )
        self.start_tour("/odoo", "customer_care_outreach_tour", login="care_tour_manager")
        rule = self.env["customer.care.outreach.rule"].search([("name", "=", "Birthday wishes")])
        self.assertTrue(rule.cron_id)
        logs = self.env["customer.care.outreach.log"].search([("rule_id", "=", rule.id)])
        done = logs.filtered(lambda log: log.state == "done")
        self.assertIn(partner, done.partner_id)
        self.assertEqual(rule.last_run_id.contacted, len(done))
        self.assertIn(f"{len(done)} contacted", rule.last_run_summary)
