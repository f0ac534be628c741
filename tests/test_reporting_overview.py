"""The overview's trend charts and its 'no data' cases, the Care tab's
monthly revenue chart (brief §6)."""

import json
from datetime import date, datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
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
class TestOverviewLogic(BaseCase):
    def test_a_team_card_takes_its_incidents_and_its_members_unassigned_ones(self):
        rows = [
            (7, 1, 20, "team 7, other user"),
            (None, 1, 20, "no team, member"),
            (None, 1, 30, "no team, not a member"),
            (8, 1, 20, "another team"),
            (7, 2, 20, "team 7, other company"),
            (None, 1, None, "no team, nobody"),
        ]
        self.assertEqual(
            [row[3] for row in kpi.card_rows(rows, 7, 1, frozenset({20}))],
            ["team 7, other user", "no team, member"],
        )
        # a company without a team: everything of the company
        self.assertEqual(len(kpi.card_rows(rows, None, 1, frozenset())), 5)

    def test_bars_keep_their_values_and_a_height_relative_to_the_highest(self):
        self.assertEqual(
            kpi.bar_chart([("a", 0), ("b", 1), ("c", 40)]),
            [
                {"label": "a", "value": 0, "height": 0},
                {"label": "b", "value": 1, "height": 4},  # small but visible
                {"label": "c", "value": 40, "height": 100},
            ],
        )
        self.assertEqual(kpi.bar_chart([("a", 0)]), [{"label": "a", "value": 0, "height": 0}])


@tagged("post_install", "-at_install")
class TestOverviewCards(IncidentCommon):
    """One card per care team, one for a company without a team; each tile
    counts what the list it opens shows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Overview = cls.env["customer.care.overview"]
        cls.team = cls.env["customer.care.team"].create(
            {"name": "Hotline", "member_ids": [Command.set(cls.care_user.ids)]}
        )
        cls.other_team = cls.env["customer.care.team"].create(
            {"name": "Shop desk", "member_ids": [Command.set(cls.other_user.ids)]}
        )

    def _card(self, user, team):
        cards = self.Overview.with_user(user).search([("team_id", "=", team.id)])
        self.assertEqual(len(cards), 1)
        return cards

    def test_one_card_per_team_and_one_for_a_company_without_team(self):
        company = self.env["res.company"].create({"name": "Teamless Co"})
        manager = new_test_user(
            self.env,
            login="care_teamless_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            groups="base.group_user,customer_care.group_care_manager",
        )
        (card,) = self.Overview.with_user(manager).search([])
        self.assertFalse(card.team_id)
        self.assertEqual((card.company_id, card.display_name), (company, "Teamless Co"))
        team = self.env["customer.care.team"].create(
            {"name": "First team", "company_id": company.id}
        )
        (card,) = self.Overview.with_user(manager).search([])
        self.assertEqual(card.team_id, team)
        team.active = False
        self.assertFalse(self.Overview.with_user(manager).search([]).team_id)

    def test_care_users_see_their_teams_managers_every_team(self):
        mine = self.Overview.with_user(self.care_user).search([])
        self.assertEqual(mine.team_id, self.team)
        every = self.Overview.with_user(self.care_manager).search([])
        self.assertLessEqual(self.team | self.other_team, every.team_id)
        menu = self.env.ref("customer_care.menu_customer_care_dashboard")
        visible = self.env["ir.ui.menu"].with_user(self.care_user)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        report = self.env.ref("customer_care.menu_customer_care_report_complaint")
        self.assertNotIn(report.id, visible)

    def test_tiles_count_the_teams_work_and_open_the_same_records(self):
        now = datetime(2026, 3, 20, 10, 0)
        with freeze_time(now - timedelta(days=3)):
            late = self._incident(name="Late", team_id=self.team.id)
        with freeze_time(now):
            card = self._card(self.care_user, self.team)
            before = {
                name: card[name]
                for name in (
                    "my_open_count",
                    "breached_count",
                    "plans_due_count",
                    "plans_late_count",
                    "questions_late_count",
                )
            }
            mine = self._incident(name="Mine", user_id=self.care_user.id)  # no team, a member
            self._incident(name="Elsewhere", user_id=self.other_user.id)  # not this card
            self.Incident._sla_check_due()
            self.assertEqual(late.sla_state, "breached")
            Plan = self.env["customer.care.plan"]
            today = fields.Date.context_today(Plan)
            due = Plan.create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.care_user.id,
                    "date_deadline": today,
                }
            )
            Plan.create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.care_user.id,
                    "date_deadline": today - timedelta(days=2),
                }
            )
            Plan.create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.other_user.id,
                    "date_deadline": today,
                }
            )
            due.action_start()
            step = due.step_ids.sorted("sequence")[0]
            self.env["customer.care.plan.question"].create(
                {
                    "step_id": step.id,
                    "name": "Spare part?",
                    "date_promised": today - timedelta(days=1),
                }
            )
            self.env.flush_all()
            card = self._card(self.care_user, self.team)
            card.invalidate_recordset()
            after = {name: card[name] for name in before}
            self.assertEqual(
                {name: after[name] - before[name] for name in after},
                {
                    "my_open_count": 1,
                    "breached_count": 1,
                    "plans_due_count": 1,
                    "plans_late_count": 1,
                    "questions_late_count": 1,
                },
            )
            for tile, model, record in (
                ("my_open", "customer.care.incident", mine),
                ("breached", "customer.care.incident", late),
                ("plans_due", "customer.care.plan", due),
            ):
                with self.subTest(tile=tile):
                    action = card.with_context(care_tile=tile).action_open_tile()
                    self.assertEqual(action["res_model"], model)
                    found = self.env[model].with_user(self.care_user).search(action["domain"])
                    self.assertIn(record, found)
                    self.assertEqual(len(found), card[f"{tile}_count"])
                    self.assertIn("Hotline", action["display_name"])

    def test_satisfaction_of_the_last_30_days_and_its_trend(self):
        now = datetime(2026, 3, 20, 10, 0)
        with freeze_time(now):
            for days, score in ((5, 5), (10, 4), (40, 2), (45, 3)):
                incident = self._incident(
                    name=f"Rated {days}",
                    team_id=self.other_team.id,
                    resolution_type="instant",
                    root_cause_id=self.cause.id,
                )
                incident.write({"state": "closed", "date_resolved": now - timedelta(days=days)})
                incident.satisfaction = score
            card = self._card(self.care_manager, self.other_team)
            # last 30 days: 5 and 4 -> 4.5; the 30 days before: 2 and 3 -> 2.5
            self.assertEqual(
                (card.satisfaction, card.satisfaction_count, card.satisfaction_trend),
                (4.5, 2, "up"),
            )
            quiet = self._card(self.care_manager, self.team)
            self.assertEqual((quiet.satisfaction_count, quiet.satisfaction_trend), (0, "none"))

    def test_weekly_bars_with_their_values(self):
        now = datetime(2026, 3, 20, 10, 0)  # a Friday
        with freeze_time(now):
            for days in (0, 1, 14):
                self._incident(name=f"Received {days}", team_id=self.team.id).date_received = (
                    now - timedelta(days=days)
                )
            card = self._card(self.care_manager, self.team)
            bars = card.week_chart
        self.assertEqual(len(bars), 8)
        self.assertEqual([bar["value"] for bar in bars[-3:]], [1, 0, 2])
        self.assertEqual(bars[-1]["label"], "16/03")
        self.assertEqual(bars[-1]["height"], 100)

    def test_the_kanban_writes_each_number_beside_its_label(self):
        arch = self.Overview.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        root = etree.fromstring(arch)
        tiles = root.xpath("//a[@name='action_open_tile']")
        self.assertEqual(len(tiles), 7)
        for tile in tiles:
            label, value = tile.getchildren()[:2]
            self.assertEqual(label.tag, "span")
            self.assertIn(value.tag, ("field", "span"))
            self.assertTrue(label.text.strip())
            # the count is its own element, set apart from the label by the gap
            self.assertIn("gap-2", tile.get("class"))


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
