from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.customer_care.logic.consent import CHAT, GIVEN, WITHDRAWN

from ..logic import conversation

ENGINE_FIELDS = {"account_id", "user_ref", "opted_out", "date_opt_change", "date_last_inbound"}


class CustomerCareMessagingIdentity(models.Model):
    """A customer as a chat app knows them: the provider's user id on one
    account, linked to a contact.  A contact can have several (Zalo and
    Messenger, two shops' accounts); an unfollow or a block opts the
    identity out, and nothing but the customer's own message is received
    from it until they follow again."""

    _name = "customer.care.messaging.identity"
    _description = "Chat App Identity"
    _order = "date_last_inbound desc, id desc"
    _rec_name = "display_label"

    account_id = fields.Many2one(
        "customer.care.messaging.account", required=True, ondelete="cascade", index=True
    )
    provider = fields.Selection(related="account_id.provider", store=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    user_ref = fields.Char(
        string="Chat App User ID", required=True, readonly=True, help="The provider's user id."
    )
    display_label = fields.Char(compute="_compute_display_label")
    date_last_inbound = fields.Datetime(
        string="Last Message", readonly=True, help="The customer's last message on this account."
    )
    opted_out = fields.Boolean(
        readonly=True,
        help="The customer unfollowed or blocked the account: no outreach, no greeting.",
    )
    date_opt_change = fields.Datetime(string="Consent Changed", readonly=True)

    _account_user_uniq = models.Constraint(
        "UNIQUE(account_id, user_ref)", "A chat app user is one identity per account."
    )

    @api.depends("account_id", "partner_id")
    def _compute_display_label(self):
        for identity in self:
            identity.display_label = (
                f"{identity.partner_id.display_name} ({identity.account_id.display_name})"
            )

    def write(self, vals):
        """Consent and the provider's ids come from the provider's events
        only; a care manager may move an identity to another customer."""
        if not self.env.su and set(vals) & ENGINE_FIELDS:
            raise AccessError(
                self.env._(
                    "The chat app sets who follows the account and when they last wrote: "
                    "these cannot be changed by hand."
                )
            )
        if "opted_out" not in vals:
            return super().write(vals)
        changed = self.filtered(lambda identity: identity.opted_out != bool(vals["opted_out"]))
        result = super().write(vals)
        changed._record_chat_consent()
        return result

    def _record_chat_consent(self):
        """An unfollow or a block withdraws the customer's consent to chat
        app messages in the account's company; following again gives it.
        One entry per identity whose follow state changed, one create."""
        Consent = self.env["customer.care.consent"].sudo()
        for (company, opted_out), identities in self.grouped(
            lambda identity: (identity.company_id, identity.opted_out)
        ).items():
            Consent.with_company(company)._record(
                identities.partner_id,
                CHAT,
                WITHDRAWN if opted_out else GIVEN,
                channel=CHAT,
                source="chat",
                evidence=self.env._("Unfollowed or blocked the chat app account")
                if opted_out
                else self.env._("Followed the chat app account"),
            )

    def _window_open(self, now=None):
        """Whether a free reply is allowed now (see ``conversation.window_open``)."""
        self.ensure_one()
        return conversation.window_open(
            self.date_last_inbound, self.account_id.window_hours, now or fields.Datetime.now()
        )
