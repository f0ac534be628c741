from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    care_customer_comment = fields.Text(
        string="Customer Comment",
        copy=False,
        help="What the customer said when ordering; it becomes a feedback record "
        "on the customer when the order is confirmed.",
    )

    # the monthly top customers watch sums one month of confirmed orders
    _care_month_revenue_idx = models.Index("(company_id, date_order) WHERE state = 'sale'")

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

    def _action_confirm(self):
        result = super()._action_confirm()
        self._care_create_comment_feedback()
        return result

    def _care_create_comment_feedback(self):
        """Comment fields on orders end as feedback on the customer (brief §7)."""
        commented = self.filtered(lambda order: (order.care_customer_comment or "").strip())
        if not commented:
            return
        feedback = self.env["customer.care.feedback"].sudo()
        known = set(feedback.search([("sale_order_id", "in", commented.ids)]).sale_order_id.ids)
        feedback.create(
            [
                {
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    "source": "order_comment",
                    "text": order.care_customer_comment.strip(),
                    "sale_order_id": order.id,
                    "company_id": order.company_id.id,
                    "user_id": order.user_id.id or self.env.user.id,
                }
                for order in commented
                if order.id not in known
            ]
        )
