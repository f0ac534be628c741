from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize, plaintext2html

from odoo.addons.mail.tools.discuss import Store

from ..logic import transcript


class CustomerCareIncident(models.Model):
    """Customers reach care from the website's live chat (``im_livechat``).

    An operator types ``/incident <subject>`` in the conversation, or a
    chatbot script reaches its *Create Care Incident* step: the incident is
    opened through the doors' common intake (channel *Live Chat*), for the
    visitor matched as the other doors match their senders, with the
    conversation so far as an internal note and a link back to the
    conversation (``discuss_channel_id``, what the inbox shows).  The
    operator's first message in the conversation once the incident exists
    stops its response clock (``discuss_channel.py``).
    """

    _inherit = "customer.care.incident"

    channel = fields.Selection(
        selection_add=[("livechat", "Live Chat")], ondelete={"livechat": "set default"}
    )
    discuss_channel_id = fields.Many2one(
        "discuss.channel",
        string="Live Chat Conversation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The live chat conversation this incident was opened from.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_discuss_channel_access(
            [vals["discuss_channel_id"] for vals in vals_list if vals.get("discuss_channel_id")]
        )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("discuss_channel_id"):
            self._check_discuss_channel_access([vals["discuss_channel_id"]])
        return super().write(vals)

    def _check_discuss_channel_access(self, channel_ids):
        """Nobody links an incident to a conversation they cannot read."""
        if self.env.su or not channel_ids:
            return
        if not self.env["discuss.channel"].browse(channel_ids).has_access("read"):
            raise AccessError(
                self.env._("You cannot link an incident to a conversation you cannot read.")
            )

    def action_open_livechat(self):
        """The conversation in a chat window of the operator's screen."""
        self.ensure_one()
        self.discuss_channel_id.check_access("read")
        Store(bus_channel=self.env.user).add(
            self.discuss_channel_id, extra_fields={"open_chat_window": True}
        ).bus_send()

    # -- opening an incident from a conversation ----------------------------
    @api.model
    def _livechat_visitor(self, discuss_channel, company, email=False):
        """The visitor of ``discuss_channel`` as a customer of ``company``:
        a signed-in visitor is their own contact; otherwise the address the
        visitor gave (the chatbot's email question, else the last address
        typed in the conversation) is matched as an email's sender is.
        Empty when the visitor is anonymous and gave no address."""
        channel = discuss_channel.sudo()
        customers = channel.livechat_customer_partner_ids.filtered(
            lambda p: p.partner_share and not p.is_public
        )
        for partner in customers:
            if not partner.company_id or partner.company_id == company:
                return partner
        if not email:
            email = channel._chatbot_find_customer_values_in_messages(
                {"question_email": "email"}
            ).get("email")
        if not email_normalize(email or ""):
            visitor_texts = [
                message.body
                for message in channel.message_ids.sorted("id", reverse=True)
                if message.author_guest_id or message.author_id in customers
            ]
            email = transcript.last_email(visitor_texts)
        if not email_normalize(email or ""):
            return self.env["res.partner"]
        return self.sudo()._inbound_partner(email, company)

    @api.model
    def _open_from_livechat(
        self, discuss_channel, subject, text, company, email=False, operator=False
    ):
        """A new incident for the visitor of ``discuss_channel`` with the
        conversation so far; raises a UserError when the visitor cannot be
        matched (anonymous, no address given).  The ``operator`` who opened
        it from their conversation is its responsible: they are answering
        the customer; one the chatbot opened is routed by the care team's
        rule, as the other doors' incidents are."""
        partner = self._livechat_visitor(discuss_channel, company, email=email)
        if not partner:
            raise UserError(
                self.env._(
                    "The visitor is not signed in and gave no email address: ask for their "
                    "email address in the chat, then open the incident again."
                )
            )
        subject = transcript.subject(subject or text) or self.env._(
            "Live chat with %s", partner.display_name
        )
        values = self._intake_values(
            "livechat",
            {
                "name": subject,
                "description": plaintext2html(text) if text else False,
                "partner_id": partner.id,
                "company_id": company.id,
                "discuss_channel_id": discuss_channel.id,
                # the visitor waits for an answer as long as the conversation does
                "date_awaiting_reply": discuss_channel.sudo().care_date_awaiting_reply,
                "user_id": operator.id if operator else False,
            },
            subject,
            text or "",
        )
        incident = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(
            [values]
        )
        incident._message_subscribe(partner_ids=partner.ids)
        history = discuss_channel.sudo()._get_channel_history()
        incident._message_log(
            body=Markup("<p><strong>%s</strong></p>%s")
            % (self.env._("The live chat conversation"), history)
        )
        incident._log_inbound_warnings(False, False, company)
        return incident
