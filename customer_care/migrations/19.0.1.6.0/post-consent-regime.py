"""19.0.1.6.0: consent per purpose and a consent regime per company.

Every company gets the regime of its country (opt-in in Vietnam, Thailand
and China, opt-out elsewhere) where none is set yet, and every outreach rule
is a marketing rule until a manager marks a service reminder as such (a
rule is never taken for a service reminder by guessing: a withdrawal or a
missing consent must keep stopping it).
"""

import logging

from odoo.tools import SQL

from odoo.addons.customer_care.logic.consent import OPT_IN_COUNTRIES

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """UPDATE res_company c
                  SET care_consent_regime = CASE WHEN country.code IN %s
                                                 THEN 'opt_in' ELSE 'opt_out' END
                 FROM res_partner p
            LEFT JOIN res_country country ON country.id = p.country_id
                WHERE p.id = c.partner_id AND c.care_consent_regime IS NULL""",
            tuple(sorted(OPT_IN_COUNTRIES)),
        )
    )
    _logger.info("consent regime set on %s companies by their country", cr.rowcount)
    cr.execute("UPDATE customer_care_outreach_rule SET purpose = 'marketing' WHERE purpose IS NULL")
