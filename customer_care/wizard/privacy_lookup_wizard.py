from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class PrivacyLookupWizard(models.TransientModel):
    """Odoo's privacy lookup finds the care records of a person: those
    linked to the contact by a field Odoo's lookup reads by itself
    (incidents, care plans, questions, feedback), and these, which it
    leaves out (linked through another record, or deleted with the
    contact: outreach logs, consents, plan steps, top customer watch)."""

    _inherit = "privacy.lookup.wizard"

    def _care_lookup_parts(self):
        """``[(model, condition)]``: the care records of the contacts found
        (``indirect_references``) that the generic lookup misses.  Bridges
        add theirs."""
        people = SQL("(SELECT id FROM indirect_references)")
        return [
            ("customer.care.outreach.log", SQL("partner_id IN %s", people)),
            ("customer.care.consent", SQL("partner_id IN %s", people)),
            ("customer.care.top.snapshot", SQL("partner_id IN %s", people)),
            (
                "customer.care.plan.step",
                SQL(
                    "plan_id IN (SELECT id FROM customer_care_plan WHERE partner_id IN %s)", people
                ),
            ),
        ]

    def _get_query(self):
        query = super()._get_query()
        for model_name, condition in self._care_lookup_parts():
            model = self.env[model_name]
            query = SQL(
                "%s UNION ALL SELECT %s AS res_model_id, id AS res_id, True AS is_active "
                "FROM %s WHERE %s",
                query,
                self.env["ir.model"]._get_id(model_name),
                SQL.identifier(model._table),
                condition,
            )
        return query


class PrivacyLookupWizardLine(models.TransientModel):
    _inherit = "privacy.lookup.wizard.line"

    def action_unlink(self):
        """Care records are not deleted one by one: the incidents, plans,
        outreach logs and facts are what the reports and SLA figures count.
        The contact's *Anonymize* erases what they say about the person."""
        care = self.filtered(lambda line: (line.res_model or "").startswith("customer.care."))
        if care:
            raise UserError(
                self.env._(
                    "%(model)s records are kept so that the care reports and SLA figures stay "
                    "right. To erase what they say about the person, open the contact and use "
                    "Anonymize (Customer Care tab).",
                    model=care[0].res_model_id.name,
                )
            )
        return super().action_unlink()
