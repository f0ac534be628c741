"""What must hold in the database after a busy day, checked in SQL.

    python3 bench/load/integrity.py --db NAME [--since '2026-11-30 10:00']

Each check is one query returning the offending rows (at most a sample);
an empty result is a clean check.  ``run_checks`` takes any DB-API cursor
(psycopg2, or an Odoo cursor in tests/test_integrity.py) and returns
``{check name: (count, sample)}``.  ``--since`` limits the checks about
activity (steps, clocks, escalations) to rows written after that moment,
so that a run is judged on what it did.
"""

import argparse
import sys

# the models whose records carry the care chatter, activities, followers
# and attachments, with their tables
CARE_MODELS = {
    "customer.care.incident": "customer_care_incident",
    "customer.care.plan": "customer_care_plan",
    "customer.care.outreach.rule": "customer_care_outreach_rule",
    "customer.care.team": "customer_care_team",
    "res.partner": "res_partner",
}

SAMPLE = 5


def orphans(table, model_column, id_column):
    """The rows of ``table`` attached (``model_column``, ``id_column``) to a
    record of ``CARE_MODELS`` that no longer exists."""
    exists = " UNION ALL ".join(
        f"SELECT 1 FROM {care_table} r WHERE o.{model_column} = '{model}' AND r.id = o.{id_column}"
        for model, care_table in CARE_MODELS.items()
    )
    return (
        f"SELECT '{table}', o.{model_column}, o.{id_column} FROM {table} o "
        f"WHERE o.{model_column} = ANY(%(models)s) AND o.{id_column} IS NOT NULL "
        f"AND NOT EXISTS ({exists})"
    )


# name -> (what it means, SQL returning one row per offence; %(since)s bound)
CHECKS = {
    "outreach_duplicate_contact": (
        "a customer contacted twice by one rule in one period",
        """SELECT rule_id, partner_id, period_key, count(*)
             FROM customer_care_outreach_log
            GROUP BY rule_id, partner_id, period_key
           HAVING count(*) > 1""",
    ),
    "outreach_run_incomplete": (
        "a finished outreach run that did not handle every candidate",
        """SELECT id, rule_id, candidate_count, handled_count
             FROM customer_care_outreach_run
            WHERE state = 'done' AND handled_count < candidate_count
              AND create_date >= %(since)s""",
    ),
    "outreach_plan_twice": (
        "one care plan claimed by two outreach contacts",
        """SELECT plan_id, count(*) FROM customer_care_outreach_log
            WHERE plan_id IS NOT NULL
            GROUP BY plan_id HAVING count(*) > 1""",
    ),
    "escalation_twice": (
        "an incident escalated twice to the same person at the same level",
        """SELECT a.res_id, a.user_id, a.summary, count(*)
             FROM mail_activity a
             JOIN ir_model_data d ON d.res_id = a.activity_type_id
                                 AND d.model = 'mail.activity.type'
                                 AND d.module = 'customer_care'
                                 AND d.name = 'mail_activity_type_care_escalation'
            WHERE a.res_model = 'customer.care.incident'
              AND a.create_date >= %(since)s
            GROUP BY a.res_id, a.user_id, a.summary
           HAVING count(*) > 1""",
    ),
    "escalation_beyond_level": (
        "an incident with more escalation levels notified than it reached",
        """SELECT i.id, i.escalation_level, count(DISTINCT a.summary)
             FROM customer_care_incident i
             JOIN mail_activity a ON a.res_model = 'customer.care.incident' AND a.res_id = i.id
             JOIN ir_model_data d ON d.res_id = a.activity_type_id
                                 AND d.model = 'mail.activity.type'
                                 AND d.module = 'customer_care'
                                 AND d.name = 'mail_activity_type_care_escalation'
            WHERE a.create_date >= %(since)s
            GROUP BY i.id, i.escalation_level
           HAVING count(DISTINCT a.summary) > i.escalation_level""",
    ),
    "incident_clock_backwards": (
        "an incident answered or resolved before it was received, "
        "or with deadlines before its reception",
        """SELECT id, date_received, date_first_response, date_resolved
             FROM customer_care_incident
            WHERE write_date >= %(since)s
              AND (date_first_response < date_received - interval '5 minutes'
                   OR date_resolved < date_received - interval '5 minutes'
                   OR response_deadline < date_received
                   OR resolution_deadline < response_deadline
                   OR escalation_level NOT BETWEEN 0 AND 2)""",
    ),
    "incident_state_without_clock": (
        "a resolved or declined incident without its resolution time, "
        "or an answered one without its first response",
        """SELECT id, state FROM customer_care_incident
            WHERE write_date >= %(since)s
              AND ((state IN ('resolved', 'followed_up', 'closed', 'declined')
                    AND date_resolved IS NULL)
                   OR (state NOT IN ('new', 'pending_decline') AND date_first_response IS NULL))""",
    ),
    "plan_step_out_of_order": (
        "a plan step closed while an earlier step is still to do, or closed "
        "before the step it follows",
        """SELECT later.plan_id, later.step, earlier.step
             FROM customer_care_plan_step later
             JOIN customer_care_plan_step earlier
               ON earlier.plan_id = later.plan_id AND earlier.sequence < later.sequence
            WHERE later.state IN ('done', 'skipped')
              AND later.date_done >= %(since)s
              AND (earlier.state = 'todo' OR earlier.date_done > later.date_done)""",
    ),
    "plan_missing_steps": (
        "a care plan without its four steps",
        """SELECT p.id, count(s.id) FROM customer_care_plan p
        LEFT JOIN customer_care_plan_step s ON s.plan_id = p.id
            WHERE p.create_date >= %(since)s
            GROUP BY p.id HAVING count(s.id) <> 4""",
    ),
    "orphan_chatter": (
        "messages, activities, followers or attachments of a care record that no longer exists",
        " UNION ALL ".join(
            orphans(table, model_column, id_column)
            for table, model_column, id_column in (
                ("mail_message", "model", "res_id"),
                ("mail_activity", "res_model", "res_id"),
                ("mail_followers", "res_model", "res_id"),
                ("ir_attachment", "res_model", "res_id"),
            )
        ),
    ),
    "orphan_care_rows": (
        "care rows whose owner is gone (steps without a plan, plans or incidents "
        "without a customer, logs without a rule)",
        """SELECT 'step', s.id FROM customer_care_plan_step s
            WHERE NOT EXISTS (SELECT 1 FROM customer_care_plan p WHERE p.id = s.plan_id)
           UNION ALL
           SELECT 'plan', p.id FROM customer_care_plan p
            WHERE NOT EXISTS (SELECT 1 FROM res_partner rp WHERE rp.id = p.partner_id)
           UNION ALL
           SELECT 'incident', i.id FROM customer_care_incident i
            WHERE NOT EXISTS (SELECT 1 FROM res_partner rp WHERE rp.id = i.partner_id)
           UNION ALL
           SELECT 'outreach log', l.id FROM customer_care_outreach_log l
            WHERE NOT EXISTS (SELECT 1 FROM customer_care_outreach_rule r
                               WHERE r.id = l.rule_id)""",
    ),
}


def run_checks(cr, since="1970-01-01"):
    """Run every check on ``cr``; returns ``{name: (count, sample rows)}``."""
    results = {}
    for name, (_meaning, query) in CHECKS.items():
        cr.execute(query, {"since": since, "models": list(CARE_MODELS)})
        rows = cr.fetchall()
        results[name] = (len(rows), rows[:SAMPLE])
    return results


def report(results, out=sys.stdout):
    """Print one line per check; returns the number of failed checks."""
    failed = 0
    for name, (count, sample) in results.items():
        status = "ok" if not count else "FAILED"
        failed += bool(count)
        line = f"{name:<32} {status:<7} {count:>6}  {CHECKS[name][0]}"
        if count:
            line += f"\n{'':<40} e.g. {sample}"
        print(line, file=out)
    return failed


def main(argv=None):
    import psycopg2

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--since", default="1970-01-01", help="judge rows written after this")
    args = parser.parse_args(argv)
    with psycopg2.connect(dbname=args.db) as conn, conn.cursor() as cr:
        failed = report(run_checks(cr, args.since))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
