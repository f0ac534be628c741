from odoo import fields, models
from odoo.tools import SQL

from ..logic import delivery


class CustomerCareReportDelivery(models.Model):
    """On-time delivery and order error rate (brief §6), one row per
    delivered sale order.

    The outcome of each order is stored on the order when its deliveries
    change (``sale.order._compute_care_delivery``), so the report is a plain
    view over the orders, fast on a million of them.  *On Time (%)* and
    *Order Errors (%)* are 0/100 per order: their average is a share.
    """

    _name = "customer.care.report.delivery"
    _inherit = "customer.care.report.sql"
    _description = "Customer Care Deliveries and Order Errors"
    _auto = False
    _order = "date_delivered desc, id desc"
    _rec_name = "order_id"
    _depends = {
        "sale.order": [
            "partner_id",
            "company_id",
            "user_id",
            "team_id",
            "date_order",
            "care_date_promised",
            "care_date_delivered",
            "care_delivery_delay",
            "care_delivery_state",
            "care_order_error",
        ],
        "res.partner": ["commercial_partner_id", "care_group_id"],
    }

    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    care_group_id = fields.Many2one("customer.care.group", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    date_order = fields.Datetime(string="Order Date", readonly=True)
    date_promised = fields.Datetime(string="Promised Delivery", readonly=True)
    date_delivered = fields.Datetime(string="Delivered On", readonly=True)
    delivery_state = fields.Selection(
        delivery.DELIVERY_STATES,
        string="Delivery Promise",
        readonly=True,
    )
    order_error = fields.Selection(
        delivery.ORDER_ERRORS,
        readonly=True,
    )
    order_count = fields.Integer(string="Delivered Orders", readonly=True)
    late_count = fields.Integer(string="Late Orders", readonly=True)
    error_count = fields.Integer(string="Orders in Error", readonly=True)
    on_time_rate = fields.Float(
        string="On Time (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the delivered orders validated no later than the promised day.",
    )
    error_rate = fields.Float(
        string="Order Errors (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the delivered orders returned or whose quantities were corrected.",
    )
    delay_days = fields.Float(
        string="Delay (days)",
        readonly=True,
        aggregator="avg",
        help="Average days between the promised date and the delivery; negative when early.",
    )

    def _select(self):
        return SQL(
            """
            so.id, so.id AS order_id,
            p.commercial_partner_id AS partner_id,
            cp.care_group_id,
            so.company_id, so.user_id, so.team_id, so.date_order,
            so.care_date_promised AS date_promised,
            so.care_date_delivered AS date_delivered,
            so.care_delivery_state AS delivery_state,
            so.care_order_error AS order_error,
            1 AS order_count,
            CASE WHEN so.care_delivery_state = %(late)s THEN 1 ELSE 0 END AS late_count,
            CASE WHEN so.care_order_error IS NOT NULL THEN 1 ELSE 0 END AS error_count,
            CASE WHEN so.care_delivery_state = %(late)s THEN 0.0 ELSE 100.0 END
                AS on_time_rate,
            CASE WHEN so.care_order_error IS NOT NULL THEN 100.0 ELSE 0.0 END AS error_rate,
            COALESCE(so.care_delivery_delay, 0.0) AS delay_days
            """,
            late=delivery.LATE,
        )

    def _from(self):
        # LEFT JOINs on primary keys: PostgreSQL drops them when a query
        # uses neither the customer nor the care group
        return SQL(
            """
                      sale_order so
            LEFT JOIN res_partner p ON p.id = so.partner_id
            LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
            """
        )

    def _where(self):
        return SQL("so.care_date_delivered IS NOT NULL AND so.state = 'sale'")
