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

    def test_care_user_records_profiling_consent_then_the_family(self):
        """Under the opt-in regime the Care tab asks for profiling consent
        first: recorded with Record Consent, the family can be saved."""
        new_test_user(
            self.env,
            login="care_consent_user",
            password="care_consent_user",
            groups="base.group_user,customer_care.group_care_user",
        )
        self.env.company.care_consent_regime = "opt_in"
        partner = self.env["res.partner"].create({"name": "Consent Customer"})
        product = self.env["product.product"].create({"name": "Vase", "list_price": 20.0})
        order = self.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [(0, 0, {"product_id": product.id})]}
        )
        order.action_confirm()  # a buyer: the Customers list shows buyers
        self.start_tour("/odoo", "customer_care_consent_tour", login="care_consent_user")
        consent = self.env["customer.care.consent"].search([("partner_id", "=", partner.id)])
        self.assertEqual(
            (consent.purpose, consent.state, consent.evidence, consent.recorded_by_id.login),
            ("profiling", "given", "Signed the loyalty form", "care_consent_user"),
        )
        self.assertEqual(partner.care_children_count, 3)
