from ast import literal_eval

from odoo import api, fields, models
from odoo.exceptions import UserError


class CustomerCareTeam(models.Model):
    """A care team owning an email address (customers reach care
    themselves): every email to its alias opens a ``customer.care.incident``
    of the team's company, acknowledged to the customer when the team says
    so."""

    _name = "customer.care.team"
    _description = "Care Team"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    member_ids = fields.Many2many(
        "res.users",
        "customer_care_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain=[("share", "=", False)],
        check_company=True,
        help="Care users answering this team's emails; the first one gets the "
        "customer's replies when an incident has no responsible yet.",
    )
    alias_id = fields.Many2one(
        help="The email address of the team: each new email to it opens an incident."
    )
    acknowledge = fields.Boolean(
        default=True,
        help="Send the customer the acknowledgement email when an incident opens from an email.",
    )
    acknowledge_template_id = fields.Many2one(
        "mail.template",
        string="Acknowledgement Email",
        domain=[("model", "=", "customer.care.incident")],
        help="Sent in the customer's language; blacklisted addresses never get it.",
    )

    def _alias_get_creation_values(self):
        """Emails to the alias open incidents of this team and its company."""
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("customer.care.incident")
        if self.id:
            defaults = literal_eval(self.alias_defaults or "{}")
            defaults.update({"team_id": self.id, "company_id": self.company_id.id})
            values["alias_defaults"] = repr(defaults)
            values["alias_contact"] = "everyone"
        return values

    @api.ondelete(at_uninstall=False)
    def _unlink_except_incidents(self):
        """The incidents opened from a team's address keep their team: such a
        team is archived, not deleted."""
        used = (
            self.env["customer.care.incident"]
            .sudo()
            ._read_group([("team_id", "in", self.ids)], ["team_id"], ["__count"])
        )
        if used:
            raise UserError(
                self.env._(
                    "Incidents were opened from the address of %s: archive the team "
                    "instead of deleting it.",
                    ", ".join(team.display_name for team, _count in used),
                )
            )

    def write(self, vals):
        res = super().write(vals)
        if "company_id" in vals:
            # the incidents an email opens follow the team's company
            for team in self.filtered("alias_id"):
                team.alias_id.sudo().alias_defaults = team._alias_get_creation_values()[
                    "alias_defaults"
                ]
        return res
