"""The reports open on a sensible period: their actions switch on a filter
of the recent months or weeks, and that filter keeps the recent rows and
drops the old ones."""

from datetime import date

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval

# report action → (the filter it opens with, the date field it filters)
DEFAULTS = {
    "customer_care.customer_care_report_complaint_action": ("last_12_months", "period"),
    "customer_care.customer_care_report_repeat_action": ("last_12_months", "period"),
    "customer_care.customer_care_report_retention_action": ("last_12_months", "period"),
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
