import logging
from datetime import datetime, timedelta

import pytz

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..logic import consent, outreach
from .care_sql import consent_state

_logger = logging.getLogger(__name__)

# the care plan trigger of each outreach trigger; other kinds plan a
# loyalty contact
PLAN_TRIGGERS = {
    "birthday": "birthday",
    "anniversary": "anniversary",
    "tenure": "tenure",
    "win_back": "win_back",
    "potential": "potential",
}


# one aspect of the rule per file, as Odoo's mail and crm split their models
class CustomerCareOutreachRule(models.Model):
    """The rule runs itself: it finds its candidates (its trigger's query,
    ``customer_care_outreach_trigger.py``), reaches them by its channel and
    plans the care contacts by its assignment policy; the run record
    (``customer.care.outreach.run``) walks the batches and keeps the
    figures."""

    _inherit = "customer.care.outreach.rule"  # pylint: disable=consider-merging-classes-inherited

    def _run(self):
        """Run the rule over its audience, batch after batch, within the
        scheduler's time slice; returns the run (empty when nobody was due).

        One scheduled execution is one run record: when the slice is over
        the run stays *running* with its cursor, the scheduler is told how
        many candidates remain and calls the job again, and the next call
        goes on after the last customer handled.  Outside a scheduled action
        (tests, module data) the whole audience is done at once.
        """
        self.ensure_one()
        rule = self.sudo()
        if rule.group_ids and not rule.group_ids.filtered("active"):
            return rule._skip_without_groups()
        Run = self.env["customer.care.outreach.run"].sudo()
        company_tz = rule._company_tz()
        local_now = pytz.utc.localize(fields.Datetime.now()).astimezone(company_tz)
        run = rule._resumable_run(local_now.date())
        if rule.channel in ("email", "sms") and not outreach.in_sending_window(
            local_now.hour + local_now.minute / 60.0,
            rule.send_hour_from,
            rule.send_hour_to,
            rule.send_all_day,
        ):
            return rule._defer(run, local_now)
        if not run:
            run = Run.create({"rule_id": rule.id, "run_date": local_now.date(), "state": "running"})
            run.candidate_count = rule._count_candidates(run.run_date)
            # the run record survives whatever happens to the batches
            self.env["ir.cron"]._commit_progress(0, remaining=run.candidate_count)
        run = run._run_batches()
        if not run or run.state == "done":
            rule._notify_run_finished(run)
        return run

    def _notify_run_finished(self, run):
        """Tell the manager who asked for this run (*Run Now*) that it is
        over, with its figures: the run itself goes on in the scheduler,
        long after their request was answered."""
        user = self.run_requested_by_id
        if not user:
            return
        self.run_requested_by_id = False
        user = user.with_context(lang=user.lang)
        figures = (
            run.with_env(user.env).summary
            if run
            else user.env._("nobody was due for a contact this time")
        )
        user._bus_send(
            "simple_notification",
            {
                "type": "success",
                "title": user.env._("Outreach run finished"),
                "message": user.env._("%(rule)s: %(figures)s", rule=self.name, figures=figures),
                "sticky": False,
            },
        )

    def _skip_without_groups(self):
        """A rule limited to care groups that are all archived contacts
        nobody: an empty audience never falls back to "every group".  The
        skipped run says why, once a day; a run under way stops there."""
        local_now = pytz.utc.localize(fields.Datetime.now()).astimezone(self._company_tz())
        note = self.env._(
            "Not run: all the care groups of this rule are archived (%s). Restore a "
            "group or change the rule's groups.",
            ", ".join(self.group_ids.mapped("name")),
        )
        values = {"state": "skipped", "date_end": fields.Datetime.now(), "note": note}
        Run = self.env["customer.care.outreach.run"].sudo()
        runs = Run.search(
            [
                ("rule_id", "=", self.id),
                "|",
                ("state", "=", "running"),
                "&",
                ("state", "=", "skipped"),
                ("run_date", "=", local_now.date()),
            ]
        )
        if runs:
            runs.write(values)
            return runs[:1]
        return Run.create({"rule_id": self.id, "run_date": local_now.date(), **values})

    def _resumable_run(self, today):
        """The rule's unfinished run of ``today``, if any; an unfinished run
        of an earlier day is closed as stopped (its customers were due that
        day, the new run looks at today's)."""
        runs = (
            self.env["customer.care.outreach.run"]
            .sudo()
            .search([("rule_id", "=", self.id), ("state", "=", "running")])
        )
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

    def _defer(self, run, local_now):
        """Outside the sending hours: nothing is sent; the scheduled action
        is triggered again when the window opens (company time).  A run
        already under way keeps its cursor and goes on then."""
        opening = outreach.next_window_opening(
            local_now.replace(tzinfo=None), self.send_hour_from, self.send_hour_to
        )
        at = self._company_tz().localize(opening).astimezone(pytz.utc).replace(tzinfo=None)
        if self.cron_id:
            self.cron_id._trigger(at=at)
        if run:
            return run
        return (
            self.env["customer.care.outreach.run"]
            .sudo()
            .create(
                {
                    "rule_id": self.id,
                    "run_date": local_now.date(),
                    "state": "deferred",
                    "date_end": fields.Datetime.now(),
                    "note": self.env._(
                        "Outside the sending hours; runs again at %(time)s (company time).",
                        time=opening.strftime("%Y-%m-%d %H:%M"),
                    ),
                }
            )
        )

    # -- candidates ---------------------------------------------------------------
    def _candidate_query(self, today):
        """The parts of the coarse candidate query on ``today``: the
        audience every rule shares (active, not dropped, the rule's company,
        its care groups and filter) and its trigger's :class:`Trigger`."""
        trigger = self._trigger(today)
        conditions = [
            SQL("p.active"),
            SQL("p.care_state IS DISTINCT FROM 'dropped'"),
            SQL("p.care_anonymized IS NOT TRUE"),
            SQL("(p.company_id IS NULL OR p.company_id = %s)", self.company_id.id),
        ]
        if self.group_ids:
            # archived groups are left out; none active matches nobody
            conditions.append(
                SQL("p.care_group_id = ANY(%s)", self.group_ids.filtered("active").ids or [0])
            )
        domain = self._audience_domain()
        if not domain.is_true():
            conditions.append(SQL("p.id IN %s", self._audience_subselect(domain)))
        trigger.conditions = conditions + trigger.conditions
        return trigger

    def _audience_subselect(self, domain):
        """The customers the rule's audience filter selects, as an SQL subquery.

        The run is the scheduler's (superuser), but the filter is a manager's
        input: it is searched with the access rights of the user who set it
        (the rule's creator for filters saved before that was recorded), in
        the rule's company, whose purchase facts it reads.  A filter thus
        reaches no record and no field its author could not see.  When they
        can no longer search there (access removed, company left), it selects
        nobody.
        """
        author = self.domain_user_id or self.create_uid
        Partner = self.env["res.partner"].with_company(self.company_id)
        if author:
            Partner = Partner.with_user(author)
        try:
            return Partner._search(domain).subselect()
        except AccessError as error:
            _logger.warning(
                "outreach rule %s: its audience filter is beyond the rights of %s, "
                "who set it; it selects nobody: %s",
                self.id,
                author.login,
                error,
            )
            return SQL("(SELECT 1 WHERE FALSE)")

    def _count_candidates(self, today):
        """How many coarse candidates the run will walk through, one query."""
        query = self._candidate_query(today)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM %s WHERE %s",
                query.source,
                SQL(" AND ").join(query.conditions),
            )
        )
        return self.env.cr.fetchone()[0]

    def _candidates(self, cursor, today, limit):
        """One batch of at most ``limit`` coarse candidates after
        ``cursor``, in one query, each with its period key (``None`` when
        not due today)."""
        query = self._candidate_query(today)
        cooldown = SQL("FALSE")
        if self.cooldown_days:
            cooldown = SQL(
                """EXISTS (SELECT 1 FROM customer_care_outreach_log c
                    WHERE c.rule_id = %s AND c.partner_id = p.id AND c.state = 'done'
                      AND c.create_date >= %s)""",
                self.id,
                fields.Datetime.now() - timedelta(days=self.cooldown_days),
            )
        # the customer's marketing consent on the rule's channel, decided
        # per batch in ``_process_batch`` (service reminders need none)
        consent_sql = SQL("NULL")
        if self.purpose == consent.MARKETING:
            consent_sql = consent_state(
                SQL("p.id"),
                self.company_id.id,
                consent.MARKETING,
                consent.consent_channel(self.channel),
            )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT %(order_key)s AS cursor, p.id, p.complete_name AS name, p.tz, p.lang,
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
                          %(consent)s AS consent_state,
                          %(cooldown)s AS in_cooldown,
                          %(occasion)s AS occasion
                     FROM %(source)s
                    WHERE %(order_key)s > %(cursor)s AND %(conditions)s
                 ORDER BY %(order_key)s LIMIT %(limit)s""",
                order_key=query.order_key,
                cooldown=cooldown,
                consent=consent_sql,
                occasion=query.occasion,
                source=query.source,
                cursor=cursor,
                conditions=SQL(" AND ").join(query.conditions),
                limit=limit,
            )
        )
        rows = self.env.cr.dictfetchall()
        # the customer's own day where their time zone is known: one
        # conversion per time zone of the batch, not per customer
        now = pytz.utc.localize(datetime.utcnow())
        local_days = {
            tz: now.astimezone(pytz.timezone(tz)).date()
            for tz in {row["tz"] for row in rows}
            if tz and tz in pytz.all_timezones_set
        }
        for row in rows:
            local_today = local_days.get(row["tz"], today)
            row["period_key"] = query.period_key(row, today, local_today)
        return rows

    # -- reaching the customers -----------------------------------------------------
    def _channel_skip_reasons(self, rows):
        """``{partner_id: skip reason}`` of the batch's customers the rule's
        channel cannot reach for reasons the rows do not show (a bridge
        addon's channel, e.g. a chat app the customer does not follow); the
        email and SMS reasons come from the rows themselves."""
        return {}

    def _contact(self, rows):
        """Queue the messages of a batch in bulk.

        Returns the partner ids reached and ``{partner_id: error}`` for the
        ones that failed; a failure on one partner does not stop the rest.
        """
        if not rows:
            return set(), {}
        partner_ids = [row["id"] for row in rows]
        failures = {}
        if self.channel == "email" and self.mail_template_id:
            failures.update(self._send_emails(partner_ids))
        elif self.channel == "sms" and self.sms_template_id:
            failures.update(self._send_sms(rows))
        return {pid for pid in partner_ids if pid not in failures}, failures

    def _send_emails(self, partner_ids):
        # rendered in the rule's company: the care templates sign a customer
        # shared between companies with it ("env.company"), not with the
        # scheduler's own company
        template = self.mail_template_id.with_company(self.company_id)
        # marked as outreach: the unsubscribe headers and footer (mail_mail.py)
        outreach_mark = {"care_outreach_company_id": self.company_id.id}
        try:
            with self.env.cr.savepoint():
                template.send_mail_batch(partner_ids, email_values=outreach_mark)
            return {}
        except Exception:
            _logger.info("outreach rule %s: email batch failed, retrying one by one", self.id)
        failures = {}
        for partner_id in partner_ids:
            try:
                with self.env.cr.savepoint():
                    template.send_mail_batch([partner_id], email_values=outreach_mark)
            except Exception as error:
                failures[partner_id] = str(error)
        return failures

    def _send_sms(self, rows):
        template = self.sms_template_id.with_company(self.company_id)
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
        links = (
            self.env["res.partner"]
            .browse(partner_ids)
            ._care_unsubscribe_urls(self.company_id, "sms")
        )
        opt_outs = {
            lang: self._sms_opt_out(lang or self.company_id.partner_id.lang)
            for lang in {row.get("lang") for row in rows}
        }
        self.env["sms.sms"].sudo().create(
            [
                {
                    "partner_id": row["id"],
                    "number": row["phone"],
                    "body": f"{bodies[row['id']].rstrip()}\n"
                    + opt_outs[row.get("lang")].replace("{link}", links[row["id"]]),
                    "state": "outgoing",
                }
                for row in rows
                if row["id"] in bodies
            ]
        )
        return failures

    def _sms_opt_out(self, lang):
        """The opt-out instruction every outreach SMS ends with (Decree
        91/2020: an opt-out in every advertising message), in ``lang``,
        with ``{link}`` where each customer's unsubscribe link goes."""
        env = self.with_context(lang=lang).env
        phone = self.company_id.phone
        if phone:
            return env._(
                "To stop these messages: %(link)s or call %(phone)s", link="{link}", phone=phone
            )
        return env._("To stop these messages: %s", "{link}")

    def _create_plans(self, rows, today):
        """One care plan per customer reached (``rows``), assigned by the
        rule's policy, created in bulk by the plan model; returns the plan
        ids in the order of ``rows``.

        Plans go only to active internal care users of the rule's company:
        the users a batch could be given are checked in one query and the
        pure rule passes over the others (then the plan is unassigned, open
        to every care user).
        """
        if not rows:
            return []
        members = self.team_user_ids.ids
        company = self.company_id
        candidates = set(members)
        for row in rows:
            candidates.update((row["care_user_id"], row["user_id"]))
        eligible = {user_id for user_id, _company_id in company._care_assignable(list(candidates))}
        position = self.round_robin_position
        users = []
        for row in rows:
            user_id, position = outreach.assign(
                self.assign_policy,
                row["care_user_id"],
                row["user_id"],
                members,
                position,
                eligible=eligible,
            )
            users.append(user_id)
        ids = self.env["customer.care.plan"]._create_outreach_plans(
            company,
            PLAN_TRIGGERS.get(self.trigger, "loyalty"),
            self.channel,
            today,
            [(row["id"], row["name"], user_id) for row, user_id in zip(rows, users, strict=True)],
        )
        if position != self.round_robin_position:
            self.round_robin_position = position
        return ids
