import logging
import time

from lxml import etree
from werkzeug.exceptions import RequestEntityTooLarge

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
    stored, always with a 4xx (never an error page).  An account whose
    webhook keys are not all filled in is not ready and refuses everything.
    The body is read up to ``MAX_BODY`` bytes, whatever the request
    announces.  A verified request's events are stored and handed to the
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
        max_content_length=MAX_BODY,
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
        body = self._read_body(httprequest)
        if body is None:
            _logger.warning("chat webhook: %s account %s: body too large", provider, account.id)
            return self._refuse(413)
        hook = providers.Webhook(
            method=httprequest.method,
            headers={name.lower(): value for name, value in httprequest.headers.items()},
            query=httprequest.args.to_dict(),
            body=body,
        )
        keys = account._keys()
        if handler.missing_keys(keys):
            _logger.warning(
                "chat webhook: %s account %s is not ready (a key is missing): request refused",
                provider,
                account.id,
            )
            return self._refuse(403)
        if hook.method == "GET":
            answer = handler.handshake(keys, hook)
            if answer is None or not self._fresh(handler, account, keys, hook, ()):
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
        except (ValueError, KeyError, TypeError, AttributeError, etree.XMLSyntaxError):
            _logger.warning("chat webhook: %s account %s: unreadable body", provider, account.id)
            return self._refuse(400)
        if not self._fresh(handler, account, keys, hook, events):
            return self._refuse(403)
        request.env["customer.care.messaging.event"].sudo()._store(account, events)
        return request.make_response(handler.ack_body, [("Content-Type", handler.ack_content_type)])

    def _read_body(self, httprequest):
        """The body, read up to ``MAX_BODY`` bytes (a chunked request
        announces no length); ``None`` when it is longer.  Odoo's request
        offers ``get_data()``, which reads it all (werkzeug before 2.3 does
        not apply the route's ``max_content_length`` to a chunked body):
        the werkzeug request's stream is read instead, with a bound."""
        if (httprequest.content_length or 0) > MAX_BODY:
            return None
        stream = httprequest._HTTPRequest__wrapped.stream  # pylint: disable=protected-access
        chunks, size = [], 0
        try:
            while size <= MAX_BODY:
                chunk = stream.read(MAX_BODY + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except RequestEntityTooLarge:
            return None
        return b"".join(chunks) if size <= MAX_BODY else None

    def _fresh(self, handler, account, keys, hook, events):
        """Whether a verified request is within the account's replay window
        and, when the provider's signature does not cover the body, carries
        a signature not seen before (it is remembered)."""
        signed_at = handler.signed_timestamp(hook, events)
        if conversation.is_stale(signed_at, time.time(), account.replay_minutes):
            _logger.warning(
                "chat webhook: %s account %s: stale request refused as a replay (signed at %s)",
                account.provider,
                account.id,
                signed_at,
            )
            return False
        replay_key = handler.replay_key(keys, hook)
        if replay_key and not request.env["customer.care.messaging.signature"].sudo()._accept_once(
            account, replay_key
        ):
            _logger.warning(
                "chat webhook: %s account %s: signature already used, request refused as a replay",
                account.provider,
                account.id,
            )
            return False
        return True

    def _refuse(self, status):
        return request.make_response("", status=status)
