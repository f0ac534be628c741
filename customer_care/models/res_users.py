from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    care_team_ids = fields.Many2many(
        "customer.care.team",
        "customer_care_team_member_rel",
        "user_id",
        "team_id",
        string="Care Teams",
        readonly=True,
        groups="customer_care.group_care_user",
        help="The care teams this user answers for; set on the team.",
    )
