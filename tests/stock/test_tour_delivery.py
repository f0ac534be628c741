"""A care manager opens the two inventory reports in the browser."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDeliveryReportTour(HttpCase):
    def _delivered(self, name, product, ordered, delivered, promised):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": name}).id,
                "commitment_date": promised,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": ordered})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = delivered
        picking.move_ids.picked = True
        picking.with_context(cancel_backorder=True)._action_done()
        return order

    def test_manager_opens_on_time_delivery_and_order_errors(self):
        new_test_user(
            self.env,
            login="care_tour_stock",
            password="care_tour_stock",
            groups="base.group_user,customer_care.group_care_manager",
        )
        product = self.env["product.product"].create(
            {"name": "Tour Kettle", "type": "consu", "is_storable": True}
        )
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10)
        now = fields.Datetime.now()
        late = self._delivered("Tour Late Buyer", product, 1, 1, now - timedelta(days=3))
        short = self._delivered("Tour Short Buyer", product, 3, 2, now + timedelta(days=3))
        self.assertEqual(late.care_delivery_state, "late")
        self.assertEqual(short.care_order_error, "corrected")
        self.start_tour("/odoo", "customer_care_stock_reporting_tour", login="care_tour_stock")
