"""Time each operation through the ORM beside its raw-SQL counterpart.

    python3 bench/run.py --db cc_bench [--batch-size 5000] [--ops facts_refresh]
                         [--json results.json] [--profile orm.prof]

For every operation (see ``operations/``): reset the data, run the ORM path
while measuring each batch (queries, seconds, memory), keep its result;
reset again, run the hand-written SQL pass; compare the two results; print
one table row.  The database must have been made by ``generate.py`` (or
hold the addon and enough data); the runner changes its care columns.
"""

import argparse
import contextlib
import cProfile
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from contextlib import nullcontext

import psutil
from common import connect, missing_columns, odoo_command, odoo_env
from operations import OPERATIONS, Context

MB = 1024 * 1024
# the server settings that move these figures the most, kept with the results
PG_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "random_page_cost",
    "max_parallel_workers_per_gather",
    "max_wal_size",
    "synchronous_commit",
    "autovacuum",
)


def log(message, *args):
    print(f"[run] {message % args}", flush=True)


class BatchProbe:
    """Per-batch figures of a batched ORM path.

    A batch ends at each ``ir.cron._commit_progress`` call (the project's
    crons commit every batch through it) or at an explicit :meth:`mark`.
    For each batch: rows, queries sent through the Odoo cursor, seconds,
    the process's resident memory after it, the growth of its peak resident
    memory during it, and with ``trace`` the peak of Python allocations
    (tracemalloc, which slows Python down: timings are then indicative).
    """

    def __init__(self, cr, trace=False):
        self.cr = cr
        self.trace = trace
        self.batches = []
        self.process = psutil.Process()

    def start(self):
        self.batches = []
        self._queries = self.cr.sql_log_count
        self._clock = time.monotonic()
        self._peak = self._max_rss()
        self.rss_start = self.process.memory_info().rss
        if self.trace:
            tracemalloc.start()

    def stop(self):
        if self.trace:
            tracemalloc.stop()

    @staticmethod
    def _max_rss():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux

    def mark(self, rows):
        now, queries, peak = time.monotonic(), self.cr.sql_log_count, self._max_rss()
        batch = {
            "rows": rows,
            "queries": queries - self._queries,
            "seconds": round(now - self._clock, 4),
            "rss_mb": round(self.process.memory_info().rss / MB, 1),
            "peak_growth_mb": round((peak - self._peak) / MB, 2),
        }
        if self.trace:
            batch["py_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / MB, 2)
            tracemalloc.reset_peak()
        self.batches.append(batch)
        self._queries, self._clock, self._peak = queries, now, peak

    @contextlib.contextmanager
    def on_commit_progress(self, env):
        """Mark a batch after every ``ir.cron._commit_progress``."""
        cls = env.registry["ir.cron"]
        own = cls.__dict__.get("_commit_progress")
        original = cls._commit_progress
        probe = self

        def _commit_progress(self, processed=0, **kwargs):
            result = original(self, processed, **kwargs)
            probe.mark(processed)
            return result

        cls._commit_progress = _commit_progress
        try:
            yield
        finally:
            if own is None:
                del cls._commit_progress
            else:
                cls._commit_progress = own

    def summary(self):
        """Figures over the full batches (the first also carries the run's setup)."""
        work = [b for b in self.batches if b["rows"]]
        steady = work[1:] or work
        if not work:
            return {}
        summary = {
            "batches": len(work),
            "queries_first": work[0]["queries"],
            "queries_min": min(b["queries"] for b in steady),
            "queries_max": max(b["queries"] for b in steady),
            "queries_total": sum(b["queries"] for b in self.batches),
            "batch_seconds_median": round(statistics.median(b["seconds"] for b in steady), 3),
            "rss_start_mb": round(self.rss_start / MB, 1),
            "rss_first_batch_mb": work[0]["rss_mb"],
            "rss_last_batch_mb": work[-1]["rss_mb"],
            "peak_growth_after_first_mb": round(sum(b["peak_growth_mb"] for b in steady), 2),
            "peak_growth_max_batch_mb": max(b["peak_growth_mb"] for b in steady),
        }
        if self.trace:
            summary["py_peak_max_mb"] = max(b["py_peak_mb"] for b in work)
        return summary


class QueryStats:
    """Time per query shape (literals and whitespace folded), via Odoo's query hooks."""

    def __init__(self):
        self.shapes = {}

    @staticmethod
    def shape(query):
        if isinstance(query, bytes):
            query = query.decode(errors="replace")
        query = re.sub(r"\s+", " ", str(query)).strip()
        return re.sub(r"\b\d+\b", "N", query)[:110]

    def hook(self, cr, query, params, start, delay):
        count, total = self.shapes.get(self.shape(query), (0, 0.0))
        self.shapes[self.shape(query)] = (count + 1, total + delay)

    @contextlib.contextmanager
    def installed(self):
        thread = threading.current_thread()
        hooks = getattr(thread, "query_hooks", None)
        thread.query_hooks = [*(hooks or ()), self.hook]
        try:
            yield
        finally:
            if hooks is None:
                del thread.query_hooks
            else:
                thread.query_hooks = hooks

    def top(self, limit=12):
        ranked = sorted(self.shapes.items(), key=lambda item: -item[1][1])[:limit]
        return [
            {"query": shape, "count": count, "seconds": round(total, 2)}
            for shape, (count, total) in ranked
        ]


class CpuClock:
    """CPU seconds of this process and of its PostgreSQL backend.

    Wall-clock times move with whatever else runs on the machine; CPU
    seconds much less.  Only the leader backend is counted: parallel
    workers come and go within a query, so their share is missing.
    """

    def __init__(self, cr):
        cr.execute("SELECT pg_backend_pid()")
        try:
            self.backend = psutil.Process(cr.fetchone()[0])
            self.backend.cpu_times()
        except psutil.Error:
            self.backend = None
        self.own = psutil.Process()

    @staticmethod
    def _seconds(process):
        if process is None:
            return None
        try:
            times = process.cpu_times()
        except psutil.Error:
            return None
        return times.user + times.system

    def read(self):
        return self._seconds(self.own), self._seconds(self.backend)

    @staticmethod
    def spent(before, after):
        return [
            round(b - a, 2) if a is not None and b is not None else None
            for a, b in zip(before, after, strict=True)
        ]


def settle(dbname):
    """Same starting line for both sides: vacuumed, analysed, checkpointed."""
    started = time.monotonic()
    with contextlib.closing(connect(dbname, autocommit=True)) as conn, conn.cursor() as cr:
        cr.execute("VACUUM (ANALYZE)")
        with contextlib.suppress(Exception):
            cr.execute("CHECKPOINT")
    return time.monotonic() - started


def run_operation(op, env, args):
    from odoo import fields  # loaded with the registry

    probe = BatchProbe(env.cr, trace=args.tracemalloc)
    ctx = Context(
        env=env,
        batch_size=args.batch_size,
        probe=probe,
        today=fields.Date.context_today(env["res.partner"]),
        verbose=args.verbose,
    )
    result = {"operation": op.name, "description": op.description}

    log("%s: reset", op.name)
    op.reset(ctx)
    log("%s: settle (vacuum, analyze, checkpoint) %.1f s", op.name, settle(env.cr.dbname))
    log("%s: ORM path, batch size %d", op.name, args.batch_size)
    profiler = cProfile.Profile() if args.profile else None
    stats = QueryStats()
    cpu = CpuClock(env.cr)
    cpu_before = cpu.read()
    probe.start()
    queries = env.cr.sql_log_count
    started = time.monotonic()
    with probe.on_commit_progress(env), stats.installed() if args.query_stats else nullcontext():
        if profiler:
            profiler.enable()
        rows = op.orm(ctx)
        if profiler:
            profiler.disable()
    result["orm_seconds"] = round(time.monotonic() - started, 2)
    result["orm_cpu_python"], result["orm_cpu_backend"] = cpu.spent(cpu_before, cpu.read())
    probe.stop()
    if args.query_stats:
        result["orm_query_stats"] = stats.top()
        for item in result["orm_query_stats"]:
            log("  %7.2f s %5d x  %s", item["seconds"], item["count"], item["query"])
    result["rows"] = rows
    result["orm_queries"] = env.cr.sql_log_count - queries
    result["batches"] = probe.summary()
    if args.batches:
        result["batch_detail"] = probe.batches
    if profiler:
        profiler.dump_stats(args.profile)
        log("%s: profile written to %s", op.name, args.profile)
    log(
        "%s: ORM %.1f s (CPU: Python %s s, backend %s s), %d rows",
        op.name,
        result["orm_seconds"],
        result["orm_cpu_python"],
        result["orm_cpu_backend"],
        rows,
    )
    op.snapshot(ctx)

    if not args.orm_only:
        op.reset(ctx)
        log("%s: settle %.1f s", op.name, settle(env.cr.dbname))
        log("%s: SQL pass", op.name)
        queries = env.cr.sql_log_count
        cpu_before = cpu.read()
        started = time.monotonic()
        sql_rows = op.sql(ctx)
        result["sql_seconds"] = round(time.monotonic() - started, 2)
        result["sql_cpu_python"], result["sql_cpu_backend"] = cpu.spent(cpu_before, cpu.read())
        result["sql_queries"] = env.cr.sql_log_count - queries
        result["sql_rows"] = sql_rows
        result["ratio"] = round(result["orm_seconds"] / max(result["sql_seconds"], 1e-9), 2)
        log(
            "%s: SQL %.1f s (CPU: backend %s s), %d rows",
            op.name,
            result["sql_seconds"],
            result["sql_cpu_backend"],
            sql_rows,
        )
        mismatches = op.check(ctx)
        result["mismatches"] = mismatches
        result["mismatch_total"] = sum(mismatches.values())
    if not args.keep:
        op.cleanup(ctx)
    result["notes"] = ctx.notes
    return result


def combine(runs):
    """One result from repeated runs: median times, every run kept."""
    if len(runs) == 1:
        return runs[0]
    result = dict(runs[-1])
    timed = ("orm_seconds", "sql_seconds", "orm_cpu_python", "orm_cpu_backend", "sql_cpu_backend")
    for key in timed:
        values = [run[key] for run in runs if run.get(key) is not None]
        if values:
            result[key] = round(statistics.median(values), 2)
            result[f"{key}_runs"] = values
    if "sql_seconds" in result:
        ratios = [run["ratio"] for run in runs]
        result["ratio"] = round(result["orm_seconds"] / max(result["sql_seconds"], 1e-9), 2)
        result["ratio_runs"] = ratios
    result["mismatch_total"] = sum(run.get("mismatch_total", 0) for run in runs)
    result["runs"] = [
        {key: value for key, value in run.items() if key not in ("batch_detail", "notes")}
        for run in runs
    ]
    return result


def cpu(*seconds):
    if any(value is None for value in seconds):
        return "—"
    return "+".join(f"{value:.0f}" for value in seconds)


def table(results):
    header = [
        "operation",
        "rows",
        "ORM s",
        "SQL s",
        "ratio",
        "CPU ORM py+pg",
        "CPU SQL pg",
        "batches",
        "q/batch",
        "q 1st",
        "RSS 1st→last MB",
        "peak +MB",
        "check",
    ]
    lines = []
    for r in results:
        b = r.get("batches") or {}
        check = "—"
        if "mismatch_total" in r:
            check = "same" if not r["mismatch_total"] else f"{r['mismatch_total']} diff"
        lines.append(
            [
                r["operation"],
                f"{r['rows']:,}",
                f"{r['orm_seconds']:.1f}",
                f"{r['sql_seconds']:.1f}" if "sql_seconds" in r else "—",
                f"{r['ratio']:.2f}x" if "ratio" in r else "—",
                cpu(r.get("orm_cpu_python"), r.get("orm_cpu_backend")),
                cpu(r.get("sql_cpu_backend")),
                str(b.get("batches", "—")),
                f"{b['queries_min']}-{b['queries_max']}" if b else "—",
                str(b.get("queries_first", "—")),
                f"{b['rss_first_batch_mb']:.0f}→{b['rss_last_batch_mb']:.0f}" if b else "—",
                f"{b['peak_growth_after_first_mb']:.1f}" if b else "—",
                check,
            ]
        )
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    out = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out.append("-+-".join("-" * w for w in widths))
    out += [" | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in lines]
    return "\n".join(out)


def machine(env):
    env.cr.execute("SHOW server_version")
    server = env.cr.fetchone()[0]
    env.cr.execute(
        """SELECT (SELECT count(*) FROM res_partner),
                  (SELECT count(*) FROM res_partner WHERE id = commercial_partner_id),
                  (SELECT count(*) FROM sale_order WHERE state = 'sale'),
                  (SELECT count(*) FROM sale_order_line)"""
    )
    partners, commercial, orders, lines = env.cr.fetchone()
    env.cr.execute(
        "SELECT name, current_setting(name) FROM pg_settings WHERE name IN %s ORDER BY name",
        (PG_SETTINGS,),
    )
    settings = dict(env.cr.fetchall())
    env.cr.rollback()
    return {
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "postgresql_settings": settings,
        "cpus": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "postgresql": server,
        "partners": partners,
        "commercial_partners": commercial,
        "confirmed_orders": orders,
        "order_lines": lines,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument(
        "--ops",
        default=",".join(OPERATIONS),
        help=f"comma-separated operations (default all: {', '.join(OPERATIONS)})",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each operation N times, report the medians"
    )
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--batches", action="store_true", help="keep every batch in the JSON")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="trace Python allocations per batch (slows the ORM path down)",
    )
    parser.add_argument("--profile", help="cProfile the ORM path into this file")
    parser.add_argument(
        "--query-stats", action="store_true", help="time the ORM path's queries by shape"
    )
    parser.add_argument("--orm-only", action="store_true", help="skip the SQL pass and check")
    parser.add_argument("--keep", action="store_true", help="keep the ORM snapshot tables")
    parser.add_argument(
        "--update",
        action="store_true",
        help="first update customer_care in the database to the code (odoo -u)",
    )
    parser.add_argument(
        "--addons-path", help="where to load customer_care from (default: this repository)"
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.ops.split(",") if name.strip()]
    unknown = [name for name in names if name not in OPERATIONS]
    if unknown:
        sys.exit(f"unknown operation(s): {', '.join(unknown)}; known: {', '.join(OPERATIONS)}")

    if args.update:
        log("updating customer_care in %s", args.db)
        subprocess.run(
            odoo_command(
                args.db, "-u", "customer_care", "--stop-after-init", addons_path=args.addons_path
            ),
            check=True,
        )
    results = []
    with odoo_env(args.db, args.addons_path) as env:
        if missing := missing_columns(env):
            sys.exit(
                f"{args.db} is behind the code ({len(missing)} field(s) without a column, "
                f"e.g. {', '.join(missing[:3])}): rerun with --update"
            )
        info = machine(env)
        log(
            "%s: %d partners (%d commercial), %d confirmed orders, %d lines; "
            "%d CPUs, PostgreSQL %s",
            args.db,
            info["partners"],
            info["commercial_partners"],
            info["confirmed_orders"],
            info["order_lines"],
            info["cpus"],
            info["postgresql"],
        )
        for name in names:
            runs = []
            for repeat in range(args.repeat):
                if args.repeat > 1:
                    log("%s: run %d of %d", name, repeat + 1, args.repeat)
                runs.append(run_operation(OPERATIONS[name], env, args))
            results.append(combine(runs))
    print()
    print(table(results))
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for result in results:
        if result.get("mismatch_total"):
            print(f"\n{result['operation']}: mismatches {result['mismatches']}")
            for row in result["notes"].get("mismatch_sample", []):
                print("  ", row)
    if args.json:
        payload = {
            "db": args.db,
            "batch_size": args.batch_size,
            "when": time.strftime("%Y-%m-%d %H:%M:%S"),
            "machine": info,
            "results": results,
        }
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(payload, out, indent=2, default=str)
        log("results written to %s", args.json)
    return 1 if any(r.get("mismatch_total") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
