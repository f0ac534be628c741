from odoo import fields, models

from ..logic import consent


class CustomerCareConsentWizard(models.TransientModel):
    """Record Consent / Withdraw on the customer's Care tab: one new entry
    in the consent history, never a change of an old one."""

    _name = "customer.care.consent.wizard"
    _description = "Record a Customer Consent"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    purpose = fields.Selection(consent.PURPOSES, required=True, default=consent.MARKETING)
    channel = fields.Selection(consent.CONSENT_CHANNELS, required=True, default=consent.ANY)
    state = fields.Selection(consent.STATES, required=True, default=consent.GIVEN)
    source = fields.Selection(consent.SOURCES, required=True, default="staff")
    evidence = fields.Text(
        help="How the customer agreed or withdrew: the form, the call, the message."
    )

    def action_confirm(self):
        self.ensure_one()
        self.env["customer.care.consent"]._record(
            self.partner_id,
            self.purpose,
            self.state,
            channel=self.channel,
            source=self.source,
            evidence=self.evidence,
        )
        return {"type": "ir.actions.act_window_close"}
