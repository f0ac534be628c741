from odoo import fields, models
from odoo.tools import SQL

from ..logic.channels import CHANNELS
from ..models.customer_care_plan import OUTCOMES, PLAN_STATES, TRIGGERS


class CustomerCareReportActivity(models.Model):
    """Care activity (brief §6): contacts run per person, care group and
    channel, with their outcome and how many steps were skipped."""

    _name = "customer.care.report.activity"
    _inherit = "customer.care.report.sql"
    _description = "Customer Care Activity"
    _auto = False
    _order = "date_deadline desc, id desc"
    _rec_name = "plan_id"
    _depends = {
        "customer.care.plan": [
            "partner_id",
            "user_id",
            "company_id",
            "channel",
            "trigger",
            "state",
            "outcome",
            "date_deadline",
            "date_done",
        ],
        "customer.care.plan.step": ["plan_id", "state"],
        "res.partner": ["care_group_id"],
    }

    plan_id = fields.Many2one("customer.care.plan", string="Care Plan", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    care_group_id = fields.Many2one("customer.care.group", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    trigger = fields.Selection(TRIGGERS, readonly=True)
    state = fields.Selection(PLAN_STATES, readonly=True)
    outcome = fields.Selection(OUTCOMES, readonly=True)
    date_deadline = fields.Date(string="Deadline", readonly=True)
    date_done = fields.Datetime(string="Closed On", readonly=True)
    done_count = fields.Integer(string="Contacts Done", readonly=True)
    negative_count = fields.Integer(string="Negative Outcomes", readonly=True)
    skipped_step_count = fields.Integer(string="Steps Skipped", readonly=True)

    def _select(self):
        return SQL(
            """
            pl.id, pl.id AS plan_id, pl.partner_id, pl.user_id,
            p.care_group_id, pl.company_id, pl.channel, pl.trigger,
            pl.state, pl.outcome, pl.date_deadline, pl.date_done,
            CASE WHEN pl.state = 'done' THEN 1 ELSE 0 END AS done_count,
            CASE WHEN pl.outcome = 'negative' THEN 1 ELSE 0 END AS negative_count,
            COALESCE(s.skipped, 0) AS skipped_step_count
            """
        )

    def _from(self):
        return SQL(
            """
                 customer_care_plan pl
            JOIN res_partner p ON p.id = pl.partner_id
       LEFT JOIN LATERAL (
                 SELECT count(*)::int AS skipped FROM customer_care_plan_step st
                  WHERE st.plan_id = pl.id AND st.state = 'skipped') s ON TRUE
            """
        )
