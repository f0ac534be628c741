from odoo import fields, models

from .customer_care_messaging_outbound import FAILURE_TYPES


class MailNotification(models.Model):
    """The delivery of a chat answer to the customer, shown on the message
    as an SMS's is: sent, or failed with the reason."""

    _inherit = "mail.notification"

    notification_type = fields.Selection(
        selection_add=[("care_chat", "Chat App")], ondelete={"care_chat": "cascade"}
    )
    failure_type = fields.Selection(
        selection_add=[(f"care_chat_{code}", label) for code, label in FAILURE_TYPES]
    )
