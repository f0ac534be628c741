"""The chat app bridge in Vietnamese, Thai and Chinese, like the rest of the app:
every string of the bridge's template is translated in each catalogue."""

from odoo.tests import TransactionCase, tagged

from ..common import untranslated


@tagged("post_install", "-at_install")
class TestMessagingCatalogues(TransactionCase):
    def test_every_string_of_the_bridge_is_translated_in_each_language(self):
        missing, expected = untranslated("customer_care_messaging")
        self.assertIn((None, "Send via Chat App"), expected)
        for code, msgids in missing.items():
            with self.subTest(lang=code):
                self.assertFalse(msgids, f"{code}: untranslated {msgids[:5]}")
