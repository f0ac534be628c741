"""19.0.1.5.0: the record rules follow the module's upgrades.

The record rules of customer_care and customer_care_messaging were loaded
``noupdate``: a corrected rule never reached a database installed before.
They are now loaded as ordinary data, but Odoo keeps updating nothing whose
external id is marked ``noupdate`` in the database: the mark is taken off
here, before the security files load, so that this upgrade and the next
ones bring every rule to what the module ships.  The rules are access
control, not settings: an administrator who needs another restriction adds
a rule of their own.  Scheduled actions, seeded configuration and templates
keep their ``noupdate`` mark and what administrators set.

customer_care_messaging, which depends on customer_care, is upgraded with
it and loads its rules after this.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE ir_model_data SET noupdate = FALSE
            WHERE module IN ('customer_care', 'customer_care_messaging')
              AND model = 'ir.rule' AND noupdate"""
    )
