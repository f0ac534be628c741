from collections import defaultdict

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


def thread_fields():
    """The fields of a conversation, declared on each model that has a
    customer (an abstract model cannot relate to a field it lacks)."""
    identity_ids = fields.Many2many(
        "customer.care.messaging.identity",
        compute="_compute_messaging_identity_ids",
        string="Chat Apps",
    )
    unknown = fields.Boolean(
        related="partner_id.care_messaging_unknown", string="Unknown Chat Sender"
    )
    return identity_ids, unknown


class CustomerCareMessagingThread(models.AbstractModel):
    """What incidents and care plans share once the customer talks to the
    company in a chat app: the customer's chat identities, the *Send via
    chat app* composer, and the chat messages kept out of emails."""

    _name = "customer.care.messaging.thread"
    _description = "Chat App Conversation"

    # the models using it declare ``partner_id`` and ``company_id`` and the
    # fields of ``thread_fields()``

    @api.depends("partner_id", "company_id")
    def _compute_messaging_identity_ids(self):
        Identity = self.env["customer.care.messaging.identity"]
        found = Identity.search(
            [("partner_id", "in", self.partner_id.ids), ("company_id", "in", self.company_id.ids)]
        )
        for record in self:
            record.messaging_identity_ids = found.filtered(
                lambda i, r=record: i.partner_id == r.partner_id and i.company_id == r.company_id
            )

    def action_open_messaging_composer(self):
        self.ensure_one()
        if not self.messaging_identity_ids:
            raise UserError(
                self.env._(
                    "%s has not written to any chat app account of the company yet.",
                    self.partner_id.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send via Chat App"),
            "res_model": "customer.care.messaging.composer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }

    def action_open_messaging_link(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to a Customer"),
            "res_model": "customer.care.messaging.link.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_source_partner_id": self.partner_id.id},
        }

    def _post_chat_answer(self, outbound):
        """Post the care user's answer in the chatter, with its delivery to
        the customer waiting for the send (the outbound message updates it,
        see ``_record_result``); the outbound message remembers it.

        Nothing here says the answer was delivered: a chat message posted by
        any other path has no delivery and does not stop the clock."""
        self.ensure_one()
        message = self.message_post(
            body=outbound._body_html(),
            message_type="care_chat",
            subtype_xmlid="mail.mt_comment",
        )
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": message.author_id.id,
                    "mail_message_id": message.id,
                    "res_partner_id": outbound.partner_id.id,
                    "notification_type": "care_chat",
                    "notification_status": "ready",
                    "is_read": True,
                }
            ]
        )
        outbound.sudo().mail_message_id = message
        return message

    @api.model
    def _post_chat_messages(self, posts):
        """Post customers' chat messages as ``message_post`` posts each one,
        for a whole batch of them: what ``message_post`` computes per message
        (the authors' addresses, the records' companies, alias domains and
        reply-to, the thread's parent message) is computed once for the
        batch, the messages are created in one ``_message_create``, and then
        each goes through ``_message_post_after_hook`` and, on a thread
        someone follows, ``_notify_thread``, so that the followers are
        notified (inbox, email, the "new message" bus signal) as for any
        message posted.

        :param posts: ``[(record, body, author partner, [(file name, content)])]``
            on records of this model, in the order the customers wrote
        :return: the messages, in the order of ``posts``
        """
        if not posts:
            return self.env["mail.message"]
        records = self.browse(dict.fromkeys(record.id for record, *_rest in posts))
        authors = self.env["res.partner"].union(*(author for _r, _b, author, _f in posts))
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        email_from = {author: author.email_formatted for author in authors}
        first_author = {}
        for record, _body, author, _files in posts:
            first_author.setdefault(record.id, author)
        alias_domains = records.sudo()._mail_get_alias_domains(default_company=self.env.company)
        companies = records._mail_get_companies(default=self.env.company)
        reply_to = records._notify_get_reply_to_batch(
            defaults={rid: email_from[author] for rid, author in first_author.items()},
            author_ids={rid: author.id for rid, author in first_author.items()},
        )
        parents = self._chat_parent_ids(records)
        values_list = []
        for record, body, author, files in posts:
            values = {
                "author_id": author.id,
                "author_guest_id": False,
                "email_from": email_from[author],
                "model": self._name,
                "res_id": record.id,
                "body": escape(body),
                "message_type": "care_chat",
                "parent_id": parents.get(record.id, False),
                "subject": False,
                "subtype_id": subtype_id,
                "partner_ids": [],
                "incoming_email_to": False,
                "incoming_email_cc": False,
                "outgoing_email_to": False,
                "email_add_signature": True,
                "record_alias_domain_id": alias_domains[record.id].id,
                "record_company_id": companies[record.id].id,
                "reply_to": reply_to[record.id]
                if author == first_author[record.id]
                else record._notify_get_reply_to(default=email_from[author], author_id=author.id)[
                    record.id
                ],
            }
            values.update(record._process_attachments_for_post(files, [], values))
            values_list.append(values)
        # a thread without any message yet: its first chat message of the
        # batch is the parent of the next ones, as message_post would make it
        firsts, others, seen = [], [], set()
        for index, values in enumerate(values_list):
            if values["parent_id"] or values["res_id"] not in seen:
                firsts.append(index)
            else:
                others.append(index)
            seen.add(values["res_id"])
        messages = self._message_create([values_list[i] for i in firsts])
        created = dict(zip(firsts, messages, strict=True))
        if others:
            first_of = {created[i].res_id: created[i].id for i in firsts}
            for index in others:
                values_list[index]["parent_id"] = first_of[values_list[index]["res_id"]]
            messages = self._message_create([values_list[i] for i in others])
            created.update(zip(others, messages, strict=True))
        messages = self.env["mail.message"].union(*(created[i] for i in range(len(posts))))
        # the authors who follow what they write (internal users only, as
        # message_post does; a customer is never subscribed this way): an
        # active user posting is the real author of every message, else each
        # author is their own, and only an internal one can be subscribed,
        # so the customers' real authors need not be looked up one by one
        if self.env.user.active:
            real_authors = dict.fromkeys(authors, self._message_compute_real_author(False))
        else:
            real_authors = {
                author: self._message_compute_real_author(author.id)
                for author in authors
                if not author.partner_share
            }
        subscribe = defaultdict(set)
        for record, _body, author, _files in posts:
            real_author = real_authors.get(author)
            if real_author and not real_author.partner_share:
                subscribe[real_author.id].add(record.id)
        for partner_id, record_ids in subscribe.items():
            self.browse(record_ids)._message_subscribe(partner_ids=[partner_id])
        # a thread nobody follows has nobody to notify (the messages name no
        # recipient): its notification would only look for its followers
        followed = {
            res_id
            for [res_id] in self.env["mail.followers"]
            .sudo()
            ._read_group(
                [("res_model", "=", self._name), ("res_id", "in", records.ids)], ["res_id"]
            )
        }
        for (record, _body, _author, _files), message, values in zip(
            posts, messages, values_list, strict=True
        ):
            thread = record._fallback_lang()
            thread._message_post_after_hook(message, values)
            if record.id in followed:
                thread._notify_thread(message, values)
        return messages

    def _chat_parent_ids(self, records):
        """``{record id: message id}``: the message a new message of each
        thread answers, chosen as ``message_post`` does for a flat thread
        (the latest comment or email, else the latest message), for all the
        threads in one query."""
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT ON (res_id) res_id, id
                     FROM mail_message
                    WHERE model = %s AND res_id IN %s AND message_type != 'user_notification'
                 ORDER BY res_id, message_type IN ('comment', 'email') DESC,
                          COALESCE(date, create_date) DESC, id DESC""",
                self._name,
                tuple(records.ids),
            )
        )
        return dict(rows)

    def _notify_thread_by_email(self, message, recipients_data, **kwargs):
        """A chat message reaches the customer in the chat app, never by
        email: only the internal followers are emailed."""
        msg_vals = kwargs.get("msg_vals") or {}
        if msg_vals.get("message_type", message.message_type) == "care_chat":
            recipients_data = [r for r in recipients_data if not r.get("share")]
        return super()._notify_thread_by_email(message, recipients_data, **kwargs)
