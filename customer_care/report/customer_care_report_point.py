from odoo import fields, models
from odoo.tools import SQL

from ..logic.channels import CHANNELS
from ..models.customer_care_point import POINT_KINDS


class CustomerCareReportPoint(models.Model):
    """What customers were satisfied and dissatisfied with (brief §2, §6).

    One row per point recorded on a recall step: the most common
    dissatisfaction points are the top rows of the pivot.
    """

    _name = "customer.care.report.point"
    _inherit = "customer.care.report.sql"
    _description = "Customer Care Satisfaction Points"
    _auto = False
    _order = "date_done desc, id desc"
    _rec_name = "point_id"
    _depends = {
        "customer.care.plan.step": [
            "plan_id",
            "state",
            "date_done",
            "satisfied_point_ids",
            "dissatisfied_point_ids",
        ],
        "customer.care.plan": ["partner_id", "user_id", "company_id", "channel", "date_done"],
        "res.partner": ["care_group_id"],
    }

    point_id = fields.Many2one("customer.care.point", readonly=True)
    kind = fields.Selection(POINT_KINDS, readonly=True)
    plan_id = fields.Many2one("customer.care.plan", string="Care Plan", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    care_group_id = fields.Many2one("customer.care.group", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    date_done = fields.Datetime(string="Recorded On", readonly=True)

    def _select(self):
        return SQL(
            """
            row_number() OVER (ORDER BY r.step_id, r.kind, r.point_id) AS id,
            r.point_id, r.kind, st.plan_id, pl.partner_id, pl.user_id,
            p.care_group_id, pl.company_id, pl.channel,
            COALESCE(st.date_done, pl.date_done) AS date_done
            """
        )

    def _from(self):
        return SQL(
            """
                 (SELECT step_id, point_id, 'dissatisfied' AS kind
                    FROM customer_care_plan_step_dissatisfied_rel
               UNION ALL
                  SELECT step_id, point_id, 'satisfied' AS kind
                    FROM customer_care_plan_step_satisfied_rel) r
            JOIN customer_care_plan_step st ON st.id = r.step_id
            JOIN customer_care_plan pl ON pl.id = st.plan_id
            JOIN res_partner p ON p.id = pl.partner_id
            """
        )

    def _where(self):
        return SQL("st.state = 'done'")
