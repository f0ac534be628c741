from odoo import api, fields, models
from odoo.exceptions import UserError


def thread_fields():
    """The fields of a conversation, declared on each model that has a
    customer (an abstract model cannot relate to a field it lacks)."""
    identity_ids = fields.Many2many(
        "customer.care.messaging.identity",
        compute="_compute_messaging_identity_ids",
        string="Chat Apps",
    )
    unknown = fields.Boolean(
        related="partner_id.care_messaging_unknown", string="Unknown Chat Sender"
    )
    return identity_ids, unknown


class CustomerCareMessagingThread(models.AbstractModel):
    """What incidents and care plans share once the customer talks to the
    company in a chat app: the customer's chat identities, the *Send via
    chat app* composer, and the chat messages kept out of emails."""

    _name = "customer.care.messaging.thread"
    _description = "Chat App Conversation"

    # the models using it declare ``partner_id`` and ``company_id`` and the
    # fields of ``thread_fields()``

    @api.depends("partner_id", "company_id")
    def _compute_messaging_identity_ids(self):
        Identity = self.env["customer.care.messaging.identity"]
        found = Identity.search(
            [("partner_id", "in", self.partner_id.ids), ("company_id", "in", self.company_id.ids)]
        )
        for record in self:
            record.messaging_identity_ids = found.filtered(
                lambda i, r=record: i.partner_id == r.partner_id and i.company_id == r.company_id
            )

    def action_open_messaging_composer(self):
        self.ensure_one()
        if not self.messaging_identity_ids:
            raise UserError(
                self.env._(
                    "%s has not written to any chat app account of the company yet.",
                    self.partner_id.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send via Chat App"),
            "res_model": "customer.care.messaging.composer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }

    def action_open_messaging_link(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to a Customer"),
            "res_model": "customer.care.messaging.link.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_source_partner_id": self.partner_id.id},
        }

    def _post_chat_answer(self, outbound):
        """Post the care user's answer in the chatter, with its delivery to
        the customer waiting for the send (the outbound message updates it,
        see ``_record_result``); the outbound message remembers it.

        Nothing here says the answer was delivered: a chat message posted by
        any other path has no delivery and does not stop the clock."""
        self.ensure_one()
        message = self.message_post(
            body=outbound._body_html(),
            message_type="care_chat",
            subtype_xmlid="mail.mt_comment",
        )
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": message.author_id.id,
                    "mail_message_id": message.id,
                    "res_partner_id": outbound.partner_id.id,
                    "notification_type": "care_chat",
                    "notification_status": "ready",
                    "is_read": True,
                }
            ]
        )
        outbound.sudo().mail_message_id = message
        return message

    def _notify_thread_by_email(self, message, recipients_data, **kwargs):
        """A chat message reaches the customer in the chat app, never by
        email: only the internal followers are emailed."""
        msg_vals = kwargs.get("msg_vals") or {}
        if msg_vals.get("message_type", message.message_type) == "care_chat":
            recipients_data = [r for r in recipients_data if not r.get("share")]
        return super()._notify_thread_by_email(message, recipients_data, **kwargs)
