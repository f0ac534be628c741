#!/usr/bin/env python3
"""Read an Odoo server log and say whether the scheduled jobs went quiet.

    scripts/check_cron_log.py SERVER_LOG [--job-prefix "Customer Care"]

Odoo's scheduler logs one line per job execution:
``Job 'NAME' (ID) fully done|partially done|failed (#loop N; done D; remaining R; …)``.
A healthy job is *fully done*, or *partially done* while its remaining count
goes down.  This check fails (exit 1) when a job of the addon reports
*partially done* twice in a row with the same figures (no progress: the
symptom of a job that starts over on every call), or fails, and prints how
many executions each job had.
"""

import argparse
import re
import sys
from collections import defaultdict

LINE = re.compile(
    r"Job '(?P<name>[^']*)' \((?P<id>\d+)\) (?P<status>fully done|partially done|failed) "
    r"\(#loop (?P<loops>\d+); done (?P<done>\d+); remaining (?P<remaining>\d+)"
)


def check(lines, prefix):
    executions = defaultdict(lambda: defaultdict(int))
    stuck = []
    previous = {}
    for line in lines:
        match = LINE.search(line)
        if not match or not match["name"].startswith(prefix):
            continue
        name, status = match["name"], match["status"]
        figures = (status, match["done"], match["remaining"])
        executions[name][status] += 1
        if status == "failed":
            stuck.append(f"{name}: failed")
        if status == "partially done" and previous.get(name) == figures:
            stuck.append(
                f"{name}: partially done twice in a row without progress "
                f"(done {figures[1]}, remaining {figures[2]})"
            )
        previous[name] = figures
    return executions, stuck


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log")
    parser.add_argument("--job-prefix", default="Customer Care")
    args = parser.parse_args()
    with open(args.log, encoding="utf-8", errors="replace") as handle:
        executions, stuck = check(handle, args.job_prefix)
    if not executions:
        print(f"no execution of a job named {args.job_prefix}… in {args.log}")
        return 1
    for name in sorted(executions):
        figures = ", ".join(f"{count} {status}" for status, count in executions[name].items())
        print(f"{name}: {figures}")
    for problem in stuck:
        print(f"PROBLEM {problem}")
    return 1 if stuck else 0


if __name__ == "__main__":
    sys.exit(main())
