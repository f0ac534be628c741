"""Benchmark of the care inbox's first page at 100,000 open conversations.

Generates N conversations waiting for an answer (nine incidents in ten,
one care plan in ten, each with the customer's message) and as many closed
incidents that wait for nobody, in a few ``INSERT ... SELECT
generate_series`` statements, then asks for pages of the inbox exactly as
the web client's list does (``web_search_read`` with the list's fields and
``count_limit``), as a care manager and as a care user (whose record rules
apply), with the inbox's filters, and, side by side in the same run, the
first page of the incidents' own list (``customer.care.incident``, its
default order) over the same data.  Prints the server time (median, p95,
number of samples) and the queries of each page, and the plan of the
inbox's page query.  Run it on a scratch copy of a database where
customer_care is installed; what it generated is deleted afterwards unless
``--keep`` is given::

    createdb -T my_care_db care_bench
    python3 bench/inbox.py -d care_bench -n 100000
"""

import argparse
import statistics
import time

from common import machine, odoo_env

from odoo.api import SUPERUSER_ID
from odoo.tests import new_test_user
from odoo.tools import SQL

PREFIX = "BENCH INBOX "
LIST_SPEC = {
    "date_waiting": {},
    "partner_id": {"fields": {"display_name": {}}},
    "channel": {},
    "source": {},
    "name": {},
    "last_message": {},
    "date_deadline": {},
    "sla_state": {},
    "user_id": {"fields": {"display_name": {}}},
    "team_id": {"fields": {"display_name": {}}},
    "priority": {},
    "company_id": {"fields": {"display_name": {}}},
    "res_model": {},
    "res_id": {},
}
INCIDENT_SPEC = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "kind": {},
    "channel": {},
    "priority": {},
    "state": {},
    "sla_state": {},
    "user_id": {"fields": {"display_name": {}}},
    "date_received": {},
    "company_id": {"fields": {"display_name": {}}},
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("-n", "--count", type=int, default=100_000, help="open conversations")
    parser.add_argument("--samples", type=int, default=30, help="pages asked for each case")
    parser.add_argument("--keep", action="store_true", help="keep the generated records")
    return parser.parse_args()


def generate(env, count):
    """N waiting conversations (and N closed incidents), their customers'
    messages, a few hundred customers, a care user responsible for a third."""
    env["res.partner"].create(
        [{"name": f"{PREFIX}Customer {n}", "email": f"inbox{n}@example.com"} for n in range(500)]
    )
    user = env["res.users"].search([("login", "=", "bench_inbox_user")]) or new_test_user(
        env, login="bench_inbox_user", groups="base.group_user,customer_care.group_care_user"
    )
    manager = env["res.users"].search([("login", "=", "bench_inbox_manager")]) or new_test_user(
        env,
        login="bench_inbox_manager",
        groups="base.group_user,customer_care.group_care_manager",
    )
    policy = env.ref("customer_care.customer_care_sla_policy_default")
    incidents = count - count // 10
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            INSERT INTO customer_care_incident (
                name, partner_id, commercial_partner_id, company_id, kind, channel, priority,
                state, sla_policy_id, sla_state, escalation_level, satisfaction, user_id,
                date_received, date_awaiting_reply, response_deadline, resolution_deadline,
                create_uid, write_uid, create_date, write_date)
            SELECT %(prefix)s || i, p.ids[1 + i %% 500], p.ids[1 + i %% 500], %(company)s,
                   'question', 'email', '0',
                   CASE WHEN i > %(open)s THEN 'closed' ELSE 'new' END, %(policy)s,
                   CASE WHEN i %% 7 = 0 THEN 'at_risk' ELSE 'on_track' END, 0, 0,
                   CASE WHEN i %% 3 = 0 THEN %(user)s END,
                   received, CASE WHEN i <= %(open)s THEN received END,
                   received + interval '1 hour', received + interval '1 day',
                   %(uid)s, %(uid)s, received, received
              FROM (SELECT i, (now() at time zone 'UTC') - make_interval(secs => i * 7) AS received
                      FROM generate_series(1, %(total)s) AS i) AS series,
                   (SELECT array_agg(id) AS ids FROM res_partner WHERE name LIKE %(like)s) AS p
            """,
            prefix=PREFIX,
            like=PREFIX + "%",
            company=env.company.id,
            policy=policy.id,
            user=user.id,
            open=incidents,
            total=incidents * 2,
            uid=SUPERUSER_ID,
        )
    )
    env.cr.execute(
        SQL(
            """
            INSERT INTO customer_care_plan (
                name, partner_id, company_id, user_id, state, trigger, channel, date_deadline,
                date_awaiting_reply, create_uid, write_uid, create_date, write_date)
            SELECT %(prefix)s || i, p.ids[1 + i %% 500], %(company)s,
                   CASE WHEN i %% 3 = 0 THEN %(user)s END, 'planned', 'manual', 'phone',
                   (now() at time zone 'UTC')::date, received,
                   %(uid)s, %(uid)s, received, received
              FROM (SELECT i, (now() at time zone 'UTC') - make_interval(secs => i * 70) AS received
                      FROM generate_series(1, %(plans)s) AS i) AS series,
                   (SELECT array_agg(id) AS ids FROM res_partner WHERE name LIKE %(like)s) AS p
            """,
            prefix=PREFIX,
            like=PREFIX + "%",
            company=env.company.id,
            user=user.id,
            plans=count // 10,
            uid=SUPERUSER_ID,
        )
    )
    # the customer's message on every record
    for table, model in (
        ("customer_care_incident", "customer.care.incident"),
        ("customer_care_plan", "customer.care.plan"),
    ):
        env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (model, res_id, body, message_type, author_id,
                                          date, create_uid, write_uid, create_date, write_date)
                SELECT %(model)s, r.id, '<p>Hello, is my order on its way? ' || r.id || '</p>',
                       'email', r.partner_id, r.create_date, %(uid)s, %(uid)s,
                       r.create_date, r.create_date
                  FROM %(table)s r WHERE r.name LIKE %(like)s
                """,
                model=model,
                table=SQL.identifier(table),
                like=PREFIX + "%",
                uid=SUPERUSER_ID,
            )
        )
    env.cr.execute("ANALYZE customer_care_incident")
    env.cr.execute("ANALYZE customer_care_plan")
    env.cr.execute("ANALYZE mail_message")
    env.cr.commit()
    return user, manager


def cleanup(env):
    env.cr.execute(
        SQL(
            """DELETE FROM mail_message
                WHERE (model = 'customer.care.incident' AND res_id IN (
                         SELECT id FROM customer_care_incident WHERE name LIKE %(like)s))
                   OR (model = 'customer.care.plan' AND res_id IN (
                         SELECT id FROM customer_care_plan WHERE name LIKE %(like)s))""",
            like=PREFIX + "%",
        )
    )
    for table in ("customer_care_incident", "customer_care_plan"):
        env.cr.execute(
            SQL("DELETE FROM %s WHERE name LIKE %s", SQL.identifier(table), PREFIX + "%")
        )
    env.cr.execute(SQL("DELETE FROM res_partner WHERE name LIKE %s", PREFIX + "%"))
    env.cr.commit()


def measure(env, user, model, spec, domain, samples, offset=0):
    """Server milliseconds and queries of ``samples`` list pages."""
    records = env[model].with_user(user)
    times, queries, length = [], [], 0
    for _n in range(samples + 1):  # the first one warms the caches
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        result = records.web_search_read(domain, spec, offset=offset, limit=80, count_limit=10001)
        times.append((time.perf_counter() - start) * 1000)
        queries.append(env.cr.sql_log_count - before)
        length = result["length"]
    times, queries = times[1:], queries[1:]
    ordered = sorted(times)
    return {
        "median": statistics.median(times),
        "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "n": len(times),
        "queries": max(queries),
        "length": length,
    }


def main():
    args = parse_args()
    with odoo_env(args.database, args.addons_path) as env:
        print(f"machine: {machine(env.cr)}")
        cleanup(env)
        start = time.perf_counter()
        user, manager = generate(env, args.count)
        print(
            f"generated {args.count:,} waiting conversations and as many closed incidents "
            f"in {time.perf_counter() - start:.1f} s"
        )
        try:
            waiting = env["customer.care.inbox"].search_count([])
            print(f"the inbox holds {waiting:,} conversations\n")
            cases = [
                ("inbox, first page (manager)", manager, "customer.care.inbox", LIST_SPEC, [], 0),
                ("inbox, page 10 (manager)", manager, "customer.care.inbox", LIST_SPEC, [], 720),
                ("inbox, first page (care user)", user, "customer.care.inbox", LIST_SPEC, [], 0),
                (
                    "inbox, Unassigned",
                    manager,
                    "customer.care.inbox",
                    LIST_SPEC,
                    [("user_id", "=", False)],
                    0,
                ),
                (
                    "inbox, Mine",
                    user,
                    "customer.care.inbox",
                    LIST_SPEC,
                    [("user_id", "=", user.id)],
                    0,
                ),
                (
                    "inbox, Breaching Soon",
                    manager,
                    "customer.care.inbox",
                    LIST_SPEC,
                    [("sla_state", "=", "at_risk")],
                    0,
                ),
                (
                    "incidents' own list, first page (manager)",
                    manager,
                    "customer.care.incident",
                    INCIDENT_SPEC,
                    [("state", "in", ["new", "acknowledged", "in_progress"])],
                    0,
                ),
            ]
            results = {}
            print(f"{'case':45} {'median ms':>10} {'p95 ms':>8} {'n':>4} {'queries':>8}")
            for label, who, model, spec, domain, offset in cases:
                figures = measure(env, who, model, spec, domain, args.samples, offset)
                results[label] = figures
                print(
                    f"{label:45} {figures['median']:10.1f} {figures['p95']:8.1f} "
                    f"{figures['n']:4d} {figures['queries']:8d}"
                )
            reference = results["incidents' own list, first page (manager)"]["median"]
            first = results["inbox, first page (manager)"]["median"]
            print(
                f"\ninbox first page / incidents' own list first page, medians: "
                f"{first / reference:.2f}x"
            )
            query = env["customer.care.inbox"]._search([], limit=80, order="date_waiting, id")
            env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query.select()))
            print("\nplan of the inbox's page query:")
            for (line,) in env.cr.fetchall():
                print(f"  {line}")
        finally:
            env.cr.rollback()
            if not args.keep:
                cleanup(env)


if __name__ == "__main__":
    main()
