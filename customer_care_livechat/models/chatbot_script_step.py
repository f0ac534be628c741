from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext


class ChatbotScriptStep(models.Model):
    """A chatbot step opening a care incident from the conversation, for
    scripts that ask the visitor's email and what happened first."""

    _inherit = "chatbot.script.step"

    step_type = fields.Selection(
        selection_add=[("create_care_incident", "Create Care Incident")],
        ondelete={"create_care_incident": "cascade"},
    )

    def _process_step(self, discuss_channel):
        self.ensure_one()
        posted_message = super()._process_step(discuss_channel)
        if self.step_type == "create_care_incident":
            self._process_step_create_care_incident(discuss_channel)
        return posted_message

    def _process_step_create_care_incident(self, discuss_channel):
        """The visitor's first free answer is the customer's words (its first
        line the subject); the email they gave matches the customer.  An
        anonymous visitor who gave no address gets no incident: the
        conversation stays in the live chat for the operators."""
        customer = self._chatbot_prepare_customer_values(
            discuss_channel, create_partner=False, update_partner=False
        )
        first_input = self._find_first_user_free_input(discuss_channel)
        text = html2plaintext(first_input.body) if first_input else ""
        # sudo: the visitor (often the public user) opens the incident
        # through the door, as the website form does
        Incident = self.env["customer.care.incident"].sudo()
        try:
            return Incident._open_from_livechat(
                discuss_channel, text, text, self.env.company, email=customer["email"]
            )
        except UserError:
            return Incident
