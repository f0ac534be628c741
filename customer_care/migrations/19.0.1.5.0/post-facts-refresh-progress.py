"""19.0.1.5.0: the facts refresh keeps its progress in its own table.

A refresh under way kept its cursor in the system parameter
``customer_care.facts_refresh_state``, written once per batch (which clears
every worker's caches each time); it now keeps it in
``customer.care.facts.run``.  A refresh interrupted by the upgrade starts
over at its next call: the parameter is removed.
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.customer_care.models.customer_care_facts import RUN_STATE_PARAM


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["ir.config_parameter"].set_param(RUN_STATE_PARAM, False)
