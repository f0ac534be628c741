"""Companies stay apart in the purchase facts: each company counts its own
orders, in its own currency, and its care users read only those; reports
give a row per company; the care profile follows the partner's company."""

from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import CareCommon


@tagged("post_install", "-at_install")
class CompanyFactsCommon(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        vnd, thb = cls.env.ref("base.VND"), cls.env.ref("base.THB")
        (vnd | thb).active = True
        cls.company_vn = cls.env["res.company"].create(
            {"name": "Hanoi Bikes", "currency_id": vnd.id}
        )
        cls.company_th = cls.env["res.company"].create(
            {"name": "Bangkok Bikes", "currency_id": thb.id}
        )
        cls.user_vn = cls._care_user("care_vn", cls.company_vn)
        cls.user_th = cls._care_user("care_th", cls.company_th)
        # shared between the companies (no company)
        cls.shared = cls._partner("Shared Customer")

    @classmethod
    def _care_user(cls, login, company):
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_user,customer_care.group_care_user",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )

    @classmethod
    def _company_order(cls, partner, company, amount, days_ago=1):
        """A confirmed order of ``company`` in its own currency."""
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "team_id": False,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": cls.bike.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_ids": [(6, 0, [])],
                            },
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        assert order.currency_id == company.currency_id, order.currency_id.name
        return order


@tagged("post_install", "-at_install")
class TestFactsPerCompany(CompanyFactsCommon):
    def test_each_company_reads_its_own_orders_in_its_currency(self):
        self._company_order(self.shared, self.company_vn, 1_000_000.0, days_ago=20)
        self._company_order(self.shared, self.company_vn, 500_000.0, days_ago=5)
        self._company_order(self.shared, self.company_th, 3_000.0, days_ago=10)
        self._refresh(self.shared)
        seen_vn = self.shared.with_user(self.user_vn)
        self.assertEqual(seen_vn.care_order_count, 2)
        self.assertEqual(seen_vn.care_revenue, 1_500_000.0)
        self.assertEqual(seen_vn.care_currency_id, self.company_vn.currency_id)
        self.assertEqual(seen_vn.care_first_order_date, self.today - timedelta(days=20))
        self.assertEqual(seen_vn.care_last_order_date, self.today - timedelta(days=5))
        seen_th = self.shared.with_user(self.user_th)
        self.assertEqual(seen_th.care_order_count, 1)
        self.assertEqual(seen_th.care_revenue, 3_000.0)
        self.assertEqual(seen_th.care_currency_id, self.company_th.currency_id)
        self.assertEqual(seen_th.care_last_order_date, self.today - timedelta(days=10))
        # the lifetime value of each company is in its own currency too
        self.assertAlmostEqual(seen_th.care_annual_value, 3_000.0)
        # no group (nothing bought in the refresh company): 80 % retention,
        # 3,000 x (1 - 0.8^10) / 0.2
        self.assertAlmostEqual(seen_th.care_lifetime_value, 13_389.39, places=2)
        self.assertAlmostEqual(seen_vn.care_lifetime_value, 6_694_693.63, places=2)
        # searching, as the Buyers filter and the outreach filters do
        Partner = self.env["res.partner"]
        domain = [("id", "=", self.shared.id), ("care_order_count", "=", 2)]
        self.assertEqual(Partner.with_user(self.user_vn).search(domain), self.shared)
        self.assertFalse(Partner.with_user(self.user_th).search(domain))
        # a company that never sold to it sees nothing
        self.assertEqual(self.shared.with_company(self.env.company).care_revenue, 0.0)

    def test_a_company_that_stops_selling_drops_out(self):
        order = self._company_order(self.shared, self.company_th, 3_000.0)
        self._company_order(self.shared, self.company_vn, 1_000_000.0)
        order._action_cancel()
        self.assertEqual(self.shared.with_user(self.user_th).care_order_count, 0)
        self.assertEqual(self.shared.with_user(self.user_th).care_revenue, 0.0)
        self.assertEqual(self.shared.with_user(self.user_vn).care_order_count, 1)

    def test_a_partner_of_one_company_gets_only_that_companys_orders(self):
        partner = self._partner("Hanoi Customer", company_id=self.company_vn.id)
        self._company_order(partner, self.company_vn, 2_000_000.0)
        moved = self._company_order(partner, self.company_vn, 900.0)
        # another company's sale to it (an import, a company changed later)
        self.env.cr.execute(
            "UPDATE sale_order SET company_id = %s, currency_id = %s WHERE id = %s",
            [self.company_th.id, self.company_th.currency_id.id, moved.id],
        )
        self.env.invalidate_all()
        self._refresh(partner)
        in_vn = partner.with_company(self.company_vn)
        self.assertEqual(in_vn.care_order_count, 1)
        self.assertEqual(in_vn.care_revenue, 2_000_000.0)
        in_th = partner.with_company(self.company_th)
        self.assertEqual(in_th.care_order_count, 0)
        self.assertEqual(in_th.care_revenue, 0.0)


@tagged("post_install", "-at_install")
class TestProfilePerCompany(CompanyFactsCommon):
    def test_the_profile_follows_the_partners_own_company(self):
        # one order in Bangkok 400 days ago: lost there (90-day default
        # interval, lost past 3 times that); a recent order elsewhere does
        # not make a Bangkok customer active
        partner = self._partner("Bangkok Customer", company_id=self.company_th.id)
        old = self._company_order(partner, self.company_th, 500.0, days_ago=400)
        recent = self._company_order(partner, self.company_th, 700.0, days_ago=2)
        self.env.cr.execute(
            "UPDATE sale_order SET company_id = %s, currency_id = %s WHERE id = %s",
            [self.company_vn.id, self.company_vn.currency_id.id, recent.id],
        )
        self.env.invalidate_all()
        self._refresh(partner)
        self.assertEqual(partner.care_state, "lost")
        self.assertEqual(
            partner.care_customer_since, fields.Date.context_today(partner, old.date_order)
        )

    def test_a_shared_partner_is_profiled_on_the_refresh_company(self):
        # the scheduled refresh runs as OdooBot, in the main company
        refresh_company = self.env.ref("customer_care.ir_cron_care_refresh_facts").user_id
        self.assertEqual(refresh_company.company_id, self.env.company)
        self._company_order(self.shared, self.company_th, 500.0, days_ago=400)
        self._order(self.shared, days_ago=3, amount=80.0)
        # confirming in another company does not swap the profile either
        self._company_order(self.shared, self.company_vn, 1_000.0, days_ago=300)
        self.assertEqual(self.shared.care_state, "active")
        self.assertEqual(self.shared.care_customer_since, self.today - timedelta(days=3))
        self.assertEqual(self.shared.care_group_id, self.group_occasional)

    def test_top_revenue_ranks_each_companys_customers_apart(self):
        # the VIP group is shared: the top half of each company, in its currency
        self.group_vip.top_percent = 50
        vn_small, vn_big, th_small, th_big = (
            self._partner(name, company_id=company.id)
            for name, company in (
                ("VN small", self.company_vn),
                ("VN big", self.company_vn),
                ("TH small", self.company_th),
                ("TH big", self.company_th),
            )
        )
        for partner, company, amount in (
            (vn_small, self.company_vn, 1_000_000.0),
            (vn_big, self.company_vn, 2_000_000.0),
            (th_small, self.company_th, 100.0),
            (th_big, self.company_th, 3_000.0),
        ):
            self._company_order(partner, company, amount)
        self.facts._refresh_all()
        thresholds = self.facts._stored_thresholds()[self.group_vip.id]
        self.assertEqual(thresholds[self.company_vn.id], 2_000_000.0)
        self.assertEqual(thresholds[self.company_th.id], 3_000.0)
        self.assertEqual(vn_big.care_group_id, self.group_vip)
        self.assertEqual(th_big.care_group_id, self.group_vip)
        self.assertEqual((vn_small | th_small).care_group_id, self.group_occasional)


@tagged("post_install", "-at_install")
class TestReportsPerCompany(CompanyFactsCommon):
    def test_lifetime_value_report_has_a_row_per_company(self):
        self._company_order(self.shared, self.company_vn, 1_000_000.0)
        self._company_order(self.shared, self.company_th, 3_000.0)
        Report = self.env["customer.care.report.value"]
        Report._refresh()
        rows = Report.search([("partner_id", "=", self.shared.id)])
        self.assertEqual(
            sorted((row.company_id, row.order_count, row.revenue) for row in rows),
            sorted([(self.company_vn, 1, 1_000_000.0), (self.company_th, 1, 3_000.0)]),
        )
        manager_th = new_test_user(
            self.env,
            login="manager_th",
            groups="base.group_user,customer_care.group_care_manager",
            company_id=self.company_th.id,
            company_ids=[(6, 0, self.company_th.ids)],
        )
        seen = Report.with_user(manager_th).search([("partner_id", "=", self.shared.id)])
        self.assertEqual(seen.mapped("revenue"), [3_000.0])
        totals = Report.with_user(manager_th)._read_group(
            [("partner_id", "=", self.shared.id)], [], ["revenue:sum", "order_count:sum"]
        )
        self.assertEqual(totals, [(3_000.0, 1)])

    def test_referral_report_has_a_row_per_company(self):
        referrer = self._partner("Referrer", company_id=self.company_vn.id)
        self.shared.care_referred_by_id = referrer
        Report = self.env["customer.care.report.referral"]
        Report._refresh()
        # no purchase yet: one row, in the referrer's company
        rows = Report.search([("partner_id", "=", self.shared.id)])
        self.assertEqual([(r.company_id, r.order_count) for r in rows], [(self.company_vn, 0)])
        self._company_order(self.shared, self.company_vn, 1_000_000.0)
        self._company_order(self.shared, self.company_th, 3_000.0)
        self._company_order(self.shared, self.company_th, 2_000.0)
        Report._refresh()
        rows = Report.search([("partner_id", "=", self.shared.id)])
        self.assertEqual(
            sorted((r.company_id.id, r.order_count, r.revenue, r.buyer_count) for r in rows),
            sorted([(self.company_vn.id, 1, 1_000_000.0, 1), (self.company_th.id, 2, 5_000.0, 1)]),
        )


@tagged("post_install", "-at_install")
class TestRefreshCostPerCompany(CompanyFactsCommon):
    def _buyers(self, count):
        """``count`` customers of each kind: of the Hanoi company, of the
        Bangkok company, and shared ones buying from both."""
        partners = self.env["res.partner"]
        for index in range(count):
            vn = self._partner(f"VN {index}", company_id=self.company_vn.id)
            th = self._partner(f"TH {index}", company_id=self.company_th.id)
            shared = self._partner(f"Shared {index}")
            self._company_order(vn, self.company_vn, 1_000.0)
            self._company_order(th, self.company_th, 10.0)
            self._company_order(shared, self.company_vn, 2_000.0)
            self._company_order(shared, self.company_th, 20.0)
            partners |= vn | th | shared
        return partners

    def test_a_batch_over_companies_costs_the_same_queries_whatever_its_size(self):
        few, many = self._buyers(1), self._buyers(15)
        self._refresh_queries(few | many)  # warm the caches (groups, companies, settings)
        self.env.cr.execute(
            "UPDATE res_partner SET care_order_count = NULL, care_revenue = NULL "
            "WHERE id = ANY(%s)",
            [(few | many).ids],
        )
        (few | many).invalidate_recordset()
        # select partners, care groups, order aggregate, update, product lines (2)
        self.assertEqual(self._refresh_queries(few), 6)
        self.assertEqual(self._refresh_queries(many), 6)
        shared = many.filtered(lambda p: not p.company_id)
        self.assertEqual(set(shared.with_company(self.company_th).mapped("care_revenue")), {20.0})
        self.assertEqual(set(shared.with_company(self.company_vn).mapped("care_order_count")), {1})


@tagged("post_install", "-at_install")
class TestOutreachPerCompany(CompanyFactsCommon, MockEmail):
    def _rule(self, company, domain):
        return self.env["customer.care.outreach.rule"].create(
            {
                "name": f"Loyal customers of {company.name}",
                "trigger": "custom",
                "period": "day",
                "domain": domain,
                "channel": "email",
                "mail_template_id": self.env.ref("customer_care.mail_template_care_checkin").id,
                "company_id": company.id,
            }
        )

    def test_an_audience_filter_reads_its_rules_company_facts(self):
        self.shared.email = "shared@example.com"
        for _index in range(3):
            self._company_order(self.shared, self.company_vn, 100_000.0)
        self._company_order(self.shared, self.company_th, 300.0)
        domain = f"[('id', '=', {self.shared.id}), ('care_order_count', '>=', 2)]"
        rule_vn, rule_th = self._rule(self.company_vn, domain), self._rule(self.company_th, domain)
        with self.mock_mail_gateway(), self.committing_batches():
            reached_vn = rule_vn._run()
            reached_th = rule_th._run()
        self.assertEqual(reached_vn.contacted, 1)
        self.assertEqual(reached_th.contacted, 0)
