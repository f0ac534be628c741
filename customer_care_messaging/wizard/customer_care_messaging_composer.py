from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import conversation

THREAD_MODELS = ("customer.care.incident", "customer.care.plan")


class CustomerCareMessagingComposer(models.TransientModel):
    """*Send via Zalo/LINE/…* from an incident or a care plan.

    Within the provider's reply window the care user types a free answer;
    outside it the composer says so and offers only the account's approved
    templates.  The answer is posted in the chatter at once and sent once
    the transaction is committed; its delivery then shows on the message:
    sent, or failed with the provider's reason."""

    _name = "customer.care.messaging.composer"
    _description = "Send via Chat App"

    res_model = fields.Selection(
        [(model, model) for model in THREAD_MODELS], required=True, readonly=True
    )
    res_id = fields.Integer(required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", compute="_compute_partner_id")
    identity_id = fields.Many2one(
        "customer.care.messaging.identity",
        string="Send To",
        compute="_compute_identity_id",
        store=True,
        readonly=False,
        domain="[('partner_id', '=', partner_id)]",
    )
    provider = fields.Selection(related="identity_id.provider")
    opted_out = fields.Boolean(related="identity_id.opted_out")
    window_open = fields.Boolean(compute="_compute_window")
    window_note = fields.Char(compute="_compute_window")
    template_id = fields.Many2one(
        "customer.care.messaging.template",
        string="Approved Template",
        domain="[('account_id', '=', account_id)]",
    )
    account_id = fields.Many2one(related="identity_id.account_id")
    body = fields.Text(string="Message")

    def _record(self):
        self.ensure_one()
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            raise UserError(self.env._("The incident or care plan no longer exists."))
        return record

    @api.depends("res_model", "res_id")
    def _compute_partner_id(self):
        for composer in self:
            composer.partner_id = composer._record().partner_id if composer.res_model else False

    @api.depends("partner_id")
    def _compute_identity_id(self):
        for composer in self:
            identities = composer._record().messaging_identity_ids if composer.res_model else False
            if identities:
                reachable = identities.filtered(lambda i: not i.opted_out) or identities
                composer.identity_id = reachable.sorted(
                    lambda i: i.date_last_inbound or fields.Datetime.to_datetime("1970-01-01"),
                    reverse=True,
                )[0]
            else:
                composer.identity_id = False

    @api.depends("identity_id")
    def _compute_window(self):
        now = fields.Datetime.now()
        for composer in self:
            identity = composer.identity_id
            composer.window_open = bool(identity) and identity._window_open(now)
            closes = conversation.window_closes(
                identity.date_last_inbound, identity.account_id.window_hours
            )
            if not identity:
                composer.window_note = False
            elif composer.window_open:
                composer.window_note = (
                    self.env._(
                        "The reply window closes on %s.",
                        fields.Datetime.context_timestamp(self, closes).strftime("%Y-%m-%d %H:%M"),
                    )
                    if closes
                    else False
                )
            else:
                composer.window_note = self.env._(
                    "%(provider)s allows free replies only within %(hours)s hours of the "
                    "customer's last message: choose one of the account's approved templates "
                    "(%(kind)s).",
                    provider=identity.account_id._provider().label,
                    hours=identity.account_id.window_hours,
                    kind=identity.account_id._provider().template_label,
                )

    def action_send(self):
        self.ensure_one()
        record = self._record()
        record.check_access("write")
        identity = self.identity_id
        if not identity:
            raise UserError(self.env._("Choose the chat app account to answer through."))
        # the form's domains are a convenience: the rules hold on every path
        if identity not in record.messaging_identity_ids:
            raise UserError(
                self.env._(
                    "%(identity)s is not a chat app identity of %(customer)s: answer through "
                    "the customer's own chat apps.",
                    identity=identity.display_name,
                    customer=record.partner_id.display_name,
                )
            )
        if self.template_id and self.template_id.account_id != identity.account_id:
            raise UserError(
                self.env._(
                    "The template %(template)s belongs to another chat app account than "
                    "%(account)s.",
                    template=self.template_id.display_name,
                    account=identity.account_id.display_name,
                )
            )
        if identity.opted_out:
            raise UserError(
                self.env._(
                    "%s unfollowed or blocked this account: the chat app does not deliver "
                    "messages to them any more. Answer by another channel.",
                    identity.partner_id.display_name,
                )
            )
        if not self.window_open and not self.template_id:
            raise UserError(self.window_note)
        if self.window_open and not (self.body or "").strip() and not self.template_id:
            raise UserError(self.env._("Type the message to send."))
        outbound = (
            self.env["customer.care.messaging.outbound"]
            .sudo()
            .create(
                [
                    {
                        "identity_id": identity.id,
                        "origin": "reply",
                        "body": (self.body or "").strip() if self.window_open else False,
                        "template_id": self.template_id.id or False,
                    }
                ]
            )
        )
        record._post_chat_answer(outbound)
        outbound._send_after_commit()
        return {"type": "ir.actions.act_window_close"}
