"""The scheduled jobs lose nothing and contact no one twice, whatever
happens: a worker killed after its first committed batch and run again ends
exactly as an uninterrupted run on equal data; two workers at once make no
duplicate; a failure on one customer is logged and the rest go on
(brief §5, §8)."""

import threading
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo import fields
from odoo.tests import tagged

from .common import CareCommon

NOW = "2026-06-15 10:00:00"
# far enough in the past that only this test's incidents are due
LONG_AGO = datetime(2000, 1, 3, 8, 0)
RUN_MODULE = "odoo.addons.customer_care.models.customer_care_outreach_run"


class Killed(RuntimeError):
    """The worker dies."""


def dying_on_second_call(original):
    """A replacement for ``original`` that raises on its second call."""
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Killed("worker killed")
        return original(*args, **kwargs)

    return wrapper


class JobsCommon(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "UTC"
        cls.Incident = cls.env["customer.care.incident"]
        cls.policy = cls.env["customer.care.sla.policy"].create(
            {
                "name": "Jobs policy",
                "sequence": 0,
                "escalation_user_id": cls.care_manager.id,
                "senior_user_id": cls.care_manager.id,
            }
        )
        cls.escalation = cls.env.ref("customer_care.mail_activity_type_care_escalation")

    def _clean_then_interrupted(self, prepare, run, snapshot, patch_target, attribute):
        """Snapshot of a clean run and of a run killed on its second batch
        then run again, both on the same data (the clean one rolled back)."""
        savepoint = self.env.cr.savepoint()
        try:
            prepare()
            with self.committing_batches():
                run()
            clean = snapshot()
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all(flush=False)
        prepare()
        original = getattr(patch_target, attribute)
        # not assertRaises: Odoo's rolls back to before the block, and what
        # the killed worker committed must stay
        killed = False
        with patch.object(patch_target, attribute, dying_on_second_call(original)):
            try:
                with self.committing_batches():
                    run()
            except Killed:
                killed = True
        self.assertTrue(killed)
        self.env.invalidate_all()
        half = snapshot()
        with self.committing_batches():
            run()
        self.env.invalidate_all()
        return clean, half, snapshot()


@tagged("post_install", "-at_install")
class TestInterruptedJobs(JobsCommon):
    def test_facts_refresh(self):
        buyers = [self._partner(f"Jobs buyer {i}") for i in range(5)]
        for index, buyer in enumerate(buyers):
            for days in range(index + 1):
                self._order(buyer, days_ago=10 + 30 * days, amount=100.0 * (index + 1))
        ids = [b.id for b in buyers]
        Partner = self.env["res.partner"]

        def prepare():
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE res_partner SET care_order_count = NULL, care_revenue = NULL, "
                "care_group_id = NULL, care_lifetime_value = NULL WHERE id = ANY(%s)",
                [ids],
            )
            self.env.cr.execute(
                "DELETE FROM customer_care_partner_product_category_rel WHERE partner_id = ANY(%s)",
                [ids],
            )
            self.env.invalidate_all()

        def snapshot():
            return [
                (
                    p.care_order_count,
                    p.care_revenue,
                    p.care_group_id.id,
                    p.care_state,
                    p.care_lifetime_value,
                    tuple(p.care_product_category_ids.ids),
                )
                for p in Partner.browse(ids)
            ]

        clean, half, rerun = self._clean_then_interrupted(
            prepare,
            lambda: self.facts._cron_refresh_facts(batch_size=2),
            snapshot,
            type(self.facts),
            "_refresh_batch",
        )
        self.assertEqual([row[0] for row in clean], [1, 2, 3, 4, 5])
        self.assertNotEqual(half, clean)
        self.assertEqual(rerun, clean)

    @freeze_time(LONG_AGO + timedelta(days=2))
    def test_sla_check(self):
        with freeze_time(LONG_AGO):
            incidents = self.Incident.create(
                [
                    {"name": f"Old case {i}", "partner_id": self._partner(f"Old {i}").id}
                    for i in range(5)
                ]
            )
        self.assertEqual(set(incidents.sla_policy_id.ids), {self.policy.id})

        def prepare():
            """Nothing: the clean run is rolled back to the incidents as created."""

        def snapshot():
            return [
                (
                    i.sla_state,
                    i.escalation_level,
                    len(i.activity_ids.filtered(lambda a: a.activity_type_id == self.escalation)),
                )
                for i in incidents
            ]

        clean, half, rerun = self._clean_then_interrupted(
            prepare,
            lambda: self.Incident._cron_check_sla(batch_size=2),
            snapshot,
            type(self.Incident),
            "_sla_refresh",
        )
        self.assertEqual(clean, [("breached", 2, 2)] * 5)
        self.assertEqual(half[:2], clean[:2])
        self.assertEqual(rerun, clean)

    @freeze_time(NOW)
    def test_outreach_sms_run(self):
        rule = self.env.ref("customer_care.outreach_rule_birthday")
        partners = [
            self._partner(f"Sms {i}", birthdate_date=date(1990, 6, 15), phone=f"+8491234560{i}")
            for i in range(5)
        ]
        ids = [p.id for p in partners]
        rule.write(
            {
                "active": True,
                "send_all_day": True,
                "domain": f"[('id', 'in', {ids})]",
            }
        )
        Rule = type(self.env["customer.care.outreach.rule"])

        def prepare():
            """Nothing: the clean run is rolled back to before the rule ran."""

        def snapshot():
            logs = self.env["customer.care.outreach.log"].search([("rule_id", "=", rule.id)])
            sms = self.env["sms.sms"].search([("partner_id", "in", ids)])
            return (
                sorted((log.partner_id.id, log.period_key, log.state) for log in logs),
                sorted(sms.partner_id.ids),
                len(sms),
            )

        with patch(f"{RUN_MODULE}.BATCH_SIZE", 2):
            clean, half, rerun = self._clean_then_interrupted(
                prepare,
                lambda: rule._run(),
                snapshot,
                Rule,
                "_contact",
            )
        self.assertEqual(clean[1], sorted(ids))
        self.assertEqual(clean[2], 5)
        self.assertEqual(half[2], 2)
        self.assertEqual(rerun, clean)

    def test_check_back_is_all_or_nothing(self):
        """The check-back job has no batches: a worker dying half-way leaves
        nothing, and the next run does exactly what a clean run does."""
        incidents = self._silent_followed_up(3)
        Activity = type(self.env["mail.activity"])
        clean, half, rerun = self._clean_then_interrupted(
            lambda: None,
            lambda: self.Incident._cron_check_back(),
            lambda: [(bool(i.date_checked_back), len(i.activity_ids)) for i in incidents.exists()],
            Activity,
            "create",
        )
        self.assertEqual(clean, [(True, 1)] * 3)
        self.assertEqual(half, [(False, 0)] * 3)
        self.assertEqual(rerun, clean)

    def _silent_followed_up(self, count):
        # a cause of the company: its recurrence alert goes on the cause, not
        # on an incident whose activities the check-back counts
        cause = self.env["customer.care.root.cause"].create(
            {"name": "Jobs cause", "company_id": self.env.company.id}
        )
        incidents = self.Incident.create(
            [
                {
                    "name": f"Silent {i}",
                    "partner_id": self._partner(f"Silent {i}").id,
                    # two callers: the check-back writes their activities apart
                    "user_id": (self.care_user, self.care_manager)[i % 2].id,
                    "resolution_type": "instant",
                    "root_cause_id": cause.id,
                }
                for i in range(count)
            ]
        )
        plans = self.env["customer.care.plan"].create(
            [{"partner_id": i.partner_id.id, "state": "done"} for i in incidents]
        )
        for incident, plan in zip(incidents, plans, strict=True):
            incident.write({"state": "followed_up", "followup_plan_id": plan.id})
        plans.write({"date_done": fields.Datetime.now() - timedelta(days=5)})
        return incidents

    @freeze_time(NOW)
    def test_a_failing_sms_partner_is_logged_and_the_rest_are_texted(self):
        rule = self.env.ref("customer_care.outreach_rule_birthday")
        self.env.cr.execute("SELECT max(id) FROM res_partner")
        rule.write(
            {
                "active": True,
                "send_all_day": True,
                # the partners of this test, not the demo's
                "domain": f"[('id', '>', {self.env.cr.fetchone()[0]})]",
            }
        )
        good = self._partner("Good Sms", birthdate_date=date(1990, 6, 15), phone="+84912345601")
        bad = self._partner("Bad Sms", birthdate_date=date(1990, 6, 15), phone="+84912345602")
        invalid = self._partner("Bad Number", birthdate_date=date(1990, 6, 15), phone="12")
        Template = type(rule.sms_template_id)
        original = Template._render_field

        def broken_for_bad(template, field, res_ids, *args, **kwargs):
            if bad.id in res_ids:
                raise ValueError("cannot render the SMS for Bad Sms")
            return original(template, field, res_ids, *args, **kwargs)

        with patch.object(Template, "_render_field", broken_for_bad), self.committing_batches():
            run = rule._run()
        self.assertEqual((run.contacted, run.failed, run.skipped_no_address), (1, 1, 1))
        logs = self.env["customer.care.outreach.log"].search([("rule_id", "=", rule.id)])
        by_partner = {log.partner_id: log for log in logs}
        self.assertEqual(by_partner[good].state, "done")
        self.assertEqual(by_partner[bad].state, "failed")
        self.assertIn("cannot render", by_partner[bad].error)
        self.assertEqual(
            (by_partner[invalid].state, by_partner[invalid].skip_reason), ("skipped", "no_phone")
        )
        self.assertEqual(
            self.env["sms.sms"].search([("partner_id", "in", logs.partner_id.ids)]).partner_id, good
        )
        self.assertIn("1 failed", rule.last_run_summary)


@tagged("post_install", "-at_install")
class TestConcurrentJobs(CareCommon):
    """Two workers on their own connections at once; the data they work on
    is committed for the test and removed afterwards."""

    def _at_once(self, job, retry_serialization=False):
        """Run ``job(env)`` in two threads released together; returns errors.

        With ``retry_serialization`` a worker that loses a serialization
        conflict starts over, as Odoo's RPC layer and scheduler do."""
        registry = self.registry
        barrier = threading.Barrier(2)
        errors = []

        def worker():
            try:
                barrier.wait(timeout=30)
                for attempt in range(5):
                    try:
                        with registry.cursor() as cr:
                            job(self.env(cr=cr))
                        return
                    except SerializationFailure:
                        if not retry_serialization or attempt == 4:
                            raise
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        return errors

    def _committed(self, build):
        with self.registry.cursor() as cr:
            return build(self.env(cr=cr))

    def _query(self, query, params):
        with self.registry.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def test_two_sla_checks_escalate_each_incident_once(self):
        def build(env):
            env = env(context={"tracking_disable": True})
            policy = env["customer.care.sla.policy"].create(
                {
                    "name": "Concurrent policy",
                    "sequence": 0,
                    "escalation_user_id": env.ref("base.user_admin").id,
                    "senior_user_id": env.ref("base.user_admin").id,
                }
            )
            partner = env["res.partner"].create({"name": "Concurrent SLA"})
            with freeze_time(LONG_AGO):
                incidents = env["customer.care.incident"].create(
                    [
                        {"name": f"C{i}", "partner_id": partner.id, "sla_policy_id": policy.id}
                        for i in range(20)
                    ]
                )
            return policy.id, partner.id, incidents.ids

        policy_id, partner_id, ids = self._committed(build)
        try:
            errors = self._at_once(
                lambda env: env["customer.care.incident"]._sla_check_due(
                    now=LONG_AGO + timedelta(days=2), batch_size=3, commit=True
                )
            )
            self.assertFalse(errors)
            rows = self._query(
                """SELECT i.escalation_level, count(a.id) FROM customer_care_incident i
                     LEFT JOIN mail_activity a
                            ON a.res_model = 'customer.care.incident' AND a.res_id = i.id
                    WHERE i.id = ANY(%s) GROUP BY i.id, i.escalation_level""",
                [ids],
            )
            self.assertEqual(rows, [(2, 2)] * 20)
        finally:
            with self.registry.cursor() as cr:
                env = self.env(cr=cr)
                env["customer.care.incident"].browse(ids).unlink()
                env["customer.care.sla.policy"].browse(policy_id).unlink()
                env["res.partner"].browse(partner_id).unlink()

    def test_two_check_backs_call_each_customer_back_once(self):
        def build(env):
            env = env(context={"tracking_disable": True})
            partner = env["res.partner"].create({"name": "Concurrent check-back"})
            incidents = env["customer.care.incident"].create(
                [{"name": f"Silent {i}", "partner_id": partner.id} for i in range(10)]
            )
            plans = env["customer.care.plan"].create(
                [{"partner_id": partner.id} for _i in range(10)]
            )
            env.flush_all()
            env.cr.execute(
                "UPDATE customer_care_plan SET state = 'done', date_done = %s WHERE id = ANY(%s)",
                [fields.Datetime.now() - timedelta(days=5), plans.ids],
            )
            for incident_id, plan_id in zip(incidents.ids, plans.ids, strict=True):
                env.cr.execute(
                    "UPDATE customer_care_incident SET state = 'followed_up', "
                    "followup_plan_id = %s, satisfaction = 0 WHERE id = %s",
                    [plan_id, incident_id],
                )
            return partner.id, incidents.ids, plans.ids

        partner_id, ids, plan_ids = self._committed(build)
        try:
            errors = self._at_once(lambda env: env["customer.care.incident"]._cron_check_back())
            self.assertFalse(errors)
            rows = self._query(
                """SELECT count(a.id) FROM customer_care_incident i
                     LEFT JOIN mail_activity a
                            ON a.res_model = 'customer.care.incident' AND a.res_id = i.id
                    WHERE i.id = ANY(%s) AND i.date_checked_back IS NOT NULL
                 GROUP BY i.id""",
                [ids],
            )
            self.assertEqual(rows, [(1,)] * 10)
        finally:
            with self.registry.cursor() as cr:
                env = self.env(cr=cr)
                env["customer.care.incident"].browse(ids).unlink()
                env["customer.care.plan"].browse(plan_ids).unlink()
                env["res.partner"].browse(partner_id).unlink()

    def test_two_sms_runs_text_each_customer_once(self):
        template = self.env.ref("customer_care.sms_template_care_birthday")

        def build(env):
            partners = env["res.partner"].create(
                [{"name": f"Concurrent sms {i}", "phone": f"+849123450{i:02d}"} for i in range(20)]
            )
            rule = env["customer.care.outreach.rule"].create(
                {
                    "name": "Concurrent SMS rule",
                    "trigger": "custom",
                    "period": "day",
                    "domain": f"[('id', 'in', {partners.ids})]",
                    "channel": "sms",
                    "sms_template_id": template.id,
                }
            )
            return rule.id, partners.ids

        rule_id, partner_ids = self._committed(build)
        try:
            with patch(f"{RUN_MODULE}.BATCH_SIZE", 5):
                errors = self._at_once(
                    lambda env: env["customer.care.outreach.rule"].browse(rule_id)._run()
                )
            self.assertFalse(errors)
            rows = self._query(
                """SELECT count(*), count(DISTINCT partner_id) FROM sms_sms
                    WHERE partner_id = ANY(%s)""",
                [partner_ids],
            )
            self.assertEqual(rows, [(20, 20)])
        finally:
            with self.registry.cursor() as cr:
                env = self.env(cr=cr)
                env["sms.sms"].sudo().search([("partner_id", "in", partner_ids)]).unlink()
                # a rule with history cannot be deleted: remove the test's own first
                for model in ("customer.care.outreach.log", "customer.care.outreach.run"):
                    env[model].search([("rule_id", "=", rule_id)]).unlink()
                env["customer.care.outreach.rule"].browse(rule_id).unlink()
                env["res.partner"].browse(partner_ids).unlink()

    def test_facts_refreshed_by_two_workers_at_once_stay_exact(self):
        """An order confirmed while another worker refreshes the same
        customers: the loser of a serialization conflict retries, and the
        facts and product lines end exact, without duplicates."""

        def build(env):
            partners = env["res.partner"].create(
                [{"name": f"Concurrent buyer {i}"} for i in range(6)]
            )
            product = env["product.product"].create(
                {"name": "Concurrent bike", "categ_id": self.categ_bikes.id}
            )
            for partner in partners:
                order = env["sale.order"].create(
                    {
                        "partner_id": partner.id,
                        "order_line": [(0, 0, {"product_id": product.id, "price_unit": 50.0})],
                    }
                )
                order.action_confirm()
            env.flush_all()
            env.cr.execute(
                "UPDATE res_partner SET care_order_count = NULL WHERE id = ANY(%s)",
                [partners.ids],
            )
            return partners.ids, product.id

        # the category is the test transaction's: commit-visible copy needed
        self.categ_bikes = self._committed(
            lambda env: env["product.category"].create({"name": "Concurrent bikes"})
        )
        categ_id = self.categ_bikes.id
        ids, product_id = self._committed(build)
        try:
            errors = self._at_once(
                lambda env: env["customer.care.facts"]._refresh_partners(ids),
                retry_serialization=True,
            )
            self.assertFalse(errors)
            # the orders' company's own count (purchase facts are per company)
            rows = self._query(
                """SELECT p.care_order_count, count(r.category_id) FROM res_partner p
                     LEFT JOIN customer_care_partner_product_category_rel r
                            ON r.partner_id = p.id
                    WHERE p.id = ANY(%s) GROUP BY p.id, p.care_order_count""",
                [ids],
            )
            company = str(self.env.company.id)
            self.assertEqual(rows, [({company: 1}, 1)] * 6)
        finally:
            with self.registry.cursor() as cr:
                env = self.env(cr=cr)
                orders = env["sale.order"].search([("partner_id", "in", ids)])
                orders._action_cancel()
                orders.unlink()
                env["res.partner"].browse(ids).unlink()
                env["product.product"].browse(product_id).unlink()
                env["product.category"].browse(categ_id).unlink()
