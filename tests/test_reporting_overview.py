"""The overview's trend charts and its 'no data' cases, the Care tab's
monthly revenue chart (brief §6)."""

import json
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import BaseCase, new_test_user, tagged

from odoo.addons.customer_care.logic import kpi

from .test_incident import IncidentCommon

NOW = datetime(2026, 3, 20, 10, 0)  # a Friday


def _values(chart):
    return [point["value"] for point in json.loads(chart)[0]["values"]]


@tagged("post_install", "-at_install")
class TestTrendLogic(BaseCase):
    def test_weeks_and_months_end_with_the_current_one(self):
        self.assertEqual(
            kpi.last_weeks(date(2026, 3, 20), 3),
            [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)],
        )
        self.assertEqual(
            kpi.last_months(date(2026, 2, 14), 3),
            [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)],
        )

    def test_a_week_without_answers_is_a_gap_not_a_zero(self):
        weeks = [date(2026, 3, 2), date(2026, 3, 9)]
        daily = {date(2026, 3, 10): (9.0, 2), date(2026, 3, 13): (1.0, 1)}
        self.assertEqual(
            kpi.weekly_average(weeks, daily),
            [(date(2026, 3, 2), None, 0), (date(2026, 3, 9), 3.33, 3)],
        )
        self.assertEqual(
            kpi.month_series([date(2026, 1, 1), date(2026, 2, 1)], {date(2026, 2, 1): 5}),
            [(date(2026, 1, 1), 0.0), (date(2026, 2, 1), 5.0)],
        )


@tagged("post_install", "-at_install")
class TestOverviewTrends(IncidentCommon):
    def _rated(self, days_ago, score):
        incident = self._incident(resolution_type="instant", root_cause_id=self.cause.id)
        incident.write({"state": "closed", "date_resolved": NOW - timedelta(days=days_ago)})
        incident.satisfaction = score
        return incident

    def test_an_empty_company_says_no_data(self):
        company = self.env["res.company"].create({"name": "Quiet Care Co"})
        manager = new_test_user(
            self.env,
            login="care_quiet_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            groups="base.group_user,customer_care.group_care_manager",
        )
        with freeze_time(NOW):
            self._rated(3, 5)  # in the first company: not counted
            dashboard = self.env["customer.care.dashboard"].with_user(manager).create({})
            self.assertEqual(
                (
                    dashboard.satisfaction_recent_count,
                    dashboard.satisfaction_previous_count,
                    dashboard.satisfaction_trend,
                ),
                (0, 0, "none"),
            )
            self.assertFalse(dashboard.has_incidents_week)
            self.assertFalse(dashboard.has_satisfaction_week)
            self.assertFalse(dashboard.has_top_decliners)
            self.assertEqual(_values(dashboard.satisfaction_week_chart), [None] * 12)
        # the form shows 'No data' instead of the score, the trend and each chart
        arch = dashboard.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertEqual(arch.count("o_care_no_data"), 5)
        self.assertIn('invisible="satisfaction_recent_count"', arch)
        self.assertIn('invisible="has_satisfaction_week"', arch)

    def test_one_empty_window_gives_no_trend(self):
        with freeze_time(NOW):
            self._rated(3, 5)
            dashboard = self.env["customer.care.dashboard"].with_user(self.care_manager).create({})
            self.assertGreaterEqual(dashboard.satisfaction_recent_count, 1)
            self.assertEqual(dashboard.satisfaction_previous_count, 0)
            self.assertEqual(dashboard.satisfaction_trend, "none")

    def test_weekly_charts_count_incidents_and_average_scores(self):
        with freeze_time(NOW):
            base = self.env["customer.care.dashboard"].with_user(self.care_manager).create({})
            before_counts = _values(base.incidents_week_chart)
            self._rated(1, 5)  # this week
            self._rated(2, 3)  # this week (Wednesday)
            self._rated(14, 2)  # two weeks ago
            dashboard = self.env["customer.care.dashboard"].with_user(self.care_manager).create({})
            counts = _values(dashboard.incidents_week_chart)
            scores = _values(dashboard.satisfaction_week_chart)
        # the three incidents are received now: this week's bar grows by 3
        self.assertEqual(counts[-1] - before_counts[-1], 3)
        self.assertEqual(len(counts), 12)
        # (5 + 3) / 2 this week, nothing last week, 2 the week before
        self.assertEqual(scores[-3:], [2.0, None, 4.0])
        self.assertTrue(dashboard.has_satisfaction_week)


@tagged("post_install", "-at_install")
class TestCareTabRevenueChart(IncidentCommon):
    def test_monthly_revenue_of_the_current_company_for_a_care_user(self):
        product = self.env["product.product"].create({"name": "Chart lamp", "list_price": 10.0})
        other_company = self.env["res.company"].create({"name": "Chart Other Co"})
        customer = self._partner("Chart Customer")
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": customer.id})

        def order(partner, amount, when, company=None):
            vals = {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": amount})],
            }
            if company:
                vals["company_id"] = company.id
            sale = self.env["sale.order"].create(vals)
            sale.action_confirm()
            sale.date_order = when
            return sale

        with freeze_time(NOW):
            order(customer, 100.0, datetime(2026, 1, 10))
            order(contact, 50.0, datetime(2026, 3, 2))  # a contact's order counts
            order(customer, 70.0, datetime(2026, 3, 5))
            order(customer, 999.0, datetime(2024, 3, 5))  # more than 12 months ago
            order(customer, 888.0, datetime(2026, 2, 5), company=other_company)
            partner = customer.with_user(self.care_user)
            values = _values(partner.care_revenue_chart)
            self.assertTrue(partner.care_has_recent_revenue)
        self.assertEqual(len(values), 12)
        # April 2025 … March 2026: January 100, February nothing here, March 120
        self.assertEqual(values[-3:], [100.0, 0.0, 120.0])
        self.assertEqual(sum(values), 220.0)

    def test_months_of_the_chart_are_the_shops(self):
        """As the top-customer watch counts them: seven hours ahead of UTC,
        an order at 20:00 UTC on the last day of February is a March one."""
        customer = self._partner("Chart Night Owl")
        with freeze_time(NOW):
            self._order(customer, amount=30.0).date_order = datetime(2026, 2, 28, 20, 0)
            values = _values(customer.with_user(self.care_user).care_revenue_chart)
        self.assertEqual(values[-2:], [0.0, 30.0])

    def test_top_trend_beside_the_chart(self):
        customer = self._partner("Watched Customer")
        quiet = self._partner("Quiet Customer")
        Snapshot = self.env["customer.care.top.snapshot"]
        last = Snapshot.search(
            [("company_id", "=", self.env.company.id)], limit=1, order="period desc"
        )
        period = kpi.add_months(last.period or date(2026, 2, 1), 1)
        Snapshot.create(
            {
                "company_id": self.env.company.id,
                "period": period,
                "partner_id": customer.id,
                "rank": 1,
                "revenue": 80.0,
                "previous_revenue": 100.0,
                "change_amount": -20.0,
                "change_percent": -20.0,
                "trend": "declining",
            }
        )
        customer = customer.with_user(self.care_user)
        self.assertEqual(customer.care_top_trend, "declining")
        self.assertEqual(customer.care_top_trend_period, period)
        self.assertFalse(quiet.with_user(self.care_user).care_top_trend)
        self.assertFalse(quiet.with_user(self.care_user).care_has_recent_revenue)
