from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize, html2plaintext, plaintext2html
from odoo.tools.mail import parse_contact_from_email

from ..logic import followup, inbound, text
from ..logic.care_state import STATE_DROPPED
from ..logic.incidents import OPEN_STATES
from .care_refs import GENERIC_ACTIVITY, activity_type_ref
from .customer_care_incident_acknowledgement import ACKNOWLEDGEMENT
from .mail_thread import AUTO_REPLY, SENDER_AUTHENTICATED

# the states a customer's reply (or "still not solved") sends back to work
REOPENED_BY_REPLY = ("resolved", "followed_up")
# the states an unhappy rating sends back to work: the incident was thought
# solved (closed too: the customer may change the rating from the same link)
REOPENED_BY_RATING = ("resolved", "followed_up", "closed")
# what a customer may read of their requests (see ``_has_field_access``): the
# portal page's fields, the portal links and the public conversation
# a customer's new requests from the portal: subject length, and how many
# an hour (more is a robot, or a conversation that belongs in one request)
PORTAL_MAX_SUBJECT = 200
PORTAL_REQUESTS_PER_HOUR = 5
# a rating link (token) works this many days after it was made, unless the
# system parameter below says otherwise
RATING_LINK_DAYS = 30
RATING_LINK_DAYS_PARAM = "customer_care.rating_link_days"
PORTAL_ORDER = "date_received desc, id desc"
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
    """Customers reach care themselves.

    By email: an email to a care team's address
    opens an incident (``message_new``), the customer's replies thread into
    it and reopen work once it was resolved (``message_update``), and the
    first answer a care user sends the customer stops the response clock.

    Built on Odoo's mail gateway, which already sanitizes the body, keeps
    the attachments and drops bounces and auto-reply loops; automatic
    replies (out of office…) open, reopen and acknowledge nothing.  The
    acknowledgement is queued and sent by a scheduled action
    (``customer.care.incident.acknowledgement``).

    In the portal ("My requests", ``portal.mixin``): the link to the request,
    and the few things a customer may do on it (confirm the replacement or
    the money arrived, say the problem is still there, ask something new).
    The portal controller calls these methods as superuser, only after
    ``_document_check_access`` has checked the customer may see the
    incident; they are private so nobody calls them over RPC.

    From the website: the *Report a problem* form of the
    ``customer_care_website`` bridge opens an incident through Odoo's
    website form, matching the visitor's address as an email's sender.

    With one click: the resolution and follow-up emails carry Odoo's rating
    faces (``rating.mixin``).  Opening a face's link only preselects it; the
    rating is recorded when the customer submits the page, as the
    incident's satisfaction through the survey's path (the survey stays for
    the longer questionnaire).  An unhappy score sends the incident back to
    work and has the customer called back.
    """

    _inherit = "customer.care.incident"

    team_id = fields.Many2one(
        "customer.care.team",
        string="Care Team",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        ondelete="restrict",
        help="The care team whose email address the customer wrote to.",
    )

    # -- incoming emails ------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new email to a care team's address opens an incident for the
        sender, matched to a customer of the team's company (or created).

        The team's company owns it, whatever company the routing values
        name (the gateway rebuilds them from the team, see
        ``mail_thread.py``).  The acknowledgement is queued only for a
        sender the receiving server vouches for (DMARC) or a verified
        customer (see ``_inbound_acknowledge``)."""
        values = dict(custom_values or {})
        team = self._inbound_team(values.get("team_id"))
        company = (
            team.company_id
            or self.env["res.company"].browse(values.get("company_id")).exists()
            or self.env.company
        )
        partner = self._inbound_partner(msg_dict.get("email_from"), company)
        acknowledge = bool(team.acknowledge) and self._inbound_acknowledge(partner)
        subject = (msg_dict.get("subject") or "").strip()
        body = msg_dict.get("body") or ""
        email_date = fields.Datetime.to_datetime(msg_dict.get("date") or False)
        values.update(
            {
                "name": subject
                or self.env._("Email from %s", partner.display_name or msg_dict.get("email_from")),
                "description": body if html2plaintext(body).strip() else False,
                "partner_id": partner.id,
                "company_id": company.id,
                "team_id": team.id or False,
                "channel": "email",
                "date_received": inbound.received_at(email_date, fields.Datetime.now()),
                "user_id": values.get("user_id") or False,
                "is_acknowledgement_pending": acknowledge,
            }
        )
        values.setdefault("kind", inbound.guess_kind(subject, html2plaintext(body)))
        # the customer's email is authored by the matched customer in the chatter
        msg_dict["author_id"] = partner.id
        gateway = super(CustomerCareIncident, self.with_context(default_user_id=False))
        incident = gateway.message_new(msg_dict, custom_values=values)
        # the gateway runs as superuser and the partner was just found or
        # created active: the private API spares the checks' queries
        incident._message_subscribe(partner_ids=partner.ids)
        incident._log_inbound_warnings(msg_dict.get("email_from"), team, company)
        if team.acknowledge and not acknowledge:
            incident._message_log(
                body=self.env._(
                    "No acknowledgement was sent: the sender's address is not verified "
                    "(its domain's DMARC check did not pass and it is no known customer). "
                    "Make sure it is them before sharing anything about their orders."
                )
            )
        if acknowledge:
            # sent by the scheduled action, in batches (see
            # customer.care.incident.acknowledgement)
            self._queue_acknowledgement_run()
        return incident

    @api.model
    def _inbound_acknowledge(self, partner):
        """Whether an email may be acknowledged to its sender.  Anybody can
        put any address in ``From:``; acknowledging every email would make
        the shop's server write to whoever a spammer names.  So only:

        - a sender the receiving mail server vouches for: its
          ``Authentication-Results`` say ``dmarc=pass`` for the sender's
          domain (set by the gateway, as superuser, see ``mail_thread.py``);
        - or a verified customer of the company: a contact with a user
          account (they signed in with the address), or who has bought or
          been invoiced (``customer_rank``); the acknowledgement repeats
          nothing of the email, so a forged one only tells a real customer
          that a message arrived.
        """
        if self.env.su and self.env.context.get(SENDER_AUTHENTICATED):
            return True
        partner = partner.sudo()
        return bool(partner) and bool(
            partner.user_ids
            or partner.customer_rank > 0
            or partner.commercial_partner_id.customer_rank > 0
        )

    @api.model
    def _inbound_team(self, team_id):
        """The team of the alias, archived or not, read with the fields the
        gateway needs in one query (empty when it no longer exists)."""
        Team = self.env["customer.care.team"].with_context(active_test=False)
        if not team_id:
            return Team
        return Team.search_fetch(
            [("id", "=", team_id)], ["company_id", "acknowledge", "active", "name"], limit=1
        )

    def _log_inbound_warnings(self, email_from, team, company):
        """Nothing is refused, nothing is lost, but the care user is warned:
        a dropped customer is answered only after asking a care manager; an
        email to an archived team's address or to a team of an archived
        company still opens its incident; a sender using a known customer's
        name from another address is not that customer (the incident goes
        to the address's own customer) and may be an impostor."""
        self.ensure_one()
        notes = []
        if self.partner_id.sudo().care_state == STATE_DROPPED:
            notes.append(
                self.env._(
                    "This customer was dropped by a care manager: ask a care manager "
                    "before answering."
                )
            )
        if team and not team.active:
            notes.append(
                self.env._(
                    "This email reached the address of the archived care team %s: "
                    "hand it to an active team, or remove the address from the team.",
                    team.display_name,
                )
            )
        if company and not company.active:
            notes.append(
                self.env._(
                    "This email reached a care team of the archived company %s: "
                    "answer it from an active company, or remove the team's address.",
                    company.display_name,
                )
            )
        name, address = parse_contact_from_email(email_from or "")
        normalized = email_normalize(address or "")
        if name and normalized:
            namesake = self.env["res.partner"]._care_namesake(name, normalized, company)
            if namesake and namesake != self.partner_id:
                notes.append(
                    self.env._(
                        "The sender uses the name of the customer %(customer)s but writes "
                        "from another address (%(email)s): make sure it is them before "
                        "sharing anything about their orders.",
                        customer=namesake.display_name,
                        email=normalized,
                    )
                )
        for note in notes:
            self._message_log(body=note)

    @api.model
    def _inbound_partner(self, email_from, company, new_partner_values=None):
        """The sender as a customer of ``company``: the partner with exactly
        this (normalized) address, else a new partner of the company (with
        ``new_partner_values`` too, e.g. the phone a web form gave); an
        address that does not normalize goes through Odoo's partner finder
        limited to the company."""
        Partner = self.env["res.partner"]
        normalized = email_normalize(email_from or "")
        if normalized:
            found = Partner.search(
                [("email_normalized", "=", normalized), ("company_id", "in", [company.id, False])],
                order="id",
            )
            partner = found.filtered(lambda p: p.company_id == company)[:1] or found[:1]
            if partner:
                return partner
            # nobody of the company has this address: created as Odoo's
            # finder would, without searching a second time
            name, _address = parse_contact_from_email(email_from)
            return Partner.with_context(mail_create_nosubscribe=True).create(
                [
                    {
                        "name": name or normalized,
                        "email": normalized,
                        **(new_partner_values or {}),
                        "company_id": company.id,
                    }
                ]
            )
        if not email_from:
            return Partner
        return self.env["mail.thread"]._partner_find_from_emails_single(
            [email_from],
            filter_found=lambda p: not p.company_id or p.company_id == company,
            additional_values={
                normalized or email_from: {**(new_partner_values or {}), "company_id": company.id}
            },
        )[:1]

    def message_update(self, msg_dict, update_vals=None):
        """The customer's reply threads into the incident; after a resolution
        it sends the incident back to work (the follow-up plan stays) and
        gives the responsible care user an activity.

        An automatic reply (out of office…, see ``mail_thread.py``) is no
        customer's reply: it is kept as an internal note, reopens nothing,
        notifies nobody and is not shown in the portal."""
        if self.env.context.get(AUTO_REPLY):
            msg_dict["is_internal"] = True
            # no parent: the gateway would notify its author of the "answer"
            msg_dict.pop("parent_id", None)
            return super().message_update(msg_dict, update_vals=update_vals)
        reopened = self.filtered(lambda i: i.state in REOPENED_BY_REPLY)
        res = super().message_update(msg_dict, update_vals=update_vals)
        if reopened:
            reopened._reopen_on_reply()
        return res

    def _reopen_on_reply(self):
        """The customer wrote again: the responsible (else the team's first
        member) gets a to-do, as long as they are care users of the
        incident's company; nobody to give it to leaves it out."""
        incidents = self.sudo()
        members = incidents.team_id.member_ids
        assignable = incidents.company_id._care_assignable(incidents.user_id | members)
        assignees = {}
        for incident, sudoed in zip(self, incidents, strict=True):
            assignees[incident] = next(
                (
                    user.with_env(self.env)
                    for user in (sudoed.user_id, *sudoed.team_id.member_ids)
                    if (user.id, sudoed.company_id.id) in assignable
                ),
                None,
            )
        self._reopen_work(
            self.env._("The customer replied: the incident is open again"),
            GENERIC_ACTIVITY,
            assignees,
            keep_unassigned=False,
        )

    def _reopen_work(self, summary, activity_xmlid, assignees, keep_unassigned=True):
        """Back to work, the resolution clock running again (the follow-up
        plan is kept), with an activity per incident for ``assignees``
        (``{incident: user}``); an incident without one gets an unassigned
        activity when ``keep_unassigned``, none otherwise."""
        if not self:
            return
        self.sudo().write({"state": "in_progress", "date_resolved": False})
        activity_type = activity_type_ref(self.env, activity_xmlid)
        for incident in self:
            user = assignees.get(incident) or self.env["res.users"]
            if not user and not keep_unassigned:
                continue
            incident.activity_schedule(
                activity_type_id=activity_type.id,
                summary=summary,
                user_id=user.id or False,
            )

    @api.model
    def _detect_loop_sender_domain(self, email_from_normalized):
        """Incidents have no email field of their own: an auto-replier is
        recognised by the incidents its address opened."""
        return [
            ("channel", "=", "email"),
            ("partner_id.email_normalized", "=", email_from_normalized),
        ]

    # -- the first answer to the customer -----------------------------------
    def _message_post_after_hook(self, message, msg_values):
        """The first message a care user sends the customer (a comment to
        the followers, not an internal note) stops the response clock,
        through the path the buttons use."""
        res = super()._message_post_after_hook(message, msg_values)
        if self._is_first_human_reply(message):
            pending = self.filtered(lambda i: not i.date_first_response)
            if pending:
                pending._write_clocks({"date_first_response": fields.Datetime.now()})
        return res

    def _is_first_human_reply(self, message):
        user = self.env.user
        return bool(
            not self.env.context.get(ACKNOWLEDGEMENT)
            and message.message_type == "comment"
            and message.subtype_id
            and not message.subtype_id.internal
            and user.id != SUPERUSER_ID
            and not user._is_public()
            and not user.share
            and message.author_id == user.partner_id
            and user.has_group("customer_care.group_care_user")
        )

    # -- the customer portal ---------------------------------------------------
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
        incident = self.create(
            [
                {
                    "name": subject,
                    "description": plaintext2html(text.clip(description, text.MAX_DESCRIPTION)),
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

    # -- one-click satisfaction ----------------------------------------------
    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """Odoo's public rating page calls this (as superuser, once the
        token matched) when the customer submits a face or stars.  The
        satisfaction is the customer's: nobody sets it through this method
        over RPC, even knowing a token.

        A link works for ``RATING_LINK_DAYS`` days (see
        ``_rating_link_expired``).  Submitting it again with the same score
        only updates the comment; a changed score is recorded again, and
        reopens the incident only when it turns unhappy: a forwarded email
        replayed over and over neither reopens the incident nor adds
        feedback each time."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The customer rates the resolution from the link in the email; "
                    "a care manager corrects the satisfaction on the incident."
                )
            )
        if token:
            rating = self.env["rating.rating"].search([("access_token", "=", token)], limit=1)
        if rating and self._rating_link_expired(rating):
            raise UserError(
                self.env._(
                    "This rating link has expired: reply to our email to tell us how it went."
                )
            )
        was_consumed = bool(rating and rating.consumed)
        previous = followup.rating_to_satisfaction(rating.rating) if was_consumed else 0
        rating = super().rating_apply(
            rate,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        score = followup.rating_to_satisfaction(rating.rating)
        if not score:
            return rating
        incidents = self.sudo()
        if was_consumed and score == previous:
            incidents._rating_feedback_upsert(rating, score, rating.feedback)
            return rating
        if followup.is_unhappy(score) and not followup.is_unhappy(previous):
            incidents.filtered(lambda i: i.state in REOPENED_BY_RATING)._reopen_for_check_back(
                self.env._("Unhappy rating: call the customer back")
            )
        incidents._record_satisfaction(score, rating.feedback, origin="rating", rating=rating)
        return rating

    @api.model
    def _rating_link_days(self):
        """How long a rating link works, in days: the system parameter
        ``customer_care.rating_link_days``, else ``RATING_LINK_DAYS``."""
        raw = self.env["ir.config_parameter"].sudo().get_param(RATING_LINK_DAYS_PARAM)
        try:
            days = int(raw or 0)
        except ValueError:
            days = 0
        return days if days > 0 else RATING_LINK_DAYS

    @api.model
    def _rating_link_expired(self, rating):
        """A link (a rating's token) older than the allowed days no longer
        rates: counted from when the link was made for an email."""
        limit = fields.Datetime.now() - timedelta(days=self._rating_link_days())
        return bool(rating.create_date and rating.create_date < limit)

    def _rating_get_access_token(self, partner=None):
        """A new email carries a link that works: an unused link that has
        expired is replaced by a new one."""
        self.check_access("read")
        expired = (
            self.sudo()
            .rating_ids.filtered(lambda r: not r.consumed)
            .filtered(self._rating_link_expired)
        )
        if expired:
            expired.unlink()
        return super()._rating_get_access_token(partner=partner)

    def _reopen_for_check_back(self, summary):
        """Back to work and a call for the care user who checks back (see
        ``_check_back_callers``); nobody who can take it leaves the call
        unassigned."""
        self._reopen_work(summary, "mail.mail_activity_data_call", self._check_back_callers())
