"""Measuring care: the manager reports on hand-made data (brief §6).

Every expected figure below is worked out by hand from the orders, plans
and partners the test creates; the reports are read the way the pivot
reads them (grouped, aggregated, under the manager's access rights).
"""

from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.customer_care.report.customer_care_report_purchase import MATERIALIZED_REPORTS

from .common import CareCommon

REPORTS = [
    "customer.care.report.purchase",
    "customer.care.report.referral",
    "customer.care.report.activity",
    "customer.care.report.point",
    "customer.care.report.value",
    "customer.care.top.snapshot",
]


class ReportCase(CareCommon):
    @classmethod
    def _order_on(cls, partner, when, amount=100.0):
        order = cls._order(partner, amount=amount)
        order.date_order = when
        return order

    def _group(self, model, domain, groupby, aggregates):
        """Rows of a pivot as a manager sees them: {group key: aggregates}."""
        report = self.env[model].with_user(self.care_manager)
        rows = report._read_group(domain, groupby, aggregates)
        return {row[: len(groupby)]: row[len(groupby) :] for row in rows}


@tagged("post_install", "-at_install")
class TestPurchaseReports(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ana = cls._partner("Ana")
        cls.binh = cls._partner("Binh")
        cls.chai = cls._partner("Chai")
        # Ana: two orders in January (15 days apart), one in February (21 days later)
        cls._order_on(cls.ana, datetime(2024, 1, 5, 12))
        cls._order_on(cls.ana, datetime(2024, 1, 20, 12))
        cls._order_on(cls.ana, datetime(2024, 2, 10, 12))
        # Binh: one order in January, never again
        cls._order_on(cls.binh, datetime(2024, 1, 15, 12))
        # Chai: three orders in February (10 days apart), one in March (13 days later)
        cls._order_on(cls.chai, datetime(2024, 2, 1, 12))
        cls._order_on(cls.chai, datetime(2024, 2, 11, 12))
        cls._order_on(cls.chai, datetime(2024, 2, 21, 12))
        cls._order_on(cls.chai, datetime(2024, 3, 5, 12))
        cls.env["customer.care.report.purchase"]._refresh()

    def _ours(self):
        return [("partner_id", "in", (self.ana | self.binh | self.chai).ids)]

    def test_repeat_purchase_share_and_interval_per_month(self):
        rows = self._group(
            "customer.care.report.purchase",
            self._ours(),
            ["period:month"],
            ["customer_count:sum", "repeat_rate:avg", "interval_days:avg"],
        )
        # January: Ana (2 orders, 15 days apart) and Binh (1 order): half repeat
        self.assertEqual(rows[(date(2024, 1, 1),)], (2, 50.0, 15.0))
        # February: Ana (1 order, 21 days after her last) and Chai (3 orders,
        # 10 and 10 days apart): half repeat, interval (21 + 10) / 2
        self.assertEqual(rows[(date(2024, 2, 1),)], (2, 50.0, 15.5))
        # March: Chai alone, one order 13 days after the last
        self.assertEqual(rows[(date(2024, 3, 1),)], (1, 0.0, 13.0))

    def test_retention_by_cohort(self):
        rows = self._group(
            "customer.care.report.purchase",
            self._ours(),
            ["cohort:month", "period:month"],
            ["retention_rate:avg"],
        )
        jan, feb, mar = date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)
        # January cohort (Ana, Binh): Ana bought again in February, Binh did not
        self.assertEqual(rows[(jan, jan)], (50.0,))
        # ... and nobody of them bought in March
        self.assertEqual(rows[(jan, feb)], (0.0,))
        # February cohort (Chai) bought again in March
        self.assertEqual(rows[(feb, feb)], (100.0,))
        self.assertEqual(rows[(feb, mar)], (0.0,))

    def test_new_customers_per_month(self):
        rows = self._group(
            "customer.care.report.purchase",
            [*self._ours(), ("is_new", "=", True)],
            ["period:month"],
            ["customer_count:sum"],
        )
        self.assertEqual(rows, {(date(2024, 1, 1),): (2,), (date(2024, 2, 1),): (1,)})


@tagged("post_install", "-at_install")
class TestReferralReport(ReportCase):
    def test_referrals_count_and_revenue_of_referred_customers(self):
        rosa = self._partner("Rosa")
        tam = self._partner("Tam")
        for name, referrer, amounts in (
            ("Friend 1", rosa, (100.0, 50.0)),
            ("Friend 2", rosa, ()),
            ("Friend 3", tam, (200.0,)),
        ):
            friend = self._partner(name, care_referred_by_id=referrer.id)
            for amount in amounts:
                self._order(friend, amount=amount)
        # a materialized view: the day's referrals show once it is refreshed
        self.env["customer.care.report.referral"]._refresh()
        rows = self._group(
            "customer.care.report.referral",
            [("referrer_id", "in", (rosa | tam).ids)],
            ["referrer_id"],
            ["referral_count:sum", "buyer_count:sum", "revenue:sum"],
        )
        self.assertEqual(rows[(rosa,)], (2, 1, 150.0))
        self.assertEqual(rows[(tam,)], (1, 1, 200.0))


@tagged("post_install", "-at_install")
class TestCareActivityReports(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._partner("Customer", care_group_id=cls.group_regular.id)
        cls.late = cls.env.ref("customer_care.care_point_late_delivery")
        cls.price = cls.env.ref("customer_care.care_point_price_too_high")
        cls.staff = cls.env.ref("customer_care.care_point_friendly_staff")

    def _done_plan(self, user, channel, dissatisfied=(), satisfied=(), outcome="positive"):
        plan = self.env["customer.care.plan"].create(
            {"partner_id": self.customer.id, "user_id": user.id, "channel": channel}
        )
        steps = {step.step: step for step in plan.step_ids}
        steps["recall"].write(
            {
                "dissatisfied_point_ids": [(6, 0, [p.id for p in dissatisfied])],
                "satisfied_point_ids": [(6, 0, [p.id for p in satisfied])],
            }
        )
        steps["recall"].action_done()
        steps["needs"].action_skip("No time left")
        steps["answer"].action_done()
        steps["offer"].action_done()
        plan.outcome = outcome
        plan.action_done()
        return plan

    def test_plans_done_per_user_and_channel_and_top_dissatisfaction(self):
        self._done_plan(self.care_user, "phone", [self.late, self.price], [self.staff])
        self._done_plan(self.care_user, "phone", [self.late])
        self._done_plan(self.care_user, "email", outcome="negative")
        self._done_plan(self.care_manager, "phone", [self.late])
        self.env["customer.care.plan"].create(
            {"partner_id": self.customer.id, "user_id": self.care_user.id}
        )  # still to do: not a contact done
        ours = [("partner_id", "=", self.customer.id)]
        rows = self._group(
            "customer.care.report.activity",
            [*ours, ("state", "=", "done")],
            ["user_id", "channel"],
            ["done_count:sum", "negative_count:sum", "skipped_step_count:sum"],
        )
        self.assertEqual(
            rows,
            {
                (self.care_user, "phone"): (2, 0, 2),
                (self.care_user, "email"): (1, 1, 1),
                (self.care_manager, "phone"): (1, 0, 1),
            },
        )
        by_group = self._group(
            "customer.care.report.activity", ours, ["care_group_id"], ["done_count:sum"]
        )
        self.assertEqual(by_group, {(self.group_regular,): (4,)})
        points = self.env["customer.care.report.point"].with_user(self.care_manager)
        ranked = points._read_group(
            [*ours, ("kind", "=", "dissatisfied")],
            ["point_id"],
            ["__count"],
            order="__count desc",
        )
        self.assertEqual(ranked, [(self.late, 3), (self.price, 1)])


@tagged("post_install", "-at_install")
class TestLifetimeValueReport(ReportCase):
    def test_lifetime_value_by_group_with_its_inputs(self):
        kept = self._partner("Kept walk-in")
        dropped = self._partner("Dropped walk-in")
        self._order(kept, days_ago=3, amount=1000.0)
        self._order(dropped, days_ago=3, amount=500.0)
        dropped.with_user(self.care_manager).action_care_drop("no_profit", "Never pays")
        self.env["customer.care.report.value"]._refresh()
        rows = self._group(
            "customer.care.report.value",
            [("partner_id", "in", (kept | dropped).ids)],
            ["care_group_id"],
            [
                "customer_count:sum",
                "annual_value:avg",
                "retention_rate:avg",
                "still_buying_rate:avg",
                "lifetime_value:sum",
            ],
        )
        count, annual, retention, still_buying, ltv = rows[(self.group_occasional,)]
        self.assertEqual(count, 2)
        self.assertAlmostEqual(annual, 750.0)  # (1000 + 500) / 2
        self.assertAlmostEqual(retention, 50.0)  # the occasional group's setting
        self.assertAlmostEqual(still_buying, 50.0)  # one of two was dropped
        # 1000 x (1 - .5^10) / .5; the dropped customer has no lifetime value
        self.assertAlmostEqual(ltv, 1998.05, places=2)


@tagged("post_install", "-at_install")
class TestMaterializedReports(ReportCase):
    """The lifetime value and referral reports are materialized views: they
    show the facts as of their last refresh (the scheduled action, triggered
    by each facts refresh run)."""

    def _relkind(self, model):
        self.env.cr.execute(
            "SELECT relkind FROM pg_class WHERE relname = %s AND relkind IN ('v', 'm')",
            [self.env[model]._table],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def test_facts_show_in_the_reports_after_the_refresh(self):
        rosa = self._partner("Rosa")
        friend = self._partner("Friend", care_referred_by_id=rosa.id)
        self._order(friend, days_ago=3, amount=400.0)
        self.assertEqual(friend.care_order_count, 1)
        Value = self.env["customer.care.report.value"]
        Referral = self.env["customer.care.report.referral"]
        ours = [("partner_id", "=", friend.id)]
        self.assertFalse(Value.search(ours), "not before the refresh")
        self.assertFalse(Referral.search(ours), "not before the refresh")
        self.env["customer.care.report.purchase"]._refresh_reports()
        self.assertEqual(Value.search(ours).mapped("revenue"), [400.0])
        referral = Referral.search(ours)
        self.assertEqual((referral.referrer_id, referral.order_count), (rosa, 1))
        # a second order: the stored rows stay as they were until the next refresh
        self._order(friend, days_ago=1, amount=100.0)
        self.env.invalidate_all()
        self.assertEqual(Value.search(ours).order_count, 1)
        Value._refresh()
        self.assertEqual(Value.search(ours).order_count, 2)
        self.assertEqual(Value.search(ours).revenue, 500.0)

    def _planner_rows(self, table):
        """The row count the planner believes (set by ANALYZE), and the real one."""
        self.env.cr.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        believed = self.env.cr.fetchone()[0]
        self.env.cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
        return believed, self.env.cr.fetchone()[0]

    def test_refresh_and_creation_leave_statistics_for_the_planner(self):
        """New rows are analyzed with the refresh: a planner still counting
        the rows of before groups a million rows as if they were a dozen."""
        for index in range(3):
            customer = self._partner(f"Counted {index}")
            self._order(customer, days_ago=40, amount=100.0)
            self._order(customer, days_ago=5, amount=100.0)
        Purchase = self.env["customer.care.report.purchase"]
        self.env["customer.care.report.purchase"]._refresh_reports()
        for model in MATERIALIZED_REPORTS:
            with self.subTest(model=model):
                believed, real = self._planner_rows(self.env[model]._table)
                self.assertGreater(real, 0)
                self.assertEqual(believed, real)
        # more rows: the statistics follow the next refresh
        _believed, before = self._planner_rows(Purchase._table)
        late = self._partner("Counted late")
        self._order(late, days_ago=70, amount=100.0)
        self._order(late, days_ago=2, amount=100.0)
        Purchase._refresh()
        believed, real = self._planner_rows(Purchase._table)
        self.assertEqual(real, before + 2)
        self.assertEqual(believed, real)
        # and a view created anew (module update) is analyzed with its rows
        Value = self.env["customer.care.report.value"]
        self.env.cr.execute(SQL("DROP MATERIALIZED VIEW %s", SQL.identifier(Value._table)))
        Value.init()
        believed, real = self._planner_rows(Value._table)
        self.assertGreater(real, 0)
        self.assertEqual(believed, real)

    def test_init_replaces_the_plain_view_of_an_upgraded_database(self):
        kept = self._partner("Kept walk-in")
        self._order(kept, days_ago=3, amount=1000.0)
        self.env.flush_all()
        for model in ("customer.care.report.value", "customer.care.report.referral"):
            with self.subTest(model=model):
                report = self.env[model]
                table = report._table
                self.assertEqual(self._relkind(model), ["m"])
                # the previous version's report: a plain view
                self.env.cr.execute(f'DROP MATERIALIZED VIEW "{table}"')
                self.env.cr.execute(
                    SQL("CREATE VIEW %s AS (%s)", SQL.identifier(table), report._query())
                )
                self.assertEqual(self._relkind(model), ["v"])
                report.init()
                self.assertEqual(self._relkind(model), ["m"])
                # and again over the materialized view it made
                report.init()
                self.assertEqual(self._relkind(model), ["m"])
                self.assertTrue(report._refresh())
        rows = self.env["customer.care.report.value"].search([("partner_id", "=", kept.id)])
        self.assertEqual(rows.mapped("revenue"), [1000.0])


@tagged("post_install", "-at_install")
class TestReportAccess(ReportCase):
    def test_care_user_cannot_read_manager_reports(self):
        for model in REPORTS:
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.care_user).search_count([])

    def test_manager_reads_every_report(self):
        for model in REPORTS:
            self.env[model].with_user(self.care_manager).search_count([])

    def test_reporting_menu_shows_care_users_the_overview_only(self):
        reporting = self.env.ref("customer_care.menu_customer_care_reporting")
        overview = self.env.ref("customer_care.menu_customer_care_dashboard")
        reports = reporting.child_id - overview
        self.assertTrue(reports)
        visible = self.env["ir.ui.menu"].with_user(self.care_user)._visible_menu_ids()
        self.assertIn(overview.id, visible)
        self.assertFalse(set(reports.ids) & visible)
        visible = self.env["ir.ui.menu"].with_user(self.care_manager)._visible_menu_ids()
        self.assertLessEqual({reporting.id, overview.id, *reports.ids}, visible)
