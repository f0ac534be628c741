"""Fields the addon adds to partners never block what other apps do with
partners: a Settings administrator who is no care user creates users,
companies and contacts; every partner, whoever made it and however, starts
active."""

from odoo.tests import new_test_user, tagged

from .common import CareCommon


@tagged("post_install", "-at_install")
class TestOtherAppsKeepWorking(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.settings_admin = new_test_user(
            cls.env,
            login="settings_admin",
            name="Settings Admin",
            groups="base.group_user,base.group_system,base.group_partner_manager",
        )

    def test_the_administrator_is_no_care_user(self):
        self.assertFalse(self.settings_admin.has_group("customer_care.group_care_user"))

    def test_an_administrator_creates_users_companies_and_contacts(self):
        env = self.env(user=self.settings_admin)
        user = env["res.users"].create({"name": "New Colleague", "login": "new_colleague"})
        company = env["res.company"].create({"name": "New Branch"})
        contact = env["res.partner"].create({"name": "New Contact", "email": "new@example.com"})
        portal = env["res.users"].create(
            {
                "name": "Portal Customer",
                "login": "portal_customer",
                "group_ids": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        partners = user.partner_id | company.partner_id | contact | portal.partner_id
        self.assertEqual(set(partners.sudo().mapped("care_state")), {"active"})

    def test_a_care_user_creating_a_partner_sees_it_active(self):
        env = self.env(user=self.care_user)
        self.assertEqual(env["res.partner"].default_get(["care_state"]), {"care_state": "active"})
        partner = env["res.partner"].create({"name": "Care-made"})
        self.assertEqual(partner.care_state, "active")

    def test_a_partner_written_by_sql_starts_active(self):
        """Bulk loads and other modules' SQL get the column's default."""
        self.env.cr.execute(
            """SELECT column_default, is_nullable FROM information_schema.columns
                WHERE table_name = 'res_partner' AND column_name = 'care_state'"""
        )
        default, nullable = self.env.cr.fetchone()
        self.assertIn("'active'", default)
        self.assertEqual(nullable, "NO")
