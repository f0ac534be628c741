"""Knowing the customer: care groups, classification, facts, state, drop
(brief §1, §3, §6)."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CareCommon


@tagged("post_install", "-at_install")
class TestPurchaseFacts(CareCommon):
    def test_confirmed_orders_feed_the_facts_at_once(self):
        partner = self._partner("Lan Nguyen")
        self._order(partner, days_ago=0, amount=120.0)
        # confirming an order refreshed the partner without any cron
        self.assertEqual(partner.care_order_count, 1)
        self.assertEqual(partner.care_revenue, 120.0)
        self.assertEqual(partner.care_first_order_date, self.today)
        self.assertEqual(partner.care_customer_since, self.today)
        self.assertEqual(partner.care_product_category_ids, self.categ_bikes)

    def test_order_dates_are_the_shops_day_not_utcs(self):
        """The tests' shop is seven hours ahead of UTC: an order at 20:00 UTC
        on 30 November was placed on 1 December there."""
        partner = self._partner("Early bird")
        order = self._order(partner, amount=50.0)
        order.date_order = datetime(2026, 11, 30, 20, 0)
        self._order(partner, amount=60.0).date_order = datetime(2026, 10, 31, 16, 59)
        self._refresh(partner)
        self.assertEqual(partner.care_first_order_date, date(2026, 10, 31))
        self.assertEqual(partner.care_last_order_date, date(2026, 12, 1))

    def test_cancelling_an_order_takes_it_out_of_the_facts(self):
        partner = self._partner("Somchai")
        self._order(partner, amount=80.0)
        second = self._order(partner, amount=50.0, product=self.repair)
        self.assertEqual(partner.care_order_count, 2)
        second._action_cancel()
        self.assertEqual(partner.care_order_count, 1)
        self.assertEqual(partner.care_revenue, 80.0)
        self.assertEqual(partner.care_product_category_ids, self.categ_bikes)

    def test_orders_of_contacts_roll_up_to_the_company(self):
        company = self._partner("Mekong Traders", is_company=True)
        buyer = self._partner("Buyer", parent_id=company.id)
        self._order(buyer, days_ago=40, amount=200.0)
        self._order(buyer, days_ago=10, amount=300.0, product=self.repair)
        self._refresh(company)
        self.assertEqual(company.care_order_count, 2)
        self.assertEqual(company.care_revenue, 500.0)
        self.assertEqual(company.care_first_order_date, self.today - timedelta(days=40))
        self.assertEqual(company.care_last_order_date, self.today - timedelta(days=10))
        self.assertEqual(company.care_product_category_ids, self.categ_bikes | self.categ_service)

    def test_customer_since_keeps_an_earlier_date(self):
        partner = self._partner("Old friend", care_customer_since=date(2001, 5, 1))
        self._order(partner)
        self.assertEqual(partner.care_customer_since, date(2001, 5, 1))

    def test_lifetime_value_uses_the_group_retention(self):
        partner = self._partner("Walk-in")
        self._order(partner, days_ago=3, amount=1000.0)
        self.assertEqual(partner.care_group_id, self.group_occasional)
        # occasional retention 50 %: 1000 x (1 - .5^10) / .5 = 1998.05
        self.assertAlmostEqual(partner.care_annual_value, 1000.0)
        self.assertAlmostEqual(partner.care_lifetime_value, 1998.05, places=2)


@tagged("post_install", "-at_install")
class TestClassification(CareCommon):
    def test_referral_by_a_customer_makes_an_acquaintance(self):
        referrer = self._partner("Referrer")
        partner = self._partner("Friend", care_referred_by_id=referrer.id)
        self._order(partner)
        self.assertEqual(partner.care_group_id, self.group_acquaintance)
        self.assertEqual(referrer.care_referral_count, 1)

    def test_friends_and_family_source_makes_an_acquaintance(self):
        partner = self._partner("Cousin", care_referral_source="friends_family")
        self._refresh(partner)
        self.assertEqual(partner.care_group_id, self.group_acquaintance)

    def test_most_orders_online_makes_an_online_customer(self):
        partner = self._partner("Clicker")
        self._order(partner, days_ago=3, team=self.online_team)
        self._order(partner, days_ago=2, team=self.online_team)
        self._order(partner, days_ago=1)
        self.assertEqual(partner.care_online_order_count, 2)
        self.assertEqual(partner.care_group_id, self.group_online)

    def test_regular_needs_n_orders_in_the_last_m_days(self):
        partner = self._partner("Regular")
        self._order(partner, days_ago=400)
        self._order(partner, days_ago=60)
        self._order(partner, days_ago=5)
        self._refresh(partner)
        # 3 orders but only 2 within the 365 days of the regular group
        self.assertEqual(partner.care_group_id, self.group_occasional)
        self._order(partner, days_ago=1)
        self.assertEqual(partner.care_group_id, self.group_regular)
        self.group_regular.min_orders = 4
        self._refresh(partner)
        self.assertEqual(partner.care_group_id, self.group_occasional)

    def test_customers_outside_the_home_area_are_occasional(self):
        country = self.env.ref("base.vn")
        home, elsewhere = self.env["res.country.state"].create(
            [
                {"name": "Home Province", "code": "HP", "country_id": country.id},
                {"name": "Far Province", "code": "FP", "country_id": country.id},
            ]
        )
        self.env.company.care_home_state_ids = home
        local = self._partner("Local", state_id=home.id, country_id=country.id)
        visitor = self._partner("Visitor", state_id=elsewhere.id, country_id=country.id)
        for partner in (local, visitor):
            for days in (30, 20, 10):
                self._order(partner, days_ago=days)
        self._refresh(local, visitor)
        self.assertEqual(local.care_group_id, self.group_regular)
        self.assertEqual(visitor.care_group_id, self.group_occasional)

    def test_top_revenue_rank_makes_a_vip(self):
        big = self._partner("Big spender", care_referral_source="friends_family")
        self._order(big, amount=5_000_000.0)
        self.facts._refresh_all()
        # VIP comes before acquaintances in the seeded precedence
        self.assertEqual(big.care_group_id, self.group_vip)

    def test_precedence_follows_the_group_sequence(self):
        partner = self._partner("Both", care_referral_source="friends_family")
        self._order(partner, team=self.online_team)
        self.assertEqual(partner.care_group_id, self.group_acquaintance)
        self.group_online.sequence = 15
        self._refresh(partner)
        self.assertEqual(partner.care_group_id, self.group_online)

    def test_pinned_group_is_kept_by_the_automatic_pass(self):
        partner = self._partner("Pinned")
        self._order(partner)
        self.assertEqual(partner.care_group_id, self.group_occasional)
        partner.write({"care_group_id": self.group_vip.id, "care_group_locked": True})
        self._order(partner)
        self.facts._refresh_all()
        self.assertEqual(partner.care_group_id, self.group_vip)
        partner.care_group_locked = False
        self._refresh(partner)
        self.assertEqual(partner.care_group_id, self.group_occasional)

    def test_no_orders_and_no_referral_means_no_group(self):
        partner = self._partner("Prospect")
        self._refresh(partner)
        self.assertFalse(partner.care_group_id)
        self.assertEqual(partner.care_state, "active")


@tagged("post_install", "-at_install")
class TestCareState(CareCommon):
    def test_silence_beyond_the_usual_interval_puts_at_risk_then_lost(self):
        partner = self._partner("Quiet")
        # orders 30 days apart, the last 50 days ago: 50 > 1.5 x 30
        self._order(partner, days_ago=80)
        self._order(partner, days_ago=50)
        self._refresh(partner)
        self.assertEqual(partner.care_state, "at_risk")
        self.env.company.care_at_risk_factor = 2.0
        self._refresh(partner)
        self.assertEqual(partner.care_state, "active")
        self.env.company.care_lost_factor = 2.5
        self.env.company.care_at_risk_factor = 1.0
        self._refresh(partner)
        self.assertEqual(partner.care_state, "at_risk")
        self.env.company.care_lost_factor = 1.5
        self._refresh(partner)
        self.assertEqual(partner.care_state, "lost")

    def test_a_new_order_makes_a_lost_customer_active_again(self):
        partner = self._partner("Back again")
        self._order(partner, days_ago=400)
        self._refresh(partner)
        self.assertEqual(partner.care_state, "lost")
        self._order(partner, days_ago=0)
        self.assertEqual(partner.care_state, "active")

    def test_factors_are_validated(self):
        with self.assertRaises(ValidationError):
            self.env.company.care_lost_factor = 0.5  # below the at-risk factor 1.5
        with self.assertRaises(ValidationError):
            self.env.company.care_default_interval_days = 0


@tagged("post_install", "-at_install")
class TestDropCustomer(CareCommon):
    def setUp(self):
        super().setUp()
        self.partner = self._partner("Difficult")
        self._order(self.partner, amount=500.0)

    def test_only_a_manager_can_drop(self):
        with self.assertRaises(AccessError):
            self.partner.with_user(self.care_user).action_care_drop("no_profit", "Loses money")
        self.assertEqual(self.partner.care_state, "active")

    def test_reason_and_note_are_required(self):
        as_manager = self.partner.with_user(self.care_manager)
        with self.assertRaises(UserError):
            as_manager.action_care_drop("rude", "Not a reason of the handbook")
        with self.assertRaises(UserError):
            as_manager.action_care_drop("illegal", "   ")
        self.assertEqual(self.partner.care_state, "active")

    def test_drop_records_the_reason_and_survives_the_refresh(self):
        # as at a commit: the customer created with tracking disabled in this
        # transaction would have its tracking discarded until then
        self.env.cr.precommit.clear()
        self.partner.with_user(self.care_manager).action_care_drop(
            "unethical", "Asked for a fake invoice"
        )
        self.assertEqual(self.partner.care_state, "dropped")
        self.assertEqual(self.partner.care_drop_reason, "unethical")
        self.assertEqual(self.partner.care_drop_note, "Asked for a fake invoice")
        # the note is a tracking value of the drop, readable by care users only
        self.env.cr.precommit.run()
        tracked = self.partner.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "care_drop_note"
        )
        self.assertEqual(tracked.new_value_text, "Asked for a fake invoice")
        self.assertEqual(self.partner.care_lifetime_value, 0.0)
        self.assertFalse(self.partner.care_next_date)
        self._order(self.partner)
        self.facts._refresh_all()
        self.assertEqual(self.partner.care_state, "dropped")
        self.assertEqual(self.partner.care_lifetime_value, 0.0)
        # the nightly refresh gives a dropped customer no next contact either
        self.assertFalse(self.partner.care_next_date)

    def test_drop_wizard_and_reinstate(self):
        wizard = (
            self.env["customer.care.drop.wizard"]
            .with_user(self.care_manager)
            .create(
                {
                    "partner_ids": [(6, 0, self.partner.ids)],
                    "reason": "no_profit",
                    "note": "Every order is returned",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(self.partner.care_state, "dropped")
        self.partner.with_user(self.care_manager).action_care_reinstate()
        self.assertEqual(self.partner.care_state, "active")
        self.assertFalse(self.partner.care_drop_reason)
        self.assertGreater(self.partner.care_lifetime_value, 0.0)

    def test_care_user_cannot_open_the_drop_wizard(self):
        with self.assertRaises(AccessError):
            self.env["customer.care.drop.wizard"].with_user(self.care_user).create(
                {"partner_ids": [(6, 0, self.partner.ids)], "reason": "illegal", "note": "x"}
            )


@tagged("post_install", "-at_install")
class TestPersonalData(CareCommon):
    def test_future_and_absurd_birth_dates_are_refused(self):
        partner = self._partner("Minh")
        with self.assertRaisesRegex(ValidationError, "in the future"):
            partner.birthdate_date = self.today + timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "over 130 years"):
            partner.birthdate_date = date(1800, 1, 1)
        partner.birthdate_date = date(1990, 1, 1)
        self.assertEqual(partner.care_birth_month, 1)

    def test_age_is_computed_from_the_birth_date(self):
        birthdate = self.today.replace(year=self.today.year - 40) - timedelta(days=1)
        partner = self._partner("Forty", birthdate_date=birthdate)
        self.assertEqual(partner.care_age, 40)

    def test_csv_import_reports_bad_values_clearly_and_writes_nothing(self):
        Partner = self.env["res.partner"]
        before = Partner.search_count([])
        result = Partner.load(
            ["name", "birthdate_date", "gender"],
            [["Good", "1980-02-03", "female"], ["Bad gender", "1980-02-03", "robot"]],
        )
        self.assertFalse(result["ids"])
        self.assertTrue(any("robot" in m["message"] for m in result["messages"]))
        result = Partner.load(["name", "birthdate_date"], [["Future", "2999-01-01"]])
        self.assertFalse(result["ids"])
        self.assertTrue(any("future" in m["message"] for m in result["messages"]))
        self.assertEqual(Partner.search_count([]), before)
        result = Partner.load(
            ["name", "birthdate_date", "gender", "care_education"],
            [["Hoa", "1985-07-08", "female", "bachelor"]],
        )
        self.assertEqual(len(result["ids"]), 1, result["messages"])
        self.assertEqual(Partner.browse(result["ids"]).care_education, "bachelor")

    def test_plain_users_do_not_see_care_fields(self):
        partner = self._partner("Private", birthdate_date=date(1970, 3, 4))
        with self.assertRaises(AccessError):
            partner.with_user(self.plain_user).read(["birthdate_date"])
        values = partner.with_user(self.care_user).read(["birthdate_date", "care_state"])[0]
        self.assertEqual(values["birthdate_date"], date(1970, 3, 4))

    def test_a_partner_cannot_refer_itself(self):
        partner = self._partner("Self")
        with self.assertRaises(ValidationError):
            partner.care_referred_by_id = partner


@tagged("post_install", "-at_install")
class TestBulkRefresh(CareCommon):
    def _buyers(self, count):
        partners = self.env["res.partner"].create([{"name": f"Buyer {i}"} for i in range(count)])
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [(0, 0, {"product_id": self.bike.id, "price_unit": 10.0})],
                }
                for partner in partners
            ]
        )
        orders.action_confirm()
        return partners

    def test_a_batch_costs_the_same_queries_whatever_its_size(self):
        few, many = self._buyers(3), self._buyers(40)
        # warm caches (groups, companies) so both runs are alike
        self._refresh_queries(few)
        self.env.cr.execute(
            "UPDATE res_partner SET care_group_id = NULL, care_order_count = NULL "
            "WHERE id = ANY(%s)",
            [(few | many).ids],
        )
        (few | many).invalidate_recordset()
        # select partners, care groups, order aggregate, update, product lines (2)
        self.assertEqual(self._refresh_queries(few), 6)
        self.assertEqual(self._refresh_queries(many), 6)
        self.assertEqual(set(many.mapped("care_order_count")), {1})

    def test_confirming_many_orders_refreshes_in_one_pass(self):
        partners = self._buyers(5)
        self.assertEqual(set(partners.mapped("care_order_count")), {1})
        with patch.object(
            type(self.facts), "_refresh_batch", autospec=True, side_effect=lambda *a: 0
        ) as refresh:
            orders = self.env["sale.order"].search([("partner_id", "in", partners.ids)])
            orders._action_cancel()
        self.assertEqual(refresh.call_count, 1)

    def test_refresh_cron_resumes_after_a_failure_and_finishes_like_a_clean_run(self):
        partners = self._buyers(4)
        self.env.cr.execute(
            "UPDATE res_partner SET care_order_count = NULL, care_group_id = NULL "
            "WHERE id = ANY(%s)",
            [partners.ids],
        )
        self.env.invalidate_all()
        facts = self.facts
        calls = {"n": 0}
        original = type(facts)._refresh_batch

        def failing_second_batch(self_, *args):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("worker killed")
            return original(self_, *args)

        # commits become no-ops so the test transaction stands for the
        # committed work; the worker dies on its second batch
        killed = False
        with (
            patch.object(self.env.cr, "commit", lambda: None),
            patch.object(type(facts), "_refresh_batch", failing_second_batch),
        ):
            try:
                facts._cron_refresh_facts(batch_size=2)
            except RuntimeError:
                killed = True
        self.assertTrue(killed)
        # the first batch is done and remembered; the run resumes after it
        progress = self.env["customer.care.facts.run"].search([]).progress
        self.assertTrue(progress)
        self.assertEqual(progress["done"], 2)
        with patch.object(self.env.cr, "commit", lambda: None):
            self.assertTrue(facts._cron_refresh_facts(batch_size=2))
        self.assertFalse(self.env["customer.care.facts.run"].search([]))
        self.env.invalidate_all()
        self.assertEqual(set(partners.mapped("care_order_count")), {1})
        self.assertEqual(partners.mapped("care_group_id"), self.group_occasional)

    def test_refresh_cron_keeps_its_progress_out_of_the_system_parameters(self):
        """Writing a system parameter clears every worker's caches: a run
        writes one (the thresholds) once, however many batches it takes."""
        self._buyers(6)
        self.env["customer.care.facts.run"].search([]).unlink()
        Params = type(self.env["ir.config_parameter"])
        with (
            patch.object(self.env.cr, "commit", lambda: None),
            patch.object(Params, "set_param", autospec=True, side_effect=Params.set_param) as sets,
        ):
            self.assertTrue(self.facts._cron_refresh_facts(batch_size=2))
        self.assertEqual(
            [call.args[1] for call in sets.call_args_list], ["customer_care.top_revenue_thresholds"]
        )
        self.assertFalse(self.env["customer.care.facts.run"].search([]))

    def test_scheduled_action_runs_the_refresh(self):
        partner = self._partner("Cron customer")
        order = self._order(partner, days_ago=0)
        self.env.cr.execute(
            "UPDATE res_partner SET care_order_count = NULL WHERE id = %s", [partner.id]
        )
        self.env.invalidate_all()
        cron = self.env.ref("customer_care.ir_cron_care_refresh_facts")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(partner.care_order_count, 1)
        # the day of the order where the shop is, as the cron's user sees it
        self.assertEqual(
            partner.care_last_order_date, fields.Date.context_today(partner, order.date_order)
        )


@tagged("post_install", "-at_install")
class TestLostDate(CareCommon):
    def test_the_lost_date_is_the_day_of_the_run(self):
        """A run resumed after midnight dates the loss with the run's day."""
        partner = self._partner("Long gone")
        self._order(partner, days_ago=400)
        run_day = self.today - timedelta(days=1)
        self.facts._refresh_batch(partner.ids, {}, run_day)
        partner.invalidate_recordset()
        self.assertEqual((partner.care_state, partner.care_lost_date), ("lost", run_day))
