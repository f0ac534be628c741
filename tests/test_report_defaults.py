"""The reports open on a sensible period: their actions switch on a filter
of the recent months or weeks, and that filter keeps the recent rows and
drops the old ones."""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval

# report action → (the filter it opens with, the date field it filters)
DEFAULTS = {
    "customer_care.customer_care_report_complaint_action": ("last_12_months", "period"),
    "customer_care.customer_care_report_repeat_action": ("last_12_months", "period"),
    "customer_care.customer_care_report_retention_action": ("last_12_months", "period"),
    "customer_care.customer_care_top_snapshot_action": ("last_12_months", "period"),
    "customer_care.customer_care_report_referral_action": ("last_12_months", "date_referred"),
    "customer_care.customer_care_report_activity_action": ("last_12_months", "date_deadline"),
    "customer_care.customer_care_report_point_action": ("last_12_months", "date_done"),
    "customer_care.customer_care_incident_action_report": ("last_12_months", "date_received"),
    "customer_care.customer_care_incident_action_satisfaction": ("last_12_months", "date_received"),
}


@tagged("post_install", "-at_install")
class TestReportDefaults(TransactionCase):
    def _default_filter(self, xmlid):
        action = self.env.ref(xmlid)
        context = safe_eval(action.context or "{}")
        name, fname = DEFAULTS[xmlid]
        self.assertEqual(context.get(f"search_default_{name}"), 1)
        view = action.search_view_id or self.env["ir.ui.view"].search(
            [("model", "=", action.res_model), ("type", "=", "search")], limit=1
        )
        arch = etree.fromstring(view.arch)
        (node,) = arch.xpath(f"//filter[@name='{name}']")
        return fname, node.get("domain")

    def test_each_report_opens_on_its_recent_months(self):
        today = date(2026, 12, 7)
        context = {
            "context_today": lambda: today,
            "relativedelta": relativedelta,
            "datetime": safe_datetime,
        }
        for xmlid in DEFAULTS:
            with self.subTest(action=xmlid):
                fname, domain = self._default_filter(xmlid)
                ((field, operator, bound),) = safe_eval(domain, context)
                self.assertEqual((field, operator), (fname, ">="))
                first = date.fromisoformat(bound)
                # this month and the eleven before it; not the month a year ago
                self.assertLessEqual(first, date(2026, 1, 1))
                self.assertGreater(first, date(2025, 11, 1))

    def test_complaint_rate_opens_on_twelve_months_only(self):
        _fname, domain = self._default_filter("customer_care.customer_care_report_complaint_action")
        bound = safe_eval(
            domain,
            {
                "context_today": lambda: date(2026, 12, 7),
                "relativedelta": relativedelta,
                "datetime": safe_datetime,
            },
        )[0][2]
        self.assertEqual(bound, "2026-01-01")


@tagged("post_install", "-at_install")
class TestTopWatchDefaults(TransactionCase):
    """The top-20 % watch opens as a list grouped by month, groups open,
    with no total across months (a sum of several months' revenue of the
    top customers means nothing)."""

    def test_watch_opens_grouped_by_month_without_cross_month_totals(self):
        action = self.env.ref("customer_care.customer_care_top_snapshot_action")
        self.assertEqual(action.view_mode.split(",")[0], "list")
        context = safe_eval(action.context)
        self.assertEqual(context.get("search_default_group_period"), 1)
        search = etree.fromstring(action.search_view_id.arch)
        (group,) = search.xpath("//filter[@name='group_period']")
        self.assertEqual(safe_eval(group.get("context")), {"group_by": "period:month"})
        arch = etree.fromstring(
            self.env["customer.care.top.snapshot"].get_views([(False, "list")])["views"]["list"][
                "arch"
            ]
        )
        self.assertEqual(arch.get("expand"), "1")
        self.assertFalse(arch.xpath("//field[@sum or @avg]"), "no total row across months")
        # the rank and the growth read as such: no rank 0, no 0.0 % from nothing
        (rank,) = arch.xpath("//field[@name='rank']")
        self.assertEqual(rank.get("invisible"), "not rank")
        self.assertTrue(arch.xpath("//field[@name='growth']"))
        self.assertFalse(arch.xpath("//field[@name='change_percent']"))


@tagged("post_install", "-at_install")
class TestCountTicks(TransactionCase):
    """The graph views of the care reports tick in whole numbers when they
    count: the bundle of the graph view carries the rule, which applies to the care
    models' record count and integer measures only."""

    def test_graph_bundle_carries_the_whole_number_ticks(self):
        bundle = self.env["ir.qweb"]._get_asset_bundle("web.assets_backend_lazy", debug_assets=True)
        (asset,) = [a for a in bundle.javascripts if a.url.endswith("/graph_integer_ticks.js")]
        source = asset.content
        self.assertIn("precision: 0", source)
        self.assertIn('resModel.startsWith("customer.care.")', source)
        self.assertIn('measure === "__count"', source)
        self.assertIn('measures[measure]?.type === "integer"', source)


@tagged("post_install", "-at_install")
class TestLastRefreshed(TransactionCase):
    """The reports kept as materialized views say in their title when their
    rows were last computed; their menus open them that way."""

    def test_each_materialized_report_says_when_it_was_refreshed(self):
        self.env.user.tz = "Asia/Ho_Chi_Minh"
        reports = {
            "customer.care.report.purchase": (
                "customer_care.customer_care_report_repeat_action",
                "customer_care.menu_customer_care_report_repeat",
            ),
            "customer.care.report.value": (
                "customer_care.customer_care_report_value_action",
                "customer_care.menu_customer_care_report_value",
            ),
            "customer.care.report.referral": (
                "customer_care.customer_care_report_referral_action",
                "customer_care.menu_customer_care_report_referral",
            ),
        }
        for model, (xmlid, menu) in reports.items():
            with self.subTest(model=model):
                with freeze_time("2026-12-07 23:30:00"):
                    self.env[model]._refresh()
                self.assertEqual(self.env[model]._last_refreshed(), datetime(2026, 12, 7, 23, 30))
                action = self.env[model]._action_open(xmlid)
                # 06:30 the next morning in Ho Chi Minh City, the reader's time
                self.assertIn("last refreshed 12/08/2026 06:30", action["name"])
                self.assertEqual(action["res_model"], model)
                server = self.env.ref(menu).action
                self.assertEqual(server._name, "ir.actions.server")
                self.assertIn(xmlid, server.code)
