import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.modules.registry import Registry
from odoo.tools import SQL, plaintext2html

from .. import providers
from ..logic import conversation
from ..providers.base import FAILED, OPTED_OUT, RATE_LIMITED, WINDOW_CLOSED

_logger = logging.getLogger(__name__)

OUTBOUND_BATCH = 50
# a message claimed for sending longer ago than this was interrupted (the
# worker died during the call): it is failed, never sent a second time
SENDING_TIMEOUT = timedelta(hours=1)
FAILURE_TYPES = [
    (WINDOW_CLOSED, "Reply window closed"),
    (RATE_LIMITED, "Rate limited"),
    (OPTED_OUT, "Customer opted out"),
    (FAILED, "Provider error"),
]


class CustomerCareMessagingOutbound(models.Model):
    """A message to a customer's chat app: a care user's answer (sent as
    soon as the composer's transaction is committed), the greeting of a new
    follower and outreach messages (sent by a scheduled action).  Nothing
    leaves before the transaction that decided it is committed, and each
    message is claimed (*Sending*, committed) before its provider call, so
    that a retried transaction or a killed worker never sends it twice."""

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
        [("queued", "Queued"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed")],
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
        """Send each claimed message (state *Sending*, see :meth:`_claim`)
        through its account; returns the results.  Any other message is
        left alone: it was sent, failed, or is not claimed yet.

        Nothing goes to an identity that opted out, and free text only
        within the reply window: both are refused here without calling the
        provider, whatever path the message came by."""
        results = {}
        now = fields.Datetime.now()
        for message in self.sudo().filtered(lambda m: m.state == "sending"):
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
            message._record_result(result, now)
            if result.status == OPTED_OUT and not identity.opted_out:
                identity.write({"opted_out": True, "date_opt_change": now})
            results[message] = result
        return results

    def _record_result(self, result, now):
        """Keep the result on the message, show it on the care user's chat
        answer (its notification to the customer), and stop the incident's
        response clock when the answer was delivered: the provider's
        acceptance is the only proof, nothing a caller sends can stand in."""
        self.ensure_one()
        self.write(
            {
                "state": "sent" if result.ok else "failed",
                "failure_type": False if result.ok else result.status,
                "error": result.error or False,
                "provider_message_id": result.message_id or False,
                "date_sent": now if result.ok else False,
            }
        )
        message = self.mail_message_id
        if self.origin != "reply" or not message:
            return
        self.env["mail.notification"].sudo().search(
            [("mail_message_id", "=", message.id), ("notification_type", "=", "care_chat")]
        ).write(
            {
                "notification_status": "sent" if result.ok else "exception",
                "failure_type": False if result.ok else f"care_chat_{result.status}",
                "failure_reason": result.error or False,
            }
        )
        message._notify_message_notification_update()
        if result.ok and message.model == "customer.care.incident":
            incident = self.env["customer.care.incident"].browse(message.res_id).exists()
            incident.filtered(lambda i: not i.date_first_response)._write_clocks(
                {"date_first_response": now}
            )

    def _claim(self, limit=None):
        """Mark queued messages *Sending* (those of ``self``, or the oldest
        ``limit`` of all) and return them; rows another worker holds are
        skipped.  The caller commits before calling the providers."""
        self.flush_model()
        only = SQL("AND id IN %s", tuple(self.ids)) if self else SQL()
        rows = self.env.execute_query(
            SQL(
                """UPDATE customer_care_messaging_outbound
                      SET state = 'sending', write_date = (now() AT TIME ZONE 'UTC')
                    WHERE id IN (SELECT id FROM customer_care_messaging_outbound
                                  WHERE state = 'queued' %s
                                  ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)
                RETURNING id""",
                only,
                limit,
            )
        )
        self.invalidate_model(["state", "write_date"])
        return self.browse(sorted(row[0] for row in rows))

    def _claim_and_send(self):
        """Claim, commit, then send the messages one by one, each result
        committed: a message is sent at most once."""
        if not self:
            return
        cron = self.env["ir.cron"]
        claimed = self._claim()
        cron._commit_progress()
        for message in claimed:
            message._send_now()
            cron._commit_progress()

    def _send_after_commit(self):
        """Send the messages once the current transaction is committed, in a
        transaction of their own; a transaction that rolls back (and is
        retried) sends nothing.  What is not sent then (the worker stopped
        before its commit hook) is left queued for the scheduled action."""
        ids, dbname = self.ids, self.env.cr.dbname

        @self.env.cr.postcommit.add
        def send_with_new_cursor():
            try:
                with Registry(dbname).cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env[self._name].browse(ids)._claim_and_send()
            except Exception:
                _logger.exception("chat messages %s: sending after commit failed", ids)

    def _fail_interrupted(self):
        """Messages claimed long ago and never finished: the worker died
        during the provider call, so nobody knows whether they arrived.
        They are failed with that reason, not sent again."""
        stale = self.search(
            [
                ("state", "=", "sending"),
                ("write_date", "<", fields.Datetime.now() - SENDING_TIMEOUT),
            ]
        )
        now = fields.Datetime.now()
        for message in stale:
            message._record_result(
                providers.SendResult(
                    FAILED,
                    error=self.env._(
                        "Sending was interrupted: the message may not have reached the "
                        "customer. Check with them before sending it again."
                    ),
                ),
                now,
            )

    @api.model
    def _wake_up(self):
        cron = self.env.ref("customer_care_messaging.ir_cron_messaging_send", False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _cron_send(self, batch_size=OUTBOUND_BATCH):
        """Send the queued messages in batches: a batch is claimed and
        committed before the first provider call, and each result is
        committed, so a worker killed half-way sends nothing twice.  A
        rate-limited message stays failed with its reason, it is not retried
        behind the customer's back."""
        cron = self.env["ir.cron"]
        self._fail_interrupted()
        while True:
            claimed = self._claim(limit=batch_size)
            remaining = self.search_count([("state", "=", "queued")])
            time_left = cron._commit_progress(0, remaining=remaining + len(claimed))
            if not claimed:
                return
            for message in claimed:
                message._send_now()
                time_left = cron._commit_progress(1)
            if not time_left or not remaining:
                return
