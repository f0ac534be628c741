import logging

from odoo import models
from odoo.tools import email_normalize

from ..logic import inbound
from ..logic.incidents import AUTO_REPLY, SENDER_AUTHENTICATED

_logger = logging.getLogger(__name__)

INCIDENT = "customer.care.incident"
# the receiving mail servers whose Authentication-Results are trusted
AUTHSERV_IDS_PARAM = "customer_care.mail_authserv_ids"


class MailThread(models.AbstractModel):
    """Automatic replies (out of office, autoresponders) never open, reopen
    or acknowledge an incident.

    Answering the acknowledgement, the resolution or the follow-up email,
    an out-of-office reply would otherwise reopen a solved incident, or open
    a new one that is acknowledged in turn: a mail loop.  An automatic email
    (see ``inbound.is_auto_reply``) that opens no thread is dropped (logged
    on the server); one that threads into an incident is kept there as an
    internal note (``message_update`` of the incident).  Other models'
    routes are left as Odoo routes them.

    An email opening an incident also carries the receiving server's
    verdict on its sender (``SENDER_AUTHENTICATED``: only the sender it
    vouches for is acknowledged), and its route is rebuilt from the care
    team owning the address (its team and company), whatever the address's
    defaults were changed to.
    """

    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        if routes and inbound.is_auto_reply(message.items()):
            kept = [route for route in routes if route[0] != INCIDENT or route[1]]
            if len(kept) < len(routes):
                _logger.info(
                    "Automatic reply from %s with Message-Id %s opens no incident: dropped",
                    message_dict.get("email_from"),
                    message_dict.get("message_id"),
                )
            routes = kept
            self = self.with_context(**{AUTO_REPLY: True})
        if any(route[0] == INCIDENT and not route[1] for route in routes or ()):
            routes = self._care_team_routes(routes)
            self = self.with_context(
                **{SENDER_AUTHENTICATED: self._care_sender_authenticated(message, message_dict)}
            )
        return super()._message_route_process(message, message_dict, routes)

    def _care_team_routes(self, routes):
        """An email to a care team's address opens an incident of that team
        and of the team's company, whatever the alias's defaults say: a
        team's defaults are editable, and naming another company's team or
        company there would file emails where its managers cannot see them."""
        Team = self.env["customer.care.team"].sudo().with_context(active_test=False)
        rebuilt = []
        for model, thread_id, custom_values, user_id, alias in routes:
            if model == INCIDENT and not thread_id and alias:
                alias_sudo = alias.sudo()
                if alias_sudo.alias_parent_model_id.model == Team._name:
                    team = Team.browse(alias_sudo.alias_parent_thread_id).exists()
                    if team:
                        custom_values = {
                            **(custom_values or {}),
                            "team_id": team.id,
                            "company_id": team.company_id.id,
                        }
            rebuilt.append((model, thread_id, custom_values, user_id, alias))
        return rebuilt

    def _care_sender_authenticated(self, message, message_dict):
        """The receiving server's DMARC verdict on the sender (see
        ``inbound.sender_authenticated``); the servers trusted are listed,
        comma-separated, in the system parameter
        ``customer_care.mail_authserv_ids`` (empty: the topmost header)."""
        trusted = self.env["ir.config_parameter"].sudo().get_param(AUTHSERV_IDS_PARAM) or ""
        return inbound.sender_authenticated(
            [str(value) for value in message.get_all("Authentication-Results") or []],
            email_normalize(message_dict.get("email_from") or "") or "",
            [item.strip() for item in trusted.split(",")],
        )
