import json
import logging
import time
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, plaintext2html

from odoo.addons.customer_care.logic.incidents import REOPENED_BY_REPLY

from .. import providers
from ..logic import conversation, media
from ..providers.base import KIND_FOLLOW, KIND_MESSAGE, KIND_OTHER, KIND_UNFOLLOW

_logger = logging.getLogger(__name__)

EVENT_BATCH = 200  # a batch costs a few queries whatever its size; committed as a whole
# seconds a batch may spend (mostly fetching customers' files): once spent,
# the batch's other events wait for the next batch (the first always runs)
BATCH_FETCH_SECONDS = 30
EVENT_FETCH_SECONDS = 20  # seconds for all the files of one message
EVENT_FILES = 10  # files fetched per message; the others are named in a note
# an incident still open to the customer's messages (a resolved one reopens)
THREAD_STATES = (
    "new",
    "acknowledged",
    "in_progress",
    "waiting",
    "pending_decline",
    *REOPENED_BY_REPLY,
)
PLAN_THREAD_STATES = ("planned", "in_progress")
TOO_MANY, NO_TIME = "too_many", "no_time"  # files not fetched, beside media's reasons


class CustomerCareMessagingEvent(models.Model):
    """A webhook event as the provider sent it, stored by the webhook route
    before anything else happens to it and processed by a scheduled action.

    The route only checks the signature, stores the events (the unique
    provider id makes a retry or a replay a no-op) and wakes the job up, so
    it answers within the provider's limit (Zalo: 2 seconds) whatever the
    load; the job finds or creates the customer and threads the message
    into their open incident or care plan, or opens an incident."""

    _name = "customer.care.messaging.event"
    _description = "Chat App Event"
    _order = "id desc"
    _rec_name = "uid"

    account_id = fields.Many2one(
        "customer.care.messaging.account", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    provider = fields.Selection(selection=lambda self: providers.selection(), readonly=True)
    uid = fields.Char(string="Provider Event ID", required=True, readonly=True)
    kind = fields.Selection(
        [
            (KIND_MESSAGE, "Message"),
            (KIND_FOLLOW, "Follow"),
            (KIND_UNFOLLOW, "Unfollow / block"),
            (KIND_OTHER, "Other"),
        ],
        required=True,
        readonly=True,
    )
    sender_ref = fields.Char(string="Chat App User ID", readonly=True)
    sender_name = fields.Char(readonly=True)
    text = fields.Text(readonly=True)
    attachments = fields.Text(readonly=True, help="The attachments announced, as JSON.")
    date_event = fields.Datetime(readonly=True)
    raw = fields.Text(string="Raw Event", readonly=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("done", "Processed"),
            ("ignored", "Ignored"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )
    error = fields.Text(readonly=True)
    date_processed = fields.Datetime(readonly=True)
    identity_id = fields.Many2one("customer.care.messaging.identity", readonly=True)
    partner_id = fields.Many2one(related="identity_id.partner_id")
    incident_id = fields.Many2one("customer.care.incident", readonly=True, index="btree_not_null")
    plan_id = fields.Many2one("customer.care.plan", readonly=True, index="btree_not_null")

    _account_uid_uniq = models.Constraint(
        "UNIQUE(account_id, uid)", "An event is stored once per account."
    )
    _pending_idx = models.Index("(id) WHERE state = 'pending'")

    # -- the webhook's part ---------------------------------------------------------
    @api.model
    def _store(self, account, events):
        """Store the events of a verified request in one statement; an event
        already stored (a retry, a replay) is left alone.  Returns how many
        are new; the job is woken up when there are any."""
        if not events:
            return 0
        now = fields.Datetime.now()
        columns = [
            [event.uid for event in events],
            [event.kind for event in events],
            [event.sender for event in events],
            [event.sender_name or None for event in events],
            [event.text or None for event in events],
            [json.dumps(event.attachments) if event.attachments else None for event in events],
            [conversation.event_time(event.timestamp, now) for event in events],
            [event.raw for event in events],
        ]
        self.env.cr.execute(
            SQL(
                """INSERT INTO customer_care_messaging_event
                          (account_id, company_id, provider, uid, kind, sender_ref, sender_name,
                           text, attachments, date_event, raw, state, create_uid, write_uid,
                           create_date, write_date)
                   SELECT %s, %s, %s, v.uid, v.kind, v.sender, v.name, v.text, v.attachments,
                          v.date_event, v.raw, 'pending', %s, %s, %s, %s
                     FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[],
                                 %s::text[], %s::text[], %s::timestamp[], %s::text[])
                          AS v(uid, kind, sender, name, text, attachments, date_event, raw)
              ON CONFLICT (account_id, uid) DO NOTHING""",
                account.id,
                account.company_id.id,
                account.provider,
                self.env.uid,
                self.env.uid,
                now,
                now,
                *columns,
            )
        )
        stored = self.env.cr.rowcount
        if stored:
            self._wake_up()
        return stored

    @api.model
    def _wake_up(self):
        """Ask the scheduler for a run now, unless a run is already asked for
        (10,000 events must not mean 10,000 triggers)."""
        cron = self.env.ref("customer_care_messaging.ir_cron_messaging_process", False)
        if not cron:
            return
        pending = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count(
                [("cron_id", "=", cron.id), ("call_at", "<=", fields.Datetime.now())], limit=1
            )
        )
        if not pending:
            cron.sudo()._trigger()

    # -- the job ------------------------------------------------------------------------
    @api.model
    def _cron_process(self, batch_size=EVENT_BATCH):
        """Process the pending events in batches within the scheduler's
        time slice (claimed with ``SKIP LOCKED``: two workers never take
        the same event), committing each batch.

        A run that processed events and finds none left asks for one more
        run: the route does not ask again while a request is pending, and
        the scheduler drops the request this run started with only when the
        run ends, so the events that arrived meanwhile (invisible to this
        run's last count) are taken by the next run at once, not at the
        next scheduled time.  That run ends at once when nothing is left.

        A call that uses the scheduler's time slice up with events left
        asks for a run now too: the scheduler makes a partially done job due
        again without waking its workers, so a large backlog would otherwise
        wait up to a minute (their next poll) between runs.  The request is
        made directly, not through ``_wake_up``: during a run the request
        the scheduler started it with still looks pending (the scheduler
        deletes it when the run ends), which would make it ask nothing."""
        cron = self.env["ir.cron"]
        worked_in_time = False
        while True:
            ids = self._claim(batch_size)
            if not ids:
                cron._commit_progress(0, remaining=0)
                return
            self.browse(ids)._process()
            self.env.flush_all()
            remaining = self.search_count([("state", "=", "pending")])
            if not remaining:
                self._run_again()
            time_left = cron._commit_progress(len(ids), remaining=remaining)
            self.env.invalidate_all()
            if not remaining:
                return
            if not time_left:
                if worked_in_time:
                    # this call used the slice up (the scheduler's further
                    # calls of the run start without time and ask nothing):
                    # committed when the call returns
                    self._run_again()
                return
            worked_in_time = True

    @api.model
    def _run_again(self):
        """Ask the scheduler for another run now; the request also wakes
        its workers up (a run that ends partially done does not)."""
        job = self.env.ref("customer_care_messaging.ir_cron_messaging_process", False)
        if job:
            job.sudo()._trigger()

    def _claim(self, limit):
        self.flush_model(["state"])
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM customer_care_messaging_event
                    WHERE state = 'pending'
                 ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                limit,
            )
        )
        return [row[0] for row in rows]

    def _process(self):
        """The events of a claimed batch, in order: the customers (found or
        created), their consent, and where their messages land.

        The files the customers sent are fetched first, within the batch's
        time (the events not reached wait for the next batch, in order);
        then the whole batch is handled at once (``_handle``): a few
        queries for the senders, their open incidents and plans, one
        ``create`` for the new incidents, the messages posted together.
        Should anything fail, the batch is handled again one event at a
        time, so that one event failing is recorded on it and does not stop
        the others."""
        events = self.filtered(lambda e: e.state == "pending").sorted("id")
        identities = self._identities(events)
        fetched = {}
        fetching_ends = time.monotonic() + BATCH_FETCH_SECONDS
        for index, event in enumerate(events):
            if index and time.monotonic() > fetching_ends:
                events = events[:index]  # the rest stays pending for the next batch
                break
            if event.kind == KIND_MESSAGE:
                fetched[event] = event._fetch_attachments()
        now = fields.Datetime.now()
        try:
            with self.env.cr.savepoint():
                results = events._handle(identities, fetched)
        except Exception:
            _logger.exception("chat events %s: the batch failed, taken one by one", events.ids)
            results = {}
            for event in events:
                try:
                    with self.env.cr.savepoint():
                        results.update(event._handle(identities, fetched))
                except Exception as error:
                    _logger.exception("chat event %s could not be processed", event.id)
                    results[event] = {"state": "failed", "error": str(error)}
        self._write_results(results, identities, now)

    def _identities(self, events):
        """``{(account, user id): identity}`` for the senders of ``events``,
        creating the unknown ones with a new contact marked as unknown."""
        Identity = self.env["customer.care.messaging.identity"].sudo()
        found = Identity.search(
            [
                ("account_id", "in", events.account_id.ids),
                ("user_ref", "in", list(set(events.mapped("sender_ref")))),
            ]
        )
        identities = {(identity.account_id, identity.user_ref): identity for identity in found}
        missing = {}
        for event in events:
            key = (event.account_id, event.sender_ref)
            if key not in identities and key not in missing:
                missing[key] = event
        if missing:
            partners = (
                self.env["res.partner"]
                .sudo()
                .create(
                    [
                        {
                            "name": event.sender_name
                            or self.env._(
                                "%(provider)s user %(id)s",
                                provider=event.account_id._provider().label,
                                id=event.sender_ref[-6:],
                            ),
                            "company_id": event.company_id.id,
                            "care_messaging_unknown": True,
                        }
                        for event in missing.values()
                    ]
                )
            )
            created = Identity.create(
                [
                    {"account_id": account.id, "user_ref": user_ref, "partner_id": partner.id}
                    for (account, user_ref), partner in zip(missing, partners, strict=True)
                ]
            )
            identities.update(zip(missing, created, strict=True))
        return identities

    def _targets(self, events, identities):
        """``{(account, partner): record}``: the open incident of the
        customer on the account's channel (the latest), else their open care
        plan on the social channel, for the customers writing in ``events``."""
        messages = events.filtered(lambda e: e.kind == KIND_MESSAGE)
        partners = self.env["res.partner"].union(
            *(identities[(e.account_id, e.sender_ref)].partner_id for e in messages)
        )
        if not partners:
            return {}
        incidents = (
            self.env["customer.care.incident"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("channel", "=", "social"),
                    ("messaging_account_id", "in", [*messages.account_id.ids, False]),
                    ("state", "in", THREAD_STATES),
                ],
                order="date_received desc, id desc",
            )
        )
        plans = (
            self.env["customer.care.plan"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("channel", "=", "social"),
                    ("state", "in", PLAN_THREAD_STATES),
                ],
                order="date_deadline, id",
            )
        )
        targets = {}
        for account in messages.account_id:
            # an incident wins over a plan, the latest incident first
            for incident in incidents:
                mine = incident.messaging_account_id
                if incident.company_id == account.company_id and (not mine or mine == account):
                    targets.setdefault((account, incident.partner_id), incident)
            for plan in plans:
                if plan.company_id == account.company_id:
                    targets.setdefault((account, plan.partner_id), plan)
        return targets

    def _handle(self, identities, fetched):
        """``{event: values}``: what became of these events.  Consent
        changes and greetings event by event (they are rare); the messages
        of the whole batch together: their targets read at once, the new
        incidents created at once, the resolved ones reopened at once, the
        messages posted together per kind of record."""
        results = {}
        greeted = self.env["customer.care.messaging.outbound"]
        messages = self.browse()
        for event in self:
            identity = identities[(event.account_id, event.sender_ref)]
            results[event] = {"state": "done"}
            if event.kind == KIND_MESSAGE:
                messages |= event
            elif event.kind == KIND_FOLLOW:
                identity.write({"opted_out": False, "date_opt_change": event.date_event})
                greeted |= event._greet(identity)
            elif event.kind == KIND_UNFOLLOW:
                identity.write({"opted_out": True, "date_opt_change": event.date_event})
            else:
                results[event]["state"] = "ignored"
        if messages:
            for event, record in messages._land(identities, fetched).items():
                key = "incident_id" if record._name == "customer.care.incident" else "plan_id"
                results[event][key] = record.id
        if greeted:
            greeted._wake_up()
        return results

    def _land(self, identities, fetched):
        """Thread these message events into their customers' open incidents
        or plans, opening an incident for each customer who has none (one
        for all their messages of the batch); returns ``{event: record}``."""
        targets = self._targets(self, identities)
        newcomers = {}
        for event in self:
            key = (event.account_id, identities[(event.account_id, event.sender_ref)].partner_id)
            if key not in targets and key not in newcomers:
                newcomers[key] = event
        if newcomers:
            opened = self.browse(event.id for event in newcomers.values())._open_incidents(
                identities
            )
            targets.update(zip(newcomers, opened, strict=True))
        landed = {
            event: targets[
                (event.account_id, identities[(event.account_id, event.sender_ref)].partner_id)
            ]
            for event in self
        }
        Incident = self.env["customer.care.incident"]
        reopened = Incident.union(
            *(
                record
                for record in landed.values()
                if record._name == Incident._name and record.state in REOPENED_BY_REPLY
            )
        )
        if reopened:
            reopened._reopen_on_reply()
        posts = defaultdict(list)  # {model: [(record, body, author, files)]}
        notes = []
        for event, record in landed.items():
            files, unsaved = fetched.get(event) or ([], [])
            body = plaintext2html(event.text) if event.text else ""
            partner = identities[(event.account_id, event.sender_ref)].partner_id
            posts[record._name].append((record, body, partner, files))
            if unsaved:
                notes.append((record, Markup("<br/>").join(unsaved)))
        for model, model_posts in posts.items():
            self.env[model]._post_chat_messages(model_posts)
        for record, note in notes:
            record._message_log(body=note)
        return landed

    def _open_incidents(self, identities):
        """One new incident per event (a customer without an open one), in
        one ``create``, through ``_intake_values`` as every door does."""
        Incident = self.env["customer.care.incident"].sudo()
        values = []
        for event in self:
            account = event.account_id
            partner = identities[(account, event.sender_ref)].partner_id
            fallback = self.env._(
                "%(provider)s message from %(name)s",
                provider=account._provider().label,
                name=partner.display_name,
            )
            values.append(
                Incident._intake_values(
                    "social",
                    {
                        "name": conversation.subject(event.text, fallback),
                        "description": plaintext2html(event.text) if event.text else False,
                        "partner_id": partner.id,
                        "company_id": account.company_id.id,
                        "messaging_account_id": account.id,
                        "date_received": event.date_event,
                    },
                    "",
                    event.text,
                )
            )
        incidents = Incident.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        ).create(values)
        for event, incident in zip(self, incidents, strict=True):
            incident._log_inbound_warnings(False, False, event.account_id.company_id)
        return incidents

    def _write_results(self, results, identities, now):
        """The events' outcome, and the senders' last message, each in one
        UPDATE of the addon's own tables."""
        if not results:
            return
        Identity = self.env["customer.care.messaging.identity"]
        last_inbound = {}
        for event, vals in results.items():
            vals["identity_id"] = identities[(event.account_id, event.sender_ref)].id
            if event.kind == KIND_MESSAGE and vals["state"] == "done" and event.date_event:
                identity_id = vals["identity_id"]
                last_inbound[identity_id] = max(
                    event.date_event, last_inbound.get(identity_id, event.date_event)
                )
        self.env.flush_all()
        rows = [
            (
                event.id,
                vals["state"],
                vals.get("error"),
                vals["identity_id"],
                vals.get("incident_id"),
                vals.get("plan_id"),
            )
            for event, vals in results.items()
        ]
        self.env.cr.execute(
            SQL(
                """UPDATE customer_care_messaging_event e
                      SET state = v.state, error = v.error, identity_id = v.identity_id,
                          incident_id = v.incident_id, plan_id = v.plan_id,
                          date_processed = %s, write_uid = %s, write_date = %s
                     FROM unnest(%s::int[], %s::varchar[], %s::text[], %s::int[], %s::int[],
                                 %s::int[])
                          AS v(id, state, error, identity_id, incident_id, plan_id)
                    WHERE e.id = v.id""",
                now,
                self.env.uid,
                now,
                *map(list, zip(*rows, strict=True)),
            )
        )
        events = self.browse(row[0] for row in rows)
        fnames = ["state", "error", "identity_id", "incident_id", "plan_id", "date_processed"]
        events.invalidate_recordset([*fnames, "write_uid", "write_date"])
        events.modified(fnames)
        if last_inbound:
            self.env.cr.execute(
                SQL(
                    """UPDATE customer_care_messaging_identity i
                          SET date_last_inbound = v.date, write_uid = %s, write_date = %s
                         FROM unnest(%s::int[], %s::timestamp[]) AS v(id, date)
                        WHERE i.id = v.id
                          AND (i.date_last_inbound IS NULL OR i.date_last_inbound < v.date)""",
                    self.env.uid,
                    now,
                    list(last_inbound),
                    list(last_inbound.values()),
                )
            )
            senders = Identity.browse(last_inbound)
            senders.invalidate_recordset(["date_last_inbound", "write_uid", "write_date"])
            senders.modified(["date_last_inbound"])

    def _fetch_attachments(self):
        """``([(name, content)], [note])``: the files the customer sent, and
        a line for the care team about each one not fetched (see
        ``account._fetch``), which never stops the event."""
        self.ensure_one()
        files, notes = [], []
        ends = time.monotonic() + EVENT_FETCH_SECONDS
        for index, (kind, reference, name) in enumerate(json.loads(self.attachments or "[]")):
            left = ends - time.monotonic()
            try:
                if index >= EVENT_FILES:
                    raise media.Refused(TOO_MANY)
                if left <= 0:
                    raise media.Refused(NO_TIME)
                content = self.account_id._fetch(
                    kind, reference, deadline=min(media.DEADLINE, left)
                )
            except media.Refused as refused:
                _logger.info(
                    "chat event %s: %s not fetched (%s %s)",
                    self.id,
                    kind,
                    refused.reason,
                    refused.detail,
                )
                notes.append(self._not_fetched_note(kind, refused))
                continue
            except Exception:
                _logger.exception("chat event %s: %s could not be fetched", self.id, kind)
                notes.append(self._not_fetched_note(kind, media.Refused(media.UNREACHABLE)))
                continue
            files.append((name or f"{kind}-{self.uid}", content))
        return files, notes

    def _not_fetched_note(self, kind, refused):
        env = self.env
        reasons = {
            media.NOT_ALLOWED: env._("its address is not one of the chat app's file servers"),
            media.PRIVATE: env._("its address leads into a private network"),
            media.UNREACHABLE: env._("the file server could not be reached in time"),
            media.REDIRECT: env._("the file server sent it on to another address"),
            media.STATUS: env._("the file server answered with an error (%s)", refused.detail),
            media.TOO_LARGE: env._("it is larger than %s MB", media.MAX_BYTES // (1024 * 1024)),
            media.WRONG_TYPE: env._(
                "the file server sent another kind of file (%s)", refused.detail
            ),
            media.KIND: env._("it is not a file"),
            TOO_MANY: env._("the message has more than %s files", EVENT_FILES),
            NO_TIME: env._("no time was left to fetch it"),
        }
        return env._(
            "A file the customer sent (%(kind)s) was not saved: %(reason)s.",
            kind=kind,
            reason=reasons.get(refused.reason, reasons[media.UNREACHABLE]),
        )

    def _greet(self, identity):
        """The account's greeting to a new follower, queued."""
        greeting = self.account_id.with_context(lang=identity.partner_id.lang).greeting
        if not greeting:
            return self.env["customer.care.messaging.outbound"]
        return (
            self.env["customer.care.messaging.outbound"]
            .sudo()
            .create(
                [
                    {
                        "identity_id": identity.id,
                        "origin": "greeting",
                        "body": conversation.render(
                            greeting, identity.partner_id.name, self.company_id.name
                        ),
                    }
                ]
            )
        )
