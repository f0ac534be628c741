from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..logic import consent, unsubscribe
from .care_sql import consent_state
from .res_partner import CARE_USER

# demographics, family, life events and hobbies: profiling (PDPL, PDPA, PIPL)
PROFILE_FIELDS = frozenset(
    {
        "birthdate_date",
        "gender",
        "care_education",
        "care_marital_status",
        "care_children_count",
        "care_family_note",
        "care_life_events",
        "care_hobby_ids",
    }
)


class ResPartner(models.Model):
    """The customer's consents: the history on the Care tab, the state the
    outreach and the profile read from it, and the rule that under an
    opt-in regime staff record profiling consent before they record a
    customer's demographics, family or hobbies."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    care_consent_ids = fields.One2many(
        "customer.care.consent", "partner_id", string="Consents", groups=CARE_USER
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(self._care_profile_values(vals) for vals in vals_list):
            self._care_check_profiling_consent(new=True)
        return super().create(vals_list)

    def write(self, vals):
        if self and self._care_profile_values(vals):
            self._care_check_profiling_consent()
        return super().write(vals)

    def _care_profile_values(self, vals):
        """Whether ``vals`` records profile data (clearing it records nothing)."""

        def records(value):
            if not isinstance(value, (list, tuple)):
                return bool(value)
            # x2many commands: only adding or linking records records something
            return any(
                command[0] in (0, 1, 4) or (command[0] == 6 and command[2])
                for command in value
                if isinstance(command, (list, tuple))
            )

        return any(records(vals[fname]) for fname in PROFILE_FIELDS & set(vals))

    def _care_check_profiling_consent(self, new=False):
        """Under an opt-in regime, staff record a customer's profile only
        with profiling consent given.  Engines (superuser: the facts
        refresh, module data) and imports are not staff edits; an import
        carries its own consent entries."""
        if self.env.su or self.env.context.get("import_file"):
            return
        if self.env.company.care_consent_regime != consent.OPT_IN:
            return
        states = {} if new else self._care_consent_state(consent.PROFILING, consent.ANY)
        missing = self.filtered(lambda p: states.get(p.id) != consent.GIVEN) if not new else self
        if new or missing:
            names = ", ".join(missing.mapped("display_name")) if missing else ""
            raise UserError(
                self.env._(
                    "Demographics, family and hobbies are personal data this company "
                    "records only with the customer's consent to profiling. Record that "
                    "consent first (Care tab, Record Consent) for: %s",
                    names or self.env._("the new customer"),
                )
            )

    def _care_consent_state(self, purpose, channel=consent.ANY):
        """``{partner_id: 'given' | 'withdrawn' | False}``: the latest entry of
        ``purpose`` among ``channel`` and *any channel* in the current
        company decides; one query for the whole recordset."""
        if not self.ids:
            return {}
        self.env["customer.care.consent"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT p.id, %s FROM unnest(%s::int[]) AS p(id)",
                consent_state(SQL("p.id"), self.env.company.id, purpose, channel),
                self.ids,
            )
        )
        states = dict(self.env.cr.fetchall())
        return {partner_id: states.get(partner_id) or False for partner_id in self.ids}

    def action_care_record_consent(self):
        return self._care_consent_wizard(consent.GIVEN)

    def action_care_withdraw_consent(self):
        return self._care_consent_wizard(consent.WITHDRAWN)

    def _care_consent_wizard(self, state):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.care.consent.wizard",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Record Consent")
            if state == consent.GIVEN
            else self.env._("Withdraw Consent"),
            "context": {"default_partner_id": self.id, "default_state": state},
        }

    # -- unsubscribe link of outreach emails and SMS ------------------------------
    def _care_unsubscribe_url(self, company, channel="email"):
        """The customer's unsubscribe link for ``company``'s outreach on
        ``channel`` (email: also the one-click address), on the company's
        own address (its website's when it has one, else ``web.base.url``)."""
        self.ensure_one()
        return self._care_unsubscribe_urls(company, channel)[self.id]

    def _care_unsubscribe_urls(self, company, channel="email"):
        """``{partner_id: link}`` for a batch (one secret, one base URL)."""
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        base = company.sudo().get_base_url()
        return {
            partner_id: unsubscribe.url(
                base,
                partner_id,
                company.id,
                unsubscribe.sign(secret, partner_id, company.id),
                channel,
            )
            for partner_id in self.ids
        }

    def _care_unsubscribe(self, channel="email", one_click=False):
        """The customer withdraws marketing consent on ``channel`` in the
        current company (the link's).  Idempotent: already withdrawn records
        nothing.  Returns False when the link was used too often this hour
        (nothing recorded)."""
        self.ensure_one()
        partner = self.sudo()
        if partner._care_consent_state(consent.MARKETING, channel)[self.id] == consent.WITHDRAWN:
            return True
        Consent = self.env["customer.care.consent"].sudo()
        recent = Consent.search_count(
            [
                ("partner_id", "=", self.id),
                ("source", "=", "unsubscribe"),
                ("company_id", "=", self.env.company.id),
                ("date", ">=", fields.Datetime.now() - timedelta(hours=1)),
            ]
        )
        if recent >= unsubscribe.PER_HOUR:
            return False
        if one_click:
            evidence = self.env._("One-click unsubscribe request from the customer's email program")
        elif channel == "sms":
            evidence = self.env._("Confirmed on the unsubscribe page of an outreach SMS")
        else:
            evidence = self.env._("Confirmed on the unsubscribe page of an outreach email")
        Consent._record(
            partner,
            consent.MARKETING,
            consent.WITHDRAWN,
            channel=channel,
            source="unsubscribe",
            evidence=evidence,
        )
        return True
