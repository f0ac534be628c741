from odoo import fields, models
from odoo.tools import SQL

from ..models.care_sql import COMPANY_TZ, local_time


class CustomerCareReportComplaint(models.Model):
    """Complaint rate by month (brief §6): complaints per 100 customers who
    bought that month and per 100 orders, beside breaches and satisfaction.

    The customers and orders of a month come from the purchases-by-month
    report (refreshed daily), so the rate of the current month moves with
    it.
    """

    _name = "customer.care.report.complaint"
    _inherit = "customer.care.report.sql"
    _description = "Customer Care Complaint Rate"
    _auto = False
    _order = "period desc"
    # a live view over the incidents: their pending writes are flushed first
    _depends = {
        "customer.care.incident": [
            "company_id",
            "date_received",
            "kind",
            "sla_state",
            "satisfaction",
        ],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    period = fields.Date(string="Month", readonly=True)
    complaint_count = fields.Integer(string="Complaints", readonly=True)
    incident_count = fields.Integer(string="Incidents", readonly=True)
    breached_count = fields.Integer(string="Breached", readonly=True)
    customer_count = fields.Integer(string="Buying Customers", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    rate_customers = fields.Float(
        string="Complaints per 100 Customers", readonly=True, aggregator="avg"
    )
    rate_orders = fields.Float(string="Complaints per 100 Orders", readonly=True, aggregator="avg")
    breach_rate = fields.Float(string="Breach Rate (%)", readonly=True, aggregator="avg")
    satisfaction = fields.Float(string="Satisfaction (1-5)", readonly=True, aggregator="avg")

    def _with(self):
        return SQL(
            """
            incidents AS (
                SELECT i.company_id,
                       date_trunc('month', %(received)s)::date AS period,
                       count(*) FILTER (WHERE kind = 'complaint') AS complaints,
                       count(*) AS incidents,
                       count(*) FILTER (WHERE sla_state = 'breached') AS breached,
                       AVG(satisfaction) FILTER (WHERE satisfaction > 0) AS satisfaction
                  FROM customer_care_incident i
                  JOIN %(company_tz)s ctz ON ctz.company_id = i.company_id
              GROUP BY 1, 2
            ), buying AS (
                SELECT company_id, period,
                       SUM(customer_count) AS customers,
                       SUM(order_count) AS orders
                  FROM customer_care_report_purchase
              GROUP BY 1, 2
            )
            """,
            received=local_time(SQL("i.date_received"), SQL("ctz.tz")),
            company_tz=COMPANY_TZ,
        )

    def _select(self):
        return SQL(
            """
            row_number() OVER (ORDER BY period, company_id) AS id,
            company_id, period,
            COALESCE(i.complaints, 0) AS complaint_count,
            COALESCE(i.incidents, 0) AS incident_count,
            COALESCE(i.breached, 0) AS breached_count,
            COALESCE(b.customers, 0) AS customer_count,
            COALESCE(b.orders, 0) AS order_count,
            COALESCE(i.complaints, 0) * 100.0 / NULLIF(b.customers, 0) AS rate_customers,
            COALESCE(i.complaints, 0) * 100.0 / NULLIF(b.orders, 0) AS rate_orders,
            i.breached * 100.0 / NULLIF(i.incidents, 0) AS breach_rate,
            i.satisfaction
            """
        )

    def _from(self):
        return SQL("incidents i FULL JOIN buying b USING (company_id, period)")
