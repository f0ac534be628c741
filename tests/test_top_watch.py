"""The top-20 % watch: monthly snapshot, trend, alerts (brief §6)."""

from datetime import date, datetime
from unittest.mock import patch

from odoo.tests import tagged

from .common import CareCommon

FEB, MAR = date(2023, 2, 1), date(2023, 3, 1)


@tagged("post_install", "-at_install")
class TestTopWatch(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {
                "care_top_percent": 20.0,
                "care_top_growth_threshold": 10.0,
                "care_top_decline_threshold": 10.0,
            }
        )
        cls.p1 = cls._partner("Top One")
        cls.p2 = cls._partner("Top Two", care_user_id=cls.care_user.id)
        cls.p3 = cls._partner("Former Top", user_id=cls.care_manager.id)
        cls.small = [cls._partner(f"Small {n}") for n in range(1, 9)]
        # February: five buyers, Former Top leads (top 20 % of 5 = 1)
        for partner, amount in (
            (cls.p1, 800.0),
            (cls.p2, 1000.0),
            (cls.p3, 1200.0),
            (cls.small[0], 10.0),
            (cls.small[1], 20.0),
        ):
            cls._order_on(partner, datetime(2023, 2, 10, 12), amount)
        # March: ten buyers; the top 2 are Top One (+25 %) and Top Two (-10 %);
        # Former Top buys nothing
        cls._order_on(cls.p1, datetime(2023, 3, 8, 12), 600.0)
        cls._order_on(cls.p1, datetime(2023, 3, 20, 12), 400.0)
        cls._order_on(cls.p2, datetime(2023, 3, 9, 12), 900.0)
        for n, partner in enumerate(cls.small, start=1):
            cls._order_on(partner, datetime(2023, 3, 15, 12), 10.0 * n)
        cls.snapshots = cls.env["customer.care.top.snapshot"]

    @classmethod
    def _order_on(cls, partner, when, amount):
        order = cls._order(partner, amount=amount)
        order.date_order = when
        return order

    def _run(self, period, **kwargs):
        with self.committing_batches():
            return self.snapshots._cron_snapshot_top(period=period, **kwargs)

    def _rows(self, period):
        rows = self.snapshots.search(
            [("period", "=", period), ("company_id", "=", self.env.company.id)]
        )
        return {
            r.partner_id: (
                r.rank,
                r.previous_revenue,
                r.revenue,
                round(r.change_percent, 1),
                r.trend,
            )
            for r in rows
        }

    def _decline_activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", (self.p1 | self.p2 | self.p3).ids),
                ("summary", "=", "Top customer declining"),
            ]
        )

    def test_monthly_snapshot_ranks_the_top_and_keeps_those_who_fell_out(self):
        self._run(FEB)
        self.assertEqual(self._rows(FEB), {self.p3: (1, 0.0, 1200.0, 0.0, "growing")})
        self.assertTrue(self._run(MAR))
        self.assertEqual(
            self._rows(MAR),
            {
                self.p1: (1, 800.0, 1000.0, 25.0, "growing"),
                self.p2: (2, 1000.0, 900.0, -10.0, "declining"),
                self.p3: (0, 1200.0, 0.0, -100.0, "declining"),
            },
        )

    def test_growth_from_nothing_reads_new_and_ranks_start_at_one(self):
        self._run(FEB)
        self._run(MAR)
        feb = self.snapshots.search([("period", "=", FEB), ("partner_id", "=", self.p3.id)])
        # 0 → 1,200: no percentage, "New"
        self.assertEqual((feb.is_new, feb.growth, feb.rank), (True, "New in the top", 1))
        mar = {
            s.partner_id: s
            for s in self.snapshots.search(
                [("period", "=", MAR), ("company_id", "=", self.env.company.id)]
            )
        }
        self.assertEqual(mar[self.p1].growth, "+25.0 %")
        self.assertEqual(mar[self.p2].growth, "-10.0 %")
        self.assertFalse(mar[self.p1].is_new)
        # fell out: no rank (shown empty), a fall of 100 %, not new
        self.assertEqual((mar[self.p3].rank, mar[self.p3].growth), (0, "-100.0 %"))
        self.assertEqual(sorted(s.rank for s in mar.values() if s.rank), [1, 2])
        self.assertEqual(mar[self.p1].month, "March 2023")

    def test_months_are_the_shops_not_utcs(self):
        """The tests' shop is seven hours ahead of UTC: an order at 20:00
        UTC on the last day of February is a March order there."""
        late = self._partner("Late February buyer")
        self._order_on(late, datetime(2023, 2, 28, 20), 5000.0)
        self._run(MAR)
        self.assertEqual(self._rows(MAR)[late][2], 5000.0)
        self._run(FEB)
        self.assertNotIn(late, self._rows(FEB))

    def test_decline_gives_the_care_person_an_activity_and_managers_a_digest(self):
        last_message = self.env["mail.message"].search([], order="id desc", limit=1).id
        self._run(FEB)
        self._run(MAR)
        activities = self._decline_activities()
        self.assertEqual(
            {(a.res_id, a.user_id) for a in activities},
            # Top Two's care person; Former Top has none: its salesperson
            {(self.p2.id, self.care_user), (self.p3.id, self.care_manager)},
        )
        self.assertIn("-10 %", str(activities.filtered(lambda a: a.res_id == self.p2.id).note))
        digest = self.env["mail.message"].search(
            [
                ("model", "=", "customer.care.top.snapshot"),
                ("subject", "like", "digest"),
                ("id", ">", last_message),  # not the demo's
            ]
        )
        self.assertEqual(len(digest), 1)
        self.assertIn(self.care_manager.partner_id, digest.partner_ids)
        self.assertIn("Top Two", str(digest.body))
        self.assertIn("Former Top", str(digest.body))
        self.assertNotIn("Top One", str(digest.body))

    def test_thresholds_come_from_the_settings(self):
        self.env.company.care_top_decline_threshold = 15.0
        self._run(FEB)
        self._run(MAR)
        self.assertEqual(self._rows(MAR)[self.p2][4], "flat")  # -10 % is within 15 %

    def test_running_a_month_twice_changes_nothing(self):
        self._run(FEB)
        self._run(MAR)
        first = self._rows(MAR)
        self._run(MAR)
        self.assertEqual(self._rows(MAR), first)
        self.assertEqual(len(self._decline_activities()), 2)

    def test_a_run_that_dies_resumes_and_ends_like_a_clean_run(self):
        self._run(FEB)
        last_message = self.env["mail.message"].search([], order="id desc", limit=1).id
        original = type(self.snapshots)._create_snapshots
        calls = {"n": 0}

        def dies_on_second_batch(self_, period, batch):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("worker killed")
            return original(self_, period, batch)

        # (no assertRaises: it would roll the committed batch back too)
        killed = False
        with patch.object(type(self.snapshots), "_create_snapshots", dies_on_second_batch):
            try:
                self._run(MAR, batch_size=1)
            except RuntimeError:
                killed = True
        self.assertTrue(killed)
        # the first batch was committed, the second rolled back
        self.assertEqual(len(self._rows(MAR)), 1)
        self.assertTrue(self._run(MAR, batch_size=1))
        self.assertEqual(
            {p: row[4] for p, row in self._rows(MAR).items()},
            {self.p1: "growing", self.p2: "declining", self.p3: "declining"},
        )
        self.assertEqual(len(self._decline_activities()), 2)
        # one digest for the month, with both declines, though it took two runs
        digest = self.env["mail.message"].search(
            [
                ("model", "=", "customer.care.top.snapshot"),
                ("subject", "like", "digest"),
                ("id", ">", last_message),
            ]
        )
        self.assertEqual(len(digest), 1)
        self.assertIn("Top Two", str(digest.body))
        self.assertIn("Former Top", str(digest.body))

    def test_scheduled_action_snapshots_last_month(self):
        cron = self.env.ref("customer_care.ir_cron_care_top_snapshot")
        self.assertIn("_cron_snapshot_top", cron.code)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "months"))

    def test_snapshots_show_on_the_partner_for_managers(self):
        self._run(FEB)
        self._run(MAR)
        p2 = self.p2.with_user(self.care_manager)
        self.assertEqual(p2.care_top_snapshot_ids.mapped("trend"), ["declining"])
