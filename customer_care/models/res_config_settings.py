from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_at_risk_factor = fields.Float(related="company_id.care_at_risk_factor", readonly=False)
    care_lost_factor = fields.Float(related="company_id.care_lost_factor", readonly=False)
    care_default_interval_days = fields.Integer(
        related="company_id.care_default_interval_days", readonly=False
    )
    care_ltv_years = fields.Integer(related="company_id.care_ltv_years", readonly=False)
    care_home_country_ids = fields.Many2many(
        related="company_id.care_home_country_ids", readonly=False
    )
    care_home_state_ids = fields.Many2many(related="company_id.care_home_state_ids", readonly=False)
    care_call_greeting = fields.Char(related="company_id.care_call_greeting", readonly=False)
    care_contact_cap = fields.Integer(related="company_id.care_contact_cap", readonly=False)
    care_contact_cap_days = fields.Integer(
        related="company_id.care_contact_cap_days", readonly=False
    )
    care_retention_months = fields.Integer(
        related="company_id.care_retention_months", readonly=False
    )
    care_consent_regime = fields.Selection(related="company_id.care_consent_regime", readonly=False)
    care_escalation_user_id = fields.Many2one(
        related="company_id.care_escalation_user_id", readonly=False
    )
    care_senior_user_id = fields.Many2one(related="company_id.care_senior_user_id", readonly=False)
    care_senior_group_id = fields.Many2one(
        related="company_id.care_senior_group_id", readonly=False
    )
    care_followup_rules = fields.Char(related="company_id.care_followup_rules", readonly=False)
    care_top_percent = fields.Float(related="company_id.care_top_percent", readonly=False)
    care_top_growth_threshold = fields.Float(
        related="company_id.care_top_growth_threshold", readonly=False
    )
    care_top_decline_threshold = fields.Float(
        related="company_id.care_top_decline_threshold", readonly=False
    )
