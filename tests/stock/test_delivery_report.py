"""On-time delivery and order error rate with Inventory installed (brief §6),
and the exchange follow-up planned by the delivery (brief §5 [001]).

These tests run on a database where ``sale_stock`` is installed, which
brings the ``customer_care_stock`` bridge (``scripts/test`` installs it after
the main suite has run without Inventory).  The expected figures are worked
out by hand from the orders written in each test.
"""

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import BaseCase, tagged

from odoo.addons.customer_care_stock.logic import delivery

from ..test_incident import IncidentCommon

T0 = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestDeliveryRules(BaseCase):
    def test_delivered_once_every_delivery_is_over(self):
        done = datetime(2026, 3, 5, 16, 0)
        self.assertIsNone(delivery.delivered_at([]))
        self.assertIsNone(delivery.delivered_at([("done", done), ("assigned", None)]))
        self.assertIsNone(delivery.delivered_at([("cancel", None)]))
        self.assertEqual(
            delivery.delivered_at([("done", datetime(2026, 3, 4)), ("done", done)]), done
        )
        self.assertEqual(delivery.delivered_at([("done", done), ("cancel", None)]), done)

    def test_promise_is_the_commitment_else_the_first_planned_date(self):
        commitment = datetime(2026, 3, 5, 10, 0)
        planned = [datetime(2026, 3, 4), datetime(2026, 3, 3), None]
        self.assertEqual(delivery.promised_at(commitment, planned), commitment)
        self.assertEqual(delivery.promised_at(None, planned), datetime(2026, 3, 3))
        self.assertIsNone(delivery.promised_at(None, [None]))

    def test_late_means_a_later_day_than_promised(self):
        promised = datetime(2026, 3, 5, 10, 0)
        self.assertEqual(
            delivery.delivery_outcome(promised, datetime(2026, 3, 5, 22, 0)), ("on_time", 0.5)
        )
        self.assertEqual(
            delivery.delivery_outcome(promised, datetime(2026, 3, 6, 4, 0)), ("late", 0.75)
        )
        self.assertEqual(
            delivery.delivery_outcome(promised, datetime(2026, 3, 4, 10, 0)), ("on_time", -1.0)
        )
        self.assertEqual(delivery.delivery_outcome(None, promised), ("on_time", 0.0))

    def test_order_error_returned_before_corrected(self):
        self.assertEqual(delivery.order_error(True, [(1, 1)]), "returned")
        self.assertEqual(delivery.order_error(False, [(5, 3)]), "corrected")
        self.assertEqual(delivery.order_error(False, [(2, 2.5)]), "corrected")
        self.assertIsNone(delivery.order_error(False, [(2, 2), (1, 1.0000001)]))


class StockCommon(IncidentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.goods = cls.env["product.product"].create(
            {"name": "Kettle", "type": "consu", "is_storable": True, "list_price": 30.0}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.goods, cls.warehouse.lot_stock_id, 1000
        )
        cls.buyer = cls._partner("Minh Tran", email="minh@example.com")

    def _sell(self, qty=1, commitment=None, partner=None):
        with freeze_time(T0):
            order = self.env["sale.order"].create(
                {
                    "partner_id": (partner or self.buyer).id,
                    "commitment_date": commitment,
                    "order_line": [(0, 0, {"product_id": self.goods.id, "product_uom_qty": qty})],
                }
            )
            order.action_confirm()
        return order

    def _deliver(self, order, moment, qty=None, backorder=False):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.ensure_one()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
            move.picked = True
        with freeze_time(moment):
            picking.with_context(cancel_backorder=not backorder)._action_done()
        return picking

    def _return(self, picking, qty, moment):
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = qty
        returned = wizard._create_return()
        for move in returned.move_ids:
            move.quantity = qty
            move.picked = True
        with freeze_time(moment):
            returned._action_done()
        return returned


@tagged("post_install", "-at_install")
class TestDeliveryReport(StockCommon):
    def test_on_time_rate_and_order_errors_of_five_delivered_orders(self):
        promise = datetime(2026, 3, 5, 10, 0)
        # A: delivered on the promised day, six hours after the promised hour
        a = self._sell(commitment=promise)
        self._deliver(a, datetime(2026, 3, 5, 16, 0))
        # B: two days late
        b = self._sell(commitment=promise)
        self._deliver(b, datetime(2026, 3, 7, 10, 0))
        # C: no promised date (planned at the order), delivered the same day,
        # then one kettle comes back
        c = self._sell(qty=2)
        picking_c = self._deliver(c, datetime(2026, 3, 2, 11, 0))
        self._return(picking_c, 1, datetime(2026, 3, 12, 9, 0))
        # D: 5 ordered, 3 delivered a day early, the rest cancelled
        d = self._sell(qty=5, commitment=datetime(2026, 3, 10, 10, 0))
        self._deliver(d, datetime(2026, 3, 9, 10, 0), qty=3)
        # E: not delivered yet, not counted
        e = self._sell(commitment=promise)
        # F: half on the 4th, the backorder on the 6th: late by a day, complete
        f = self._sell(qty=4, commitment=promise)
        self._deliver(f, datetime(2026, 3, 4, 10, 0), qty=2, backorder=True)
        self._deliver(f, datetime(2026, 3, 6, 10, 0))

        outcome = [
            (o.care_delivery_state, o.care_delivery_delay, o.care_order_error)
            for o in (a, b, d, e, f)
        ]
        self.assertEqual(
            outcome,
            [
                ("on_time", 0.25, False),
                ("late", 2.0, False),
                ("on_time", -1.0, "corrected"),
                (False, 0.0, False),
                ("late", 1.0, False),
            ],
        )
        self.assertEqual((c.care_delivery_state, c.care_order_error), ("on_time", "returned"))
        self.assertEqual(f.care_date_delivered, datetime(2026, 3, 6, 10, 0))
        self.assertFalse(e.care_date_delivered)

        self.env.flush_all()
        report = self.env["customer.care.report.delivery"].with_user(self.care_manager)
        domain = [("partner_id", "=", self.buyer.id)]
        [(orders, late, errors, on_time_rate, error_rate)] = report._read_group(
            domain,
            [],
            [
                "order_count:sum",
                "late_count:sum",
                "error_count:sum",
                "on_time_rate:avg",
                "error_rate:avg",
            ],
        )
        # 5 delivered (E is not); late: B and F; errors: C (returned), D (corrected)
        self.assertEqual((orders, late, errors), (5, 2, 2))
        self.assertAlmostEqual(on_time_rate, 60.0)
        self.assertAlmostEqual(error_rate, 40.0)
        by_error = dict(report._read_group(domain, ["order_error"], ["__count"]))
        self.assertEqual(by_error, {"returned": 1, "corrected": 1, False: 3})
        by_month = report._read_group(domain, ["date_delivered:month"], ["__count"])
        self.assertEqual([count for _month, count in by_month], [5])

    def test_a_new_promise_recomputes_the_outcome(self):
        order = self._sell(commitment=datetime(2026, 3, 5, 10, 0))
        self._deliver(order, datetime(2026, 3, 6, 10, 0))
        self.assertEqual(order.care_delivery_state, "late")
        order.commitment_date = datetime(2026, 3, 8, 10, 0)
        self.assertEqual((order.care_delivery_state, order.care_delivery_delay), ("on_time", -2.0))

    def test_only_managers_read_the_report_and_see_its_menus(self):
        order = self._sell()
        self._deliver(order, datetime(2026, 3, 2, 12, 0))
        self.env.flush_all()
        report = self.env["customer.care.report.delivery"]
        self.assertTrue(report.with_user(self.care_manager).search([("order_id", "=", order.id)]))
        with self.assertRaises(AccessError):
            report.with_user(self.care_user).search([])
        menus = self.env.ref(
            "customer_care_stock.menu_customer_care_report_delivery"
        ) | self.env.ref("customer_care_stock.menu_customer_care_report_order_error")
        visible = self.env["ir.ui.menu"].with_user(self.care_manager)._visible_menu_ids()
        self.assertEqual(set(menus.ids) & visible, set(menus.ids))
        visible = self.env["ir.ui.menu"].with_user(self.care_user)._visible_menu_ids()
        self.assertFalse(set(menus.ids) & visible)

    def test_the_bridge_installs_itself_with_inventory(self):
        bridge = self.env["ir.module.module"].search([("name", "=", "customer_care_stock")])
        self.assertEqual(bridge.state, "installed")
        self.assertTrue(bridge.auto_install)
        self.assertEqual(
            set(bridge.dependencies_id.mapped("name")), {"customer_care", "sale_stock"}
        )


@tagged("post_install", "-at_install")
class TestExchangeDelivery(StockCommon):
    def test_delivering_the_replacement_plans_the_follow_up(self):
        replacement = self._sell()
        with freeze_time(datetime(2026, 3, 2, 15, 0)):
            incident = self._incident(
                channel="phone",
                resolution_type="exchange",
                root_cause_id=self.cause.id,
                replacement_order_id=replacement.id,
            )
            incident.action_resolve()
        self.assertTrue(incident.waiting_delivery)
        self.assertFalse(incident.followup_plan_id)
        self._deliver(replacement, datetime(2026, 3, 4, 14, 0))
        self.assertEqual(incident.date_customer_received, datetime(2026, 3, 4, 14, 0))
        self.assertTrue(incident.followup_plan_id)
        self.assertEqual(incident.followup_plan_id.channel, "email")
        self.assertFalse(incident.waiting_delivery)

    def test_a_partial_delivery_keeps_the_exchange_waiting(self):
        replacement = self._sell(qty=2)
        with freeze_time(datetime(2026, 3, 2, 15, 0)):
            incident = self._incident(
                resolution_type="exchange",
                root_cause_id=self.cause.id,
                replacement_order_id=replacement.id,
            )
            incident.action_resolve()
        self._deliver(replacement, datetime(2026, 3, 3, 10, 0), qty=1, backorder=True)
        self.assertTrue(incident.waiting_delivery)
        self.assertFalse(incident.followup_plan_id)
