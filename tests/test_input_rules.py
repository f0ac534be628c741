"""Input rules of the outreach rules and the plan log, held in the model:
templates for customers, a real warranty date field, web links only and an
explicit "any hour" for sending."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CareCommon


@tagged("post_install", "-at_install")
class TestOutreachRuleInput(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["customer.care.outreach.rule"]
        cls.partner_template = cls.env.ref("customer_care.mail_template_care_birthday")
        cls.order_template = cls.env["mail.template"].create(
            {
                "name": "Order mail",
                "model_id": cls.env["ir.model"]._get_id("sale.order"),
                "subject": "Your order",
            }
        )
        cls.order_sms = cls.env["sms.template"].create(
            {
                "name": "Order SMS",
                "model_id": cls.env["ir.model"]._get_id("sale.order"),
                "body": "Your order",
            }
        )

    def _vals(self, **vals):
        return {
            "name": "Input rule",
            "trigger": "birthday",
            "channel": "email",
            "mail_template_id": self.partner_template.id,
            **vals,
        }

    def test_email_template_must_be_for_customers(self):
        with self.assertRaisesRegex(ValidationError, "res.partner"):
            self.Rule.create(self._vals(mail_template_id=self.order_template.id))
        rule = self.Rule.create(self._vals())
        with self.assertRaisesRegex(ValidationError, "res.partner"):
            rule.with_user(self.care_manager).write({"mail_template_id": self.order_template.id})

    def test_sms_template_must_be_for_customers(self):
        with self.assertRaisesRegex(ValidationError, "res.partner"):
            self.Rule.create(
                self._vals(channel="sms", mail_template_id=False, sms_template_id=self.order_sms.id)
            )

    def test_warranty_field_must_be_a_stored_date_of_sales_orders(self):
        Fields = self.env["ir.model.fields"]
        wrong = {
            "partner date": Fields._get("res.partner", "birthdate_date"),
            "order name": Fields._get("sale.order", "name"),
            "not stored": Fields.search(
                [("model", "=", "sale.order"), ("ttype", "=", "datetime"), ("store", "=", False)],
                limit=1,
            ),
        }
        self.assertTrue(wrong["not stored"])
        for label, field in wrong.items():
            with self.subTest(label), self.assertRaisesRegex(ValidationError, "warranty"):
                self.Rule.create(
                    self._vals(trigger="warranty", warranty_field_id=field.id, period="day")
                )
        rule = self.Rule.create(
            self._vals(
                trigger="warranty",
                warranty_field_id=Fields._get("sale.order", "validity_date").id,
            )
        )
        self.assertEqual(rule.warranty_field_id.name, "validity_date")

    def test_equal_hours_need_any_hour(self):
        with self.assertRaisesRegex(ValidationError, "Any Hour"):
            self.Rule.create(self._vals(send_all_day=False, send_hour_from=9, send_hour_to=9))
        rule = self.Rule.create(self._vals())
        self.assertTrue(rule.send_all_day)
        with self.assertRaisesRegex(ValidationError, "Any Hour"):
            rule.write({"send_all_day": False})  # 0 to 0
        rule.write({"send_all_day": False, "send_hour_from": 8, "send_hour_to": 20})
        self.assertFalse(rule.send_all_day)

    def test_seeded_window_rule_is_not_any_hour(self):
        rule = self.env.ref("customer_care.outreach_rule_birthday")
        self.assertEqual((rule.send_hour_from, rule.send_hour_to), (8, 20))
        self.assertFalse(rule.send_all_day)


@tagged("post_install", "-at_install")
class TestPlanLogLinks(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customer = cls._partner("Linh Link")
        cls.plan = cls.env["customer.care.plan"].create(
            {"partner_id": customer.id, "user_id": cls.care_user.id, "channel": "social"}
        )

    def _log(self, link):
        return (
            self.env["customer.care.plan.log.wizard"]
            .with_user(self.care_user)
            .create(
                {"plan_id": self.plan.id, "network": "zalo", "text": "Said hello", "link": link}
            )
        )

    def test_only_web_links(self):
        for link in (
            "javascript:alert(document.cookie)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "ftp://example.com/file",
            "www.example.com/post",
            "https://",
        ):
            with self.subTest(link=link), self.assertRaisesRegex(ValidationError, "http"):
                self._log(link)

    def test_a_web_link_is_logged(self):
        self._log("https://zalo.me/post/123").action_confirm()
        self.assertIn('href="https://zalo.me/post/123"', self.plan.message_ids[0].body)
