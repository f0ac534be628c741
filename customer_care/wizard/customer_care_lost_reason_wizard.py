from odoo import fields, models


class CustomerCareLostReasonWizard(models.TransientModel):
    """Record why customers left, from the lost customers list (brief §6)."""

    _name = "customer.care.lost.reason.wizard"
    _description = "Mark Why Customers Left"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    reason_id = fields.Many2one("customer.care.lost.reason", required=True)
    note = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        self.partner_ids.write(
            {"care_lost_reason_id": self.reason_id.id, "care_lost_note": self.note or False}
        )
        return {"type": "ir.actions.act_window_close"}
