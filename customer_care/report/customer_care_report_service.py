from odoo import fields, models
from odoo.tools import SQL

from ..logic.channels import CHANNELS
from ..logic.incidents import INCIDENT_KINDS

EVENTS = [("received", "Received"), ("resolved", "Resolved")]


class CustomerCareReportService(models.Model):
    """Care service week by week (brief §5, §6): incidents received and
    resolved, against the SLA clocks, and how satisfied the customers were.

    Two rows per incident: one when it was received, one when it was
    resolved (if it was), so that a chart grouped by week and event shows
    both flows side by side.  The shares are 0/100 per row and empty where
    they do not apply, so that their average is a share in percent:

    - *Answered in Time (%)* (received rows): first answer before the
      response deadline; empty while the clock still runs;
    - *Resolved in Time (%)* and *Resolved within Target (%)* (resolved
      rows): resolved before the resolution deadline, before the policy's
      stricter target (12 hours by default);
    - *Satisfaction* (resolved rows): the follow-up survey score, empty until
      the customer answered.
    """

    _name = "customer.care.report.service"
    _inherit = "customer.care.report.sql"
    _description = "Customer Care Service by Week"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "incident_id"
    _depends = {
        "customer.care.incident": [
            "company_id",
            "partner_id",
            "user_id",
            "care_group_id",
            "root_cause_id",
            "kind",
            "channel",
            "date_received",
            "date_first_response",
            "date_resolved",
            "response_deadline",
            "resolution_deadline",
            "target_deadline",
            "sla_state",
            "satisfaction",
        ],
    }

    incident_id = fields.Many2one("customer.care.incident", readonly=True)
    event = fields.Selection(EVENTS, readonly=True)
    date = fields.Datetime(readonly=True, help="When the incident was received or resolved.")
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    care_group_id = fields.Many2one("customer.care.group", readonly=True)
    root_cause_id = fields.Many2one("customer.care.root.cause", readonly=True)
    kind = fields.Selection(INCIDENT_KINDS, readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    received_count = fields.Integer(string="Received", readonly=True)
    resolved_count = fields.Integer(string="Resolved", readonly=True)
    breached_count = fields.Integer(string="Breached", readonly=True)
    rated_count = fields.Integer(string="Survey Answers", readonly=True)
    response_in_time_rate = fields.Float(
        string="Answered in Time (%)", readonly=True, aggregator="avg"
    )
    resolution_in_time_rate = fields.Float(
        string="Resolved in Time (%)", readonly=True, aggregator="avg"
    )
    target_rate = fields.Float(
        string="Resolved within Target (%)",
        readonly=True,
        aggregator="avg",
        help="Resolved before the policy's stricter resolution target (12 hours by default).",
    )
    satisfaction = fields.Float(string="Satisfaction (1-5)", readonly=True, aggregator="avg")

    def _select(self):
        """The incident's columns that both rows of an incident carry."""
        return SQL(
            "i.company_id, i.partner_id, i.user_id, i.care_group_id, "
            "i.root_cause_id, i.kind, i.channel"
        )

    def _from(self):
        return SQL("customer_care_incident i")

    def _query(self):
        """The rows of the received and of the resolved incidents, one above
        the other; ``_select()``, ``_from()`` and ``_where()`` apply to
        both."""
        where = self._where()
        return SQL(
            """
            SELECT i.id * 2 AS id, i.id AS incident_id, 'received' AS event,
                   i.date_received AS date,
                   1 AS received_count, 0 AS resolved_count,
                   CASE WHEN i.sla_state = 'breached' THEN 1 ELSE 0 END AS breached_count,
                   0 AS rated_count,
                   CASE WHEN COALESCE(i.date_first_response, i.date_resolved)
                                 <= i.response_deadline THEN 100.0
                        WHEN COALESCE(i.date_first_response, i.date_resolved)
                                 > i.response_deadline THEN 0.0
                        WHEN i.response_deadline < now() AT TIME ZONE 'UTC' THEN 0.0
                   END AS response_in_time_rate,
                   NULL::float AS resolution_in_time_rate,
                   NULL::float AS target_rate,
                   NULL::float AS satisfaction,
                   %(common)s
              FROM %(source)s
             WHERE %(where)s
             UNION ALL
            SELECT i.id * 2 + 1, i.id, 'resolved', i.date_resolved,
                   0, 1, 0,
                   CASE WHEN i.satisfaction > 0 THEN 1 ELSE 0 END,
                   NULL::float,
                   CASE WHEN i.resolution_deadline IS NULL THEN NULL
                        WHEN i.date_resolved <= i.resolution_deadline THEN 100.0
                        ELSE 0.0 END,
                   CASE WHEN i.target_deadline IS NULL THEN NULL
                        WHEN i.date_resolved <= i.target_deadline THEN 100.0
                        ELSE 0.0 END,
                   NULLIF(i.satisfaction, 0)::float,
                   %(common)s
              FROM %(source)s
             WHERE i.date_resolved IS NOT NULL AND %(where)s
            """,
            common=self._select(),
            where=where or SQL("TRUE"),
            source=self._from(),
        )
