from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain


class CustomerCareMessagingLinkWizard(models.TransientModel):
    """Someone unknown wrote from a chat app and turns out to be a known
    customer: their chat identities, incidents, care plans and the chat
    messages of those move to that customer, and the contact made for them
    is archived.  Only a contact the chat engine made for an unknown sender
    is linked this way (the mark is the system's, see ``res.partner``)."""

    _name = "customer.care.messaging.link.wizard"
    _description = "Link a Chat Sender to a Customer"

    source_partner_id = fields.Many2one("res.partner", string="Chat Sender", required=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="[('id', '!=', source_partner_id), ('care_messaging_unknown', '=', False)]",
    )

    @api.constrains("source_partner_id", "partner_id")
    def _check_partners(self):
        for wizard in self:
            if not wizard.source_partner_id.sudo().care_messaging_unknown:
                raise UserError(
                    self.env._(
                        "%s is a known customer: only a contact made for an unknown chat "
                        "sender is linked this way.",
                        wizard.source_partner_id.display_name,
                    )
                )
            if wizard.partner_id == wizard.source_partner_id:
                raise UserError(self.env._("Choose another customer."))

    def action_link(self):
        self.ensure_one()
        source, target = self.source_partner_id, self.partner_id
        if not self.env.user.has_group("customer_care.group_care_user"):
            raise UserError(self.env._("Only care users link chat senders to customers."))
        # both contacts must be the user's to change (another company's are not)
        (source | target).check_access("write")
        incidents = self.env["customer.care.incident"].search([("partner_id", "=", source.id)])
        plans = self.env["customer.care.plan"].search([("partner_id", "=", source.id)])
        # the care user may see and edit what they move; the rest is moved
        # as the system: identities, messages and the archived contact
        incidents.check_access("write")
        plans.check_access("write")
        identities = (
            self.env["customer.care.messaging.identity"]
            .sudo()
            .search([("partner_id", "=", source.id)])
        )
        identities.write({"partner_id": target.id})
        incidents.sudo().write({"partner_id": target.id})
        plans.sudo().write({"partner_id": target.id})
        # only the sender's chat messages in the conversations moved: what the
        # contact wrote elsewhere keeps its author
        threads = [("customer.care.incident", incidents.ids), ("customer.care.plan", plans.ids)]
        chat_messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                Domain("author_id", "=", source.id)
                & Domain("message_type", "=", "care_chat")
                & Domain.OR(
                    Domain("model", "=", model) & Domain("res_id", "in", ids)
                    for model, ids in threads
                )
            )
        )
        chat_messages.write({"author_id": target.id})
        source.sudo().write({"active": False})
        note = self.env._(
            "The chat sender %(sender)s is the customer %(customer)s: linked by %(user)s.",
            sender=source.display_name,
            customer=target.display_name,
            user=self.env.user.display_name,
        )
        incidents._message_log_batch({incident.id: note for incident in incidents})
        plans._message_log_batch({plan.id: note for plan in plans})
        if len(incidents) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "customer.care.incident",
                "res_id": incidents.id,
                "view_mode": "form",
            }
        return {"type": "ir.actions.act_window_close"}
