"""Days and months are cut in the company's time zone, in every report.

The tests' company is in Ho Chi Minh City, seven hours ahead of UTC: an
order, an incident or a new customer at 20:00 UTC on 28 February is on
1 March there, so it counts in March in the purchase facts, the reports
kept as materialized views, the complaint rate, the top-20 % watch, the
Care tab's chart and the overview's weekly chart.  The user looking at the
figures is in UTC: the company's time zone decides, not the reader's, so
every user of the company sees the same month.
"""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.customer_care.models.care_sql import company_tz

from .common import TEST_TZ, CareCommon

LATE_FEBRUARY_UTC = datetime(2026, 2, 28, 20, 0)  # 1 March, 03:00 in Ho Chi Minh City
MARCH = date(2026, 3, 1)
FEBRUARY = date(2026, 2, 1)


@tagged("post_install", "-at_install")
class TestMonthsInTheCompanyTimeZone(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the reader is in UTC; the company in Ho Chi Minh City (CareCommon)
        cls.env.user.tz = "UTC"
        cls.care_manager.tz = "UTC"
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        cls.customer = cls._partner("Night Owl")
        cls.order = cls._order(cls.customer, amount=70.0)
        cls.order.date_order = LATE_FEBRUARY_UTC

    def test_the_company_time_zone_is_its_partners(self):
        self.assertEqual(company_tz(self.env.company), TEST_TZ)
        company = self.env["res.company"].create({"name": "No Zone Co"})
        company.partner_id.tz = False
        company.resource_calendar_id.tz = "Asia/Bangkok"
        self.assertEqual(company_tz(company), "Asia/Bangkok")

    def test_purchase_facts_day(self):
        self._refresh(self.customer)
        self.assertEqual(self.customer.care_first_order_date, MARCH)

    def test_purchases_by_month(self):
        Purchase = self.env["customer.care.report.purchase"]
        Purchase._refresh()
        rows = Purchase.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(rows.mapped("period"), [MARCH])
        self.assertEqual(rows.cohort, MARCH)

    def test_complaint_rate(self):
        incident = self.env["customer.care.incident"].create(
            {"name": "Late at night", "partner_id": self.customer.id, "kind": "complaint"}
        )
        incident.date_received = LATE_FEBRUARY_UTC
        self.env["customer.care.report.purchase"]._refresh()
        Complaint = self.env["customer.care.report.complaint"]
        company = [("company_id", "=", self.env.company.id)]
        march = Complaint.search([*company, ("period", "=", MARCH)])
        february = Complaint.search([*company, ("period", "=", FEBRUARY)])
        self.assertGreaterEqual(march.complaint_count, 1)
        self.assertGreaterEqual(march.customer_count, 1)
        before = february.complaint_count if february else 0
        incident.date_received = datetime(2026, 2, 28, 16, 0)  # 23:00 there: still February
        self.env.flush_all()
        self.env.invalidate_all()  # a view's rows are read again
        february = Complaint.search([*company, ("period", "=", FEBRUARY)])
        self.assertEqual(february.complaint_count, before + 1)

    def test_referrals(self):
        referred = self._partner("Referred at night", care_referred_by_id=self.customer.id)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = %s, care_customer_since = NULL WHERE id = %s",
            (LATE_FEBRUARY_UTC, referred.id),
        )
        Referral = self.env["customer.care.report.referral"]
        Referral._refresh()
        row = Referral.search([("partner_id", "=", referred.id)])
        self.assertEqual(row.date_referred, MARCH)

    def test_top_watch(self):
        Snapshot = self.env["customer.care.top.snapshot"]
        march = Snapshot._month_revenues(self.env.company, MARCH)
        february = Snapshot._month_revenues(self.env.company, FEBRUARY)
        self.assertEqual(march.get(self.customer.id), 70.0)
        self.assertNotIn(self.customer.id, february)

    def test_care_tab_chart(self):
        with freeze_time(datetime(2026, 3, 20, 10, 0)):
            chart = self.customer.with_user(self.care_manager)._care_monthly_revenue(FEBRUARY)
        self.assertEqual(chart[self.customer.id], {MARCH: 70.0})

    def test_overview_week_chart(self):
        """Sunday 1 March 2026 at 03:00 there is the week of Monday
        23 February; Monday 2 March at 03:00 (Sunday 20:00 UTC) is the
        next week, not the one before as in UTC."""
        team = self.env["customer.care.team"].create(
            {"name": "Night shift", "member_ids": [Command.link(self.care_manager.id)]}
        )
        incident = self.env["customer.care.incident"].create(
            {"name": "Monday early", "partner_id": self.customer.id, "team_id": team.id}
        )
        incident.date_received = datetime(2026, 3, 1, 20, 0)
        self.env.flush_all()
        with freeze_time(datetime(2026, 3, 4, 10, 0)):
            card = (
                self.env["customer.care.overview"].with_user(self.care_manager).browse(team.id * 2)
            )
            bars = card.week_chart
        self.assertEqual([bar["value"] for bar in bars[-2:]], [0, 1])
        self.assertEqual(bars[-1]["label"], "02/03")
