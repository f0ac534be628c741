import logging
import time

from lxml import etree

from odoo import http
from odoo.http import request

from .. import providers
from ..logic import conversation

_logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # bytes; providers send a few kilobytes


class MessagingWebhook(http.Controller):
    """The chat apps' webhooks: one address per provider and account
    (``/customer_care/messaging/<provider>/<webhook key>``).

    The signature is checked before anything else; a forged, stale
    (replayed) or malformed request is refused and logged with nothing
    stored.  A verified request's events are stored and handed to the
    processing job, so the answer comes at once.  The answer never carries
    data: a fixed acknowledgement, or the challenge of the provider's
    subscription check."""

    @http.route(
        "/customer_care/messaging/<string:provider>/<string:key>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def webhook(self, provider, key, **_params):
        handler = providers.get(provider)
        account = (
            request.env["customer.care.messaging.account"]
            .sudo()
            .search([("provider", "=", provider), ("webhook_key", "=", key)], limit=1)
            if handler
            else None
        )
        if not account:
            _logger.warning("chat webhook: no active %s account for this address", provider)
            return self._refuse(404)
        httprequest = request.httprequest
        if (httprequest.content_length or 0) > MAX_BODY:
            _logger.warning("chat webhook: %s account %s: body too large", provider, account.id)
            return self._refuse(413)
        hook = providers.Webhook(
            method=httprequest.method,
            headers={name.lower(): value for name, value in httprequest.headers.items()},
            query=httprequest.args.to_dict(),
            body=httprequest.get_data(cache=False)[:MAX_BODY],
        )
        keys = account._keys()
        if hook.method == "GET":
            answer = handler.handshake(keys, hook)
            if answer is None:
                _logger.warning(
                    "chat webhook: %s account %s: subscription check refused", provider, account.id
                )
                return self._refuse(403)
            return request.make_response(answer, [("Content-Type", "text/plain")])
        if not handler.verify(keys, hook):
            _logger.warning(
                "chat webhook: %s account %s: bad signature, request refused (from %s)",
                provider,
                account.id,
                httprequest.remote_addr,
            )
            return self._refuse(403)
        try:
            events = handler.parse(keys, hook)
        except (ValueError, KeyError, TypeError, etree.XMLSyntaxError):
            _logger.warning("chat webhook: %s account %s: unreadable body", provider, account.id)
            return self._refuse(400)
        signed_at = handler.signed_timestamp(hook, events)
        if conversation.is_stale(signed_at, time.time(), account.replay_minutes):
            _logger.warning(
                "chat webhook: %s account %s: stale request refused as a replay (signed at %s)",
                provider,
                account.id,
                signed_at,
            )
            return self._refuse(403)
        request.env["customer.care.messaging.event"].sudo()._store(account, events)
        return request.make_response(handler.ack_body, [("Content-Type", handler.ack_content_type)])

    def _refuse(self, status):
        return request.make_response("", status=status)
