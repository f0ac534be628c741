from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import AccessError

from ..logic.incidents import ACKNOWLEDGEMENT, AUTO_REPLY

# messages nobody typed: they ask for no answer and give none
NOT_WRITTEN = ("notification", "auto_comment", "user_notification")


class CustomerCareAwaitingMixin(models.AbstractModel):
    """A conversation with a customer that may wait for a care user's
    answer (incidents, care plans): ``date_awaiting_reply`` is when the
    customer wrote the first message nobody answered yet.

    Every door posts the customer's words on the record through
    ``message_post`` (the mail gateway, the portal chatter, the chat apps'
    batch, which calls the same hook per message), so one hook keeps it:
    the customer's message starts the wait unless one runs already, a care
    user's answer to the customer (a message, not a note) ends it.  The
    care inbox (``customer.care.inbox``) lists the records by it.
    """

    _name = "customer.care.awaiting.mixin"
    _inherit = ["mail.thread"]
    _description = "Care Conversation Awaiting a Reply"

    date_awaiting_reply = fields.Datetime(
        string="Awaiting Reply Since",
        readonly=True,
        copy=False,
        help="When the customer wrote the first message that no care user has answered yet; "
        "empty when nobody waits for an answer.",
    )

    # the states in which the record can wait for an answer: any other
    # state (resolved, waiting for the customer, done…) ends the wait
    _awaiting_states = ()

    def write(self, vals):
        if "date_awaiting_reply" in vals and not self.env.su:
            raise AccessError(
                self.env._(
                    "Whether a customer waits for an answer follows the messages: the "
                    "customer's message starts the wait, your answer ends it."
                )
            )
        if "state" in vals and vals["state"] not in self._awaiting_states:
            vals = dict(vals, date_awaiting_reply=False)
        return super().write(vals)

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        if self._is_customer_reply(message):
            self.filtered(lambda r: not r.date_awaiting_reply).sudo().write(
                {"date_awaiting_reply": message.date or fields.Datetime.now()}
            )
        elif self._is_care_answer(message):
            self.filtered("date_awaiting_reply").sudo().write({"date_awaiting_reply": False})
        return res

    def _is_customer_reply(self, message):
        """A message the customer wrote: an email, a comment or a chat
        app's message (``care_chat`` of customer_care_messaging), not an
        internal note, by a partner who is no internal user.  A portal
        user's message counts whatever its subtype (the portal posts what
        the customer typed); a note logged by care in the customer's name
        does not."""
        message = message.sudo()
        author = message.author_id
        if (
            not author
            or self.env.context.get(AUTO_REPLY)
            or self.env.context.get(ACKNOWLEDGEMENT)
            or message.message_type in NOT_WRITTEN
            or message.is_internal
            or author.user_ids.filtered(lambda u: not u.share)
        ):
            return False
        return bool(
            (message.subtype_id and not message.subtype_id.internal)
            or author.user_ids.filtered("share")
        )

    def _is_care_answer(self, message):
        """A message a person of the company sent the customer: an internal
        user writing as themselves, not a note, not the automatic
        acknowledgement nor a reminder, nor anything the system posts."""
        user = self.env.user
        return bool(
            not self.env.context.get(ACKNOWLEDGEMENT)
            and user.id != SUPERUSER_ID
            and not user.share
            and not user._is_public()
            and message.author_id == user.partner_id
            and message.message_type not in NOT_WRITTEN
            and not message.is_internal
            and message.subtype_id
            and not message.subtype_id.internal
        )
