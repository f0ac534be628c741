"""Lost customers and why they left, win-back, feedback capture, the
overview (brief §6, §7)."""

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CareCommon


@tagged("post_install", "-at_install")
class TestLostCustomers(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.price = cls.env.ref("customer_care.lost_reason_price")
        cls.moved = cls.env.ref("customer_care.lost_reason_moved")
        cls.gone = cls._partner("Gone quiet")
        cls._order(cls.gone, days_ago=400)
        cls.gone_vip = cls._partner(
            "Former VIP",
            care_group_id=cls.group_vip.id,
            care_group_locked=True,
            care_user_id=cls.care_user.id,
        )
        cls._order(cls.gone_vip, days_ago=500, amount=5000.0)

    def test_handbook_reasons_are_seeded(self):
        reasons = self.env["customer.care.lost.reason"].search([]).mapped("name")
        for name in (
            "Price",
            "Service",
            "Product",
            "Moved away",
            "Went to a competitor",
            "No longer needed",
            "Other",
        ):
            self.assertIn(name, reasons)

    def test_silence_makes_a_customer_lost_with_the_date(self):
        self._refresh(self.gone)
        self.assertEqual(self.gone.care_state, "lost")
        self.assertEqual(self.gone.care_lost_date, self.today)
        action = self.env.ref("customer_care.res_partner_action_care_lost")
        self.assertIn(self.gone, self.env["res.partner"].search(safe_eval(action.domain)))

    def test_dropping_sets_the_lost_date_and_reinstating_clears_it(self):
        recent = self._partner("Recent buyer")
        self._order(recent, days_ago=5)
        recent.with_user(self.care_manager).action_care_drop("unethical", "Asked for a bribe")
        self.assertEqual(recent.care_lost_date, self.today)
        recent.with_user(self.care_manager).action_care_reinstate()
        self.assertEqual(recent.care_state, "active")
        self.assertFalse(recent.care_lost_date)

    def test_buying_again_clears_the_lost_date(self):
        self._refresh(self.gone)
        self._order(self.gone, days_ago=0)
        self.assertEqual(self.gone.care_state, "active")
        self.assertFalse(self.gone.care_lost_date)

    def test_mark_the_reason_from_the_list(self):
        partners = (self.gone | self.gone_vip).with_user(self.care_user)
        action = partners.action_care_lost_reason_wizard()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.care_user).with_context(action["context"])
        )
        wizard.reason_id = self.moved
        wizard.note = "Moved to Da Nang"
        wizard.save().action_confirm()
        self.assertEqual(partners.mapped("care_lost_reason_id"), self.moved)
        self.assertEqual(set(partners.mapped("care_lost_note")), {"Moved to Da Nang"})

    def test_win_back_plan_on_the_group_channel_for_the_care_person(self):
        self._refresh(self.gone, self.gone_vip)
        self.gone.care_user_id = self.care_manager
        action = (self.gone | self.gone_vip).with_user(self.care_user).action_care_create_win_back()
        plans = self.env["customer.care.plan"].search(action["domain"])
        self.assertEqual(
            {(p.partner_id, p.trigger, p.channel, p.user_id) for p in plans},
            {
                (self.gone, "win_back", "sms", self.care_manager),  # occasional: SMS
                (self.gone_vip, "win_back", "visit", self.care_user),  # VIP: visit
            },
        )
        self.assertEqual(len(plans.step_ids), 8)
        # a second click opens the same plans instead of doubling them
        again = (self.gone | self.gone_vip).action_care_create_win_back()
        self.assertEqual(self.env["customer.care.plan"].search(again["domain"]), plans)

    def test_no_win_back_for_a_dropped_customer(self):
        self.gone.with_user(self.care_manager).action_care_drop("no_profit", "Never pays")
        action = self.gone.action_care_create_win_back()
        self.assertFalse(self.env["customer.care.plan"].search(action["domain"]))


@tagged("post_install", "-at_install")
class TestFeedback(CareCommon):
    def test_order_comment_becomes_feedback_on_confirmation(self):
        contact_company = self._partner("Mekong Traders", is_company=True)
        buyer = self._partner("Buyer", parent_id=contact_company.id)
        order = self.env["sale.order"].create(
            {
                "partner_id": buyer.id,
                "care_customer_comment": "Please deliver before Tet\nand call first",
                "order_line": [(0, 0, {"product_id": self.bike.id, "price_unit": 10.0})],
            }
        )
        feedback = self.env["customer.care.feedback"]
        self.assertFalse(feedback.search([("sale_order_id", "=", order.id)]))
        order.action_confirm()
        record = feedback.search([("sale_order_id", "=", order.id)])
        self.assertEqual(
            (record.partner_id, record.source, record.summary, record.text),
            (
                contact_company,
                "order_comment",
                "Please deliver before Tet",
                "Please deliver before Tet\nand call first",
            ),
        )
        # confirming again after a reset does not record it twice
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(feedback.search_count([("sale_order_id", "=", order.id)]), 1)

    def test_orders_without_comment_leave_no_feedback(self):
        order = self._order(self._partner("Quiet buyer"))
        self.assertFalse(
            self.env["customer.care.feedback"].search([("sale_order_id", "=", order.id)])
        )

    def test_front_line_staff_log_hotline_calls_and_managers_read_them(self):
        partner = self._partner("Caller")
        action = self.env.ref("customer_care.customer_care_feedback_action_hotline")
        logged = (
            self.env["customer.care.feedback"]
            .with_user(self.care_user)
            .with_context(default_source="hotline")
            .create(
                {
                    "partner_id": partner.id,
                    "text": "Voicemail: the bike squeaks",
                    "sentiment": "negative",
                }
            )
        )
        self.assertEqual(logged.source, "hotline")
        domain = [("source", "in", ("hotline", "voicemail")), ("partner_id", "=", partner.id)]
        self.assertIn("hotline", action.domain)
        as_manager = self.env["customer.care.feedback"].with_user(self.care_manager)
        self.assertEqual(as_manager.search(domain), logged)
        self.assertEqual(partner.with_user(self.care_user).care_feedback_count, 1)
        with self.assertRaises(AccessError):
            logged.with_user(self.care_user).unlink()
        with self.assertRaises(AccessError):
            self.env["customer.care.feedback"].with_user(self.plain_user).search_count([])
