from odoo import fields, models


class CustomerCarePlanStepSkipWizard(models.TransientModel):
    """Asks why a care step is skipped: a step is never skipped silently."""

    _name = "customer.care.plan.step.skip.wizard"
    _description = "Skip Care Step"

    step_id = fields.Many2one("customer.care.plan.step", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.step_id.action_skip(self.reason)
        return {"type": "ir.actions.act_window_close"}
