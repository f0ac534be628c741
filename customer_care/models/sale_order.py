from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def write(self, vals):
        """Keep customers' purchase facts current as orders are confirmed,
        cancelled or reset (the daily refresh catches every other change)."""
        if "state" not in vals:
            return super().write(vals)
        before = {order.id: order.state for order in self}
        result = super().write(vals)
        moved = self.filtered(lambda order: before[order.id] != order.state)
        if moved and "sale" in {vals["state"], *before.values()}:
            self.env["customer.care.facts"].sudo()._refresh_partners(
                moved.partner_id.commercial_partner_id.ids
            )
        return result
