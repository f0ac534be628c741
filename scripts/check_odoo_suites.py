#!/usr/bin/env python3
"""Compare the failures in an Odoo test log with the known ones.

    scripts/check_odoo_suites.py ODOO_LOG BASELINE

Odoo's test runner logs ``FAIL: Class.method`` or ``ERROR: Class.method``
(from the logger of the test's Python module) for each failing test, and at
the end "F failed, E error(s) of N tests when loading database 'DB'".  The
BASELINE file lists the failures that also happen without customer_care, one
a line: ``addon:Class.method | cause``; ``#`` starts a comment.

Exit 1, listing them, when a failure is not in the baseline, when the log
holds fewer failure lines than the summary counts, or when no test ran (no
summary, or 0 tests).  Baseline entries that passed are listed as a note:
remove them from the baseline.
"""

import re
import sys

FAILURE = re.compile(
    r"^\S+ \S+ \d+ ERROR \S+ (?P<logger>[\w.]+): (?P<flavour>FAIL|ERROR): (?P<test>.+?)\s*$"
)
SUMMARY = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
ADDON = re.compile(r"^odoo\.addons\.(?P<addon>\w+)\.")


def failure_key(logger, test):
    """``addon:Class.method``; the whole logger name when it is no addon's."""
    match = ADDON.match(logger)
    return f"{match['addon'] if match else logger}:{test}"


def read_baseline(path):
    known = {}
    with open(path, encoding="utf-8") as baseline:
        for line in baseline:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            key, _sep, cause = line.partition("|")
            known[key.strip()] = cause.strip()
    return known


def check(lines, known):
    """Return (problems, failures, summary) for the log's lines."""
    failures = []
    summary = None
    for line in lines:
        match = FAILURE.match(line)
        if match:
            failures.append((match["flavour"], failure_key(match["logger"], match["test"])))
            continue
        match = SUMMARY.search(line)
        if match:
            summary = {name: int(value) for name, value in match.groupdict().items()}
    problems = []
    if summary is None:
        problems.append("the log has no test summary: Odoo stopped before running the tests")
    elif summary["run"] == 0:
        problems.append("no test ran: the --test-tags selection matched nothing")
    else:
        counted = summary["failed"] + summary["errors"]
        if counted > len(failures):
            problems.append(
                f"the summary counts {counted} failures and errors, "
                f"the log names only {len(failures)} of them"
            )
    problems += [
        f"{flavour}: {key} (not in the baseline)" for flavour, key in failures if key not in known
    ]
    return problems, failures, summary


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    known = read_baseline(argv[2])
    with open(argv[1], encoding="utf-8", errors="replace") as log:
        problems, failures, summary = check(log, known)
    if summary:
        print(
            f"Odoo's tests: {summary['run']} run, {summary['failed']} failed, "
            f"{summary['errors']} error(s); {len(known)} known failures in the baseline"
        )
    seen = {key for _flavour, key in failures}
    for flavour, key in failures:
        if key in known:
            print(f"known {flavour}: {key} ({known[key]})")
    for key in sorted(set(known) - seen):
        print(f"note: {key} passed, remove it from the baseline")
    if problems:
        print("\n".join(["Odoo's own tests fail with customer_care installed:", *problems]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
