"""Benchmark: signed chat app webhook events through the real HTTP route.

    python3 bench/messaging_inbound.py --db NAME [-n 10000] [--senders 1000]
                                       [--threads 16] [--workers 0] [--keep]

``NAME`` is a database where customer_care_messaging is installed; the
script copies it (``createdb -T NAME NAME_bench``), starts an Odoo server
on 127.0.0.1 on that copy with ``odoo-bin`` (prefork re-executes
``sys.argv[0]``), creates an active Zalo account there, and posts N signed
Zalo events (``user_send_text``, from ``--senders`` distinct users: each
user's first message opens an incident, the next ones thread into it) from
a pool of threads, as Zalo does.  ``--workers 0`` (Odoo's default) is the
threaded server with its default two cron threads; ``--workers N`` the
prefork server.

It prints the events accepted per second and the p50 / p95 / max answer
times of the route (Zalo's limit is 2 s), then waits for the processing
job (the server's own scheduled action, woken up by the route) to finish
and prints the events processed per second, the server's memory (RSS,
with its workers) before, after posting and after processing, the load
average and the machine.  Nothing is asserted.  The copy is dropped at the
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("-n", "--events", type=int, default=10000)
    parser.add_argument("--senders", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

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
        f"--addons-path={REPO_ROOT}",
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
        for index in range(args.events, args.events + 20):
            body, headers = signed_event(index, args.senders)
            session.post(f"{url}/customer_care/messaging/zalo/{key}", data=body, headers=headers)
        sql(bench_db, "DELETE FROM customer_care_messaging_event", fetch=False)
        rss_before = rss_kb(server.pid)

        def post(index):
            body, headers = signed_event(index, args.senders)
            started = time.perf_counter()
            response = session.post(
                f"{url}/customer_care/messaging/zalo/{key}", data=body, headers=headers, timeout=30
            )
            return time.perf_counter() - started, response.status_code

        started = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            results = list(pool.map(post, range(args.events)))
        posting = time.perf_counter() - started
        rss_posted = rss_kb(server.pid)
        times = sorted(duration for duration, _status in results)
        accepted = sum(1 for _duration, status in results if status == 200)
        p95 = times[int(len(times) * 0.95) - 1]

        # the processing job: woken up by the route, it runs in the server's
        # cron threads (or cron worker); wait until nothing is pending
        while True:
            ((pending, last),) = sql(
                bench_db,
                """SELECT count(*) FILTER (WHERE state = 'pending'), max(date_processed)
                     FROM customer_care_messaging_event""",
            )
            if not pending:
                break
            if server.poll() is not None:
                sys.exit("the Odoo server stopped while processing")
            time.sleep(2)
        processing = time.perf_counter() - started
        ((done, failed, incidents, first, last),) = sql(
            bench_db,
            """SELECT count(*) FILTER (WHERE state = 'done'),
                      count(*) FILTER (WHERE state = 'failed'), count(DISTINCT incident_id),
                      min(create_date), max(date_processed)
                 FROM customer_care_messaging_event""",
        )
        rss_after = rss_kb(server.pid)
        mode = f"prefork, {args.workers} workers" if args.workers else "threaded (workers=0)"
        print(
            f"server: {mode}, default cron threads (other scheduled actions postponed); "
            f"{args.threads} posting threads"
        )
        print(
            f"posted {args.events} signed Zalo events from {args.senders} users "
            f"in {posting:.1f} s: {accepted} accepted ({accepted / posting:.0f}/s)"
        )
        print(
            f"answer time: p50 {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms (Zalo's limit: 2000 ms)"
        )
        span = (last - first).total_seconds() if first and last else processing
        print(
            f"processed {done} events ({failed} failed, {incidents} incidents) "
            f"{span:.1f} s after the first arrived: {done / span:.0f}/s"
        )
        print(
            f"server RSS: {rss_before / 1024:.0f} MB before, {rss_posted / 1024:.0f} MB after "
            f"posting, {rss_after / 1024:.0f} MB after processing"
        )
        with contextlib.closing(psycopg2.connect(dbname=bench_db)) as conn, conn.cursor() as cr:
            print(f"machine: {machine(cr)}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", "--force", bench_db], check=False)


if __name__ == "__main__":
    main()
