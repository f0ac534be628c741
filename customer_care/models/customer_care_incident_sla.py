from collections import defaultdict

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL

from ..logic import sla
from ..logic.incidents import RUNNING_STATES, WAITING
from .care_refs import activity_type_ref

SLA_BATCH = 1000
SLA_RETRIES = 5
# a generic to-do replaces it when an administrator deleted it
ESCALATION_TYPE = "customer_care.mail_activity_type_care_escalation"
DEADLINE_FIELDS = (
    "response_deadline",
    "resolution_deadline",
    "target_deadline",
    "date_response_risk",
    "date_resolution_risk",
)


class CustomerCareIncident(models.Model):
    """The SLA clocks of an incident (brief §5): the policy that matches it,
    its deadlines, the state of its clocks (on track → at risk → breached),
    and the scheduled check that moves them and escalates breaches, once
    per level.

    A batch of the check is one selecting query, one read of the clock
    columns, the pure rules of ``logic/sla.py`` and grouped writes: a
    constant number of queries, plus a few per hundred escalations (the
    activities and notes go through the mail API).
    """

    _inherit = "customer.care.incident"  # pylint: disable=consider-merging-classes-inherited

    sla_policy_id = fields.Many2one(
        "customer.care.sla.policy",
        string="SLA Policy",
        compute="_compute_sla_policy_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        help="The most specific policy matching kind, care group and priority.",
    )

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

    _escalation_range = models.Constraint(
        "CHECK(escalation_level >= 0 AND escalation_level <= 2)",
        "The escalation level is 0, 1 or 2.",
    )

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

    @api.depends("date_received", "sla_policy_id", "team_id")
    def _compute_sla_deadlines(self):
        """The policy's deadlines, in the working hours of the incident's
        care team when it has them, else in the policy's (see
        :meth:`_sla_calendar`).  A change of a team's hours moves its open
        incidents only (``customer.care.team.write``), as a policy's does."""
        groups = defaultdict(lambda: self.browse())
        for incident in self:
            groups[incident.sla_policy_id, incident._sla_calendar()] |= incident
        for (policy, calendar), incidents in groups.items():
            deadlines = {}
            if policy:
                deadlines = policy.sudo()._deadlines(
                    [incident.date_received for incident in incidents if incident.date_received],
                    calendar,
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

    def _sla_calendar(self):
        """The working hours the clocks of this incident run in: its care
        team's when the team has them, else its SLA policy's (empty: calendar
        time)."""
        self.ensure_one()
        return (
            self.team_id.sudo().resource_calendar_id
            or self.sla_policy_id.sudo().resource_calendar_id
        )

    def _running_deadline(self):
        self.ensure_one()
        if self.state not in RUNNING_STATES:
            return False
        if not self.date_first_response:
            return self.response_deadline
        return self.resolution_deadline

    # -- SLA check -------------------------------------------------------------
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
                """SELECT i.id, i.state, i.sla_state, i.escalation_level,
                          i.date_sla_next_check, i.sla_policy_id, i.company_id,
                          i.date_waiting_since, COALESCE(p.escalation_extra_hours, 0),
                          i.date_response_risk, i.response_deadline, i.date_first_response,
                          i.date_resolution_risk, i.resolution_deadline, i.date_resolved
                     FROM %s i
                LEFT JOIN customer_care_sla_policy p ON p.id = i.sla_policy_id
                    WHERE i.id IN %s""",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        changes = []
        escalations = []
        for (
            incident_id,
            status,
            old_state,
            old_level,
            old_next,
            policy_id,
            company_id,
            waiting_since,
            extra,
            *times,
        ) in rows:
            clocks = sla.incident_clocks(*times)
            # waiting for the customer: the clocks stand still where they paused
            paused = status == WAITING and waiting_since and min(waiting_since, now)
            state = sla.sla_state(paused or now, clocks)
            level = old_level or 0
            upcoming = None
            if status in RUNNING_STATES and clocks:
                reached = sla.escalation_level(now, clocks, extra)
                escalations += [
                    ((incident_id, policy_id, company_id), lvl)
                    for lvl in range(level + 1, reached + 1)
                ]
                level = max(level, reached)
                upcoming = sla.next_check(now, clocks, extra) or None
            if (state, level, upcoming) != (old_state, old_level or 0, old_next):
                changes.append((incident_id, state, level, upcoming))
        if changes:
            # one UPDATE for the batch, whatever the number of distinct values
            self.env.cr.execute(
                SQL(
                    """UPDATE %s i
                          SET sla_state = v.state, escalation_level = v.level,
                              date_sla_next_check = v.next_check
                         FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::timestamp[])
                              AS v(id, state, level, next_check)
                        WHERE i.id = v.id""",
                    SQL.identifier(self._table),
                    *map(list, zip(*changes, strict=True)),
                )
            )
            changed = self.browse(row[0] for row in changes)
            fnames = ["sla_state", "escalation_level", "date_sla_next_check"]
            changed.invalidate_recordset(fnames)
            changed.modified(fnames)
        self._sla_escalate(escalations)

    def _sla_escalate(self, escalations):
        """One activity per recipient and a chatter note per escalated incident.

        Level 1 reaches the care manager of the policy (or of the company),
        level 2 senior management (see ``_escalation_users`` of the policy);
        only active internal care users of the incident's company are
        given the work, read for the whole batch in one query.  The level is
        stored with the state, so a level is never escalated twice.

        :param escalations: ``[((id, policy id, company id), level)]``
        """
        if not escalations:
            return
        Policy = self.env["customer.care.sla.policy"].sudo()
        Company = self.env["res.company"].sudo()
        keys = {
            (policy_id, company_id, level) for (_id, policy_id, company_id), level in escalations
        }
        candidates = {
            key: Policy.browse(key[0] or [])._escalation_candidates(key[2], Company.browse(key[1]))
            for key in keys
            if key[1]
        }
        everyone = self.env["res.users"].union(*(u for tiers in candidates.values() for u in tiers))
        assignable = Company.browse({key[1] for key in candidates})._care_assignable(everyone)
        everyone.mapped("partner_id.name")  # read the recipients' names at once
        recipients = {
            key: Policy.browse(key[0] or [])._escalation_users(
                key[2], Company.browse(key[1] or []), assignable
            )
            for key in keys
        }
        # the words of each (policy, company, level): once per batch
        words = {}
        for key, users in recipients.items():
            names = ", ".join(users.mapped("name")) or self.env._("nobody configured")
            if key[2] >= sla.LEVEL_SENIOR:
                summary = self.env._("SLA breach: senior management")
                text = self.env._(
                    "The SLA breach of this incident reaches senior management: %s.", names
                )
            else:
                summary = self.env._("SLA breached")
                text = self.env._("The SLA of this incident is breached: escalated to %s.", names)
            words[key] = (summary, Markup("<p>%s</p>") % text)
        activities = []  # (incident id, user, summary)
        bodies = defaultdict(Markup)
        for (incident_id, policy_id, company_id), level in escalations:
            key = (policy_id, company_id, level)
            summary, note = words[key]
            activities += [(incident_id, user, summary) for user in recipients[key]]
            bodies[incident_id] += note
        self._sla_write_escalations(activities, bodies)

    def _sla_write_escalations(self, activities, bodies):
        """Write a batch's escalation activities, followers and notes through
        the mail API, so that other modules' overrides apply.

        The activities are created in one ``create`` (automated, due today,
        no assignment email: ``mail_activity_quick_update``), which also
        makes each recipient follow the incidents they were given (one
        ``message_subscribe`` per recipient, with the default subtypes) and
        refreshes their activity counter; the notes are logged in one
        ``_message_log_batch``.  The ORM writes a hundred rows per
        statement: a batch costs a constant number of queries plus three per
        hundred escalations (activities, followers, notes).

        An activity carries its summary and no note: the incident's chatter
        note says who the breach was escalated to, and the activity's
        assignee is the one it was escalated to (an HTML note per activity
        repeated it, sanitized activity by activity, a third of the check's
        time at volume).

        :param activities: ``[(incident id, user, summary)]``
        :param bodies: ``{incident id: note}``
        """
        if activities:
            # the activities store the incident's name and the assignee's time
            # zone, which Odoo computes after the create one activity at a
            # time and writes with a second UPDATE of every row: given with
            # the rows (the values those computations give: the name read as
            # superuser, the user's tz), the INSERT writes them and their
            # computation is dropped for these activities
            names = {
                incident.id: incident.display_name
                for incident in self.sudo().browse({row[0] for row in activities})
            }
            activity_type_id = activity_type_ref(self.env, ESCALATION_TYPE).id
            model_id = self.env["ir.model"]._get_id(self._name)
            today = fields.Date.context_today(self)
            Activity = self.env["mail.activity"].sudo()
            created = Activity.with_context(mail_activity_quick_update=True).create(
                [
                    {
                        "res_model_id": model_id,
                        "res_model": self._name,
                        "res_id": incident_id,
                        "res_name": names[incident_id],
                        "activity_type_id": activity_type_id,
                        "summary": summary,
                        "date_deadline": today,
                        "user_id": user.id,
                        "user_tz": user.tz,
                        "automated": True,
                    }
                    for incident_id, user, summary in activities
                ]
            )
            for fname in ("res_name", "user_tz"):
                self.env.remove_to_compute(Activity._fields[fname], created)
        if bodies:
            self.browse(list(bodies))._message_log_batch(dict(bodies))

    # -- scheduled check ------------------------------------------------------
    @api.model
    def _cron_check_sla(self, batch_size=None):
        """Scheduled every 5 minutes: move the clocks of the due incidents,
        committing batch by batch."""
        batch_size = batch_size or SLA_BATCH
        return self._sla_check_due(batch_size=batch_size, commit=True)

    @api.model
    def _sla_check_due(self, now=None, batch_size=None, commit=False):
        """Refresh every open incident whose clock is due at ``now``.

        Each batch is one selecting query, the pure evaluation over the
        batch and grouped writes.  With ``commit`` each batch is committed
        through ``ir.cron._commit_progress``; without it (tests, demo data)
        everything stays in the current transaction.
        """
        batch_size = batch_size or SLA_BATCH
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
                if not time_left:
                    # the scheduler's slice is used up: it calls again while
                    # incidents remain due
                    return False
        if commit:
            cron._commit_progress(0, remaining=0)
        return True

    def _sla_due_ids(self, now, limit):
        self.flush_model(["date_sla_next_check", "state"])
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM %s
                    WHERE date_sla_next_check <= %s AND state IN %s
                 ORDER BY date_sla_next_check, id
                    LIMIT %s
                      FOR UPDATE SKIP LOCKED""",
                SQL.identifier(self._table),
                now,
                RUNNING_STATES,
                limit,
            )
        )
        return [row[0] for row in rows]

    def _sla_due_count(self, now):
        self.flush_model(["date_sla_next_check", "state"])
        rows = self.env.execute_query(
            SQL(
                "SELECT count(*) FROM %s WHERE date_sla_next_check <= %s AND state IN %s",
                SQL.identifier(self._table),
                now,
                RUNNING_STATES,
            )
        )
        return rows[0][0]
