"""Outreach and consent: the regime decides who a marketing rule may
contact, a withdrawal always holds, and every outreach email carries the
one-click unsubscribe of RFC 8058 (Decree 91/2020: an opt-out in every
advertising message), every outreach SMS an opt-out instruction."""

from urllib.parse import urlsplit

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sms.tests.common import SMSCase

from .common import CareCommon

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


class ConsentOutreachCommon(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "UTC"
        cls.env.cr.execute("SELECT max(id) FROM res_partner")
        only_new = f"[('id', '>', {cls.env.cr.fetchone()[0]})]"
        cls.Consent = cls.env["customer.care.consent"]
        cls.rule = cls.env["customer.care.outreach.rule"].create(
            {
                "name": "Loyalty offer test",
                "trigger": "custom",
                "channel": "email",
                "mail_template_id": cls.env.ref("customer_care.mail_template_care_birthday").id,
                "domain": only_new,
            }
        )
        cls.given = cls._partner("Giang Given", email="giang.given@example.com", lang="en_US")
        cls.silent = cls._partner("Son Silent", email="son.silent@example.com")
        cls.withdrawn = cls._partner("Vy Withdrawn", email="vy.withdrawn@example.com")
        cls.Consent._record(cls.given, "marketing", "given", channel="email")
        cls.Consent._record(cls.withdrawn, "marketing", "given")
        cls.Consent._record(cls.withdrawn, "marketing", "withdrawn", channel="email")
        cls.Consent.flush_model()
        cls.env.cr.execute(
            "UPDATE customer_care_consent SET date = date - interval '1 day' WHERE state = 'given'"
        )

    def _run(self, rule=None):
        with self.committing_batches():
            return (rule or self.rule)._run()

    def _logs(self, rule=None):
        logs = self.env["customer.care.outreach.log"].search(
            [("rule_id", "=", (rule or self.rule).id)]
        )
        return {log.partner_id: (log.state, log.skip_reason) for log in logs}


@tagged("post_install", "-at_install")
class TestOutreachRegime(ConsentOutreachCommon):
    def test_opt_in_marketing_reaches_only_customers_who_gave_consent(self):
        self.env.company.care_consent_regime = "opt_in"
        run = self._run()
        self.assertEqual(
            self._logs(),
            {
                self.given: ("done", False),
                self.silent: ("skipped", "no_consent"),
                self.withdrawn: ("skipped", "consent_withdrawn"),
            },
        )
        self.assertEqual(
            (run.contacted, run.skipped_no_consent, run.skipped_consent_withdrawn), (1, 1, 1)
        )
        self.assertIn("2 skipped", run.summary)

    def test_opt_out_marketing_reaches_all_but_a_withdrawal(self):
        self.env.company.care_consent_regime = "opt_out"
        run = self._run()
        self.assertEqual(
            self._logs(),
            {
                self.given: ("done", False),
                self.silent: ("done", False),
                self.withdrawn: ("skipped", "consent_withdrawn"),
            },
        )
        self.assertEqual((run.skipped_no_consent, run.skipped_consent_withdrawn), (0, 1))

    def test_consent_of_another_channel_or_company_does_not_count(self):
        self.env.company.care_consent_regime = "opt_in"
        other = self.env["res.company"].create({"name": "Other Shop Outreach"})
        self.Consent._record(self.silent, "marketing", "given", channel="sms")
        self.Consent.with_company(other)._record(self.silent, "marketing", "given")
        self._run()
        self.assertEqual(self._logs()[self.silent], ("skipped", "no_consent"))

    def test_service_reminder_needs_no_marketing_consent(self):
        self.env.company.care_consent_regime = "opt_in"
        self.rule.purpose = "service"
        run = self._run()
        self.assertEqual(run.contacted, 3)
        self.assertEqual(run.skipped_no_consent + run.skipped_consent_withdrawn, 0)

    def test_consent_is_read_in_the_candidate_query_not_per_customer(self):
        """One batch costs the same queries for 3 customers as for 30."""
        self.env.company.care_consent_regime = "opt_in"

        def candidate_queries():
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            rows = self.rule._candidates(0, self.today, 2000)
            return self.env.cr.sql_log_count - before, rows

        few, rows = candidate_queries()
        states = {row["id"]: row["consent_state"] for row in rows}
        self.assertEqual(
            states,
            {self.given.id: "given", self.silent.id: None, self.withdrawn.id: "withdrawn"},
        )
        for index in range(27):
            partner = self._partner(f"Extra {index}", email=f"extra{index}@example.com")
            self.Consent._record(partner, "marketing", "given")
        many, rows = candidate_queries()
        self.assertEqual(len(rows), 30)
        self.assertEqual(many, few)


@tagged("post_install", "-at_install")
class TestOutreachSMSOptOut(SMSCase, ConsentOutreachCommon):
    def test_outreach_sms_ends_with_an_opt_out_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env.company.phone = "+84 28 3822 0000"
        # any hour: the example rule's sending hours would make the test
        # depend on the time it runs at
        rule = self.env.ref("customer_care.outreach_rule_birthday").copy(
            {"trigger": "custom", "domain": self.rule.domain, "active": True, "send_all_day": True}
        )
        chi = self._partner("Chi SMS", phone="+84 912 345 678", lang="vi_VN")
        blocked = self._partner("Blocked SMS", phone="+84 912 000 111")
        self.env["phone.blacklist"].add(blocked.phone_sanitized)
        self._run(rule)
        sms = self.env["sms.sms"].search([("partner_id", "=", chi.id)])
        last_line = sms.body.splitlines()[-1]
        self.assertTrue(last_line.endswith("+84 28 3822 0000"), sms.body)
        self.assertIn("Quý khách", last_line)
        link = chi._care_unsubscribe_url(self.env.company, "sms")
        self.assertIn(link, last_line)
        self.assertTrue(link.endswith("?channel=sms"))
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", blocked.id)]))
        self.assertEqual(self._logs(rule)[blocked], ("skipped", "blacklisted"))


@tagged("post_install", "-at_install")
class TestUnsubscribeLink(ConsentOutreachCommon, HttpCase):
    def _outreach_mail(self, partner):
        self.env.company.care_consent_regime = "opt_out"
        self._run()
        mail = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )
        self.assertEqual(len(mail), 1)
        return mail

    def _path(self, partner, company=None):
        return urlsplit(partner._care_unsubscribe_url(company or self.env.company)).path

    def test_outreach_email_has_one_click_headers_and_a_footer_link(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["customer_care"], ["vi_VN"])
        self.silent.lang = "vi_VN"
        mail = self._outreach_mail(self.silent)
        self.assertEqual(mail.care_outreach_company_id, self.env.company)
        [email] = mail._prepare_outgoing_list()
        url = self.silent._care_unsubscribe_url(self.env.company)
        self.assertEqual(email["headers"]["List-Unsubscribe"], f"<{url}>")
        self.assertEqual(email["headers"]["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn(f'href="{url}"', email["body"])
        self.assertIn("Hủy đăng ký", email["body"])  # the footer in the customer's language
        self.assertIn(url, email["body_alternative"])
        # on the company's own address, signed for this customer and company
        base = self.env.company.get_base_url().rstrip("/")
        self.assertTrue(url.startswith(f"{base}/care/unsubscribe/{self.silent.id}/"))
        self.assertNotEqual(url, self.given._care_unsubscribe_url(self.env.company))

    def test_incident_replies_and_other_mail_carry_no_unsubscribe(self):
        incident = self.env["customer.care.incident"].create(
            {"name": "Broken bell", "partner_id": self.silent.id}
        )
        incident.message_post(
            body="We are sending a new bell.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.silent.ids,
        )
        mail = self.env["mail.mail"].search([("model", "=", "customer.care.incident")])[:1]
        self.assertTrue(mail)
        for email in mail._prepare_outgoing_list():
            self.assertNotIn("List-Unsubscribe", email["headers"])
            self.assertNotIn("/care/unsubscribe/", email["body"])

    def test_one_click_post_without_login_withdraws_and_next_run_skips(self):
        self.env.company.care_consent_regime = "opt_out"
        response = self.url_open(self._path(self.silent), data=ONE_CLICK)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.silent._care_consent_state("marketing", "email")[self.silent.id], "withdrawn"
        )
        entry = self.Consent.search([("partner_id", "=", self.silent.id)])
        self.assertEqual((entry.source, entry.channel), ("unsubscribe", "email"))
        # twice is once
        self.url_open(self._path(self.silent), data=ONE_CLICK)
        self.assertEqual(self.Consent.search_count([("partner_id", "=", self.silent.id)]), 1)
        run = self._run()
        self.assertEqual(self._logs()[self.silent], ("skipped", "consent_withdrawn"))
        self.assertEqual(run.skipped_consent_withdrawn, 2)
        # the customer's complaints are still answered by email
        incident = self.env["customer.care.incident"].create(
            {"name": "Late delivery", "partner_id": self.silent.id}
        )
        incident.message_post(
            body="Your parcel leaves today.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.silent.ids,
        )
        reply = self.env["mail.mail"].search(
            [("model", "=", "customer.care.incident"), ("res_id", "=", incident.id)]
        )
        self.assertIn(self.silent, reply.recipient_ids)
        self.assertNotIn(reply.state, ("cancel", "exception"))

    def test_get_changes_nothing_and_the_page_button_confirms(self):
        response = self.url_open(self._path(self.given))
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'action="{self._path(self.given)}/confirm"', response.text)
        self.assertIn('method="post"', response.text)
        self.assertEqual(
            self.given._care_consent_state("marketing", "email")[self.given.id], "given"
        )
        csrf = self.opener.get(self.base_url() + self._path(self.given)).text
        token = csrf.split('name="csrf_token" value="')[1].split('"')[0]
        response = self.url_open(self._path(self.given) + "/confirm", data={"csrf_token": token})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.given._care_consent_state("marketing", "email")[self.given.id], "withdrawn"
        )

    def test_the_sms_link_withdraws_consent_by_sms_only(self):
        path = self._path(self.given)
        page = self.url_open(f"{path}?channel=sms").text
        self.assertIn("by SMS", page)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        response = self.url_open(f"{path}/confirm", data={"csrf_token": token, "channel": "sms"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("by SMS", response.text)
        self.assertEqual(
            self.given._care_consent_state("marketing", "sms")[self.given.id], "withdrawn"
        )
        self.assertEqual(
            self.given._care_consent_state("marketing", "email")[self.given.id], "given"
        )

    def test_the_pages_speak_the_customers_language(self):
        self.env["res.lang"]._activate_lang("th_TH")
        self.env["ir.module.module"]._load_module_terms(["customer_care"], ["th_TH"])
        self.silent.lang = "th_TH"
        page = self.url_open(self._path(self.silent)).text
        self.assertIn("ท่านต้องการหยุดรับข้อเสนอ", page)
        self.assertIn("ยกเลิกการรับข่าวสาร", page)

    @mute_logger("odoo.http")
    def test_a_post_that_is_not_one_click_changes_nothing(self):
        response = self.url_open(self._path(self.given), data={"List-Unsubscribe": "Yes"})
        self.assertEqual(response.status_code, 400)
        response = self.url_open(self._path(self.given) + "/confirm", data={"x": "1"})
        self.assertEqual(response.status_code, 400)  # no CSRF token
        self.assertEqual(
            self.given._care_consent_state("marketing", "email")[self.given.id], "given"
        )

    def test_forged_or_another_customers_token_is_refused(self):
        mine = self._path(self.given)
        token = mine.rsplit("/", 1)[1]
        other = self.env["res.company"].create({"name": "Other Shop Link"})
        attempts = [
            f"/care/unsubscribe/{self.silent.id}/{self.env.company.id}/{token}",
            f"/care/unsubscribe/{self.given.id}/{other.id}/{token}",
            f"/care/unsubscribe/{self.given.id}/{self.env.company.id}/{'0' * 64}",
            f"/care/unsubscribe/{self.given.id}/{self.env.company.id}/x",
            f"/care/unsubscribe/999999999/{self.env.company.id}/{token}",
        ]
        for path in attempts:
            for data in (None, ONE_CLICK):
                response = self.url_open(path, data=data)
                self.assertEqual(response.status_code, 404, path)
                self.assertNotIn(token, response.text)
        self.assertFalse(self.Consent.search([("source", "=", "unsubscribe")]))

    def test_links_beyond_the_hourly_limit_record_nothing_more(self):
        Consent = self.Consent.sudo()
        for _index in range(5):
            Consent._record(
                self.silent, "marketing", "given", channel="email", source="unsubscribe"
            )
        response = self.url_open(self._path(self.silent), data=ONE_CLICK)
        self.assertEqual(response.status_code, 429)
        self.assertEqual(Consent.search_count([("partner_id", "=", self.silent.id)]), 5)
