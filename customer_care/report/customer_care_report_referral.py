from odoo import fields, models
from odoo.tools import SQL

from ..models.care_sql import COMPANY_ID_SPAN, COMPANY_TZ, company_value, local_time


class CustomerCareReportReferral(models.Model):
    """Referrals by existing customers (brief §6): who brought whom, and
    what the referred customers bought since (their care facts).

    One row per referred customer and company: the customer's company, or
    for a customer shared between companies each company it bought from
    (the referrer's company while it bought nothing), with that company's
    own orders and revenue (company-dependent facts, its currency).

    The rows live in a materialized view (reading every customer's facts at
    each query is too slow on a large database), refreshed by the scheduled
    action "refresh the purchase reports", which the facts refresh triggers
    at the end of each run; a referral or an order made in between shows
    after the next refresh.
    """

    _name = "customer.care.report.referral"
    _inherit = "customer.care.report.materialized"
    _materialized_indexes = [("company_id", "care_group_id"), ("referrer_id",)]
    _description = "Customer Care Referrals"
    _auto = False
    _order = "date_referred desc, id desc"
    _rec_name = "partner_id"
    _depends = {
        "res.partner": [
            "care_referred_by_id",
            "care_group_id",
            "company_id",
            "care_customer_since",
            "create_date",
            "care_first_order_date",
            "care_order_count",
            "care_revenue",
            "active",
        ],
    }

    partner_id = fields.Many2one("res.partner", string="Referred Customer", readonly=True)
    referrer_id = fields.Many2one("res.partner", string="Referred By", readonly=True)
    referrer_group_id = fields.Many2one(
        "customer.care.group", string="Referrer's Care Group", readonly=True
    )
    care_group_id = fields.Many2one("customer.care.group", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_referred = fields.Date(string="Referred On", readonly=True)
    first_order_date = fields.Date(string="First Order", readonly=True)
    referral_count = fields.Integer(string="Referred Customers", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    revenue = fields.Float(readonly=True, help="Untaxed, in the company's currency.")
    buyer_count = fields.Integer(string="Referred Buyers", readonly=True)

    def _fact(self, name, sql_type):
        """One company's value of the referred customer's purchase fact
        ``name``."""
        return company_value(SQL.identifier("p", name), SQL("c.company_id"), sql_type)

    def _select(self):
        orders = self._fact("care_order_count", "int")
        return SQL(
            """
            p.id::bigint * %(span)s + COALESCE(c.company_id, 0) AS id,
            p.id AS partner_id,
            p.care_referred_by_id AS referrer_id,
            ref.care_group_id AS referrer_group_id,
            p.care_group_id,
            c.company_id,
            COALESCE(p.care_customer_since, (%(created)s)::date) AS date_referred,
            %(first_order)s AS first_order_date,
            1 AS referral_count,
            COALESCE(%(orders)s, 0) AS order_count,
            COALESCE(%(revenue)s, 0)::float AS revenue,
            CASE WHEN %(orders)s > 0 THEN 1 ELSE 0 END AS buyer_count
            """,
            span=COMPANY_ID_SPAN,
            # a row of no company (a shared contact who bought nothing, referred
            # by another one): the first company's time zone
            created=local_time(
                SQL("p.create_date"),
                SQL(
                    "COALESCE(ctz.tz, (SELECT f.tz FROM %s f ORDER BY f.company_id LIMIT 1))",
                    COMPANY_TZ,
                ),
            ),
            first_order=self._fact("care_first_order_date", "date"),
            orders=orders,
            revenue=self._fact("care_revenue", "numeric"),
        )

    def _from(self):
        """The referred customer once per company: its own company, or for
        a customer shared between companies each company it bought from
        (the referrer's company while it bought nothing)."""
        return SQL(
            """
                       res_partner p
                  JOIN res_partner ref ON ref.id = p.care_referred_by_id
            CROSS JOIN LATERAL (
                       SELECT p.company_id AS company_id WHERE p.company_id IS NOT NULL
                    UNION ALL
                       SELECT k.key::int FROM jsonb_object_keys(p.care_order_count) AS k(key)
                        WHERE p.company_id IS NULL
                    UNION ALL
                       SELECT ref.company_id
                        WHERE p.company_id IS NULL
                          AND COALESCE(p.care_order_count, '{}'::jsonb) = '{}'::jsonb
                       ) AS c
             LEFT JOIN %s ctz ON ctz.company_id = c.company_id
            """,
            COMPANY_TZ,
        )

    def _where(self):
        return SQL("p.care_referred_by_id IS NOT NULL AND p.active")
