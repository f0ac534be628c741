from odoo import fields, models

from ..logic.channels import CHANNELS
from ..logic.outreach import SKIP_REASONS


class CustomerCareOutreachLog(models.Model):
    """One contact of an outreach rule: unique per rule, partner and period.

    The line is claimed (inserted) in the same transaction as the message it
    stands for, so a rerun, a crash half-way or two workers on the same rule
    never contact a partner twice for the same reason in the same period.
    """

    _name = "customer.care.outreach.log"
    _description = "Care Outreach Contact"
    _order = "id desc"
    _rec_name = "partner_id"

    rule_id = fields.Many2one(
        "customer.care.outreach.rule", required=True, ondelete="restrict", index=True
    )
    run_id = fields.Many2one("customer.care.outreach.run", ondelete="set null", index=True)
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    period_key = fields.Char(required=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    channel = fields.Selection(CHANNELS)
    state = fields.Selection(
        [
            ("pending", "Claimed"),
            ("done", "Contacted"),
            ("skipped", "Skipped"),
            ("failed", "Failed"),
        ],
        required=True,
        default="pending",
        index=True,
    )
    skip_reason = fields.Selection(SKIP_REASONS)
    error = fields.Text()
    plan_id = fields.Many2one("customer.care.plan", ondelete="set null", index="btree_not_null")

    _partner_rule_period_uniq = models.Constraint(
        "UNIQUE(rule_id, partner_id, period_key)",
        "A partner is contacted once per rule and period.",
    )
    _partner_date_idx = models.Index("(partner_id, create_date) WHERE state = 'done'")
