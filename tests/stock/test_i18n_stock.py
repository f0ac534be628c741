"""The inventory reports in Vietnamese, Thai and Chinese, like the rest of
the app: every string of the bridge's template is translated in each
catalogue, and the menus and fields come out translated once loaded."""

from odoo.tests import TransactionCase, tagged

from ..common import LANGS, assert_catalogues_complete


@tagged("post_install", "-at_install")
class TestStockCatalogues(TransactionCase):
    def test_every_string_of_the_bridge_is_translated_in_each_language(self):
        assert_catalogues_complete(self, "customer_care_stock", "On-time Delivery")

    def test_menus_fields_and_selections_come_out_translated(self):
        for code in LANGS:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["customer_care_stock"], list(LANGS), overwrite=True
        )
        menu = self.env.ref("customer_care_stock.menu_customer_care_report_delivery")
        expected = {"vi_VN": "Giao hàng đúng hẹn", "zh_CN": "准时交付", "zh_TW": "準時交付"}
        for code, name in expected.items():
            with self.subTest(lang=code):
                self.assertEqual(menu.with_context(lang=code).name, name)
        env = self.env(context=dict(self.env.context, lang="th_TH"))
        field = env["sale.order"].fields_get(["care_delivery_state"])["care_delivery_state"]
        self.assertEqual(field["string"], "คำสัญญาการส่งมอบ")
        self.assertEqual(dict(field["selection"])["late"], "ล่าช้า")
