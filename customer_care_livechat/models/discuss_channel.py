from markupsafe import Markup

from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

from odoo.addons.customer_care.logic.incidents import OPEN_STATES, RUNNING_STATES
from odoo.addons.customer_care.models.customer_care_inbox import PART_STRIDE

from .customer_care_inbox import PART_LIVECHAT

INCIDENT_COMMAND = "/incident"
CARE_USER = "customer_care.group_care_user"


class DiscussChannel(models.Model):
    """The ``/incident`` command of a live chat conversation, the
    operator's first answer stopping the response clock of the incidents
    opened from it, and the visitor's message ending their wait for the
    customer."""

    _inherit = "discuss.channel"

    care_date_awaiting_reply = fields.Datetime(
        string="Visitor Waiting Since",
        readonly=True,
        copy=False,
        help="When the visitor wrote the first message no operator has answered yet "
        "(what the care inbox shows).",
    )
    # the live chat part of the care inbox, read off this index
    _care_awaiting_reply_idx = models.Index(
        f"(care_date_awaiting_reply, (id * {PART_STRIDE} + {PART_LIVECHAT})) "
        "WHERE care_date_awaiting_reply IS NOT NULL AND livechat_end_dt IS NULL "
        "AND channel_type = 'livechat'"
    )

    care_incident_ids = fields.One2many(
        "customer.care.incident",
        "discuss_channel_id",
        string="Care Incidents",
        groups=CARE_USER,
    )

    def write(self, vals):
        if "care_date_awaiting_reply" in vals and not self.env.su:
            raise AccessError(
                self.env._(
                    "Whether a visitor waits for an answer follows the conversation: the "
                    "visitor's message starts the wait, an operator's answer ends it."
                )
            )
        return super().write(vals)

    def execute_command_incident(self, **kwargs):
        """``/incident <subject>``: a care incident for the visitor, with the
        conversation so far, unless one is still open for the conversation.
        The operator sees the link, or why not, as a message only they read."""
        self.ensure_one()
        user = self.env.user
        body = html2plaintext(kwargs.get("body") or "").strip()
        subject = body[len(INCIDENT_COMMAND) :].strip() if body.startswith(INCIDENT_COMMAND) else ""
        if self.channel_type != "livechat":
            msg = self.env._("/incident opens a care incident from a live chat conversation only.")
        elif not user.has_group(CARE_USER):
            msg = self.env._("Only care users can open a care incident from a conversation.")
        elif open_incident := self.env["customer.care.incident"].search(
            [("discuss_channel_id", "=", self.id), ("state", "in", OPEN_STATES)], limit=1
        ):
            msg = self.env._(
                "This conversation already has the open care incident %s.",
                open_incident._get_html_link(),
            )
        else:
            try:
                incident = self.env["customer.care.incident"]._open_from_livechat(
                    self, subject, "", self.env.company, operator=user
                )
            except UserError as error:
                msg = error.args[0]
            else:
                msg = self.env._("Opened the care incident %s.", incident._get_html_link())
        if not isinstance(msg, Markup):
            msg = Markup("%s") % msg
        user._bus_send_transient_message(self, msg)

    def _message_post_after_hook(self, message, msg_vals):
        """The operator's first message once an incident was opened from the
        conversation stops the incident's response clock, as a care user's
        first answer to an email does (the bot's messages and the visitor's
        do not)."""
        res = super()._message_post_after_hook(message, msg_vals)
        livechats = self.filtered(lambda c: c.channel_type == "livechat")
        if livechats and message.message_type == "comment" and message.author_id:
            livechats._care_first_response(message)
        if livechats and message.message_type == "comment":
            livechats._care_customer_replied(message)
        return res

    def _care_awaiting(self, message, waiting):
        """The visitor wrote (``waiting``) or an operator answered: the wait
        of the conversation, and of the open incidents opened from it, in
        the care inbox.  The addon's own column; the incidents' through
        their model."""
        now = message.date or fields.Datetime.now()
        channels = self.sudo()
        incidents = (
            self.env["customer.care.incident"]
            .sudo()
            .search([("discuss_channel_id", "in", self.ids), ("state", "in", RUNNING_STATES)])
        )
        if waiting:
            channels.filtered(lambda c: not c.care_date_awaiting_reply).write(
                {"care_date_awaiting_reply": now}
            )
            incidents.filtered(lambda i: not i.date_awaiting_reply).write(
                {"date_awaiting_reply": now}
            )
        else:
            channels.filtered("care_date_awaiting_reply").write({"care_date_awaiting_reply": False})
            incidents.filtered("date_awaiting_reply").write({"date_awaiting_reply": False})

    def _care_customer_replied(self, message):
        """The visitor wrote in the conversation (a guest, or the signed-in
        customer; never an operator nor the bot): the incidents opened from
        it that wait for the customer work again."""
        channels = self.sudo()
        author = message.sudo().author_id
        if not message.author_guest_id and (
            not author or author not in channels.livechat_customer_partner_ids
        ):
            return
        # sudo: the visitor may not read the incidents; the wait is the
        # incident's record of the customer's answer
        waiting = (
            self.env["customer.care.incident"]
            .sudo()
            .search([("discuss_channel_id", "in", self.ids), ("state", "=", "waiting")])
        )
        waiting._waiting_customer_replied()
        self._care_awaiting(message, waiting=True)

    def _care_first_response(self, message):
        author = message.author_id.sudo()
        operators = author.user_ids.filtered(lambda u: not u.share and u.id != SUPERUSER_ID)
        if author.partner_share or not operators:
            return
        self._care_awaiting(message, waiting=False)
        # sudo: the operator answering need not be a care user; the clock is
        # the incident's record of the answer the customer got
        incidents = (
            self.env["customer.care.incident"]
            .sudo()
            .search(
                [
                    ("discuss_channel_id", "in", self.ids),
                    ("date_first_response", "=", False),
                ]
            )
        )
        if incidents:
            incidents._write_clocks({"date_first_response": fields.Datetime.now()})
