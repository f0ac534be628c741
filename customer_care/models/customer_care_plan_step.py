from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import care_sequence
from ..logic.care_sequence import STEP_STATES, STEPS

# set only by the step actions (done, skip, reopen), in sequence order
CLOSING_FIELDS = {"state", "date_done", "user_id", "skip_reason"}


class CustomerCarePlanStep(models.Model):
    """One of the four steps of a care contact, with its recorded outcome.

    Every contact runs recall → needs → answer → offer (brief §2); a step
    closes only after the previous one is done or skipped with a reason, so
    no contact jumps straight to selling.
    """

    _name = "customer.care.plan.step"
    _description = "Care Plan Step"
    _order = "plan_id, sequence, id"
    _rec_name = "step"

    plan_id = fields.Many2one(
        "customer.care.plan", string="Care Plan", required=True, index=True, ondelete="cascade"
    )
    step = fields.Selection(STEPS, required=True)
    sequence = fields.Integer(compute="_compute_sequence", store=True)
    state = fields.Selection(STEP_STATES, required=True, default="todo", readonly=True)
    note = fields.Text(help="What was said in this step.")
    date_done = fields.Datetime(string="Closed On", readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", string="Closed By", readonly=True, copy=False, help="Who closed the step."
    )
    skip_reason = fields.Text(readonly=True, copy=False)
    partner_id = fields.Many2one(related="plan_id.partner_id", string="Customer")
    plan_state = fields.Selection(related="plan_id.state", string="Plan Status")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)

    # -- 1. recall past value ---------------------------------------------
    satisfied_point_ids = fields.Many2many(
        "customer.care.point",
        "customer_care_plan_step_satisfied_rel",
        "step_id",
        "point_id",
        string="Satisfied With",
        domain=[("kind", "=", "satisfied")],
    )
    dissatisfied_point_ids = fields.Many2many(
        "customer.care.point",
        "customer_care_plan_step_dissatisfied_rel",
        "step_id",
        "point_id",
        string="Dissatisfied With",
        domain=[("kind", "=", "dissatisfied")],
    )
    satisfied_note = fields.Text(string="What Pleased Them")
    dissatisfied_note = fields.Text(string="What Disappointed Them")
    # -- 2. learn current needs -------------------------------------------
    needs_note = fields.Text(
        string="Wishes and Proposals", help="The customer's present wishes, proposals and needs."
    )
    lead_id = fields.Many2one(related="plan_id.lead_id", string="Opportunity")
    # -- 3. answer questions ----------------------------------------------
    question_ids = fields.One2many("customer.care.plan.question", "step_id", string="Questions")
    # -- 4. introduce new value -------------------------------------------
    offer_ids = fields.One2many("customer.care.plan.offer", "step_id", string="Offers Presented")

    _plan_step_uniq = models.Constraint(
        "UNIQUE(plan_id, step)", "A care plan runs each step only once."
    )

    @api.depends("step")
    def _compute_sequence(self):
        for step in self:
            step.sequence = care_sequence.step_sequence(step.step) if step.step else 0

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("state", "todo") != "todo"
            or any(vals.get(fname) for fname in CLOSING_FIELDS - {"state"})
            for vals in vals_list
        ):
            raise UserError(self._closing_refusal())
        return super().create(vals_list)

    def write(self, vals):
        if "step" in vals and any(step.step != vals["step"] for step in self):
            raise UserError(self.env._("A step of the care sequence cannot change into another."))
        if not self.env.su and CLOSING_FIELDS.intersection(vals):
            raise UserError(self._closing_refusal())
        return super().write(vals)

    def _closing_refusal(self):
        return self.env._(
            "The status of a care step changes only through the step's buttons (Done, "
            "Skip with a reason, Reopen), in the order of the care sequence."
        )

    def _write_closing(self, vals):
        """The step actions' one way to write the closing fields, which
        nobody writes directly (see ``write``): as superuser once the user's
        own right to edit the step is checked; ``user_id`` stays the real
        user."""
        self.check_access("write")
        return self.sudo().write(vals)

    # -- actions ----------------------------------------------------------
    def action_done(self):
        """Close the steps with their outcome, in sequence order."""
        for step in self.sorted("sequence"):
            step._check_can_close()
            step._check_outcome()
            step._write_closing(
                {
                    "state": "done",
                    "date_done": fields.Datetime.now(),
                    "user_id": self.env.user.id,
                    "skip_reason": False,
                }
            )
            step._after_done()
        return True

    def action_skip(self, reason):
        """Skip the steps; only with a reason, so a skipped step still says why."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason why the step is skipped."))
        for step in self.sorted("sequence"):
            step._check_can_close()
            step._write_closing(
                {
                    "state": "skipped",
                    "date_done": fields.Datetime.now(),
                    "user_id": self.env.user.id,
                    "skip_reason": reason,
                }
            )
            step.plan_id._message_log(
                body=self.env._(
                    "Step %(step)s skipped: %(reason)s",
                    step=step._step_label(),
                    reason=reason,
                )
            )
        return True

    def action_open_skip_wizard(self):
        self.ensure_one()
        self._check_can_close()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Skip Step"),
            "res_model": "customer.care.plan.step.skip.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_step_id": self.id},
        }

    def action_reopen(self):
        """Back to do: the outcome stays, the step can be closed again."""
        if self.plan_id.filtered(lambda p: p.state in ("done", "cancelled")):
            raise UserError(self.env._("The steps of a closed care plan cannot be reopened."))
        for step in self.sorted("sequence", reverse=True):
            states = {other.step: other.state for other in step.plan_id.step_ids}
            later = care_sequence.closed_later_step(step.step, states)
            if later:
                later_label = dict(self._fields["step"]._description_selection(self.env))[later]
                raise UserError(
                    self.env._(
                        "Reopen %(later)s before %(step)s: care contacts keep their steps "
                        "closed in order.",
                        later=later_label,
                        step=step._step_label(),
                    )
                )
            step._write_closing(
                {"state": "todo", "date_done": False, "user_id": False, "skip_reason": False}
            )
        return True

    def action_create_opportunity(self):
        """Turn the customer's needs into a sales opportunity on the plan."""
        self.ensure_one()
        needs = (self.needs_note or "").strip()
        if not needs:
            raise UserError(
                self.env._(
                    "Write down the customer's needs before turning them into an opportunity."
                )
            )
        lead = self.plan_id._care_ensure_opportunity(
            self.env._("Needs: %s", needs), title=needs.splitlines()[0]
        )
        return self.plan_id._care_lead_action(lead)

    def action_open(self):
        """Open the step in its own form (from the plan's sequence)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self._step_label(),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    # -- business rules ---------------------------------------------------
    def _step_label(self):
        self.ensure_one()
        return dict(self._fields["step"]._description_selection(self.env))[self.step]

    def _check_can_close(self):
        """Refuse to close a step out of order or on a closed plan."""
        self.ensure_one()
        if self.plan_id.state in ("done", "cancelled"):
            raise UserError(self.env._("This care plan is closed: its steps cannot change."))
        if self.state != "todo":
            raise UserError(self.env._("The step %s is already closed.", self._step_label()))
        states = {step.step: step.state for step in self.plan_id.step_ids}
        blocking = care_sequence.blocking_step(self.step, states)
        if blocking:
            blocking_label = dict(self._fields["step"]._description_selection(self.env))[blocking]
            raise UserError(
                self.env._(
                    "The step %(step)s cannot be closed before %(previous)s is done or "
                    "skipped with a reason: care contacts run their steps in order.",
                    step=self._step_label(),
                    previous=blocking_label,
                )
            )

    def _check_outcome(self):
        """Questions left open must carry the date the customer was promised."""
        self.ensure_one()
        if self.step != "answer":
            return
        undated = self.question_ids.filtered(lambda q: q.state == "open" and not q.date_promised)
        if undated:
            raise UserError(
                self.env._(
                    "Promise the customer a date for every question not answered on the spot: %s",
                    ", ".join(undated.mapped("name")),
                )
            )

    def _after_done(self):
        """Outcomes that act: open questions get a reminder, interest an opportunity."""
        self.ensure_one()
        plan = self.plan_id
        if plan.state in ("draft", "planned"):
            plan.state = "in_progress"
        if self.step == "answer":
            open_questions = self.question_ids.filtered(lambda q: q.state == "open")
            for question in open_questions:
                plan.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=question.date_promised,
                    summary=self.env._("Answer promised to the customer"),
                    note=question.name,
                    user_id=plan.user_id.id or self.env.user.id,
                )
            open_questions._raise_incidents()
        elif self.step == "offer":
            interested = self.offer_ids.filtered(lambda o: o.reaction == "interested")
            if interested:
                plan._care_ensure_opportunity(
                    self.env._("Interested in: %s", ", ".join(interested.mapped("name"))),
                    title=interested[0].name,
                    amount=sum(interested.mapped("amount")),
                )
