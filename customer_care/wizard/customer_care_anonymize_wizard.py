from odoo import fields, models


class CustomerCareAnonymizeWizard(models.TransientModel):
    """Asks a care manager to confirm the erasure of a customer's personal
    data, and why (the customer's request, the retention period…)."""

    _name = "customer.care.anonymize.wizard"
    _description = "Anonymize Customer"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.partner_ids.action_care_anonymize(self.reason)
        return {"type": "ir.actions.act_window_close"}
