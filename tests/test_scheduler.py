"""Every scheduled job of the addon under Odoo's own scheduler.

A cron worker runs a job through ``ir.cron._process_job``: it calls the job
again and again within a time slice (``MIN_TIME_PER_JOB``, at least
``MIN_RUNS_PER_JOB`` calls) while the job reports ``remaining`` work, then
reschedules it at once (*partially done*) or at its next interval (*fully
done*).  These tests drive each job through that path, with the real slice
and with a slice shortened so that one scheduled execution needs several
calls and several passes: the job ends fully done, resumes where it
stopped, and leaves exactly one outreach run per execution.
"""

from contextlib import ExitStack
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo import fields
from odoo.tests import tagged

from odoo.addons.base.models import ir_cron as ir_cron_module

from .common import CareCommon

NOW = "2026-06-15 10:00:00"  # a Monday, 10:00 UTC
LONG_AGO = datetime(2000, 1, 3, 8, 0)
MODELS = "odoo.addons.customer_care.models"


class SchedulerCase(CareCommon):
    """Runs jobs as a cron worker does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "UTC"
        cls.Run = cls.env["customer.care.outreach.run"]
        cls.env.cr.execute("SELECT max(id) FROM res_partner")
        cls.only_new = f"[('id', '>', {cls.env.cr.fetchone()[0]})]"

    def _ready(self, cron):
        """Whether a cron worker would pick ``cron`` now (its own cursor,
        whose clock is the test's)."""
        self.env.flush_all()
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            ready = self.registry["ir.cron"]._get_all_ready_jobs(cr)
        return cron.id in [job["id"] for job in ready]

    def scheduler_pass(self, cron, slice_seconds=None, min_runs=None):
        """One pass of a cron worker over ``cron`` (which must be ready):
        acquire the job, ``_process_job`` it on a cursor of its own, commit.
        Returns ``(status, calls)``: the completion status the scheduler
        decided and how many times it called the job."""
        self.assertTrue(self._ready(cron), f"{cron.name} is not ready to run")
        IrCron = self.registry["ir.cron"]
        Progress = self.env["ir.cron.progress"].sudo()
        progress_before = Progress.search_count([("cron_id", "=", cron.id)])
        original = IrCron._run_job
        statuses = []

        def run_job(cls, job):
            status = original(job)
            statuses.append(status)
            return status

        with ExitStack() as stack:
            if slice_seconds is not None:
                stack.enter_context(patch.object(ir_cron_module, "MIN_TIME_PER_JOB", slice_seconds))
            if min_runs is not None:
                stack.enter_context(patch.object(ir_cron_module, "MIN_RUNS_PER_JOB", min_runs))
            stack.enter_context(patch.object(IrCron, "_run_job", classmethod(run_job)))
            stack.enter_context(self.enter_registry_test_mode())
            cron_cr = stack.enter_context(self.registry.cursor())
            job = IrCron._acquire_one_job(cron_cr, cron.id)
            self.assertTrue(job, f"{cron.name} could not be acquired")
            IrCron._process_job(cron_cr, job)
            cron_cr.commit()
        self.env.invalidate_all()
        self.assertEqual(len(statuses), 1)
        calls = Progress.search_count([("cron_id", "=", cron.id)]) - progress_before
        return str(statuses[0]), calls

    def run_until_done(self, cron, max_passes=20, **slice_options):
        """Scheduler passes until the job is fully done; returns the
        statuses of every pass."""
        statuses = []
        for _index in range(max_passes):
            status, calls = self.scheduler_pass(cron, **slice_options)
            statuses.append((status, calls))
            if status != "partially done":
                break
            # partially done: the scheduler made it ready again at once
            self.assertTrue(self._ready(cron), "a partially done job must run again at once")
        self.assertEqual(statuses[-1][0], "fully done", statuses)
        return statuses

    def make_due(self, cron):
        """Its next call has come (on the scheduler's clock)."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ir_cron SET nextcall = %s WHERE id = %s",
            [datetime.now() - timedelta(minutes=1), cron.id],
        )
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestOutreachUnderTheScheduler(SchedulerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["res.partner"]
        for index in range(5):
            cls.partners |= cls._partner(
                f"Scheduled {index}",
                birthdate_date=date(1990, 6, 15),
                email=f"scheduled{index}@example.com",
            )
        cls.rule = cls.env["customer.care.outreach.rule"].create(
            {
                "name": "Birthday under the scheduler",
                "trigger": "birthday",
                "channel": "email",
                "mail_template_id": cls.env.ref("customer_care.mail_template_care_birthday").id,
                "domain": f"[('id', 'in', {cls.partners.ids})]",
            }
        )

    def _runs(self):
        return self.Run.search([("rule_id", "=", self.rule.id)])

    def _logs(self):
        return self.env["customer.care.outreach.log"].search([("rule_id", "=", self.rule.id)])

    @freeze_time(NOW, tick=True)
    def test_real_slice_one_call_one_run_then_quiet(self):
        self.make_due(self.rule.cron_id)
        with patch(f"{MODELS}.customer_care_outreach_run.BATCH_SIZE", 2):
            status, calls = self.scheduler_pass(self.rule.cron_id)
        self.assertEqual((status, calls), ("fully done", 1))
        run = self._runs()
        self.assertEqual(len(run), 1)
        self.assertEqual(run.state, "done")
        self.assertEqual((run.selected, run.contacted, run.already_done), (5, 5, 0))
        self.assertEqual((run.candidate_count, run.handled_count), (5, 5))
        self.assertEqual(sorted(self._logs().partner_id.ids), sorted(self.partners.ids))
        # fully done: rescheduled at its interval, so the next pass has nothing to run
        self.assertFalse(self._ready(self.rule.cron_id))
        self.assertGreater(self.rule.cron_id.nextcall, fields.Datetime.now())
        # the next scheduled execution on the same day finds nobody new: no run
        self.make_due(self.rule.cron_id)
        status, calls = self.scheduler_pass(self.rule.cron_id)
        self.assertEqual((status, calls), ("fully done", 1))
        self.assertEqual(len(self._runs()), 1)
        self.assertEqual(len(self._logs()), 5)

    @freeze_time(NOW, tick=True)
    def test_short_slice_resumes_the_same_run_after_its_cursor(self):
        """A slice that allows one batch per call and two calls per pass:
        the execution spans two passes and stays one run."""
        self.make_due(self.rule.cron_id)
        Rule = type(self.env["customer.care.outreach.rule"])
        with (
            patch(f"{MODELS}.customer_care_outreach_run.BATCH_SIZE", 2),
            patch.object(Rule, "_candidates", autospec=True, side_effect=Rule._candidates) as calls,
        ):
            first = self.scheduler_pass(self.rule.cron_id, slice_seconds=0, min_runs=2)
            self.assertEqual(first, ("partially done", 2))
            run = self._runs()
            self.assertEqual(len(run), 1)
            self.assertEqual((run.state, run.handled_count, run.contacted), ("running", 4, 4))
            self.assertEqual(run.cursor, sorted(self.partners.ids)[3])
            second = self.run_until_done(self.rule.cron_id, slice_seconds=0, min_runs=2)
        self.assertEqual(second, [("fully done", 1)])
        self.assertEqual(self._runs(), run)
        self.assertEqual(run.state, "done")
        self.assertEqual((run.selected, run.contacted, run.already_done), (5, 5, 0))
        # each call started after the previous call's last customer
        self.assertEqual([call.args[1] for call in calls.call_args_list], [0, *run_cursors(self)])
        self.assertEqual(len(self._logs()), 5)
        self.assertEqual(len(set(self._logs().partner_id.ids)), 5)

    @freeze_time(NOW, tick=True)
    def test_a_run_left_unfinished_on_an_earlier_day_is_closed_not_resumed(self):
        stale = self.Run.create(
            {
                "rule_id": self.rule.id,
                "run_date": date(2026, 6, 14),
                "state": "running",
                "cursor": max(self.partners.ids),
            }
        )
        self.make_due(self.rule.cron_id)
        self.run_until_done(self.rule.cron_id)
        self.assertEqual(stale.state, "stopped")
        self.assertTrue(stale.note)
        fresh = self._runs() - stale
        self.assertEqual(len(fresh), 1)
        self.assertEqual((fresh.run_date, fresh.contacted), (date(2026, 6, 15), 5))

    @freeze_time("2026-06-15 22:30:00", tick=True)
    def test_outside_the_sending_hours_it_comes_back_when_the_window_opens(self):
        self.env.company.partner_id.tz = "Asia/Ho_Chi_Minh"  # 05:30 there
        self.rule.write({"send_all_day": False, "send_hour_from": 8, "send_hour_to": 20})
        self.make_due(self.rule.cron_id)
        Trigger = self.env["ir.cron.trigger"].sudo()
        status, _calls = self.scheduler_pass(self.rule.cron_id)
        self.assertEqual(status, "fully done")
        run = self._runs()
        self.assertEqual(run.state, "deferred")
        self.assertFalse(self._logs())
        # 08:00 in Ho Chi Minh City is 01:00 UTC
        triggers = Trigger.search([("cron_id", "=", self.rule.cron_id.id)])
        self.assertIn(datetime(2026, 6, 16, 1, 0), triggers.mapped("call_at"))

    def test_run_now_queues_the_scheduled_action(self):
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", self.rule.cron_id.id)])
        result = self.rule.with_user(self.care_manager).action_run()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(Trigger.search_count([("cron_id", "=", self.rule.cron_id.id)]), before + 1)
        # nothing ran inside the request
        self.assertFalse(self._runs())


def run_cursors(case):
    """The cursors the resumed calls started from: after each batch of 2."""
    ids = sorted(case.partners.ids)
    return [ids[1], ids[3]]


@tagged("post_install", "-at_install")
class TestEveryJobUnderTheScheduler(SchedulerCase):
    def _cron(self, xmlid):
        cron = self.env.ref(f"customer_care.{xmlid}").sudo()
        self.make_due(cron)
        return cron

    def test_facts_refresh_spans_passes_and_finishes(self):
        buyers = [self._partner(f"Sched buyer {i}") for i in range(3)]
        for index, buyer in enumerate(buyers):
            self._order(buyer, days_ago=5, amount=100.0 * (index + 1))
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET care_order_count = NULL WHERE id = ANY(%s)",
            [[b.id for b in buyers]],
        )
        self.env.invalidate_all()
        cron = self._cron("ir_cron_care_refresh_facts")
        reports = self.env.ref("customer_care.ir_cron_care_refresh_reports")
        Trigger = self.env["ir.cron.trigger"].sudo()
        triggers = Trigger.search([("cron_id", "=", reports.id)])
        with patch(f"{MODELS}.customer_care_facts.REFRESH_BATCH", 40):
            statuses = self.run_until_done(cron, slice_seconds=0, min_runs=2)
        self.assertGreater(len(statuses), 1, "the short slice should need several passes")
        self.assertFalse(self.env["customer.care.facts.run"].search([]))
        self.assertEqual([b.care_order_count for b in buyers], [1, 1, 1])
        # the run's end, and only it, asks for the reports to be refreshed
        self.assertEqual(len(Trigger.search([("cron_id", "=", reports.id)]) - triggers), 1)
        self.assertFalse(self._ready(cron))
        # with the real slice the whole base is one call
        self.make_due(cron)
        self.assertEqual(self.scheduler_pass(cron), ("fully done", 1))

    def test_facts_refresh_retries_a_batch_a_user_got_in_the_way_of(self):
        """A customer written by a user since the job's snapshot makes the
        batch's UPDATE fail with a serialization error: the batch is taken
        again on a fresh snapshot, the job ends fully done, nothing lost."""
        buyers = [self._partner(f"Retried buyer {i}") for i in range(2)]
        for buyer in buyers:
            self._order(buyer, days_ago=3, amount=80.0)
        self.env.flush_all()
        cron = self._cron("ir_cron_care_refresh_facts")
        Facts = type(self.env["customer.care.facts"])
        original = Facts._refresh_batch
        failures = []

        def refresh_batch(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            if not failures:
                failures.append(1)
                raise SerializationFailure("could not serialize access due to concurrent update")
            return result

        with patch.object(Facts, "_refresh_batch", refresh_batch):
            self.assertEqual(self.scheduler_pass(cron), ("fully done", 1))
        self.assertEqual(failures, [1])
        self.assertEqual([b.care_order_count for b in buyers], [1, 1])
        params = self.env["ir.config_parameter"].sudo()
        self.assertFalse(self.env["customer.care.facts.run"].search([]))
        self.assertTrue(params.get_param("customer_care.top_revenue_thresholds"))

    @freeze_time(LONG_AGO + timedelta(days=2), tick=True)
    def test_sla_check_spans_passes_and_escalates_once(self):
        policy = self.env["customer.care.sla.policy"].create(
            {
                "name": "Scheduler policy",
                "sequence": 0,
                "escalation_user_id": self.care_manager.id,
                "senior_user_id": self.care_manager.id,
            }
        )
        with freeze_time(LONG_AGO):
            incidents = self.env["customer.care.incident"].create(
                [
                    {"name": f"Sched case {i}", "partner_id": self._partner(f"Sched {i}").id}
                    for i in range(5)
                ]
            )
        self.assertEqual(set(incidents.sla_policy_id.ids), {policy.id})
        cron = self._cron("ir_cron_care_sla_check")
        with patch(f"{MODELS}.customer_care_incident_sla.SLA_BATCH", 2):
            statuses = self.run_until_done(cron, slice_seconds=0, min_runs=1)
        self.assertGreater(len(statuses), 1)
        escalation = self.env.ref("customer_care.mail_activity_type_care_escalation")
        self.assertEqual(
            [(i.sla_state, i.escalation_level, len(_of_type(i, escalation))) for i in incidents],
            [("breached", 2, 2)] * 5,
        )
        self.make_due(cron)
        self.assertEqual(self.scheduler_pass(cron), ("fully done", 1))
        self.assertEqual(
            [len(_of_type(i, escalation)) for i in incidents], [2] * 5, "escalated twice"
        )

    def test_check_back_reports_and_reports_done(self):
        cron = self._cron("ir_cron_care_check_back")
        self.assertEqual(self.run_until_done(cron), [("fully done", 1)])
        self.assertFalse(self._ready(cron))

    def test_purchase_reports_refresh(self):
        buyer = self._partner("Sched report buyer")
        self._order(buyer, days_ago=2, amount=300.0)
        Value = self.env["customer.care.report.value"]
        self.assertFalse(Value.search([("partner_id", "=", buyer.id)]))
        cron = self._cron("ir_cron_care_refresh_reports")
        self.assertEqual(self.run_until_done(cron), [("fully done", 1)])
        self.env.invalidate_all()
        self.assertEqual(Value.search([("partner_id", "=", buyer.id)]).revenue, 300.0)

    def test_top_watch_spans_passes_and_finishes(self):
        # the job's last month: of its own day, where the shop is (the
        # scheduler runs it as the cron's user, in the shop's time zone)
        last_month = fields.Date.context_today(self.env["res.partner"]).replace(day=1) - timedelta(
            days=1
        )
        # ten buyers: the top 20 % are two snapshots at least, whatever the
        # demo data bought that month
        for index in range(10):
            buyer = self._partner(f"Top sched {index}")
            order = self._order(buyer, amount=1000.0 * (index + 1))
            order.date_order = datetime.combine(last_month, datetime.min.time().replace(hour=12))
        cron = self._cron("ir_cron_care_top_snapshot")
        Snapshot = self.env["customer.care.top.snapshot"]
        period = [("period", "=", last_month.replace(day=1))]
        before = Snapshot.search_count(period)
        with patch(f"{MODELS}.customer_care_top_snapshot.SNAPSHOT_BATCH", 1):
            statuses = self.run_until_done(cron, slice_seconds=0, min_runs=1)
        made = Snapshot.search_count(period)
        self.assertGreater(made - before, 1)
        # one snapshot per call, the last call finishing the month
        self.assertEqual(len(statuses), made - before)
        self.make_due(cron)
        self.assertEqual(self.scheduler_pass(cron), ("fully done", 1))
        self.assertEqual(Snapshot.search_count(period), made)


def _of_type(incident, activity_type):
    return incident.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)


@tagged("post_install", "-at_install")
class TestDemoDatabaseGoesQuiet(SchedulerCase):
    def test_passes_over_the_demo_jobs_leave_one_run_per_execution(self):
        """Every job of the addon, demo rules included, left to the scheduler
        for several passes with the real slice: each pass finishes each job,
        runs are bounded by executions, and the last passes find nothing."""
        Rule = self.env["customer.care.outreach.rule"].sudo()
        Rule.search([("trigger", "in", ("birthday", "anniversary", "vip_cadence"))]).write(
            {"active": True, "send_all_day": True}
        )
        crons = (
            self.env["ir.cron"]
            .sudo()
            .search([("ir_actions_server_id.model_id.model", "like", "customer.care")])
        )
        crons |= Rule.search([]).cron_id
        self.assertGreaterEqual(len(crons), 6)
        runs_before = self.Run.search_count([])
        executions = 0
        for _pass in range(3):
            for cron in crons.filtered("active"):
                self.make_due(cron)
                status, calls = self.scheduler_pass(cron)
                self.assertEqual(status, "fully done", cron.name)
                self.assertLessEqual(calls, ir_cron_module.MIN_RUNS_PER_JOB, cron.name)
                if cron in Rule.search([]).cron_id:
                    executions += 1
                self.assertFalse(self._ready(cron), f"{cron.name} wants to run again at once")
        runs = self.Run.search_count([]) - runs_before
        self.assertLessEqual(runs, executions)
        self.assertEqual(self.Run.search_count([("state", "=", "running")]), 0)
