from odoo import api, fields, models
from odoo.tools import SQL

from ..models.care_sql import AMOUNT, COMPANY_TZ, local_time

# refreshed together by the scheduled action "refresh the purchase reports"
MATERIALIZED_REPORTS = (
    "customer.care.report.purchase",
    "customer.care.report.value",
    "customer.care.report.referral",
)


class CustomerCareReportPurchase(models.Model):
    """Customers per month: repeat purchases, purchase interval, retention.

    One row per company, customer and month with an order (the month in
    the company's time zone, care_sql.local_time) (brief §6:
    repeat-purchase level, retention by cohort).  Computing it needs every
    customer's order history (window functions over all confirmed orders),
    far too slow to run live on a million orders, so the rows live in a
    materialized view refreshed by a scheduled action; the reports then
    aggregate at most one row per customer and month.

    Measures are 0/100 per row so that their average is a share in percent:
    *Repeat Buyers (%)* is the share of customers with 2+ orders in the
    month, *Retention (%)* the share still buying the month after (empty
    until that month is over).  *Cohort Buying (%)* is 100 divided by the
    size of the customer's cohort (in its company): summed over a cohort and
    a number of months since the first order, it is the share of the cohort
    still buying that month — the cells of the retention heat-map.
    """

    _name = "customer.care.report.purchase"
    _inherit = "customer.care.report.materialized"
    _materialized_unique = ("company_id", "partner_id", "period")
    _materialized_indexes = [("period", "company_id")]
    _description = "Customer Care Purchases by Month"
    _auto = False
    _order = "period desc, partner_id"
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    care_group_id = fields.Many2one("customer.care.group", readonly=True)
    period = fields.Date(string="Month", readonly=True)
    cohort = fields.Date(readonly=True, help="Month of the customer's first order.")
    customer_count = fields.Integer(string="Customers", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    revenue = fields.Float(readonly=True, help="Untaxed, in company currency.")
    is_new = fields.Boolean(string="New Customer", readonly=True)
    is_repeat = fields.Boolean(string="Repeat Buyer", readonly=True)
    repeat_rate = fields.Float(string="Repeat Buyers (%)", readonly=True, aggregator="avg")
    interval_days = fields.Float(
        string="Purchase Interval (days)",
        readonly=True,
        aggregator="avg",
        help="Average days since the customer's previous order.",
    )
    is_retained = fields.Boolean(string="Bought Next Month", readonly=True)
    retention_rate = fields.Float(
        string="Retention (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the month's customers who bought again the month after.",
    )
    cohort_age = fields.Integer(string="Months Since First Order", readonly=True, aggregator="max")
    cohort_share = fields.Float(
        string="Cohort Buying (%)",
        readonly=True,
        help="Share of the cohort's customers (first order the same month, same "
        "company) buying in the month; sum it over a cohort and a month.",
    )

    def _with(self):
        return SQL(
            """
            orders AS (
                SELECT so.company_id,
                       p.commercial_partner_id AS partner_id,
                       so.date_order,
                       %(local_order)s AS local_order,
                       %(amount)s AS amount,
                       so.date_order - LAG(so.date_order) OVER (
                           PARTITION BY so.company_id, p.commercial_partner_id
                           ORDER BY so.date_order, so.id) AS gap
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN %(company_tz)s ctz ON ctz.company_id = so.company_id
                 WHERE so.state = 'sale'
            ), months AS (
                SELECT company_id, partner_id,
                       date_trunc('month', local_order)::date AS period,
                       count(*) AS order_count,
                       SUM(amount) AS revenue,
                       AVG(EXTRACT(EPOCH FROM gap) / 86400.0) AS interval_days
                  FROM orders
              GROUP BY company_id, partner_id, date_trunc('month', local_order)
            ), ranked AS (
                SELECT m.*,
                       MIN(period) OVER w AS cohort,
                       LEAD(period) OVER (w ORDER BY period) AS next_period
                  FROM months m
                WINDOW w AS (PARTITION BY company_id, partner_id)
            )
            """,
            amount=AMOUNT,
            local_order=local_time(SQL("so.date_order"), SQL("ctz.tz")),
            company_tz=COMPANY_TZ,
        )

    def _select(self):
        return SQL(
            """
            row_number() OVER (ORDER BY r.company_id, r.partner_id, r.period) AS id,
            r.company_id, r.partner_id, p.care_group_id, r.period, r.cohort,
            1 AS customer_count,
            r.order_count::int AS order_count,
            r.revenue::float AS revenue,
            r.period = r.cohort AS is_new,
            r.order_count > 1 AS is_repeat,
            CASE WHEN r.order_count > 1 THEN 100.0 ELSE 0.0 END AS repeat_rate,
            r.interval_days::float AS interval_days,
            r.next_period = (r.period + interval '1 month')::date AS is_retained,
            CASE WHEN r.period + interval '1 month' >= date_trunc('month', current_date)
                 THEN NULL
                 WHEN r.next_period = (r.period + interval '1 month')::date THEN 100.0
                 ELSE 0.0 END AS retention_rate,
            ((date_part('year', r.period) - date_part('year', r.cohort)) * 12
              + date_part('month', r.period) - date_part('month', r.cohort))::int
                AS cohort_age,
            100.0 / COUNT(*) FILTER (WHERE r.period = r.cohort)
                OVER (PARTITION BY r.company_id, r.cohort) AS cohort_share
            """
        )

    def _from(self):
        return SQL("ranked r JOIN res_partner p ON p.id = r.partner_id")

    @api.model
    def _refresh_reports(self):
        """Recompute every report kept as a materialized view: the purchases
        by month, the lifetime value and the referrals."""
        for model in MATERIALIZED_REPORTS:
            self.env[model]._refresh()
        return True

    @api.model
    def _cron_refresh_reports(self):
        """The scheduled action "refresh the purchase reports": daily, and
        triggered at the end of each run of the purchase facts refresh so the
        reports and dashboards show the day's facts."""
        self._refresh_reports()
        self.env["ir.cron"]._commit_progress(len(MATERIALIZED_REPORTS), remaining=0)
        return True
