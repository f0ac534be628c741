from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

from ..logic import text
from ..logic.incidents import (
    OPEN_STATES,
    REOPENED_BY_REPLY,
)

# a customer's new requests from the portal: subject length, and how many
# an hour (more is a robot, or a conversation that belongs in one request)
PORTAL_MAX_SUBJECT = 200
PORTAL_REQUESTS_PER_HOUR = 5
# a customer's lists: the default order starts with the priority, hidden
PORTAL_ORDER = "date_received desc, id desc"
# what a customer may read of their requests (see ``_has_field_access``): the
# portal page's fields, the portal links and the public conversation
PORTAL_READABLE_FIELDS = frozenset(
    {
        "id",
        "display_name",
        "name",
        "kind",
        "description",
        "partner_id",
        "commercial_partner_id",
        "company_id",
        "date_received",
        "response_deadline",
        "resolution_deadline",
        "date_resolved",
        "portal_state",
        "portal_resolution",
        "access_url",
        "access_token",
        "access_warning",
        "website_message_ids",
        "message_is_follower",
    }
)


class CustomerCareIncident(models.Model):
    """The customer portal ("My requests", ``portal.mixin``): the link to
    the request, what a customer may read of it, and the few things a
    customer may do on it (confirm the replacement or the money arrived, say
    the problem is still there, ask something new).  The portal controller
    calls these methods as superuser, only after ``_document_check_access``
    has checked the customer may see the incident; they are private so
    nobody calls them over RPC.
    """

    _inherit = "customer.care.incident"  # pylint: disable=consider-merging-classes-inherited

    # the customer's own ways in: the portal, and the website's *Report a
    # problem* form (customer_care_website); follow-ups of both go by email
    channel = fields.Selection(
        selection_add=[("portal", "Customer Portal"), ("website", "Website Form")],
        ondelete={"portal": "set default", "website": "set default"},
    )

    portal_state = fields.Char(
        string="Status for the Customer",
        compute="_compute_portal_view",
        compute_sudo=True,
        help="The state in the customer's words, as the portal shows it.",
    )
    portal_resolution = fields.Html(
        string="Resolution Offered",
        compute="_compute_portal_view",
        compute_sudo=True,
        help="What we can do, once it is offered to the customer (empty before).",
    )

    def _compute_access_url(self):
        for incident in self:
            incident.access_url = f"/my/requests/{incident.id}"

    @api.depends("state", "resolution", "waiting_delivery")
    def _compute_portal_view(self):
        for incident in self:
            incident.portal_state = incident._portal_state_label()
            incident.portal_resolution = (
                incident.resolution if incident.state not in OPEN_STATES else False
            )

    @api.model
    def _has_field_access(self, field, operation):
        """A customer (portal user, or any share user) reads what the portal
        page shows and nothing else: the care group, the responsible, the
        root cause, the escalation, a decline's reason, a draft resolution
        and every field an addon adds stay internal, whatever API asks
        (read, search_read, read_group, export, fields_get, domains).  A
        list of what may be read rather than ``groups=`` on each internal
        field: a field added later is internal until it is listed here.
        The portal pages read as superuser once the customer's access is
        checked, so they are not limited by this."""
        if not super()._has_field_access(field, operation):
            return False
        if self.env.su or not self.env.user.share:
            return True
        return operation == "read" and field.name in PORTAL_READABLE_FIELDS

    def _order_to_sql(self, order, query, alias=None, reverse=False):
        """A customer's lists come newest first: the default order starts
        with the priority, which they may not read."""
        if (not order or order == self._order) and not self.env.su and self.env.user.share:
            order = PORTAL_ORDER
        return super()._order_to_sql(order, query, alias=alias, reverse=reverse)

    def _portal_state_label(self):
        """The state in the customer's words: the back office's steps
        (acknowledged, pending decline, followed up) mean little to them."""
        self.ensure_one()
        if self.state == "new":
            return self.env._("Received")
        if self.state == "waiting":
            return self.env._("Waiting for your reply")
        if self.state in OPEN_STATES:
            return self.env._("We are working on it")
        if self.waiting_delivery:
            return self.env._("Solved, waiting for your delivery")
        if self.state in REOPENED_BY_REPLY:
            return self.env._("Solved")
        if self.state == "closed":
            return self.env._("Closed")
        return self.env._("Answered")

    def _portal_can_reopen(self):
        self.ensure_one()
        return self.state in REOPENED_BY_REPLY

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
        self._reopen_for_check_back(self.env._("The customer says it is still not solved"))
        self._portal_log(partner, self.env._("The customer says the problem is still not solved."))
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
        commercial partner), unassigned so the care team picks it up.

        Customers only (portal users: the care team opens incidents in the
        back office), a few per hour, and the texts cut to size as the
        website's form does."""
        if not user._is_portal():
            raise AccessError(
                self.env._(
                    "New requests in the portal are for customers: open the incident "
                    "in the Customer Care app instead."
                )
            )
        subject = text.one_line(subject, PORTAL_MAX_SUBJECT)
        if not subject:
            raise UserError(self.env._("Give your request a subject."))
        partner = user.partner_id
        since = fields.Datetime.now() - timedelta(hours=1)
        recent = self.search_count(
            [
                ("channel", "=", "portal"),
                ("partner_id", "=", partner.id),
                ("create_date", ">=", since),
            ],
            limit=PORTAL_REQUESTS_PER_HOUR,
        )
        if recent >= PORTAL_REQUESTS_PER_HOUR:
            raise UserError(
                self.env._(
                    "You sent %s requests within the last hour: please add to one of "
                    "them, or send the new one a little later.",
                    PORTAL_REQUESTS_PER_HOUR,
                )
            )
        # through the doors' common intake, as the other doors (the inbox shows it)
        incident = self.create(
            [
                self._intake_values(
                    "portal",
                    {
                        "name": subject,
                        "description": plaintext2html(text.clip(description, text.MAX_DESCRIPTION)),
                        "partner_id": partner.id,
                        "company_id": (partner.company_id or user.company_id).id,
                        "kind": "question",
                    },
                )
            ]
        )
        incident.message_subscribe(partner_ids=partner.ids)
        return incident
