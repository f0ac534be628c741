"""After ``-u customer_care`` from the previous version: every scheduled
action, rule, group and policy keeps what the administrator set, and no
contact line, run, incident, plan or activity is lost.

Run by ``scripts/test`` on a database installed with the previous version
and changed by ``tests/upgrade/admin_changes.py``; CARE_UPGRADE_SNAPSHOT
names the JSON file that script wrote.
"""

import json
import os

import odoo
from odoo.tests import TransactionCase, tagged

from odoo.addons.customer_care.logic.consent import default_regime

from .admin_changes import CRONS, OUTDATED_RULE, snapshot


@tagged("post_install", "-at_install")
class TestUpgradeKeepsWhatAdminsSet(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        path = os.environ.get("CARE_UPGRADE_SNAPSHOT")
        if not path or not os.path.exists(path):
            raise AssertionError(
                "CARE_UPGRADE_SNAPSHOT must name the snapshot written before the upgrade"
            )
        with open(path, encoding="utf-8") as handle:
            cls.before = json.load(handle)
        cls.after = snapshot(cls.env)

    def test_the_database_was_upgraded(self):
        module = self.env["ir.module.module"].search([("name", "=", "customer_care")])
        manifest = odoo.modules.get_manifest("customer_care")
        self.assertEqual(module.latest_version, manifest["version"])
        self.assertNotEqual(module.latest_version, "19.0.1.0.0")

    def test_scheduled_actions_keep_interval_next_call_and_activity(self):
        self.assertEqual(self.after["crons"], self.before["crons"])
        self.assertFalse(self.after["crons"]["ir_cron_care_sla_check"]["active"])

    def test_rule_group_and_policy_keep_their_settings(self):
        for key in ("rule", "group", "policy"):
            with self.subTest(record=key):
                self.assertEqual(self.after[key], self.before[key])

    def test_no_history_is_lost(self):
        self.assertGreater(self.before["counts"]["customer.care.outreach.log"], 0)
        for model, count in self.before["counts"].items():
            with self.subTest(model=model):
                self.assertGreaterEqual(self.after["counts"][model], count)
        # every incident of before, unchanged (an upgrade may add demo ones)
        kept = {row[0] for row in self.before["incidents"]}
        self.assertEqual(
            [row for row in self.after["incidents"] if row[0] in kept], self.before["incidents"]
        )

    def test_sending_hours_keep_their_meaning(self):
        """A rule with hours keeps them; rules without (0 to 0) send at any hour."""
        Rule = self.env["customer.care.outreach.rule"].with_context(active_test=False)
        timed = Rule.browse(self.before["rule"]["id"])
        self.assertFalse(timed.send_all_day)
        untimed = Rule.search([("send_hour_from", "=", 0), ("send_hour_to", "=", 0)])
        self.assertTrue(untimed)
        self.assertEqual(set(untimed.mapped("send_all_day")), {True})

    def test_runs_of_the_previous_version_are_finished(self):
        runs = self.env["customer.care.outreach.run"].search([])
        self.assertTrue(runs)
        self.assertFalse(runs.filtered(lambda run: not run.run_date))
        self.assertNotIn("running", runs.mapped("state"))

    def test_purchase_facts_survive_as_per_company_values(self):
        """19.0.1.3.0: the facts columns became company-dependent (jsonb);
        each customer's company still reads what it read before."""
        self.assertGreater(len(self.before["facts"]), 10)
        self.assertEqual(self.after["facts"], self.before["facts"])
        self.env.cr.execute(
            """SELECT count(*) FROM information_schema.columns
                WHERE table_name = 'res_partner' AND udt_name = 'jsonb'
                  AND column_name IN ('care_order_count', 'care_revenue', 'care_lifetime_value')"""
        )
        self.assertEqual(self.env.cr.fetchone()[0], 3)
        # the lifetime value report reads them again, a row per company
        report = self.env["customer.care.report.value"].search([])
        self.assertEqual(len(report), len(self.before["facts"]))

    def test_record_rules_follow_the_module_and_crons_keep_their_settings(self):
        """19.0.1.5.0: record rules are updated with the module (a corrected
        rule reaches installed databases); crons stay the admins'."""
        xmlid, outdated = OUTDATED_RULE
        rule = self.env.ref(f"customer_care.{xmlid}")
        self.assertNotEqual(rule.domain_force, outdated)
        self.assertEqual(
            rule.domain_force, "['|', ('user_id', '=', user.id), ('user_id', '=', False)]"
        )
        self.env.cr.execute(
            """SELECT model, bool_and(noupdate), bool_or(noupdate) FROM ir_model_data
                WHERE module = 'customer_care' AND (model = 'ir.rule' OR name IN %s)
             GROUP BY model""",
            [tuple(CRONS)],
        )
        marks = {
            model: (all_marked, any_marked)
            for model, all_marked, any_marked in self.env.cr.fetchall()
        }
        self.assertEqual(marks["ir.rule"], (False, False))
        self.assertEqual(marks["ir.cron"], (True, True))

    def test_outreach_templates_sign_with_the_rules_company(self):
        """19.0.1.5.0: the seeded templates name env.company (the rule's
        company they are rendered in), not the scheduler's user's."""
        for xmlid, fname in (
            ("mail_template_care_birthday", "subject"),
            ("mail_template_care_birthday", "body_html"),
            ("mail_template_care_anniversary", "email_from"),
            ("mail_template_care_checkin", "body_html"),
            ("sms_template_care_warranty", "body"),
        ):
            with self.subTest(template=xmlid, field=fname):
                value = str(self.env.ref(f"customer_care.{xmlid}")[fname])
                self.assertIn("env.company", value)
                self.assertNotIn("user.company_id", value)

    def test_sender_lookups_get_their_indexes(self):
        """19.0.1.4.0: incoming emails find their sender through indexes on
        the normalized address and on the name without case."""
        self.env.cr.execute(
            """SELECT indexname FROM pg_indexes
                WHERE tablename = 'res_partner'
                  AND indexname IN ('res_partner__email_normalized_index',
                                    'res_partner_care_lower_name_idx')"""
        )
        self.assertEqual(len(self.env.cr.fetchall()), 2)
        # and the reports kept as materialized views were analyzed again
        self.env.cr.execute(
            """SELECT count(*) FROM pg_class
                WHERE relname = 'customer_care_report_purchase' AND reltuples >= 0"""
        )
        self.assertEqual(self.env.cr.fetchone()[0], 1)


@tagged("post_install", "-at_install")
class TestUpgradeConsent(TransactionCase):
    """19.0.1.6.0: every company gets the consent regime of its country, and
    every outreach rule stays a marketing rule (consent decides for it)."""

    def test_companies_get_the_regime_of_their_country(self):
        companies = self.env["res.company"].search([])
        self.assertTrue(companies)
        for company in companies:
            with self.subTest(company=company.name):
                self.assertEqual(
                    company.care_consent_regime, default_regime(company.country_id.code)
                )

    def test_existing_rules_are_marketing_rules(self):
        rules = self.env["customer.care.outreach.rule"].with_context(active_test=False).search([])
        self.assertTrue(rules)
        self.assertEqual(set(rules.mapped("purpose")), {"marketing"})


@tagged("post_install", "-at_install")
class TestUpgradeInbox(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(os.environ["CARE_UPGRADE_SNAPSHOT"], encoding="utf-8") as handle:
            cls.before = json.load(handle)

    def test_customers_who_wrote_last_wait_in_the_inbox(self):
        (incident_id, date), *_rest = self.before["customer_reply"]
        row = self.env["customer.care.inbox"].search(
            [("res_model", "=", "customer.care.incident"), ("res_id", "=", incident_id)]
        )
        self.assertEqual(str(row.date_waiting), date)
        # a phone call nobody wrote about waits for nobody
        called = self.env.ref("customer_care.customer_care_incident_demo_breached")
        self.assertFalse(called.date_awaiting_reply)
