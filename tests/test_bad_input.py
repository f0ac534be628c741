"""Bad input gives a clear, translated error or a logged skip, never a
traceback and never a partial write (brief §1, §5, §8)."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CareCommon

SCRIPT = "<script>alert('x')</script>"
LONG_TEXT = "Lorem ipsum dolor sit amet. " * 3600  # about 100,000 characters


@tagged("post_install", "-at_install")
class TestBadInput(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._partner("Bad Input", email="bad.input@example.com")
        cls.policy = cls.env["customer.care.sla.policy"].create({"name": "Bad input policy"})
        cls.template = cls.env.ref("customer_care.mail_template_care_checkin")

    def _refused(self, record, vals, error=ValidationError, pattern=None):
        """The write is refused with a clear error and changes nothing."""
        before = record.read(list(vals))[0]
        with self.assertRaises(error) as caught:
            record.write(vals)
            self.env.flush_all()
        self.assertNotIn("violates", str(caught.exception))
        if pattern:
            self.assertRegex(str(caught.exception), pattern)
        record.invalidate_recordset()
        self.assertEqual(record.read(list(vals))[0], before)

    def test_values_out_of_range_are_refused_with_a_clear_message(self):
        group = self.group_vip
        rule = self.env["customer.care.outreach.rule"].create(
            {"name": "Bad rule", "trigger": "custom", "mail_template_id": self.template.id}
        )
        cause = self.env["customer.care.root.cause"].create({"name": "Bad cause"})
        tomorrow = fields.Date.context_today(self.customer) + timedelta(days=1)
        cases = [
            (self.customer, {"birthdate_date": tomorrow}, "future"),
            (self.customer, {"birthdate_date": date(1850, 1, 1)}, "over 130"),
            (self.customer, {"care_children_count": -1}, "negative"),
            (self.policy, {"response_hours": 0}, "positive"),
            (self.policy, {"response_hours": -1}, "positive"),
            (self.policy, {"resolution_hours": 0, "target_hours": 0}, "positive"),
            (self.policy, {"at_risk_percent": 150}, "percentage"),
            (self.policy, {"escalation_extra_hours": -2}, "negative"),
            (self.policy, {"response_hours": 30}, "exceed"),
            (group, {"cadence_days": -7}, "negative"),
            (group, {"top_percent": 120}, "percentages"),
            (group, {"min_orders": -1}, "negative"),
            (group, {"code": "regular"}, "already used"),
            (rule, {"cooldown_days": -1}, "negative"),
            (rule, {"interval_number": 0}, "at least"),
            (rule, {"lead_days": -3}, "negative"),
            (rule, {"domain": "[('name', '=',"}, "not valid"),
            (rule, {"domain": "[('no_such_field', '=', 1)]"}, "not valid"),
            (rule, {"domain": "__import__('os').system('true')"}, "not valid"),
            (rule, {"send_hour_to": 25}, "between 0 and 24"),
            (cause, {"recurrence_threshold": 0}, "positive"),
        ]
        for record, vals, pattern in cases:
            with self.subTest(model=record._name, vals=vals):
                self._refused(record, vals, pattern=pattern)
        incident = self.env["customer.care.incident"].create(
            {"name": "Rated", "partner_id": self.customer.id}
        )
        self._refused(incident, {"satisfaction": 7}, pattern="1 to 5")

    def test_imports_with_wrong_values_create_nothing(self):
        """``load`` (the import) reports every bad row and creates nothing."""
        imports = {
            "res.partner": (
                ["name", "birthdate_date", "gender"],
                [
                    ["Good One", "1990-01-01", "female"],
                    ["Wrong Gender", "1990-01-01", "robot"],
                    ["Wrong Date", "31/31/1990", "male"],
                    ["Future", "2999-01-01", "male"],
                ],
            ),
            "customer.care.plan": (
                ["partner_id/.id", "trigger", "channel"],
                [
                    [str(self.customer.id), "birthday", "email"],
                    [str(self.customer.id), "horoscope", "email"],
                    [str(self.customer.id), "manual", "pigeon"],
                ],
            ),
            "customer.care.incident": (
                ["name", "partner_id/.id", "kind", "date_received"],
                [
                    ["Fine", str(self.customer.id), "complaint", "2026-03-02 08:00:00"],
                    ["Bad kind", str(self.customer.id), "rant", "2026-03-02 08:00:00"],
                    ["Bad date", str(self.customer.id), "question", "yesterday"],
                ],
            ),
            "customer.care.group": (
                ["name", "code", "channel", "cadence_days"],
                [
                    ["Fine group", "fine_import", "email", "30"],
                    ["Bad channel", "bad_channel", "fax", "30"],
                    ["Bad cadence", "bad_cadence", "email", "-5"],
                    ["Not a number", "nan_cadence", "email", "often"],
                ],
            ),
        }
        for model, (fnames, rows) in imports.items():
            with self.subTest(model=model):
                Model = self.env[model]
                before = Model.search_count([])
                result = Model.load(fnames, rows)
                self.assertFalse(result["ids"])
                errors = [m for m in result["messages"] if m["type"] == "error"]
                self.assertGreaterEqual(len(errors), len(rows) - 1, result["messages"])
                for message in errors:
                    self.assertNotIn("Traceback", message["message"])
                self.assertEqual(Model.search_count([]), before)

    def test_html_is_sanitized_and_text_is_escaped(self):
        incident = self.env["customer.care.incident"].create(
            {
                "name": "Script",
                "partner_id": self.customer.id,
                "description": f"<p>It broke</p>{SCRIPT}",
                "resolution": f"<p>We replace it</p>{SCRIPT}<img src=x onerror=alert(1)>",
            }
        )
        self.group_vip.description = f"<p>VIP care</p>{SCRIPT}"
        for value in (incident.description, incident.resolution, self.group_vip.description):
            self.assertNotIn("<script", value)
            self.assertNotIn("onerror", value)
        self.assertIn("It broke", incident.description)
        # plain text typed by staff ends in the chatter escaped, never as markup
        plan = self.env["customer.care.plan"].create({"partner_id": self.customer.id})
        plan.action_start()
        plan.step_ids[0].action_skip(SCRIPT)
        self.assertIn("&lt;script&gt;", plan.message_ids[0].body)
        self.assertNotIn("<script", plan.message_ids[0].body)
        wizard = self.env["customer.care.plan.log.wizard"].create(
            {"plan_id": plan.id, "call_result": "reached", "text": SCRIPT}
        )
        wizard.action_confirm()
        self.assertNotIn("<script", plan.message_ids[0].body)
        self.assertIn("&lt;script&gt;", plan.message_ids[0].body)

    def test_very_long_texts_are_kept_whole(self):
        self.customer.write({"care_family_note": LONG_TEXT, "care_life_events": LONG_TEXT})
        plan = self.env["customer.care.plan"].create(
            {"partner_id": self.customer.id, "outcome_note": LONG_TEXT}
        )
        incident = self.env["customer.care.incident"].create(
            {"name": LONG_TEXT[:500], "partner_id": self.customer.id, "decline_reason": LONG_TEXT}
        )
        self.env.invalidate_all()
        self.assertGreater(len(LONG_TEXT), 99_000)
        self.assertEqual(self.customer.care_family_note, LONG_TEXT)
        self.assertEqual(plan.outcome_note, LONG_TEXT)
        self.assertEqual(incident.decline_reason, LONG_TEXT)

    def test_a_customer_without_an_address_is_refused_per_channel(self):
        nobody = self._partner("No Address")
        short = self._partner("Short Number", phone="12")
        plan = self.env["customer.care.plan"].create({"partner_id": nobody.id, "channel": "email"})
        with self.assertRaisesRegex(UserError, "no valid email"):
            plan.action_send_email()
        plan.channel = "sms"
        with self.assertRaisesRegex(UserError, "no valid phone"):
            plan.action_send_sms()
        plan.partner_id = short
        with self.assertRaisesRegex(UserError, "no valid phone"):
            plan.action_send_sms()
        # phone and visit need no address to be planned; the call is logged
        for channel in ("phone", "social", "visit"):
            plan.channel = channel
            self.assertTrue(plan._check_can_contact(channel))
        incident = self.env["customer.care.incident"].create(
            {"name": "Survey", "partner_id": nobody.id}
        )
        with self.assertRaisesRegex(UserError, "no email address"):
            incident.action_send_survey()

    def test_a_template_in_use_cannot_be_deleted(self):
        template = self.template.copy()
        sms = self.env.ref("customer_care.sms_template_care_birthday").copy()
        self.env["customer.care.outreach.rule"].create(
            [
                {"name": "Uses mail", "trigger": "custom", "mail_template_id": template.id},
                {
                    "name": "Uses sms",
                    "trigger": "custom",
                    "channel": "sms",
                    "sms_template_id": sms.id,
                    "active": False,
                },
            ]
        )
        with self.assertRaisesRegex(UserError, "Uses mail"):
            template.unlink()
        with self.assertRaisesRegex(UserError, "Uses sms"):
            sms.unlink()
        self.assertTrue(template.exists() and sms.exists())

    @freeze_time("2026-06-15 10:00:00")
    def test_a_rule_whose_domain_went_bad_fails_clearly(self):
        """A domain valid when saved can break later (a field uninstalled):
        the run stops with the rule's clear message, nobody contacted."""
        rule = self.env["customer.care.outreach.rule"].create(
            {"name": "Broken later", "trigger": "custom", "mail_template_id": self.template.id}
        )
        self.env.cr.execute(
            "UPDATE customer_care_outreach_rule SET domain = %s WHERE id = %s",
            ["[('gone_field', '=', 1)]", rule.id],
        )
        rule.invalidate_recordset()
        with self.assertRaisesRegex(ValidationError, "Broken later"), self.committing_batches():
            rule._run()
        self.assertFalse(rule.log_ids)
