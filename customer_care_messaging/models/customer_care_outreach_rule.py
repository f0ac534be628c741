from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CustomerCareOutreachRule(models.Model):
    """Outreach through a chat app: the rule sends an approved template
    message (a birthday greeting by Zalo ZNS, a LINE push …) to the
    customers who follow the template's account and have not opted out."""

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
