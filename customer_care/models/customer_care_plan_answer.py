from odoo import models
from odoo.tools.misc import format_date


class CustomerCarePlan(models.Model):
    """Step 3 of the care sequence ("answer questions") from the answer library."""

    _inherit = "customer.care.plan"  # pylint: disable=consider-merging-classes-inherited

    def _care_answer_values(self):
        """The values of an answer's placeholders for this care contact, in
        the customer's language: the promised date is the earliest answer
        still promised to the customer (the open questions)."""
        self.ensure_one()
        partner = self.partner_id
        promised = min(filter(None, self.open_question_ids.mapped("date_promised")), default=False)
        return {
            "customer": partner.name,
            "order": self.env["customer.care.answer"]._last_order(partner).name,
            "promised_date": promised and format_date(self.env, promised),
            "company": self.company_id.name,
            "user": self.env.user.name,
        }

    def action_use_answer(self):
        self.ensure_one()
        return self.env["customer.care.answer"]._use_action({"default_plan_id": self.id})
