from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.customer_care.logic.incidents import OPEN_STATES
from odoo.addons.customer_care.models.customer_care_inbox import PART_STRIDE

PART_LIVECHAT = 3


class CustomerCareInbox(models.Model):
    """The live chat conversations whose visitor waits for an operator's
    answer join the care inbox; a conversation with an open care incident
    shows as that incident instead (the visitor's messages and the
    operator's answers keep the incident's wait, see ``discuss_channel.py``)."""

    _inherit = "customer.care.inbox"
    _depends = {
        "discuss.channel": [
            "care_date_awaiting_reply",
            "livechat_end_dt",
            "channel_type",
            "name",
            "livechat_operator_id",
            "livechat_customer_partner_ids",
        ],
        "customer.care.incident": ["discuss_channel_id"],
    }

    # a view: nothing is stored, the policy is only the one a required field names
    source = fields.Selection(
        selection_add=[("livechat", "Live Chat")], ondelete={"livechat": "cascade"}
    )
    channel = fields.Selection(selection_add=[("livechat", "Live Chat")])

    @api.model
    def _inbox_parts(self):
        return [
            *super()._inbox_parts(),
            SQL(
                """SELECT c.id * %(stride)s + %(part)s, 'livechat'::varchar,
                          'discuss.channel'::varchar, c.id, c.name,
                          (SELECT min(r.res_partner_id)
                             FROM im_livechat_channel_member_history_discuss_channel_customer_rel r
                            WHERE r.discuss_channel_id = c.id),
                          NULL::integer,
                          (SELECT min(u.id) FROM res_users u
                            WHERE u.partner_id = c.livechat_operator_id AND u.active),
                          NULL::integer, 'livechat'::varchar, NULL::varchar,
                          c.care_date_awaiting_reply, NULL::timestamp, NULL::varchar,
                          c.livechat_end_dt IS NULL AND c.channel_type = 'livechat'
                          AND NOT EXISTS (SELECT 1 FROM customer_care_incident i
                                           WHERE i.discuss_channel_id = c.id
                                             AND i.state IN %(open)s)
                     FROM discuss_channel c""",
                stride=PART_STRIDE,
                part=PART_LIVECHAT,
                open=OPEN_STATES,
            ),
        ]

    def action_open(self):
        """A live chat conversation opens in Discuss, where the operator answers."""
        self.ensure_one()
        if self.res_model != "discuss.channel":
            return super().action_open()
        return {
            "type": "ir.actions.client",
            "tag": "mail.action_discuss",
            "params": {"active_id": f"discuss.channel_{self.res_id}"},
        }
