from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..logic.incidents import OPEN_STATES

# the states a customer may say "still not solved" from
REOPENABLE_STATES = ("resolved", "followed_up")


class CustomerCareIncident(models.Model):
    """The customer's side of an incident in the portal ("My requests"):
    the link to the request, and the few things a customer may do on it
    (confirm the replacement or the money arrived, say the problem is still
    there, ask something new).

    The portal controller calls these methods as superuser, only after
    ``_document_check_access`` has checked the customer may see the
    incident; they are private so nobody calls them over RPC.
    """

    _inherit = "customer.care.incident"

    channel = fields.Selection(
        selection_add=[("portal", "Customer Portal")], ondelete={"portal": "set default"}
    )

    def _compute_access_url(self):
        for incident in self:
            incident.access_url = f"/my/requests/{incident.id}"

    def _portal_state_label(self):
        """The state in the customer's words: the back office's steps
        (acknowledged, pending decline, followed up) mean little to them."""
        self.ensure_one()
        if self.state == "new":
            return self.env._("Received")
        if self.state in OPEN_STATES:
            return self.env._("We are working on it")
        if self.waiting_delivery:
            return self.env._("Solved, waiting for your delivery")
        if self.state in REOPENABLE_STATES:
            return self.env._("Solved")
        if self.state == "closed":
            return self.env._("Closed")
        return self.env._("Answered")

    def _portal_can_reopen(self):
        self.ensure_one()
        return self.state in REOPENABLE_STATES

    def _portal_confirm_received(self, partner):
        """The customer says the replacement or the refund reached them: the
        same as the back office's *Customer Received It*."""
        self.action_confirm_received()
        self._portal_log(partner, self.env._("The customer confirmed receiving it."))
        return True

    def _portal_reopen(self, partner):
        """The customer says the problem is not solved: the incident goes
        back to work (its resolution clock running again) and its care user
        gets an activity to call the customer."""
        wrong = self.filtered(lambda i: not i._portal_can_reopen())
        if wrong:
            raise UserError(
                self.env._(
                    "%s is not solved yet: reply to the conversation to add information.",
                    ", ".join(wrong.mapped("name")),
                )
            )
        self.write({"state": "in_progress", "date_resolved": False})
        self._portal_log(partner, self.env._("The customer says the problem is still not solved."))
        callers = self._check_back_callers()
        for incident in self:
            incident.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._("The customer says it is still not solved"),
                user_id=callers[incident].id or False,
            )
        return True

    def _portal_log(self, partner, body):
        for incident in self:
            incident.message_post(
                body=body,
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def _portal_new_request(self, user, subject, description):
        """A question asked from the portal, for the user's company (the
        commercial partner), unassigned so the care team picks it up."""
        subject = (subject or "").strip()
        if not subject:
            raise UserError(self.env._("Give your request a subject."))
        partner = user.partner_id
        incident = self.create(
            [
                {
                    "name": subject[:200],
                    "description": plaintext2html((description or "").strip()),
                    "partner_id": partner.id,
                    "company_id": (partner.company_id or user.company_id).id,
                    "kind": "question",
                    "channel": "portal",
                    "user_id": False,
                }
            ]
        )
        incident.message_subscribe(partner_ids=partner.ids)
        return incident
