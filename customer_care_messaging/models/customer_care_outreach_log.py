from odoo import fields, models

SKIP_NO_CHAT = "no_chat"


class CustomerCareOutreachLog(models.Model):
    _inherit = "customer.care.outreach.log"

    skip_reason = fields.Selection(
        selection_add=[(SKIP_NO_CHAT, "Does not follow the chat app account")],
        ondelete={SKIP_NO_CHAT: "set null"},
    )
