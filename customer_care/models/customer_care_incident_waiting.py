from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..logic import sla
from ..logic.incidents import WAITING
from .care_refs import optional_ref

WAITING_FROM = ("new", "acknowledged", "in_progress")
REMINDER_BATCH = 500
REMINDER_TEMPLATE = "customer_care.mail_template_care_incident_waiting_reminder"
# a policy-less incident is reminded after as many days as a new policy
DEFAULT_REMINDER_DAYS = 3


class CustomerCareIncident(models.Model):
    """Waiting for the customer (photos, an answer): the resolution clock
    pauses while the incident waits, resumes on the customer's reply from
    any door (email, portal, chat apps: one hook on the posted message) or
    by hand, and the customer is reminded politely every few days.  A
    waiting incident never closes by itself: silence is not solved.

    The paused time is kept in two totals: calendar hours, taken off the
    resolution time of the reports, and the hours of the clock (working
    hours when the policy counts working time), which push the resolution
    deadline, the stricter target and the at-risk moment.  The stored
    deadlines are therefore the promise as it stands after the pauses; the
    pause totals in the *SLA* tab show how far it moved.
    """

    _inherit = "customer.care.incident"  # pylint: disable=consider-merging-classes-inherited

    date_waiting_since = fields.Datetime(
        string="Waiting Since",
        readonly=True,
        copy=False,
        help="When the incident started waiting for the customer; empty when it does not wait.",
    )
    waiting_hours = fields.Float(
        string="Paused (h)",
        readonly=True,
        copy=False,
        help="Hours the incident waited for the customer, taken off its resolution time.",
    )
    waiting_clock_hours = fields.Float(
        string="Clock Paused (h)",
        readonly=True,
        copy=False,
        help="Hours of the resolution clock paused (working hours when the SLA policy "
        "counts working time): the resolution deadline moved by as much.",
    )
    waiting_reminder_count = fields.Integer(string="Reminders Sent", readonly=True, copy=False)
    date_waiting_reminder = fields.Datetime(string="Last Reminder", readonly=True, copy=False)

    # -- the clocks, paused ---------------------------------------------------
    @api.depends("date_received", "sla_policy_id", "waiting_clock_hours")
    def _compute_sla_deadlines(self):
        """The policy's deadlines, the resolution clock pushed by the time
        it was paused (``logic/sla.py`` ``shift_resolution``) in the working
        time of the clocks (``_sla_calendar``)."""
        res = super()._compute_sla_deadlines()
        paused = self.filtered(lambda i: i.waiting_clock_hours > 0 and i.resolution_deadline)
        groups = defaultdict(lambda: self.browse())
        for incident in paused:
            groups[incident.sla_policy_id, incident._sla_calendar()] |= incident
        for (policy, calendar), incidents in groups.items():
            working = policy.sudo()._waiting_working_time(incidents, calendar)
            for incident in incidents:
                deadlines = sla.Deadlines(
                    response=incident.response_deadline,
                    resolution=incident.resolution_deadline,
                    target=incident.target_deadline,
                    response_risk=incident.date_response_risk,
                    resolution_risk=incident.date_resolution_risk,
                )
                hours = incident.waiting_clock_hours
                shifted = (working and sla.shift_resolution(deadlines, hours, working)) or (
                    sla.shift_resolution(deadlines, hours)
                )
                incident.update(
                    {
                        "resolution_deadline": shifted.resolution,
                        "target_deadline": shifted.target,
                        "date_resolution_risk": shifted.resolution_risk,
                    }
                )
        return res

    @api.depends("date_received", "date_first_response", "date_resolved", "waiting_hours")
    def _compute_handling_hours(self):
        """The resolution time without the time the customer was waited for."""
        res = super()._compute_handling_hours()
        for incident in self.filtered(lambda i: i.date_resolved and i.waiting_hours):
            incident.resolution_hours = max(incident.resolution_hours - incident.waiting_hours, 0.0)
        return res

    # -- actions ----------------------------------------------------------------
    def action_wait_for_customer(self):
        """Wait for the customer: the resolution clock pauses until the
        customer replies (or a care user resumes).  Asking the customer
        something is an answer: the response clock stops too."""
        self._check_state(WAITING_FROM, self.env._("Waiting for the customer"))
        now = fields.Datetime.now()
        self.filtered(lambda i: not i.date_first_response)._write_clocks(
            {"date_first_response": now}
        )
        self._write_state({"state": WAITING, "date_waiting_since": now})
        self._message_log_batch(
            dict.fromkeys(
                self.ids,
                Markup("<p>%s</p>")
                % self.env._(
                    "Waiting for the customer: the resolution clock is paused until "
                    "the customer replies."
                ),
            )
        )
        return True

    def action_resume_waiting(self):
        """Back to work by hand (the customer answered by phone…)."""
        self._check_state((WAITING,), self.env._("Resuming"))
        self.check_access("write")
        self._waiting_end(
            self.env._("Resumed by %s: the resolution clock runs again.", self.env.user.name)
        )
        return True

    def _waiting_end(self, note, state="in_progress"):
        """End the pause: the paused time joins the totals (the deadlines
        move), the incident goes to ``state``.  Written as superuser: the
        callers checked the right to do it (the button, the customer's
        reply, the resolution)."""
        incidents = self.sudo().filtered(lambda i: i.state == WAITING)
        if not incidents:
            return
        now = fields.Datetime.now()
        Policy = self.env["customer.care.sla.policy"].sudo()
        for incident in incidents:
            calendar = incident._sla_calendar()
            since = incident.date_waiting_since or now
            working = calendar and Policy._working_time(calendar, since, now)
            values = {
                "date_waiting_since": False,
                "waiting_hours": incident.waiting_hours + sla.paused_hours(since, now),
                "waiting_clock_hours": incident.waiting_clock_hours
                + sla.paused_hours(since, now, working or None),
            }
            if state:
                values["state"] = state
            incident.write(values)
        if note:
            incidents._message_log_batch(dict.fromkeys(incidents.ids, Markup("<p>%s</p>") % note))

    # -- the customer's reply, from any door ----------------------------------------
    def _message_post_after_hook(self, message, msg_values):
        """Every door posts the customer's words on the incident through
        ``message_post`` (the mail gateway, the portal chatter, the chat
        apps): a message of the customer (the incident's customer or a
        contact of the same company), not a note nor an automatic reply,
        ends the wait."""
        res = super()._message_post_after_hook(message, msg_values)
        waiting = self.filtered(lambda i: i.state == WAITING)
        if waiting and self._is_customer_reply(message):
            customer = message.author_id.commercial_partner_id
            waiting.filtered(
                lambda i: i.commercial_partner_id == customer
            )._waiting_customer_replied()
        return res

    def _waiting_customer_replied(self):
        """The customer replied: those of these incidents that wait work
        again.  For a door whose conversation is posted elsewhere than on
        the incident (the live chat's channel), once it checked the author."""
        self.filtered(lambda i: i.state == WAITING)._waiting_end(
            self.env._("The customer replied: the resolution clock runs again.")
        )

    # -- the reminder --------------------------------------------------------------
    @api.model
    def _cron_remind_waiting(self, batch_size=None):
        """Remind the customers the incidents wait for, once every
        ``reminder_days`` of the policy: claim a batch of due incidents
        (``FOR UPDATE SKIP LOCKED``), post the reminders, record them,
        commit through ``ir.cron._commit_progress``.  The incident keeps
        waiting: it never closes by itself."""
        batch_size = batch_size or REMINDER_BATCH
        now = fields.Datetime.now()
        total = self._waiting_reminder_count_due(now)
        return self._run_claimed_batches(
            total,
            lambda: self._waiting_reminder_claim(now, batch_size),
            lambda incidents: (
                incidents._send_waiting_reminders(),
                incidents._waiting_reminder_mark(now),
            ),
        )

    def _waiting_reminder_due_sql(self, now):
        """The waiting incidents whose reminder is due at ``now``."""
        return SQL(
            """FROM %(table)s i
          LEFT JOIN customer_care_sla_policy p ON p.id = i.sla_policy_id
              WHERE i.state = %(waiting)s AND i.date_waiting_since IS NOT NULL
                AND COALESCE(p.reminder_days, %(default)s) > 0
                AND COALESCE(i.date_waiting_reminder, i.date_waiting_since)
                    + make_interval(days => COALESCE(p.reminder_days, %(default)s)) <= %(now)s""",
            table=SQL.identifier(self._table),
            waiting=WAITING,
            default=DEFAULT_REMINDER_DAYS,
            now=now,
        )

    @api.model
    def _waiting_reminder_count_due(self, now):
        self.env.flush_all()
        return self.env.execute_query(
            SQL("SELECT count(*) %s", self._waiting_reminder_due_sql(now))
        )[0][0]

    @api.model
    def _waiting_reminder_claim(self, now, limit):
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT i.id %s ORDER BY i.id LIMIT %s FOR UPDATE OF i SKIP LOCKED",
                self._waiting_reminder_due_sql(now),
                limit,
            )
        )
        return [row[0] for row in rows]

    def _waiting_reminder_mark(self, now):
        """Recorded in the transaction that posted the reminders."""
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """UPDATE %s SET date_waiting_reminder = %s,
                          waiting_reminder_count = COALESCE(waiting_reminder_count, 0) + 1
                    WHERE id IN %s""",
                SQL.identifier(self._table),
                now,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["date_waiting_reminder", "waiting_reminder_count"])

    def _send_waiting_reminders(self):
        """The reminder, in the customer's language, posted on the incident
        (the customer reads it in the portal too) and emailed to a customer
        with a usable address.  One composer per company renders the whole
        group; posted as an automated message of the company, so it is no
        care user's answer and no customer's reply."""
        template = optional_ref(self.env, REMINDER_TEMPLATE, "the reminder of waiting incidents")
        if not template:
            return self.env["mail.message"]
        groups = defaultdict(list)
        for incident in self.sudo():
            groups[template, incident.company_id].append(incident.id)
        return self._post_company_templates(groups)
