from odoo import fields, models
from odoo.tools import SQL

from ..logic.care_state import STATES
from ..models.care_sql import COMPANY_ID_SPAN, company_value


class CustomerCareReportValue(models.Model):
    """Lifetime value by care group with its inputs (brief §6).

    One row per buying customer and company it bought from: average yearly
    revenue and the group's yearly retention are the inputs of the lifetime
    value estimate; *Still Buying (%)* is the share of the group's customers
    not lost nor dropped, the retention actually observed.  The figures of
    each row are the company's own (its orders, its currency), read from the
    company-dependent facts; the record rules show each user the rows of
    their companies.

    Reading the facts of every customer at each query is too slow on a
    large database (a million customers: seconds per dashboard call), and
    the facts only change with the daily facts refresh: the rows live in a
    materialized view, refreshed by the scheduled action "refresh the
    purchase reports", which the facts refresh triggers at the end of each
    run.  A change made in between (an order, a customer dropped, a group's
    retention setting) shows after the next refresh.
    """

    _name = "customer.care.report.value"
    _inherit = "customer.care.report.materialized"
    _materialized_indexes = [("company_id", "care_group_id"), ("partner_id",)]
    _description = "Customer Care Lifetime Value"
    _auto = False
    _order = "lifetime_value desc, id"
    _rec_name = "partner_id"
    _depends = {
        "res.partner": [
            "care_group_id",
            "care_user_id",
            "company_id",
            "care_state",
            "care_first_order_date",
            "care_order_count",
            "care_revenue",
            "care_annual_value",
            "care_lifetime_value",
            "commercial_partner_id",
        ],
        "customer.care.group": ["retention_rate"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    care_group_id = fields.Many2one("customer.care.group", readonly=True)
    care_user_id = fields.Many2one("res.users", string="Care Responsible", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    care_state = fields.Selection(STATES, readonly=True)
    first_order_date = fields.Date(string="First Order", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    revenue = fields.Float(readonly=True, help="Untaxed, in the company's currency.")
    annual_value = fields.Float(string="Average Yearly Revenue", readonly=True, aggregator="avg")
    lifetime_value = fields.Float(readonly=True, help="In the company's currency.")
    avg_lifetime_value = fields.Float(
        string="Average Lifetime Value", readonly=True, aggregator="avg"
    )
    retention_rate = fields.Float(
        string="Group Retention (%)",
        readonly=True,
        aggregator="avg",
        help="The care group's expected yearly retention, used by the estimate.",
    )
    still_buying_rate = fields.Float(
        string="Still Buying (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the customers who are neither lost nor dropped.",
    )

    def _fact(self, name, sql_type):
        """One company's value of the customer's purchase fact ``name``."""
        return company_value(SQL.identifier("p", name), SQL("c.company_id"), sql_type)

    def _select(self):
        lifetime = self._fact("care_lifetime_value", "numeric")
        return SQL(
            """
            p.id::bigint * %(span)s + c.company_id AS id,
            p.id AS partner_id, p.care_group_id, p.care_user_id,
            c.company_id, p.care_state,
            %(first_order)s AS first_order_date,
            1 AS customer_count,
            c.order_count,
            COALESCE(%(revenue)s, 0)::float AS revenue,
            COALESCE(%(annual)s, 0)::float AS annual_value,
            COALESCE(%(lifetime)s, 0)::float AS lifetime_value,
            COALESCE(%(lifetime)s, 0)::float AS avg_lifetime_value,
            g.retention_rate::float AS retention_rate,
            CASE WHEN p.care_state IN ('lost', 'dropped') THEN 0.0
                 ELSE 100.0 END AS still_buying_rate
            """,
            span=COMPANY_ID_SPAN,
            first_order=self._fact("care_first_order_date", "date"),
            revenue=self._fact("care_revenue", "numeric"),
            annual=self._fact("care_annual_value", "numeric"),
            lifetime=lifetime,
        )

    def _from(self):
        return SQL(
            """
                       res_partner p
            CROSS JOIN LATERAL (
                       SELECT key::int AS company_id, value::int AS order_count
                         FROM jsonb_each_text(p.care_order_count)) AS c
             LEFT JOIN customer_care_group g ON g.id = p.care_group_id
            """
        )

    def _where(self):
        return SQL(
            """
            c.order_count > 0 AND p.id = p.commercial_partner_id
            AND (p.company_id IS NULL OR p.company_id = c.company_id)
            """
        )
