from odoo import fields, models


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
        help="Created for someone who wrote to a chat app account and is not linked to a "
        "known customer yet: link them from the conversation.",
    )
