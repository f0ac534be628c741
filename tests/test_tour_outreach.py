"""A care manager configures a birthday rule in the browser, runs it now
(the scheduler runs it), and reads its figures."""

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
        # Run Now queued the rule's scheduled action; nothing ran in the request
        triggers = self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", rule.cron_id.id)])
        self.assertTrue(triggers)
        self.assertFalse(rule.run_ids)
        # the scheduler's turn
        rule.cron_id.sudo().method_direct_trigger()
        self.start_tour("/odoo", "customer_care_outreach_figures_tour", login="care_tour_manager")
        logs = self.env["customer.care.outreach.log"].search([("rule_id", "=", rule.id)])
        done = logs.filtered(lambda log: log.state == "done")
        self.assertIn(partner, done.partner_id)
        self.assertEqual(rule.last_run_id.contacted, len(done))
        self.assertIn(f"{len(done)} contacted", rule.last_run_summary)
