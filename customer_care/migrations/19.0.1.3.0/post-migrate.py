"""19.0.1.3.0: purchase facts per company, top-revenue ranks per company.

The top-revenue thresholds saved by the last refresh were one figure per
care group over every company's orders; they are now per group and company.
They are computed again, a refresh interrupted by the upgrade starts over,
and the refresh is asked to run at once, which splits the facts of the
partners shared between companies per company.
"""

import json

from odoo import SUPERUSER_ID, api, fields

from odoo.addons.customer_care.models.customer_care_facts import (
    RUN_STATE_PARAM,
    THRESHOLDS_PARAM,
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    facts = env["customer.care.facts"]
    params = env["ir.config_parameter"]
    params.set_param(RUN_STATE_PARAM, False)
    thresholds = facts._compute_thresholds(fields.Date.context_today(facts))
    params.set_param(THRESHOLDS_PARAM, json.dumps(thresholds))
    cron = env.ref("customer_care.ir_cron_care_refresh_facts", raise_if_not_found=False)
    if cron:
        cron._trigger()
