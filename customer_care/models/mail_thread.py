import logging

from odoo import models

from ..logic import inbound

_logger = logging.getLogger(__name__)

INCIDENT = "customer.care.incident"
# set while an automatic reply is processed: it is no customer's reply
AUTO_REPLY = "customer_care_auto_reply"


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
        return super()._message_route_process(message, message_dict, routes)
