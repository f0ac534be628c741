from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.customer_care.logic.outreach import SKIP_BLACKLISTED

from .customer_care_outreach_log import SKIP_NO_CHAT


class CustomerCareOutreachRule(models.Model):
    """Outreach through a chat app: the rule sends an approved template
    message (a birthday greeting by Zalo ZNS, a LINE push …) to the
    customers who follow the template's account and have not opted out.

    A customer is reached through their identity on the template's
    account; one who does not follow it is skipped, one who unfollowed or
    blocked it is skipped as opted out.  The messages are queued and sent by
    their own scheduled action once the batch is committed (a batch redone
    never sends twice)."""

    _inherit = "customer.care.outreach.rule"

    messaging_template_id = fields.Many2one(
        "customer.care.messaging.template",
        string="Chat App Template",
        ondelete="restrict",
        domain="[('company_id', '=', company_id)]",
        help="On the social channel: send this approved message through its chat app account "
        "to every customer reached who follows it (and has not opted out).",
    )

    @api.constrains("channel", "mail_template_id", "sms_template_id", "create_plan", "trigger")
    def _check_action(self):
        chat = self.filtered("messaging_template_id")
        for rule in chat:
            if rule.channel != "social":
                raise ValidationError(
                    self.env._("Rule %s sends chat app messages: its channel is Social.", rule.name)
                )
            if rule.messaging_template_id.company_id != rule.company_id:
                raise ValidationError(
                    self.env._(
                        "Rule %s: the chat app template belongs to another company.", rule.name
                    )
                )
        others = self - chat
        if others:
            return super(CustomerCareOutreachRule, others)._check_action()
        return None

    @api.constrains("messaging_template_id")
    def _check_messaging_template(self):
        self._check_action()

    def _chat_identities(self, partner_ids):
        """``{partner_id: identity}`` on the rule's template account, the
        reachable identity first."""
        identities = (
            self.env["customer.care.messaging.identity"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.messaging_template_id.account_id.id),
                    ("partner_id", "in", partner_ids),
                ],
                order="opted_out desc, date_last_inbound, id",
            )
        )
        # later (reachable, recent) identities overwrite earlier ones
        return {identity.partner_id.id: identity for identity in identities}

    def _channel_skip_reasons(self, rows):
        reasons = super()._channel_skip_reasons(rows)
        if not self.messaging_template_id:
            return reasons
        identities = self._chat_identities([row["id"] for row in rows])
        for row in rows:
            identity = identities.get(row["id"])
            if not identity or not identity.account_id.active:
                reasons[row["id"]] = SKIP_NO_CHAT
            elif identity.opted_out:
                reasons[row["id"]] = SKIP_BLACKLISTED
        return reasons

    def _contact(self, rows):
        done, failures = super()._contact(rows)
        if not self.messaging_template_id or not rows:
            return done, failures
        identities = self._chat_identities([row["id"] for row in rows])
        template = self.messaging_template_id
        queued = (
            self.env["customer.care.messaging.outbound"]
            .sudo()
            .create(
                [
                    {
                        "identity_id": identities[row["id"]].id,
                        "origin": "outreach",
                        "template_id": template.id,
                        "outreach_rule_id": self.id,
                    }
                    for row in rows
                    if row["id"] in identities
                ]
            )
        )
        if queued:
            queued._wake_up()
        return done, failures
