from collections import Counter, defaultdict
from datetime import timedelta

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from ..logic import followup, kpi, sla
from ..logic.channels import CHANNELS, PRIORITIES
from ..logic.incidents import (
    INCIDENT_KINDS,
    INCIDENT_STATES,
    OPEN_STATES,
    RESOLUTION_TYPES,
    RESOLVING_TYPES,
)

CARE_MANAGER = "customer_care.group_care_manager"
SLA_BATCH = 1000
SLA_RETRIES = 5
DEADLINE_FIELDS = (
    "response_deadline",
    "resolution_deadline",
    "target_deadline",
    "date_response_risk",
    "date_resolution_risk",
)
# a change of these moves the clocks or their state
SLA_TRIGGER_FIELDS = {
    "date_received",
    "sla_policy_id",
    "priority",
    "kind",
    "care_group_id",
    "company_id",
    "date_first_response",
    "date_resolved",
    "state",
}
# set only by the SLA check (from the clocks), never by hand
SLA_SYSTEM_FIELDS = {"sla_state", "escalation_level", "date_sla_next_check"}
# set only by action_approve_decline
DECLINE_APPROVAL = "customer_care_decline_approval"
REQUESTABLE_STATES = ("new", "acknowledged", "in_progress")


class CustomerCareIncident(models.Model):
    """A complaint, question, incident or request answered against a clock.

    Brief §5: acknowledge within the response time, resolve within the
    resolution time (stricter target too), escalate breaches, never say "no"
    without a manager's approval, record the root cause and offer the
    resolution as "here is what we can do".
    """

    _name = "customer.care.incident"
    _description = "Care Incident"
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
    sla_policy_id = fields.Many2one(
        "customer.care.sla.policy",
        string="SLA Policy",
        compute="_compute_sla_policy_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        check_company=True,
        help="The most specific policy matching kind, care group and priority.",
    )
    date_received = fields.Datetime(
        string="Received", required=True, default=fields.Datetime.now, copy=False
    )
    date_first_response = fields.Datetime(string="First Response", readonly=True, copy=False)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True, copy=False)
    response_deadline = fields.Datetime(compute="_compute_sla_deadlines", store=True, copy=False)
    resolution_deadline = fields.Datetime(compute="_compute_sla_deadlines", store=True, copy=False)
    target_deadline = fields.Datetime(
        string="Resolution Target",
        compute="_compute_sla_deadlines",
        store=True,
        copy=False,
        help="The stricter resolution target of the policy.",
    )
    date_response_risk = fields.Datetime(compute="_compute_sla_deadlines", store=True, copy=False)
    date_resolution_risk = fields.Datetime(compute="_compute_sla_deadlines", store=True, copy=False)
    sla_state = fields.Selection(
        sla.SLA_STATES,
        string="SLA",
        required=True,
        default=sla.ON_TRACK,
        readonly=True,
        copy=False,
        index=True,
    )
    date_sla_next_check = fields.Datetime(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the SLA state or escalation of this open incident changes next.",
    )
    escalation_level = fields.Integer(
        default=0,
        readonly=True,
        copy=False,
        aggregator="max",
        help="0: not escalated, 1: care managers, 2: senior management.",
    )
    sla_remaining_label = fields.Char(string="Time Left", compute="_compute_sla_remaining_label")
    response_hours = fields.Float(
        string="Response Time (h)",
        compute="_compute_handling_hours",
        store=True,
        aggregator="avg",
    )
    resolution_hours = fields.Float(
        string="Resolution Time (h)",
        compute="_compute_handling_hours",
        store=True,
        aggregator="avg",
    )

    # -- outcome -------------------------------------------------------------
    root_cause_id = fields.Many2one(
        "customer.care.root.cause", index=True, tracking=True, check_company=True
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

    # -- follow-up (brief §5 [001, 003, 004]) ------------------------------
    followup_plan_id = fields.Many2one(
        "customer.care.plan",
        string="Follow-up",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The care contact that checks the resolution worked, on another channel.",
    )
    date_customer_received = fields.Datetime(
        string="Customer Received It",
        copy=False,
        help="Exchanges and refunds: when the replacement or the money reached the "
        "customer; the follow-up waits for it.",
    )
    waiting_delivery = fields.Boolean(compute="_compute_waiting_delivery")
    refund_move_id = fields.Many2one(
        "account.move",
        string="Credit Note",
        copy=False,
        index="btree_not_null",
        domain="[('move_type', '=', 'out_refund'), "
        "('commercial_partner_id', '=', commercial_partner_id)]",
        help="Refunds: the follow-up is planned once this credit note is paid.",
    )
    replacement_order_id = fields.Many2one(
        "sale.order",
        copy=False,
        index="btree_not_null",
        help="Exchanges: with Inventory installed, the follow-up is planned once the "
        "order's deliveries are done.",
    )
    survey_input_id = fields.Many2one(
        "survey.user_input", string="Satisfaction Survey", readonly=True, copy=False
    )
    date_checked_back = fields.Datetime(readonly=True, copy=False)
    plan_id = fields.Many2one(
        "customer.care.plan",
        string="Raised During",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The care contact where this question could not be answered on the spot.",
    )

    _satisfaction_range = models.Constraint(
        "CHECK(satisfaction IS NULL OR (satisfaction >= 0 AND satisfaction <= 5))",
        "Satisfaction is a score from 1 to 5.",
    )
    _escalation_range = models.Constraint(
        "CHECK(escalation_level >= 0 AND escalation_level <= 2)",
        "The escalation level is 0, 1 or 2.",
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

    @api.depends("kind", "priority", "care_group_id", "company_id")
    def _compute_sla_policy_id(self):
        ranked = self.env["customer.care.sla.policy"]._ranked(self.company_id)
        for incident in self:
            incident.sla_policy_id = next(
                (
                    policy.id
                    for policy in ranked
                    if policy._matches(
                        incident.kind,
                        incident.care_group_id,
                        incident.priority,
                        incident.company_id,
                    )
                ),
                False,
            )

    @api.depends("date_received", "sla_policy_id")
    def _compute_sla_deadlines(self):
        for policy, incidents in self.grouped("sla_policy_id").items():
            deadlines = {}
            if policy:
                deadlines = policy.sudo()._deadlines(
                    [incident.date_received for incident in incidents if incident.date_received]
                )
            for incident in incidents:
                found = deadlines.get(incident.date_received)
                incident.update(
                    {
                        "response_deadline": found.response if found else False,
                        "resolution_deadline": found.resolution if found else False,
                        "target_deadline": found.target if found else False,
                        "date_response_risk": found.response_risk if found else False,
                        "date_resolution_risk": found.resolution_risk if found else False,
                    }
                )

    @api.depends_context("uid")
    def _compute_sla_remaining_label(self):
        now = fields.Datetime.now()
        for incident in self:
            deadline = incident._running_deadline()
            if not deadline:
                incident.sla_remaining_label = False
                continue
            minutes = sla.minutes_left(now, deadline)
            duration = sla.duration_text(minutes)
            incident.sla_remaining_label = (
                self.env._("%s left", duration)
                if minutes >= 0
                else self.env._("%s overdue", duration)
            )

    @api.depends("date_received", "date_first_response", "date_resolved")
    def _compute_handling_hours(self):
        for incident in self:
            received = incident.date_received
            incident.response_hours = (
                (incident.date_first_response - received).total_seconds() / 3600.0
                if received and incident.date_first_response
                else 0.0
            )
            incident.resolution_hours = (
                (incident.date_resolved - received).total_seconds() / 3600.0
                if received and incident.date_resolved
                else 0.0
            )

    # -- constraints ----------------------------------------------------------
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
            self._check_decline_values(vals)
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
        self._check_decline_values(vals)
        self._check_pending_decline_exit(vals)
        res = super().write(vals)
        if SLA_TRIGGER_FIELDS.intersection(vals):
            self._sla_refresh(fields.Datetime.now())
        if vals.get("root_cause_id"):
            self.root_cause_id.sudo()._check_recurrence()
        return res

    def _check_decline_values(self, vals):
        """No path but a manager's approval sets an incident declined."""
        if vals.get("state") != "declined" and vals.get("resolution_type") != "declined":
            return
        if not self.env.context.get(DECLINE_APPROVAL) or not (
            self.env.su or self.env.user.has_group(CARE_MANAGER)
        ):
            raise AccessError(
                self.env._(
                    "Nobody says no to a customer without a manager's approval: "
                    "request the decline and a care manager approves it."
                )
            )

    def _check_pending_decline_exit(self, vals):
        """A decline waiting for approval is decided by a care manager only:
        writing another state over it would reject it without one."""
        if "state" not in vals or vals["state"] == "pending_decline":
            return
        if self.env.su or self.env.user.has_group(CARE_MANAGER):
            return
        if any(incident.state == "pending_decline" for incident in self):
            raise AccessError(
                self.env._("Only a care manager can approve or reject a pending decline.")
            )

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

    def action_acknowledge(self):
        """Answer the customer for the first time: stops the response clock."""
        self._check_state(("new",), self.env._("Acknowledging"))
        self.filtered(lambda i: not i.user_id).write({"user_id": self.env.uid})
        self.write({"state": "acknowledged", "date_first_response": fields.Datetime.now()})
        return True

    def action_start(self):
        """Work on the incident (acknowledging it if not done yet)."""
        self._check_state(("new", "acknowledged"), self.env._("Starting work"))
        self.filtered(lambda i: not i.user_id).write({"user_id": self.env.uid})
        self.filtered(lambda i: not i.date_first_response).write(
            {"date_first_response": fields.Datetime.now()}
        )
        self.write({"state": "in_progress"})
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
        self.filtered(lambda i: not i.date_first_response).write({"date_first_response": now})
        self.write({"state": "resolved", "date_resolved": now})
        self._create_followups()
        if len(self) == 1 and self.partner_id.email:
            return self.action_send_resolution()
        return True

    @api.depends("state", "resolution_type", "date_customer_received", "followup_plan_id")
    def _compute_waiting_delivery(self):
        for incident in self:
            incident.waiting_delivery = (
                incident.state == "resolved"
                and incident.resolution_type in followup.WAIT_FOR_DELIVERY
                and not incident.followup_plan_id
            )

    def action_confirm_received(self):
        """The replacement or refund reached the customer: plan the follow-up."""
        for incident in self:
            if not incident.waiting_delivery:
                raise UserError(
                    self.env._(
                        "%s is not waiting for a replacement or a refund to reach the customer.",
                        incident.display_name,
                    )
                )
        self.filtered(lambda i: not i.date_customer_received).write(
            {"date_customer_received": fields.Datetime.now()}
        )
        self._create_followups()
        return True

    def _create_followups(self):
        """One follow-up care plan per resolved incident whose time has come,
        on another channel than the incident's, in one ``create``."""
        vals_list, incidents = [], self.browse()
        for incident in self.filtered(lambda i: i.state == "resolved" and not i.followup_plan_id):
            due = followup.followup_due(
                incident.resolution_type, incident.date_resolved, incident.date_customer_received
            )
            if not due:
                continue
            rules = incident.company_id._care_followup_rules()
            vals_list.append(
                {
                    "partner_id": incident.partner_id.id,
                    "user_id": (incident.user_id or self.env.user).id,
                    "company_id": incident.company_id.id,
                    "trigger": "follow_up",
                    "channel": followup.followup_channel(incident.channel, rules),
                    "date_deadline": fields.Date.context_today(self, due),
                    "incident_id": incident.id,
                    "state": "planned",
                }
            )
            incidents |= incident
        if not vals_list:
            return
        plans = self.env["customer.care.plan"].sudo().create(vals_list)
        for incident, plan in zip(incidents, plans, strict=True):
            incident.followup_plan_id = plan
            incident.message_post(
                body=self.env._(
                    "Follow-up planned for %(date)s by %(channel)s: %(plan)s",
                    date=plan.date_deadline,
                    channel=dict(CHANNELS)[plan.channel],
                    plan=plan.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_send_survey(self):
        """Send the short satisfaction survey of the follow-up [001, 003]."""
        survey = self.env.ref("customer_care.survey_care_satisfaction")
        template = self.env.ref("survey.mail_template_user_input_invite")
        for incident in self:
            partner = incident.partner_id
            if not partner.email:
                raise UserError(
                    self.env._(
                        "%s has no email address to receive the satisfaction survey.",
                        partner.display_name,
                    )
                )
            if partner.care_state == "dropped" or partner.is_blacklisted:
                raise UserError(
                    self.env._(
                        "%s must not be contacted: dropped customer or opted out of emails.",
                        partner.display_name,
                    )
                )
            answer = incident.survey_input_id
            if not answer or answer.state == "done":
                answer = survey.sudo()._create_answer(
                    partner=partner, check_attempts=False, care_incident_id=incident.id
                )
                incident.survey_input_id = answer
            template.sudo().send_mail(answer.id, force_send=False)
            incident.message_post(
                body=self.env._("Satisfaction survey sent to %s.", partner.email),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _on_followup_done(self):
        """The follow-up contact took place.  Silence never closes an
        incident: it closes once the customer has rated the resolution."""
        for incident in self.filtered(lambda i: i.state == "resolved"):
            incident.state = "closed" if incident.satisfaction else "followed_up"

    def _record_satisfaction(self, score, comment=None):
        """The survey answer: the score (kept as feedback on the customer too),
        and the incident closes if followed up."""
        self.env["customer.care.feedback"].sudo().create(
            [
                {
                    "partner_id": incident.partner_id.id,
                    "company_id": incident.company_id.id,
                    "source": "survey",
                    "sentiment": kpi.satisfaction_sentiment(score),
                    "summary": self.env._("Follow-up survey: %s/5", score),
                    "text": comment or self.env._("Rated %s/5 without a comment.", score),
                    "incident_id": incident.id,
                    "plan_id": incident.followup_plan_id.id,
                }
                for incident in self
            ]
        )
        for incident in self:
            incident.satisfaction = score
            if incident.state == "followed_up":
                incident.state = "closed"
            incident.message_post(
                body=self.env._(
                    "The customer rated the resolution %(score)s/5. %(comment)s",
                    score=score,
                    comment=comment or "",
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _delivery_received_at(self):
        """When the refund or the replacement reached the customer, as far as
        the accounting and inventory records tell (``None`` otherwise)."""
        self.ensure_one()
        paid = ("paid", "in_payment", "reversed")
        if self.resolution_type == "refund" and self.refund_move_id.payment_state in paid:
            return fields.Datetime.now()
        order = self.replacement_order_id
        if self.resolution_type == "exchange" and order and "picking_ids" in order._fields:
            pickings = order.picking_ids.filtered(lambda p: p.state != "cancel")
            if pickings and all(p.state == "done" for p in pickings):
                return max(pickings.mapped("date_done"))
        return None

    def _confirm_deliveries(self):
        """Plan the follow-up of exchanges and refunds whose replacement or
        money reached the customer (payment hook and daily check)."""
        for incident in self.filtered("waiting_delivery"):
            received = incident._delivery_received_at()
            if received:
                incident.date_customer_received = received
        self.filtered("date_customer_received")._create_followups()

    @api.model
    def _cron_check_back(self, days=3):
        """Check back after a few days of silence [004]: followed-up incidents
        whose customer has not rated the resolution get a call-back activity,
        once.  Also plans the follow-ups whose delivery or refund is done."""
        self.search(
            [
                ("state", "=", "resolved"),
                ("followup_plan_id", "=", False),
                ("resolution_type", "in", list(followup.WAIT_FOR_DELIVERY)),
                "|",
                ("refund_move_id", "!=", False),
                ("replacement_order_id", "!=", False),
            ]
        )._confirm_deliveries()
        limit = fields.Datetime.now() - timedelta(days=days)
        self.env.flush_all()
        # claim the rows: a second run at the same time skips them instead of
        # calling the customer back twice
        rows = self.env.execute_query(
            SQL(
                """SELECT i.id FROM customer_care_incident i
                     JOIN customer_care_plan p ON p.id = i.followup_plan_id
                    WHERE i.state = 'followed_up' AND COALESCE(i.satisfaction, 0) = 0
                      AND i.date_checked_back IS NULL AND p.date_done <= %s
                 ORDER BY i.id
                      FOR UPDATE OF i SKIP LOCKED""",
                limit,
            )
        )
        silent = self.browse([row[0] for row in rows])
        for incident in silent:
            incident.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._("Check back: is the problem really solved?"),
                user_id=(incident.user_id or incident.followup_plan_id.user_id).id
                or self.env.ref("base.user_admin").id,
            )
        silent.write({"date_checked_back": fields.Datetime.now()})
        return len(silent)

    def action_send_resolution(self):
        """Open the composer with the "here is what we can do" email."""
        self.ensure_one()
        template = self.env.ref("customer_care.mail_template_care_incident_resolution")
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
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }

    def action_open_decline_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request a Decline"),
            "res_model": "customer.care.decline.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incident_ids": self.ids},
        }

    def action_request_decline(self, reason=None):
        """Ask a care manager to approve saying "no" to the customer [000].

        The reason is required (given here or already on the incident); the
        incident waits in *pending decline* and the care manager gets an
        activity to approve or reject it.
        """
        self.check_access("write")
        self._check_state(REQUESTABLE_STATES, self.env._("Requesting a decline"))
        reason = (reason or "").strip()
        for incident in self:
            if not (reason or (incident.decline_reason or "").strip()):
                raise UserError(
                    self.env._("Explain why %s should be declined.", incident.display_name)
                )
        if reason:
            self.write({"decline_reason": reason})
        self.write({"state": "pending_decline"})
        activity_type = self.env.ref("customer_care.mail_activity_type_care_decline_approval")
        for incident in self:
            approver = incident.sla_policy_id.sudo()._escalation_users(
                sla.LEVEL_MANAGER, incident.company_id.sudo()
            )[:1]
            incident.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._("Approve or reject the decline"),
                note=incident.decline_reason,
                user_id=(approver or self.env.user).id,
            )
        return True

    def _check_manager(self):
        if not (self.env.su or self.env.user.has_group(CARE_MANAGER)):
            raise AccessError(self.env._("Only a care manager can approve or reject a decline."))

    def action_approve_decline(self):
        """Managers only: the customer is told "no", with the reason given."""
        self._check_manager()
        self._check_state(("pending_decline",), self.env._("Approving a decline"))
        now = fields.Datetime.now()
        self.with_context(**{DECLINE_APPROVAL: True}).write(
            {
                "state": "declined",
                "resolution_type": "declined",
                "date_resolved": now,
            }
        )
        self.filtered(lambda i: not i.date_first_response).write({"date_first_response": now})
        self._close_decline_activities(self.env._("Decline approved."))
        return True

    def action_reject_decline(self):
        """Managers only: the decline is refused, work goes on."""
        self._check_manager()
        self._check_state(("pending_decline",), self.env._("Rejecting a decline"))
        self.write({"state": "in_progress", "decline_reason": False})
        self._close_decline_activities(self.env._("Decline rejected: find what we can do."))
        return True

    def _close_decline_activities(self, feedback):
        activity_type = self.env.ref("customer_care.mail_activity_type_care_decline_approval")
        activities = self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        if activities:
            activities.sudo().action_feedback(feedback=feedback)
        else:
            for incident in self:
                incident.message_post(body=feedback, subtype_xmlid="mail.mt_note")

    # -- SLA clocks ---------------------------------------------------------
    def _running_deadline(self):
        self.ensure_one()
        if self.state not in OPEN_STATES:
            return False
        if not self.date_first_response:
            return self.response_deadline
        return self.resolution_deadline

    def _recompute_sla_deadlines(self):
        """Recompute the deadlines (the policy changed), then the clocks."""
        for fname in DEADLINE_FIELDS:
            self.env.add_to_compute(self._fields[fname], self)
        self._sla_refresh(fields.Datetime.now())

    def _sla_refresh(self, now):
        """Evaluate the clocks of these incidents at ``now`` and apply it.

        The clock columns of the whole batch are read with one query (the
        ORM would read them a thousand records at a time); pure functions
        decide the SLA state, the escalation level reached and the next
        moment anything can change; the changes are written with one UPDATE.
        A batch costs the same few queries whatever its size.
        """
        if not self:
            return
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT i.id, i.name, i.state, i.sla_state, i.escalation_level,
                          i.date_sla_next_check, i.sla_policy_id, i.company_id,
                          COALESCE(p.escalation_extra_hours, 0),
                          i.date_response_risk, i.response_deadline, i.date_first_response,
                          i.date_resolution_risk, i.resolution_deadline, i.date_resolved
                     FROM customer_care_incident i
                LEFT JOIN customer_care_sla_policy p ON p.id = i.sla_policy_id
                    WHERE i.id IN %s""",
                tuple(self.ids),
            )
        )
        changes = []
        escalations = []
        for (
            incident_id,
            name,
            status,
            old_state,
            old_level,
            old_next,
            policy_id,
            company_id,
            extra,
            *times,
        ) in rows:
            clocks = sla.incident_clocks(*times)
            state = sla.sla_state(now, clocks)
            level = old_level or 0
            upcoming = None
            if status in OPEN_STATES and clocks:
                reached = sla.escalation_level(now, clocks, extra)
                escalations += [
                    ((incident_id, name, policy_id, company_id), lvl)
                    for lvl in range(level + 1, reached + 1)
                ]
                level = max(level, reached)
                upcoming = sla.next_check(now, clocks, extra) or None
            if (state, level, upcoming) != (old_state, old_level or 0, old_next):
                changes.append((incident_id, state, level, upcoming))
        if changes:
            # one UPDATE for the batch, whatever the number of distinct values
            self.env.cr.execute(
                """UPDATE customer_care_incident i
                      SET sla_state = v.state, escalation_level = v.level,
                          date_sla_next_check = v.next_check
                     FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::timestamp[])
                          AS v(id, state, level, next_check)
                    WHERE i.id = v.id""",
                tuple(map(list, zip(*changes, strict=True))),
            )
            changed = self.browse(row[0] for row in changes)
            fnames = ["sla_state", "escalation_level", "date_sla_next_check"]
            changed.invalidate_recordset(fnames)
            changed.modified(fnames)
        self._sla_escalate(escalations)

    def _sla_escalate(self, escalations):
        """One activity per recipient and a chatter note per escalated incident.

        Level 1 reaches the care manager of the policy (or of the company),
        level 2 senior management.  The level is stored with the state, so a
        level is never escalated twice.  The recipients also follow the
        incident, and their activity counter is refreshed live.

        :param escalations: ``[((id, name, policy id, company id), level)]``
        """
        if not escalations:
            return
        recipients = {}
        activities = []  # (incident id, incident name, user, summary, note)
        bodies = defaultdict(Markup)
        for (incident_id, name, policy_id, company_id), level in escalations:
            key = (policy_id, company_id, level)
            if key not in recipients:
                policy = self.env["customer.care.sla.policy"].sudo().browse(policy_id or [])
                company = self.env["res.company"].sudo().browse(company_id or [])
                recipients[key] = policy._escalation_users(level, company)
            users = recipients[key]
            names = ", ".join(users.mapped("name")) or self.env._("nobody configured")
            if level >= sla.LEVEL_SENIOR:
                summary = self.env._("SLA breach: senior management")
                text = self.env._(
                    "The SLA breach of this incident reaches senior management: %s.", names
                )
            else:
                summary = self.env._("SLA breached")
                text = self.env._("The SLA of this incident is breached: escalated to %s.", names)
            note = Markup("<p>%s</p>") % text
            activities += [(incident_id, name, user, summary, note) for user in users]
            bodies[incident_id] += note
        self._sla_write_escalations(activities, bodies)

    def _sla_write_escalations(self, activities, bodies):
        """Write a batch's escalation activities, followers and notes.

        The ORM creates ``mail.activity``, ``mail.followers`` and
        ``mail.message`` rows a hundred per statement, with extra reads per
        chunk, so the SLA check would cost more queries the more incidents
        breach at once.  The rows are therefore written here with one
        statement per table, with the values the ORM would store: the
        activity (automated, due today, assigned without an email, as
        ``mail_activity_quick_update`` does), the assignee as follower with
        the default subtypes, and a note like ``_message_log_batch`` posts.
        """
        self.env.flush_all()
        cr = self.env.cr
        now = cr.now()
        uid = self.env.uid
        if activities:
            activity_type = self.env.ref("customer_care.mail_activity_type_care_escalation")
            res_ids, res_names, users, summaries, notes = zip(*activities, strict=True)
            today = fields.Date.context_today(self)
            cr.execute(
                SQL(
                    """INSERT INTO mail_activity (
                           res_model_id, res_model, res_id, res_name, activity_type_id,
                           user_id, user_tz, summary, note, date_deadline, automated, active,
                           create_uid, write_uid, create_date, write_date)
                       SELECT %(model_id)s, %(model)s, v.res_id, v.res_name, %(type)s,
                              v.user_id, v.user_tz, v.summary, v.note, %(today)s, TRUE, TRUE,
                              %(uid)s, %(uid)s, %(now)s, %(now)s
                         FROM unnest(%(res_ids)s::int[], %(res_names)s::varchar[],
                                     %(user_ids)s::int[], %(user_tzs)s::varchar[],
                                     %(summaries)s::varchar[], %(notes)s::text[])
                              AS v(res_id, res_name, user_id, user_tz, summary, note)""",
                    model_id=self.env["ir.model"]._get_id(self._name),
                    model=self._name,
                    type=activity_type.id,
                    today=today,
                    uid=uid,
                    now=now,
                    res_ids=list(res_ids),
                    res_names=list(res_names),
                    user_ids=[user.id for user in users],
                    user_tzs=[user.tz or None for user in users],
                    summaries=list(summaries),
                    notes=[str(note) for note in notes],
                )
            )
            follow = sorted(
                {(res_id, user.partner_id.id) for res_id, user in zip(res_ids, users, strict=True)}
            )
            subtypes = self.env["mail.message.subtype"].default_subtypes(self._name)[0]
            cr.execute(
                SQL(
                    """WITH followers AS (
                           INSERT INTO mail_followers (res_model, res_id, partner_id)
                           SELECT %(model)s, v.res_id, v.partner_id
                             FROM unnest(%(res_ids)s::int[], %(partner_ids)s::int[])
                                  AS v(res_id, partner_id)
                           ON CONFLICT DO NOTHING
                        RETURNING id)
                       INSERT INTO mail_followers_mail_message_subtype_rel
                              (mail_followers_id, mail_message_subtype_id)
                       SELECT followers.id, subtype.id
                         FROM followers CROSS JOIN unnest(%(subtypes)s::int[]) AS subtype(id)""",
                    model=self._name,
                    res_ids=[row[0] for row in follow],
                    partner_ids=[row[1] for row in follow],
                    subtypes=subtypes.ids,
                )
            )
            for user, count in Counter(users).items():
                user._bus_send(
                    "mail.activity/updated", {"activity_created": True, "count_diff": count}
                )
        if bodies:
            author_id, email_from = self._message_compute_author()
            reply_to = self.env["mail.thread"]._notify_get_reply_to(
                default=email_from, author_id=author_id
            )[False]
            cr.execute(
                SQL(
                    """INSERT INTO mail_message (
                           model, res_id, body, message_type, subtype_id, is_internal,
                           author_id, email_from, reply_to, message_id, email_add_signature,
                           date, create_uid, write_uid, create_date, write_date)
                       SELECT %(model)s, v.res_id, v.body, 'notification', %(subtype)s, TRUE,
                              %(author)s, %(email_from)s, %(reply_to)s, %(message_id)s, FALSE,
                              %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                         FROM unnest(%(res_ids)s::int[], %(bodies)s::text[]) AS v(res_id, body)""",
                    model=self._name,
                    subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                    author=author_id or None,
                    email_from=email_from or None,
                    reply_to=reply_to or None,
                    message_id=generate_tracking_message_id("message-notify"),
                    now=now,
                    uid=uid,
                    res_ids=list(bodies),
                    bodies=[str(body) for body in bodies.values()],
                )
            )
        self.browse(list(bodies)).invalidate_recordset()
        self.env["mail.activity"].invalidate_model()
        self.env["mail.followers"].invalidate_model()

    # -- scheduled check ------------------------------------------------------
    @api.model
    def _cron_check_sla(self, batch_size=SLA_BATCH):
        """Scheduled every 5 minutes: move the clocks of the due incidents,
        committing batch by batch."""
        return self._sla_check_due(batch_size=batch_size, commit=True)

    @api.model
    def _sla_check_due(self, now=None, batch_size=SLA_BATCH, commit=False):
        """Refresh every open incident whose clock is due at ``now``.

        Each batch is one selecting query, the pure evaluation over the
        batch and grouped writes.  With ``commit`` each batch is committed
        through ``ir.cron._commit_progress``; without it (tests, demo data)
        everything stays in the current transaction.
        """
        now = now or fields.Datetime.now()
        cron = self.env["ir.cron"]
        total = self._sla_due_count(now) if commit else 0
        done = retries = 0
        while True:
            try:
                ids = self._sla_due_ids(now, batch_size)
            except SerializationFailure:
                # another worker refreshed some of these incidents since this
                # transaction's snapshot: take the batch again on a fresh one
                retries += 1
                if not commit or retries > SLA_RETRIES:
                    raise
                self.env.cr.rollback()
                continue
            if not ids:
                break
            retries = 0
            self.browse(ids)._sla_refresh(now)
            done += len(ids)
            if commit:
                self.env.flush_all()
                time_left = cron._commit_progress(len(ids), remaining=max(total - done, 0))
                self.env.invalidate_all()
                if time_left < 30:
                    return False
        if commit:
            cron._commit_progress(0, remaining=0)
        return True

    def _sla_due_ids(self, now, limit):
        self.flush_model(["date_sla_next_check", "state"])
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM customer_care_incident
                    WHERE date_sla_next_check <= %s AND state IN %s
                 ORDER BY date_sla_next_check, id
                    LIMIT %s
                      FOR UPDATE SKIP LOCKED""",
                now,
                OPEN_STATES,
                limit,
            )
        )
        return [row[0] for row in rows]

    def _sla_due_count(self, now):
        self.flush_model(["date_sla_next_check", "state"])
        rows = self.env.execute_query(
            SQL(
                "SELECT count(*) FROM customer_care_incident "
                "WHERE date_sla_next_check <= %s AND state IN %s",
                now,
                OPEN_STATES,
            )
        )
        return rows[0][0]
