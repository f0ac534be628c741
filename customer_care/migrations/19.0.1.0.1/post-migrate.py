"""Care plans written in bulk by the outreach used to get their four steps
only when the contact started: give the plans still without steps theirs,
as every plan now has them from its creation."""

from odoo.addons.customer_care.logic import care_sequence


def migrate(cr, version):
    steps = list(care_sequence.STEP_CODES)
    cr.execute(
        """INSERT INTO customer_care_plan_step
                  (plan_id, step, sequence, state, company_id, create_uid, create_date,
                   write_uid, write_date)
           SELECT p.id, s.step, s.sequence, 'todo', p.company_id, p.create_uid,
                  now() at time zone 'UTC', p.create_uid, now() at time zone 'UTC'
             FROM customer_care_plan p
       CROSS JOIN unnest(%s::varchar[], %s::int[]) AS s(step, sequence)
            WHERE NOT EXISTS (SELECT 1 FROM customer_care_plan_step x WHERE x.plan_id = p.id)
         ORDER BY p.id, s.sequence""",
        (steps, [care_sequence.step_sequence(step) for step in steps]),
    )
    cr.execute(
        """UPDATE customer_care_plan p SET current_step = %s
            WHERE p.current_step IS NULL
              AND EXISTS (SELECT 1 FROM customer_care_plan_step x WHERE x.plan_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM customer_care_plan_step x
                               WHERE x.plan_id = p.id AND x.state <> 'todo')""",
        (steps[0],),
    )
