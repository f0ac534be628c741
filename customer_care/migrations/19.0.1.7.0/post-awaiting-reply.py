"""19.0.1.7.0: the care inbox.

Incidents and care plans keep when the customer wrote the first message no
care user has answered yet (``date_awaiting_reply``).  For the records the
previous version left open, it is read off their messages: the customer's
first message after the last answer a person of the company sent them; an
incident a customer opened through a door (not by phone or visit) and never
answered waits from when it was received.  Records nobody waits on stay
empty: the inbox shows what the conversations say, nothing guessed.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

RUNNING = ("new", "acknowledged", "in_progress", "pending_decline")
OPEN_PLANS = ("draft", "planned", "in_progress")
WRITTEN = ("email", "comment", "care_chat")


def _awaiting(cr, table, model, states):
    """The first message of the record's customer after the last answer of
    an internal user (a message, not a note)."""
    cr.execute(
        SQL(
            """
            WITH answered AS (
                SELECT m.res_id, max(m.date) AS date
                  FROM mail_message m
                  JOIN %(table)s r ON r.id = m.res_id
                  JOIN mail_message_subtype st
                    ON st.id = m.subtype_id AND NOT COALESCE(st.internal, FALSE)
                 WHERE m.model = %(model)s AND m.message_type IN %(written)s
                   AND EXISTS (SELECT 1 FROM res_users u
                                WHERE u.partner_id = m.author_id AND NOT u.share)
              GROUP BY m.res_id
            ), waiting AS (
                SELECT r.id, min(m.date) AS date
                  FROM %(table)s r
                  JOIN res_partner p ON p.id = r.partner_id
                  JOIN mail_message m ON m.model = %(model)s AND m.res_id = r.id
                  JOIN res_partner author ON author.id = m.author_id
             LEFT JOIN answered a ON a.res_id = r.id
                 WHERE r.state IN %(states)s AND r.date_awaiting_reply IS NULL
                   AND m.message_type IN %(written)s
                   AND author.commercial_partner_id = p.commercial_partner_id
                   AND NOT EXISTS (SELECT 1 FROM res_users u
                                    WHERE u.partner_id = m.author_id AND NOT u.share)
                   AND (a.date IS NULL OR m.date > a.date)
              GROUP BY r.id
            )
            UPDATE %(table)s r SET date_awaiting_reply = waiting.date
              FROM waiting WHERE waiting.id = r.id
            """,
            table=SQL.identifier(table),
            model=model,
            written=WRITTEN,
            states=states,
        )
    )
    return cr.rowcount


def migrate(cr, version):
    if not version:
        return
    incidents = _awaiting(cr, "customer_care_incident", "customer.care.incident", RUNNING)
    cr.execute(
        SQL(
            """UPDATE customer_care_incident SET date_awaiting_reply = date_received
                WHERE state IN %s AND date_awaiting_reply IS NULL
                  AND date_first_response IS NULL AND channel NOT IN ('phone', 'visit')""",
            RUNNING,
        )
    )
    incidents += cr.rowcount
    plans = _awaiting(cr, "customer_care_plan", "customer.care.plan", OPEN_PLANS)
    _logger.info(
        "care inbox: %s open incidents and %s care plans wait for an answer", incidents, plans
    )
