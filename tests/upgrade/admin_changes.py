"""What an administrator changes on a running database, before an upgrade.

    python3 tests/upgrade/admin_changes.py --odoo-config CONF SNAPSHOT.json

Run against a database where the PREVIOUS version of customer_care is
installed with demo data: it reschedules and deactivates scheduled actions,
reconfigures an outreach rule, a care group and an SLA policy, runs an
outreach rule so that contact lines and runs exist, and writes what it set
(and the counts of history rows) to SNAPSHOT.json.  It also leaves a record
rule as an older version could have shipped it (OUTDATED_RULE): the upgrade
must bring rules, which are access control and not settings, to what the
module ships.
``tests/upgrade/test_upgrade.py`` checks, after ``-u customer_care``, that
every value and row is still there.
"""

import argparse
import json
from datetime import datetime, timedelta

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

CRONS = [
    "ir_cron_care_refresh_facts",
    "ir_cron_care_sla_check",
    "ir_cron_care_check_back",
    "ir_cron_care_refresh_reports",
    "ir_cron_care_top_snapshot",
]
NEXTCALL = datetime(2031, 1, 2, 3, 4, 5)
# a record rule as shipped before a correction: care users saw their own
# plans only, not the unassigned ones
OUTDATED_RULE = ("customer_care_plan_rule_user", "[('user_id', '=', user.id)]")
CUSTOMER_REPLY = "Upgrade check: any news about my desk?"


def snapshot(env):
    """The values the upgrade must keep, as plain JSON."""
    crons = {}
    for xmlid in CRONS:
        cron = env.ref(f"customer_care.{xmlid}")
        crons[xmlid] = {
            "interval_number": cron.interval_number,
            "interval_type": cron.interval_type,
            "nextcall": str(cron.nextcall),
            "active": cron.active,
        }
    rule = env.ref("customer_care.outreach_rule_birthday_email")
    group = env.ref("customer_care.care_group_vip")
    policy = env["customer.care.sla.policy"].search([], order="id", limit=1)
    counts = {}
    for model in (
        "customer.care.outreach.log",
        "customer.care.outreach.run",
        "customer.care.incident",
        "customer.care.plan",
        "customer.care.plan.step",
        "mail.activity",
    ):
        counts[model] = env[model].with_context(active_test=False).search_count([])
    incidents = env["customer.care.incident"].search([], order="id")
    return {
        "facts": purchase_facts(env),
        "crons": crons,
        "rule": {
            "id": rule.id,
            "active": rule.active,
            "interval_number": rule.interval_number,
            "interval_type": rule.interval_type,
            "cooldown_days": rule.cooldown_days,
            "send_hour_from": rule.send_hour_from,
            "send_hour_to": rule.send_hour_to,
            "cron_interval": rule.cron_id.interval_number,
            "cron_nextcall": str(rule.cron_id.nextcall),
        },
        "group": {
            "id": group.id,
            "cadence_days": group.cadence_days,
            "sequence": group.sequence,
            "retention_rate": group.retention_rate,
        },
        "policy": {
            "id": policy.id,
            "response_hours": policy.response_hours,
            "resolution_hours": policy.resolution_hours,
        },
        "counts": counts,
        "incidents": [
            [i.id, i.state, i.sla_state, i.escalation_level, str(i.date_received)]
            for i in incidents
        ],
        "customer_reply": [
            [m.res_id, str(m.date)]
            for m in env["mail.message"].search([("body", "ilike", CUSTOMER_REPLY)])
        ],
    }


FACT_FIELDS = [
    "care_order_count",
    "care_online_order_count",
    "care_revenue",
    "care_first_order_date",
    "care_last_order_date",
    "care_annual_value",
    "care_lifetime_value",
    "care_customer_since",
    "care_state",
]


def purchase_facts(env):
    """Every buying customer's purchase facts, as its own company reads them
    (the company the facts refresh runs in for customers shared between
    companies): one value per partner before 19.0.1.3.0, per company after."""
    partners = env["res.partner"].with_context(active_test=False).search([], order="id")
    facts = {}
    for partner in partners:
        values = partner.with_company(partner.company_id or env.company)
        if values.care_order_count:
            facts[str(partner.id)] = [str(values[fname]) for fname in FACT_FIELDS]
    return facts


def change(env):
    for index, xmlid in enumerate(CRONS):
        cron = env.ref(f"customer_care.{xmlid}")
        cron.write(
            {
                "interval_number": 7 + index,
                "interval_type": "days",
                "nextcall": NEXTCALL,
                "active": index != 1,  # the SLA check switched off
            }
        )
    rule = env.ref("customer_care.outreach_rule_birthday_email")
    rule.write(
        {
            "active": True,
            "interval_number": 3,
            "interval_type": "hours",
            "cooldown_days": 9,
            "send_hour_from": 9.0,
            "send_hour_to": 17.5,
        }
    )
    rule.cron_id.nextcall = NEXTCALL
    xmlid, domain = OUTDATED_RULE
    env.ref(f"customer_care.{xmlid}").domain_force = domain
    env.ref("customer_care.care_group_vip").write(
        {"cadence_days": 11, "sequence": 77, "retention_rate": 0.93}
    )
    env["customer.care.sla.policy"].search([], order="id", limit=1).write(
        {"response_hours": 3.0, "resolution_hours": 30.0}
    )
    # a customer who wrote again after the care team's answer: the inbox of
    # the new version finds them waiting since that message
    incident = env.ref("customer_care.customer_care_incident_demo_at_risk")
    answer = incident.message_post(
        body="Upgrade check: the replacement leaves on Monday.",
        author_id=env.ref("base.user_admin").partner_id.id,
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
    reply = incident.message_post(
        body=CUSTOMER_REPLY,
        author_id=incident.partner_id.id,
        message_type="email",
        subtype_xmlid="mail.mt_comment",
    )
    answer.date = datetime.now().replace(microsecond=0) - timedelta(hours=1)
    reply.date = answer.date + timedelta(minutes=30)
    # history the upgrade must keep: a run of a rule that contacts someone
    tenure = env.ref("customer_care.outreach_rule_tenure")
    tenure.write({"active": True, "tenure_years": 0})
    env["customer.care.outreach.run"]._run_rule(tenure)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-config", required=True)
    parser.add_argument("snapshot")
    args = parser.parse_args()
    config.parse_config(["-c", args.odoo_config])
    odoo.tools.config["workers"] = 0
    db_name = config["db_name"]
    registry = Registry(db_name[0] if isinstance(db_name, list) else db_name)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        change(env)
        env.flush_all()
        data = snapshot(env)
        cr.commit()
    with open(args.snapshot, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)
    print(
        f"administrator's changes applied; {data['counts']['customer.care.outreach.log']} "
        f"contact lines, {len(data['incidents'])} incidents recorded in {args.snapshot}"
    )


if __name__ == "__main__":
    main()
