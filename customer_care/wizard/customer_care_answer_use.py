from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import answers


class CustomerCareAnswerUse(models.TransientModel):
    """Send an approved answer from an incident or a care plan (step 3 of
    the care sequence, "answer questions").

    The answer comes in the customer's language with their details filled
    in; the care user may adjust the text, then sends it to the customer
    (which, on an incident, stops the response clock as any first answer
    does) or opens it in the full email composer.  Nothing is sent while a
    placeholder is left unfilled.
    """

    _name = "customer.care.answer.use"
    _description = "Use an Approved Answer"

    incident_id = fields.Many2one("customer.care.incident", readonly=True)
    plan_id = fields.Many2one("customer.care.plan", readonly=True)
    company_id = fields.Many2one("res.company", compute="_compute_company_id")
    answer_id = fields.Many2one(
        "customer.care.answer",
        required=True,
        domain="[('state', '=', 'approved'), ('company_id', 'in', [company_id, False])]",
    )
    subject = fields.Char(compute="_compute_text", store=True, readonly=False)
    body = fields.Html(compute="_compute_text", store=True, readonly=False)
    missing_placeholders = fields.Char(compute="_compute_missing_placeholders")
    apply_actions = fields.Boolean(
        string="Apply the Answer's Actions",
        default=True,
        help="Set the incident's kind, root cause and resolution type as the answer says.",
    )
    has_actions = fields.Boolean(related="answer_id.has_actions")

    @api.depends("incident_id", "plan_id")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = (wizard.incident_id or wizard.plan_id).company_id

    @api.depends("answer_id")
    def _compute_text(self):
        for wizard in self:
            record = wizard._record()
            if not wizard.answer_id or not record:
                wizard.subject = wizard.body = False
                continue
            wizard.subject, wizard.body, _missing = wizard.answer_id._render_for(record)

    @api.depends("subject", "body")
    def _compute_missing_placeholders(self):
        """What the user still has to fill in: the placeholders left in the text."""
        for wizard in self:
            left = answers.unfilled(wizard.subject) + answers.unfilled(wizard.body)
            wizard.missing_placeholders = ", ".join(
                f"{{{{{name}}}}}" for name in dict.fromkeys(left)
            )

    def _record(self):
        self.ensure_one()
        return self.incident_id or self.plan_id

    def _check_ready(self):
        """The answer is approved, the user may answer on the record, and
        every placeholder was filled in."""
        self.ensure_one()
        record = self._record()
        if not record:
            raise UserError(self.env._("Open the answer library from an incident or a care plan."))
        record.check_access("write")
        self.answer_id._check_usable()
        left = answers.unfilled(self.body) + answers.unfilled(self.subject)
        if left:
            raise UserError(
                self.env._(
                    "Fill in %s in the text before sending: the record does not know it.",
                    ", ".join(f"{{{{{name}}}}}" for name in dict.fromkeys(left)),
                )
            )
        return record

    def _use(self, record):
        if self.incident_id and self.apply_actions:
            self.answer_id._apply_to_incidents(self.incident_id)
        self.answer_id.sudo()._count_usage()

    def action_send(self):
        """Send the answer to the customer from the record's chatter."""
        record = self._check_ready()
        self._use(record)
        record.message_post(
            body=self.body,
            subject=self.subject,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=record.partner_id.ids,
        )
        return {"type": "ir.actions.act_window_close"}

    def action_open_composer(self):
        """The answer in Odoo's email composer, to add attachments or
        recipients; counted as used once opened."""
        record = self._check_ready()
        self._use(record)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send the Answer"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": record._name,
                "default_res_ids": record.ids,
                "default_composition_mode": "comment",
                "default_subject": self.subject,
                "default_body": self.body,
                "default_partner_ids": record.partner_id.ids,
            },
        }
