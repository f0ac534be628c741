from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..logic import cadence, care_sequence, outreach
from ..logic.care_sequence import STEP_CODES, STEPS
from ..logic.care_state import STATE_DROPPED
from ..logic.channels import CHANNELS
from .customer_care_inbox import PART_PLAN, awaiting_index

TRIGGERS = [
    ("tenure", "Long-standing customer"),
    ("potential", "High potential"),
    ("incident", "Incident"),
    ("loyalty", "Loyalty"),
    ("birthday", "Birthday"),
    ("anniversary", "Anniversary"),
    ("win_back", "Win back"),
    ("follow_up", "Follow-up"),
    ("manual", "Manual"),
]
OPEN_PLAN_STATES = ("draft", "planned", "in_progress")
PLAN_STATES = [
    ("draft", "Draft"),
    ("planned", "Planned"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
OUTCOMES = [("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")]
EMAIL_LAYOUT = "mail.mail_notification_layout_with_responsible_signature"
VISIT_HOUR = 10
VISIT_HOURS = 1
# set by the code that creates the plan from them, never changed by hand
ORIGIN_FIELDS = {"incident_id", "lead_id"}


class CustomerCarePlan(models.Model):
    """One planned care contact with a customer, on one channel.

    Every contact runs the four-step care sequence (brief §2); the plan
    closes once the four steps are done or skipped, records the outcome and
    moves the customer's next care date by the care group's cadence.
    """

    _name = "customer.care.plan"
    _description = "Care Plan"
    # the awaiting mixin is a mail.thread
    _inherit = ["customer.care.awaiting.mixin", "mail.activity.mixin"]
    _awaiting_states = OPEN_PLAN_STATES
    # the plans' part of the care inbox, read off this index
    _awaiting_reply_idx = awaiting_index(PART_PLAN, OPEN_PLAN_STATES)
    _order = "date_deadline, id"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        help="Care staff running this contact; unassigned plans are open to every care user.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    trigger = fields.Selection(
        TRIGGERS,
        required=True,
        default="manual",
        tracking=True,
        help="Why the customer is cared for.",
    )
    channel = fields.Selection(
        CHANNELS,
        compute="_compute_channel",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="Defaults to the channel of the customer's care group.",
    )
    date_deadline = fields.Date(
        string="Deadline", required=True, index=True, tracking=True, default=fields.Date.today
    )
    state = fields.Selection(
        PLAN_STATES, required=True, default="draft", tracking=True, group_expand=True, copy=False
    )
    step_ids = fields.One2many(
        "customer.care.plan.step",
        "plan_id",
        string="Care Sequence",
        copy=False,  # a copy starts the sequence afresh (the default steps)
        default=lambda self: self._default_step_ids(),
    )
    step_closed_count = fields.Integer(
        string="Steps Closed", compute="_compute_step_progress", store=True
    )
    current_step = fields.Selection(
        STEPS, string="Next Step", compute="_compute_step_progress", store=True
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="The opportunity this contact created from the customer's needs or interest.",
    )
    outcome = fields.Selection(OUTCOMES, tracking=True, copy=False)
    outcome_note = fields.Text(copy=False)
    date_done = fields.Datetime(string="Closed On", readonly=True, copy=False)
    incident_id = fields.Many2one(
        "customer.care.incident",
        index="btree_not_null",
        copy=False,
        check_company=True,
        help="Follow-ups: the incident whose resolution this contact checks.",
    )
    calendar_event_id = fields.Many2one("calendar.event", string="Visit", copy=False)
    color = fields.Integer()

    # -- what the caller needs in front of them (phone script) ------------
    call_greeting = fields.Char(compute="_compute_call_greeting")
    partner_care_group_id = fields.Many2one(related="partner_id.care_group_id", string="Care Group")
    partner_last_contact_date = fields.Date(
        related="partner_id.care_last_contact_date", string="Last Contact"
    )
    partner_care_state = fields.Selection(related="partner_id.care_state")
    partner_email = fields.Char(related="partner_id.email", string="Email")
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    last_dissatisfied_point_ids = fields.Many2many(
        "customer.care.point",
        compute="_compute_last_recall",
        string="Dissatisfied Last Time",
    )
    last_dissatisfied_note = fields.Text(
        compute="_compute_last_recall", string="Last Time's Disappointment"
    )
    open_question_ids = fields.Many2many(
        "customer.care.plan.question",
        compute="_compute_open_question_ids",
        string="Open Questions",
        help="Questions of this customer still waiting for the promised answer.",
    )

    _state_deadline_idx = models.Index("(state, date_deadline)")

    # -- computes ---------------------------------------------------------
    @api.depends("partner_id", "trigger")
    def _compute_name(self):
        triggers = dict(self._fields["trigger"]._description_selection(self.env))
        for plan in self:
            if plan.partner_id:
                plan.name = plan._plan_name(
                    triggers.get(plan.trigger, ""), plan.partner_id.display_name
                )
            elif not plan.name:
                plan.name = self.env._("New care plan")

    @api.model
    def _plan_name(self, trigger_label, partner_name):
        """The name of a customer's care plan: what triggered it, for whom."""
        return self.env._("%(trigger)s: %(partner)s", trigger=trigger_label, partner=partner_name)

    @api.depends("partner_id")
    def _compute_channel(self):
        for plan in self:
            group_channel = plan.partner_id.care_group_id.channel
            if group_channel:
                plan.channel = group_channel
            elif not plan.channel:
                plan.channel = "phone"

    @api.depends("step_ids.state", "step_ids.step")
    def _compute_step_progress(self):
        for plan in self:
            states = {step.step: step.state for step in plan.step_ids}
            remaining = care_sequence.open_steps(states)
            plan.step_closed_count = len(states) - len(remaining)
            plan.current_step = remaining[0] if remaining else False

    @api.depends("company_id", "user_id")
    @api.depends_context("lang")
    def _compute_call_greeting(self):
        for plan in self:
            company = plan.company_id or self.env.company
            plan.call_greeting = care_sequence.render_greeting(
                company.care_call_greeting or company._care_default_greeting(),
                company.name,
                (plan.user_id or self.env.user).name,
            )

    @api.depends("partner_id")
    def _compute_last_recall(self):
        for plan in self:
            recall = self.env["customer.care.plan.step"]
            if plan.partner_id:
                recall = recall.search(
                    [
                        ("plan_id.partner_id", "=", plan.partner_id.id),
                        ("plan_id.state", "=", "done"),
                        ("plan_id", "!=", plan._origin.id),
                        ("step", "=", "recall"),
                        ("state", "=", "done"),
                    ],
                    order="date_done desc, id desc",
                    limit=1,
                )
            plan.last_dissatisfied_point_ids = recall.dissatisfied_point_ids
            plan.last_dissatisfied_note = recall.dissatisfied_note

    @api.depends("partner_id")
    def _compute_open_question_ids(self):
        questions = self.env["customer.care.plan.question"]
        partners = self.partner_id
        if partners:
            questions = questions.search(
                [("partner_id", "in", partners.ids), ("state", "=", "open")]
            )
        for plan in self:
            plan.open_question_ids = questions.filtered(
                lambda q, p=plan: q.partner_id == p.partner_id
            )

    @api.constrains("incident_id", "lead_id", "partner_id")
    def _check_origin_customer(self):
        """A plan follows up its own customer's incident or opportunity only."""
        for plan in self.sudo():
            customer = plan.partner_id.commercial_partner_id
            if plan.incident_id and plan.incident_id.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "The care plan %(plan)s is for %(customer)s: it cannot follow up "
                        "the incident %(incident)s of another customer.",
                        plan=plan.display_name,
                        customer=customer.display_name,
                        incident=plan.incident_id.display_name,
                    )
                )
            # a lead without a customer is nobody's: it cannot be this one's
            lead_customer = plan.lead_id.partner_id.commercial_partner_id
            if plan.lead_id and lead_customer != customer:
                raise ValidationError(
                    self.env._(
                        "The care plan %(plan)s is for %(customer)s: it cannot be linked "
                        "to the opportunity %(lead)s of another customer.",
                        plan=plan.display_name,
                        customer=customer.display_name,
                        lead=plan.lead_id.display_name,
                    )
                )

    # -- CRUD -------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """The incident and opportunity links are set by the code that makes
        the plan from them (the incident's follow-up, the needs step), as
        superuser: a user creating a plan by hand, over RPC or by import
        cannot attach it to an incident or an opportunity, which would let
        closing the plan move an incident they may not even read."""
        plans = super().create(vals_list)
        if not self.env.su and any(plan.incident_id or plan.lead_id for plan in plans.sudo()):
            raise UserError(
                self.env._(
                    "A care plan is linked to an incident or an opportunity only by the "
                    "incident's follow-up or the plan's needs step: create the care plan "
                    "without the incident or opportunity."
                )
            )
        return plans

    def write(self, vals):
        if not self.env.su:
            for fname in ORIGIN_FIELDS.intersection(vals):
                if any(plan[fname].id != (vals[fname] or False) for plan in self.sudo()):
                    raise UserError(
                        self.env._(
                            "A care plan keeps the incident or opportunity it came from: "
                            "create a new care plan from the other incident or opportunity "
                            "instead."
                        )
                    )
        return super().write(vals)

    @api.model
    def _default_step_ids(self):
        return [fields.Command.create({"step": code}) for code in STEP_CODES]

    @api.model
    def _create_outreach_plans(self, company, trigger, channel, date_deadline, customers):
        """Plan a care contact for each customer an outreach run reached, in
        bulk: ``customers`` are ``(partner id, partner name, user id)``; the
        plans are *planned* for ``date_deadline``; returns their ids in the
        order of ``customers``.

        The plans are written with one INSERT and their steps with another,
        holding what ``create`` would store (the name of ``_plan_name``, the
        steps of ``_default_step_ids``): a plan made by the outreach has no
        follower and no message, and its customers were selected in the
        rule's company, so nothing else of the generic ``create`` (defaults
        per record, company checks per record, chatter) applies; the ORM
        create of 100,000 plans would cost several times the contacts
        themselves.
        """
        if not customers:
            return []
        label = dict(self._fields["trigger"]._description_selection(self.env))[trigger]
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT nextval('customer_care_plan_id_seq') FROM generate_series(1, %s)",
            (len(customers),),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        now = fields.Datetime.now()
        steps = list(STEP_CODES)
        sequences = [care_sequence.step_sequence(step) for step in steps]
        self.env.cr.execute(
            """INSERT INTO customer_care_plan
                      (id, name, partner_id, user_id, company_id, trigger, channel,
                       date_deadline, state, step_closed_count, current_step, create_uid,
                       create_date, write_uid, write_date)
               SELECT v.id, v.name, v.partner_id, v.user_id, %s, %s, %s, %s, 'planned', 0, %s,
                      %s, %s, %s, %s
                 FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::int[])
                      AS v(id, name, partner_id, user_id)""",
            (
                company.id,
                trigger,
                channel,
                date_deadline,
                steps[0],
                self.env.uid,
                now,
                self.env.uid,
                now,
                ids,
                [self._plan_name(label, name) for _partner_id, name, _user_id in customers],
                [partner_id for partner_id, _name, _user_id in customers],
                [user_id for _partner_id, _name, user_id in customers],
            ),
        )
        self.env.cr.execute(
            """INSERT INTO customer_care_plan_step
                      (plan_id, step, sequence, state, company_id, create_uid, create_date,
                       write_uid, write_date)
               SELECT p.id, s.step, s.sequence, 'todo', %s, %s, %s, %s, %s
                 FROM unnest(%s::int[]) AS p(id)
           CROSS JOIN unnest(%s::varchar[], %s::int[]) AS s(step, sequence)
             ORDER BY p.id, s.sequence""",
            (company.id, self.env.uid, now, self.env.uid, now, ids, steps, sequences),
        )
        self.invalidate_model()
        self.env["customer.care.plan.step"].invalidate_model()
        return ids

    # -- state actions ----------------------------------------------------
    def action_plan(self):
        """Confirm the contact: it is on the responsible's agenda."""
        self._check_state(("draft",), self.env._("Only draft care plans can be planned."))
        self.write({"state": "planned"})
        return True

    def action_start(self):
        """The contact begins: the caller now runs the four steps."""
        self._check_state(
            ("draft", "planned"), self.env._("Only draft or planned care plans can be started.")
        )
        self.write({"state": "in_progress"})
        return True

    def action_done(self):
        """Close the contact once the four steps are closed, with its outcome.

        The customer's last contact becomes today and the next care date
        moves by the care group's cadence.
        """
        self._check_state(OPEN_PLAN_STATES, self.env._("This care plan is already closed."))
        step_labels = dict(
            self.env["customer.care.plan.step"]._fields["step"]._description_selection(self.env)
        )
        for plan in self:
            # a step missing from the plan (removed) counts as still to do
            states = dict.fromkeys(STEP_CODES, "todo") | {s.step: s.state for s in plan.step_ids}
            remaining = care_sequence.open_steps(states)
            if remaining:
                raise UserError(
                    self.env._(
                        "The care plan %(plan)s cannot be closed: these steps are still "
                        "to do (mark them done or skip them with a reason): %(steps)s",
                        plan=plan.display_name,
                        steps=", ".join(step_labels[code] for code in remaining),
                    )
                )
            if not plan.outcome:
                raise UserError(
                    self.env._(
                        "Record the outcome of the care plan %s before closing it.",
                        plan.display_name,
                    )
                )
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        self._care_update_partner_dates()
        # as superuser: the follow-up may have been handed to another care user
        # than the incident's, who may not edit that incident; only its
        # follow-up state moves (resolved -> followed up / closed), and only
        # when this plan is the incident's own follow-up
        self.sudo().filtered(
            lambda plan: plan.incident_id.followup_plan_id == plan
        ).incident_id._on_followup_done()
        return True

    def action_cancel(self):
        self._check_state(OPEN_PLAN_STATES, self.env._("This care plan is already closed."))
        self.write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        self._check_state(("cancelled",), self.env._("Only cancelled care plans can be reset."))
        self.write({"state": "draft"})
        return True

    # -- channel actions --------------------------------------------------
    def action_send_email(self):
        """Open the composer with the care email, for a customer who may be emailed."""
        self.ensure_one()
        self._check_can_contact("email")
        template = self.env.ref("customer_care.mail_template_care_plan", raise_if_not_found=False)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Care Email"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": template.id if template else False,
                "default_email_layout_xmlid": EMAIL_LAYOUT,
                "force_email": True,
            },
        }

    def action_send_sms(self):
        """Send the care SMS to a customer who may be texted; logged on the plan."""
        self.ensure_one()
        number = self._check_can_contact("sms")
        template = self.env.ref("customer_care.sms_template_care_plan", raise_if_not_found=False)
        self._message_sms_with_template(
            template=template,
            template_fallback=self.env._("Thank you for being our customer."),
            partner_ids=self.partner_id.ids,
            sms_pid_to_number={self.partner_id.id: number},
        )
        return True

    def action_log_contact(self):
        """Log the call outcome or the social-network exchange on the plan."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Social Exchange")
            if self.channel == "social"
            else self.env._("Log Call"),
            "res_model": "customer.care.plan.log.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

    def action_schedule_visit(self):
        """Put the visit in the calendar, linked to the plan, and open it."""
        self.ensure_one()
        if not self.calendar_event_id:
            self._check_can_contact("visit")
            start = self._care_visit_start()
            user = self.user_id or self.env.user
            self.calendar_event_id = self.env["calendar.event"].create(
                {
                    "name": self.env._("Care visit: %s", self.partner_id.display_name),
                    "start": start,
                    "stop": start + timedelta(hours=VISIT_HOURS),
                    "user_id": user.id,
                    "partner_ids": [fields.Command.set((user.partner_id | self.partner_id).ids)],
                    "location": self.partner_id.contact_address_inline,
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": self.id,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": self.calendar_event_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_lead(self):
        self.ensure_one()
        return self._care_lead_action(self.lead_id)

    # -- business methods -------------------------------------------------
    def _check_state(self, allowed, message):
        if any(plan.state not in allowed for plan in self):
            raise UserError(message)

    def _check_can_contact(self, channel):
        """Refuse to reach a dropped customer or a blacklisted address or number.

        Consent always holds (brief §4): returns the number to text for SMS.
        """
        self.ensure_one()
        partner = self.partner_id.sudo()
        if partner.care_state == STATE_DROPPED:
            raise UserError(
                self.env._(
                    "%s was dropped by a care manager and receives no care contacts.",
                    partner.display_name,
                )
            )
        if channel == "email":
            if not partner.email_normalized:
                raise UserError(self.env._("%s has no valid email address.", partner.display_name))
            if (
                self.env["mail.blacklist"]
                .sudo()
                .search_count([("email", "=", partner.email_normalized)], limit=1)
            ):
                raise UserError(
                    self.env._(
                        "%(partner)s opted out of emails (%(email)s is blacklisted): "
                        "no care email can be sent.",
                        partner=partner.display_name,
                        email=partner.email_normalized,
                    )
                )
        if channel == "sms":
            number = partner.phone_sanitized
            if not outreach.plausible_phone(number):
                raise UserError(
                    self.env._("%s has no valid phone number for SMS.", partner.display_name)
                )
            if self.env["phone.blacklist"].sudo().search_count([("number", "=", number)], limit=1):
                raise UserError(
                    self.env._(
                        "%(partner)s opted out of text messages (%(number)s is "
                        "blacklisted): no care SMS can be sent.",
                        partner=partner.display_name,
                        number=number,
                    )
                )
            return number
        return True

    def _care_update_partner_dates(self):
        """Last contact today; next contact after the care group's cadence."""
        today = fields.Date.context_today(self)
        for plan in self:
            # the care user closing the plan may edit the customer: no sudo
            partner = plan.partner_id
            next_date = cadence.next_care_date(today, partner.care_group_id.cadence_days, today)
            partner.write({"care_last_contact_date": today, "care_next_date": next_date or False})

    def _care_ensure_opportunity(self, text, title, amount=0.0):
        """Create the plan's opportunity, or add to it: needs and interest become sales."""
        self.ensure_one()
        self.check_access("write")
        paragraph = Markup("<p>%s</p>") % text
        lead = self.lead_id
        if lead:
            lead = lead if lead.has_access("write") else lead.sudo()
            lead.write(
                {
                    "description": (lead.description or Markup()) + paragraph,
                    "expected_revenue": lead.expected_revenue + amount,
                }
            )
            self._message_log(
                body=self.env._(
                    "Opportunity %(lead)s updated: %(text)s", lead=lead._get_html_link(), text=text
                )
            )
            return lead
        leads = self.env["crm.lead"]
        if not leads.has_access("create"):
            leads = leads.sudo()
        lead = leads.create(
            {
                "name": self.env._(
                    "Care: %(partner)s - %(title)s",
                    partner=self.partner_id.display_name,
                    title=title,
                ),
                "type": "opportunity",
                "partner_id": self.partner_id.id,
                "user_id": self.user_id.id,
                "company_id": self.company_id.id,
                "description": paragraph,
                "expected_revenue": amount,
            }
        )
        # the one path linking an existing plan to an opportunity (see write),
        # after the check_access above
        self.sudo().lead_id = lead
        self._message_log(
            body=self.env._("Opportunity %s created from this care contact.", lead._get_html_link())
        )
        return lead

    def _care_lead_action(self, lead):
        """Open the opportunity when the user may see it (care staff may not sell)."""
        if not lead or not lead.has_access("read"):
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _care_visit_start(self):
        """The visit starts at ten in the responsible's time zone on the deadline (UTC)."""
        tz = pytz.timezone((self.user_id or self.env.user).tz or "UTC")
        local = tz.localize(datetime.combine(self.date_deadline, time(VISIT_HOUR)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)
