import logging

from odoo import api, fields, models
from odoo.tools import SQL, plaintext2html

from .. import providers
from ..logic import conversation
from ..providers.base import FAILED, OPTED_OUT, RATE_LIMITED, WINDOW_CLOSED

_logger = logging.getLogger(__name__)

OUTBOUND_BATCH = 50
FAILURE_TYPES = [
    (WINDOW_CLOSED, "Reply window closed"),
    (RATE_LIMITED, "Rate limited"),
    (OPTED_OUT, "Customer opted out"),
    (FAILED, "Provider error"),
]


class CustomerCareMessagingOutbound(models.Model):
    """A message to a customer's chat app: a care user's answer (sent at
    once from the composer), the greeting of a new follower and outreach
    messages (queued and sent by a scheduled action, so that nothing leaves
    before the transaction that decided it is committed)."""

    _name = "customer.care.messaging.outbound"
    _description = "Chat App Outgoing Message"
    _order = "id desc"

    identity_id = fields.Many2one(
        "customer.care.messaging.identity", required=True, ondelete="cascade", readonly=True
    )
    account_id = fields.Many2one(related="identity_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="identity_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="identity_id.partner_id", store=True, index=True)
    origin = fields.Selection(
        [("reply", "Reply"), ("greeting", "Greeting"), ("outreach", "Outreach")],
        required=True,
        default="reply",
        readonly=True,
    )
    body = fields.Text(readonly=True)
    template_id = fields.Many2one(
        "customer.care.messaging.template", ondelete="set null", readonly=True
    )
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    failure_type = fields.Selection(FAILURE_TYPES, readonly=True)
    error = fields.Text(readonly=True)
    provider_message_id = fields.Char(readonly=True)
    date_sent = fields.Datetime(readonly=True)
    mail_message_id = fields.Many2one("mail.message", ondelete="set null", readonly=True)
    outreach_rule_id = fields.Many2one(
        "customer.care.outreach.rule", ondelete="set null", readonly=True
    )

    def _text(self):
        self.ensure_one()
        partner = self.identity_id.partner_id
        return self.body or conversation.render(
            self.template_id.body, partner.name, self.company_id.name
        )

    def _body_html(self):
        """The message as the chatter shows it (a template's name above its text)."""
        self.ensure_one()
        html = plaintext2html(self._text())
        if self.template_id:
            label = self.env._("Template: %s", self.template_id.name)
            html = plaintext2html(label) + html
        return html

    def _send_now(self):
        """Send each message through its account; returns the results.

        Nothing goes to an identity that opted out, and free text only
        within the reply window: both are refused here without calling the
        provider, whatever path the message came by."""
        results = {}
        now = fields.Datetime.now()
        for message in self.sudo():
            identity, template = message.identity_id, message.template_id
            if identity.opted_out:
                result = providers.SendResult(
                    OPTED_OUT, error=self.env._("The customer unfollowed or blocked the account.")
                )
            elif not template and not identity._window_open(now):
                result = providers.SendResult(
                    WINDOW_CLOSED,
                    error=self.env._("The reply window is closed: use an approved template."),
                )
            else:
                partner = identity.partner_id
                text = message._text()
                result = identity.account_id._send(
                    identity.user_ref,
                    text,
                    template=template or None,
                    phone=(partner.phone or "").lstrip("+").replace(" ", ""),
                    params={"customer_name": partner.name or "", "message": text},
                )
            message.write(
                {
                    "state": "sent" if result.ok else "failed",
                    "failure_type": False if result.ok else result.status,
                    "error": result.error or False,
                    "provider_message_id": result.message_id or False,
                    "date_sent": now if result.ok else False,
                }
            )
            if result.status == OPTED_OUT and not identity.opted_out:
                identity.write({"opted_out": True, "date_opt_change": now})
            results[message] = result
        return results

    @api.model
    def _wake_up(self):
        cron = self.env.ref("customer_care_messaging.ir_cron_messaging_send", False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _cron_send(self, batch_size=OUTBOUND_BATCH):
        """Send the queued messages in batches (claimed with ``SKIP
        LOCKED``), each batch committed; a rate-limited message stays
        failed with its reason, it is not retried behind the customer's
        back."""
        cron = self.env["ir.cron"]
        while True:
            self.flush_model(["state"])
            rows = self.env.execute_query(
                SQL(
                    """SELECT id FROM customer_care_messaging_outbound
                        WHERE state = 'queued' ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                    batch_size,
                )
            )
            if not rows:
                cron._commit_progress(0, remaining=0)
                return
            self.browse([row[0] for row in rows])._send_now()
            remaining = self.search_count([("state", "=", "queued")])
            time_left = cron._commit_progress(len(rows), remaining=remaining)
            if not time_left or not remaining:
                return
