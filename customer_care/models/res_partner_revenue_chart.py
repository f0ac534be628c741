import json

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..logic import kpi
from .care_sql import AMOUNT, company_tz, local_time

CARE_USER = "customer_care.group_care_user"
CHART_MONTHS = 12


class CustomerCarePartnerRevenue(models.AbstractModel):
    """The Care tab's revenue chart and top-20 % status (brief §6): a care
    user sees the decline the top-customer alert talks about.  Mixed into
    ``res.partner`` below."""

    _name = "customer.care.partner.revenue"
    _description = "Care Tab Revenue Chart"

    care_revenue_chart = fields.Text(
        string="Monthly Revenue",
        compute="_compute_care_revenue_chart",
        groups=CARE_USER,
        help="Untaxed revenue of the confirmed orders of the last 12 months, in "
        "the current company.",
    )
    care_has_recent_revenue = fields.Boolean(
        compute="_compute_care_revenue_chart", groups=CARE_USER
    )
    care_top_trend = fields.Selection(
        kpi.TRENDS,
        string="Top 20% Trend",
        compute="_compute_care_top_trend",
        groups=CARE_USER,
        help="How the customer's sales moved in the last month the top 20% "
        "watch looked at, when the customer is watched.",
    )
    care_top_trend_period = fields.Date(
        string="Watched Month", compute="_compute_care_top_trend", groups=CARE_USER
    )

    @api.depends_context("company", "lang")
    def _compute_care_revenue_chart(self):
        # this month where the company is, as the months of the orders
        today = fields.Date.context_today(self.with_context(tz=company_tz(self.env.company)))
        months = kpi.last_months(today, CHART_MONTHS)
        amounts = self._care_monthly_revenue(months[0])
        label = self.env._("Revenue")
        for partner in self:
            commercial = partner.commercial_partner_id.id
            series = kpi.month_series(months, amounts.get(commercial, {}))
            partner.care_has_recent_revenue = any(amount for _month, amount in series)
            partner.care_revenue_chart = json.dumps(
                [
                    {
                        "key": label,
                        "values": [
                            {
                                "label": format_date(self.env, month, date_format="MMM yyyy"),
                                "value": round(amount, 2),
                                "type": "future",  # drawn in the Odoo palette's teal
                            }
                            for month, amount in series
                        ],
                    }
                ]
            )

    def _care_monthly_revenue(self, start):
        """``{commercial partner id: {month: revenue}}`` since ``start``, from
        the confirmed orders of the current company, in its currency; months
        where the shop is, as the top-customer watch counts them."""
        commercial_ids = tuple(set(self.commercial_partner_id.ids))
        if not commercial_ids:
            return {}
        self.env["sale.order"].flush_model(
            ["partner_id", "state", "company_id", "date_order", "amount_untaxed", "currency_rate"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT p.commercial_partner_id,
                          date_trunc('month', %s)::date,
                          SUM(%s)
                     FROM sale_order so
                     JOIN res_partner p ON p.id = so.partner_id
                    WHERE so.state = 'sale'
                      AND so.company_id = %s
                      AND so.date_order >= %s
                      AND p.commercial_partner_id IN %s
                 GROUP BY 1, 2""",
                local_time(SQL("so.date_order"), company_tz(self.env.company)),
                AMOUNT,
                self.env.company.id,
                kpi.utc_day_start(start, self.env.company._care_tz()),
                commercial_ids,
            )
        )
        amounts = {}
        for partner_id, month, amount in self.env.cr.fetchall():
            amounts.setdefault(partner_id, {})[month] = amount
        return amounts

    @api.depends_context("company")
    def _compute_care_top_trend(self):
        snapshots = self.env["customer.care.top.snapshot"].sudo()
        last = snapshots.search(
            [("company_id", "=", self.env.company.id)], limit=1, order="period desc"
        )
        rows = {}
        if last:
            rows = {
                snapshot.partner_id.id: snapshot.trend
                for snapshot in snapshots.search(
                    [
                        ("company_id", "=", self.env.company.id),
                        ("period", "=", last.period),
                        ("partner_id", "in", self.commercial_partner_id.ids),
                    ]
                )
            }
        for partner in self:
            trend = rows.get(partner.commercial_partner_id.id)
            partner.care_top_trend = trend
            partner.care_top_trend_period = last.period if trend else False


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "customer.care.partner.revenue"]
