"""The app in Vietnamese, Thai and Chinese (brief: the handbooks' languages).

Each catalogue covers every string of the addon (checked against the
template Odoo exports, customer_care.pot), and once loaded the records,
fields, selections, menus, messages and templates come out translated.
"""

import os

import polib

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import LANGS, assert_catalogues_complete

I18N = os.path.join(os.path.dirname(__file__), os.pardir, "customer_care", "i18n")


@tagged("post_install", "-at_install")
class TestCatalogues(TransactionCase):
    def test_every_string_of_the_addon_is_translated_in_each_language(self):
        expected = assert_catalogues_complete(self, "customer_care")
        self.assertGreater(len(expected), 500)

    def test_the_template_lists_what_the_addon_declares(self):
        """The .pot is current: a sample of strings from each kind of source."""
        template = {entry.msgid for entry in polib.pofile(os.path.join(I18N, "customer_care.pot"))}
        for msgid in (
            "Customer Care",  # menu
            "Care Group",  # model and field
            "Dropped",  # selection
            "Only a care manager can drop a customer.",  # Python message
            "Thank you for calling {company}, this is {user}, how can I help you today?",
        ):
            with self.subTest(msgid=msgid):
                self.assertIn(msgid, template)


@tagged("post_install", "-at_install")
class TestLoadedLanguages(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["customer_care"], list(LANGS), overwrite=True
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Nguyen Van An", "email": "an@example.com", "phone": "+84912345678"}
        )

    def test_records_fields_selections_and_menus_are_translated(self):
        vip = self.env.ref("customer_care.care_group_vip")
        root = self.env.ref("customer_care.menu_customer_care_root")
        for code in LANGS:
            env = self.env(context=dict(self.env.context, lang=code))
            with self.subTest(lang=code):
                self.assertNotEqual(vip.with_env(env).description, vip.description)
                self.assertNotEqual(
                    self.env.ref("customer_care.care_group_regular").with_env(env).name,
                    "Regular customers",
                )
                self.assertNotEqual(root.with_env(env).name, "Customer Care")
                description = env["res.partner"].fields_get(["care_state"])["care_state"]
                self.assertNotEqual(description["string"], "Care State")
                labels = dict(description["selection"])
                self.assertNotEqual(labels["dropped"], "Dropped")
                steps = dict(
                    env["customer.care.plan.step"].fields_get(["step"])["step"]["selection"]
                )
                self.assertNotEqual(steps["recall"], "Recall past value")

    def test_messages_are_translated(self):
        partner = self.partner.with_user(self.env.ref("base.user_admin"))
        for code in LANGS:
            with self.subTest(lang=code), self.assertRaises(UserError) as caught:
                partner.with_context(lang=code).action_care_drop("rude", "note")
            self.assertNotIn("Choose why the customer is dropped", str(caught.exception))

    def test_templates_render_in_the_customers_language(self):
        mail = self.env.ref("customer_care.mail_template_care_birthday")
        sms = self.env.ref("customer_care.sms_template_care_birthday")
        english_subject = mail._render_field("subject", self.partner.ids)[self.partner.id]
        english_sms = sms._render_field("body", self.partner.ids)[self.partner.id]
        for code in LANGS:
            with self.subTest(lang=code):
                self.partner.lang = code
                subject = mail._render_field("subject", self.partner.ids, compute_lang=True)[
                    self.partner.id
                ]
                body = mail._render_field("body_html", self.partner.ids, compute_lang=True)[
                    self.partner.id
                ]
                text = sms._render_field("body", self.partner.ids, compute_lang=True)[
                    self.partner.id
                ]
                self.assertIn("Nguyen Van An", subject)
                self.assertNotEqual(subject, english_subject)
                self.assertIn("Nguyen Van An", body)
                self.assertNotIn("All of us at", body)
                self.assertIn("Nguyen Van An", text)
                self.assertNotEqual(text, english_sms)
