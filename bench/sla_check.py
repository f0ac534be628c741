"""Benchmark of the incident SLA check (brief §5) on a large open backlog.

Creates N open incidents in one ``INSERT ... SELECT generate_series`` (received
over the last two days, a third of them acknowledged, every clock due), then
runs the scheduled check batch by batch exactly as the cron does (select,
evaluate, grouped writes, commit) and prints the time and the number of
queries of every batch.  Run it on a scratch copy of a database where
customer_care is installed; the incidents are deleted afterwards unless
``--keep`` is given::

    createdb -T my_care_db care_bench
    python3 bench/sla_check.py -d care_bench -n 100000

The addons path defaults to this repository, as in the other benchmarks
(``--addons-path`` points at another copy to compare two versions).
``--previous DIR`` compares in one go: the script runs itself ``--rounds``
times with the addons of ``DIR`` (a checkout of the previous code, e.g.
``git worktree add /tmp/prev <commit>``) and with this code, alternating,
each run on its own fresh incidents, then prints every run and the medians
side by side, with the CPU seconds of the Python process and of its
PostgreSQL backend (wall-clock times move with whatever else runs on the
machine, CPU seconds much less).  Every run starts by vacuuming and analysing
the tables it writes (``settle``), so that no run pays for the rows an earlier
one deleted.
"""

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from common import connect, machine, odoo_options
from psycopg2 import sql

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import SQL

PREFIX = "BENCH SLA "


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("-n", "--count", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the generated incidents")
    parser.add_argument("--json", help="write this run's figures to this file")
    parser.add_argument("--previous", help="addons path of the previous code: compare")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each code with --previous")
    return parser.parse_args()


def insert_incidents(env, count):
    """N open incidents, due for a check, in one statement."""
    policy = env.ref("customer_care.customer_care_sla_policy_default")
    partner = env["res.partner"].search([("is_company", "=", True)], limit=1)
    env.cr.execute(
        SQL(
            """
            INSERT INTO customer_care_incident (
                name, partner_id, commercial_partner_id, company_id, kind, channel,
                priority, state, sla_policy_id, sla_state, escalation_level, satisfaction,
                date_received, date_first_response, response_deadline, resolution_deadline,
                target_deadline, date_response_risk, date_resolution_risk,
                date_sla_next_check, create_uid, write_uid, create_date, write_date)
            SELECT %(prefix)s || i, %(partner)s, %(partner)s, %(company)s, 'complaint', 'phone',
                   '0', CASE WHEN i %% 3 = 0 THEN 'acknowledged' ELSE 'new' END, %(policy)s,
                   'on_track', 0, 0,
                   received,
                   CASE WHEN i %% 3 = 0 THEN received + interval '30 minutes' END,
                   received + make_interval(secs => %(response)s * 3600),
                   received + make_interval(secs => %(resolution)s * 3600),
                   received + make_interval(secs => %(target)s * 3600),
                   received + make_interval(secs => %(response)s * 3600 * %(share)s),
                   LEAST(received + make_interval(secs => %(resolution)s * 3600 * %(share)s),
                         received + make_interval(secs => %(target)s * 3600)),
                   received, %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (SELECT i, (now() at time zone 'UTC') - make_interval(mins => 31 + i %% 2850)
                              AS received
                      FROM generate_series(1, %(count)s) AS i) AS series
            """,
            prefix=PREFIX,
            partner=partner.id,
            company=env.company.id,
            policy=policy.id,
            response=policy.response_hours,
            resolution=policy.resolution_hours,
            target=policy.target_hours,
            share=policy.at_risk_percent / 100.0,
            uid=SUPERUSER_ID,
            count=count,
        )
    )
    env.cr.commit()


def run_check(env, batch_size):
    """The cron's loop, instrumented: one row per batch (size, seconds, queries)."""
    incidents = env["customer.care.incident"]
    cron = env["ir.cron"]
    now = odoo.fields.Datetime.now()
    rows = []
    env.cr.execute("SELECT pg_backend_pid()")
    backend, own = psutil.Process(env.cr.fetchone()[0]), psutil.Process()
    cpu_before = [cpu_seconds(own), cpu_seconds(backend)]
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_message")
    last_message = env.cr.fetchone()[0]
    while True:
        before, start = env.cr.sql_log_count, time.perf_counter()
        ids = incidents._sla_due_ids(now, batch_size)
        if not ids:
            break
        incidents.browse(ids)._sla_refresh(now)
        env.flush_all()
        queries = env.cr.sql_log_count - before
        cron._commit_progress(len(ids))
        env.invalidate_all()
        elapsed = time.perf_counter() - start
        # outside the measure: the batch's escalation notes (one per incident)
        escalated, last_message = _notes_since(env, last_message)
        rows.append((len(ids), elapsed, queries, escalated))
    cpu = [cpu_seconds(own) - cpu_before[0], cpu_seconds(backend) - cpu_before[1]]
    return rows, cpu


def cpu_seconds(process):
    times = process.cpu_times()
    return times.user + times.system


def _notes_since(env, last_id):
    """Incident notes posted after message ``last_id``: their number, the last id."""
    env.cr.execute(
        "SELECT count(*), COALESCE(MAX(id), %s) FROM mail_message "
        "WHERE id > %s AND model = 'customer.care.incident'",
        [last_id, last_id],
    )
    return env.cr.fetchone()


def cleanup(env):
    bench = SQL("SELECT id FROM customer_care_incident WHERE name LIKE %s", PREFIX + "%")
    model = "customer.care.incident"
    for table in ("mail_activity", "mail_message", "mail_followers"):
        column = "res_model" if table != "mail_message" else "model"
        env.cr.execute(
            SQL(
                "DELETE FROM %s WHERE %s = %s AND res_id IN (%s)",
                SQL.identifier(table),
                SQL.identifier(column),
                model,
                bench,
            )
        )
    env.cr.execute(SQL("DELETE FROM customer_care_incident WHERE name LIKE %s", PREFIX + "%"))
    env.cr.commit()


# the tables a run writes and its cleanup empties again
TOUCHED = (
    "customer_care_incident",
    "mail_activity",
    "mail_message",
    "mail_followers",
    "mail_followers_mail_message_subtype_rel",
)


def settle(database):
    """``VACUUM (ANALYZE)`` the tables a run writes, so that every run starts
    from the same state: without it (and with autovacuum off, as on the
    benchmark machine) each run's deleted rows stay in the tables and their
    indexes, and every later run pays for them."""
    with contextlib.closing(connect(database, autocommit=True)) as conn, conn.cursor() as cr:
        for table in TOUCHED:
            cr.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))


def compare(args):
    """Run this script ``--rounds`` times per code, alternating, and print
    the runs and the medians side by side."""
    sides = [("previous", args.previous), ("this", args.addons_path or "")]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(1, args.rounds + 1):
            for label, addons_path in sides:
                out = Path(tmp) / f"{label}-{round_}.json"
                command = [
                    sys.executable,
                    __file__,
                    "-d",
                    args.database,
                    "-n",
                    str(args.count),
                    "--batch",
                    str(args.batch),
                    "--json",
                    str(out),
                ]
                if addons_path:
                    command += ["--addons-path", addons_path]
                subprocess.run(command, check=True)
                run = json.loads(out.read_text())
                run.update(code=label, round=round_)
                runs.append(run)
                print(f"{label} code, run {round_}: {json.dumps(run)}", flush=True)
    print()
    print(
        f"{args.count:,} incidents, batch {args.batch}, "
        f"{runs[0]['escalated'] / runs[0]['checked']:.0%} escalated"
    )
    print(
        "code      run  incidents/s  seconds  CPU py+pg s  incidents/CPU s  "
        "queries/batch (median)  activities"
    )
    for run in runs:
        print(
            f"{run['code']:<9} {run['round']:>3} {run['per_second']:>12,.0f} "
            f"{run['seconds']:>8.1f} {run['cpu_python']:>6.1f}+{run['cpu_backend']:<5.1f}"
            f"{run['checked'] / (run['cpu_python'] + run['cpu_backend']):>16,.0f}  "
            f"{run['queries_min']:>6}-{run['queries_max']:<4} ({run['queries_median']:g})"
            f"{run['activities']:>12,}"
        )
    medians = {}
    for label, _path in sides:
        mine = [run for run in runs if run["code"] == label]
        medians[label] = (
            statistics.median(run["per_second"] for run in mine),
            statistics.median(
                run["checked"] / (run["cpu_python"] + run["cpu_backend"]) for run in mine
            ),
        )
        print(
            f"median {label:<9} {medians[label][0]:>8,.0f}/s wall, "
            f"{medians[label][1]:,.0f}/CPU s ({len(mine)} runs)"
        )
    print(
        f"this / previous: {medians['this'][0] / medians['previous'][0]:.2f}x wall, "
        f"{medians['this'][1] / medians['previous'][1]:.2f}x per CPU second"
    )


def main():
    args = parse_args()
    if args.previous:
        compare(args)
        return
    odoo.tools.config.parse_config(odoo_options(args.database, args.addons_path))
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cleanup(env)
        settle(args.database)
        start = time.perf_counter()
        insert_incidents(env, args.count)
        inserted = time.perf_counter() - start
        start = time.perf_counter()
        rows, cpu = run_check(env, args.batch)
        checked = time.perf_counter() - start
        env.cr.execute(
            SQL(
                "SELECT sla_state, escalation_level, count(*) FROM customer_care_incident "
                "WHERE name LIKE %s GROUP BY 1, 2 ORDER BY 1, 2",
                PREFIX + "%",
            )
        )
        outcome = env.cr.fetchall()
        env.cr.execute(
            SQL(
                "SELECT count(*) FROM mail_activity WHERE res_model = %s",
                "customer.care.incident",
            )
        )
        activities = env.cr.fetchone()[0]
        the_machine = machine(env.cr)
        if not args.keep:
            cleanup(env)

    queries = [row[2] for row in rows]
    seconds = [row[1] for row in rows]
    done = sum(row[0] for row in rows)
    print(f"incidents inserted      {args.count:>10,}  in {inserted:.1f} s")
    spent = sum(seconds)
    print(f"incidents checked       {done:>10,}  in {spent:.1f} s ({done / spent:,.0f}/s)")
    print(f"  wall time with the per-batch counting of escalations: {checked:.1f} s")
    print(
        f"  CPU: Python {cpu[0]:.1f} s, PostgreSQL backend {cpu[1]:.1f} s "
        f"({done / sum(cpu):,.0f} incidents per CPU second)"
    )
    print(f"batches of {args.batch:<6}       {len(rows):>10,}")
    print(
        f"queries per batch       min {min(queries)}  max {max(queries)}  "
        f"median {statistics.median(queries)}"
    )
    print(
        f"seconds per batch       min {min(seconds):.2f}  max {max(seconds):.2f}  "
        f"median {statistics.median(seconds):.2f}"
    )
    print("queries  batches  escalated incidents per batch (min-max)")
    by_count = {}
    for _n, _s, count, escalated in rows:
        by_count.setdefault(count, []).append(escalated)
    for count, escalated in sorted(by_count.items()):
        print(f"{count:>7}  {len(escalated):>7}  {min(escalated)}-{max(escalated)}")
    print(f"escalation activities   {activities:>10,}")
    for state, level, count in outcome:
        print(f"  {state:<10} level {level}  {count:>10,}")
    print(f"machine: {the_machine}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "checked": done,
                    "seconds": spent,
                    "per_second": done / spent,
                    "cpu_python": cpu[0],
                    "cpu_backend": cpu[1],
                    "batches": len(rows),
                    "queries_min": min(queries),
                    "queries_max": max(queries),
                    "queries_median": statistics.median(queries),
                    "escalated": sum(row[3] for row in rows),
                    "activities": activities,
                    "machine": the_machine,
                }
            )
        )


if __name__ == "__main__":
    main()
