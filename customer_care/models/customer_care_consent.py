from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..logic import consent


class CustomerCareConsent(models.Model):
    """What a customer agreed to, purpose by purpose and channel by channel.

    Entries are history: a consent is changed by recording a new entry,
    never by editing an old one, and the latest entry per purpose and
    channel decides (``res.partner._care_consent_state``).  Only an
    administrator corrects an entry; only the erasure of a customer's data
    (as superuser) deletes one.
    """

    _name = "customer.care.consent"
    _description = "Customer Consent"
    _order = "date desc, id desc"
    _rec_name = "purpose"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    purpose = fields.Selection(consent.PURPOSES, required=True, default=consent.MARKETING)
    channel = fields.Selection(consent.CONSENT_CHANNELS, required=True, default=consent.ANY)
    state = fields.Selection(consent.STATES, required=True, default=consent.GIVEN)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    source = fields.Selection(consent.SOURCES, required=True, default="staff")
    evidence = fields.Text(
        help="How the customer agreed or withdrew: the form, the call, the message, the link."
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    recorded_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)

    _partner_purpose_idx = models.Index("(partner_id, purpose, company_id, date DESC, id DESC)")

    @api.depends("purpose", "channel", "state")
    def _compute_display_name(self):
        purposes = dict(self._fields["purpose"]._description_selection(self.env))
        states = dict(self._fields["state"]._description_selection(self.env))
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for entry in self:
            entry.display_name = (
                f"{purposes.get(entry.purpose, '')} · {channels.get(entry.channel, '')}: "
                f"{states.get(entry.state, '')}"
            )

    @api.model_create_multi
    def create(self, vals_list):
        # who recorded an entry is the system's to say, not the client's
        if not self.env.su:
            for vals in vals_list:
                vals["recorded_by_id"] = self.env.uid
        return super().create(vals_list)

    def write(self, vals):
        """History is not rewritten: a change of mind is a new entry."""
        if not self.env.is_system():
            raise AccessError(
                self.env._(
                    "Consent entries are history and cannot be changed: record a new "
                    "entry (Record Consent or Withdraw) instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        """Only the erasure of a customer's data (as superuser) removes
        their consents."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Consent entries are history and cannot be deleted; they go only "
                    "with the erasure of the customer's data."
                )
            )

    @api.model
    def _record(
        self, partners, purpose, state, channel=consent.ANY, source="staff", evidence=False
    ):
        """Record ``state`` for ``purpose`` on ``channel`` for each of
        ``partners`` (one entry each, one create); returns the entries."""
        return self.create(
            [
                {
                    "partner_id": partner.id,
                    "purpose": purpose,
                    "channel": channel,
                    "state": state,
                    "source": source,
                    "evidence": evidence,
                }
                for partner in partners
            ]
        )
