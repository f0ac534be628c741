from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..logic.incidents import ACKNOWLEDGEMENT
from .care_refs import optional_ref

# incidents acknowledged per batch (one commit each)
ACK_BATCH = 200
ACK_CRON = "customer_care.ir_cron_care_send_acknowledgements"
ACK_TEMPLATE = "customer_care.mail_template_care_incident_acknowledgement"


class CustomerCareIncident(models.Model):
    """The acknowledgement of an email that opened an incident, queued.

    The gateway only marks the new incident as awaiting its acknowledgement
    and asks the scheduled action *Customer Care: send acknowledgements* to
    run; the job sends the pending ones in batches (rendered per template
    and language by the mail composer, queued in the outbox) and clears
    the mark in the same transaction.  A batch is committed whole or not at
    all, so a job that dies half-way leaves the unsent incidents marked and
    never sends one twice.
    """

    _inherit = "customer.care.incident"  # pylint: disable=consider-merging-classes-inherited

    is_acknowledgement_pending = fields.Boolean(
        string="Acknowledgement Pending",
        copy=False,
        readonly=True,
        help="The email that opened this incident waits for its acknowledgement, "
        "which the scheduled action Customer Care: send acknowledgements sends.",
    )

    _acknowledgement_pending_idx = models.Index("(id) WHERE is_acknowledgement_pending")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("is_acknowledgement_pending") for vals in vals_list):
            raise AccessError(self._acknowledgement_guard_message())
        return super().create(vals_list)

    def write(self, vals):
        if "is_acknowledgement_pending" in vals and not self.env.su:
            raise AccessError(self._acknowledgement_guard_message())
        return super().write(vals)

    def _acknowledgement_guard_message(self):
        return self.env._(
            "The email gateway queues the acknowledgement of an incoming email and "
            "the scheduled action sends it; it cannot be set by hand."
        )

    # -- queue -------------------------------------------------------------
    @api.model
    def _queue_acknowledgement_run(self):
        """Ask the scheduled action to run as soon as a worker is free (an
        archived or deleted action leaves the acknowledgements pending)."""
        cron = self.env.ref(ACK_CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _cron_send_acknowledgements(self, batch_size=None):
        """Send the pending acknowledgements, batch by batch: claim the
        batch (``FOR UPDATE SKIP LOCKED``: a second worker takes other
        incidents), post the acknowledgements, clear the mark, commit
        through ``ir.cron._commit_progress``; stop when the scheduler's
        time slice is used up, it calls again while incidents wait."""
        batch_size = batch_size or ACK_BATCH
        total = self._acknowledgement_pending_count()
        return self._run_claimed_batches(
            total,
            lambda: self._acknowledgement_claim(batch_size),
            lambda incidents: (
                incidents._send_acknowledgements(),
                incidents._acknowledgement_mark_sent(),
            ),
        )

    @api.model
    def _run_claimed_batches(self, total, claim, handle):
        """A scheduled job over claimed batches, on the scheduler's contract:
        ``claim()`` returns the next batch's ids (``FOR UPDATE SKIP LOCKED``),
        ``handle(incidents)`` does the work, each batch commits through
        ``ir.cron._commit_progress`` with the true remaining (out of
        ``total``); False when the time slice is spent (the scheduler calls
        again), True when nothing is left."""
        cron = self.env["ir.cron"]
        done = 0
        while ids := claim():
            handle(self.browse(ids))
            done += len(ids)
            time_left = cron._commit_progress(len(ids), remaining=max(total - done, 0))
            self.env.invalidate_all()
            if not time_left:
                return False
        cron._commit_progress(0, remaining=0)
        return True

    @api.model
    def _acknowledgement_pending_count(self):
        self.flush_model(["is_acknowledgement_pending"])
        return self.env.execute_query(
            SQL(
                "SELECT count(*) FROM %s WHERE is_acknowledgement_pending",
                SQL.identifier(self._table),
            )
        )[0][0]

    @api.model
    def _acknowledgement_claim(self, limit):
        self.flush_model(["is_acknowledgement_pending"])
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM %s
                    WHERE is_acknowledgement_pending
                 ORDER BY id
                    LIMIT %s
                      FOR UPDATE SKIP LOCKED""",
                SQL.identifier(self._table),
                limit,
            )
        )
        return [row[0] for row in rows]

    def _acknowledgement_mark_sent(self):
        """Cleared in the transaction that posted the acknowledgements."""
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE %s SET is_acknowledgement_pending = FALSE WHERE id IN %s",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["is_acknowledgement_pending"])

    def _send_acknowledgements(self):
        """Tell each customer the email arrived, in the customer's language,
        with the link to the request; never to a blacklisted address nor for
        a team that turned its acknowledgement off meanwhile.  Posted as an
        automated message: it does not stop the response clock, a care
        user's answer does.  One composer per template and company renders
        the whole group (per language) and queues the emails."""
        default_template = None
        groups = defaultdict(list)
        for incident in self.sudo():
            team = incident.team_id
            partner = incident.partner_id
            if not team.acknowledge or not partner.email_normalized or partner.is_blacklisted:
                continue
            template = team.acknowledge_template_id
            if not template:
                if default_template is None:
                    default_template = optional_ref(
                        self.env, ACK_TEMPLATE, "the acknowledgement of incoming emails"
                    )
                template = default_template
            if template:
                groups[template, incident.company_id].append(incident.id)
        return self._post_company_templates(groups)

    @api.model
    def _post_company_templates(self, groups):
        """Post ``{(template, company): incident ids}`` as automated messages
        of each company, one composer per group rendering every incident in
        its customer's language and queuing the emails; the messages."""
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        messages = self.env["mail.message"]
        for (template, company), ids in groups.items():
            composer = (
                self.env["mail.compose.message"]
                .sudo()
                .with_context(
                    **{ACKNOWLEDGEMENT: True},
                    default_composition_mode="comment",
                    default_model=self._name,
                    default_res_ids=ids,
                    default_template_id=template.id,
                )
                .create(
                    [
                        {
                            "message_type": "auto_comment",
                            "subtype_id": subtype_id,
                            "author_id": company.partner_id.id,
                        }
                    ]
                )
            )
            messages |= composer._action_send_mail()[1]
        return messages
