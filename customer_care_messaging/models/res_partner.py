from odoo import api, fields, models
from odoo.exceptions import AccessError

UNKNOWN = "care_messaging_unknown"


class ResPartner(models.Model):
    _inherit = "res.partner"

    care_messaging_identity_ids = fields.One2many(
        "customer.care.messaging.identity",
        "partner_id",
        string="Chat App Identities",
        groups="customer_care.group_care_user",
    )
    care_messaging_unknown = fields.Boolean(
        string="Unknown Chat Sender",
        groups="customer_care.group_care_user",
        readonly=True,
        copy=False,
        help="Created for someone who wrote to a chat app account and is not linked to a "
        "known customer yet: link them from the conversation.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get(UNKNOWN) for vals in vals_list):
            self._check_unknown_flag()
        return super().create(vals_list)

    def write(self, vals):
        if UNKNOWN in vals and any(p.sudo()[UNKNOWN] != bool(vals[UNKNOWN]) for p in self):
            self._check_unknown_flag()
        return super().write(vals)

    def _check_unknown_flag(self):
        """Only the chat engine (as the system) marks a contact as an unknown
        chat sender: the link wizard trusts the mark to move the contact's
        chat identities, conversations and messages to a known customer."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Only the chat app engine marks a contact as an unknown chat sender: "
                    "link a sender from their conversation instead."
                )
            )
