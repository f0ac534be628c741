from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        """A replacement delivered plans the follow-up of its exchange
        (brief §5 [001]: follow up once the customer has the replacement)."""
        result = super()._action_done()
        orders = self.filtered(lambda p: p.state == "done").sale_id
        if orders:
            incidents = (
                self.env["customer.care.incident"]
                .sudo()
                .search(
                    [
                        ("replacement_order_id", "in", orders.ids),
                        ("resolution_type", "=", "exchange"),
                        ("state", "=", "resolved"),
                        ("followup_plan_id", "=", False),
                    ]
                )
            )
            incidents._confirm_deliveries()
        return result
