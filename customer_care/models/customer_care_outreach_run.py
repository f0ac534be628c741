import logging
import time
from datetime import datetime, timedelta

import pytz
from psycopg2.errors import SerializationFailure

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..logic import care_sequence, outreach

_logger = logging.getLogger(__name__)

BATCH_SIZE = 2000


class ConcurrentClaimError(SerializationFailure):
    """Another worker logged contacts of this batch first: redo the batch."""


# the care plan trigger of each outreach trigger
PLAN_TRIGGERS = {
    "birthday": "birthday",
    "anniversary": "anniversary",
    "tenure": "tenure",
    "win_back": "win_back",
    "potential": "potential",
}
RETRIES = 5


class CustomerCareOutreachRun(models.Model):
    """One run of an outreach rule, with its figures, and the engine that
    runs it: select a batch of candidates in one query, decide in Python
    with the pure rules of ``logic/outreach.py``, claim the contacts with
    one ``INSERT … ON CONFLICT DO NOTHING``, queue the messages in bulk,
    commit, next batch."""

    _name = "customer.care.outreach.run"
    _description = "Care Outreach Run"
    _order = "id desc"
    _rec_name = "date_start"

    rule_id = fields.Many2one(
        "customer.care.outreach.rule", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True)
    date_start = fields.Datetime(required=True, default=fields.Datetime.now)
    date_end = fields.Datetime()
    duration = fields.Float(string="Duration (s)", digits=(16, 2))
    state = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Done"),
            ("deferred", "Outside sending hours"),
            ("skipped", "Skipped"),
            ("stopped", "Stopped unfinished"),
        ],
        default="running",
        required=True,
    )
    note = fields.Char(readonly=True, help="Why the run was deferred, skipped or stopped.")
    run_date = fields.Date(
        string="Run Day",
        readonly=True,
        help="The day (company time) whose customers the run contacts; a run "
        "resumed by the scheduler keeps it.",
    )
    cursor = fields.Integer(
        readonly=True,
        help="The last customer (or order) handled: a resumed run goes on after it.",
    )
    candidate_count = fields.Integer(
        string="Candidates",
        readonly=True,
        help="Customers (or orders) the run's coarse filter found when it started.",
    )
    handled_count = fields.Integer(
        string="Handled", readonly=True, help="Candidates looked at so far."
    )
    selected = fields.Integer(help="Customers of the audience due for this run.")
    contacted = fields.Integer()
    already_done = fields.Integer(
        string="Already Contacted", help="Contacted earlier in the same period."
    )
    skipped_no_address = fields.Integer(string="Skipped: No Address")
    skipped_blacklisted = fields.Integer(string="Skipped: Opted Out")
    skipped_cooldown = fields.Integer(string="Skipped: Cooldown")
    skipped_cap = fields.Integer(string="Skipped: Contact Cap")
    failed = fields.Integer()
    summary = fields.Char(compute="_compute_summary")

    def _compute_summary(self):
        for run in self:
            run.summary = self.env._(
                "%(selected)s selected, %(contacted)s contacted, %(skipped)s skipped, "
                "%(failed)s failed",
                selected=run.selected,
                contacted=run.contacted,
                skipped=run.skipped_no_address
                + run.skipped_blacklisted
                + run.skipped_cooldown
                + run.skipped_cap
                + run.already_done,
                failed=run.failed,
            )

    def _reached_anyone(self):
        """Whether the run contacted, skipped or failed anyone (customers
        already contacted earlier in the period do not count)."""
        self.ensure_one()
        return bool(
            self.contacted
            or self.failed
            or self.skipped_no_address
            or self.skipped_blacklisted
            or self.skipped_cooldown
            or self.skipped_cap
        )

    # -- engine ----------------------------------------------------------------
    def _run_rule(self, rule):
        """Run ``rule`` over its audience, batch after batch, within the
        scheduler's time slice.

        One scheduled execution is one run record: when the slice is over
        the run stays *running* with its cursor, the scheduler is told how
        many candidates remain and calls the job again, and the next call
        goes on after the last customer handled.  Outside a scheduled action
        (tests, module data) the whole audience is done at once.
        """
        rule = rule.sudo()
        if rule.group_ids and not rule.group_ids.filtered("active"):
            return self._skip_without_groups(rule)
        cron = self.env["ir.cron"]
        company_tz = rule._company_tz()
        local_now = pytz.utc.localize(fields.Datetime.now()).astimezone(company_tz)
        run = self._resumable_run(rule, local_now.date())
        if rule.channel in ("email", "sms") and not outreach.in_sending_window(
            local_now.hour + local_now.minute / 60.0,
            rule.send_hour_from,
            rule.send_hour_to,
            rule.send_all_day,
        ):
            return self._defer(rule, run, local_now)
        if not run:
            run = self.sudo().create(
                {"rule_id": rule.id, "run_date": local_now.date(), "state": "running"}
            )
            run.candidate_count = self._count_candidates(rule, run.run_date)
            # the run record survives whatever happens to the batches
            cron._commit_progress(0, remaining=run.candidate_count)
        return self._run_batches(rule, run, company_tz)

    def _skip_without_groups(self, rule):
        """A rule limited to care groups that are all archived contacts
        nobody: an empty audience never falls back to "every group".  The
        skipped run says why, once a day; a run under way stops there."""
        local_now = pytz.utc.localize(fields.Datetime.now()).astimezone(rule._company_tz())
        note = self.env._(
            "Not run: all the care groups of this rule are archived (%s). Restore a "
            "group or change the rule's groups.",
            ", ".join(rule.group_ids.mapped("name")),
        )
        values = {"state": "skipped", "date_end": fields.Datetime.now(), "note": note}
        runs = self.sudo().search(
            [
                ("rule_id", "=", rule.id),
                "|",
                ("state", "=", "running"),
                "&",
                ("state", "=", "skipped"),
                ("run_date", "=", local_now.date()),
            ]
        )
        if runs:
            runs.write(values)
            run = runs[:1]
        else:
            run = self.sudo().create({"rule_id": rule.id, "run_date": local_now.date(), **values})
        return run

    def _resumable_run(self, rule, today):
        """The rule's unfinished run of ``today``, if any; an unfinished run
        of an earlier day is closed as stopped (its customers were due that
        day, the new run looks at today's)."""
        runs = self.sudo().search([("rule_id", "=", rule.id), ("state", "=", "running")])
        stale = runs.filtered(lambda run: run.run_date != today)
        if stale:
            stale.write(
                {
                    "state": "stopped",
                    "date_end": fields.Datetime.now(),
                    "note": self.env._("Not finished on its day; the next run took over."),
                }
            )
        return (runs - stale)[:1]

    def _defer(self, rule, run, local_now):
        """Outside the sending hours: nothing is sent; the scheduled action
        is triggered again when the window opens (company time).  A run
        already under way keeps its cursor and goes on then."""
        opening = outreach.next_window_opening(
            local_now.replace(tzinfo=None), rule.send_hour_from, rule.send_hour_to
        )
        at = rule._company_tz().localize(opening).astimezone(pytz.utc).replace(tzinfo=None)
        if rule.cron_id:
            rule.cron_id._trigger(at=at)
        if run:
            return run
        return self.sudo().create(
            {
                "rule_id": rule.id,
                "run_date": local_now.date(),
                "state": "deferred",
                "date_end": fields.Datetime.now(),
                "note": self.env._(
                    "Outside the sending hours; runs again at %(time)s (company time).",
                    time=opening.strftime("%Y-%m-%d %H:%M"),
                ),
            }
        )

    def _run_batches(self, rule, run, company_tz):
        cron = self.env["ir.cron"]
        retries = 0
        while True:
            started = time.monotonic()
            try:
                if run.state != "running":
                    # another worker finished this run meanwhile
                    cron._commit_progress(0, remaining=0)
                    return run
                rows = self._candidates(rule, run.cursor, run.run_date)
                if rows:
                    self._process_batch(rule, run, rows, run.run_date, company_tz)
                values = {
                    "handled_count": run.handled_count + len(rows),
                    "duration": run.duration + time.monotonic() - started,
                }
                if rows:
                    values["cursor"] = rows[-1]["cursor"]
                finished = len(rows) < BATCH_SIZE
                if finished:
                    # the audience is exhausted
                    values.update(state="done", date_end=fields.Datetime.now())
                run.write(values)
                self.env.flush_all()
            except SerializationFailure:
                # another worker claimed some of these contacts, or moved this
                # run on, since our snapshot: start the batch again on a fresh
                # one (the run's cursor is read again)
                retries += 1
                if retries > RETRIES:
                    raise
                self.env.cr.rollback()
                self.env.invalidate_all(flush=False)
                continue
            retries = 0
            if finished:
                if not run._reached_anyone():
                    # nobody new was due: a run record per scheduled execution
                    # that found nothing would only grow the table (the rule
                    # shows when it last checked)
                    run.unlink()
                    run = self.browse()
                cron._commit_progress(len(rows), remaining=0)
                return run
            remaining = max(run.candidate_count - run.handled_count, 1)
            if not cron._commit_progress(len(rows), remaining=remaining):
                # the scheduler's slice is used up: it calls the job again and
                # the run goes on after its cursor
                return run

    def _count_candidates(self, rule, today):
        """How many coarse candidates the run will walk through, one query."""
        query = self._candidate_query(rule, today)
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT count(*) FROM %s WHERE %s", query["source"], query["conditions"])
        )
        return self.env.cr.fetchone()[0]

    def _audience_subselect(self, rule, domain):
        """The customers the rule's audience filter selects, as an SQL subquery.

        The run is the scheduler's (superuser), but the filter is a manager's
        input: it is searched with the access rights of the user who set it
        (the rule's creator for filters saved before that was recorded), in
        the rule's company, whose purchase facts it reads.  A filter thus
        reaches no record and no field its author could not see.  When they
        can no longer search there (access removed, company left), it selects
        nobody.
        """
        author = rule.domain_user_id or rule.create_uid
        Partner = self.env["res.partner"].with_company(rule.company_id)
        if author:
            Partner = Partner.with_user(author)
        try:
            return Partner._search(domain).subselect()
        except AccessError as error:
            _logger.warning(
                "outreach rule %s: its audience filter is beyond the rights of %s, "
                "who set it; it selects nobody: %s",
                rule.id,
                author.login,
                error,
            )
            return SQL("(SELECT 1 WHERE FALSE)")

    def _candidate_query(self, rule, today):
        """The parts of the coarse candidate query of ``rule`` on ``today``:
        ``source``, ``conditions``, ``order_key`` (the cursor a run walks
        along) and ``occasion`` (the order of an order-based trigger)."""
        conditions = [
            SQL("p.active"),
            SQL("p.care_state IS DISTINCT FROM 'dropped'"),
            SQL("(p.company_id IS NULL OR p.company_id = %s)", rule.company_id.id),
        ]
        if rule.group_ids:
            # archived groups are left out; none active matches nobody
            conditions.append(
                SQL("p.care_group_id = ANY(%s)", rule.group_ids.filtered("active").ids or [0])
            )
        domain = rule._audience_domain()
        if not domain.is_true():
            conditions.append(SQL("p.id IN %s", self._audience_subselect(rule, domain)))
        occasion = SQL("NULL::int")
        source = SQL("res_partner p")
        order_key = SQL("p.id")
        trigger = rule.trigger
        if trigger == "birthday":
            days = outreach.candidate_month_days(today, rule.lead_days)
            conditions.append(SQL("to_char(p.birthdate_date, 'MM-DD') = ANY(%s)", days))
        elif trigger == "anniversary":
            days = outreach.candidate_month_days(today, rule.lead_days)
            conditions.append(SQL("to_char(p.care_customer_since, 'MM-DD') = ANY(%s)", days))
        elif trigger == "tenure":
            # the same day N years ago (28 February for a 29 February)
            since = outreach.yearly_occurrence(today, today.year - rule.tenure_years)
            conditions.append(SQL("p.care_customer_since <= %s", since))
        elif trigger == "win_back":
            conditions.append(SQL("p.care_state IN ('at_risk', 'lost')"))
        elif trigger == "potential":
            conditions.append(
                SQL(
                    """EXISTS (SELECT 1 FROM crm_lead l JOIN res_partner lp ON lp.id = l.partner_id
                        WHERE lp.commercial_partner_id = p.id AND l.active
                          AND l.type = 'opportunity' AND l.probability < 100
                          AND l.expected_revenue >= %s)""",
                    rule.min_expected_revenue,
                )
            )
        elif trigger == "vip_cadence":
            conditions.append(SQL("p.care_next_date <= %s", today))
        elif trigger in ("post_purchase", "warranty"):
            if trigger == "post_purchase":
                column, target = SQL("so.date_order"), today - timedelta(days=rule.days_after)
            else:
                column = SQL("so.%s", SQL.identifier(rule.warranty_field_id.name))
                target = today + timedelta(days=rule.days_before)
            source = SQL(
                "sale_order so JOIN res_partner sp ON sp.id = so.partner_id "
                "JOIN res_partner p ON p.id = sp.commercial_partner_id"
            )
            conditions += [SQL("so.state = 'sale'"), SQL("(%s)::date = %s", column, target)]
            occasion, order_key = SQL("so.id"), SQL("so.id")
        return {
            "source": source,
            "conditions": SQL(" AND ").join(conditions),
            "order_key": order_key,
            "occasion": occasion,
        }

    def _candidates(self, rule, cursor, today):
        """One batch of coarse candidates after ``cursor``, in one query."""
        query = self._candidate_query(rule, today)
        cooldown = SQL("FALSE")
        if rule.cooldown_days:
            cooldown = SQL(
                """EXISTS (SELECT 1 FROM customer_care_outreach_log c
                    WHERE c.rule_id = %s AND c.partner_id = p.id AND c.state = 'done'
                      AND c.create_date >= %s)""",
                rule.id,
                fields.Datetime.now() - timedelta(days=rule.cooldown_days),
            )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT %(order_key)s AS cursor, p.id, p.complete_name AS name, p.tz,
                          p.birthdate_date,
                          p.care_customer_since, p.care_next_date, p.care_user_id, p.user_id,
                          NULLIF(p.email_normalized, '') AS email,
                          EXISTS (SELECT 1 FROM mail_blacklist b
                                   WHERE b.email = p.email_normalized AND b.active)
                              AS email_blacklisted,
                          NULLIF(p.phone_sanitized, '') AS phone,
                          EXISTS (SELECT 1 FROM phone_blacklist b
                                   WHERE b.number = p.phone_sanitized AND b.active)
                              AS phone_blacklisted,
                          %(cooldown)s AS in_cooldown,
                          %(occasion)s AS occasion
                     FROM %(source)s
                    WHERE %(order_key)s > %(cursor)s AND %(conditions)s
                 ORDER BY %(order_key)s LIMIT %(limit)s""",
                order_key=query["order_key"],
                cooldown=cooldown,
                occasion=query["occasion"],
                source=query["source"],
                cursor=cursor,
                conditions=query["conditions"],
                limit=BATCH_SIZE,
            )
        )
        return self.env.cr.dictfetchall()

    def _period_key(self, rule, row, today, company_tz):
        """The period a contact belongs to, or None when not due today."""
        local_today = today
        if row["tz"] and row["tz"] in pytz.all_timezones_set:
            local_today = (
                pytz.utc.localize(datetime.utcnow()).astimezone(pytz.timezone(row["tz"])).date()
            )
        if rule.trigger in ("birthday", "anniversary"):
            origin = (
                row["birthdate_date"] if rule.trigger == "birthday" else row["care_customer_since"]
            )
            occurrence = outreach.yearly_due(
                origin, local_today, rule.lead_days, 1 if rule.trigger == "anniversary" else 0
            )
            return occurrence and outreach.bucket_key(occurrence, rule.period)
        if rule.trigger == "vip_cadence":
            return row["care_next_date"] and row["care_next_date"].isoformat()
        if rule.trigger in ("post_purchase", "warranty"):
            return f"order-{row['occasion']}"
        return outreach.bucket_key(today, rule.period)

    def _recent_contacts(self, partner_ids, company):
        if not company.care_contact_cap:
            return {}
        self.env.cr.execute(
            """SELECT partner_id, count(*) FROM customer_care_outreach_log
                WHERE partner_id = ANY(%s) AND state = 'done' AND create_date >= %s
             GROUP BY partner_id""",
            (partner_ids, fields.Datetime.now() - timedelta(days=company.care_contact_cap_days)),
        )
        return dict(self.env.cr.fetchall())

    def _process_batch(self, rule, run, rows, today, company_tz):
        counters = {
            "selected": 0,
            "skipped_no_address": 0,
            "skipped_blacklisted": 0,
            "skipped_cooldown": 0,
            "skipped_cap": 0,
        }
        recent = self._recent_contacts([row["id"] for row in rows], rule.company_id)
        channel_reasons = self._channel_skip_reasons(rule, rows)
        claims = []  # (partner_id, period_key, state, skip_reason, row)
        seen = set()
        for row in rows:
            key = self._period_key(rule, row, today, company_tz)
            if not key or (row["id"], key) in seen:
                continue
            seen.add((row["id"], key))
            counters["selected"] += 1
            if row["in_cooldown"]:
                counters["skipped_cooldown"] += 1
                continue
            if outreach.over_cap(recent.get(row["id"], 0), rule.company_id.care_contact_cap):
                counters["skipped_cap"] += 1
                continue
            reason = channel_reasons.get(row["id"]) or outreach.contact_skip_reason(
                rule.channel,
                row["email"],
                row["email_blacklisted"],
                row["phone"],
                row["phone_blacklisted"],
            )
            claims.append((row["id"], key, "skipped" if reason else "pending", reason, row))
        done_before = self._already_logged(rule, claims)
        pending, skipped, already = [], [], 0
        for claim in claims:
            if (claim[0], claim[1]) in done_before:
                already += 1
            elif claim[3]:
                skipped.append(claim)
                bucket = (
                    "skipped_blacklisted"
                    if claim[3] == outreach.SKIP_BLACKLISTED
                    else "skipped_no_address"
                )
                counters[bucket] += 1
            else:
                pending.append(claim)
        done, failures = self._contact(rule, [claim[4] for claim in pending])
        plans = {}
        if rule.create_plan:
            plans = self._create_plans(rule, [c for c in pending if c[0] in done], today)
        lines = [
            (c[0], c[1], "done", None, plans.get((c[0], c[1])), None)
            for c in pending
            if c[0] in done
        ]
        lines += [
            (c[0], c[1], "failed", None, None, failures[c[0]]) for c in pending if c[0] in failures
        ]
        lines += [(c[0], c[1], "skipped", c[3], None, None) for c in skipped]
        self._log(rule, run, lines)
        run.write(
            {
                **{name: run[name] + value for name, value in counters.items()},
                "already_done": run.already_done + already,
                "contacted": run.contacted + sum(1 for claim in pending if claim[0] in done),
                "failed": run.failed + len(failures),
            }
        )

    def _channel_skip_reasons(self, rule, rows):
        """``{partner_id: skip reason}`` of the batch's customers the rule's
        channel cannot reach for reasons the rows do not show (a bridge
        addon's channel, e.g. a chat app the customer does not follow); the
        email and SMS reasons come from the rows themselves."""
        return {}

    def _already_logged(self, rule, claims):
        """The (partner, period) pairs of this batch the rule already handled."""
        if not claims:
            return set()
        self.env.cr.execute(
            """SELECT l.partner_id, l.period_key FROM customer_care_outreach_log l
                 JOIN unnest(%s::int[], %s::varchar[]) AS v(partner_id, period_key)
                   ON l.partner_id = v.partner_id AND l.period_key = v.period_key
                WHERE l.rule_id = %s""",
            ([c[0] for c in claims], [c[1] for c in claims], rule.id),
        )
        return set(self.env.cr.fetchall())

    def _log(self, rule, run, lines):
        """Write the batch's contact lines, each in its final state, in one
        INSERT.  The unique (rule, partner, period) index is the arbiter: a
        line another worker wrote since this batch was read means the whole
        batch is redone (its messages and plans are rolled back with it;
        nothing has left the database yet, the mail and SMS queues send only
        committed messages)."""
        if not lines:
            return
        now = fields.Datetime.now()
        self.env.cr.execute(
            """INSERT INTO customer_care_outreach_log
                      (rule_id, run_id, company_id, channel, partner_id, period_key, state,
                       skip_reason, plan_id, error, create_uid, write_uid, create_date,
                       write_date)
               SELECT %s, %s, %s, %s, v.partner_id, v.period_key, v.state, v.reason,
                      v.plan_id, v.error, %s, %s, %s, %s
                 FROM unnest(%s::int[], %s::varchar[], %s::varchar[], %s::varchar[],
                             %s::int[], %s::text[])
                      AS v(partner_id, period_key, state, reason, plan_id, error)
          ON CONFLICT (rule_id, partner_id, period_key) DO NOTHING""",
            (
                rule.id,
                run.id,
                rule.company_id.id,
                rule.channel,
                self.env.uid,
                self.env.uid,
                now,
                now,
                *([line[i] for line in lines] for i in range(6)),
            ),
        )
        if self.env.cr.rowcount != len(lines):
            raise ConcurrentClaimError(rule.id)
        self.env["customer.care.outreach.log"].invalidate_model()

    def _contact(self, rule, rows):
        """Queue the messages of a batch in bulk.

        Returns the partner ids reached and ``{partner_id: error}`` for the
        ones that failed; a failure on one partner does not stop the rest.
        """
        if not rows:
            return set(), {}
        partner_ids = [row["id"] for row in rows]
        failures = {}
        if rule.channel == "email" and rule.mail_template_id:
            failures.update(self._send_emails(rule, partner_ids))
        elif rule.channel == "sms" and rule.sms_template_id:
            failures.update(self._send_sms(rule, rows))
        return {pid for pid in partner_ids if pid not in failures}, failures

    def _send_emails(self, rule, partner_ids):
        # rendered in the rule's company: the care templates sign a customer
        # shared between companies with it ("env.company"), not with the
        # scheduler's own company
        template = rule.mail_template_id.with_company(rule.company_id)
        try:
            with self.env.cr.savepoint():
                template.send_mail_batch(partner_ids)
            return {}
        except Exception:
            _logger.info("outreach rule %s: email batch failed, retrying one by one", rule.id)
        failures = {}
        for partner_id in partner_ids:
            try:
                with self.env.cr.savepoint():
                    template.send_mail_batch([partner_id])
            except Exception as error:
                failures[partner_id] = str(error)
        return failures

    def _send_sms(self, rule, rows):
        template = rule.sms_template_id.with_company(rule.company_id)
        partner_ids = [row["id"] for row in rows]
        failures = {}
        try:
            bodies = template._render_field("body", partner_ids, compute_lang=True)
        except Exception:
            bodies = {}
            for partner_id in partner_ids:
                try:
                    bodies.update(template._render_field("body", [partner_id], compute_lang=True))
                except Exception as error:
                    failures[partner_id] = str(error)
        self.env["sms.sms"].sudo().create(
            [
                {
                    "partner_id": row["id"],
                    "number": row["phone"],
                    "body": bodies[row["id"]],
                    "state": "outgoing",
                }
                for row in rows
                if row["id"] in bodies
            ]
        )
        return failures

    def _create_plans(self, rule, claims, today):
        """One care plan per contact made, with its four steps, assigned by
        the rule's policy.

        Plans go only to active internal care users of the rule's company:
        the users a batch could be given are checked in one query and the
        pure rule passes over the others (then the plan is unassigned,
        open to every care user).  The plans of a batch are written with one
        INSERT and their steps with another, holding the values the ORM
        would store (``_plan_step_rows``): a plan made by the outreach has no
        follower and no message, and its customers were selected in the
        rule's company, so nothing of the generic ``create`` (defaults per
        record, company checks per record, chatter) applies; the ORM create
        of 100,000 plans would cost several times the contacts themselves.
        Returns ``{(partner, period): plan id}``.
        """
        if not claims:
            return {}
        Plan = self.env["customer.care.plan"]
        trigger = PLAN_TRIGGERS.get(rule.trigger, "loyalty")
        label = dict(Plan._fields["trigger"]._description_selection(self.env))[trigger]
        members = rule.team_user_ids.ids
        company = rule.company_id
        candidates = set(members)
        for *_claim, row in claims:
            candidates.update((row["care_user_id"], row["user_id"]))
        eligible = {user_id for user_id, _company_id in company._care_assignable(list(candidates))}
        position = rule.round_robin_position
        names, users = [], []
        for _partner_id, _key, _state, _reason, row in claims:
            user_id, position = outreach.assign(
                rule.assign_policy,
                row["care_user_id"],
                row["user_id"],
                members,
                position,
                eligible=eligible,
            )
            users.append(user_id)
            names.append(self.env._("%(trigger)s: %(partner)s", trigger=label, partner=row["name"]))
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT nextval('customer_care_plan_id_seq') FROM generate_series(1, %s)",
            (len(claims),),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        now = fields.Datetime.now()
        steps, sequences = self._plan_step_rows()
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
                rule.channel,
                today,
                steps[0],
                self.env.uid,
                now,
                self.env.uid,
                now,
                ids,
                names,
                [claim[0] for claim in claims],
                users,
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
        Plan.invalidate_model()
        self.env["customer.care.plan.step"].invalidate_model()
        if position != rule.round_robin_position:
            rule.round_robin_position = position
        return {(c[0], c[1]): plan_id for c, plan_id in zip(claims, ids, strict=True)}

    def _plan_step_rows(self):
        """The steps a new plan gets (its ``step_ids`` default) and their
        sequence, as ``create`` stores them: ``([step], [sequence])``."""
        steps = list(care_sequence.STEP_CODES)
        return steps, [care_sequence.step_sequence(step) for step in steps]
