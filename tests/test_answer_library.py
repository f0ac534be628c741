"""The answer library: approved answers sent from an incident or a care plan
(step 3, "answer questions"), in the customer's language with their details
filled in; only care managers approve; the most used published as the FAQ."""

from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import BaseCase, Form, HttpCase, new_test_user, tagged

from odoo.addons.customer_care.logic import answers

from .common import CareCommon

ANSWER = "customer.care.answer"
USE = "customer.care.answer.use"

BODY_EN = "<p>Dear {{customer}}, order {{order}} arrives by {{promised_date}}.</p>"
TERM_EN = "Dear {{customer}}, order {{order}} arrives by {{promised_date}}."
# the text is translated paragraph by paragraph, as Odoo translates HTML
TERMS = {
    "vi_VN": "Kính gửi Quý khách {{customer}}, đơn hàng {{order}} sẽ đến trước {{promised_date}}.",
    "th_TH": "เรียน คุณ{{customer}} คำสั่งซื้อ {{order}} จะถึงภายใน {{promised_date}}",
    "zh_CN": "尊敬的{{customer}}，您的订单 {{order}} 将于 {{promised_date}} 前送达。",  # noqa: RUF001
    "zh_TW": "親愛的{{customer}}，您的訂單 {{order}} 將於 {{promised_date}} 前送達。",  # noqa: RUF001
}


FAQ_VI = "Chúng tôi mở cửa lúc 8 giờ, Quý khách {{customer}}."


@tagged("post_install", "-at_install")
class TestAnswerPlaceholders(BaseCase):
    """The pure substitution of ``logic/answers.py``."""

    def test_known_placeholders_are_filled_and_escaped(self):
        text, missing = answers.render(
            "<p>Hi {{customer}}, {{ order }} by {{promised_date}}</p>",
            {"customer": "Tom <b>& Jerry</b>", "order": "S00042", "promised_date": "05/03/2026"},
        )
        self.assertEqual(text, "<p>Hi Tom &lt;b&gt;&amp; Jerry&lt;/b&gt;, S00042 by 05/03/2026</p>")
        self.assertEqual(missing, [])

    def test_plain_text_is_not_escaped(self):
        text, _missing = answers.render("Re: {{order}}", {"order": "A&B"}, html=False)
        self.assertEqual(text, "Re: A&B")

    def test_a_placeholder_without_value_stays_visible_and_is_reported(self):
        text, missing = answers.render("{{customer}}: {{order}}", {"customer": "An"})
        self.assertEqual(text, "An: {{order}}")
        self.assertEqual(missing, ["order"])
        self.assertEqual(answers.unfilled(text), ["order"])

    def test_nothing_is_evaluated(self):
        for source in ("{{ 7*7 }}", "{{customer.__class__}}", "{{object.partner_id.name}}"):
            with self.subTest(source=source):
                text, _missing = answers.render(source, {"customer": "An"})
                self.assertEqual(text, source)
                self.assertTrue(answers.unknown_placeholders(source))

    def test_unknown_placeholders_are_found_in_order(self):
        self.assertEqual(
            answers.unknown_placeholders("{{custmer}} {{order}} {{date}} {{custmer}}"),
            ["custmer", "date"],
        )
        self.assertEqual(
            answers.placeholders_in("{{order}} {{customer}} {{order}}"),
            [
                "order",
                "customer",
            ],
        )


class AnswerCommon(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in TERMS:
            cls.env["res.lang"]._activate_lang(code)
        cls.cause = cls.env["customer.care.root.cause"].create({"name": "Answer courier"})
        cls.answer = (
            cls.env[ANSWER]
            .with_user(cls.care_manager)
            .create(
                {
                    "name": "Delivery date for {{order}}",
                    "body": BODY_EN,
                    "kind": "question",
                    "root_cause_id": cls.cause.id,
                    "resolution_type": "explanation",
                }
            )
        )
        cls.answer.with_user(cls.care_manager).action_approve()
        cls.answer.update_field_translations(
            "body", {code: {TERM_EN: term} for code, term in TERMS.items()}
        )

    def _use(self, record, answer=None, user=None):
        field = (
            "default_incident_id" if record._name == "customer.care.incident" else "default_plan_id"
        )
        wizard_env = (
            self.env[USE].with_user(user or self.care_user).with_context(**{field: record.id})
        )
        form = Form(wizard_env)
        form.answer_id = answer or self.answer
        return form.save()


@tagged("post_install", "-at_install")
class TestAnswerLibrary(AnswerCommon):
    def test_a_plan_gets_the_answer_in_the_customers_language(self):
        """vi, th, zh: the customer's own text, their name, last order and
        the earliest promised answer date in their language's format."""
        expected_dates = {
            "vi_VN": "05/03/2026",
            "th_TH": "05/03/2026",
            "zh_CN": "2026/03/05",
            "zh_TW": "2026/03/05",
        }
        names = {"vi_VN": "Trần Thị Mai", "th_TH": "สมชาย ใจดี", "zh_CN": "王芳", "zh_TW": "陳美玲"}
        for code, name in names.items():
            with self.subTest(lang=code):
                partner = self._partner(name, lang=code, email=f"{code}@example.com")
                order = self._order(partner)
                plan = self.env["customer.care.plan"].create(
                    {"partner_id": partner.id, "user_id": self.care_user.id, "channel": "phone"}
                )
                step = plan.step_ids.filtered(lambda s: s.step == "answer")
                self.env["customer.care.plan.question"].create(
                    {
                        "step_id": step.id,
                        "name": "When?",
                        "date_promised": date(2026, 3, 5),
                    }
                )
                wizard = self._use(plan)
                expected = (
                    f"<p>{TERMS[code]}</p>".replace("{{customer}}", name)
                    .replace("{{order}}", order.name)
                    .replace("{{promised_date}}", expected_dates[code])
                )
                self.assertEqual(wizard.body, expected)
                self.assertEqual(wizard.subject, f"Delivery date for {order.name}")
                self.assertFalse(wizard.missing_placeholders)

    def test_sending_from_an_incident_applies_the_actions_and_stops_the_clock(self):
        partner = self._partner("Lê Văn Bình", lang="vi_VN", email="binh@example.com")
        order = self._order(partner)
        incident = self.env["customer.care.incident"].create(
            {"name": "Where is my bike?", "partner_id": partner.id, "user_id": self.care_user.id}
        )
        self.assertEqual(incident.kind, "complaint")
        self.assertFalse(incident.date_first_response)
        self._use(incident).action_send()
        self.assertEqual(incident.kind, "question")
        self.assertEqual(incident.root_cause_id, self.cause)
        self.assertEqual(incident.resolution_type, "explanation")
        self.assertTrue(incident.date_first_response)
        message = incident.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn(f"Kính gửi Quý khách Lê Văn Bình, đơn hàng {order.name}", message.body)
        self.assertIn(partner, message.partner_ids)
        self.assertEqual(self.answer.usage_count, 1)

    def test_an_unfilled_placeholder_blocks_sending_until_filled_in(self):
        partner = self._partner("No Orders Yet", email="none@example.com")
        plan = self.env["customer.care.plan"].create(
            {"partner_id": partner.id, "user_id": self.care_user.id, "channel": "email"}
        )
        wizard = self._use(plan)
        self.assertEqual(wizard.missing_placeholders, "{{order}}, {{promised_date}}")
        with self.assertRaisesRegex(UserError, r"\{\{order\}\}"):
            wizard.action_send()
        self.assertEqual(self.answer.usage_count, 0)
        wizard.write(
            {
                "subject": "Your order",
                "body": "<p>Dear No Orders Yet, your order arrives on Friday.</p>",
            }
        )
        wizard.action_send()
        self.assertIn("arrives on Friday", plan.message_ids[:1].body)
        self.assertEqual(self.answer.usage_count, 1)

    def test_only_approved_answers_are_sent(self):
        draft = (
            self.env[ANSWER]
            .with_user(self.care_user)
            .create({"name": "Proposal", "body": "<p>Dear {{customer}}</p>"})
        )
        incident = self.env["customer.care.incident"].create(
            {
                "name": "Q",
                "partner_id": self._partner("Q Customer").id,
                "user_id": self.care_user.id,
            }
        )
        wizard = (
            self.env[USE]
            .with_user(self.care_user)
            .create({"incident_id": incident.id, "answer_id": draft.id})
        )
        with self.assertRaisesRegex(UserError, "only approved answers"):
            wizard.action_send()
        with self.assertRaisesRegex(UserError, "only approved answers"):
            wizard.action_open_composer()
        self.assertFalse(incident.message_ids.filtered(lambda m: m.message_type == "comment"))

    def test_the_composer_opens_with_the_rendered_answer(self):
        partner = self._partner("Composer Customer", email="c@example.com")
        order = self._order(partner)
        incident = self.env["customer.care.incident"].create(
            {"name": "Q", "partner_id": partner.id, "user_id": self.care_user.id}
        )
        action = self._use(incident).action_open_composer()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertIn(
            f"Dear Composer Customer, order {order.name}", action["context"]["default_body"]
        )
        self.assertEqual(action["context"]["default_res_ids"], incident.ids)

    def test_only_a_care_manager_approves_or_changes_an_approved_answer(self):
        draft = (
            self.env[ANSWER]
            .with_user(self.care_user)
            .create({"name": "Proposal", "body": "<p>Hello {{customer}}</p>"})
        )
        draft.with_user(self.care_user).write({"body": "<p>Hello again {{customer}}</p>"})
        for attempt in (
            lambda: draft.with_user(self.care_user).write({"state": "approved"}),
            lambda: draft.with_user(self.care_user).action_approve(),
            lambda: self.answer.with_user(self.care_user).write({"body": "<p>Changed</p>"}),
            lambda: (
                self.env[ANSWER]
                .with_user(self.care_user)
                .create({"name": "Sneaky", "body": "<p>x</p>", "state": "approved"})
            ),
            lambda: self.answer.with_user(self.care_manager).write({"usage_count": 1000}),
        ):
            with self.assertRaises(AccessError):
                attempt()
        draft.with_user(self.care_manager).action_approve()
        self.assertEqual(draft.state, "approved")

    def test_a_misspelt_placeholder_is_refused_in_every_language(self):
        with self.assertRaisesRegex(ValidationError, r"\{\{custmer\}\}"):
            self.env[ANSWER].create({"name": "Typo", "body": "<p>Dear {{custmer}}</p>"})
        with self.assertRaisesRegex(ValidationError, r"\{\{khach_hang\}\}"):
            self.answer.update_field_translations(
                "body", {"th_TH": {TERM_EN: "เรียน {{khach_hang}}"}}
            )
        draft = self.env[ANSWER].create({"name": "Hello", "body": "<p>Hello {{customer}}</p>"})
        with self.assertRaisesRegex(ValidationError, r"\{\{khach_hang\}\}"):
            draft.with_context(lang="vi_VN").write({"body": "<p>Kính gửi {{khach_hang}}</p>"})

    def test_another_companys_answers_are_out_of_reach(self):
        company_b = self.env["res.company"].create({"name": "Answer Co B"})
        theirs = self.env[ANSWER].create(
            {"name": "Theirs", "body": "<p>x</p>", "company_id": company_b.id}
        )
        shared = self.env[ANSWER].create({"name": "Shared", "body": "<p>y</p>"})
        visible = (
            self.env[ANSWER]
            .with_user(self.care_user)
            .search([("name", "in", ["Theirs", "Shared"])])
        )
        self.assertEqual(visible, shared)
        with self.assertRaises(AccessError):
            theirs.with_user(self.care_user).read(["name"])

    def test_faq_takes_approved_answers_without_conversation_placeholders(self):
        draft = self.env[ANSWER].create({"name": "Draft FAQ", "body": "<p>Open daily</p>"})
        with self.assertRaisesRegex(ValidationError, "approved"):
            draft.is_published_faq = True
        with self.assertRaisesRegex(ValidationError, r"\{\{order\}\}"):
            self.answer.is_published_faq = True
        with self.assertRaises(AccessError):
            self.answer.with_user(self.care_user).write({"is_published_faq": True})


@tagged("post_install", "-at_install")
class TestAnswerFaq(AnswerCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # only this test's answers on the page
        cls.env[ANSWER].search([("is_published_faq", "=", True)]).is_published_faq = False
        Answer = cls.env[ANSWER]
        cls.rare, cls.popular, cls.hidden = Answer.create(
            [
                {"name": "Rare question", "body": "<p>Rare, {{customer}}.</p>"},
                {"name": "Popular question", "body": "<p>We open at 8, {{customer}}.</p>"},
                {"name": "Not published", "body": "<p>Secret remedy</p>"},
            ]
        )
        (cls.rare | cls.popular | cls.hidden).action_approve()
        (cls.rare | cls.popular).is_published_faq = True
        cls.popular.update_field_translations(
            "body",
            {"vi_VN": {"We open at 8, {{customer}}.": FAQ_VI}},
        )
        cls.popular._count_usage()
        cls.popular._count_usage()
        cls.rare._count_usage()
        cls.portal = new_test_user(
            cls.env,
            login="care_faq_portal",
            name="Phạm <Hoa>",
            groups="base.group_portal",
            lang="vi_VN",
        )

    def test_the_portal_faq_lists_published_answers_most_used_first(self):
        self.authenticate("care_faq_portal", "care_faq_portal")
        response = self.url_open("/my/faq")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn("Chúng tôi mở cửa lúc 8 giờ, Quý khách Phạm &lt;Hoa&gt;.", page)
        self.assertLess(page.index("Popular question"), page.index("Rare question"))
        self.assertNotIn("Secret remedy", page)
        self.assertNotIn("Not published", page)

    def test_the_faq_needs_a_signed_in_customer(self):
        response = self.url_open("/my/faq", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_customers_cannot_read_the_library_itself(self):
        with self.assertRaises(AccessError):
            self.env[ANSWER].with_user(self.portal).search([])


@tagged("post_install", "-at_install")
class TestAnswerDemoTranslations(CareCommon):
    def test_the_demo_answers_come_in_each_language(self):
        for code in ("vi_VN", "th_TH", "zh_CN", "zh_TW"):
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["customer_care"], ["vi_VN", "th_TH", "zh_CN", "zh_TW"], overwrite=True
        )
        answer = self.env.ref("customer_care.customer_care_answer_demo_late_delivery")
        expected = {
            "vi_VN": ("Giao hàng trễ", "Kính gửi Quý khách {{customer}}"),
            "th_TH": ("จัดส่งล่าช้า", "เรียน คุณ{{customer}}"),
            "zh_CN": ("延迟送达", "尊敬的{{customer}}"),
            "zh_TW": ("延遲送達", "親愛的{{customer}}"),
        }
        for code, (title, opening) in expected.items():
            with self.subTest(lang=code):
                translated = answer.with_context(lang=code)
                self.assertTrue(translated.name.startswith(title))
                self.assertIn(opening, translated.body)


@tagged("post_install", "-at_install")
class TestAnswerSearch(AnswerCommon):
    def test_answers_are_found_by_title_or_keyword(self):
        self.answer.keywords = "shipping, late"
        Answer = self.env[ANSWER].with_user(self.care_user)
        by_keyword = Answer.name_search("shipping", [("state", "=", "approved")])
        self.assertIn(self.answer.id, [answer_id for answer_id, _name in by_keyword])
        by_title = Answer.name_search("Delivery date", [("state", "=", "approved")])
        self.assertIn(self.answer.id, [answer_id for answer_id, _name in by_title])
