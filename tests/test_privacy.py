"""A customer's data rights: the copy of everything the care suite keeps
about them, its erasure (no personal value left in the care tables, the
report figures unchanged), Odoo's privacy lookup over the care records, and
the retention period's scheduled anonymization."""

import base64
import io
import json
import re
import zipfile
from datetime import date, timedelta
from unittest.mock import patch

from markupsafe import Markup

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import CareCommon
from .test_scheduler import SchedulerCase

MODELS = "odoo.addons.customer_care.models"
PHONE = "+84 912 345 678"
# what the care records say about Lan, none of which may survive her erasure
NEEDLES = [
    "Lan Privacy",
    "lan.privacy@example.com",
    "912 345 678",
    "Pharmacist",
    "Two cats and a husband",
    "Moved to Da Nang",
    "My kettle leaks",
    "Photo of the leak",
    "Loves green tea",
    "Wants a bigger kettle",
    "Is there a warranty?",
    "Great service, thanks Lan",
    "Fast answer",
    "Delivery Lan",
    "Signed at the shop",
]


class PrivacyCommon(CareCommon):
    """Lan, a customer with every kind of care record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.hobby = cls.env["customer.care.hobby"].create({"name": "Privacy hiking"})
        cls.lan = cls._partner(
            "Lan Privacy",
            email="lan.privacy@example.com",
            phone=PHONE,
            street="12 Tran Phu",
            city="Hue",
            birthdate_date=date(1988, 3, 9),
            gender="female",
            care_occupation="Pharmacist",
            care_marital_status="married",
            care_children_count=0,
            care_family_note="Two cats and a husband",
            care_hobby_ids=[Command.set(cls.hobby.ids)],
            care_life_events="Moved to Da Nang",
        )
        cls.address = cls._partner(
            "Delivery Lan", parent_id=cls.lan.id, type="delivery", street="5 Le Loi"
        )
        cls._order(cls.lan, days_ago=10, amount=250.0)
        cls.env["customer.care.facts"]._refresh_partners(cls.lan.ids)
        # a care plan with what was said in its steps
        cls.plan = cls.env["customer.care.plan"].create(
            {"partner_id": cls.lan.id, "user_id": cls.care_user.id}
        )
        steps = {step.step: step for step in cls.plan.step_ids}
        steps["recall"].satisfied_note = "Loves green tea"
        steps["needs"].needs_note = "Wants a bigger kettle"
        cls.env["customer.care.plan.question"].create(
            {"step_id": steps["answer"].id, "name": "Is there a warranty?", "answer": "Two years"}
        )
        cls.env["customer.care.plan.offer"].create(
            {"step_id": steps["offer"].id, "name": "Kettle XL"}
        )
        # an incident: her words, her photo, the public answer, an internal note
        cls.incident = cls.env["customer.care.incident"].create(
            {
                "name": "My kettle leaks",
                "description": "<p>My kettle leaks on the table</p>",
                "partner_id": cls.lan.id,
                "user_id": cls.care_user.id,
            }
        )
        cls.photo = cls.env["ir.attachment"].create(
            {
                "name": "leak.png",
                "raw": b"PNG leak",
                "res_model": cls.incident._name,
                "res_id": cls.incident.id,
            }
        )
        cls.her_message = cls.incident.message_post(
            body=Markup("<p>Photo of the leak attached</p>"),
            author_id=cls.lan.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=cls.photo.ids,
        )
        cls.incident.with_user(cls.care_user).message_post(
            body=Markup("<p>We send a new seal tomorrow</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.incident.with_user(cls.care_user).message_post(
            body=Markup("<p>Internal: supplier batch 42</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        cls.feedback = cls.env["customer.care.feedback"].create(
            {
                "partner_id": cls.lan.id,
                "source": "hotline",
                "sentiment": "positive",
                "summary": "Fast answer",
                "text": "Great service, thanks Lan",
            }
        )
        cls.rating = cls.env["rating.rating"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id(cls.incident._name),
                "res_id": cls.incident.id,
                "partner_id": cls.lan.id,
                "rating": 5,
                "feedback": "Fast answer",
                "consumed": True,
            }
        )
        rule = cls.env["customer.care.outreach.rule"].create(
            {
                "name": "Privacy rule",
                "trigger": "custom",
                "period": "day",
                "domain": f"[('id', '=', {cls.lan.id})]",
                "channel": "email",
                "mail_template_id": cls.env.ref("customer_care.mail_template_care_checkin").id,
            }
        )
        cls.rule = rule
        cls.log = cls.env["customer.care.outreach.log"].create(
            {
                "rule_id": rule.id,
                "partner_id": cls.lan.id,
                "period_key": "privacy",
                "company_id": cls.env.company.id,
                "state": "failed",
                "error": "Mail to lan.privacy@example.com bounced",
            }
        )
        cls.consent = cls.env["customer.care.consent"]._record(
            cls.lan, "marketing", "given", channel="email", evidence="Signed at the shop"
        )
        cls.snapshot = cls.env["customer.care.top.snapshot"].create(
            {
                "company_id": cls.env.company.id,
                "period": date(2026, 1, 1),
                "partner_id": cls.lan.id,
                "rank": 3,
                "revenue": 250.0,
                "trend": "flat",
            }
        )


@tagged("post_install", "-at_install")
class TestExport(PrivacyCommon):
    def _export(self, user):
        action = self.lan.with_user(user).action_care_export_personal_data()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["url"].startswith(f"/web/content/res.partner/{self.lan.id}/"))
        self.assertIn("download=true", action["url"])
        content = base64.b64decode(self.lan.sudo().care_personal_data_file)
        return action, content

    def test_the_copy_holds_every_kind_of_care_record(self):
        action, content = self._export(self.care_manager)
        # her photo is included: one zip, the JSON and the file
        self.assertIn(".zip", action["url"])
        archive = zipfile.ZipFile(io.BytesIO(content))
        data = json.loads(archive.read("personal_data.json"))
        (photo,) = data["attachments"]
        self.assertEqual(archive.read(photo["path"]), b"PNG leak")
        self.assertEqual(photo["name"], "leak.png")

        profile = data["profile"]
        self.assertEqual(
            (profile["name"], profile["email"], profile["birthdate_date"], profile["gender"]),
            ("Lan Privacy", "lan.privacy@example.com", "1988-03-09", "Female"),
        )
        self.assertEqual(profile["care_occupation"], "Pharmacist")
        self.assertEqual(profile["care_family_note"], "Two cats and a husband")
        self.assertEqual(profile["care_hobby_ids"], ["Privacy hiking"])
        self.assertEqual(profile["care_life_events"], "Moved to Da Nang")
        self.assertEqual([c["name"] for c in profile["contacts"]], ["Delivery Lan"])

        (facts,) = data["purchase_facts"]
        self.assertEqual((facts["care_order_count"], facts["care_revenue"]), (1, 250.0))

        (consent,) = data["consents"]
        self.assertEqual(
            (consent["purpose"], consent["channel"], consent["state"], consent["evidence"]),
            ("Marketing (offers and loyalty outreach)", "Email", "Given", "Signed at the shop"),
        )

        (plan,) = data["care_plans"]
        steps = {step["step"]: step for step in plan["steps"]}
        self.assertEqual(len(steps), 4)
        self.assertEqual(steps["Recall past value"]["satisfied_note"], "Loves green tea")
        self.assertEqual(steps["Learn current needs"]["needs_note"], "Wants a bigger kettle")
        self.assertEqual(steps["Answer questions"]["questions"][0]["name"], "Is there a warranty?")
        self.assertEqual(steps["Introduce new value"]["offers"][0]["name"], "Kettle XL")

        (incident,) = data["incidents"]
        self.assertEqual(incident["name"], "My kettle leaks")
        self.assertEqual(incident["description"], "My kettle leaks on the table")
        bodies = [message["body"] for message in incident["messages"]]
        self.assertIn("Photo of the leak attached", bodies)
        self.assertIn("We send a new seal tomorrow", bodies)
        self.assertNotIn("Internal: supplier batch 42", bodies)

        (log,) = data["outreach_contacts"]
        self.assertEqual((log["rule_id"], log["state"]), ("Privacy rule", "Failed"))
        (feedback,) = data["feedback"]
        self.assertEqual(feedback["text"], "Great service, thanks Lan")
        (rating,) = data["ratings"]
        self.assertEqual((rating["rating"], rating["feedback"]), (5.0, "Fast answer"))
        (snapshot,) = data["top_customer_watch"]
        self.assertEqual((snapshot["rank"], snapshot["revenue"]), (3, 250.0))

        # logged in the customer's chatter
        note = self.lan.message_ids[0]
        self.assertIn("Personal data exported", str(note.body))
        self.assertEqual(note.author_id, self.care_manager.partner_id)

    def test_without_files_the_copy_is_one_json_file(self):
        self.her_message.attachment_ids.unlink()
        action, content = self._export(self.care_manager)
        self.assertIn(".json", action["url"])
        self.assertEqual(json.loads(content)["profile"]["name"], "Lan Privacy")

    def test_only_care_managers_export_and_read_the_copy(self):
        self._export(self.care_manager)
        for user in (self.care_user, self.plain_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.lan.with_user(user).action_care_export_personal_data()
        # the stored copy is served to care managers only
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.lan.id),
                    ("res_field", "=", "care_personal_data_file"),
                ]
            )
        )
        self.assertEqual(len(attachment), 1)
        self.assertFalse(attachment.public)
        attachment.with_user(self.care_manager).check_access("read")
        with self.assertRaises(AccessError):
            attachment.with_user(self.care_user).check_access("read")


@tagged("post_install", "-at_install")
class TestAnonymize(PrivacyCommon, MockEmail):
    def _care_text_values(self):
        """Every text value of the care tables (any column of any table of
        the suite), as SQL reads them."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name LIKE 'customer_care%%'
                  AND data_type IN ('character varying', 'text', 'jsonb')"""
        )
        values = []
        for table, column in self.env.cr.fetchall():
            self.env.cr.execute(
                f'SELECT "{column}"::text FROM "{table}" WHERE "{column}" IS NOT NULL'
            )
            values += [(table, column, row[0]) for row in self.env.cr.fetchall()]
        return values

    def _found(self, needles):
        return [
            (table, column, needle)
            for table, column, value in self._care_text_values()
            for needle in needles
            if needle.lower() in value.lower()
        ]

    def _figures(self):
        Incident = self.env["customer.care.incident"]
        return (
            Incident.search_count([("partner_id", "=", self.lan.id)]),
            Incident.search_count([("kind", "=", "complaint")]),
            self.env["customer.care.plan"].search_count([("partner_id", "=", self.lan.id)]),
            self.env["customer.care.plan.step"].search_count([("plan_id", "=", self.plan.id)]),
            self.env["customer.care.outreach.log"].search_count([("partner_id", "=", self.lan.id)]),
            self.env["customer.care.feedback"].search_count([("partner_id", "=", self.lan.id)]),
            self.env["customer.care.report.complaint"].search_count([]),
            self.lan.care_order_count,
            self.lan.care_revenue,
            self.incident.satisfaction,
            self.rating.rating,
        )

    def _anonymize(self):
        wizard = (
            self.env["customer.care.anonymize.wizard"]
            .with_user(self.care_manager)
            .create({"partner_ids": [Command.set(self.lan.ids)], "reason": "Her email of 3 March"})
        )
        wizard.action_confirm()
        self.env.invalidate_all()

    def test_no_personal_value_is_left_and_the_figures_stay(self):
        self.assertTrue(self._found(NEEDLES), "the check must see the values before")
        figures = self._figures()
        self.lan.with_user(self.care_manager).action_care_export_personal_data()
        self.assertTrue(self.lan.sudo().care_personal_data_file)
        self._anonymize()
        # the copy kept for the care managers goes too
        self.assertFalse(self.lan.sudo().care_personal_data_file)

        self.assertEqual(self._found(NEEDLES), [])
        self.assertEqual(self._figures(), figures)
        # her profile, in SQL
        self.env.cr.execute(
            """SELECT name, email, phone, birthdate_date, gender, care_occupation,
                      care_family_note, care_life_events, care_anonymized
                 FROM res_partner WHERE id = %s""",
            [self.lan.id],
        )
        self.assertEqual(
            self.env.cr.fetchone(),
            (f"Anonymized customer {self.lan.id}", None, None, None, None, None, None, None, True),
        )
        self.env.cr.execute(
            "SELECT count(*) FROM customer_care_hobby_partner_rel WHERE partner_id = %s",
            [self.lan.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.assertEqual(self.address.name, f"Anonymized customer {self.address.id}")
        self.assertFalse(self.address.street)
        # her own message: a marker, her photo gone; the care user's answer stays
        self.assertEqual(
            self.her_message.body, Markup("<p>[Removed at the customer's request]</p>")
        )
        self.assertFalse(self.her_message.attachment_ids)
        self.assertFalse(self.photo.exists())
        self.assertTrue(
            self.incident.message_ids.filtered(lambda m: "new seal" in str(m.body)),
        )
        self.assertEqual(self.rating.feedback, "[Removed at the customer's request]")
        self.assertFalse(self.consent.exists())
        # never contacted again
        blacklisted = self.env["mail.blacklist"].search([("email", "=", "lan.privacy@example.com")])
        self.assertTrue(blacklisted.active)
        self.assertTrue(
            self.env["phone.blacklist"].search(
                [("number", "=", self.env.user._phone_format(number=PHONE))]
            )
        )
        # the reason is logged, and Odoo's privacy log knows (masked)
        self.assertIn("Her email of 3 March", str(self.lan.message_ids[0].body))
        log = self.env["privacy.log"].search([], order="id desc", limit=2)
        self.assertIn("L** P******", log.mapped("anonymized_name"))

    def test_the_outreach_leaves_an_anonymized_customer_out(self):
        self.rule.domain = f"[('id', 'in', [{self.lan.id}, {self.care_user.partner_id.id}])]"
        self._anonymize()
        with self.mock_mail_gateway(), self.committing_batches():
            self.rule._run()
        logs = self.env["customer.care.outreach.log"].search([("rule_id", "=", self.rule.id)])
        self.assertEqual(logs.partner_id, self.lan | self.care_user.partner_id)
        self.assertEqual(logs.filtered(lambda log: log.partner_id == self.lan), self.log)

    def test_only_care_managers_with_a_reason_and_never_a_user_of_the_company(self):
        for user in (self.care_user, self.plain_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.lan.with_user(user).action_care_anonymize("Asked")
        with self.assertRaises(UserError):
            self.lan.with_user(self.care_manager).action_care_anonymize("  ")
        with self.assertRaises(UserError):
            self.care_user.partner_id.with_user(self.care_manager).action_care_anonymize("Asked")
        self.assertFalse(self.lan.care_anonymized)
        self.assertEqual(self.lan.name, "Lan Privacy")

    def test_a_user_of_the_company_among_her_contacts_stays(self):
        colleague = self.care_user.partner_id
        colleague.parent_id = self.lan
        self._anonymize()
        self.assertTrue(self.lan.care_anonymized)
        self.assertEqual((colleague.name, colleague.care_anonymized), ("Cara User", False))
        self.assertTrue(self.care_user.active)

    def test_a_second_anonymization_changes_nothing(self):
        self._anonymize()
        notes = len(self.lan.message_ids)
        self.lan.with_user(self.care_manager).action_care_anonymize("Again")
        self.assertEqual(len(self.lan.message_ids), notes)


@tagged("post_install", "-at_install")
class TestPrivacyLookup(PrivacyCommon):
    def _lookup(self):
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": "Lan Privacy", "email": "lan.privacy@example.com"}
        )
        wizard.action_lookup()
        return wizard.line_ids

    def test_every_care_record_of_the_person_is_found(self):
        lines = self._lookup()
        found = {(line.res_model, line.res_id) for line in lines}
        step_ids = self.plan.step_ids.ids
        expected = {
            ("customer.care.incident", self.incident.id),
            ("customer.care.plan", self.plan.id),
            ("customer.care.feedback", self.feedback.id),
            ("customer.care.outreach.log", self.log.id),
            ("customer.care.top.snapshot", self.snapshot.id),
            ("customer.care.consent", self.consent.id),
            *(("customer.care.plan.step", step_id) for step_id in step_ids),
        }
        question = self.env["customer.care.plan.question"].search([("plan_id", "=", self.plan.id)])
        expected.add(("customer.care.plan.question", question.id))
        self.assertLessEqual(expected, found)
        self.assertEqual(len(lines), len(found), "a record listed twice")

    def test_deleting_a_care_record_from_the_lookup_points_to_anonymize(self):
        line = self._lookup().filtered(lambda line: line.res_model == "customer.care.incident")
        with self.assertRaisesRegex(UserError, "Anonymize"):
            line.action_unlink()
        self.assertTrue(self.incident.exists())


@tagged("post_install", "-at_install")
class TestRetention(SchedulerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.gone = cls.env["res.partner"]
        for index in range(3):
            cls.gone |= cls._partner(f"Long gone {index}", email=f"gone{index}@example.com")
        cls.recent = cls._partner("Recently lost", email="recent@example.com")
        cls.active_one = cls._partner("Still buying", email="active@example.com")
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE res_partner SET care_state = 'lost', care_lost_date = %s WHERE id = ANY(%s)",
            [today - timedelta(days=800), cls.gone.ids],
        )
        cls.env.cr.execute(
            "UPDATE res_partner SET care_state = 'dropped', care_lost_date = %s WHERE id = %s",
            [today - timedelta(days=60), cls.recent.id],
        )
        # the demo's former customers are kept out of the count
        cls.env.cr.execute(
            "UPDATE res_partner SET care_lost_date = NULL WHERE id <> ALL(%s)",
            [(cls.gone | cls.recent).ids],
        )
        cls.env.invalidate_all()

    def test_former_customers_are_anonymized_batch_by_batch_then_quiet(self):
        cron = self.env.ref("customer_care.ir_cron_care_retention").sudo()
        self.env.company.care_retention_months = 24
        self.make_due(cron)
        with patch(f"{MODELS}.res_partner_privacy.ANONYMIZE_BATCH", 1):
            statuses = self.run_until_done(cron, slice_seconds=0, min_runs=1)
        # one customer a call, the scheduler called again while some remained
        self.assertEqual([calls for _status, calls in statuses], [1, 1, 1])
        self.assertEqual(
            [p.care_anonymized for p in self.gone | self.recent | self.active_one],
            [True, True, True, False, False],
        )
        self.assertEqual(self.gone.mapped("email"), [False] * 3)
        self.assertEqual(self.recent.name, "Recently lost")
        # nothing left: one call, fully done, nobody touched again
        self.make_due(cron)
        self.assertEqual(self.scheduler_pass(cron), ("fully done", 1))

    def test_zero_months_keeps_everyone(self):
        cron = self.env.ref("customer_care.ir_cron_care_retention").sudo()
        self.env.company.care_retention_months = 0
        self.make_due(cron)
        self.assertEqual(self.run_until_done(cron), [("fully done", 1)])
        self.assertFalse(any(self.gone.mapped("care_anonymized")))

    def test_a_negative_period_is_refused(self):
        with self.assertRaises(ValidationError):
            self.env.company.care_retention_months = -1


@tagged("post_install", "-at_install")
class TestPortalPrivacy(PrivacyCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="care_privacy_portal",
            name="Lan Portal",
            email="lan.portal@example.com",
            groups="base.group_portal",
        )
        # her login belongs to a contact of Lan: her copy is Lan's
        cls.portal_user.partner_id.parent_id = cls.lan

    def _post(self, path, **data):
        page = self.url_open("/my/privacy")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(path, data={"csrf_token": token, **data}, allow_redirects=False)

    def test_download_is_her_own_data_once_in_a_while(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        # another partner named in the request changes nothing
        response = self._post("/my/privacy/download", partner_id=str(self.care_user.partner_id.id))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        data = json.loads(archive.read("personal_data.json"))
        self.assertEqual(data["profile"]["name"], "Lan Privacy")
        self.assertEqual(data["incidents"][0]["name"], "My kettle leaks")
        self.assertIn("downloaded the customer's personal data", str(self.lan.message_ids[0].body))
        # a second download right away is refused
        again = self._post("/my/privacy/download")
        self.assertEqual(again.status_code, 303)
        self.assertIn("message=too_soon", again.headers["Location"])

    def test_download_needs_the_csrf_token_and_a_login(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/privacy/download", data={"x": "1"}, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.authenticate(None, None)
        response = self.url_open("/my/privacy", allow_redirects=False)
        self.assertIn("/web/login", response.headers["Location"])

    def test_delete_request_reaches_the_care_managers_once(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self._post("/my/privacy/erase", confirm="on")
        self.assertIn("message=requested", response.headers["Location"])
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.lan.id)]
        )
        self.assertIn(self.care_manager, activities.user_id)
        self.assertEqual(
            activities.activity_type_id,
            self.env.ref("customer_care.mail_activity_type_care_erasure"),
        )
        again = self._post("/my/privacy/erase", confirm="on")
        self.assertIn("message=pending", again.headers["Location"])
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.lan.id)]
            ),
            len(activities),
        )
        # nothing is erased by the request itself
        self.assertFalse(self.lan.care_anonymized)
        self.assertEqual(self.lan.name, "Lan Privacy")

    def test_consents_are_her_own_and_only_known_purposes(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        Consent = self.env["customer.care.consent"]
        before = Consent.search_count([])
        response = self._post(
            "/my/privacy/consent",
            purpose="profiling",
            state="given",
            partner_id=str(self.care_user.partner_id.id),
        )
        self.assertIn("message=consent_saved", response.headers["Location"])
        entry = Consent.search([], order="id desc", limit=1)
        self.assertEqual(
            (entry.partner_id, entry.purpose, entry.channel, entry.state, entry.source),
            (self.lan, "profiling", "any", "given", "portal"),
        )
        self.assertEqual(entry.recorded_by_id, self.portal_user)
        self.assertEqual(self.lan._care_consent_state("profiling")[self.lan.id], "given")
        for purpose, state in (("spying", "given"), ("marketing", "maybe")):
            self._post("/my/privacy/consent", purpose=purpose, state=state)
        self.assertEqual(Consent.search_count([]), before + 1)
        page = self.url_open("/my/privacy")
        self.assertIn("o_care_consent_profiling", page.text)
