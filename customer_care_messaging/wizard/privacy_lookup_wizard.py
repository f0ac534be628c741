from odoo import models
from odoo.tools import SQL


class PrivacyLookupWizard(models.TransientModel):
    """Odoo's privacy lookup finds a person's chat identities (deleted with
    the contact, so left out by the generic lookup) and the chat events
    they sent, by identity or by the name they gave the chat app."""

    _inherit = "privacy.lookup.wizard"

    def _care_lookup_parts(self):
        people = SQL("(SELECT id FROM indirect_references)")
        identities = SQL(
            "(SELECT id FROM customer_care_messaging_identity WHERE partner_id IN %s)", people
        )
        return [
            *super()._care_lookup_parts(),
            ("customer.care.messaging.identity", SQL("partner_id IN %s", people)),
            (
                "customer.care.messaging.event",
                SQL(
                    "identity_id IN %s OR sender_name ILIKE %s",
                    identities,
                    self.name.strip(),
                ),
            ),
        ]
