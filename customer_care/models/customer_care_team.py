from ast import literal_eval
from collections import defaultdict
from datetime import timedelta, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..logic import routing
from ..logic.incidents import OPEN_STATES


class CustomerCareTeam(models.Model):
    """A care team owning an email address (customers reach care
    themselves): every email to its alias opens a ``customer.care.incident``
    of the team's company, acknowledged to the customer when the team says
    so.  The team also says who takes the new incidents the doors open
    (its routing, ``logic/routing.py``) and, with its working hours, when
    its members are in and when its SLA clocks run."""

    _name = "customer.care.team"
    _description = "Care Team"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    member_ids = fields.Many2many(
        "res.users",
        "customer_care_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain=[("share", "=", False)],
        check_company=True,
        help="Care users answering this team's emails; the first one gets the "
        "customer's replies when an incident has no responsible yet.",
    )
    alias_id = fields.Many2one(
        help="The email address of the team: each new email to it opens an incident."
    )
    acknowledge = fields.Boolean(
        default=True,
        help="Send the customer the acknowledgement email when an incident opens from an email.",
    )
    acknowledge_template_id = fields.Many2one(
        "mail.template",
        string="Acknowledgement Email",
        domain=[("model", "=", "customer.care.incident")],
        help="Sent in the customer's language; blacklisted addresses never get it.",
    )

    # -- routing of new incidents ----------------------------------------------
    assignment_method = fields.Selection(
        routing.ASSIGNMENT_METHODS,
        string="Assignment",
        required=True,
        default=routing.MANUAL,
        help="Who takes the new incidents customers open (email, website form, chat apps, "
        "live chat). Manual: nobody, the team takes them from the incident list. Round "
        "Robin: the members who are in, in turn. Least Busy: the member in with the fewest "
        "open incidents.",
    )
    assign_care_responsible = fields.Boolean(
        string="Care Responsible First",
        default=True,
        help="A new incident goes first to the customer's care responsible when they can "
        "take it: a care user of the company, in now and under the cap.",
    )
    assignment_cap = fields.Integer(
        string="Open Incidents per Person",
        default=0,
        help="Nobody is given a new incident while they have this many open incidents "
        "(those waiting for the customer included); 0 means no cap. When everyone is at "
        "the cap the incident stays unassigned.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        help="Who is in: the members work during these hours, public holidays excluded "
        "(empty: each member's own working hours). When set, the SLA clocks of the team's "
        "incidents run in these hours instead of the SLA policy's.",
    )
    routing_last_user_id = fields.Many2one(
        "res.users",
        string="Last Assigned",
        readonly=True,
        copy=False,
        help="Whose turn came last: the round robin goes on with the next member.",
    )

    _assignment_cap_positive = models.Constraint(
        "CHECK(assignment_cap >= 0)",
        "The cap of open incidents per person cannot be negative: 0 means no cap.",
    )

    @api.constrains("assignment_cap")
    def _check_assignment_cap(self):
        for team in self:
            if team.assignment_cap < 0:
                raise ValidationError(
                    self.env._(
                        "The cap of open incidents per person of the care team %s cannot be "
                        "negative: 0 means no cap.",
                        team.display_name,
                    )
                )

    def _alias_get_creation_values(self):
        """Emails to the alias open incidents of this team and its company."""
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("customer.care.incident")
        if self.id:
            defaults = literal_eval(self.alias_defaults or "{}")
            defaults.update({"team_id": self.id, "company_id": self.company_id.id})
            values["alias_defaults"] = repr(defaults)
            values["alias_contact"] = "everyone"
        return values

    @api.ondelete(at_uninstall=False)
    def _unlink_except_incidents(self):
        """The incidents opened from a team's address keep their team: such a
        team is archived, not deleted."""
        used = (
            self.env["customer.care.incident"]
            .sudo()
            ._read_group([("team_id", "in", self.ids)], ["team_id"], ["__count"])
        )
        if used:
            raise UserError(
                self.env._(
                    "Incidents were opened from the address of %s: archive the team "
                    "instead of deleting it.",
                    ", ".join(team.display_name for team, _count in used),
                )
            )

    def write(self, vals):
        res = super().write(vals)
        if "resource_calendar_id" in vals:
            # the clocks of the team's open incidents run in the new hours;
            # solved ones keep the deadlines they were held to
            incidents = (
                self.env["customer.care.incident"]
                .sudo()
                .search([("team_id", "in", self.ids), ("state", "in", OPEN_STATES)])
            )
            incidents._recompute_sla_deadlines()
        if "company_id" in vals:
            # the incidents an email opens follow the team's company
            for team in self.filtered("alias_id"):
                team.alias_id.sudo().alias_defaults = team._alias_get_creation_values()[
                    "alias_defaults"
                ]
        return res

    # -- who is in ---------------------------------------------------------------
    def _routing_present(self, now, extra_users=None):
        """``{team id: {user id}}``: who of each team's members (and of
        ``extra_users``, the customers' care responsibles) may take the
        team's work now: an active care user of the team's company
        (``res.company._care_assignable``), working now and not on time off.

        Working now: the team's working hours when it has them (their public
        holidays excluded), else the person's own: the calendar of their
        resource (their personal leaves excluded; a resource without one
        has flexible hours), else the company's working hours.  Time off: a
        validated leave now, when Time Off (``hr_holidays``) is installed.
        Everyone is read at once: a few queries per calendar, none per
        person.
        """
        teams = self.sudo()
        people = teams.member_ids | (extra_users or self.env["res.users"]).sudo()
        if not teams or not people:
            return {team.id: set() for team in self}
        assignable = teams.company_id._care_assignable(people)
        off = self._routing_time_off(people, now)
        working = {}  # {(team id, user id): bool}
        calendar_teams = teams.filtered("resource_calendar_id")
        hours_of = {
            calendar: self._routing_calendar_working(calendar, now)
            for calendar in calendar_teams.resource_calendar_id
        }
        for team in calendar_teams:
            working.update(
                ((team.id, user.id), hours_of[team.resource_calendar_id]) for user in people
            )
        if teams - calendar_teams:
            working.update((teams - calendar_teams)._routing_own_hours(people, now))
        return {
            team.id: {
                user.id
                for user in people
                if (user.id, team.company_id.id) in assignable
                and user.id not in off
                and working.get((team.id, user.id))
            }
            for team in teams
        }

    def _routing_own_hours(self, people, now):
        """``{(team id, user id): working now}`` by each person's own hours
        (see :meth:`_routing_present`), one computation per calendar."""
        resources = people.resource_ids
        resources.fetch(["calendar_id", "company_id", "user_id", "tz"])
        of_user = defaultdict(list)
        for resource in resources:
            of_user[resource.user_id.id].append(resource)
        by_calendar = defaultdict(list)  # {calendar: [(team id, user id, resource)]}
        result = {}
        for team in self:
            for user in people:
                mine = of_user.get(user.id, [])
                resource = next((r for r in mine if r.company_id == team.company_id), None) or (
                    mine[0] if mine else self.env["resource.resource"]
                )
                if resource and not resource.calendar_id:
                    result[team.id, user.id] = True  # flexible hours
                    continue
                calendar = resource.calendar_id or team.company_id.resource_calendar_id
                if calendar:
                    by_calendar[calendar].append((team.id, user.id, resource))
                else:
                    result[team.id, user.id] = True  # nobody's hours known
        for calendar, rows in by_calendar.items():
            if calendar.flexible_hours:
                result.update(((team_id, user_id), True) for team_id, user_id, _r in rows)
                continue
            of_calendar = self.env["resource.resource"].union(*(row[2] for row in rows))
            intervals = self._routing_intervals(calendar, now, of_calendar)
            for team_id, user_id, resource in rows:
                result[team_id, user_id] = routing.is_working(intervals[resource.id], now)
        return result

    @api.model
    def _routing_calendar_working(self, calendar, now):
        """Whether the team's working hours say work now, public holidays
        excluded (the way the SLA clocks read them)."""
        if calendar.flexible_hours:
            return True
        return routing.is_working(self._routing_intervals(calendar, now)[False], now)

    @api.model
    def _routing_intervals(self, calendar, now, resources=None):
        """``{resource id or False: [(start, stop)]}``: the working intervals
        around ``now`` (naive UTC) of ``calendar``, for ``resources`` (their
        time zones and personal leaves) and for the calendar itself."""
        start = now.replace(tzinfo=timezone.utc)
        found = calendar.sudo()._work_intervals_batch(
            start, start + timedelta(minutes=1), resources=resources or None
        )
        return {
            key: [
                (
                    begin.astimezone(timezone.utc).replace(tzinfo=None),
                    end.astimezone(timezone.utc).replace(tzinfo=None),
                )
                for begin, end, _meta in intervals
            ]
            for key, intervals in found.items()
        }

    @api.model
    def _routing_time_off(self, users, now):
        """The ids of ``users`` on validated time off now; nobody when Time
        Off (``hr_holidays``) is not installed (no dependency on it)."""
        if "hr.leave" not in self.env or not users:
            return set()
        groups = (
            self.env["hr.leave"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "in", users.ids),
                    ("state", "=", "validate"),
                    ("date_from", "<=", now),
                    ("date_to", ">", now),
                ],
                ["user_id"],
            )
        )
        return {user.id for [user] in groups}
