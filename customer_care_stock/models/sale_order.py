from odoo import api, fields, models

from ..logic import delivery


class SaleOrder(models.Model):
    _inherit = "sale.order"

    care_date_promised = fields.Datetime(
        string="Promised Delivery",
        compute="_compute_care_delivery",
        store=True,
        help="The delivery date promised to the customer, else the date the first "
        "delivery was planned for.",
    )
    care_date_delivered = fields.Datetime(
        string="Delivered On",
        compute="_compute_care_delivery",
        store=True,
        index="btree_not_null",
        help="When the last delivery of the order was validated, once all of them "
        "are done or cancelled.",
    )
    care_delivery_delay = fields.Float(
        string="Delivery Delay (days)",
        compute="_compute_care_delivery",
        store=True,
        help="Days between the promised date and the delivery; negative when early.",
    )
    care_delivery_state = fields.Selection(
        delivery.DELIVERY_STATES,
        string="Delivery Promise",
        compute="_compute_care_delivery",
        store=True,
    )
    care_order_error = fields.Selection(
        delivery.ORDER_ERRORS,
        string="Order Error",
        compute="_compute_care_delivery",
        store=True,
        help="Returned: goods of the order came back. Quantities corrected: what was "
        "delivered differs from what was ordered.",
    )

    @api.depends(
        "commitment_date",
        "picking_ids.state",
        "picking_ids.date_done",
        "picking_ids.scheduled_date",
        "picking_ids.return_id",
        "picking_ids.picking_type_id",
        "order_line.qty_delivered",
        "order_line.product_uom_qty",
    )
    def _compute_care_delivery(self):
        for order in self:
            pickings = order.picking_ids
            outgoing = pickings.filtered(
                lambda p: p.picking_type_id.code == "outgoing" and not p.return_id
            )
            delivered = delivery.delivered_at([(p.state, p.date_done) for p in outgoing])
            # once delivered, the plan that counts is the one of the deliveries made
            planned = outgoing.filtered(lambda p: p.state == "done") if delivered else outgoing
            promised = delivery.promised_at(order.commitment_date, planned.mapped("scheduled_date"))
            order.care_date_promised = promised
            if not delivered:
                order.care_date_delivered = False
                order.care_delivery_delay = 0.0
                order.care_delivery_state = False
                order.care_order_error = False
                continue
            state, delay = delivery.delivery_outcome(promised, delivered)
            returned = any(p.return_id and p.state == "done" for p in pickings)
            quantities = [
                (line.product_uom_qty, line.qty_delivered)
                for line in order.order_line
                if line.qty_delivered_method == "stock_move" and not line.display_type
            ]
            order.care_date_delivered = delivered
            order.care_delivery_delay = delay
            order.care_delivery_state = state
            order.care_order_error = delivery.order_error(returned, quantities) or False
