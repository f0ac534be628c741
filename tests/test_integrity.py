"""The integrity check of a busy day (bench/load/integrity.py), in small.

Two parts:

* each check finds what it looks for: a damaged row made on purpose in the
  test transaction shows in the check, so a clean result means something;
* a small concurrent run on two real database connections, committing as
  Odoo's server does: a care user works incidents and plans (every action
  through ``odoo.service.model.retrying``, the retry loop of an RPC call),
  while the scheduler's jobs run the SLA check, an outreach rule and the
  facts refresh over the same customers and incidents.  Afterwards no user
  saw an error and every check is clean.  What the run created is deleted
  at the end, so the tests that follow find the database as it was.
"""

import threading
from datetime import date, timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged

from bench.load import integrity

from .test_incident import IncidentCommon

PREFIX = "Integrity run"


@tagged("post_install", "-at_install")
class TestChecksFindDamage(IncidentCommon):
    """Every check reports a damaged row (so a clean check is not empty by
    construction)."""

    def _failed(self, since="1970-01-01"):
        self.env.flush_all()
        results = integrity.run_checks(self.env.cr, since)
        return {name for name, (count, _sample) in results.items() if count}

    def _answered_before_received(self):
        """An incident damaged in SQL: answered a day before it arrived."""
        incident = self._incident()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE customer_care_incident SET date_first_response = date_received - "
            "interval '1 day', state = 'acknowledged' WHERE id = %s",
            [incident.id],
        )
        return incident

    def test_clean_database_is_clean(self):
        self.assertEqual(self._failed(), set())

    def test_clock_backwards(self):
        self._answered_before_received()
        self.assertIn("incident_clock_backwards", self._failed())

    def test_resolved_without_resolution_time(self):
        incident = self._incident()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE customer_care_incident SET state = 'resolved', "
            "date_first_response = date_received WHERE id = %s",
            [incident.id],
        )
        self.assertEqual(self._failed(), {"incident_state_without_clock"})

    def test_step_closed_out_of_order(self):
        plan = self.env["customer.care.plan"].create({"partner_id": self.customer.id})
        self.env.flush_all()
        last = plan.step_ids.sorted("sequence")[-1]
        self.env.cr.execute(
            "UPDATE customer_care_plan_step SET state = 'done', date_done = now() WHERE id = %s",
            [last.id],
        )
        self.assertEqual(self._failed(), {"plan_step_out_of_order"})

    def test_plan_without_its_steps(self):
        plan = self.env["customer.care.plan"].create({"partner_id": self.customer.id})
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM customer_care_plan_step WHERE id = %s", [plan.step_ids[:1].id]
        )
        self.assertEqual(self._failed(), {"plan_missing_steps"})

    def test_escalated_twice(self):
        incident = self._incident()
        escalation = {
            "res_model_id": self.env["ir.model"]._get_id(incident._name),
            "res_id": incident.id,
            "activity_type_id": self.escalation_type.id,
            "summary": "SLA breached",
            "user_id": self.care_manager.id,
        }
        self.env["mail.activity"].create([escalation, escalation])
        # the level was never raised: beyond level and twice
        self.assertEqual(self._failed(), {"escalation_twice", "escalation_beyond_level"})
        self.env.cr.execute(
            "UPDATE customer_care_incident SET escalation_level = 1 WHERE id = %s",
            [incident.id],
        )
        self.assertEqual(self._failed(), {"escalation_twice"})

    def test_orphan_chatter(self):
        incident = self._incident()
        incident.message_post(body="A note that will dangle")
        self.env.flush_all()
        self.env.cr.execute("SET CONSTRAINTS ALL DEFERRED")
        self.env.cr.execute(
            "ALTER TABLE customer_care_incident DISABLE TRIGGER ALL;"
            "DELETE FROM customer_care_incident WHERE id = %s;"
            "ALTER TABLE customer_care_incident ENABLE TRIGGER ALL",
            [incident.id],
        )
        self.assertIn("orphan_chatter", self._failed())

    def test_since_limits_activity_checks(self):
        self._answered_before_received()
        later = fields.Datetime.now() + timedelta(days=1)
        self.assertNotIn("incident_clock_backwards", self._failed(since=later))


@tagged("post_install", "-at_install")
class TestConcurrentDay(BaseCase):
    """A care user and the scheduler on two connections at once."""

    INCIDENTS = 40
    PLANS = 12
    CUSTOMERS = 30

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            cr.execute("SELECT now() AT TIME ZONE 'UTC'")
            cls.since = cr.fetchone()[0]
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            cls.ids = cls._create_day(env)
        cls.addClassCleanup(cls._delete_day)

    @classmethod
    def _create_day(cls, env):
        today = fields.Date.context_today(env["res.partner"])
        user = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": f"{PREFIX} care user",
                    "login": f"integrity_care_{id(cls)}",
                    "email": "integrity.care@example.com",
                    "group_ids": [
                        (4, env.ref("base.group_user").id),
                        (4, env.ref("customer_care.group_care_user").id),
                    ],
                }
            )
        )
        partners = env["res.partner"].create(
            [
                {
                    "name": f"{PREFIX} customer {index}",
                    "email": f"integrity{index}@example.com",
                    # half of them have their birthday today (1992: a leap year)
                    "birthdate_date": date(1992, today.month, today.day)
                    if index % 2
                    else date(1992, 1, 1) + timedelta(days=today.timetuple().tm_yday + 40),
                }
                for index in range(cls.CUSTOMERS)
            ]
        )
        received = fields.Datetime.now() - timedelta(hours=30)
        incidents = env["customer.care.incident"].create(
            [
                {
                    "name": f"{PREFIX} incident {index}",
                    "partner_id": partners[index % cls.CUSTOMERS].id,
                    "kind": "complaint",
                    "date_received": received,
                }
                for index in range(cls.INCIDENTS)
            ]
        )
        plans = env["customer.care.plan"].create(
            [{"partner_id": partners[index].id, "user_id": user.id} for index in range(cls.PLANS)]
        )
        cause = env["customer.care.root.cause"].create({"name": f"{PREFIX} cause"})
        rule = env["customer.care.outreach.rule"].create(
            {
                "name": f"{PREFIX} birthdays",
                "trigger": "birthday",
                "channel": "email",
                "send_all_day": True,
                "mail_template_id": env.ref("customer_care.mail_template_care_birthday").id,
                "domain": f"[('id', 'in', {partners.ids})]",
            }
        )
        birthday_today = partners.filtered(
            lambda p: (p.birthdate_date.month, p.birthdate_date.day) == (today.month, today.day)
        )
        return {
            "user": user.id,
            "partners": partners.ids,
            "birthday": birthday_today.ids,
            "incidents": incidents.ids,
            "plans": plans.ids,
            "cause": cause.id,
            "rule": rule.id,
        }

    @classmethod
    def _delete_day(cls):
        ids = cls.ids
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            # the run's history is kept against deletion: drop it explicitly
            cr.execute("DELETE FROM customer_care_outreach_log WHERE rule_id = %s", [ids["rule"]])
            cr.execute("DELETE FROM customer_care_outreach_run WHERE rule_id = %s", [ids["rule"]])
            env["customer.care.outreach.rule"].browse(ids["rule"]).cron_id.unlink()
            cr.execute("DELETE FROM customer_care_outreach_rule WHERE id = %s", [ids["rule"]])
            plans = env["customer.care.plan"].search([("partner_id", "in", ids["partners"])])
            incidents = env["customer.care.incident"].search(
                [("partner_id", "in", ids["partners"])]
            )
            incidents.followup_plan_id.unlink()
            plans.unlink()
            incidents.unlink()
            env["customer.care.root.cause"].browse(ids["cause"]).unlink()
            env["customer.care.feedback"].search([("partner_id", "in", ids["partners"])]).unlink()
            env["res.partner"].browse(ids["partners"]).unlink()
            user = env["res.users"].browse(ids["user"])
            user_partner = user.partner_id
            user.unlink()
            user_partner.unlink()

    # -- the two sides ------------------------------------------------------
    def _care_user_work(self, errors, counts):
        """What a care user does, one RPC call at a time."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.ids["user"], {})

            def call(method, *args):
                try:
                    retrying(lambda: method(env, *args), env)
                    counts["user_calls"] += 1
                except Exception as error:
                    errors.append(f"{method.__name__}: {error!r}")
                    cr.rollback()

            for incident_id in self.ids["incidents"]:
                call(self._acknowledge, incident_id)
                call(self._resolve, incident_id)
            for plan_id in self.ids["plans"]:
                call(self._start_plan, plan_id)
                for sequence in range(4):
                    call(self._close_step, plan_id, sequence)
            for partner_id in self.ids["partners"]:
                call(self._note_customer, partner_id)

    def _acknowledge(self, env, incident_id):
        incident = env["customer.care.incident"].browse(incident_id)
        if incident.state == "new":
            incident.action_acknowledge()

    def _resolve(self, env, incident_id):
        incident = env["customer.care.incident"].browse(incident_id)
        incident.write({"resolution_type": "explanation", "root_cause_id": self.ids["cause"]})
        incident.action_resolve()

    def _start_plan(self, env, plan_id):
        env["customer.care.plan"].browse(plan_id).action_start()

    def _close_step(self, env, plan_id, index):
        plan = env["customer.care.plan"].browse(plan_id)
        step = plan.step_ids.sorted("sequence")[index]
        if step.state == "todo":
            step.write({"note": "Talked it through."})
            step.action_done()

    def _note_customer(self, env, partner_id):
        partner = env["res.partner"].browse(partner_id)
        partner.write({"care_family_note": "Prefers calls in the evening."})

    def _scheduler_work(self, errors, counts, stop):
        """The addon's jobs, batch by batch, committing like the cron."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Incident = env["customer.care.incident"]
            rule = env["customer.care.outreach.rule"].browse(self.ids["rule"])
            passes = 0
            while passes < 3 or not stop.is_set():
                passes += 1
                try:
                    Incident._sla_check_due(batch_size=7, commit=True)
                    rule._cron_run()
                    cr.commit()
                    env["customer.care.facts"]._refresh_partners(self.ids["partners"])
                    cr.commit()
                    counts["scheduler_passes"] += 1
                except Exception as error:
                    errors.append(f"scheduler: {error!r}")
                    cr.rollback()
                env.invalidate_all()

    def test_concurrent_day_is_clean(self):
        user_errors, job_errors = [], []
        counts = {"user_calls": 0, "scheduler_passes": 0}
        stop = threading.Event()
        scheduler = threading.Thread(
            target=self._scheduler_work, args=(job_errors, counts, stop), daemon=True
        )
        scheduler.start()
        try:
            self._care_user_work(user_errors, counts)
        finally:
            stop.set()
            scheduler.join(timeout=300)
        self.assertFalse(scheduler.is_alive(), "the scheduler side never finished")
        self.assertEqual(user_errors, [], "errors a care user would have seen")
        self.assertEqual(job_errors, [], "errors of the scheduled jobs")
        expected_calls = 2 * self.INCIDENTS + 5 * self.PLANS + self.CUSTOMERS
        self.assertEqual(counts["user_calls"], expected_calls)
        self.assertGreaterEqual(counts["scheduler_passes"], 3)

        with self.registry.cursor() as cr:
            results = integrity.run_checks(cr, self.since)
            env = api.Environment(cr, SUPERUSER_ID, {})
            failed = {name: found for name, found in results.items() if found[0]}
            self.assertEqual(failed, {}, "integrity checks failed")
            incidents = env["customer.care.incident"].browse(self.ids["incidents"])
            self.assertEqual(set(incidents.mapped("state")), {"resolved"})
            # the incidents were received 30 hours ago: the SLA check met them
            # breached, and escalated each to the levels it reached, once
            self.assertTrue(all(i.escalation_level >= 1 for i in incidents))
            plans = env["customer.care.plan"].browse(self.ids["plans"])
            self.assertEqual(set(plans.step_ids.mapped("state")), {"done"})
            logs = env["customer.care.outreach.log"].search([("rule_id", "=", self.ids["rule"])])
            self.assertEqual(sorted(logs.partner_id.ids), sorted(self.ids["birthday"]))
