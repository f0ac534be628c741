"""The live chat door in Vietnamese, Thai and Chinese: every string of the
bridge is translated in each catalogue, and the incident's channel and the
chatbot's step come out translated once loaded."""

from odoo.tests import TransactionCase, tagged

from ..common import LANGS, assert_catalogues_complete


@tagged("post_install", "-at_install")
class TestLivechatCatalogues(TransactionCase):
    def test_every_string_of_the_bridge_is_translated_in_each_language(self):
        assert_catalogues_complete(self, "customer_care_livechat", "Create Care Incident")

    def test_the_channel_and_the_step_come_out_translated(self):
        for code in LANGS:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["customer_care_livechat"], list(LANGS), overwrite=True
        )
        expected = {
            "vi_VN": ("Trò chuyện trực tuyến", "Tạo sự cố chăm sóc"),
            "th_TH": ("แชทสด", "สร้างกรณีการดูแล"),
            "zh_CN": ("在线聊天", "创建关怀工单"),
            "zh_TW": ("線上聊天", "建立關懷案件"),
        }
        for code, (channel, step) in expected.items():
            with self.subTest(lang=code):
                env = self.env(context=dict(self.env.context, lang=code))
                channels = dict(
                    env["customer.care.incident"].fields_get(["channel"])["channel"]["selection"]
                )
                self.assertEqual(channels["livechat"], channel)
                steps = dict(
                    env["chatbot.script.step"].fields_get(["step_type"])["step_type"]["selection"]
                )
                self.assertEqual(steps["create_care_incident"], step)
