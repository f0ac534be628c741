"""Benchmark: one outreach run creating care plans for a large audience.

    python3 bench/outreach_plans.py --db NAME [--partners 100000] [--purpose service] [--keep]

The database must have customer_care installed (any of the project's
scratch databases).  The script makes sure ``--partners`` partners tagged
``bench-outreach`` exist (bulk SQL insert), then measures side by side:

* the ORM floor: a batched ``create`` of the same number of records of a
  bare model (``customer.care.hobby``: a name, a colour, a flag), in the
  batch size of the outreach engine;
* the outreach run: a rule whose audience is those partners, channel phone,
  creating one care plan (and its outreach log line) per partner, run
  through the same code path as its scheduled action, committing batch by
  batch.

The rule is a marketing rule: its candidate query reads each customer's
latest marketing consent (``care_sql.consent_state``).  Every tagged partner
has consent given (one entry) and every 50th has withdrawn it since (a
second, later entry), so the filter reads real history and skips 2 %.
``--purpose service`` runs the same rule as a service reminder, whose
query reads no consent: the cost of the consent filter, side by side.

It prints throughput, the ratio to the floor, queries per batch and the
resident memory after each batch, then removes the plans, contact lines and
run it made and deletes its rule (``--keep`` leaves them).
"""

import argparse
import os
import resource
import sys
import time
from unittest.mock import patch

import psutil

MB = 1024 * 1024
TAG = "bench-outreach"


def odoo_env(db):
    from common import odoo_options

    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(odoo_options(db))
    registry = Registry(db)
    cr = registry.cursor()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), cr


def ensure_partners(cr, count):
    cr.execute("SELECT count(*) FROM res_partner WHERE ref = %s", [TAG])
    have = cr.fetchone()[0]
    if have < count:
        cr.execute(
            """INSERT INTO res_partner (name, ref, active, type, is_company, autopost_bills,
                                        complete_name, create_date, write_date, care_state)
               SELECT 'Bench customer ' || n, %s, TRUE, 'contact', FALSE, 'ask',
                      'Bench customer ' || n, now(), now(), 'active'
                 FROM generate_series(%s, %s) AS n""",
            [TAG, have + 1, count],
        )
        cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id WHERE ref = %s "
            "AND commercial_partner_id IS NULL",
            [TAG],
        )
        cr.commit()
    return count


def ensure_consents(cr, company_id):
    """Marketing consent given by every tagged partner, withdrawn since by
    every 50th (bulk SQL insert, once)."""
    cr.execute(
        """INSERT INTO customer_care_consent
                  (partner_id, purpose, channel, state, date, source, company_id,
                   create_date, write_date)
           SELECT p.id, 'marketing', 'any', v.state, now() - v.age, 'import', %s, now(), now()
             FROM res_partner p
             JOIN (VALUES ('given', interval '30 days'), ('withdrawn', interval '1 day'))
                  AS v(state, age) ON v.state = 'given' OR p.id %% 50 = 0
            WHERE p.ref = %s
              AND NOT EXISTS (SELECT 1 FROM customer_care_consent c
                               WHERE c.partner_id = p.id AND c.source = 'import')""",
        [company_id, TAG],
    )
    cr.commit()


def vacuum(db):
    """Start from clean tables: earlier runs leave dead rows behind."""
    import psycopg2

    connection = psycopg2.connect(dbname=db)
    connection.autocommit = True
    with connection.cursor() as cursor:
        for table in (
            "res_partner",
            "customer_care_plan",
            "customer_care_outreach_log",
            "customer_care_hobby",
            "customer_care_consent",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    connection.close()


class Probe:
    """Figures per committed batch (the engine commits through _commit_progress)."""

    def __init__(self, cr):
        self.cr = cr
        self.batches = []
        self.process = psutil.Process()
        self.reset()

    def reset(self):
        self.batches = []
        self._queries = self.cr.sql_log_count
        self._clock = time.monotonic()

    def mark(self, rows):
        now = time.monotonic()
        self.batches.append(
            {
                "rows": rows,
                "queries": self.cr.sql_log_count - self._queries,
                "seconds": now - self._clock,
                "rss_mb": self.process.memory_info().rss / MB,
            }
        )
        self._queries = self.cr.sql_log_count
        self._clock = now


def floor(env, cr, count, batch):
    Hobby = env["customer.care.hobby"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_notrack=True
    )
    start = time.monotonic()
    for offset in range(0, count, batch):
        Hobby.create(
            [{"name": f"bench floor {n}"} for n in range(offset, min(offset + batch, count))]
        )
        env.flush_all()
        cr.commit()
        env.invalidate_all()
    seconds = time.monotonic() - start
    cr.execute("DELETE FROM customer_care_hobby WHERE name->>'en_US' LIKE 'bench floor %%'")
    cr.commit()
    return seconds


def outreach(env, cr, probe, purpose="marketing"):
    rule = env["customer.care.outreach.rule"].create(
        {
            "name": "Benchmark outreach",
            "purpose": purpose,
            "trigger": "custom",
            "period": "day",
            "domain": f"[('ref', '=', '{TAG}')]",
            "channel": "phone",
            "create_plan": True,
            "assign_policy": "round_robin",
            "team_user_ids": [(6, 0, env.ref("base.user_admin").ids)],
        }
    )
    cr.commit()
    Cron = type(env["ir.cron"])
    original = Cron._commit_progress

    def progress(self, processed=0, **kwargs):
        result = original(self, processed, **kwargs)
        if processed:
            probe.mark(processed)
        return result

    probe.reset()
    start = time.monotonic()
    with patch.object(Cron, "_commit_progress", progress):
        run = rule._run()
    seconds = time.monotonic() - start
    return rule, run, seconds


def cleanup(env, cr, rule):
    """Remove what the run made: its plans, its contact lines and its run
    (the benchmark's own rows, in SQL), then the rule through the ORM, which
    deletes its scheduled action; the addon refuses to delete a rule with
    history (``ondelete='restrict'``), so the history goes first."""
    cr.execute(
        "DELETE FROM customer_care_plan WHERE id IN "
        "(SELECT plan_id FROM customer_care_outreach_log WHERE rule_id = %s)",
        [rule.id],
    )
    cr.execute("DELETE FROM customer_care_outreach_log WHERE rule_id = %s", [rule.id])
    cr.execute("DELETE FROM customer_care_outreach_run WHERE rule_id = %s", [rule.id])
    env.invalidate_all()
    rule.unlink()
    env.flush_all()
    cr.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--purpose", choices=("marketing", "service"), default="marketing")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    env, cr = odoo_env(args.db)
    from odoo.addons.customer_care.models import customer_care_outreach_run

    batch = customer_care_outreach_run.BATCH_SIZE
    ensure_partners(cr, args.partners)
    ensure_consents(cr, env.company.id)
    vacuum(args.db)
    print(
        f"{args.partners} partners tagged {TAG!r}, batch size {batch}, rule purpose "
        f"{args.purpose}, regime {env.company.care_consent_regime}",
        flush=True,
    )

    floor_seconds = floor(env, cr, args.partners, batch)
    vacuum(args.db)
    probe = Probe(cr)
    rule, run, seconds = outreach(env, cr, probe, args.purpose)
    cr.execute(
        "SELECT count(*), count(plan_id) FROM customer_care_outreach_log WHERE rule_id = %s",
        [rule.id],
    )
    logs, plans = cr.fetchone()
    queries = [b["queries"] for b in probe.batches]
    rss = [b["rss_mb"] for b in probe.batches]
    floor_rate = args.partners / floor_seconds
    rate = plans / seconds
    print()
    print(f"{'operation':<44}{'records':>10}{'seconds':>10}{'per s':>10}")
    print(
        f"{'ORM floor: create bare records':<44}{args.partners:>10}{floor_seconds:>10.1f}"
        f"{floor_rate:>10.0f}"
    )
    print(f"{'outreach run: plans + logs':<44}{plans:>10}{seconds:>10.1f}{rate:>10.0f}")
    print()
    print(f"ratio to the floor: {rate / floor_rate:.2f} (target >= 0.33)")
    print(f"run figures: {run.summary}; {logs} log lines, {plans} with a plan")
    print(f"queries per batch: min {min(queries)}, max {max(queries)} over {len(queries)} batches")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"resident memory after each batch: first {rss[0]:.0f} MB, last {rss[-1]:.0f} MB, "
        f"max {max(rss):.0f} MB (peak RSS {peak:.0f} MB)"
    )
    if not args.keep:
        cleanup(env, cr, rule)
    cr.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
