from odoo import models

from ..logic import followup


class AccountMove(models.Model):
    _inherit = "account.move"

    def _compute_payment_state(self):
        """A refund reaching the customer plans the follow-up of its incident
        (brief §5 [001]: wait until the refund has reached the customer)."""
        result = super()._compute_payment_state()
        refunds = self.filtered(
            lambda move: (
                move.move_type == "out_refund" and move.payment_state in followup.REFUND_DONE_STATES
            )
        )
        if refunds and refunds.ids:
            incidents = (
                self.env["customer.care.incident"]
                .sudo()
                .search([("refund_move_id", "in", refunds.ids), ("state", "=", "resolved")])
            )
            incidents._confirm_deliveries()
        return result
