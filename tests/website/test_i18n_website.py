"""The Report a problem page in Vietnamese, Thai and Chinese, like the rest
of the app: every string of the bridge's template is translated in each
catalogue, and the incident's new fields come out translated once loaded."""

from odoo.tests import TransactionCase, tagged

from ..common import LANGS, assert_catalogues_complete


@tagged("post_install", "-at_install")
class TestWebsiteCatalogues(TransactionCase):
    def test_every_string_of_the_bridge_is_translated_in_each_language(self):
        assert_catalogues_complete(self, "customer_care_website", "Report a Problem")

    def test_fields_and_filters_come_out_translated(self):
        for code in LANGS:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["customer_care_website"], list(LANGS), overwrite=True
        )
        expected = {
            "vi_VN": "Email đã cung cấp",
            "th_TH": "อีเมลที่ให้ไว้",
            "zh_CN": "填写的电子邮箱",
            "zh_TW": "填寫的電子郵件",
        }
        for code, label in expected.items():
            with self.subTest(lang=code):
                env = self.env(context=dict(self.env.context, lang=code))
                fields = env["customer.care.incident"].fields_get(["contact_email"])
                self.assertEqual(fields["contact_email"]["string"], label)
