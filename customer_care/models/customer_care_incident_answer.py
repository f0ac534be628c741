from odoo import models
from odoo.tools.misc import format_datetime


class CustomerCareIncident(models.Model):
    """Answering an incident from the answer library (``customer.care.answer``)."""

    _inherit = "customer.care.incident"  # pylint: disable=consider-merging-classes-inherited

    def _care_answer_values(self):
        """The values of an answer's placeholders for this incident, in the
        customer's language and time zone: the promised date is the
        resolution deadline the customer was given."""
        self.ensure_one()
        partner = self.partner_id
        order = self.replacement_order_id or self.env["customer.care.answer"]._last_order(partner)
        deadline = self.target_deadline or self.resolution_deadline
        tz = partner.tz or self.env.user.tz
        return {
            "customer": partner.name,
            "order": order.name,
            "promised_date": deadline
            and format_datetime(self.env, deadline, tz=tz, dt_format="short"),
            "company": self.company_id.name,
            "user": self.env.user.name,
        }

    def action_use_answer(self):
        self.ensure_one()
        return self.env["customer.care.answer"]._use_action({"default_incident_id": self.id})
