"""Consent per purpose: a history where the latest entry per purpose and
channel decides, kept as history, per company, and the opt-in regime's
rule that profiling waits for consent."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CareCommon


@tagged("post_install", "-at_install")
class TestConsentHistory(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Consent = cls.env["customer.care.consent"]
        cls.an = cls._partner("An Consent", email="an.consent@example.com")
        cls.binh = cls._partner("Binh Consent", email="binh.consent@example.com")

    def _at(self, entries, when):
        entries.sudo().write({"date": when})
        return entries

    def test_latest_entry_of_the_channel_or_any_channel_decides(self):
        partners = self.an | self.binh
        self.assertEqual(
            partners._care_consent_state("marketing", "email"),
            {self.an.id: False, self.binh.id: False},
        )
        self._at(self.Consent._record(partners, "marketing", "given"), "2026-01-01 08:00:00")
        self._at(
            self.Consent._record(self.an, "marketing", "withdrawn", channel="email"),
            "2026-02-01 08:00:00",
        )
        # SMS of An is still given by the "any channel" entry
        self._at(
            self.Consent._record(self.binh, "marketing", "withdrawn", channel="sms"),
            "2026-02-01 08:00:00",
        )
        self.assertEqual(
            partners._care_consent_state("marketing", "email"),
            {self.an.id: "withdrawn", self.binh.id: "given"},
        )
        self.assertEqual(
            partners._care_consent_state("marketing", "sms"),
            {self.an.id: "given", self.binh.id: "withdrawn"},
        )
        # given again later on any channel: the newer entry wins
        self._at(self.Consent._record(self.an, "marketing", "given"), "2026-03-01 08:00:00")
        self.assertEqual(self.an._care_consent_state("marketing", "email")[self.an.id], "given")
        # another purpose is untouched
        self.assertEqual(self.an._care_consent_state("profiling")[self.an.id], False)

    def test_consent_state_is_one_query_for_the_whole_recordset(self):
        partners = self.env["res.partner"]
        for index in range(20):
            partners |= self._partner(f"Many {index}")
        self.Consent._record(partners, "marketing", "given", channel="email")
        self.env.flush_all()
        with self.assertQueryCount(1):
            states = partners._care_consent_state("marketing", "email")
        self.assertEqual(set(states.values()), {"given"})

    def test_record_returns_one_entry_per_partner_with_who_and_where(self):
        entries = (
            self.Consent.with_user(self.care_user)
            .with_context(tracking_disable=True)
            ._record(
                self.an | self.binh,
                "chat",
                "given",
                channel="chat",
                source="chat",
                evidence="Followed the shop's Zalo account",
            )
        )
        self.assertEqual(len(entries), 2)
        self.assertEqual(entries.partner_id, self.an | self.binh)
        self.assertEqual(set(entries.mapped("recorded_by_id")), {self.care_user})
        self.assertEqual(set(entries.mapped("company_id")), {self.env.company})
        self.assertEqual(set(entries.mapped("evidence")), {"Followed the shop's Zalo account"})

    def test_recorded_by_is_not_taken_from_the_client(self):
        entry = self.Consent.with_user(self.care_user).create(
            {
                "partner_id": self.an.id,
                "purpose": "marketing",
                "state": "given",
                "recorded_by_id": self.care_manager.id,
            }
        )
        self.assertEqual(entry.recorded_by_id, self.care_user)

    def test_entries_are_history_staff_cannot_change_or_delete_them(self):
        entry = self.Consent.with_user(self.care_user)._record(self.an, "marketing", "given")
        with self.assertRaises(AccessError):
            entry.with_user(self.care_manager).write({"state": "withdrawn"})
        with self.assertRaises(AccessError):
            entry.with_user(self.care_manager).unlink()
        self.assertEqual(entry.state, "given")
        # an administrator corrects an entry; the erasure (superuser) deletes it
        admin = self.env.ref("base.user_admin")
        entry.with_user(admin).write({"evidence": "Corrected: signed form 42"})
        self.assertEqual(entry.evidence, "Corrected: signed form 42")
        entry.sudo().unlink()
        self.assertFalse(entry.exists())

    def test_care_users_read_and_record_only_their_companies_consents(self):
        other = self.env["res.company"].create({"name": "Other Shop Consent"})
        mine = self.Consent._record(self.an, "marketing", "given")
        theirs = self.Consent.with_company(other)._record(self.an, "marketing", "withdrawn")
        visible = self.Consent.with_user(self.care_user).search([("partner_id", "=", self.an.id)])
        self.assertEqual(visible, mine)
        # the other company's withdrawal does not decide here
        self.assertEqual(self.an._care_consent_state("marketing")[self.an.id], "given")
        self.assertEqual(
            self.an.with_company(other)._care_consent_state("marketing")[self.an.id], "withdrawn"
        )
        self.assertTrue(theirs.exists())
        with self.assertRaises(AccessError):
            self.Consent.with_user(self.plain_user).search([])

    def test_wizard_records_a_new_entry_from_the_care_tab(self):
        action = self.an.with_user(self.care_user).action_care_withdraw_consent()
        self.assertEqual(action["res_model"], "customer.care.consent.wizard")
        wizard = Form(
            self.env["customer.care.consent.wizard"]
            .with_user(self.care_user)
            .with_context(action["context"])
        )
        wizard.purpose = "marketing"
        wizard.channel = "sms"
        wizard.evidence = "Asked on the phone"
        wizard.save().action_confirm()
        entry = self.Consent.search([("partner_id", "=", self.an.id)])
        self.assertEqual(
            (entry.purpose, entry.channel, entry.state, entry.source, entry.recorded_by_id),
            ("marketing", "sms", "withdrawn", "staff", self.care_user),
        )

    def test_consents_import_from_a_file(self):
        result = self.Consent.with_context(import_file=True).load(
            ["partner_id/.id", "purpose", "channel", "state", "source", "evidence"],
            [[str(self.binh.id), "marketing", "email", "given", "import", "Paper form 7"]],
        )
        self.assertFalse(result["messages"])
        entry = self.Consent.browse(result["ids"])
        self.assertEqual((entry.partner_id, entry.state), (self.binh, "given"))


@tagged("post_install", "-at_install")
class TestConsentRegime(CareCommon):
    def test_regime_defaults_to_opt_in_in_vietnam_thailand_and_china(self):
        Company = self.env["res.company"]
        regimes = {
            code: Company.create(
                {"name": f"Shop {code}", "country_id": self.env.ref(f"base.{code}").id}
            ).care_consent_regime
            for code in ("vn", "th", "cn", "fr", "us")
        }
        self.assertEqual(
            regimes,
            {"vn": "opt_in", "th": "opt_in", "cn": "opt_in", "fr": "opt_out", "us": "opt_out"},
        )

    def test_opt_in_profile_waits_for_profiling_consent(self):
        self.env.company.care_consent_regime = "opt_in"
        partner = self._partner("Chau Profile")
        staff_view = partner.with_user(self.care_user)
        with self.assertRaisesRegex(UserError, "Record that consent first"):
            staff_view.write({"care_family_note": "Two sons"})
        with self.assertRaises(UserError):
            staff_view.write(
                {"care_hobby_ids": [(4, self.env.ref("customer_care.care_hobby_travel").id)]}
            )
        with self.assertRaises(UserError):
            self.env["res.partner"].with_user(self.care_user).create(
                {"name": "New With Birthday", "birthdate_date": "1990-05-05"}
            )
        # a withdrawn consent does not count either
        self.env["customer.care.consent"]._record(partner, "profiling", "withdrawn")
        with self.assertRaises(UserError):
            staff_view.write({"gender": "female"})
        # clearing data and other fields are fine
        staff_view.write({"care_family_note": False, "care_occupation": "Teacher"})
        self.env["customer.care.consent"]._record(partner, "profiling", "given")
        staff_view.write({"care_family_note": "Two sons", "gender": "female"})
        self.assertEqual(partner.care_family_note, "Two sons")

    def test_opt_in_guard_is_for_staff_edits_not_imports_or_engines(self):
        self.env.company.care_consent_regime = "opt_in"
        partner = self._partner("Dao Import")
        partner.with_user(self.care_user).with_context(import_file=True).write(
            {"birthdate_date": "1980-01-02"}
        )
        partner.sudo().write({"gender": "male"})
        self.assertEqual((str(partner.birthdate_date), partner.gender), ("1980-01-02", "male"))

    def test_opt_out_profile_needs_no_consent_message_in_users_language(self):
        self.env.company.care_consent_regime = "opt_out"
        partner = self._partner("Em Opt Out")
        partner.with_user(self.care_user).write({"care_family_note": "One daughter"})
        self.assertEqual(partner.care_family_note, "One daughter")
        self.env.company.care_consent_regime = "opt_in"
        self.env["res.lang"]._activate_lang("vi_VN")
        self.care_user.lang = "vi_VN"
        with self.assertRaises(UserError) as caught:
            # the web client sends the user's language in the context
            partner.with_user(self.care_user).with_context(lang="vi_VN").write(
                {"care_family_note": "Hai con"}
            )
        self.assertIn("hồ sơ", str(caught.exception))
