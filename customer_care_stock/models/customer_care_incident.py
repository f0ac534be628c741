from odoo import models


class CustomerCareIncident(models.Model):
    _inherit = "customer.care.incident"

    def _delivery_received_at(self):
        """An exchange's replacement reached the customer when its order was
        delivered (all its deliveries done or cancelled)."""
        received = super()._delivery_received_at()
        if received is None and self.resolution_type == "exchange":
            return self.replacement_order_id.care_date_delivered or None
        return received
