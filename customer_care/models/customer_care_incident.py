from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_datetime

from ..logic.channels import CHANNELS, PRIORITIES
from ..logic.incidents import (
    INCIDENT_KINDS,
    INCIDENT_STATES,
    MANAGED_FIELDS,
    RECEIVED_FIELD,
    RESOLUTION_TYPES,
    RESOLVING_TYPES,
    RUNNING_STATES,
    SLA_SYSTEM_FIELDS,
    SLA_TRIGGER_FIELDS,
)
from .care_refs import optional_ref
from .customer_care_inbox import PART_INCIDENT, awaiting_index

CARE_MANAGER = "customer_care.group_care_manager"
# a clock a little ahead of the server's still records "now"
RECEIVED_TOLERANCE = timedelta(minutes=5)
REQUESTABLE_STATES = ("new", "acknowledged", "in_progress", "waiting")


class CustomerCareIncident(models.Model):
    """A complaint, question, incident or request answered against a clock.

    Brief §5: acknowledge within the response time, resolve within the
    resolution time (stricter target too), escalate breaches, never say "no"
    without a manager's approval, record the root cause and offer the
    resolution as "here is what we can do".
    """

    _name = "customer.care.incident"
    _description = "Care Incident"
    _inherit = [
        # mail.thread, with Odoo's rating faces (one-click satisfaction)
        "rating.mixin",
        "mail.activity.mixin",
        "portal.mixin",
        "customer.care.awaiting.mixin",
    ]
    _awaiting_states = RUNNING_STATES
    _order = "priority desc, date_received desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Subject", required=True, tracking=True)
    description = fields.Html(
        string="The Customer's Words", help="The problem as the customer told it."
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    partner_email = fields.Char(related="partner_id.email")
    partner_phone = fields.Char(related="partner_id.phone")
    kind = fields.Selection(INCIDENT_KINDS, required=True, default="complaint", tracking=True)
    channel = fields.Selection(
        CHANNELS, required=True, default="phone", help="How the customer reached us."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
        default=lambda self: self.env.user if self.env.uid != SUPERUSER_ID else False,
    )
    care_group_id = fields.Many2one(
        "customer.care.group",
        compute="_compute_care_group_id",
        store=True,
        readonly=False,
        help="The customer's care group when the incident came in.",
    )
    priority = fields.Selection(
        PRIORITIES,
        compute="_compute_priority",
        store=True,
        readonly=False,
        tracking=True,
        help="Taken from the customer's care group; decides the SLA policy.",
    )
    state = fields.Selection(
        INCIDENT_STATES,
        required=True,
        default="new",
        index=True,
        tracking=True,
        copy=False,
        group_expand=True,
    )

    # -- SLA clocks --------------------------------------------------------
    date_received = fields.Datetime(
        string="Received", required=True, default=fields.Datetime.now, copy=False
    )
    date_first_response = fields.Datetime(string="First Response", readonly=True, copy=False)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True, copy=False)

    # -- outcome -------------------------------------------------------------
    root_cause_id = fields.Many2one(
        "customer.care.root.cause",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    resolution_type = fields.Selection(RESOLUTION_TYPES, tracking=True, copy=False)
    resolution = fields.Html(
        string="What We Can Do",
        copy=False,
        help="The resolution offered to the customer, in the customer's terms.",
    )
    decline_reason = fields.Text(tracking=True, copy=False)
    satisfaction = fields.Integer(
        copy=False,
        aggregator="avg",
        help="Follow-up survey score from 1 (very dissatisfied) to 5 (very "
        "satisfied); 0 until the customer answered.",
    )

    plan_id = fields.Many2one(
        "customer.care.plan",
        string="Raised During",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The care contact where this question could not be answered on the spot.",
    )

    # the incidents' part of the care inbox, read off this index
    _awaiting_reply_idx = awaiting_index(PART_INCIDENT, RUNNING_STATES)
    _satisfaction_range = models.Constraint(
        "CHECK(satisfaction IS NULL OR (satisfaction >= 0 AND satisfaction <= 5))",
        "Satisfaction is a score from 1 to 5.",
    )

    # -- computes ---------------------------------------------------------
    @api.depends("partner_id")
    def _compute_care_group_id(self):
        for incident in self:
            incident.care_group_id = incident.partner_id.commercial_partner_id.sudo().care_group_id

    @api.depends("care_group_id")
    def _compute_priority(self):
        for incident in self:
            incident.priority = incident.care_group_id.priority or incident.priority or "0"

    # -- constraints ----------------------------------------------------------
    @api.constrains("date_received")
    def _check_date_received(self):
        limit = fields.Datetime.now() + RECEIVED_TOLERANCE
        for incident in self:
            if incident.date_received and incident.date_received > limit:
                raise ValidationError(
                    self.env._(
                        "The incident %(incident)s cannot be received in the future "
                        "(%(date)s): give the date and time the customer reached us.",
                        incident=incident.display_name,
                        date=format_datetime(self.env, incident.date_received),
                    )
                )

    @api.constrains("date_received", "date_first_response")
    def _check_received_before_response(self):
        """A response cannot come before the request it answers (within the
        tolerance of a clock a little ahead)."""
        for incident in self:
            answered = incident.date_first_response
            if (
                incident.date_received
                and answered
                and incident.date_received > answered + RECEIVED_TOLERANCE
            ):
                raise ValidationError(
                    self.env._(
                        "The incident %(incident)s cannot be received (%(received)s) after "
                        "its first response (%(answered)s).",
                        incident=incident.display_name,
                        received=format_datetime(self.env, incident.date_received),
                        answered=format_datetime(self.env, answered),
                    )
                )

    @api.constrains("satisfaction")
    def _check_satisfaction(self):
        if any(not 0 <= (incident.satisfaction or 0) <= 5 for incident in self):
            raise ValidationError(self.env._("Satisfaction is a score from 1 to 5."))

    @api.constrains("state", "resolution_type", "root_cause_id", "decline_reason")
    def _check_outcome(self):
        for incident in self:
            if (
                incident.state in ("pending_decline", "declined")
                and not (incident.decline_reason or "").strip()
            ):
                raise ValidationError(self.env._("A decline needs a reason."))
            if incident.state in ("resolved", "followed_up", "closed") and (
                incident.resolution_type not in RESOLVING_TYPES or not incident.root_cause_id
            ):
                raise ValidationError(
                    self.env._("A resolved incident needs a resolution type and a root cause.")
                )

    # -- CRUD ---------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if any(vals.get(fname) for fname in MANAGED_FIELDS):
                self._check_managed_fields_access()
        # a client may send the state as a default in the context too
        default_state = self.env.context.get("default_state")
        if not self.env.su and any(
            vals.get("state", default_state) not in (None, "new") for vals in vals_list
        ):
            raise AccessError(self._state_by_actions_message())
        incidents = super().create(vals_list)
        incidents._sla_refresh(fields.Datetime.now())
        incidents.root_cause_id.sudo()._check_recurrence()
        return incidents

    def write(self, vals):
        if SLA_SYSTEM_FIELDS.intersection(vals) and not self.env.su:
            raise AccessError(
                self.env._(
                    "The SLA state and escalation of an incident are set by the SLA check "
                    "from its clocks; they cannot be changed by hand."
                )
            )
        self._check_state_by_actions(vals)
        managed = [fname for fname in MANAGED_FIELDS if fname in vals]
        if RECEIVED_FIELD in vals and self._changes(RECEIVED_FIELD, vals[RECEIVED_FIELD]):
            managed.append(RECEIVED_FIELD)
        before = {}
        if managed and not self.env.su:
            self._check_managed_fields_access(managed)
            before = {incident: {f: incident[f] for f in managed} for incident in self}
        res = super().write(vals)
        if before:
            self._log_managed_changes(before)
        if SLA_TRIGGER_FIELDS.intersection(vals):
            self._sla_refresh(fields.Datetime.now())
        if vals.get("root_cause_id"):
            self.root_cause_id.sudo()._check_recurrence()
        return res

    def _changes(self, fname, value):
        """Whether writing ``value`` in ``fname`` changes any of these incidents."""
        value = self._fields[fname].convert_to_record(
            self._fields[fname].convert_to_cache(value, self), self
        )
        return any(incident[fname] != value for incident in self)

    def _check_managed_fields_access(self, fnames=()):
        if self.env.su or self.env.user.has_group(CARE_MANAGER):
            return
        if RECEIVED_FIELD in fnames:
            raise AccessError(
                self.env._(
                    "The date an incident was received sets its deadlines: once the "
                    "incident is recorded, only a care manager can correct it."
                )
            )
        raise AccessError(
            self.env._(
                "The first response, resolution date and satisfaction of an incident "
                "are recorded by its buttons (Acknowledge, Start, Resolve) and by the "
                "customer's survey; only a care manager can correct them."
            )
        )

    def _log_managed_changes(self, before):
        """A care manager's correction of a clock or a score, as an internal
        note: old value -> new value."""
        labels = {
            fname: self._fields[fname]._description_string(self.env)
            for fname in next(iter(before.values()))
        }

        def shown(fname, value):
            if not value and value != 0:
                return "-"
            if fname.startswith("date_"):
                return format_datetime(self.env, value)
            return str(value)

        bodies = {}
        for incident, old in before.items():
            changes = [
                self.env._(
                    "%(field)s: %(old)s → %(new)s",
                    field=labels[fname],
                    old=shown(fname, value),
                    new=shown(fname, incident[fname]),
                )
                for fname, value in old.items()
                if value != incident[fname]
            ]
            if changes:
                bodies[incident.id] = self.env._(
                    "Corrected by %(user)s: %(changes)s",
                    user=self.env.user.name,
                    changes="; ".join(changes),
                )
        if bodies:
            self._message_log_batch(bodies)

    def _write_clocks(self, vals):
        """The actions' way to stop the clocks, which care users may not set
        by hand: as superuser once the user's right to edit is checked."""
        self.check_access("write")
        return self.sudo().write(vals)

    def _check_state_by_actions(self, vals):
        """The state moves through the actions only (acknowledge, start,
        resolve, the decline trail, the follow-up and the customer's rating),
        which write it as superuser after their own checks, as the decline
        trail does (``customer_care_incident_decline.py``): a direct write would
        close an incident without its follow-up and survey, resolve it
        without a resolution date, or decide a pending decline without a
        manager.  Not even a care manager writes it by hand."""
        if "state" in vals and not self.env.su and self._changes("state", vals["state"]):
            raise AccessError(self._state_by_actions_message())

    def _state_by_actions_message(self):
        return self.env._(
            "The state of an incident follows its buttons (Acknowledge, Start, Resolve, "
            "the decline request and approval) and the customer's follow-up: it cannot "
            "be set by hand."
        )

    def _write_state(self, vals):
        """The actions' way to move the state (see
        :meth:`_check_state_by_actions`): as superuser once the user's right
        to edit is checked; the chatter still names the user."""
        self.check_access("write")
        return self.sudo().write(vals)

    # -- actions --------------------------------------------------------------
    def _check_state(self, allowed, action):
        wrong = self.filtered(lambda i: i.state not in allowed)
        if wrong:
            raise UserError(
                self.env._(
                    "%(action)s is not possible for %(incidents)s in its current state.",
                    action=action,
                    incidents=", ".join(wrong.mapped("display_name")),
                )
            )

    def action_assign_to_me(self):
        """Take unassigned incidents (from the inbox, say): the user becomes
        responsible where they may take care work of the incident's
        company; an incident someone took meanwhile is left to them."""
        self.check_access("write")
        user = self.env.user
        taken = self.filtered("user_id")
        if taken:
            raise UserError(
                self.env._(
                    "%(incidents)s already has a responsible: %(users)s.",
                    incidents=", ".join(taken.mapped("display_name")),
                    users=", ".join(taken.user_id.mapped("name")),
                )
            )
        assignable = self.company_id._care_assignable(user)
        refused = self.filtered(lambda i: (user.id, i.company_id.id) not in assignable)
        if refused:
            raise UserError(
                self.env._(
                    "Only care users of %(company)s can take %(incidents)s.",
                    company=", ".join(refused.company_id.mapped("name")),
                    incidents=", ".join(refused.mapped("display_name")),
                )
            )
        self.write({"user_id": user.id})
        return True

    def action_acknowledge(self):
        """Answer the customer for the first time: stops the response clock."""
        self._check_state(("new",), self.env._("Acknowledging"))
        self.filtered(lambda i: not i.user_id).write({"user_id": self.env.uid})
        self._write_clocks({"date_first_response": fields.Datetime.now()})
        self._write_state({"state": "acknowledged"})
        return True

    def action_start(self):
        """Work on the incident (acknowledging it if not done yet)."""
        self._check_state(("new", "acknowledged"), self.env._("Starting work"))
        self.filtered(lambda i: not i.user_id).write({"user_id": self.env.uid})
        self.filtered(lambda i: not i.date_first_response)._write_clocks(
            {"date_first_response": fields.Datetime.now()}
        )
        self._write_state({"state": "in_progress"})
        return True

    def action_resolve(self):
        """Resolve with a resolution type and a root cause, then offer the
        resolution to the customer through the resolution email."""
        self._check_state(REQUESTABLE_STATES, self.env._("Resolving"))
        for incident in self:
            if incident.resolution_type not in RESOLVING_TYPES:
                raise UserError(
                    self.env._(
                        "Choose how %s is resolved: instant fix, exchange, refund or explanation.",
                        incident.display_name,
                    )
                )
            if not incident.root_cause_id:
                raise UserError(
                    self.env._(
                        "Record the root cause of %s, so the same problem does not "
                        "hit other customers.",
                        incident.display_name,
                    )
                )
        now = fields.Datetime.now()
        self.filtered(lambda i: not i.date_first_response)._write_clocks(
            {"date_first_response": now}
        )
        self._waiting_end(None, state=None)  # solved while waiting: the pause ends
        self._write_clocks({"date_resolved": now})
        self._write_state({"state": "resolved"})
        self._create_followups()
        if len(self) == 1 and self.partner_id.email:
            return self.action_send_resolution()
        return True

    def action_send_resolution(self):
        """Open the composer with the "here is what we can do" email."""
        self.ensure_one()
        template = optional_ref(
            self.env,
            "customer_care.mail_template_care_incident_resolution",
            "the resolution email's template",
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Offer the Resolution"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }
