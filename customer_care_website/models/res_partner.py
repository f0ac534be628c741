from odoo import models
from odoo.tools import SQL


class ResPartner(models.Model):
    """The website form's part of a customer's data rights: the contact
    details the visitor typed are in the copy and wiped by the erasure."""

    _inherit = "res.partner"

    def _care_personal_data(self):
        data = super()._care_personal_data()
        incidents = self.env["customer.care.incident"].search(
            [*self._care_privacy_domain("commercial_partner_id"), ("contact_email", "!=", False)],
            order="id",
        )
        data["website_forms"] = [
            {
                "incident": incident.name,
                "date": incident.date_received,
                **self._care_privacy_values(
                    incident, ["contact_name", "contact_email", "contact_phone"]
                ),
            }
            for incident in incidents
        ]
        return data

    def _care_anonymize_records(self, marker):
        result = super()._care_anonymize_records(marker)
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """UPDATE customer_care_incident
                      SET contact_name = NULL, contact_email = NULL, contact_phone = NULL
                    WHERE partner_id = ANY(%(ids)s) OR commercial_partner_id = ANY(%(ids)s)""",
                ids=self.ids,
            )
        )
        self.env.invalidate_all()
        return result
