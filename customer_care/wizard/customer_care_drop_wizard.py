from odoo import fields, models

from ..models.res_partner import DROP_REASONS


class CustomerCareDropWizard(models.TransientModel):
    """Asks a care manager why a customer is dropped (brief §5 [003])."""

    _name = "customer.care.drop.wizard"
    _description = "Drop Customer"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    reason = fields.Selection(DROP_REASONS, required=True)
    note = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.partner_ids.action_care_drop(self.reason, self.note)
        return {"type": "ir.actions.act_window_close"}
