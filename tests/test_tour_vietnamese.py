"""The app in Vietnamese, in the browser."""

from odoo import Command, fields
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


@tagged("post_install", "-at_install")
class TestVietnameseManagerTour(HttpCase):
    def test_a_care_manager_opens_the_overview_and_reports_in_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(
            ["customer_care"], ["vi_VN"], overwrite=True
        )
        manager = new_test_user(
            self.env,
            login="care_vi_manager",
            password="care_vi_manager",
            lang="vi_VN",
            groups="base.group_user,customer_care.group_care_manager",
        )
        team = self.env["customer.care.team"].create(
            {"name": "Đội tour tiếng Việt", "member_ids": [Command.set(manager.ids)]}
        )
        customer = self.env["res.partner"].create({"name": "Khách hàng tour tiếng Việt"})
        gone = self.env["res.partner"].create({"name": "Khách rời nhóm"})
        self.env["customer.care.incident"].create(
            {
                "name": "Đèn hỏng",
                "partner_id": customer.id,
                "team_id": team.id,
                "user_id": manager.id,
            }
        )
        month = fields.Date.today().replace(day=1)
        Snapshot = self.env["customer.care.top.snapshot"]
        for partner, rank, previous, revenue, trend in (
            (customer, 1, 0.0, 12380.0, "growing"),  # new in the top
            (gone, 0, 5000.0, 0.0, "declining"),  # fell out
        ):
            Snapshot.create(
                {
                    "company_id": self.env.company.id,
                    "period": month,
                    "partner_id": partner.id,
                    "rank": rank,
                    "revenue": revenue,
                    "previous_revenue": previous,
                    "change_amount": revenue - previous,
                    "change_percent": -100.0 if not revenue else 0.0,
                    "trend": trend,
                }
            )
        self.start_tour("/odoo", "customer_care_vietnamese_manager_tour", login="care_vi_manager")
