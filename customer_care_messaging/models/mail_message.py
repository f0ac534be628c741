from odoo import fields, models


class MailMessage(models.Model):
    """Chat app messages are their own type, as SMS are: the customer's
    message arrives as one, a care user's answer goes out as one, and
    neither is ever emailed to the customer."""

    _inherit = "mail.message"

    message_type = fields.Selection(
        selection_add=[("care_chat", "Chat App Message")],
        ondelete={"care_chat": lambda messages: messages.write({"message_type": "comment"})},
    )
