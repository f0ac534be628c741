"""The app in Vietnamese, in the browser."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestVietnameseTour(HttpCase):
    def test_a_care_user_works_in_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(
            ["customer_care"], ["vi_VN"], overwrite=True
        )
        new_test_user(
            self.env,
            login="care_vi_user",
            password="care_vi_user",
            lang="vi_VN",
            groups="base.group_user,customer_care.group_care_user",
        )
        partner = self.env["res.partner"].create({"name": "Vietnamese Tour Customer"})
        product = self.env["product.product"].create({"name": "Bánh mì", "list_price": 2.0})
        order = self.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [(0, 0, {"product_id": product.id})]}
        )
        order.action_confirm()
        self.start_tour("/odoo", "customer_care_vietnamese_tour", login="care_vi_user")
