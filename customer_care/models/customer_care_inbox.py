import textwrap

from odoo import api, fields, models
from odoo.tools import SQL, html2plaintext

from ..logic import sla
from ..logic.channels import CHANNELS, PRIORITIES

# the rows' ids: the record's id times this, plus the part's number, so that
# the ids of the parts never meet (a bridge adding a part takes a free number)
PART_STRIDE = 8
PART_INCIDENT = 1
PART_PLAN = 2
# the messages a row shows as "the last message": what people wrote
LAST_MESSAGE_TYPES = ("email", "comment", "care_chat")
LAST_MESSAGE_LENGTH = 160


def awaiting_index(part, states):
    """The partial index behind one part of the inbox: its rows in the
    inbox's order, so that the first page is read off the index, however
    many conversations wait (see ``bench/inbox.py``)."""
    quoted = ", ".join(f"'{state}'" for state in states)
    return models.Index(
        f"(date_awaiting_reply, (id * {PART_STRIDE} + {part})) "
        f"WHERE date_awaiting_reply IS NOT NULL AND state IN ({quoted})"
    )


class CustomerCareInbox(models.Model):
    """The care inbox: every conversation waiting for a care user's reply,
    whatever the door it came through, oldest first.

    A read-only view over the records themselves (no copy of any message):
    one part per kind of record, each the rows of one partial index (the
    records whose ``date_awaiting_reply`` is set, in an open state), put
    together with ``UNION ALL``; PostgreSQL merges the parts' index scans in
    the inbox's order (a *Merge Append*), so a page is one query reading
    about as many index entries as it shows, whatever the number of open
    conversations.  Bridges add their parts (``_inbox_parts``): the live chat
    adds the conversations waiting for an operator.

    Opening a row opens the record, its composer ready to answer.
    """

    _name = "customer.care.inbox"
    _description = "Care Inbox"
    _auto = False
    _order = "date_waiting, id"
    _rec_name = "name"
    # what a search flushes first: the columns the parts read
    _depends = {
        "customer.care.incident": [
            "date_awaiting_reply",
            "state",
            "name",
            "partner_id",
            "company_id",
            "user_id",
            "team_id",
            "channel",
            "priority",
            "date_first_response",
            "response_deadline",
            "resolution_deadline",
            "sla_state",
        ],
        "customer.care.plan": [
            "date_awaiting_reply",
            "state",
            "name",
            "partner_id",
            "company_id",
            "user_id",
            "channel",
        ],
    }

    source = fields.Selection(
        [("incident", "Incident"), ("plan", "Care Plan")], readonly=True, required=True
    )
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True)
    name = fields.Char(string="Subject", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    team_id = fields.Many2one("customer.care.team", string="Care Team", readonly=True)
    # the doors' channels of the incidents (customer_care_incident_portal.py)
    channel = fields.Selection(
        [*CHANNELS, ("portal", "Customer Portal"), ("website", "Website Form")], readonly=True
    )
    priority = fields.Selection(PRIORITIES, readonly=True)
    date_waiting = fields.Datetime(
        string="Waiting Since",
        readonly=True,
        help="When the customer wrote the first message nobody has answered yet.",
    )
    date_deadline = fields.Datetime(
        string="Answer Due",
        readonly=True,
        help="The incident's SLA clock: the response deadline until the customer had a "
        "first answer, then the resolution deadline.",
    )
    sla_state = fields.Selection(sla.SLA_STATES, string="SLA", readonly=True)
    last_message = fields.Char(compute="_compute_last_message")

    @property
    def _table_query(self):
        # the parts' conditions are columns filtered outside the union:
        # PostgreSQL flattens a UNION ALL into an append relation only when
        # its parts have no WHERE of their own, and pushes this one down into
        # each part, where it matches the part's partial index
        return SQL(
            "SELECT * FROM (%s) AS parts WHERE parts.awaiting AND parts.date_waiting IS NOT NULL",
            SQL(" UNION ALL ").join(self._inbox_parts()),
        )

    @api.model
    def _inbox_parts(self):
        """The ``SELECT`` of each part, without ``WHERE``: the columns of the
        inbox in its order, then ``awaiting``, the rest of the predicate of
        the part's partial index (see ``awaiting_index``), whose first
        columns are ``date_waiting`` and ``id``."""
        return [
            SQL(
                """SELECT i.id * %(stride)s + %(part)s AS id, 'incident'::varchar AS source,
                          'customer.care.incident'::varchar AS res_model, i.id AS res_id,
                          i.name AS name, i.partner_id, i.company_id, i.user_id, i.team_id,
                          i.channel, i.priority, i.date_awaiting_reply AS date_waiting,
                          CASE WHEN i.date_first_response IS NULL THEN i.response_deadline
                               ELSE i.resolution_deadline END AS date_deadline,
                          i.sla_state, i.state IN %(states)s AS awaiting
                     FROM customer_care_incident i""",
                stride=PART_STRIDE,
                part=PART_INCIDENT,
                states=self.env["customer.care.incident"]._awaiting_states,
            ),
            SQL(
                """SELECT p.id * %(stride)s + %(part)s, 'plan'::varchar,
                          'customer.care.plan'::varchar, p.id, p.name, p.partner_id,
                          p.company_id, p.user_id, NULL::integer, p.channel, NULL::varchar,
                          p.date_awaiting_reply, NULL::timestamp, NULL::varchar,
                          p.state IN %(states)s
                     FROM customer_care_plan p""",
                stride=PART_STRIDE,
                part=PART_PLAN,
                states=self.env["customer.care.plan"]._awaiting_states,
            ),
        ]

    def _compute_last_message(self):
        """The last message written on each row's record (not a log line):
        one query for the page."""
        by_key = {(row.res_model, row.res_id): row for row in self}
        texts = {}
        if by_key:
            rows = self.env.execute_query(
                SQL(
                    """SELECT DISTINCT ON (m.model, m.res_id) m.model, m.res_id, m.body
                         FROM mail_message m
                         JOIN unnest(%s::varchar[], %s::int[]) AS k(model, res_id)
                           ON m.model = k.model AND m.res_id = k.res_id
                        WHERE m.message_type IN %s
                     ORDER BY m.model, m.res_id, m.id DESC""",
                    [model for model, _res_id in by_key],
                    [res_id for _model, res_id in by_key],
                    LAST_MESSAGE_TYPES,
                )
            )
            texts = {(model, res_id): body for model, res_id, body in rows}
        for row in self:
            body = texts.get((row.res_model, row.res_id))
            row.last_message = self._shorten(body) if body else False

    @api.model
    def _shorten(self, html):
        return textwrap.shorten(html2plaintext(html), LAST_MESSAGE_LENGTH, placeholder=" …")

    def action_open(self):
        """The record the row stands for, with its composer open."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
            "target": "current",
            "context": {"care_open_composer": True},
        }
