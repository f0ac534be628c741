"""The top-20 % watch rules, called directly (brief §6)."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from odoo.addons.customer_care.logic import kpi


@tagged("post_install", "-at_install")
class TestTopSelection(BaseCase):
    def test_top_twenty_percent_of_ten_customers_is_the_two_best(self):
        revenues = {pid: pid * 100.0 for pid in range(1, 11)}
        self.assertEqual(kpi.top_customers(revenues, 20), [(10, 1), (9, 2)])

    def test_top_share_rounds_up_so_a_small_base_has_a_top(self):
        revenues = {1: 50.0, 2: 700.0, 3: 10.0}
        self.assertEqual(kpi.top_customers(revenues, 20), [(2, 1)])

    def test_customers_without_revenue_never_rank(self):
        self.assertEqual(kpi.top_customers({1: 0.0, 2: -5.0}, 20), [])

    def test_ties_are_broken_by_id(self):
        revenues = {7: 100.0, 3: 100.0, 5: 100.0, 9: 10.0, 11: 5.0}
        self.assertEqual(kpi.top_customers(revenues, 20), [(3, 1)])

    @settings(max_examples=60, deadline=None)
    @given(
        st.dictionaries(
            st.integers(1, 500), st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60
        ),
        st.floats(1, 100),
    )
    def test_nobody_outside_the_top_earns_more_than_anyone_inside(self, revenues, percent):
        top = dict(kpi.top_customers(revenues, percent))
        if not top:
            return
        lowest_inside = min(revenues[pid] for pid in top)
        outside = [amount for pid, amount in revenues.items() if pid not in top]
        self.assertTrue(all(amount <= lowest_inside for amount in outside))
        self.assertEqual(sorted(top.values()), list(range(1, len(top) + 1)))


@tagged("post_install", "-at_install")
class TestTrend(BaseCase):
    def test_change_of_ten_percent_or_more_is_growth(self):
        self.assertEqual(kpi.classify_trend(1000, 1100, 10, 10), kpi.TREND_GROWING)
        self.assertEqual(kpi.classify_trend(1000, 1099, 10, 10), kpi.TREND_FLAT)

    def test_fall_at_the_decline_threshold_is_a_decline(self):
        self.assertEqual(kpi.classify_trend(1000, 800, 10, 20), kpi.TREND_DECLINING)
        self.assertEqual(kpi.classify_trend(1000, 801, 10, 20), kpi.TREND_FLAT)

    def test_nothing_before_and_something_now_is_growth(self):
        self.assertEqual(kpi.classify_trend(0, 50, 10, 10), kpi.TREND_GROWING)
        self.assertEqual(kpi.classify_trend(0, 0, 10, 10), kpi.TREND_FLAT)

    def test_change_percent(self):
        self.assertAlmostEqual(kpi.change_percent(400, 300), -25.0)
        self.assertIsNone(kpi.change_percent(0, 300))

    def test_watch_keeps_last_months_top_customers_who_fell_out(self):
        revenues = {1: 1000.0, 2: 100.0, 3: 90.0, 4: 80.0, 5: 70.0}
        previous = {1: 900.0, 6: 2000.0}
        rows = kpi.watch_list(revenues, previous, [6], 20, 10, 10)
        self.assertEqual(
            rows,
            [
                kpi.WatchRow(1, 1, 1000.0, 900.0, (1000 - 900) / 900 * 100, kpi.TREND_GROWING),
                kpi.WatchRow(6, None, 0.0, 2000.0, -100.0, kpi.TREND_DECLINING),
            ],
        )

    def test_months(self):
        self.assertEqual(kpi.month_start(date(2025, 3, 31)), date(2025, 3, 1))
        self.assertEqual(kpi.add_months(date(2025, 1, 15), -1), date(2024, 12, 1))
        self.assertEqual(kpi.add_months(date(2024, 12, 3), 2), date(2025, 2, 1))
