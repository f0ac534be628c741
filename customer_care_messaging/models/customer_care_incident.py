from odoo import SUPERUSER_ID, fields, models

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
        """A chat answer a care user sent, and the provider accepted, is the
        first response as a sent comment is (a failed one is not)."""
        if message.message_type != "care_chat":
            return super()._is_first_human_reply(message)
        delivery = self.env.context.get("care_chat_delivery") or {}
        user = self.env.user
        return bool(
            delivery.get("ok")
            and user.id != SUPERUSER_ID
            and not user.share
            and message.author_id == user.partner_id
            and user.has_group("customer_care.group_care_user")
        )
