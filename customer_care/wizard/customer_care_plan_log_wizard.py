from urllib.parse import urlsplit

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

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

    @api.constrains("link")
    def _check_link(self):
        """Only web addresses: a ``javascript:`` or ``data:`` link would run in
        the chatter of whoever clicks it."""
        for wizard in self:
            link = (wizard.link or "").strip()
            if not link:
                continue
            parts = urlsplit(link)
            if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
                raise ValidationError(
                    self.env._(
                        "The link %s is not a web address: give an address starting with "
                        "http:// or https://.",
                        link,
                    )
                )

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
                self._check_link()
                link = self.link.strip()
                body += Markup('<p><a href="%s" target="_blank">%s</a></p>') % (link, link)
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
