"""The load run's own data on top of the generated base (run by run.py).

    python3 bench/load/prepare.py --db NAME [--incidents 10000]

* ``--incidents`` open incidents (``LOAD …``), one statement, over random
  customers of the base, received over the last two days, a third of them
  acknowledged, their clocks from the default SLA policy;
* the people Locust logs in as: care users ``load_care_NN`` and care
  managers ``load_manager_NN`` of the main company (password
  ``care-load``), created through the ORM like any user.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import odoo_env

PASSWORD = "care-load"
PREFIX = "LOAD "


def customer_count(env):
    env.cr.execute(
        """SELECT count(*) FROM res_partner
            WHERE id = commercial_partner_id AND active AND NOT is_company
              AND id NOT IN (SELECT partner_id FROM res_users)"""
    )
    return env.cr.fetchone()[0] or 1


def delete_incidents(env):
    """The load's incidents of an earlier preparation, through the ORM (their
    chatter, activities and followers go with them)."""
    incidents = env["customer.care.incident"].search([("name", "=like", PREFIX + "%")])
    incidents.unlink()
    return len(incidents)


def insert_incidents(env, count):
    policy = env.ref("customer_care.customer_care_sla_policy_default")
    env.cr.execute(
        """INSERT INTO customer_care_incident (
               name, partner_id, commercial_partner_id, company_id, kind, channel,
               priority, state, sla_policy_id, sla_state, escalation_level, satisfaction,
               date_received, date_first_response, response_deadline, resolution_deadline,
               target_deadline, date_response_risk, date_resolution_risk,
               date_sla_next_check, create_uid, write_uid, create_date, write_date)
           SELECT %(prefix)s || series.i, c.id, c.id, %(company)s, 'complaint', 'phone',
                  '0', CASE WHEN series.i %% 3 = 0 THEN 'acknowledged' ELSE 'new' END,
                  %(policy)s, 'on_track', 0, 0,
                  received,
                  CASE WHEN series.i %% 3 = 0 THEN received + interval '30 minutes' END,
                  received + make_interval(secs => %(response)s * 3600),
                  received + make_interval(secs => %(resolution)s * 3600),
                  received + make_interval(secs => %(target)s * 3600),
                  received + make_interval(secs => %(response)s * 3600 * %(share)s),
                  LEAST(received + make_interval(secs => %(resolution)s * 3600 * %(share)s),
                        received + make_interval(secs => %(target)s * 3600)),
                  received, 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
             FROM (SELECT i, (now() AT TIME ZONE 'UTC') - make_interval(mins => 31 + i %% 2850)
                             AS received,
                          1 + (hashint4(i)::bigint + 2147483648) %% %(customers)s AS pick
                     FROM generate_series(1, %(count)s) AS i) AS series
             JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM res_partner
                    WHERE id = commercial_partner_id AND active AND NOT is_company
                      AND id NOT IN (SELECT partner_id FROM res_users)) AS c
               ON c.n = series.pick""",
        {
            "prefix": PREFIX,
            "company": env.company.id,
            "policy": policy.id,
            "response": policy.response_hours,
            "resolution": policy.resolution_hours,
            "target": policy.target_hours,
            "share": policy.at_risk_percent / 100.0,
            "count": count,
            "customers": customer_count(env),
        },
    )
    return env.cr.rowcount


def create_people(env, care_users, managers):
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    # care staff of a company with CRM: they also see every lead (the core
    # write the run compares care writes with is a lead's stage)
    internal = env.ref("base.group_user") | env.ref("sales_team.group_sale_salesman_all_leads")
    groups = {
        "load_care_%02d": [*internal.ids, env.ref("customer_care.group_care_user").id],
        "load_manager_%02d": [*internal.ids, env.ref("customer_care.group_care_manager").id],
    }
    present = Users.with_context(active_test=False).search([("login", "=like", "load\\_%")])
    for user in present:
        pattern = "load_care_%02d" if user.login.startswith("load_care_") else "load_manager_%02d"
        user.group_ids = [(6, 0, groups[pattern])]
    existing = set(present.mapped("login"))
    values = []
    for pattern, count in (("load_care_%02d", care_users), ("load_manager_%02d", managers)):
        for index in range(1, count + 1):
            login = pattern % index
            if login in existing:
                continue
            values.append(
                {
                    "name": login.replace("_", " ").title(),
                    "login": login,
                    "password": PASSWORD,
                    "email": f"{login}@example.com",
                    "group_ids": [(6, 0, groups[pattern])],
                }
            )
    Users.create(values)
    return len(values)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--care-users", type=int, default=24)
    parser.add_argument("--managers", type=int, default=6)
    parser.add_argument("--addons-path", default=None)
    parser.add_argument(
        "--replace-incidents", action="store_true", help="delete the load's incidents first"
    )
    args = parser.parse_args(argv)
    with odoo_env(args.db, args.addons_path) as env:
        # as confirming their orders does in Odoo: buyers rank as customers
        # (Sales → Customers, the core list the care list is compared with)
        env.cr.execute(
            """UPDATE res_partner p SET customer_rank = 1
                WHERE customer_rank = 0 AND EXISTS (
                      SELECT 1 FROM sale_order so WHERE so.partner_id = p.id
                         AND so.state = 'sale')"""
        )
        if args.replace_incidents:
            print(f"[prepare] {delete_incidents(env)} earlier load incidents deleted")
        incidents = insert_incidents(env, args.incidents)
        people = create_people(env, args.care_users, args.managers)
        env.cr.execute(
            """CREATE TABLE IF NOT EXISTS customer_care_load_due (
                   incident_id int4 PRIMARY KEY, due timestamp NOT NULL)"""
        )
        env.cr.commit()
    print(f"[prepare] {incidents} open incidents, {people} load users")


if __name__ == "__main__":
    main()
