import math
from datetime import timedelta, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..logic import sla
from ..logic.channels import PRIORITIES
from ..logic.incidents import INCIDENT_KINDS, OPEN_STATES

# fields whose change moves the deadlines of the open incidents
CLOCK_FIELDS = {
    "response_hours",
    "resolution_hours",
    "target_hours",
    "at_risk_percent",
    "escalation_extra_hours",
    "resource_calendar_id",
}
# a working-time deadline further than this is refused (the calendar is empty)
MAX_HORIZON_DAYS = 800


class CustomerCareSlaPolicy(models.Model):
    """How fast complaints are answered (brief §5): acknowledge within the
    response time, resolve within the resolution time, aim for the stricter
    target.  An incident takes the most specific active policy that matches
    its kind, care group and priority, then the lowest sequence."""

    _name = "customer.care.sla.policy"
    _description = "Care SLA Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the policy between companies."
    )
    description = fields.Text(translate=True)

    # -- what it applies to ---------------------------------------------
    kind = fields.Selection(INCIDENT_KINDS, help="Leave empty to apply to every kind.")
    care_group_ids = fields.Many2many(
        "customer.care.group",
        "customer_care_sla_policy_group_rel",
        "policy_id",
        "group_id",
        string="Care Groups",
        context={"active_test": False},
        help="Leave empty to apply to every care group. Archived groups are left out: "
        "a policy whose groups are all archived applies to nobody.",
    )
    priority = fields.Selection(PRIORITIES, help="Leave empty to apply to every priority.")

    # -- clocks ------------------------------------------------------------
    response_hours = fields.Float(
        default=1.0, tracking=True, help="Acknowledge the customer within this many hours."
    )
    resolution_hours = fields.Float(
        default=24.0, tracking=True, help="Resolve within this many hours."
    )
    target_hours = fields.Float(
        default=12.0,
        tracking=True,
        help="The stricter resolution target; past it the incident is at risk.",
    )
    at_risk_percent = fields.Float(
        string="At Risk From (%)",
        default=80.0,
        tracking=True,
        help="A clock is at risk once this share of its time is used.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Time",
        tracking=True,
        help="Clocks run only during these working hours (public holidays "
        "excluded); leave empty for round-the-clock calendar time. The working hours "
        "of an incident's care team, when it has them, replace these.",
    )

    def _waiting_working_time(self, incidents, calendar=None):
        """The working time of the clocks of these paused incidents (the
        policy's, or ``calendar``: their team's working hours) from the
        earliest resolution moment to past the latest one pushed by its
        pause; ``None`` in calendar time."""
        calendar = self.resource_calendar_id if calendar is None else calendar
        if not calendar:
            return None
        start = min(i.date_resolution_risk or i.resolution_deadline for i in incidents)
        stop = max(
            max(i.resolution_deadline, i.target_deadline or i.resolution_deadline)
            for i in incidents
        )
        hours = max(incidents.mapped("waiting_clock_hours"))
        per_week = calendar.hours_per_week or 40.0
        horizon = 14 + 7 * math.ceil(hours / max(per_week, 1.0))
        return self._working_time(calendar, start, stop + timedelta(days=horizon))

    # -- escalation ----------------------------------------------------------
    escalation_user_id = fields.Many2one(
        "res.users",
        string="Escalate To",
        domain=[("share", "=", False)],
        help="The care manager who gets breached incidents; empty means the "
        "company's escalation manager (Settings), else the first care manager.",
    )
    senior_user_id = fields.Many2one(
        "res.users",
        string="Senior Escalation",
        domain=[("share", "=", False)],
        help="Senior manager reached at the second level; empty means the "
        "company's senior manager or senior group (Settings).",
    )
    escalation_extra_hours = fields.Float(
        string="Senior After (hours)",
        default=4.0,
        tracking=True,
        help="A breach still open this many hours later reaches senior management; "
        "a second breached clock reaches it at once.",
    )
    reminder_days = fields.Integer(
        string="Remind After (days)",
        default=3,
        tracking=True,
        help="An incident waiting for the customer sends the customer a polite reminder "
        "every this many days; 0 sends none. It never closes by itself.",
    )
    incident_count = fields.Integer(compute="_compute_incident_count")

    _hours_positive = models.Constraint(
        "CHECK(response_hours > 0 AND resolution_hours > 0 AND target_hours > 0 "
        "AND escalation_extra_hours >= 0 AND reminder_days >= 0)",
        "SLA hours must be positive.",
    )
    _at_risk_in_range = models.Constraint(
        "CHECK(at_risk_percent > 0 AND at_risk_percent <= 100)",
        "The at-risk share is a percentage between 0 and 100.",
    )

    def _compute_incident_count(self):
        counts = dict(
            self.env["customer.care.incident"]._read_group(
                [("sla_policy_id", "in", self.ids)], ["sla_policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.incident_count = counts.get(policy, 0)

    @api.constrains(
        "response_hours",
        "resolution_hours",
        "target_hours",
        "at_risk_percent",
        "escalation_extra_hours",
    )
    def _check_hours_order(self):
        for policy in self:
            if min(policy.response_hours, policy.resolution_hours, policy.target_hours) <= 0:
                raise ValidationError(
                    self.env._("The SLA hours of policy %s must be positive.", policy.name)
                )
            if policy.escalation_extra_hours < 0:
                raise ValidationError(
                    self.env._(
                        "The senior escalation delay of policy %s cannot be negative.",
                        policy.name,
                    )
                )
            if not 0 < policy.at_risk_percent <= 100:
                raise ValidationError(
                    self.env._("The at-risk share is a percentage between 0 and 100.")
                )
            if policy.response_hours > policy.resolution_hours:
                raise ValidationError(
                    self.env._("The response time cannot exceed the resolution time.")
                )
            if policy.target_hours > policy.resolution_hours:
                raise ValidationError(
                    self.env._(
                        "The target is stricter than the resolution time: it cannot exceed it."
                    )
                )

    def write(self, vals):
        res = super().write(vals)
        if CLOCK_FIELDS & set(vals):
            incidents = self.env["customer.care.incident"].search(
                [("sla_policy_id", "in", self.ids), ("state", "in", OPEN_STATES)]
            )
            incidents._recompute_sla_deadlines()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_by_incidents(self):
        """Incidents keep their policy: it holds their clocks and who they
        escalate to.  A policy no longer wanted is archived."""
        used = (
            self.env["customer.care.incident"]
            .sudo()
            .with_context(active_test=False)
            ._read_group([("sla_policy_id", "in", self.ids)], ["sla_policy_id"])
        )
        if used:
            raise UserError(
                self.env._(
                    "The SLA policies %s are used by incidents: archive them instead of "
                    "deleting them.",
                    ", ".join(policy.display_name for [policy] in used),
                )
            )

    def action_view_incidents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_care.customer_care_incident_action"
        )
        action.update(domain=[("sla_policy_id", "=", self.id)], context={})
        return action

    # -- matching --------------------------------------------------------
    def _specificity(self):
        self.ensure_one()
        return bool(self.kind) + bool(self.care_group_ids) + bool(self.priority)

    def _matches(self, kind, group, priority, company):
        self.ensure_one()
        return (
            (not self.company_id or self.company_id == company)
            and (not self.kind or self.kind == kind)
            and (not self.priority or self.priority == priority)
            and (not self.care_group_ids or group in self.care_group_ids.filtered("active"))
        )

    @api.model
    def _ranked(self, companies):
        """Active policies of these companies, the most specific first."""
        policies = (
            self.sudo()
            .with_context(active_test=True)
            .search([("company_id", "in", [*companies.ids, False])])
        )
        return policies.sorted(lambda p: (-p._specificity(), p.sequence, p.id))

    # -- clocks ------------------------------------------------------------
    def _terms(self):
        self.ensure_one()
        return sla.SlaTerms(
            response_hours=self.response_hours,
            resolution_hours=self.resolution_hours,
            target_hours=self.target_hours,
            at_risk_share=self.at_risk_percent / 100.0,
        )

    def _deadlines(self, received_list, calendar=None):
        """Deadlines of incidents received at these moments, in one pass.

        The clocks run in the policy's working time, or in ``calendar`` when
        given (the care team's working hours; an empty one: calendar time).
        In working time the calendar is read once for the whole span of the
        receptions; the span grows until every deadline falls inside it.
        Returns ``{received: Deadlines}``.
        """
        self.ensure_one()
        terms = self._terms()
        calendar = self.resource_calendar_id if calendar is None else calendar
        moments = sorted(set(received_list))
        if not calendar or not moments:
            return {moment: sla.compute_deadlines(moment, terms) for moment in moments}
        per_week = calendar.hours_per_week or 40.0
        horizon = 14 + 7 * math.ceil(terms.resolution_hours / max(per_week, 1.0))
        result, todo = {}, moments
        while todo and horizon <= MAX_HORIZON_DAYS:
            working = self._working_time(calendar, todo[0], todo[-1] + timedelta(days=horizon))
            for moment in todo:
                deadlines = sla.compute_deadlines(moment, terms, working)
                if deadlines:
                    result[moment] = deadlines
            todo = [moment for moment in todo if moment not in result]
            horizon *= 2
        for moment in todo:  # a calendar without working time: fall back to calendar time
            result[moment] = sla.compute_deadlines(moment, terms)
        return result

    def _working_time(self, calendar, start, stop):
        """The calendar's working intervals (public holidays removed) as plain UTC data."""
        intervals = calendar._work_intervals_batch(
            (start - timedelta(days=1)).replace(tzinfo=timezone.utc),
            stop.replace(tzinfo=timezone.utc),
        )[False]
        return sla.WorkingTime(
            (
                begin.astimezone(timezone.utc).replace(tzinfo=None),
                end.astimezone(timezone.utc).replace(tzinfo=None),
            )
            for begin, end, _meta in intervals
        )

    # -- escalation --------------------------------------------------------
    def _escalation_candidates(self, level, company):
        """Who an incident of this policy may reach at an escalation level,
        in order of preference: a list of recordsets, the first one holding
        a user who can take the work wins.

        Level 2 reaches the policy's senior manager, else the company's,
        else every member of the senior group (members through an implied
        group included); then, as level 1, the policy's escalation manager,
        else the company's.  The first care manager of the company is the
        last resort (:meth:`_escalation_users`).
        """
        company = company.sudo()
        candidates = []
        if level >= sla.LEVEL_SENIOR:
            candidates += [
                self.sudo().senior_user_id,
                company.care_senior_user_id,
                company.care_senior_group_id.with_context(active_test=False).all_user_ids,
            ]
        candidates += [self.sudo().escalation_user_id, company.care_escalation_user_id]
        return candidates

    def _escalation_users(self, level, company, assignable=None):
        """Who an incident of this policy reaches at an escalation level.

        Only active internal care users of the incident's company take the
        work (:meth:`res.company._care_assignable`); a configured user who is
        archived, no care user or of another company is passed over for the
        next one, then for the company's first care manager.  ``assignable``
        (the ``(user id, company id)`` pairs of a whole batch, read in one
        query) spares the query per call.
        """
        company = company.sudo()
        if not company:
            return self.env["res.users"]
        candidates = self._escalation_candidates(level, company)
        if assignable is None:
            assignable = company._care_assignable(self.env["res.users"].union(*candidates))
        for users in candidates:
            chosen = users.filtered(lambda u: (u.id, company.id) in assignable)
            if chosen:
                return chosen.sorted("id")
        return company._care_first_manager()
