import dataclasses
import logging
import secrets
from datetime import timedelta

import requests

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .. import providers
from ..logic import conversation, media
from ..providers import wechat

_logger = logging.getLogger(__name__)

API_TIMEOUT = 10  # seconds an API call may take
REFRESH_AHEAD = timedelta(hours=1)  # refresh tokens expiring sooner than this
SECRET_FIELDS = ("secret", "verify_token", "app_secret", "access_token", "refresh_token")


class CustomerCareMessagingAccount(models.Model):
    """An official account of the company in a chat app (a Zalo OA, a LINE
    channel, a Facebook page, a WeChat official account).

    Only Settings administrators connect accounts and read their keys; care
    users see which accounts exist.  The provider module (``providers/``)
    knows the chat app; the account holds the keys and performs the calls.
    """

    _name = "customer.care.messaging.account"
    _description = "Chat App Account"
    _order = "company_id, provider, name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    provider = fields.Selection(selection=lambda self: providers.selection(), required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    external_id = fields.Char(
        string="Account ID",
        help="The account's own id at the provider: Zalo OA id, LINE bot user id, Facebook "
        "page id or WeChat original id (gh_...).",
    )
    app_id = fields.Char(
        string="App ID",
        help="Zalo app id, LINE channel id, Meta app id or WeChat AppID.",
    )
    # -- keys: Settings administrators only ------------------------------------
    secret = fields.Char(
        string="Signing Secret",
        groups="base.group_system",
        copy=False,
        help="Zalo: OA secret key. LINE: channel secret. Messenger: app secret. WeChat: AppSecret.",
    )
    verify_token = fields.Char(
        groups="base.group_system",
        copy=False,
        help="Messenger: the verify token typed in the webhook settings. WeChat: the Token "
        "of the server configuration.",
    )
    wechat_mode = fields.Selection(
        [("safe", "Safe mode (encrypted)"), ("plain", "Plaintext mode")],
        string="WeChat Message Encryption",
        default="safe",
        help="Safe mode: WeChat encrypts and signs every message with the EncodingAESKey; use "
        "it. Plaintext mode signs only the time and a random number, not the message.",
    )
    encoding_aes_key = fields.Char(
        string="EncodingAESKey",
        groups="base.group_system",
        copy=False,
        help="WeChat safe mode: the 43-character EncodingAESKey of the server configuration.",
    )
    app_secret = fields.Char(
        string="App Secret Key",
        groups="base.group_system",
        copy=False,
        help="Zalo: the app's secret key, used to refresh the access token.",
    )
    access_token = fields.Char(groups="base.group_system", copy=False)
    refresh_token = fields.Char(groups="base.group_system", copy=False)
    token_expiry = fields.Datetime(string="Token Expires", groups="base.group_system", copy=False)
    webhook_key = fields.Char(
        groups="base.group_system",
        copy=False,
        readonly=True,
        default=lambda self: secrets.token_urlsafe(24),
        help="The unguessable part of the webhook address.",
    )
    webhook_url = fields.Char(
        string="Webhook URL", compute="_compute_webhook_url", groups="base.group_system"
    )
    api_base_url = fields.Char(
        string="API Base URL",
        groups="base.group_system",
        help="Leave empty to call the provider's servers; a test server's address "
        "replaces all of them, also as the only server customers' files are fetched from "
        "(never from a loopback or private network address).",
    )
    last_error = fields.Text(readonly=True, groups="base.group_system", copy=False)
    # -- rules -----------------------------------------------------------------
    window_hours = fields.Integer(
        string="Reply Window (hours)",
        help="Free replies are allowed this many hours after the customer's last message; "
        "0: always. Messenger 24, WeChat 48, Zalo consultation messages 168 (7 days).",
    )
    replay_minutes = fields.Integer(
        string="Replay Window (minutes)",
        default=conversation.MAX_REPLAY_MINUTES,
        help="Signed requests older than this are refused as replays (1 to 5 minutes).",
    )
    greeting = fields.Text(
        translate=True,
        help="Sent to a customer who starts following the account (empty: no greeting).",
    )
    identity_count = fields.Integer(compute="_compute_identity_count", string="Customers")
    is_ready = fields.Boolean(
        string="Ready",
        compute="_compute_readiness",
        help="The keys webhook requests are checked with are all filled in.",
    )
    missing_keys = fields.Char(compute="_compute_readiness")

    _webhook_key_uniq = models.Constraint("UNIQUE(webhook_key)", "The webhook key must be unique.")
    _replay_minutes_range = models.Constraint(
        f"CHECK(replay_minutes BETWEEN 1 AND {conversation.MAX_REPLAY_MINUTES})",
        "The replay window is 1 to 5 minutes.",
    )

    def init(self):
        # replay windows of older versions (60 minutes, or 0: none) become
        # the longest one allowed before the range constraint is applied
        self.env.cr.execute(
            SQL(
                "UPDATE customer_care_messaging_account SET replay_minutes = %s "
                "WHERE replay_minutes IS NULL OR replay_minutes NOT BETWEEN 1 AND %s",
                conversation.MAX_REPLAY_MINUTES,
                conversation.MAX_REPLAY_MINUTES,
            )
        )

    @api.depends("webhook_key", "provider")
    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for account in self:
            account.webhook_url = (
                f"{base}/customer_care/messaging/{account.provider}/{account.webhook_key}"
                if account.provider and account.webhook_key
                else False
            )

    @api.depends("provider", "wechat_mode", "app_id", "secret", "verify_token", "encoding_aes_key")
    @api.depends_context("lang")
    def _compute_readiness(self):
        """Not ready while a key the webhook is checked with is empty: such
        an account refuses every webhook request (an empty key would let
        anyone sign)."""
        for account in self:
            provider = providers.get(account.provider)
            missing = provider.missing_keys(account._keys()) if provider else []
            account.is_ready = bool(provider) and not missing
            account.missing_keys = ", ".join(
                account._fields[name].get_description(self.env)["string"] for name in missing
            )

    def _compute_identity_count(self):
        counts = dict(
            self.env["customer.care.messaging.identity"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.identity_count = counts.get(account, 0)

    @api.onchange("provider")
    def _onchange_provider(self):
        provider = providers.get(self.provider)
        if provider:
            self.window_hours = provider.window_hours

    @api.constrains("encoding_aes_key")
    def _check_encoding_aes_key(self):
        for account in self.sudo():
            if account.encoding_aes_key:
                try:
                    wechat.aes_key(account.encoding_aes_key)
                except ValueError as error:
                    raise ValidationError(
                        self.env._(
                            "The EncodingAESKey is the 43 characters shown in WeChat's server "
                            "configuration."
                        )
                    ) from error

    def _check_test_server(self, vals):
        """The API base URL also opens attachment fetching to a test server:
        only a Settings administrator sets it, whatever the access path."""
        if vals.get("api_base_url") and not self.env.is_system():
            raise AccessError(
                self.env._("Only a Settings administrator can point an account at a test server.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_test_server(vals)
            provider = providers.get(vals.get("provider"))
            if provider and "window_hours" not in vals:
                vals["window_hours"] = provider.window_hours
        return super().create(vals_list)

    def write(self, vals):
        self._check_test_server(vals)
        return super().write(vals)

    # -- the provider and its calls ----------------------------------------------
    def _provider(self):
        self.ensure_one()
        provider = providers.get(self.provider)
        if not provider:
            raise UserError(self.env._("The chat app %s is not available.", self.provider))
        return provider

    def _keys(self):
        self.ensure_one()
        account = self.sudo()
        return {
            "external_id": account.external_id,
            "app_id": account.app_id,
            "wechat_mode": account.wechat_mode,
            "encoding_aes_key": account.encoding_aes_key,
            **{name: account[name] for name in SECRET_FIELDS},
        }

    def _scrub(self, text):
        """``text`` without any of the account's keys: error texts are shown
        to care users, on the message to the customer and in the log, and
        some providers want the access token in the query string, which
        network errors quote."""
        text = str(text or "")
        account = self.sudo()
        for name in SECRET_FIELDS:
            if account[name] and len(account[name]) >= 4:
                text = text.replace(account[name], "***")
        return text

    def _call(self, api_request):
        """Perform an API call; ``(status, json or None)``, status 0 when the
        provider could not be reached.  A network error is told by its kind
        only: its text quotes the request's address, query string included."""
        try:
            response = requests.request(
                api_request.method,
                api_request.url,
                headers=api_request.headers,
                params=api_request.params,
                json=api_request.json,
                data=api_request.data,
                timeout=API_TIMEOUT,
            )
        except requests.RequestException as error:
            _logger.warning(
                "%s account %s: %s unreachable (%s)",
                self.provider,
                self.id,
                api_request.url.split("?", 1)[0],
                type(error).__name__,
            )
            return 0, {
                "message": self.env._(
                    "The chat app could not be reached (%s): try again later.",
                    type(error).__name__,
                )
            }
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, {"message": self._scrub(response.text[:200])}

    def _send(self, recipient, text, template=None, phone=None, params=None):
        """Send ``text`` (or the approved ``template``) to the provider's user
        ``recipient``; a :class:`providers.SendResult`, whose error text never
        carries a key of the account."""
        self.ensure_one()
        provider, base, keys = self._provider(), self.sudo().api_base_url, self._keys()
        if template:
            api_request = provider.template_request(
                base, keys, recipient, phone, template.code, text, params or {}
            )
        else:
            api_request = provider.text_request(base, keys, recipient, text)
        status, payload = self._call(api_request)
        if not status:
            result = providers.SendResult(providers.base.FAILED, error=payload["message"])
        else:
            result = provider.read_send_response(status, payload)
        if result.error:
            result = dataclasses.replace(result, error=self._scrub(result.error))
        return result

    def _fetch(self, kind, reference, deadline=media.DEADLINE):
        """The content of a file the customer sent, announced as ``kind``;
        raises :class:`media.Refused` when it is not fetched (see
        ``logic/media.py``: the chat app's own media hosts over HTTPS, or
        the administrator's test server; never an internal address; no
        redirect; capped in size and time; the type matching the kind)."""
        provider, account = self._provider(), self.sudo()
        api_request = provider.attachment_request(
            account.api_base_url, self._keys(), reference or ""
        )
        if not api_request:
            raise media.Refused(media.NOT_ALLOWED)
        return media.fetch(
            api_request.url,
            kind,
            provider.media_hosts,
            test_server=account.api_base_url or None,
            headers=api_request.headers,
            deadline=deadline,
        )

    # -- buttons ---------------------------------------------------------------------
    def _check_system(self):
        """Rotating the webhook address or the provider's tokens changes what
        every provider delivery and every send depends on: Settings
        administrators only, whatever path the call takes (the buttons are
        hidden from others, but any care user can call a public method)."""
        if not self.env.is_system():
            raise AccessError(
                self.env._(
                    "Only Settings administrators renew the webhook address or the access "
                    "tokens of a chat app account."
                )
            )

    def action_refresh_token(self):
        self._check_system()
        self._refresh_tokens()
        return True

    def action_new_webhook_key(self):
        """A new webhook address: the old one stops working at once."""
        self._check_system()
        for account in self.sudo():
            account.webhook_key = secrets.token_urlsafe(24)
        return True

    def action_open_identities(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Chat Customers"),
            "res_model": "customer.care.messaging.identity",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
            "context": {"default_account_id": self.id},
        }

    # -- scheduled action ----------------------------------------------------------
    def _refresh_tokens(self):
        """Fetch a new access token from the provider; a refusal is kept in
        *Last Error* and logged, and the old token stays."""
        for account in self.sudo():
            provider = account._provider()
            api_request = provider.refresh_request(account.api_base_url, account._keys())
            if not api_request:
                continue
            status, payload = account._call(api_request)
            try:
                if not status:
                    raise ValueError(payload["message"])
                tokens = provider.read_refresh_response(status, payload)
            except ValueError as error:
                error = account._scrub(error)
                _logger.warning(
                    "%s account %s: token refresh refused: %s", account.provider, account.id, error
                )
                account.last_error = self.env._("Token refresh refused: %s", error)
                continue
            vals = {"access_token": tokens["access_token"], "last_error": False}
            if tokens.get("refresh_token"):
                vals["refresh_token"] = tokens["refresh_token"]
            if tokens.get("expires_in"):
                vals["token_expiry"] = fields.Datetime.now() + timedelta(
                    seconds=int(tokens["expires_in"])
                )
            account.write(vals)

    @api.model
    def _cron_refresh_tokens(self):
        """Refresh the access tokens that expire within the hour (or are
        missing; a token pasted without expiry is kept), account by account
        (each committed, so one refusal does not undo the others)."""
        refreshing = [p.code for p in providers.REGISTRY.values() if p.refreshes_token]
        accounts = self.sudo().search(
            [
                ("provider", "in", refreshing),
                "|",
                ("access_token", "=", False),
                ("token_expiry", "<", fields.Datetime.now() + REFRESH_AHEAD),
            ]
        )
        cron = self.env["ir.cron"]
        for done, account in enumerate(accounts, 1):
            account._refresh_tokens()
            cron._commit_progress(1, remaining=len(accounts) - done)
