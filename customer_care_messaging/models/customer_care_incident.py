from odoo import fields, models

from .customer_care_messaging_thread import thread_fields


class CustomerCareIncident(models.Model):
    """An incident opened by, or threaded with, a chat app conversation."""

    _name = "customer.care.incident"
    _inherit = ["customer.care.messaging.thread", "customer.care.incident"]

    messaging_identity_ids, messaging_unknown_partner = thread_fields()

    messaging_account_id = fields.Many2one(
        "customer.care.messaging.account",
        string="Chat App",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The chat app account the customer wrote to.",
    )
    messaging_provider = fields.Selection(related="messaging_account_id.provider")

    def _is_first_human_reply(self, message):
        """A chat message never stops the clock by being posted: the care
        user's answer stops it once the provider accepted it (see the
        outbound message's ``_record_result``), and a context key a caller
        can send proves nothing."""
        if message.message_type == "care_chat":
            return False
        return super()._is_first_human_reply(message)
