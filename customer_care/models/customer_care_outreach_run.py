import time
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import fields, models

from ..logic import consent, outreach

BATCH_SIZE = 2000


class ConcurrentClaimError(SerializationFailure):
    """Another worker logged contacts of this batch first: redo the batch."""


RETRIES = 5

# the run's figure each skip reason counts in (the others: no address)
SKIP_COUNTERS = {
    outreach.SKIP_BLACKLISTED: "skipped_blacklisted",
    outreach.SKIP_NO_CONSENT: "skipped_no_consent",
    outreach.SKIP_CONSENT_WITHDRAWN: "skipped_consent_withdrawn",
}


class CustomerCareOutreachRun(models.Model):
    """One run of an outreach rule (``rule._run()``), with its figures.

    The run walks its rule's candidates batch after batch from its cursor:
    select a batch in one query (the rule's), decide in Python with the
    pure rules of ``logic/outreach.py``, queue the messages and plans of the
    batch in bulk, then write the contact lines in one ``INSERT … ON
    CONFLICT DO NOTHING`` that claims them (a line another worker wrote
    first makes the whole batch roll back and start again), commit, next
    batch."""

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
    skipped_no_consent = fields.Integer(
        string="Skipped: No Consent",
        help="Marketing under the opt-in regime: the customer has not given consent on "
        "the rule's channel.",
    )
    skipped_consent_withdrawn = fields.Integer(
        string="Skipped: Consent Withdrawn",
        help="The customer withdrew their marketing consent on the rule's channel.",
    )
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
                + run.skipped_no_consent
                + run.skipped_consent_withdrawn
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
            or self.skipped_no_consent
            or self.skipped_consent_withdrawn
        )

    # -- batches ---------------------------------------------------------------
    def _run_batches(self):
        """Walk the rule's candidates from the cursor, a batch per commit,
        until they are exhausted or the scheduler's slice is used up."""
        self.ensure_one()
        run, rule = self, self.rule_id
        cron = self.env["ir.cron"]
        retries = 0
        while True:
            started = time.monotonic()
            try:
                if run.state != "running":
                    # another worker finished this run meanwhile
                    cron._commit_progress(0, remaining=0)
                    return run
                rows = rule._candidates(run.cursor, run.run_date, BATCH_SIZE)
                if rows:
                    run._process_batch(rows)
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

    def _recent_contacts(self, partner_ids):
        """``{partner_id: contacts}`` made by any rule within the company's
        contact cap window; empty when the company sets no cap."""
        company = self.rule_id.company_id
        if not company.care_contact_cap:
            return {}
        self.env.cr.execute(
            """SELECT partner_id, count(*) FROM customer_care_outreach_log
                WHERE partner_id = ANY(%s) AND state = 'done' AND create_date >= %s
             GROUP BY partner_id""",
            (partner_ids, fields.Datetime.now() - timedelta(days=company.care_contact_cap_days)),
        )
        return dict(self.env.cr.fetchall())

    def _process_batch(self, rows):
        """Decide, reach, plan and log the customers of one batch; the run's
        figures grow by the batch's."""
        rule = self.rule_id
        counters = {
            "selected": 0,
            "skipped_no_address": 0,
            "skipped_blacklisted": 0,
            "skipped_cooldown": 0,
            "skipped_cap": 0,
            "skipped_no_consent": 0,
            "skipped_consent_withdrawn": 0,
        }
        regime = rule.company_id.care_consent_regime
        recent = self._recent_contacts([row["id"] for row in rows])
        channel_reasons = rule._channel_skip_reasons(rows)
        claims = []  # (partner_id, period_key, state, skip_reason, row)
        seen = set()
        for row in rows:
            key = row["period_key"]
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
            reason = (
                consent.outreach_skip_reason(regime, rule.purpose, row["consent_state"])
                or channel_reasons.get(row["id"])
                or outreach.contact_skip_reason(
                    rule.channel,
                    row["email"],
                    row["email_blacklisted"],
                    row["phone"],
                    row["phone_blacklisted"],
                )
            )
            claims.append((row["id"], key, "skipped" if reason else "pending", reason, row))
        done_before = self._already_logged(claims)
        pending, skipped, already = [], [], 0
        for claim in claims:
            if (claim[0], claim[1]) in done_before:
                already += 1
            elif claim[3]:
                skipped.append(claim)
                counters[SKIP_COUNTERS.get(claim[3], "skipped_no_address")] += 1
            else:
                pending.append(claim)
        done, failures = rule._contact([claim[4] for claim in pending])
        reached = [claim for claim in pending if claim[0] in done]
        plans = {}
        if rule.create_plan:
            ids = rule._create_plans([claim[4] for claim in reached], self.run_date)
            plans = {(c[0], c[1]): plan_id for c, plan_id in zip(reached, ids, strict=True)}
        lines = [(c[0], c[1], "done", None, plans.get((c[0], c[1])), None) for c in reached]
        lines += [
            (c[0], c[1], "failed", None, None, failures[c[0]]) for c in pending if c[0] in failures
        ]
        lines += [(c[0], c[1], "skipped", c[3], None, None) for c in skipped]
        self._log(lines)
        self.write(
            {
                **{name: self[name] + value for name, value in counters.items()},
                "already_done": self.already_done + already,
                "contacted": self.contacted + len(reached),
                "failed": self.failed + len(failures),
            }
        )

    def _already_logged(self, claims):
        """The (partner, period) pairs of this batch the rule already handled."""
        if not claims:
            return set()
        self.env.cr.execute(
            """SELECT l.partner_id, l.period_key FROM customer_care_outreach_log l
                 JOIN unnest(%s::int[], %s::varchar[]) AS v(partner_id, period_key)
                   ON l.partner_id = v.partner_id AND l.period_key = v.period_key
                WHERE l.rule_id = %s""",
            ([c[0] for c in claims], [c[1] for c in claims], self.rule_id.id),
        )
        return set(self.env.cr.fetchall())

    def _log(self, lines):
        """Write the batch's contact lines, each in its final state, in one
        INSERT.  The unique (rule, partner, period) index is the arbiter: a
        line another worker wrote since this batch was read means the whole
        batch is redone (its messages and plans are rolled back with it;
        nothing has left the database yet, the mail and SMS queues send only
        committed messages)."""
        if not lines:
            return
        now = fields.Datetime.now()
        rule = self.rule_id
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
                self.id,
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
