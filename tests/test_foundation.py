"""The addon installs as a product: groups, menus, settings, access rules."""

from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFoundation(TransactionCase):
    def test_manager_implies_user(self):
        manager = self.env.ref("customer_care.group_care_manager")
        user = self.env.ref("customer_care.group_care_user")
        self.assertIn(user, manager.implied_ids)
        self.assertEqual(
            manager.privilege_id, self.env.ref("customer_care.res_groups_privilege_customer_care")
        )

    def test_every_model_of_the_addon_has_access_rules(self):
        models = self.env["ir.model"].search([("model", "=like", "customer.care.%")])
        models = models.filtered(lambda m: not self.env[m.model]._abstract)
        self.assertGreaterEqual(len(models), 2, "the addon declares its models")
        for model in models:
            with self.subTest(model=model.model):
                self.assertTrue(model.access_ids, f"{model.model} has no access rule")

    def test_app_menu_visible_to_care_users_only(self):
        root = self.env.ref("customer_care.menu_customer_care_root")
        care_user = new_test_user(
            self.env, login="care_menu_user", groups="base.group_user,customer_care.group_care_user"
        )
        plain_user = new_test_user(self.env, login="plain_menu_user", groups="base.group_user")
        visible = self.env["ir.ui.menu"].with_user(care_user)._visible_menu_ids()
        self.assertIn(root.id, visible)
        hidden = self.env["ir.ui.menu"].with_user(plain_user)._visible_menu_ids()
        self.assertNotIn(root.id, hidden)

    def test_every_menu_leads_somewhere(self):
        root = self.env.ref("customer_care.menu_customer_care_root")
        menus = self.env["ir.ui.menu"].search([("id", "child_of", root.id)])
        for menu in menus - root:
            with self.subTest(menu=menu.complete_name):
                self.assertTrue(
                    menu.action or menu.child_id, f"{menu.complete_name} is a dead menu item"
                )

    def test_settings_section_saves_company_parameters(self):
        settings = self.env["res.config.settings"].create(
            {"care_at_risk_factor": 2.0, "care_lost_factor": 4.0, "care_ltv_years": 5}
        )
        settings.execute()
        company = self.env.company
        self.assertEqual(
            (company.care_at_risk_factor, company.care_lost_factor, company.care_ltv_years),
            (2.0, 4.0, 5),
        )

    def test_inventory_reports_are_absent_without_inventory(self):
        """This suite runs on a database without Inventory (``scripts/test``
        installs it only afterwards, for ``tests/stock``): the on-time
        delivery and order error reports live in the ``customer_care_stock``
        bridge, which installs itself with ``sale_stock`` and is absent here."""
        modules = self.env["ir.module.module"]
        self.assertEqual(modules.search([("name", "=", "stock")]).state, "uninstalled")
        bridge = modules.search([("name", "=", "customer_care_stock")])
        self.assertEqual(bridge.state, "uninstalled")
        self.assertTrue(bridge.auto_install)
        care = modules.search([("name", "=", "customer_care")])
        self.assertNotIn("stock", care.dependencies_id.mapped("name"))
        self.assertNotIn("customer.care.report.delivery", self.env)
        self.assertFalse(
            self.env.ref(
                "customer_care_stock.menu_customer_care_report_delivery",
                raise_if_not_found=False,
            )
        )
        reporting = self.env.ref("customer_care.menu_customer_care_reporting")
        names = reporting.child_id.mapped("name")
        self.assertNotIn("On-time Delivery", names)
        self.assertNotIn("Order Errors", names)

    def test_website_form_is_absent_without_website(self):
        """Nor is Website installed here (``scripts/test`` installs it last,
        for ``tests/website``): the *Report a problem* form lives in the
        ``customer_care_website`` bridge, which installs itself with it."""
        modules = self.env["ir.module.module"]
        self.assertEqual(modules.search([("name", "=", "website")]).state, "uninstalled")
        bridge = modules.search([("name", "=", "customer_care_website")])
        self.assertEqual(bridge.state, "uninstalled")
        self.assertTrue(bridge.auto_install)
        care = modules.search([("name", "=", "customer_care")])
        self.assertNotIn("website", care.dependencies_id.mapped("name"))
        self.assertNotIn("contact_email", self.env["customer.care.incident"]._fields)
