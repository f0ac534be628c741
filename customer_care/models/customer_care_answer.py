from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..logic import answers
from ..logic.incidents import INCIDENT_KINDS, RESOLUTION_TYPES, RESOLVING_TYPES

CARE_MANAGER = "customer_care.group_care_manager"
# what only the approval buttons and the usage count set
APPROVAL_FIELDS = {"state"}
SYSTEM_FIELDS = {"usage_count"}


class CustomerCareAnswer(models.Model):
    """An approved answer or remedy of the answer library.

    Step 3 of the care sequence asks that questions be answered quickly and
    exactly, with clear written policies behind the answer [001, 003, 004]:
    the care team writes the answers once, in each language (the name and
    the text are translatable), a care manager approves them, and care users
    send them from an incident or a care plan with the customer's details
    filled in (``logic/answers.py``).  An answer may also set the incident's
    kind, root cause and resolution type.  The most used approved answers
    may be published as the portal's FAQ.
    """

    _name = "customer.care.answer"
    _description = "Care Answer"
    _inherit = ["mail.thread"]
    _order = "sequence, usage_count desc, id"
    # found from the composer and the call script by its title or keywords
    _rec_names_search = ["name", "keywords"]

    name = fields.Char(required=True, translate=True, tracking=True)
    body = fields.Html(
        string="Answer",
        required=True,
        translate=True,
        sanitize_style=True,
        help="The text sent to the customer, in each language. Placeholders: "
        "{{customer}}, {{order}}, {{promised_date}}, {{company}}, {{user}}.",
    )
    keywords = fields.Char(
        translate=True, help="Words care users may search the answer by, besides its title."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the answer between companies."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved")],
        required=True,
        default="draft",
        tracking=True,
        copy=False,
        help="Only approved answers can be sent; only a care manager approves.",
    )
    # -- what the answer also sets on an incident -------------------------
    kind = fields.Selection(
        INCIDENT_KINDS, string="Set Kind", help="Sets the incident's kind when the answer is used."
    )
    root_cause_id = fields.Many2one(
        "customer.care.root.cause",
        string="Set Root Cause",
        ondelete="set null",
        help="Sets the incident's root cause when the answer is used.",
    )
    resolution_type = fields.Selection(
        [(code, label) for code, label in RESOLUTION_TYPES if code in RESOLVING_TYPES],
        string="Set Resolution Type",
        help="Sets the incident's resolution type when the answer is used.",
    )
    usage_count = fields.Integer(
        string="Times Used", readonly=True, copy=False, help="How many times the answer was sent."
    )
    is_published_faq = fields.Boolean(
        string="Published in the FAQ",
        tracking=True,
        copy=False,
        help="Shown to customers on the portal's FAQ page, most used first.",
    )
    placeholder_names = fields.Char(
        string="Placeholders", compute="_compute_placeholder_names", help="The placeholders used."
    )

    has_actions = fields.Boolean(compute="_compute_has_actions")

    _state_idx = models.Index("(state, is_published_faq, usage_count DESC)")

    @api.depends("body")
    def _compute_placeholder_names(self):
        for answer in self:
            names = answers.placeholders_in(answer.body)
            answer.placeholder_names = ", ".join(f"{{{{{name}}}}}" for name in names)

    @api.depends("kind", "root_cause_id", "resolution_type")
    def _compute_has_actions(self):
        for answer in self:
            answer.has_actions = bool(answer.kind or answer.root_cause_id or answer.resolution_type)

    @api.constrains("body", "name")
    def _check_placeholders(self):
        """A misspelt placeholder would reach the customer as written: it is
        refused when the answer is saved (in the language being edited)."""
        for answer in self:
            unknown = answers.unknown_placeholders(answer.body) + answers.unknown_placeholders(
                answer.name
            )
            if unknown:
                raise ValidationError(
                    self.env._(
                        "The answer %(answer)s uses unknown placeholders: %(unknown)s. "
                        "Use %(known)s.",
                        answer=answer.name,
                        unknown=", ".join(f"{{{{{name}}}}}" for name in unknown),
                        known=", ".join(f"{{{{{name}}}}}" for name in answers.PLACEHOLDERS),
                    )
                )

    @api.constrains("is_published_faq", "state", "body")
    def _check_faq(self):
        """The FAQ shows approved answers only, and only those that make
        sense outside a conversation (no order, no promised date)."""
        for answer in self.filtered("is_published_faq"):
            if answer.state != "approved":
                raise ValidationError(
                    self.env._("Only an approved answer can be published in the FAQ.")
                )
            conversational = [
                name
                for name in answers.placeholders_in(answer.body)
                if name not in answers.FAQ_PLACEHOLDERS
            ]
            if conversational:
                raise ValidationError(
                    self.env._(
                        "%(answer)s uses %(placeholders)s, which only a conversation fills "
                        "in: it cannot be published in the FAQ.",
                        answer=answer.name,
                        placeholders=", ".join(f"{{{{{name}}}}}" for name in conversational),
                    )
                )

    # -- CRUD -------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group(CARE_MANAGER):
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or vals.get("is_published_faq"):
                    raise AccessError(self._approval_message())
                if vals.get("usage_count"):
                    raise AccessError(self._usage_message())
        return super().create(vals_list)

    def write(self, vals):
        """Care users propose and correct drafts; approving, publishing and
        changing an approved answer are a care manager's; the usage count
        is the system's."""
        if not self.env.su:
            if SYSTEM_FIELDS.intersection(vals):
                raise AccessError(self._usage_message())
            if not self.env.user.has_group(CARE_MANAGER) and (
                APPROVAL_FIELDS.intersection(vals)
                or "is_published_faq" in vals
                or any(answer.state == "approved" for answer in self)
            ):
                raise AccessError(self._approval_message())
        return super().write(vals)

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=""):
        """The translation dialog writes the other languages' text without
        ``write``: the same rules hold there (approval, placeholders)."""
        if (
            not self.env.su
            and not self.env.user.has_group(CARE_MANAGER)
            and any(answer.state == "approved" for answer in self)
        ):
            raise AccessError(self._approval_message())
        res = super()._update_field_translations(
            field_name, translations, digest=digest, source_lang=source_lang
        )
        if field_name in ("name", "body"):
            for lang in translations:
                self.with_context(lang=lang)._check_placeholders()
        return res

    def _approval_message(self):
        return self.env._(
            "Only a care manager approves, publishes or changes an approved answer: "
            "save your proposal as a draft and ask a care manager."
        )

    def _usage_message(self):
        return self.env._("The number of times an answer was used is counted by the system.")

    # -- actions ----------------------------------------------------------
    def action_approve(self):
        self._check_manager()
        self.write({"state": "approved"})
        return True

    def action_reset_draft(self):
        self._check_manager()
        self.write({"state": "draft", "is_published_faq": False})
        return True

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(CARE_MANAGER):
            raise AccessError(self._approval_message())

    # -- using an answer --------------------------------------------------
    def _check_usable(self):
        """Only approved, active answers reach customers."""
        unusable = self.filtered(lambda a: a.state != "approved" or not a.active)
        if unusable:
            raise UserError(
                self.env._(
                    "%s is not approved: only approved answers can be sent.",
                    ", ".join(unusable.mapped("name")),
                )
            )

    def _render_for(self, record):
        """``(subject, body html, missing placeholder names)`` of this answer
        for ``record`` (an incident or a care plan), in the language of its
        customer, the placeholders filled from ``record._care_answer_values()``."""
        self.ensure_one()
        lang = record.partner_id.lang or self.env.lang
        answer = self.with_context(lang=lang)
        values = record.with_context(lang=lang)._care_answer_values()
        body, missing = answers.render(answer.body, values)
        subject, _missing = answers.render(answer.name, values, html=False)
        return subject, body, missing

    def _count_usage(self):
        """One more use of each answer: one UPDATE of the addon's own column,
        safe when two users send the same answer at once."""
        if self:
            self.env.cr.execute(
                SQL(
                    "UPDATE customer_care_answer SET usage_count = COALESCE(usage_count, 0) + 1 "
                    "WHERE id IN %s",
                    tuple(self.ids),
                )
            )
            self.invalidate_recordset(["usage_count"])

    def _apply_to_incidents(self, incidents):
        """The answer's actions: the incident's kind, root cause and
        resolution type, through the incident's own write (its rules and
        tracking hold)."""
        self.ensure_one()
        vals = {}
        if self.kind:
            vals["kind"] = self.kind
        if self.root_cause_id:
            vals["root_cause_id"] = self.root_cause_id.id
        if self.resolution_type:
            vals["resolution_type"] = self.resolution_type
        if vals:
            incidents.write(vals)

    @api.model
    def _use_action(self, context):
        """The window choosing and sending an answer (see ``customer.care.answer.use``)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Use an Answer"),
            "res_model": "customer.care.answer.use",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    @api.model
    def _last_order(self, partner):
        """The customer's latest confirmed order (their company's included)."""
        if not partner:
            return self.env["sale.order"]
        return self.env["sale.order"].search(
            [
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("state", "=", "sale"),
            ],
            order="date_order desc, id desc",
            limit=1,
        )

    @api.model
    def _faq_answers(self, company, limit=50):
        """The published answers of ``company`` (or shared), most used first."""
        return self.search(
            [
                ("state", "=", "approved"),
                ("is_published_faq", "=", True),
                ("company_id", "in", [company.id, False]),
            ],
            order="usage_count desc, sequence, id",
            limit=limit,
        )

    def _faq_entry(self, values):
        """``(title, text)`` of the answer on the FAQ page, placeholders filled.
        The text was sanitized when saved and the values are escaped by the
        substitution: it is shown as markup."""
        self.ensure_one()
        title, _missing = answers.render(self.name, values, html=False)
        body, _missing = answers.render(self.body, values)
        return title, Markup(body)
