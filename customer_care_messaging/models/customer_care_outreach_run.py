from odoo import models

from odoo.addons.customer_care.logic.outreach import SKIP_BLACKLISTED

from .customer_care_outreach_log import SKIP_NO_CHAT


class CustomerCareOutreachRun(models.Model):
    """The outreach engine with chat app rules: a customer is reached through
    their identity on the template's account; one who does not follow it is
    skipped, one who unfollowed or blocked it is skipped as opted out.  The
    messages are queued and sent by their own scheduled action once the
    batch is committed (a batch redone never sends twice)."""

    _inherit = "customer.care.outreach.run"

    def _chat_identities(self, rule, partner_ids):
        """``{partner_id: identity}`` on the rule's template account, the
        reachable identity first."""
        identities = (
            self.env["customer.care.messaging.identity"]
            .sudo()
            .search(
                [
                    ("account_id", "=", rule.messaging_template_id.account_id.id),
                    ("partner_id", "in", partner_ids),
                ],
                order="opted_out desc, date_last_inbound, id",
            )
        )
        # later (reachable, recent) identities overwrite earlier ones
        return {identity.partner_id.id: identity for identity in identities}

    def _channel_skip_reasons(self, rule, rows):
        reasons = super()._channel_skip_reasons(rule, rows)
        if not rule.messaging_template_id:
            return reasons
        identities = self._chat_identities(rule, [row["id"] for row in rows])
        for row in rows:
            identity = identities.get(row["id"])
            if not identity or not identity.account_id.active:
                reasons[row["id"]] = SKIP_NO_CHAT
            elif identity.opted_out:
                reasons[row["id"]] = SKIP_BLACKLISTED
        return reasons

    def _contact(self, rule, rows):
        done, failures = super()._contact(rule, rows)
        if not rule.messaging_template_id or not rows:
            return done, failures
        identities = self._chat_identities(rule, [row["id"] for row in rows])
        template = rule.messaging_template_id
        queued = (
            self.env["customer.care.messaging.outbound"]
            .sudo()
            .create(
                [
                    {
                        "identity_id": identities[row["id"]].id,
                        "origin": "outreach",
                        "template_id": template.id,
                        "outreach_rule_id": rule.id,
                    }
                    for row in rows
                    if row["id"] in identities
                ]
            )
        )
        if queued:
            queued._wake_up()
        return done, failures
