"""19.0.1.1.0: the scheduled actions and the demo data are no longer reset
by an upgrade.

Their files are now ``noupdate``; the flag of the records' external ids is
set too, so that nothing reloads them over what administrators configured
(intervals, next calls, active).
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE ir_model_data SET noupdate = TRUE
            WHERE module = 'customer_care' AND model = 'ir.cron' AND NOT noupdate"""
    )
