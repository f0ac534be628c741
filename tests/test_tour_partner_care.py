"""A care user edits a customer's Care tab in the browser."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPartnerCareTour(HttpCase):
    def test_care_user_edits_the_care_tab(self):
        new_test_user(
            self.env,
            login="care_tab_user",
            password="care_tab_user",
            groups="base.group_user,customer_care.group_care_user",
        )
        partner = self.env["res.partner"].create({"name": "Tour Customer"})
        product = self.env["product.product"].create({"name": "Flowers", "list_price": 30.0})
        order = self.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [(0, 0, {"product_id": product.id})]}
        )
        order.action_confirm()
        self.start_tour("/odoo", "customer_care_partner_tour", login="care_tab_user")
        self.assertEqual(partner.care_occupation, "Florist")
        self.assertEqual(partner.care_children_count, 2)
        self.assertEqual(partner.care_hobby_ids, self.env.ref("customer_care.care_hobby_gardening"))
