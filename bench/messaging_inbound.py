"""Benchmark: signed chat app webhook events through the real HTTP route.

    python3 bench/messaging_inbound.py --db NAME [-n 10000] [--senders 1000]
                                       [--threads 50] [--workers 0]
                                       [--phase live|backlog|both]
                                       [--previous DIR [--previous-events N]]
                                       [--rounds N] [--json FILE] [--keep]

``NAME`` is a database where customer_care_messaging is installed; for each
run the script copies it (``createdb -T NAME NAME_bench``), starts an Odoo
server on 127.0.0.1 on that copy with ``odoo-bin`` (prefork re-executes
``sys.argv[0]``), creates an active Zalo account there, and posts N signed
Zalo events (``user_send_text``, from ``--senders`` distinct users: each
user's first message opens an incident, the next ones thread into it) from
a pool of ``--threads`` threads, as Zalo does.  ``--workers 0`` (Odoo's
default) is the threaded server with its default two cron threads;
``--workers N`` the prefork server.

Two phases, each on a fresh copy:

* **live**: the processing job (the server's own scheduled action, woken up
  by the route) runs while the events arrive; printed: the events accepted
  per second, the p50 / p95 / max answer times of the route (Zalo's limit is
  2 s), and the events processed per second from the first arrival to the
  last processing (it cannot exceed the arrival rate);
* **backlog**: the events are posted with the job paused, then the job is
  resumed and drains them; printed: the events processed per second, the
  job's own pace, and the longest pause between two of its batches (the job
  waiting for the scheduler, not working).

``--previous DIR`` runs the same phases with the addons of ``DIR`` (a
checkout of the previous code, e.g. ``git worktree add /tmp/prev <commit>``)
before this code, on the same database and machine, and prints both side by
side (``--previous-events`` to post fewer events to the slower side; the
table gives each run's count); ``--rounds N`` repeats each phase N times,
alternating the codes, and prints the medians.  Each run also measures the
CPU seconds of the server and of its PostgreSQL backends while it processes
(backlog: from the job's resumption; live: from the first post): on a shared
machine the events processed per CPU second move much less than those per
second.  Also printed: the server's memory (RSS, with its workers), the load
average and the machine.  Nothing is asserted.  The copies are dropped at the
end unless ``--keep``.
"""

import argparse
import contextlib
import hashlib
import json
import secrets
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import psycopg2
import requests
from common import machine

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_ID, OA_SECRET = "bench-app", "bench-oa-secret"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_bin():
    import odoo  # only to find the Odoo tree

    return Path(next(iter(odoo.__path__))).parent / "odoo-bin"


def sql(db, query, params=(), fetch=True):
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if fetch else None
    finally:
        conn.close()


def rss_kb(pid):
    """The resident memory of the server and its children (prefork workers)."""
    total = 0
    pids = [pid]
    try:
        children = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        pids += [int(child) for child in children]
    except FileNotFoundError:
        pass
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total


def server_cpu(pid):
    """CPU seconds (user + system) of the server and its children (prefork
    workers, the gevent process)."""
    total = 0.0
    try:
        server = psutil.Process(pid)
        for process in (server, *server.children(recursive=True)):
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total += times.user + times.system
    except psutil.NoSuchProcess:
        pass
    return total


def backends_cpu(db):
    """``{pid: CPU seconds}`` of the PostgreSQL backends connected to ``db``
    (the server's pooled connections; this script's own is left out)."""
    pids = sql(
        db, "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid != pg_backend_pid()", (db,)
    )
    seconds = {}
    for (pid,) in pids:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            times = psutil.Process(pid).cpu_times()
            seconds[pid] = times.user + times.system
    return seconds


def cpu_spent(before, after):
    """CPU seconds between two ``(server, backends)`` samples: a backend that
    appeared meanwhile counts from zero, one that ended is left out."""
    backends = sum(seconds - before[1].get(pid, 0.0) for pid, seconds in after[1].items())
    return after[0] - before[0], backends


def setup_account(db, key):
    """An active Zalo account of the main company, through SQL (the webhook
    key is the address the events are posted to)."""
    company = sql(db, "SELECT id FROM res_company ORDER BY id LIMIT 1")[0][0]
    sql(
        db,
        """INSERT INTO customer_care_messaging_account
               (name, active, provider, company_id, app_id, secret, webhook_key, window_hours,
                replay_minutes, api_base_url, create_date, write_date)
           VALUES ('Zalo bench', true, 'zalo', %s, %s, %s, %s, 168, 5, 'http://127.0.0.1:9',
                   now(), now())""",
        (company, APP_ID, OA_SECRET, key),
        fetch=False,
    )


def quiet_other_jobs(db):
    """The copy's other scheduled actions are overdue (a copied database):
    postpone them a day so the cron threads run the processing job only."""
    sql(
        db,
        """UPDATE ir_cron SET nextcall = now() + interval '1 day'
            WHERE id NOT IN (SELECT res_id FROM ir_model_data
                              WHERE model = 'ir.cron' AND module = 'customer_care_messaging'
                                AND name = 'ir_cron_messaging_process')""",
        fetch=False,
    )
    sql(db, "DELETE FROM ir_cron_trigger", fetch=False)


def signed_event(index, senders):
    payload = {
        "app_id": APP_ID,
        "sender": {"id": f"bench-user-{index % senders}"},
        "recipient": {"id": "bench-oa"},
        "event_name": "user_send_text",
        "message": {"msg_id": f"bench-msg-{index}", "text": f"Hỏi về đơn hàng số {index}"},
        "timestamp": str(int(time.time() * 1000)),
    }
    body = json.dumps(payload).encode()
    mac = hashlib.sha256(
        APP_ID.encode() + body + payload["timestamp"].encode() + OA_SECRET.encode()
    )
    return body, {
        "X-ZEvent-Signature": f"mac={mac.hexdigest()}",
        "Content-Type": "application/json",
    }


def wait_for_server(url, proc, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the Odoo server stopped (exit {proc.returncode})")
        try:
            requests.get(f"{url}/web/health", timeout=2)
            return
        except requests.RequestException:
            time.sleep(1)
    sys.exit("the Odoo server did not answer in time")


def cron_id(db):
    return sql(
        db,
        """SELECT res_id FROM ir_model_data
            WHERE model = 'ir.cron' AND module = 'customer_care_messaging'
              AND name = 'ir_cron_messaging_process'""",
    )[0][0]


def pause_job(db):
    sql(db, "UPDATE ir_cron SET active = false WHERE id = %s", (cron_id(db),), fetch=False)


def resume_job(db):
    """The job active and due now, its cron thread woken up as Odoo does."""
    job = cron_id(db)
    sql(db, "UPDATE ir_cron SET active = true, nextcall = now() WHERE id = %s", (job,), fetch=False)
    sql(
        db,
        "INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES (%s, now() at time zone 'UTC')",
        (job,),
        fetch=False,
    )
    sql(db, "SELECT pg_notify('cron_trigger', %s)", (db,), fetch=False)


def wait_processed(db, server, cpu_samples=None):
    """Wait until no event is pending; ``cpu_samples`` receives a CPU sample
    ``(server, backends)`` per second, the last one taken once none is left
    (a backend's seconds are kept from the last sample it was seen in)."""
    backends = {}
    while True:
        ((pending,),) = sql(
            db, "SELECT count(*) FROM customer_care_messaging_event WHERE state = 'pending'"
        )
        if cpu_samples is not None:
            backends.update(backends_cpu(db))
            cpu_samples.append((server_cpu(server.pid), dict(backends)))
        if not pending:
            return
        if server.poll() is not None:
            sys.exit("the Odoo server stopped while processing")
        time.sleep(1)


def run(args, addons_path, events, phase):
    """One run of ``phase`` with the addons of ``addons_path``: its figures."""
    bench_db = f"{args.db}_bench"
    subprocess.run(["dropdb", "--if-exists", "--force", bench_db], check=True)
    subprocess.run(["createdb", "-T", args.db, bench_db], check=True)
    key = secrets.token_urlsafe(24)
    setup_account(bench_db, key)
    quiet_other_jobs(bench_db)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = REPO_ROOT / ".local" / "bench-messaging-server.log"
    command = [
        sys.executable,
        str(odoo_bin()),
        f"--database={bench_db}",
        f"--db-filter=^{bench_db}$",
        f"--addons-path={addons_path}",
        f"--data-dir={REPO_ROOT / '.local' / 'data'}",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={free_port()}",
        f"--workers={args.workers}",
        "--log-level=warn",
        f"--logfile={log}",
    ]
    server = subprocess.Popen(command)
    try:
        wait_for_server(url, server)
        session = requests.Session()
        session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=args.threads))
        # warm up the route (registry, caches) before measuring
        for index in range(events, events + 20):
            body, headers = signed_event(index, args.senders)
            session.post(f"{url}/customer_care/messaging/zalo/{key}", data=body, headers=headers)
        wait_processed(bench_db, server)
        sql(bench_db, "DELETE FROM customer_care_messaging_event", fetch=False)
        if phase == "backlog":
            pause_job(bench_db)
        rss_before = rss_kb(server.pid)

        def post(index):
            body, headers = signed_event(index, args.senders)
            started = time.perf_counter()
            response = session.post(
                f"{url}/customer_care/messaging/zalo/{key}", data=body, headers=headers, timeout=60
            )
            return time.perf_counter() - started, response.status_code

        cpu_posting = (server_cpu(server.pid), backends_cpu(bench_db))
        started = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            results = list(pool.map(post, range(events)))
        posting = time.perf_counter() - started
        rss_posted = rss_kb(server.pid)
        times = sorted(duration for duration, _status in results)
        accepted = sum(1 for _duration, status in results if status == 200)
        resumed = None
        if phase == "backlog":
            cpu_before = (server_cpu(server.pid), backends_cpu(bench_db))
            ((resumed,),) = sql(bench_db, "SELECT now() at time zone 'UTC'")
            resume_job(bench_db)
        else:
            cpu_before = cpu_posting
        wait_processed(bench_db, server, cpu_samples := [])
        cpu_python, cpu_backends = cpu_spent(cpu_before, cpu_samples[-1])
        ((done, failed, incidents, first, last),) = sql(
            bench_db,
            """SELECT count(*) FILTER (WHERE state = 'done'),
                      count(*) FILTER (WHERE state = 'failed'), count(DISTINCT incident_id),
                      min(create_date), max(date_processed)
                 FROM customer_care_messaging_event""",
        )
        span = (last - (resumed or first)).total_seconds()
        # the longest wait between two batches (a batch stamps its events with
        # the moment it started, to the second): the job idle, not slow
        ((pause,),) = sql(
            bench_db,
            """SELECT COALESCE(EXTRACT(EPOCH FROM max(moment - previous)), 0)
                 FROM (SELECT moment, lag(moment) OVER (ORDER BY moment) AS previous
                         FROM (SELECT DISTINCT date_processed AS moment
                                 FROM customer_care_messaging_event
                                WHERE date_processed IS NOT NULL) AS moments) AS pauses""",
        )
        return {
            "phase": phase,
            "addons_path": str(addons_path),
            "events": events,
            "accepted": accepted,
            "posting_s": posting,
            "accepted_per_s": accepted / posting,
            "p50_ms": statistics.median(times) * 1000,
            "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
            "max_ms": times[-1] * 1000,
            "done": done,
            "failed": failed,
            "incidents": incidents,
            "processing_s": span,
            "processed_per_s": done / span if span > 0 else None,
            "longest_pause_s": float(pause),
            # CPU seconds of the server and of its PostgreSQL backends while
            # processing (backlog: from the job's resumption; live: from the
            # first post, the route's work included)
            "cpu_python": cpu_python,
            "cpu_backend": cpu_backends,
            "processed_per_cpu_s": done / (cpu_python + cpu_backends)
            if cpu_python + cpu_backends > 0
            else None,
            "rss_mb": [
                round(value / 1024) for value in (rss_before, rss_posted, rss_kb(server.pid))
            ],
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", "--force", bench_db], check=False)


def print_run(label, result):
    print(
        f"{label:<9} {result['phase']:<8} {result['events']:>7,} "
        f"{result['accepted_per_s']:>9.0f} {result['p50_ms']:>7.0f} {result['p95_ms']:>7.0f} "
        f"{result['max_ms']:>7.0f} {result['processed_per_s'] or 0:>11.1f} "
        f"{result['longest_pause_s']:>7.0f} "
        f"{result['cpu_python']:>6.1f}+{result['cpu_backend']:<5.1f} "
        f"{result['processed_per_cpu_s'] or 0:>9.1f} "
        f"{result['failed']:>6} {result['incidents']:>9,}  "
        f"{result['rss_mb'][0]}/{result['rss_mb'][1]}/{result['rss_mb'][2]}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("-n", "--events", type=int, default=10000)
    parser.add_argument("--senders", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--phase", choices=("live", "backlog", "both"), default="both")
    parser.add_argument("--addons-path", default=str(REPO_ROOT))
    parser.add_argument("--previous", help="addons path of the previous code, run first")
    parser.add_argument("--previous-events", type=int, help="events posted to the previous code")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each code and phase")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    phases = ("live", "backlog") if args.phase == "both" else (args.phase,)
    sides = [("this", args.addons_path, args.events)]
    if args.previous:
        sides.insert(0, ("previous", args.previous, args.previous_events or args.events))
    figures = []
    for round_ in range(1, args.rounds + 1):
        for phase in phases:
            for label, addons_path, events in sides:
                result = run(args, addons_path, events, phase)
                result.update(code=label, round=round_)
                figures.append(result)
                print(f"{label} code, {phase}, run {round_}: {json.dumps(result)}", flush=True)

    mode = f"prefork, {args.workers} workers" if args.workers else "threaded (workers=0)"
    print()
    print(
        f"server: {mode}, default cron threads (other scheduled actions postponed); "
        f"{args.threads} posting threads, {args.senders} senders"
    )
    print(
        "code      phase     events  accepted/s  p50 ms  p95 ms  max ms  processed/s "
        "pause s CPU py+pg s  per CPU s failed incidents  RSS MB before/posted/after"
    )
    for result in figures:
        print_run(result["code"], result)
    for phase in phases:
        medians = {}
        for label, _path, _events in sides:
            mine = [r for r in figures if r["phase"] == phase and r["code"] == label]
            medians[label] = [
                statistics.median(r[key] or 0 for r in mine)
                for key in ("processed_per_s", "processed_per_cpu_s")
            ]
            print(
                f"{phase}: median {label:<8} {medians[label][0]:>8.1f} processed/s, "
                f"{medians[label][1]:>7.1f} per CPU s ({len(mine)} runs)"
            )
        if len(medians) == 2 and all(medians["previous"]):
            print(
                f"{phase}: this / previous = "
                f"{medians['this'][0] / medians['previous'][0]:.1f}x processed/s, "
                f"{medians['this'][1] / medians['previous'][1]:.2f}x per CPU second"
            )
    with contextlib.closing(psycopg2.connect(dbname=args.db)) as conn, conn.cursor() as cr:
        print(f"machine: {machine(cr)}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, default=str))


if __name__ == "__main__":
    main()
