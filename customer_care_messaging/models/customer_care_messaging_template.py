from odoo import fields, models


class CustomerCareMessagingTemplate(models.Model):
    """A message the provider approved for sending outside the reply window
    (a Zalo ZNS template, a Messenger message tag, a WeChat template
    message) or a LINE push text, used by the composer once the window is
    closed and by outreach rules."""

    _name = "customer.care.messaging.template"
    _description = "Chat App Template"
    _order = "account_id, name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    account_id = fields.Many2one(
        "customer.care.messaging.account", required=True, ondelete="cascade", index=True
    )
    provider = fields.Selection(related="account_id.provider")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    code = fields.Char(
        string="Provider Template",
        help="Zalo: the ZNS template id. Messenger: the message tag (e.g. "
        "POST_PURCHASE_UPDATE, ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE). WeChat: the template "
        "id. LINE: leave empty (a push message).",
    )
    body = fields.Text(
        string="Text",
        translate=True,
        help="{name} is the customer's name, {company} the company's. Zalo ZNS and WeChat "
        "templates receive it as the parameter 'message' beside 'customer_name'.",
    )
