"""19.0.1.1.0: data of existing databases brought to the new rules."""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version:
        return
    # an outreach run keeps the day it runs for and resumes after a cursor:
    # the runs of the previous version are finished ones
    cr.execute(
        """UPDATE customer_care_outreach_run
              SET run_date = date_start::date
            WHERE run_date IS NULL"""
    )
    cr.execute(
        """UPDATE customer_care_outreach_run
              SET state = 'stopped'
            WHERE state = 'running'"""
    )
    if column_exists(cr, "customer_care_outreach_rule", "send_all_day"):
        # a rule without sending hours (0 to 0, or none) sent at any hour
        cr.execute(
            """UPDATE customer_care_outreach_rule
                  SET send_all_day = (COALESCE(send_hour_from, 0) = COALESCE(send_hour_to, 0))"""
        )
