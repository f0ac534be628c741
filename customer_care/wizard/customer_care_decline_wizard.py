from odoo import fields, models


class CustomerCareDeclineWizard(models.TransientModel):
    """Asks why the customer should be told "no": a care manager decides [000]."""

    _name = "customer.care.decline.wizard"
    _description = "Request an Incident Decline"

    incident_ids = fields.Many2many("customer.care.incident", string="Incidents", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.incident_ids.action_request_decline(self.reason)
        return {"type": "ir.actions.act_window_close"}
