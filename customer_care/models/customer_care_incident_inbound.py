from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import email_normalize, html2plaintext
from odoo.tools.mail import parse_contact_from_email

from ..logic import inbound
from ..logic.care_state import STATE_DROPPED
from ..logic.incidents import (
    ACKNOWLEDGEMENT,
    AUTO_REPLY,
    REOPENED_BY_REPLY,
    ROUTE_ON_CREATE,
    SENDER_AUTHENTICATED,
)
from .care_refs import GENERIC_ACTIVITY, activity_type_ref


class CustomerCareIncident(models.Model):
    """Customers reach care by email: an email to a care team's address
    opens an incident (``message_new``), the customer's replies thread into
    it and reopen work once it was resolved (``message_update``), and the
    first answer a care user sends the customer stops the response clock.

    Built on Odoo's mail gateway, which already sanitizes the body, keeps
    the attachments and drops bounces and auto-reply loops; automatic
    replies (out of office…) open, reopen and acknowledge nothing.  The
    acknowledgement is queued and sent by a scheduled action
    (``customer_care_incident_acknowledgement.py``).  The other doors (the
    website form, the chat apps) open their incidents through the same
    intake.
    """

    _inherit = "customer.care.incident"  # pylint: disable=consider-merging-classes-inherited

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
                "date_received": inbound.received_at(email_date, fields.Datetime.now()),
                "is_acknowledgement_pending": acknowledge,
            }
        )
        values = self._intake_values("email", values, subject, html2plaintext(body))
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
    def _intake_values(self, channel, values, subject="", text=""):
        """The values of an incident a customer opens through one of the
        doors (``channel``: email, the website form, a chat app, the live
        chat): received now unless the door knows better, the kind guessed
        from the customer's words unless given, nobody responsible unless the
        door names someone, and marked to be routed when it is created: the
        care team's rule gives it to one of its people, or it stays
        unassigned for the team to take from the inbox
        (``customer_care_incident_routing.py``).  Every door calls it, so
        the doors open incidents alike, and all of them show in the care inbox."""
        values = dict(values, channel=channel)
        values.setdefault("date_received", fields.Datetime.now())
        values.setdefault("kind", inbound.guess_kind(subject or "", text or ""))
        # the customer waits for an answer from the moment they wrote
        values.setdefault("date_awaiting_reply", values["date_received"])
        values["user_id"] = values.get("user_id") or False
        values[ROUTE_ON_CREATE] = True
        return values

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
