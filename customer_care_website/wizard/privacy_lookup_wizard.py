from odoo import models
from odoo.tools import SQL


class PrivacyLookupWizard(models.TransientModel):
    """The incidents opened from the website form with the address or the
    name the person typed, even when linked to another contact."""

    _inherit = "privacy.lookup.wizard"

    def _care_lookup_parts(self):
        return [
            *super()._care_lookup_parts(),
            (
                "customer.care.incident",
                SQL(
                    "(contact_email ILIKE %s OR contact_name ILIKE %s) "
                    "AND partner_id NOT IN (SELECT id FROM indirect_references)",
                    f"%{self.email.strip()}%",
                    self.name.strip(),
                ),
            ),
        ]
