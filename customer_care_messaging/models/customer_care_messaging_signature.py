from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

KEEP = timedelta(hours=1)  # far longer than any replay window


class CustomerCareMessagingSignature(models.Model):
    """A webhook signature already accepted, for the requests whose
    signature does not cover the body (WeChat plaintext mode and server
    checks): such a signature is accepted once, within the replay window.
    Rows older than any replay window are deleted by the daily clean-up."""

    _name = "customer.care.messaging.signature"
    _description = "Chat App Signature Seen"
    _log_access = False

    account_id = fields.Many2one(
        "customer.care.messaging.account", required=True, ondelete="cascade", readonly=True
    )
    signature = fields.Char(required=True, readonly=True)
    date_seen = fields.Datetime(required=True, readonly=True, index=True)

    _account_signature_uniq = models.Constraint(
        "UNIQUE(account_id, signature)", "A signature is accepted once per account."
    )

    @api.model
    def _accept_once(self, account, signature):
        """Whether ``signature`` is new for ``account`` (it is remembered);
        a concurrent request with the same signature waits for this one and
        is then refused."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO customer_care_messaging_signature (account_id, signature, date_seen)
                   VALUES (%s, %s, %s)
              ON CONFLICT (account_id, signature) DO NOTHING""",
                account.id,
                signature,
                fields.Datetime.now(),
            )
        )
        return bool(self.env.cr.rowcount)

    @api.autovacuum
    def _gc_signatures(self):
        self.env.cr.execute(
            SQL(
                "DELETE FROM customer_care_messaging_signature WHERE date_seen < %s",
                fields.Datetime.now() - KEEP,
            )
        )
