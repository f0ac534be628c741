from odoo import models

from .customer_care_messaging_thread import thread_fields


class CustomerCarePlan(models.Model):
    """A care plan on the social channel: the customer's chat messages
    thread into it and the care user answers from it."""

    _name = "customer.care.plan"
    _inherit = ["customer.care.messaging.thread", "customer.care.plan"]

    messaging_identity_ids, messaging_unknown_partner = thread_fields()
