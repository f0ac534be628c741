"""Customers reach care themselves, from the website (the customer_care_website
bridge, installed by itself with Website): the *Report a problem* form opens
an incident through Odoo's website form.

These tests run on a database where ``website`` is installed (``scripts/test``
installs it after the main suite has run without it).  They post to the
form's route as the browser does, as a visitor who is not signed in or as a
signed-in portal customer.
"""

import json
from unittest.mock import patch

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, HttpCase, new_test_user, tagged
from odoo.tools import html2plaintext, mute_logger

from odoo.addons.customer_care_website.logic import web_form

from ..common import CareCommon

FORM = "/website/form/customer.care.incident"
INCIDENT = "customer.care.incident"


@tagged("post_install", "-at_install")
class TestWebFormRules(BaseCase):
    """The pure rules cutting what a visitor types to size."""

    def test_subject_is_one_line_else_the_first_line_of_the_text(self):
        self.assertEqual(web_form.subject("  Broken\n  kettle ", "x"), "Broken kettle")
        self.assertEqual(
            web_form.subject("", "\n\n  The lid leaks.  \nSince May"), "The lid leaks."
        )
        self.assertEqual(web_form.subject(None, None), "")
        self.assertEqual(web_form.subject(" \t", " \n "), "")

    def test_texts_are_cut_with_an_ellipsis(self):
        self.assertEqual(web_form.clip("abcdef", 6), "abcdef")
        self.assertEqual(web_form.clip("abcdefg", 6), "abcde…")
        self.assertEqual(len(web_form.subject("x" * 1000, "")), 200)

    def test_control_characters_are_dropped_but_lines_kept(self):
        self.assertEqual(web_form.clean("a\x00b\x1b\r\nc\t d  \n\n"), "ab\nc\t d")
        self.assertEqual(web_form.one_line("a\x00\nb", 10), "a b")


@tagged("post_install", "-at_install")
class TestReportForm(CareCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the website a request without a configured domain lands on
        cls.website = cls.env["website"].search([], limit=1)
        cls.known = cls._partner("Minh Tran", email="Minh.Tran@Example.com")
        cls.alpha = cls._partner("Alpha Web Co", is_company=True)
        cls.anna = new_test_user(
            cls.env,
            login="care_web_anna",
            name="Anna Alpha",
            email="anna@alpha.example.com",
            groups="base.group_portal",
        )
        cls.anna.partner_id.parent_id = cls.alpha

    def _post(self, **data):
        """Post the form as the page does; returns Odoo's JSON answer."""
        if self.session and self.session.uid:
            data["csrf_token"] = http.Request.csrf_token(self)
        response = self.url_open(FORM, data=data)
        self.assertEqual(response.status_code, 200)
        return json.loads(response.text)

    def _report(self, **data):
        values = {
            "contact_name": "Lan Visitor",
            "contact_email": "lan.visitor@example.com",
            "name": "Kettle",
            "description": "Where is my kettle?",
            **data,
        }
        answer = self._post(**values)
        self.assertTrue(answer.get("id"), answer)
        return self.env[INCIDENT].browse(answer["id"])

    # -- the page ------------------------------------------------------------
    def test_the_bridge_installs_itself_with_website(self):
        bridge = self.env["ir.module.module"].search([("name", "=", "customer_care_website")])
        self.assertEqual(bridge.state, "installed")
        self.assertTrue(bridge.auto_install)
        self.assertEqual(set(bridge.dependencies_id.mapped("name")), {"customer_care", "website"})

    def test_page_is_in_the_menu_and_posts_to_the_incident_form(self):
        response = self.url_open("/report-a-problem")
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-model_name="customer.care.incident"', response.text)
        self.assertIn('data-success-page="/report-a-problem/thank-you"', response.text)
        menus = self.env["website.menu"].search(
            [("url", "=", "/report-a-problem"), ("website_id", "=", self.website.id)]
        )
        self.assertEqual(len(menus), 1)
        self.assertEqual(menus.parent_id, self.website.menu_id)

    def test_only_the_visitors_fields_are_writable(self):
        model = self.env["ir.model"]._get(INCIDENT).sudo()
        self.assertTrue(model.website_form_access)
        self.assertEqual(
            set(model._get_form_writable_fields()),
            {"name", "description", "contact_name", "contact_email", "contact_phone"},
        )

    # -- a visitor who is not signed in --------------------------------------
    def test_visitor_report_opens_an_incident_with_its_clocks(self):
        before = fields.Datetime.now()
        incident = self._report(
            contact_phone="+84 90 123 4567",
            name="Complaint: kettle",
            description="It arrived broken.\nThe lid leaks.",
        )
        self.assertEqual(incident.channel, "website")
        self.assertEqual(incident.kind, "complaint")
        self.assertEqual(incident.state, "new")
        self.assertEqual(incident.sla_state, "on_track")
        self.assertEqual(incident.company_id, self.website.company_id)
        self.assertFalse(incident.user_id)
        self.assertGreaterEqual(incident.date_received, before.replace(microsecond=0))
        # the clocks of any incident of this kind for this customer
        same = self.env[INCIDENT].create(
            [{"name": "Same", "partner_id": incident.partner_id.id, "kind": "complaint"}]
        )
        self.assertTrue(incident.sla_policy_id)
        self.assertEqual(incident.sla_policy_id, same.sla_policy_id)
        self.assertGreater(incident.response_deadline, incident.date_received)
        self.assertIn("The lid leaks.", html2plaintext(incident.description))
        self.assertEqual(
            (incident.contact_name, incident.contact_email, incident.contact_phone),
            ("Lan Visitor", "lan.visitor@example.com", "+84 90 123 4567"),
        )
        # a new customer of the website's company, following the incident
        partner = incident.partner_id
        self.assertEqual(
            (partner.name, partner.email, partner.phone, partner.company_id),
            ("Lan Visitor", "lan.visitor@example.com", "+84 90 123 4567", self.website.company_id),
        )
        self.assertIn(partner, incident.message_partner_ids)

    def test_a_question_stays_a_question_and_an_empty_subject_is_taken_from_the_text(self):
        incident = self._report(name="  ", description="\n  When do you open on Sunday?\nThanks")
        self.assertEqual(incident.kind, "question")
        self.assertEqual(incident.name, "When do you open on Sunday?")

    def test_visitor_is_matched_to_the_customer_with_that_address(self):
        incident = self._report(contact_name="Someone", contact_email="minh.tran@example.COM")
        self.assertEqual(incident.partner_id, self.known)
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("email_normalized", "=", "minh.tran@example.com")]
            ),
            1,
        )
        notes = incident.message_ids.filtered(
            lambda m: "nothing proves it is them" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertTrue(notes.subtype_id.internal)

    def test_a_known_customers_name_from_another_address_is_flagged(self):
        incident = self._report(
            contact_name="Minh Tran", contact_email="minh.t@elsewhere.example.com"
        )
        self.assertNotEqual(incident.partner_id, self.known)
        self.assertTrue(
            incident.message_ids.filtered(lambda m: "writes from another address" in (m.body or ""))
        )

    def test_a_dropped_customer_is_flagged(self):
        self.known.with_user(self.care_manager).action_care_drop("no_profit", "Only losses")
        incident = self._report(contact_email="minh.tran@example.com")
        self.assertTrue(incident.message_ids.filtered(lambda m: "was dropped" in (m.body or "")))

    def test_a_customer_of_another_company_is_not_matched(self):
        other = self.env["res.company"].create({"name": "Web Second Co"})
        foreign = self._partner("Foreign Minh", email="foreign@example.com", company_id=other.id)
        incident = self._report(contact_email="foreign@example.com")
        self.assertNotEqual(incident.partner_id, foreign)
        self.assertEqual(incident.partner_id.company_id, self.website.company_id)

    def test_the_websites_company_owns_the_incident(self):
        other = self.env["res.company"].create({"name": "Web Shop Co"})
        self.website.company_id = other
        incident = self._report(contact_email="shop.visitor@example.com")
        self.assertEqual(incident.company_id, other)
        self.assertEqual(incident.partner_id.company_id, other)

    # -- a signed-in customer -----------------------------------------------
    def test_portal_customer_request_is_theirs_and_followed_in_the_portal(self):
        self.authenticate(self.anna.login, self.anna.login)
        incident = self._report(contact_email="", contact_name="", name="Invoice missing")
        self.assertEqual(incident.partner_id, self.anna.partner_id)
        self.assertEqual(incident.commercial_partner_id, self.alpha)
        self.assertFalse(
            incident.message_ids.filtered(lambda m: "nothing proves" in (m.body or ""))
        )
        page = self.url_open(f"/my/requests/{incident.id}")
        self.assertIn("Invoice missing", page.text)
        thanks = self.url_open("/report-a-problem/thank-you")
        self.assertIn(f"/my/requests/{incident.id}", thanks.text)

    def test_portal_customer_typing_another_address_stays_themselves(self):
        self.authenticate(self.anna.login, self.anna.login)
        incident = self._report(contact_email="minh.tran@example.com")
        self.assertEqual(incident.partner_id, self.anna.partner_id)
        self.assertEqual(incident.contact_email, "minh.tran@example.com")

    def test_signed_in_contact_of_another_company_is_matched_by_address(self):
        other = self.env["res.company"].create({"name": "Web Fourth Co"})
        self.anna.write({"company_ids": [(4, other.id)], "company_id": other.id})
        self.anna.partner_id.write({"parent_id": False, "company_id": other.id, "email": False})
        self.authenticate(self.anna.login, self.anna.login)
        before = self.env[INCIDENT].search_count([])
        answer = self._post(contact_email="", description="Broken")
        self.assertEqual(answer, {"error": "Give your email address, so that we can answer you."})
        self.assertEqual(self.env[INCIDENT].search_count([]), before)
        incident = self._report(contact_email="minh.tran@example.com")
        self.assertEqual(incident.partner_id, self.known)
        self.assertEqual(incident.company_id, self.website.company_id)

    def test_post_without_csrf_token_is_refused_when_signed_in(self):
        self.authenticate(self.anna.login, self.anna.login)
        before = self.env[INCIDENT].search_count([])
        with mute_logger("odoo.http"):
            response = self.url_open(FORM, data={"description": "No token", "name": "x"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.env[INCIDENT].search_count([]), before)

    def test_photos_are_attached_to_the_incident_for_the_care_team(self):
        response = self.url_open(
            FORM,
            data={
                "contact_email": "lan.visitor@example.com",
                "description": "See the photo",
            },
            files={"Photos or Documents[0]": ("lid.png", b"not really a png", "image/png")},
        )
        incident = self.env[INCIDENT].browse(json.loads(response.text)["id"])
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", INCIDENT), ("res_id", "=", incident.id)]
        )
        self.assertEqual(attachment.name, "lid.png")
        self.assertIn(attachment, incident.message_ids.attachment_ids)
        with self.assertRaises(AccessError):
            attachment.with_user(self.website.user_id).read(["datas"])

    # -- what a visitor cannot do -------------------------------------------
    def test_posted_fields_outside_the_whitelist_are_not_written(self):
        other = self.env["res.company"].create({"name": "Web Third Co"})
        incident = self._report(
            description="When do you open?",
            state="closed",
            kind="complaint",
            channel="phone",
            user_id=str(self.care_manager.id),
            partner_id=str(self.known.id),
            company_id=str(other.id),
            care_group_id=str(self.group_vip.id),
            priority="3",
            satisfaction="5",
            sla_state="breached",
            escalation_level="2",
            date_received="2020-01-01 00:00:00",
            date_first_response="2020-01-01 00:00:00",
            date_resolved="2020-01-01 00:00:00",
            resolution_type="declined",
            access_token="chosen-by-the-visitor",
        )
        self.assertEqual(
            (incident.state, incident.kind, incident.channel), ("new", "question", "website")
        )
        self.assertFalse(incident.user_id)
        self.assertNotEqual(incident.partner_id, self.known)
        self.assertEqual(incident.company_id, self.website.company_id)
        self.assertNotEqual(incident.care_group_id, self.group_vip)
        self.assertEqual((incident.priority, incident.satisfaction), ("0", 0))
        self.assertEqual((incident.sla_state, incident.escalation_level), ("on_track", 0))
        self.assertGreater(incident.date_received, fields.Datetime.to_datetime("2025-01-01"))
        self.assertFalse(incident.date_first_response or incident.date_resolved)
        self.assertFalse(incident.resolution_type)
        self.assertNotEqual(incident.access_token, "chosen-by-the-visitor")
        # kept as the visitor's text, for the care user to read
        self.assertIn("state : closed", html2plaintext(incident.description))

    def test_public_user_cannot_read_incidents(self):
        incident = self._report()
        public = self.website.user_id
        with self.assertRaises(AccessError):
            self.env[INCIDENT].with_user(public).search([])
        with self.assertRaises(AccessError):
            _name = self.env[INCIDENT].with_user(public).browse(incident.id).name
        response = self.url_open(f"/my/requests/{incident.id}", allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))

    def test_the_captcha_check_runs_before_anything_is_created(self):
        before = self.env[INCIDENT].search_count([])
        IrHttp = type(self.env["ir.http"])

        def refuse(self, action):
            raise UserError("Suspicious activity detected by the captcha.")

        with (
            patch.object(IrHttp, "_verify_request_recaptcha_token", refuse),
            mute_logger("odoo.http"),
        ):
            response = self.url_open(
                FORM, data={"contact_email": "bot@example.com", "description": "Buy pills"}
            )
        self.assertEqual(response.status_code, 422)
        self.assertIn("Suspicious activity detected by the captcha.", response.text)
        self.assertEqual(self.env[INCIDENT].search_count([]), before)

    # -- bad input -------------------------------------------------------------
    def test_script_html_is_kept_as_inert_text(self):
        incident = self._report(
            name="<b>Hi</b><script>alert(1)</script>",
            description="<script>alert('x')</script><img src=x onerror=alert(2)>Broken",
        )
        self.assertNotIn("<script", incident.description)
        self.assertNotIn("<img", incident.description)
        self.assertIn("<script>alert('x')</script>", html2plaintext(incident.description))
        self.assertEqual(incident.name, "<b>Hi</b><script>alert(1)</script>")
        # the request's page (its share link) shows the subject as text
        page = self.url_open(incident.get_portal_url()).text
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertNotIn("<script>alert(1)", page)
        self.assertNotIn("onerror=alert(2)>", page)

    def test_empty_description_or_missing_email_sends_the_form_back(self):
        before = self.env[INCIDENT].search_count([])
        answer = self._post(contact_email="lan@example.com", name="Hello", description="  \n ")
        self.assertEqual(answer, {"error_fields": ["description"]})
        answer = self._post(contact_name="Lan", description="Broken")
        self.assertEqual(answer, {"error_fields": ["contact_email"]})
        answer = self._post(contact_email="not an address", description="Broken")
        self.assertEqual(answer, {"error_fields": ["contact_email"]})
        self.assertEqual(self.env[INCIDENT].search_count([]), before)

    def test_huge_text_and_control_characters_are_cut_to_size(self):
        incident = self._report(
            name="S" * 5000,
            description="Broken\x00 lid. " + "x" * 300_000,
            contact_name="Lan\x00 Visitor",
            extra_field="Order\x00 42",
        )
        self.assertEqual(len(incident.name), 200)
        text = html2plaintext(incident.description)
        self.assertLess(len(text), 11_000)
        self.assertIn("Broken lid.", text)
        self.assertEqual(incident.contact_name, "Lan Visitor")

    # -- the thank-you page -------------------------------------------------
    def test_thank_you_page_gives_the_reference_and_a_general_promise(self):
        incident = self._report()
        page = self.url_open("/report-a-problem/thank-you").text
        self.assertIn(f"#{incident.id}", page)
        # not the customer's own promised time: it follows their care group
        self.assertNotIn("o_care_report_promise", page)
        self.assertIn("o_care_report_general_promise", page)
        self.assertNotIn("o_care_report_follow", page)
        self.assertNotIn(incident.partner_id.email, page)
        # another visitor's session shows no reference
        self.authenticate(None, None)
        page = self.url_open("/report-a-problem/thank-you").text
        self.assertNotIn("o_care_report_reference", page)
        self.assertIn("get back to you shortly", page)

    def test_thank_you_page_tells_nothing_of_the_address_typed(self):
        """The promised time follows the customer's care group: shown to a
        visitor, it would tell whether an address is a (valued) customer's."""
        self.known.care_group_id = self.group_vip
        pages = {}
        for email in ("minh.tran@example.com", "nobody.yet@example.com"):
            self.authenticate(None, None)
            incident = self._report(contact_email=email)
            page = self.url_open("/report-a-problem/thank-you").text
            self.assertIn(f"#{incident.id}", page)
            pages[email] = page.replace(str(incident.id), "ID")
        self.assertTrue(self.env[INCIDENT].search([("partner_id", "=", self.known.id)]))
        for page in pages.values():
            self.assertNotIn("o_care_report_promise", page)
            self.assertIn("o_care_report_general_promise", page)
        # the signed-in customer gets their own promised time
        self.authenticate(self.anna.login, self.anna.login)
        self._report(contact_email="", contact_name="")
        page = self.url_open("/report-a-problem/thank-you").text
        self.assertIn("o_care_report_promise", page)
        self.assertIn("o_care_report_follow", page)

    def test_signed_in_user_of_another_company_typing_a_known_address_is_flagged(self):
        other = self.env["res.company"].create({"name": "Web Fifth Co"})
        self.anna.write({"company_ids": [(4, other.id)], "company_id": other.id})
        self.anna.partner_id.write({"parent_id": False, "company_id": other.id})
        self.authenticate(self.anna.login, self.anna.login)
        incident = self._report(contact_email="minh.tran@example.com")
        self.assertEqual(incident.partner_id, self.known)
        notes = incident.message_ids.filtered(
            lambda m: "nothing proves it is them" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertTrue(notes.subtype_id.internal)

    def test_a_new_address_typed_by_a_visitor_is_flagged_too(self):
        incident = self._report(contact_email="first.time@example.com")
        self.assertTrue(
            incident.message_ids.filtered(lambda m: "nothing proves it is them" in (m.body or ""))
        )

    # -- files and extra fields: the server's own limits ----------------------
    PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"0" * 64

    def _post_files(self, files, **data):
        response = self.url_open(
            FORM,
            data={"contact_email": "lan.visitor@example.com", "description": "See", **data},
            files=files,
        )
        self.assertEqual(response.status_code, 200)
        return json.loads(response.text)

    def test_files_beyond_the_pages_limits_are_refused(self):
        before = self.env[INCIDENT].search_count([])
        attachments = self.env["ir.attachment"].search_count([("res_model", "=", INCIDENT)])
        six = {f"Photos or Documents[{n}]": (f"p{n}.png", self.PNG, "image/png") for n in range(6)}
        self.assertEqual(self._post_files(six), {"error": "Attach at most 5 files to your report."})
        # Odoo refuses a form part over 10 MB before the form is read (413);
        # the form's own limit holds whatever the framework's is
        self.assertEqual(web_form.MAX_FILE_BYTES, 10 * 1024 * 1024)
        with patch.object(web_form, "MAX_FILE_BYTES", 2 * 1024 * 1024):
            big = self.PNG + b"0" * (2 * 1024 * 1024)
            answer = self._post_files({"Photos or Documents[0]": ("big.png", big, "image/png")})
        self.assertEqual(answer, {"error": "big.png is larger than 2 MB: attach a smaller file."})
        for name, content in (
            ("page.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'),
            ("page.html", b"<html><script>alert(1)</script></html>"),
            ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64),
        ):
            with self.subTest(file=name):
                answer = self._post_files({"Photos or Documents[0]": (name, content, "image/png")})
                self.assertIn(f"{name} cannot be attached", answer.get("error", ""))
        # nothing was created, not even the incident
        self.assertEqual(self.env[INCIDENT].search_count([]), before)
        self.assertEqual(
            self.env["ir.attachment"].search_count([("res_model", "=", INCIDENT)]), attachments
        )
        # five photos and a PDF's worth of documents are fine
        five = {f"Photos or Documents[{n}]": (f"p{n}.png", self.PNG, "image/png") for n in range(4)}
        five["Photos or Documents[4]"] = ("bill.pdf", b"%PDF-1.4 bill", "application/pdf")
        answer = self._post_files(five)
        incident = self.env[INCIDENT].browse(answer["id"])
        self.assertEqual(len(incident.message_ids.attachment_ids), 5)

    def test_extra_fields_are_cut_to_size(self):
        incident = self._report(
            description="Broken lid.",
            extra_field="y" * 300_000,
            **{f"field_{n}": "z" * 1000 for n in range(50)},
        )
        text = html2plaintext(incident.description)
        self.assertIn("Broken lid.", text)
        self.assertLess(len(text), web_form.MAX_DESCRIPTION + web_form.MAX_CUSTOM + 200)
