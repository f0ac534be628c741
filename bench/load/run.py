"""A busy care floor on two Odoo servers: Locust load, crons on both, checks.

    python3 bench/load/run.py [--db care_load] [--partners 200000] [--orders 200000]
                              [--incidents 10000] [--users 5,10,20,40] [--duration 60]
                              [--nodes 2] [--workers 2] [--replace] [--locust PATH]

1. The database: the demo data (a ``<db>_demo`` database with customer_care
   and its demo, made once) plus a bulk-loaded base (``bench/generate.py``:
   customers and orders), then ``--incidents`` open incidents over the
   customers whose SLA clocks come due before and during the run, the care
   users and managers Locust logs in as, and every scheduled job of the
   addon due now (the SLA check every minute for the run).  Reused when it
   exists, unless ``--replace``.
2. ``--nodes`` Odoo servers on that one database, prefork (``--workers``
   each) with a cron thread each, on 127.0.0.1.
3. Locust, headless, ``--duration`` seconds at each number of simulated
   people of ``--users``, spread over the servers (bench/load/locustfile.py).
4. The jobs are given a minute to settle, the servers are stopped by process
   id, and the integrity check (bench/load/integrity.py) runs over what was
   written since the start.
5. Printed: per step throughput, p50/p95, errors; per care action its p95
   beside the comparable core action's (the target: at most 1.5 times); the SLA
   check's pace; the errors users saw; the integrity check.  Also written:
   ``.local/load/results.json`` and ``bench/load/load.png`` (matplotlib).

Locust and matplotlib run from their own virtual environment
(``.local/load-venv``, made from ``bench/load/requirements.txt`` the first
time): Locust's gevent must not replace the one Odoo runs with.
"""

import argparse
import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(HERE))

from common import REPO_ROOT, connect, db_exists, machine, odoo_command, odoo_options  # noqa: E402
from integrity import report as integrity_report  # noqa: E402
from integrity import run_checks  # noqa: E402

OUT = REPO_ROOT / ".local" / "load"
VENV = REPO_ROOT / ".local" / "load-venv"
PASSWORD = "care-load"
CARE_USERS = 24
MANAGERS = 6
TARGET_RATIO = 1.5

# each care action beside the core action it is compared with
COMPARED = {
    "care: customer list": "core: customer list",
    "care: incident list": "core: customer list",
    "care: customer care tab": "core: partner form",
    "care: plan steps": "core: partner form",
    "care: overview": "core: sales teams overview",
    "care: overview tile": "core: chatter message",
    "care: overview tile list": "core: customer list",
    "care: complaint report": "core: sales teams overview",
    "care: value report": "core: sales teams overview",
    "care: plan create": "core: lead create",
    "care: plan start": "core: lead stage",
    "care: step note": "core: lead stage",
    "care: step done": "core: chatter message",
    "care: incident create": "core: lead create",
    "care: incident acknowledge": "core: chatter message",
    "care: incident write": "core: lead stage",
    "care: incident resolve": "core: chatter message",
    "care: decline request": "core: activity for a colleague",
    "care: decline approve": "core: activity for a colleague",
}


def log(message, *args):
    print(f"[load] {message % args}", flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="care_load")
    parser.add_argument("--partners", type=int, default=200_000)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--users", default="5,10,20,40", help="simulated people per step")
    parser.add_argument("--duration", type=int, default=90, help="seconds per step")
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="HTTP workers per node")
    parser.add_argument("--replace", action="store_true", help="rebuild the database")
    parser.add_argument("--locust", help="the locust command (default: the bench venv's)")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument(
        "--prepare-only", action="store_true", help="build the database, run nothing"
    )
    parser.add_argument(
        "--replica",
        action="store_true",
        help="run twice on a primary made for the run: without, then with a streaming "
        "read replica (bench/load/replica.py), and print both side by side",
    )
    parser.add_argument(
        "--min-requests",
        type=int,
        default=100,
        help="a median or p95 resting on fewer requests is printed as too few",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the query plans of the care customer list and of Odoo's own",
    )
    return parser.parse_args(argv)


# -- tools --------------------------------------------------------------------
def bench_venv(args):
    """The Python of the environment with Locust and matplotlib."""
    if args.locust:
        return Path(args.locust).parent / "python"
    python = VENV / "bin" / "python"
    if not python.exists():
        log("making %s (locust, matplotlib)", VENV)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(HERE / "requirements.txt")],
            check=True,
        )
    return python


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the database -------------------------------------------------------------
def prepare_database(args):
    if db_exists(args.db) and not args.replace:
        log("reusing database %s (--replace rebuilds it)", args.db)
        return
    demo = f"{args.db}_demo"
    if not db_exists(demo):
        log("installing customer_care with its demo data into %s", demo)
        subprocess.run(
            odoo_command(
                demo,
                "-i",
                "customer_care",
                "--with-demo",
                "--stop-after-init",
                addons_path=args.addons_path,
            ),
            check=True,
        )
    subprocess.run(
        [
            sys.executable,
            str(BENCH / "generate.py"),
            "--db",
            args.db,
            "--template",
            demo,
            "--partners",
            str(args.partners),
            "--orders",
            str(args.orders),
            *(["--replace"] if args.replace else []),
        ],
        check=True,
    )
    python = sys.executable
    subprocess.run(
        [python, str(HERE / "prepare.py"), "--db", args.db, "--incidents", str(args.incidents)]
        + (["--addons-path", args.addons_path] if args.addons_path else []),
        check=True,
    )


def reset_run_state(args):
    """Every job due now, the SLA check every minute; returns the start."""
    with connect(args.db) as conn, conn.cursor() as cr:
        cr.execute(
            """UPDATE ir_cron SET nextcall = now() AT TIME ZONE 'UTC' - interval '1 minute',
                                  active = TRUE
                WHERE id IN (SELECT res_id FROM ir_model_data
                              WHERE module = 'customer_care' AND model = 'ir.cron')
                   OR id IN (SELECT cron_id FROM customer_care_outreach_rule WHERE active)"""
        )
        cr.execute(
            """UPDATE ir_cron SET interval_number = 1, interval_type = 'minutes'
                WHERE id = (SELECT res_id FROM ir_model_data WHERE module = 'customer_care'
                              AND name = 'ir_cron_care_sla_check')"""
        )
        # the load's open incidents come due over the run: a fifth at once,
        # the others spread over the next steps
        spread = len(args.users.split(",")) * args.duration
        cr.execute(
            """UPDATE customer_care_incident
                  SET date_sla_next_check = now() AT TIME ZONE 'UTC'
                      + make_interval(secs => (id %% 5) * (id %% %s) * 0.25)
                WHERE name LIKE 'LOAD %%'
                  AND state IN ('new', 'acknowledged', 'in_progress')""",
            (max(spread, 1),),
        )
        cr.execute("TRUNCATE customer_care_load_due")
        cr.execute(
            """INSERT INTO customer_care_load_due (incident_id, due)
               SELECT id, date_sla_next_check FROM customer_care_incident
                WHERE name LIKE 'LOAD %%' AND date_sla_next_check IS NOT NULL"""
        )
        cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        return cr.fetchone()[0]


def database_size(args):
    with connect(args.db) as conn, conn.cursor() as cr:
        cr.execute(
            """SELECT (SELECT count(*) FROM res_partner WHERE id = commercial_partner_id),
                      (SELECT count(*) FROM customer_care_incident
                        WHERE state IN ('new', 'acknowledged', 'in_progress'))"""
        )
        return cr.fetchone()


def logins(args):
    with connect(args.db) as conn, conn.cursor() as cr:
        cr.execute("SELECT login FROM res_users WHERE login LIKE 'load\\_%%' ORDER BY login")
        names = [row[0] for row in cr.fetchall()]
    return (
        [n for n in names if n.startswith("load_care_")],
        [n for n in names if n.startswith("load_manager_")],
    )


# -- the servers --------------------------------------------------------------
def odoo_script():
    """Odoo's start script: the prefork server starts its gevent process by
    running ``sys.argv[0]`` again, which ``python -m odoo`` cannot give."""
    import odoo

    beside = Path(next(iter(odoo.__path__))).resolve().parent / "odoo-bin"
    if beside.exists():
        return str(beside)
    script = shutil.which("odoo")
    if not script:
        sys.exit("Odoo's start script (odoo-bin, or 'odoo' on PATH) is not found")
    return script


def start_nodes(args, extra_options=()):
    nodes = []
    OUT.mkdir(parents=True, exist_ok=True)
    for index in range(args.nodes):
        port = free_port()
        logfile = OUT / f"node{index + 1}.log"
        logfile.unlink(missing_ok=True)
        options = [
            option
            for option in odoo_options(args.db, args.addons_path)
            if not option.startswith("--log-level")
        ]
        command = [
            sys.executable,
            odoo_script(),
            *options,
            f"--db-filter=^{re.escape(args.db)}$",
            f"--workers={args.workers}",
            "--max-cron-threads=1",
            f"--http-port={port}",
            f"--gevent-port={free_port()}",
            "--limit-time-real=600",
            "--limit-time-cpu=300",
            "--log-level=info",
            f"--logfile={logfile}",
            *extra_options,
        ]
        process = subprocess.Popen(command, start_new_session=True)
        nodes.append({"process": process, "port": port, "log": logfile})
        log("node %d: pid %d on port %d", index + 1, process.pid, port)
    for node in nodes:
        wait_ready(node)
    return nodes


def wait_ready(node, timeout=180):
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{node['port']}/web/login"
    while time.monotonic() < deadline:
        if node["process"].poll() is not None:
            sys.exit(f"the Odoo server on port {node['port']} stopped: see {node['log']}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    sys.exit(f"the Odoo server on port {node['port']} did not answer in {timeout} s")


def stop_nodes(nodes):
    for node in nodes:
        if node["process"].poll() is None:
            os.killpg(node["process"].pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    for node in nodes:
        try:
            node["process"].wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            os.killpg(node["process"].pid, signal.SIGKILL)
            node["process"].wait()
        log("node on port %d stopped (pid %d)", node["port"], node["process"].pid)


# -- one step of load ---------------------------------------------------------
def run_step(args, python, nodes, users, care_logins, manager_logins, label=""):
    prefix = OUT / f"step_{label}{users}"
    env = dict(
        os.environ,
        CARE_HOSTS=",".join(f"http://127.0.0.1:{node['port']}" for node in nodes),
        CARE_LOAD_DB=args.db,
        CARE_LOAD_PASSWORD=PASSWORD,
        CARE_LOAD_USERS=",".join(care_logins),
        CARE_LOAD_MANAGERS=",".join(manager_logins),
    )
    locust = args.locust or str(python.parent / "locust")
    command = [
        locust,
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(users // 2, 1)),
        "--run-time",
        f"{args.duration}s",
        "--host",
        f"http://127.0.0.1:{nodes[0]['port']}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    log("%d simulated people for %d s", users, args.duration)
    subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
    return read_stats(prefix)


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):  # "N/A" when nothing was measured
        return 0.0


def read_stats(prefix):
    stats = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": number(row["50%"]),
                "p95": number(row["95%"]),
                "rps": number(row["Requests/s"]),
            }
    return stats


def actions(stats):
    return {
        name: values
        for name, values in stats.items()
        if name.startswith(("care: ", "core: ")) and values["requests"]
    }


# -- after the run ------------------------------------------------------------
def settle(args, start, timeout=90):
    """Give the jobs time to finish what is due (outreach runs, SLA backlog)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connect(args.db) as conn, conn.cursor() as cr:
            cr.execute(
                """SELECT (SELECT count(*) FROM customer_care_outreach_run
                            WHERE state = 'running'),
                          (SELECT count(*) FROM customer_care_incident
                            WHERE date_sla_next_check < now() AT TIME ZONE 'UTC'
                                                         - interval '2 minutes'
                              AND state IN ('new', 'acknowledged', 'in_progress',
                                            'pending_decline'))"""
            )
            running, backlog = cr.fetchone()
        if not running and not backlog:
            return {"running_outreach": 0, "sla_backlog": 0}
        time.sleep(5)
    return {"running_outreach": running, "sla_backlog": backlog}


def cron_pace(args, start, minutes):
    """Incidents the SLA check handled per minute, and incidents that came
    due (or were created) per minute, over the run."""
    with connect(args.db) as conn, conn.cursor() as cr:
        cr.execute(
            """SELECT COALESCE(SUM(p.done), 0) FROM ir_cron_progress p
                WHERE p.create_date >= %s AND p.cron_id = (
                      SELECT res_id FROM ir_model_data WHERE module = 'customer_care'
                         AND name = 'ir_cron_care_sla_check')""",
            (start,),
        )
        checked = cr.fetchone()[0]
        cr.execute(
            """SELECT (SELECT count(*) FROM customer_care_incident WHERE create_date >= %s),
                      (SELECT count(*) FROM customer_care_load_due WHERE due >= %s
                          AND due < now() AT TIME ZONE 'UTC')""",
            (start, start),
        )
        created, came_due = cr.fetchone()
        cr.execute(
            """SELECT count(*), COALESCE(SUM(done), 0) FROM ir_cron_progress
                WHERE create_date >= %s AND cron_id IN (
                      SELECT cron_id FROM customer_care_outreach_rule)""",
            (start,),
        )
        outreach_calls, outreach_done = cr.fetchone()
    return {
        "sla_checked_per_min": round(checked / minutes, 1),
        "arriving_per_min": round((created + came_due) / minutes, 1),
        "outreach_calls": outreach_calls,
        "outreach_handled": outreach_done,
    }


def server_errors(nodes):
    """What the servers logged: serialization failures Odoo retried (and
    absorbed), and errors it did not absorb (a failed request, a failed
    job). A "bad query" line comes with each retried failure: not counted."""
    retries = errors = 0
    samples = []
    for node in nodes:
        with open(node["log"], errors="replace") as handle:
            for line in handle:
                if "tries left, try again" in line:
                    retries += 1
                elif (" ERROR " in line or " CRITICAL " in line) and "bad query" not in line:
                    errors += 1
                    if len(samples) < 5:
                        samples.append(line.strip()[:300])
    return {"retries_absorbed": retries, "errors_logged": errors, "samples": samples}


def describe_machine():
    with connect() as conn, conn.cursor() as cr:
        return machine(cr)


# the requests standing for the managers' dashboards and reports
DASHBOARD_ACTIONS = (
    "care: overview",
    "care: overview tile",
    "care: overview tile list",
    "care: complaint report",
    "care: value report",
)


def figures(values, minimum):
    """Median and p95 in ms with the number of requests behind them."""
    if values["requests"] < minimum:
        return f"{'too few':>15} ({values['requests']:>5})"
    return f"{values['p50']:>7.0f} {values['p95']:>7.0f} ({values['requests']:>5})"


def print_comparison(step, minimum):
    """Each care action's median and p95 beside its core counterpart's, with
    the number of requests behind each; a ratio only where both sides rest on
    ``minimum`` requests or more (the verdict is on the median: the p95 of a
    short run is its slowest one or two requests)."""
    print(
        f"each care action beside its core counterpart, {step['users']} users: median and "
        f"p95 in ms (requests); verdict on the median, target <= {TARGET_RATIO}x; "
        f"'too few' below {minimum} requests"
    )
    stats = actions(step["stats"])
    for name, core in COMPARED.items():
        if name not in stats or core not in stats:
            continue
        care, base = stats[name], stats[core]
        enough = min(care["requests"], base["requests"]) >= minimum and base["p50"]
        if enough:
            ratio = care["p50"] / base["p50"]
            verdict = f"{ratio:>5.2f}x {'ok' if ratio <= TARGET_RATIO else 'OVER'}"
        else:
            verdict = "  too few"
        left, right = figures(care, minimum), figures(base, minimum)
        print(f"  {name:<28} {left}  vs {core:<28} {right}  {verdict}")


def print_tables(results):
    print()
    print(f"machine: {results['machine']}")
    print(
        f"database: {results['db']} ({results['customers']} customers, "
        f"{results['open_incidents']} open incidents at the start), {results['nodes']} nodes x "
        f"{results['workers']} workers + 1 cron thread each"
    )
    print()
    print("users | req/s | p50 ms | p95 ms | failures")
    for step in results["steps"]:
        total = step["stats"].get("Aggregated", {})
        failures = sum(v["failures"] for v in actions(step["stats"]).values())
        print(
            f"{step['users']:>5} | {total.get('rps', 0):>5.1f} | {total.get('p50', 0):>6.0f} | "
            f"{total.get('p95', 0):>6.0f} | {failures}"
        )
    focus = next((s for s in results["steps"] if s["users"] == 20), results["steps"][-1])
    print()
    print_comparison(focus, results.get("min_requests", 100))
    pace = results["pace"]
    print()
    print(
        f"SLA check: {pace['sla_checked_per_min']} incidents checked/min vs "
        f"{pace['arriving_per_min']} arriving/min; backlog after settling: "
        f"{results['settled']['sla_backlog']}; outreach: {pace['outreach_calls']} job calls, "
        f"{pace['outreach_handled']} handled, {results['settled']['running_outreach']} "
        "runs unfinished"
    )
    errors = results["errors"]
    print(
        f"errors users saw: {results['user_failures']}; serialization retries absorbed "
        f"by Odoo: {errors['retries_absorbed']}; errors in the server logs: "
        f"{errors['errors_logged']}"
    )
    for sample in errors["samples"]:
        print(f"  {sample}")
    print()
    print("integrity check:")
    return integrity_report(results["integrity_rows"])


def run_scenario(args, python, care_logins, manager_logins, label="", extra_options=()):
    """The steps of load on ``args.db``, then settling and the checks."""
    start = reset_run_state(args)
    started = time.monotonic()
    nodes = start_nodes(args, extra_options)
    steps = []
    try:
        for users in [int(n) for n in args.users.split(",")]:
            stats = run_step(args, python, nodes, users, care_logins, manager_logins, label)
            steps.append({"users": users, "stats": stats})
        minutes = (time.monotonic() - started) / 60
        settled = settle(args, start)
    finally:
        stop_nodes(nodes)
    with connect(args.db) as conn, conn.cursor() as cr:
        integrity_rows = run_checks(cr, start)
    size = database_size(args)
    return {
        "machine": describe_machine(),
        "db": args.db,
        "customers": size[0],
        "open_incidents": size[1],
        "nodes": args.nodes,
        "workers": args.workers,
        "duration": args.duration,
        "min_requests": args.min_requests,
        "steps": steps,
        "settled": settled,
        "pace": cron_pace(args, start, minutes),
        "errors": server_errors(nodes),
        "user_failures": sum(
            v["failures"] for step in steps for v in actions(step["stats"]).values()
        ),
        "integrity_rows": integrity_rows,
    }


def save(results, name):
    """``results`` without the integrity rows, as JSON in .local/load/."""
    data = dict(results)
    data["integrity"] = {n: count for n, (count, _rows) in data.pop("integrity_rows").items()}
    (OUT / name).write_text(json.dumps(data, indent=1, default=str))
    return data


# the first page of each customer list as the load asks it (locustfile.py):
# domain, order (None: the model's), and the count of the pager up to 10,001
LIST_QUERIES = (
    (
        "care customer list",
        [("parent_id", "=", False), ("care_order_count", ">", 0)],
        "complete_name ASC",
    ),
    ("Odoo's customer list", [("customer_rank", ">", 0)], None),
)


def explain_lists(args):
    """The plans of the care customer list's queries and of Odoo's own
    customer list's, as the load's first page asks them: the page of 80
    and the count of the pager (EXPLAIN ANALYZE, as a care user)."""
    from common import odoo_env

    from odoo.tools import SQL

    with odoo_env(args.db, args.addons_path) as env:
        user = env["res.users"].search([("login", "like", "load\\_care\\_%")], limit=1)
        partner = (
            env["res.partner"]
            .with_user(user or env.user)
            .with_context(res_partner_search_mode="customer")
        )
        for title, domain, order in LIST_QUERIES:
            page = partner._search(domain, limit=80, order=order or partner._order).select()
            count = SQL(
                "SELECT count(*) FROM (%s) AS page",
                partner._search(domain, limit=10001).select(SQL("1")),
            )
            for part, query in (("page of 80", page), ("count up to 10,001", count)):
                env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
                print(f"\n{title}, {part}: {domain}, order {order or partner._order}")
                for (line,) in env.cr.fetchall():
                    print(f"  {line}")
        env.cr.rollback()


def main(argv=None):
    args = parse_args(argv)
    python = bench_venv(args)
    prepare_database(args)
    if args.prepare_only:
        return 0
    if args.explain:
        explain_lists(args)
    care_logins, manager_logins = logins(args)
    if not care_logins or not manager_logins:
        sys.exit("no load users in the database: rebuild it with --replace")
    if args.replica:
        return replica_main(args, python, care_logins, manager_logins)
    results = run_scenario(args, python, care_logins, manager_logins)
    failed = print_tables(results)
    save(results, "results.json")
    subprocess.run(
        [str(python), str(HERE / "chart.py"), str(OUT / "results.json"), str(HERE / "load.png")],
        check=False,
    )
    return 1 if failed or results["user_failures"] else 0


def replica_main(args, python, care_logins, manager_logins):
    """The same scenario without, then with, the read replica."""
    import copy

    from common import DATA_DIR
    from replica import ROLE, LagProbe, Pair

    pair = Pair(OUT / "pg")
    if args.replace:
        pair.drop()
    pair.make_primary()
    pair.primary.start()
    pair.copy_database(args.db, args.db, DATA_DIR / "filestore")
    pair.make_replica()
    pair.replica.start()
    os.environ.update(PGHOST="127.0.0.1", PGPORT=str(pair.primary.port), PGUSER=ROLE)
    os.environ.pop("PGPASSWORD", None)
    relations = [
        name
        for (name,) in pair.primary.query(
            """SELECT relname FROM pg_class
                WHERE relkind IN ('v', 'm') AND relname LIKE 'customer\\_care\\_%'""",
            dbname=args.db,
        )
    ]
    runs = {}
    modes = (
        ("primary", ()),
        (
            "replica",
            ("--db_replica_host=127.0.0.1", f"--db_replica_port={pair.replica.port}"),
        ),
    )
    try:
        for label, options in modes:
            run_args = copy.copy(args)
            run_args.db = f"{args.db}_run"
            log("run %s: a fresh copy of %s", label, args.db)
            pair.clone(args.db, run_args.db, DATA_DIR / "filestore")
            pair.reset_statements(run_args.db)
            probe = LagProbe(pair.primary)
            probe.start()
            results = run_scenario(
                run_args, python, care_logins, manager_logins, f"{label}_", options
            )
            results["lag"] = probe.stop()
            pair.wait_replayed()
            results["statements"] = pair.statements(run_args.db, relations)
            results["ro_retries"] = read_only_retries(run_args)
            runs[label] = results
    finally:
        pair.replica.stop()
        pair.primary.stop()
    failed = print_replica(runs)
    saved = {label: save(results, f"results-{label}.json") for label, results in runs.items()}
    (OUT / "results-replica.json").write_text(json.dumps(saved, indent=1, default=str))
    subprocess.run(
        [
            str(python),
            str(HERE / "chart.py"),
            "--replica",
            str(OUT / "results-replica.json"),
            str(HERE / "load-replica.png"),
        ],
        check=False,
    )
    return 1 if failed else 0


def read_only_retries(args):
    """Requests of read-only routes that attempted a write: Odoo logs them
    and retries on the primary (a user would have seen an error with a
    read-only database), so each counts as an error."""
    count = 0
    for log_file in OUT.glob("node*.log"):
        with open(log_file, errors="replace") as handle:
            count += sum("retrying with a read/write cursor" in line for line in handle)
    return count


def dashboards_p95(step):
    """The worst p95 of the dashboards' and reports' requests, and their
    number."""
    stats = actions(step["stats"])
    chosen = [stats[name] for name in DASHBOARD_ACTIONS if name in stats]
    if not chosen:
        return 0.0, 0
    return max(v["p95"] for v in chosen), sum(v["requests"] for v in chosen)


def print_replica(runs):
    """Both runs side by side; returns True when something failed."""
    base, replica = runs["primary"], runs["replica"]
    minimum = base["min_requests"]
    print()
    print(f"machine: {replica['machine']}")
    print(
        f"database: {replica['db']} ({replica['customers']} customers), {replica['nodes']} "
        f"nodes x {replica['workers']} workers + 1 cron thread each, {replica['duration']} s "
        "per step; both runs on a fresh copy of the same data, one after the other"
    )
    print()
    print("users | without replica: req/s  p50  p95 | with replica: req/s  p50  p95")
    for left, right in zip(base["steps"], replica["steps"], strict=True):
        a, b = left["stats"].get("Aggregated", {}), right["stats"].get("Aggregated", {})
        print(
            f"{left['users']:>5} | {a.get('rps', 0):>20.1f} {a.get('p50', 0):>4.0f} "
            f"{a.get('p95', 0):>4.0f} | {b.get('rps', 0):>17.1f} {b.get('p50', 0):>4.0f} "
            f"{b.get('p95', 0):>4.0f}"
        )
    print()
    print("dashboards and reports, worst p95 in ms (requests), target with replica <= 0.7x:")
    for left, right in zip(base["steps"], replica["steps"], strict=True):
        (a, n_a), (b, n_b) = dashboards_p95(left), dashboards_p95(right)
        if min(n_a, n_b) < minimum:
            verdict = "too few"
        else:
            verdict = f"{b / a:.2f}x {'ok' if b <= 0.7 * a else 'OVER'}" if a else "-"
        print(f"  {left['users']:>3} users: {a:>6.0f} ({n_a})  vs {b:>6.0f} ({n_b})  {verdict}")
    print()
    print("care actions, median and p95 in ms (requests), without -> with replica:")
    for left, right in zip(base["steps"], replica["steps"], strict=True):
        a, b = actions(left["stats"]), actions(right["stats"])
        print(f"  {left['users']} users")
        for name in sorted(n for n in a if n.startswith("care: ") and n in b):
            print(f"    {name:<28} {figures(a[name], minimum)}  ->  {figures(b[name], minimum)}")
    print()
    counts = replica["statements"]
    on_primary, on_replica = counts["primary"], counts["replica"]
    for title, index in (("all SELECTs", 0), ("SELECTs of the report views", 1)):
        total = on_primary[index] + on_replica[index]
        share = 100 * on_replica[index] / total if total else 0
        print(
            f"{title} on the replica: {on_replica[index]} of {total} ({share:.0f} %)"
            + ("  target >= 80 %" if index else "")
        )
    lag = replica["lag"]
    print(
        f"replication lag seen (replay_lag, every 2 s): median {lag.get('median_ms', 0)} ms, "
        f"p95 {lag.get('p95_ms', 0)} ms, max {lag.get('max_ms', 0)} ms over "
        f"{lag['samples']} samples"
    )
    failed = False
    for label, results in runs.items():
        errors = results["user_failures"] + results["ro_retries"]
        print()
        print(
            f"{label}: errors users saw {results['user_failures']}, writes attempted on the "
            f"replica {results['ro_retries']}, errors in the server logs "
            f"{results['errors']['errors_logged']}; integrity check:"
        )
        failed |= bool(integrity_report(results["integrity_rows"])) or bool(errors)
    return failed


if __name__ == "__main__":
    sys.exit(main())
