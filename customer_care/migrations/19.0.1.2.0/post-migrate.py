"""19.0.1.2.0: the resolution email carries the rating faces."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("customer_care.mail_template_care_incident_resolution", False)
    if not template or "/rate/" in (template.body_html or ""):
        return
    # an administrator's wording survives the upgrade: only a template never
    # edited since it was installed is brought to the new version
    if template.write_date and template.create_date and template.write_date > template.create_date:
        _logger.warning(
            "The resolution email template was edited: add the rating faces to it by "
            "hand, or reset it from its form to get them."
        )
        return
    template.reset_template()
