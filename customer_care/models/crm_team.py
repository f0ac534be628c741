from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    care_is_online = fields.Boolean(
        string="Online Sales Channel",
        help="Orders of this team count as online orders when customers are "
        "classified into care groups (e.g. the web shop or a marketplace team).",
    )
