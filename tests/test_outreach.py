"""Scheduled loyalty outreach: audiences, exactly once, consent, figures
(brief §3, §8)."""

import threading
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import SMSCase

from .common import CareCommon

NOW = "2026-06-15 10:00:00"  # a Monday, 10:00 UTC


class OutreachCommon(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "UTC"
        cls.birthday_template = cls.env.ref("customer_care.mail_template_care_birthday")
        # the audience of the tests: the partners they create (not the demo's)
        cls.env.cr.execute("SELECT max(id) FROM res_partner")
        cls.only_new = f"[('id', '>', {cls.env.cr.fetchone()[0]})]"
        cls.rule = cls.env["customer.care.outreach.rule"].create(
            {
                "name": "Birthday test",
                "trigger": "birthday",
                "channel": "email",
                "mail_template_id": cls.birthday_template.id,
                "domain": cls.only_new,
            }
        )

    @classmethod
    def _born(cls, name, birthdate, **vals):
        return cls._partner(
            name,
            birthdate_date=birthdate,
            email=f"{name.lower().replace(' ', '.')}@example.com",
            **vals,
        )

    def _run(self, rule=None):
        """Run a rule as its scheduled action would, batches committing."""
        with self.committing_batches():
            return (rule or self.rule)._run()

    def _logs(self, rule=None, state=None):
        domain = [("rule_id", "=", (rule or self.rule).id)]
        if state:
            domain.append(("state", "=", state))
        return self.env["customer.care.outreach.log"].search(domain)


@tagged("post_install", "-at_install")
class TestOutreachAudience(OutreachCommon, MockEmail):
    @freeze_time(NOW)
    def test_birthday_email_reaches_only_who_may_be_contacted(self):
        due = self._born("Anh Tran", date(1990, 6, 15))
        no_email = self._partner("No Mail", birthdate_date=date(1985, 6, 15))
        opted_out = self._born("Opted Out", date(1980, 6, 15))
        self.env["mail.blacklist"].create({"email": opted_out.email})
        dropped = self._born("Dropped", date(1970, 6, 15), care_state="dropped")
        archived = self._born("Archived", date(1971, 6, 15))
        archived.active = False
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self._born("Foreign", date(1972, 6, 15), company_id=other_company.id)
        not_today = self._born("Not Today", date(1990, 6, 16))

        with self.mock_mail_gateway():
            run = self._run()
        mail = self._new_mails.filtered(lambda m: due in m.recipient_ids)
        self.assertEqual(len(self._new_mails), 1)
        self.assertIn("Anh Tran", mail.subject)
        self.assertIn("care message", mail.subject)
        self.assertIn("Dear Anh Tran", mail.body_html)
        self.assertIn("Thank you", mail.body_html)

        logs = self._logs()
        self.assertEqual(
            {(log.partner_id, log.state, log.skip_reason or False) for log in logs},
            {
                (due, "done", False),
                (no_email, "skipped", "no_email"),
                (opted_out, "skipped", "blacklisted"),
            },
        )
        self.assertEqual(set(logs.mapped("period_key")), {"2026"})
        for never in (dropped, archived, foreign, not_today):
            self.assertNotIn(never, logs.partner_id)
        self.assertEqual(
            (
                run.state,
                run.selected,
                run.contacted,
                run.skipped_no_address,
                run.skipped_blacklisted,
            ),
            ("done", 3, 1, 1, 1),
        )
        self.assertEqual(self.rule.last_run_id, run)

    @freeze_time(NOW)
    def test_a_rerun_contacts_nobody_twice(self):
        self._born("Binh", date(1991, 6, 15))
        with self.mock_mail_gateway():
            self._run()
            second = self._run()
        self.assertEqual(len(self._new_mails), 1)
        # nobody new was due: the second execution leaves no run behind
        self.assertFalse(second)
        self.assertEqual(len(self.rule.run_ids), 1)
        self.assertEqual(len(self._logs()), 1)

    @freeze_time("2027-02-28 09:00:00")
    def test_leap_day_birthday_is_celebrated_on_28_february(self):
        leap = self._born("Leap", date(2000, 2, 29))
        with self.mock_mail_gateway():
            self._run()
        self.assertEqual(self._logs(state="done").partner_id, leap)

    @freeze_time(NOW)
    def test_lead_time(self):
        self.rule.lead_days = 3
        soon = self._born("Soon", date(1988, 6, 18))
        self._born("Today", date(1988, 6, 15))
        with self.mock_mail_gateway():
            self._run()
        self.assertEqual(self._logs().partner_id, soon)

    @freeze_time("2026-06-14 12:00:00")
    def test_the_partners_own_time_zone_decides_the_day(self):
        # 12:00 UTC on 14 June is already 15 June 02:00 in Kiritimati (UTC+14)
        ahead = self._born("Kiri", date(1995, 6, 15), tz="Pacific/Kiritimati")
        self._born("Hanoi", date(1995, 6, 15), tz="Asia/Ho_Chi_Minh")
        with self.mock_mail_gateway():
            self._run()
        self.assertEqual(self._logs().partner_id, ahead)

    @freeze_time(NOW)
    def test_sending_hours_defer_the_run(self):
        self._born("Late", date(1990, 6, 15))
        self.rule.write({"send_all_day": False, "send_hour_from": 12.0, "send_hour_to": 20.0})
        with self.mock_mail_gateway():
            run = self._run()
        self.assertEqual(run.state, "deferred")
        self.assertFalse(self._logs())
        self.assertFalse(self._new_mails)

    def test_cooldown_and_global_cap(self):
        partner = self._partner("Often", email="often@example.com")
        daily = self.env["customer.care.outreach.rule"].create(
            {
                "name": "Daily check-in",
                "trigger": "custom",
                "period": "day",
                "domain": f"[('id', '=', {partner.id})]",
                "channel": "email",
                "cooldown_days": 3,
                "mail_template_id": self.env.ref("customer_care.mail_template_care_checkin").id,
            }
        )
        with self.mock_mail_gateway():
            with freeze_time("2026-06-15 10:00:00"):
                first = self._run(daily)
            with freeze_time("2026-06-16 10:00:00"):
                second = self._run(daily)
            with freeze_time("2026-06-19 10:00:00"):
                third = self._run(daily)
        self.assertEqual((first.contacted, second.skipped_cooldown, third.contacted), (1, 1, 1))

        self.env.company.write({"care_contact_cap": 2, "care_contact_cap_days": 30})
        other = daily.copy({"name": "Another rule", "cooldown_days": 0})
        with self.mock_mail_gateway(), freeze_time("2026-06-20 10:00:00"):
            capped = self._run(other)
        self.assertEqual((capped.contacted, capped.skipped_cap), (0, 1))

    def test_custom_rule_with_groups_and_a_domain(self):
        regular = self._partner("Loyal", email="loyal@example.com")
        self._order(regular, days_ago=30)
        self._order(regular, days_ago=20)
        self._order(regular, days_ago=10)
        occasional = self._partner("Rare", email="rare@example.com")
        self._order(occasional)
        rule = self.env.ref("customer_care.outreach_rule_custom")
        rule.write(
            {
                "active": True,
                "domain": f"['&', ('care_order_count', '>=', 3), {self.only_new[1:-1]}]",
            }
        )
        with self.mock_mail_gateway():
            self._run(rule)
        self.assertEqual(self._logs(rule).partner_id, regular)

    def test_post_purchase_contacts_once_per_order(self):
        buyer = self._partner("Buyer", email="buyer@example.com")
        self._order(buyer, days_ago=7)
        self._order(buyer, days_ago=7, product=self.repair)
        self._order(buyer, days_ago=6)
        rule = self.env.ref("customer_care.outreach_rule_post_purchase")
        rule.domain = f"[('id', '=', {buyer.id})]"
        with self.mock_mail_gateway():
            run = self._run(rule)
        self.assertEqual(run.contacted, 2)
        self.assertEqual(len(set(self._logs(rule).mapped("period_key"))), 2)

    @freeze_time(NOW)
    def test_a_failing_partner_is_logged_and_the_rest_are_reached(self):
        good = self._born("Good", date(1990, 6, 15))
        bad = self._born("Bad", date(1990, 6, 15))
        Template = type(self.birthday_template)
        original = Template.send_mail_batch

        def broken_for_bad(template, res_ids, *args, **kwargs):
            if bad.id in res_ids:
                raise ValueError("cannot render the template for Bad")
            return original(template, res_ids, *args, **kwargs)

        with self.mock_mail_gateway(), patch.object(Template, "send_mail_batch", broken_for_bad):
            run = self._run()
        self.assertEqual((run.contacted, run.failed), (1, 1))
        self.assertEqual(self._logs(state="done").partner_id, good)
        failed = self._logs(state="failed")
        self.assertEqual(failed.partner_id, bad)
        self.assertTrue(failed.error)

    @freeze_time(NOW)
    def test_a_run_killed_after_its_first_batch_resumes_without_duplicates(self):
        partners = [self._born(f"Batch {i}", date(1990, 6, 15)) for i in range(5)]
        Rule = type(self.env["customer.care.outreach.rule"])
        original = Rule._contact
        calls = {"n": 0}

        def dying(rule, rows):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("worker killed")
            return original(rule, rows)

        killed = False
        with (
            self.mock_mail_gateway(),
            patch("odoo.addons.customer_care.models.customer_care_outreach_run.BATCH_SIZE", 2),
            patch.object(Rule, "_contact", dying),
        ):
            try:
                self._run()
            except RuntimeError:
                killed = True
        self.assertTrue(killed)
        self.env.invalidate_all()
        self.assertEqual(len(self._logs(state="done")), 2)
        with (
            self.mock_mail_gateway(),
            patch("odoo.addons.customer_care.models.customer_care_outreach_run.BATCH_SIZE", 2),
        ):
            rerun = self._run()
        # the killed run is resumed after its last committed batch
        self.assertEqual(self.rule.run_ids, rerun)
        self.assertEqual((rerun.state, rerun.contacted, rerun.already_done), ("done", 5, 0))
        self.assertEqual(
            self._logs(state="done").partner_id, self.env["res.partner"].union(*partners)
        )


@tagged("post_install", "-at_install")
class TestOutreachRuleConfiguration(OutreachCommon):
    def test_each_rule_owns_its_scheduled_action(self):
        cron = self.rule.cron_id
        self.assertTrue(cron.active)
        self.assertIn(f"browse({self.rule.id})", cron.code)
        self.rule.write({"interval_number": 6, "interval_type": "hours"})
        self.assertEqual((cron.interval_number, cron.interval_type), (6, "hours"))
        self.rule.active = False
        self.assertFalse(cron.active)
        self.rule.unlink()
        self.assertFalse(cron.exists())

    def test_bad_configuration_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self.rule.domain = "[('no_such_field', '=', 1)]"
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self.rule.domain = "[('name', '=',"
        with self.assertRaises(ValidationError):
            self.rule.write({"channel": "sms", "sms_template_id": False})
        with self.assertRaises(ValidationError):
            self.rule.send_hour_to = 25
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.rule.cooldown_days = -1
            self.env.flush_all()

    def test_a_template_in_use_cannot_be_deleted(self):
        template = self.birthday_template.copy()
        self.rule.mail_template_id = template
        with self.assertRaisesRegex(UserError, "Birthday test"):
            template.unlink()
        self.assertTrue(template.exists())

    def test_only_managers_run_and_edit_rules(self):
        with self.assertRaises(AccessError):
            self.rule.with_user(self.care_user).action_run()
        with self.assertRaises(AccessError):
            self.rule.with_user(self.care_user).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.rule.with_user(self.plain_user).read(["name"])
        with self.committing_batches():
            result = self.rule.with_user(self.care_manager).action_run()
        self.assertEqual(result["tag"], "display_notification")

    def test_run_now_goes_through_the_scheduled_action_code(self):
        with (
            patch.object(
                type(self.env["customer.care.outreach.rule"]), "_run", autospec=True
            ) as run,
            self.enter_registry_test_mode(),
        ):
            self.rule.cron_id.sudo().method_direct_trigger()
        self.assertEqual(run.call_args.args[0], self.rule)


@tagged("post_install", "-at_install")
class TestOutreachSMS(SMSCase, OutreachCommon):
    @freeze_time(NOW)
    def test_birthday_sms_is_queued_and_sent_through_the_gateway(self):
        rule = self.env.ref("customer_care.outreach_rule_birthday")
        rule.write({"active": True, "send_all_day": True, "domain": self.only_new})
        partner = self._partner("Chi", birthdate_date=date(1992, 6, 15), phone="+84 912 345 678")
        self._partner("No Phone", birthdate_date=date(1992, 6, 15))
        blocked = self._partner(
            "Blocked", birthdate_date=date(1992, 6, 15), phone="+84 912 000 111"
        )
        self.env["phone.blacklist"].add(blocked.phone_sanitized)
        with self.mockSMSGateway():
            run = self._run(rule)
            self.env["sms.sms"].search([("partner_id", "=", partner.id)]).send()
        self.assertEqual(
            (run.contacted, run.skipped_no_address, run.skipped_blacklisted), (1, 1, 1)
        )
        self.assertSMSIapSent([partner.phone_sanitized], content="Happy birthday, Chi!")


@tagged("post_install", "-at_install")
class TestOutreachSignature(SMSCase, OutreachCommon, MockEmail):
    """A customer shared between companies hears from the company whose rule
    writes to them, not from the scheduler's own company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop_b = cls.env["res.company"].create(
            {"name": "Second Bike Shop", "email": "hello@second-shop.example.com"}
        )
        cls.shop_b.partner_id.tz = "UTC"

    @freeze_time(NOW)
    def test_email_and_sms_sign_with_the_rules_company(self):
        shared = self._born("Shared Customer", date(1990, 6, 15), phone="+84 912 345 679")
        self.assertFalse(shared.company_id)
        email_rule = self.rule.copy({"company_id": self.shop_b.id, "domain": self.only_new})
        sms_rule = self.env.ref("customer_care.outreach_rule_birthday").copy(
            {
                "company_id": self.shop_b.id,
                "active": True,
                "send_all_day": True,
                "domain": self.only_new,
            }
        )
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run(email_rule)
            self._run(sms_rule)
            sms = self.env["sms.sms"].search([("partner_id", "=", shared.id)])
            sms.send()
        mail = self._new_mails.filtered(lambda m: shared in m.recipient_ids)
        self.assertEqual(len(mail), 1)
        self.assertIn("Second Bike Shop", mail.subject)
        self.assertIn("Second Bike Shop", mail.body_html)
        self.assertNotIn(self.env.company.name, mail.body_html)
        self.assertIn("hello@second-shop.example.com", mail.email_from)
        self.assertIn("Second Bike Shop", sms.body)
        self.assertNotIn(self.env.company.name, sms.body)


@tagged("post_install", "-at_install")
class TestOutreachConcurrency(CareCommon):
    def test_two_concurrent_runs_make_no_duplicate(self):
        """Two workers run the same rule at once, each on its own connection
        and transaction (data committed for the test, then removed)."""
        registry = self.registry
        template = self.env.ref("customer_care.mail_template_care_checkin")
        with registry.cursor() as cr:
            env = self.env(cr=cr)
            partners = env["res.partner"].create(
                [{"name": f"Concurrent {i}", "email": f"c{i}@example.com"} for i in range(30)]
            )
            rule = env["customer.care.outreach.rule"].create(
                {
                    "name": "Concurrent rule",
                    "trigger": "custom",
                    "period": "day",
                    "domain": f"[('id', 'in', {partners.ids})]",
                    "channel": "email",
                    "mail_template_id": template.id,
                }
            )
            rule_id, partner_ids = rule.id, partners.ids
        barrier = threading.Barrier(2)
        errors = []

        def worker():
            try:
                with registry.cursor() as cr:
                    env = self.env(cr=cr)
                    barrier.wait(timeout=30)
                    env["customer.care.outreach.rule"].browse(rule_id)._run()
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            self.assertFalse(errors)
            with registry.cursor() as cr:
                cr.execute(
                    """SELECT count(*), count(DISTINCT partner_id) FROM customer_care_outreach_log
                        WHERE rule_id = %s AND state = 'done'""",
                    [rule_id],
                )
                self.assertEqual(cr.fetchone(), (30, 30))
                cr.execute(
                    """SELECT count(*) FROM mail_mail_res_partner_rel
                        WHERE res_partner_id = ANY(%s)""",
                    [partner_ids],
                )
                self.assertEqual(cr.fetchone()[0], 30)
        finally:
            with registry.cursor() as cr:
                env = self.env(cr=cr)
                env["mail.mail"].search([("recipient_ids", "in", partner_ids)]).unlink()
                # a rule with history cannot be deleted: remove the test's own first
                for model in ("customer.care.outreach.log", "customer.care.outreach.run"):
                    env[model].search([("rule_id", "=", rule_id)]).unlink()
                env["customer.care.outreach.rule"].browse(rule_id).unlink()
                env["res.partner"].browse(partner_ids).unlink()


@tagged("post_install", "-at_install")
class TestOutreachPlans(OutreachCommon):
    def test_plans_are_created_and_assigned_by_the_policy(self):
        since = date(2015, 1, 10)
        followed = self._partner(
            "Followed", care_customer_since=since, care_user_id=self.care_user.id
        )
        sold = self._partner("Sold", care_customer_since=since, user_id=self.care_manager.id)
        orphans = [self._partner(f"Orphan {i}", care_customer_since=since) for i in range(3)]
        teammate = self.care_manager.copy({"login": "care_teammate", "name": "Teammate"})
        rule = self.env.ref("customer_care.outreach_rule_tenure")
        ids = [followed.id, sold.id, *(p.id for p in orphans)]
        rule.write(
            {
                "active": True,
                "domain": f"[('id', 'in', {ids})]",
                "team_user_ids": [(6, 0, [self.care_user.id, teammate.id])],
            }
        )
        run = self._run(rule)
        self.assertEqual(run.contacted, 5)
        logs = self._logs(rule)
        plans = logs.plan_id
        self.assertEqual(len(plans), 5)
        by_partner = {plan.partner_id: plan for plan in plans}
        self.assertEqual(by_partner[followed].user_id, self.care_user)
        self.assertEqual(by_partner[sold].user_id, self.care_manager)
        self.assertEqual(
            [by_partner[p].user_id for p in orphans], [self.care_user, teammate, self.care_user]
        )
        self.assertEqual(set(plans.mapped("trigger")), {"tenure"})
        self.assertEqual(set(plans.mapped("state")), {"planned"})
        self.assertEqual(rule.round_robin_position, 3)
        # every plan has its four steps from its creation
        plan = by_partner[followed]
        self.assertEqual(plan.step_ids.mapped("step"), ["recall", "needs", "answer", "offer"])
        self.assertEqual(plan.current_step, "recall")
        # once per period: a rerun the same year plans nothing more
        again = self._run(rule)
        self.assertFalse(again)
        self.assertEqual(len(self._logs(rule)), 5)
        self.assertEqual(len(rule.run_ids), 1)

    @freeze_time("2028-02-29 10:00:00")
    def test_tenure_on_29_february_counts_from_28_february(self):
        five_years = self._partner("Five years", care_customer_since=date(2023, 2, 28))
        short = self._partner("Not yet", care_customer_since=date(2023, 3, 1))
        rule = self.env.ref("customer_care.outreach_rule_tenure")
        rule.write(
            {
                "active": True,
                "tenure_years": 5,
                "domain": f"[('id', 'in', {[five_years.id, short.id]})]",
            }
        )
        run = self._run(rule)
        self.assertEqual(run.state, "done")
        self.assertEqual(self._logs(rule).partner_id, five_years)

    @freeze_time(NOW)  # the same day for the shop (UTC here) and its staff
    def test_vip_cadence_plans_who_is_due(self):
        due = self._partner("Due")
        self._order(due)
        today = fields.Date.context_today(due)
        self.assertEqual(due.care_next_date, today)  # never contacted: due today
        rule = self.env.ref("customer_care.outreach_rule_vip_cadence")
        rule.write({"active": True, "domain": f"[('id', '=', {due.id})]"})
        self._run(rule)
        plan = self._logs(rule).plan_id
        self.assertEqual((plan.partner_id, plan.trigger), (due, "loyalty"))
        self.assertEqual(self._logs(rule).period_key, today.isoformat())


@tagged("post_install", "-at_install")
class TestAudienceFilterRights(OutreachCommon):
    """The scheduled run is the superuser's, the audience filter a manager's
    input: it is searched with the rights of who set it, in the rule's company."""

    def _rule_of(self, user, extra):
        domain = f"['&', {self.only_new[1:-1]}, {extra}]"
        return (
            self.env["customer.care.outreach.rule"]
            .with_user(user)
            .create(
                {
                    "name": "Manager's birthday rule",
                    "trigger": "birthday",
                    "channel": "email",
                    "mail_template_id": self.birthday_template.id,
                    "domain": domain,
                }
            )
            .sudo()
        )

    @freeze_time(NOW)
    def test_filter_cannot_reach_a_field_its_author_may_not_read(self):
        # the credit limit is for accountants: a care manager cannot read it,
        # nor learn it by who gets the birthday email
        limited = self._born("Credit Limited", date(1990, 6, 15))
        limited.with_company(self.env.company).credit_limit = 5000.0
        rule = self._rule_of(self.care_manager, "('credit_limit', '>', 1000)")
        self.assertEqual(rule.domain_user_id, self.care_manager)
        self._run(rule)
        self.assertFalse(self._logs(rule))
        # the same filter set by someone who may read it selects the customer
        rule.with_user(self.env.ref("base.user_admin")).write({"domain": rule.domain})
        self.assertEqual(rule.domain_user_id, self.env.ref("base.user_admin"))
        rule.last_run_id.unlink()
        self._run(rule)
        self.assertEqual(self._logs(rule).partner_id, limited)

    @freeze_time(NOW)
    def test_filter_within_the_authors_rights_still_selects(self):
        visible = self._born("Visible Birthday", date(1990, 6, 15))
        self._born("Other Birthday", date(1990, 6, 15))
        rule = self._rule_of(self.care_manager, "('name', 'ilike', 'Visible')")
        self._run(rule)
        self.assertEqual(self._logs(rule).partner_id, visible)

    def test_nobody_names_another_user_for_the_filter(self):
        admin = self.env.ref("base.user_admin")
        rule = self._rule_of(self.care_manager, "('name', 'ilike', 'x')")
        rule.with_user(self.care_manager).write(
            {"domain": "[('name', 'ilike', 'y')]", "domain_user_id": admin.id}
        )
        self.assertEqual(rule.domain_user_id, self.care_manager)
        rule.with_user(self.care_manager).write({"domain_user_id": admin.id})
        self.assertEqual(rule.domain_user_id, self.care_manager)
