from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

CALL_RESULTS = [
    ("reached", "Reached the customer"),
    ("no_answer", "No answer"),
    ("voicemail", "Left a voicemail"),
    ("call_back", "Customer asked to call back"),
    ("wrong_number", "Wrong number"),
]
NETWORKS = [
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("zalo", "Zalo"),
    ("line", "LINE"),
    ("wechat", "WeChat"),
    ("tiktok", "TikTok"),
    ("x", "X"),
    ("linkedin", "LinkedIn"),
    ("other", "Other"),
]


class CustomerCarePlanLogWizard(models.TransientModel):
    """Logs a phone call's outcome or a social-network exchange on the plan.

    Calls and social exchanges happen outside Odoo; the brief wants both
    recorded against the customer's care contact (§4).
    """

    _name = "customer.care.plan.log.wizard"
    _description = "Log Care Contact"

    plan_id = fields.Many2one("customer.care.plan", required=True, ondelete="cascade")
    channel = fields.Selection(related="plan_id.channel")
    call_result = fields.Selection(CALL_RESULTS, default="reached")
    network = fields.Selection(NETWORKS)
    link = fields.Char(help="Address of the comment, post or conversation.")
    text = fields.Text(string="Exchange", help="What was said, by both sides.")

    def action_confirm(self):
        self.ensure_one()
        plan = self.plan_id
        text = (self.text or "").strip()
        if plan.channel == "social":
            if not self.network or not text:
                raise UserError(self.env._("Give the social network and the text of the exchange."))
            network = dict(self._fields["network"]._description_selection(self.env))[self.network]
            body = Markup("<p><b>%s</b></p>") % self.env._("Social exchange on %s", network)
            if self.link:
                body += Markup('<p><a href="%s" target="_blank">%s</a></p>') % (
                    self.link,
                    self.link,
                )
        else:
            if not self.call_result:
                raise UserError(self.env._("Give the outcome of the call."))
            result = dict(self._fields["call_result"]._description_selection(self.env))[
                self.call_result
            ]
            body = Markup("<p><b>%s</b></p>") % self.env._("Call: %s", result)
        if text:
            body += Markup("<p>%s</p>") % text
        plan.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        if plan.state in ("draft", "planned"):
            plan.action_start()
        return {"type": "ir.actions.act_window_close"}
