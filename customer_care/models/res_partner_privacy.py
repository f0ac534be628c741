import base64

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, html2plaintext

from ..logic import privacy
from .res_partner import CARE_MANAGER, CARE_USER

# the addon's own columns of res_partner that say who the person is; the
# purchase facts, the care group and state stay (reports count them)
PERSONAL_COLUMNS = [
    "birthdate_date",
    "care_birth_month",
    "gender",
    "care_occupation",
    "care_education",
    "care_marital_status",
    "care_children_count",
    "care_family_note",
    "care_life_events",
    "care_referral_source",
    "care_referred_by_id",
    "care_lost_note",
    "care_drop_note",
]
# what Odoo's own contact fields hold about the person, written through the
# model (other modules' columns)
CONTACT_FIELDS = [
    "email",
    "phone",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "vat",
    "website",
    "function",
    "comment",
    "ref",
    "company_name",
]
# the files: cleared only on the contacts that have one (clearing a file
# field costs queries per record)
FILE_FIELDS = ["image_1920", "care_personal_data_file"]
# the care records whose chatter may hold the person's own messages
CARE_THREAD_MODELS = ["customer.care.incident", "customer.care.plan", "customer.care.feedback"]
ANONYMIZE_BATCH = 50
RETENTION_CRON = "customer_care.ir_cron_care_retention"


class ResPartner(models.Model):
    """The customer's data rights (PDPL, PDPA, PIPL): a copy of everything
    the care suite keeps about them, and its erasure.  Erasure keeps the
    incidents, plans, outreach logs and facts (the reports and SLA figures
    stay right) and wipes what says who the person is.  Each bridge adds its
    own records through ``_care_personal_data`` and
    ``_care_anonymize_records``."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    care_anonymized = fields.Boolean(
        string="Anonymized",
        readonly=True,
        copy=False,
        groups=CARE_USER,
        help="The personal data of this contact was erased: it is never contacted again.",
    )
    care_anonymized_date = fields.Datetime(
        string="Anonymized On", readonly=True, copy=False, groups=CARE_USER
    )
    # the last copy a care manager made, readable by care managers only (an
    # attachment of this field is served to those who may read the field)
    care_personal_data_file = fields.Binary(
        string="Personal Data Copy", attachment=True, copy=False, groups=CARE_MANAGER
    )
    care_privacy_export_date = fields.Datetime(
        string="Last Data Download", readonly=True, copy=False, groups=CARE_USER
    )

    # -- export -------------------------------------------------------------
    def action_care_export_personal_data(self):
        """A copy of what the care suite keeps about the customer, for a
        care manager to hand over (right of access and copy): one JSON file,
        a zip with the attachments when there are any, served only to care
        managers; logged in the chatter."""
        self.ensure_one()
        self._check_care_privacy_manager()
        self.check_access("read")
        partner = self.commercial_partner_id
        companies = self.env.user.company_ids
        content, _mimetype, filename = partner.sudo()._care_personal_data_file(companies)
        partner.sudo().care_personal_data_file = base64.b64encode(content)
        partner.message_post(
            body=self.env._("Personal data exported (%(file)s) for the customer.", file=filename),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/res.partner/{partner.id}/care_personal_data_file"
            f"?download=true&filename={filename}",
            "target": "self",
        }

    def _care_personal_data_file(self, companies=None):
        """``(content, mimetype, filename)`` of the copy of the data of this
        commercial partner and its contacts (superuser; ``companies`` limits
        the care records to those companies, None: all)."""
        self.ensure_one()
        scoped = self.with_context(
            care_privacy_company_ids=companies.ids if companies is not None else None
        )
        data = scoped._care_personal_data()
        attachments = scoped._care_personal_attachments()
        stem = f"personal-data-{self.id}-{fields.Date.context_today(self)}"
        return privacy.build_file(
            data, [(a.id, a.name, a.raw) for a in attachments], privacy.safe_name(stem)
        )

    def _care_privacy_scope(self):
        """The partners whose records are the person's: them and their
        contacts (addresses, archived included)."""
        return self.with_context(active_test=False).search([("id", "child_of", self.ids)])

    def _care_privacy_domain(self, fname="partner_id", company_fname="company_id"):
        domain = [(fname, "in", self._care_privacy_scope().ids)]
        company_ids = self.env.context.get("care_privacy_company_ids")
        if company_ids is not None and company_fname:
            domain.append((company_fname, "in", company_ids))
        return domain

    def _care_personal_data(self):
        """The sections of the copy: ``{section: value}``.  Bridges add their
        own sections by extending it (``super()`` then ``update``)."""
        self.ensure_one()
        data = {
            "generated_on": fields.Datetime.now(),
            "notice": self.env._(
                "Everything the customer care of %(company)s keeps about you.",
                company=self.env.company.name,
            ),
            "profile": self._care_privacy_profile(),
            "purchase_facts": self._care_privacy_facts(),
            "consents": self._care_privacy_consents(),
            "care_plans": self._care_privacy_plans(),
            "incidents": self._care_privacy_incidents(),
            "outreach_contacts": self._care_privacy_outreach(),
            "feedback": self._care_privacy_feedback(),
            "ratings": self._care_privacy_ratings(),
            "top_customer_watch": self._care_privacy_top_watch(),
        }
        return data

    def _care_privacy_label(self, record, fname):
        """A selection's label in the reader's language, else the value."""
        value = record[fname]
        field = record._fields[fname]
        if field.type == "selection" and value:
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type == "many2one":
            return value.display_name or None
        if field.type == "many2many":
            return value.mapped("display_name")
        if field.type == "html":
            return html2plaintext(value) if value else None
        return value if value or value == 0 else None

    def _care_privacy_values(self, record, fnames):
        return {fname: self._care_privacy_label(record, fname) for fname in fnames}

    def _care_privacy_profile(self):
        fnames = [
            "name",
            "email",
            "phone",
            "street",
            "street2",
            "zip",
            "city",
            "state_id",
            "country_id",
            "vat",
            "lang",
            "function",
            "birthdate_date",
            "gender",
            "care_occupation",
            "care_education",
            "care_marital_status",
            "care_children_count",
            "care_family_note",
            "care_hobby_ids",
            "care_life_events",
            "care_referral_source",
            "care_referred_by_id",
            "care_group_id",
            "care_state",
            "care_customer_since",
            "care_lost_date",
            "care_lost_reason_id",
            "care_lost_note",
            "care_drop_reason",
            "care_drop_note",
            "care_product_category_ids",
        ]
        profile = self._care_privacy_values(self, fnames)
        contacts = self._care_privacy_scope() - self
        profile["contacts"] = [
            self._care_privacy_values(contact, ["name", "type", "email", "phone", "street", "city"])
            for contact in contacts
        ]
        return profile

    def _care_privacy_facts(self):
        """The purchase facts, per company (each company counts its own orders)."""
        company_ids = self.env.context.get("care_privacy_company_ids")
        companies = (
            self.env["res.company"]
            .sudo()
            .search([("id", "in", company_ids)] if company_ids is not None else [])
        )
        facts = []
        fnames = [
            "care_order_count",
            "care_online_order_count",
            "care_revenue",
            "care_first_order_date",
            "care_last_order_date",
            "care_annual_value",
            "care_lifetime_value",
        ]
        for company in companies:
            values = self._care_privacy_values(self.with_company(company), fnames)
            if values["care_order_count"]:
                facts.append({"company": company.name, **values})
        return facts

    def _care_privacy_consents(self):
        """The consent history, latest first."""
        entries = self.env["customer.care.consent"].search(self._care_privacy_domain())
        fnames = ["purpose", "channel", "state", "date", "source", "evidence", "company_id"]
        return [self._care_privacy_values(entry, fnames) for entry in entries]

    def _care_privacy_plans(self):
        plans = self.env["customer.care.plan"].search(self._care_privacy_domain(), order="id")
        plan_fields = ["name", "trigger", "channel", "state", "date_deadline", "outcome"]
        plan_fields += ["outcome_note", "date_done"]
        step_fields = ["step", "state", "date_done", "note", "skip_reason"]
        step_fields += ["satisfied_note", "dissatisfied_note", "needs_note"]
        return [
            {
                **self._care_privacy_values(plan, plan_fields),
                "steps": [
                    {
                        **self._care_privacy_values(step, step_fields),
                        "questions": [
                            self._care_privacy_values(q, ["name", "answer", "state"])
                            for q in step.question_ids
                        ],
                        "offers": [
                            self._care_privacy_values(o, ["name", "reaction"])
                            for o in step.offer_ids
                        ],
                    }
                    for step in plan.step_ids
                ],
            }
            for plan in plans
        ]

    def _care_privacy_messages(self, records):
        """The public conversation of ``records`` (no internal note, no
        tracking), oldest first, by record id."""
        messages = self.env["mail.message"].search(
            [
                ("model", "=", records._name),
                ("res_id", "in", records.ids),
                ("message_type", "!=", "notification"),
                ("is_internal", "=", False),
                "|",
                ("subtype_id", "=", False),
                ("subtype_id.internal", "=", False),
            ],
            order="id",
        )
        by_record = {}
        for message in messages:
            by_record.setdefault(message.res_id, []).append(
                {
                    "date": message.date,
                    "author": message.author_id.display_name or message.email_from,
                    "subject": message.subject or None,
                    "body": html2plaintext(message.body or ""),
                    "attachments": message.attachment_ids.mapped("name"),
                }
            )
        return by_record

    def _care_privacy_incidents(self):
        incidents = self.env["customer.care.incident"].search(
            self._care_privacy_domain("commercial_partner_id"), order="id"
        )
        messages = self._care_privacy_messages(incidents)
        fnames = ["name", "kind", "channel", "state", "date_received", "date_resolved"]
        fnames += ["description", "resolution_type", "resolution", "satisfaction"]
        return [
            {
                **self._care_privacy_values(incident, fnames),
                "messages": messages.get(incident.id, []),
            }
            for incident in incidents
        ]

    def _care_privacy_outreach(self):
        logs = self.env["customer.care.outreach.log"].search(
            self._care_privacy_domain(), order="id"
        )
        return [
            {
                "date": log.create_date,
                **self._care_privacy_values(log, ["rule_id", "period_key", "channel", "state"]),
                "skip_reason": self._care_privacy_label(log, "skip_reason"),
            }
            for log in logs
        ]

    def _care_privacy_feedback(self):
        feedback = self.env["customer.care.feedback"].search(
            self._care_privacy_domain(), order="id"
        )
        fnames = ["date", "source", "sentiment", "summary", "text"]
        return [self._care_privacy_values(entry, fnames) for entry in feedback]

    def _care_privacy_ratings(self):
        """The faces and comments given on incidents, and the survey answers."""
        ratings = self.env["rating.rating"].search(
            [
                ("partner_id", "in", self._care_privacy_scope().ids),
                ("res_model", "in", CARE_THREAD_MODELS),
                ("consumed", "=", True),
            ],
            order="id",
        )
        answers = self.env["survey.user_input"].search(
            [
                ("partner_id", "in", self._care_privacy_scope().ids),
                ("care_incident_id", "!=", False),
            ],
            order="id",
        )
        return [
            {
                "date": rating.write_date,
                "about": rating.res_name,
                "rating": rating.rating,
                "feedback": rating.feedback or None,
            }
            for rating in ratings
        ] + [
            {
                "date": answer.create_date,
                "about": answer.care_incident_id.name,
                "survey": answer.survey_id.title,
                "answers": [
                    {
                        "question": line.question_id.title,
                        "answer": line.value_text_box or line.value_scale or None,
                    }
                    for line in answer.user_input_line_ids
                ],
            }
            for answer in answers
        ]

    def _care_privacy_top_watch(self):
        snapshots = self.env["customer.care.top.snapshot"].search(
            self._care_privacy_domain(), order="period"
        )
        fnames = ["period", "rank", "revenue", "previous_revenue", "trend"]
        return [self._care_privacy_values(snapshot, fnames) for snapshot in snapshots]

    def _care_personal_attachments(self):
        """The files the person sent on care records (their own messages)."""
        messages = self.env["mail.message"].search(
            [
                ("author_id", "in", self._care_privacy_scope().ids),
                ("model", "in", self._care_thread_models()),
                ("attachment_ids", "!=", False),
            ]
        )
        return messages.attachment_ids

    @api.model
    def _care_thread_models(self):
        """The care records whose chatter may hold the person's messages
        (bridges add theirs)."""
        return list(CARE_THREAD_MODELS)

    # -- erasure ------------------------------------------------------------
    def action_care_anonymize_wizard(self):
        self._check_care_privacy_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Anonymize Customer"),
            "res_model": "customer.care.anonymize.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.ids},
        }

    def action_care_anonymize(self, reason=None):
        """Erase the person (right to erasure): care managers only, with a
        reason (the confirmation wizard asks it)."""
        self._check_care_privacy_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the personal data is erased."))
        self.check_access("write")
        employees = self.sudo().user_ids.filtered(lambda user: not user.share)
        if employees:
            raise UserError(
                self.env._(
                    "%s is a user of the company, not a customer: a user's data is not "
                    "erased here.",
                    ", ".join(employees.partner_id.mapped("display_name")),
                )
            )
        self.sudo()._care_anonymize(reason)
        return True

    def _check_care_privacy_manager(self):
        if not self.env.su and not self.env.user.has_group(CARE_MANAGER):
            raise AccessError(
                self.env._("Only a care manager exports or erases a customer's personal data.")
            )

    def _care_anonymize(self, reason):
        """Erase the personal data of these partners and their contacts, as
        superuser, in one pass over the whole set: the addon's own columns
        in SQL, the other modules' records through their models."""
        scope = self._care_privacy_scope()
        # the companies' own contacts and the users of the company are not
        # customers: they stay, even as contacts of a customer
        kept = (
            self.env["res.company"]
            .with_context(active_test=False)
            .search([("partner_id", "in", scope.ids)])
            .partner_id
        )
        kept |= (
            scope.with_context(active_test=False)
            .user_ids.filtered(lambda user: not user.share)
            .partner_id
        )
        todo = (scope - kept).filtered(lambda p: not p.care_anonymized)
        if not todo:
            return
        marker = todo._care_anonymized_marker()
        # never contacted again: the addresses join Odoo's opt-out lists
        todo._care_blacklist()
        todo._care_anonymize_records(marker)
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE res_partner SET %s, care_anonymized = TRUE, "
                "care_anonymized_date = now() AT TIME ZONE 'UTC' WHERE id = ANY(%s)",
                SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(column)) for column in PERSONAL_COLUMNS
                ),
                todo.ids,
            )
        )
        self.env.execute_query(
            SQL("DELETE FROM customer_care_hobby_partner_rel WHERE partner_id = ANY(%s)", todo.ids)
        )
        todo.invalidate_recordset()
        names = {partner.id: (partner.name, partner.email_normalized) for partner in todo}
        todo = todo.with_context(tracking_disable=True)
        todo.write(dict.fromkeys(CONTACT_FIELDS, False))
        with_files = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", todo.ids),
                ("res_field", "in", FILE_FIELDS),
            ]
        )
        self.browse(set(with_files.mapped("res_id"))).with_context(tracking_disable=True).write(
            dict.fromkeys(FILE_FIELDS, False)
        )
        for partner in todo:
            # one name each (a rename costs Odoo a few queries per contact)
            partner.name = self.env._("Anonymized customer %s", partner.id)
        # portal accounts of the person: closed, their login no longer the address
        users = todo.with_context(active_test=False).user_ids.filtered("share")
        for user in users:
            user.write({"login": f"anonymized-{user.id}", "active": False})
        todo._care_anonymize_log(reason, names)

    def _care_anonymized_marker(self):
        return self.env._("[Removed at the customer's request]")

    def _care_blacklist(self):
        emails = {p.email_normalized for p in self if p.email_normalized}
        if emails:
            Blacklist = self.env["mail.blacklist"].with_context(active_test=False)
            existing = Blacklist.search([("email", "in", list(emails))])
            existing.filtered(lambda entry: not entry.active).action_unarchive()
            Blacklist.create([{"email": e} for e in emails - set(existing.mapped("email"))])
        numbers = {p.phone_sanitized for p in self if p.phone_sanitized}
        if numbers:
            self.env["phone.blacklist"]._add(sorted(numbers))

    def _care_anonymize_records(self, marker):
        """Wipe what the care records say about the person; the records
        stay.  Extended by the bridges for their own records."""
        ids = self.ids
        cr_sql = self.env.execute_query
        incidents = self.env["customer.care.incident"].search(
            ["|", ("partner_id", "in", ids), ("commercial_partner_id", "in", ids)]
        )
        plans = self.env["customer.care.plan"].search([("partner_id", "in", ids)])
        feedback = self.env["customer.care.feedback"].search([("partner_id", "in", ids)])
        html_marker = Markup("<p>%s</p>") % marker
        # the person's own messages and files on care records (other modules'
        # rows: through their models)
        messages = self.env["mail.message"].search(
            [
                ("author_id", "in", ids),
                ("model", "in", [*self._care_thread_models(), "res.partner"]),
            ]
        )
        messages.attachment_ids.unlink()
        messages.write({"body": html_marker, "subject": False, "email_from": False})
        # old values of text fields kept by tracking on these records
        records = [
            ("customer.care.incident", incidents.ids),
            ("customer.care.plan", plans.ids),
            ("customer.care.feedback", feedback.ids),
            ("res.partner", ids),
        ]
        tracked = self.env["mail.message"].search(
            [
                "|",
                "|",
                "|",
                *[
                    term
                    for model, rec_ids in records
                    for term in ["&", ("model", "=", model), ("res_id", "in", rec_ids)]
                ],
            ]
        )
        self.env["mail.tracking.value"].search(
            [
                ("mail_message_id", "in", tracked.ids),
                ("field_id.ttype", "in", ["char", "text", "html", "date"]),
            ]
        ).unlink()
        ratings = self.env["rating.rating"].search(
            [("partner_id", "in", ids), ("feedback", "!=", False)]
        )
        ratings.write({"feedback": marker})
        answers = self.env["survey.user_input"].search(
            [("partner_id", "in", ids), ("care_incident_id", "!=", False)]
        )
        answers.user_input_line_ids.filtered("value_text_box").write({"value_text_box": marker})
        answers.write({"email": False, "nickname": False})
        # the consent history goes with the person (only this erasure, as
        # superuser, deletes it); the opt-out lists and the anonymized mark
        # keep them from being contacted again
        self.env["customer.care.consent"].search([("partner_id", "in", ids)]).unlink()
        self.env.flush_all()
        # the addon's own columns
        cr_sql(
            SQL(
                """UPDATE customer_care_incident
                      SET name = %(m)s, description = %(h)s,
                          resolution = CASE WHEN resolution IS NULL THEN NULL ELSE %(h)s END,
                          decline_reason = CASE WHEN decline_reason IS NULL THEN NULL ELSE %(m)s END
                    WHERE id = ANY(%(ids)s)""",
                m=marker,
                h=str(html_marker),
                ids=incidents.ids,
            )
        )
        cr_sql(
            SQL(
                """UPDATE customer_care_plan
                      SET name = %(m)s,
                          outcome_note = CASE WHEN outcome_note IS NULL THEN NULL ELSE %(m)s END
                    WHERE id = ANY(%(ids)s)""",
                m=marker,
                ids=plans.ids,
            )
        )
        step_columns = ["note", "satisfied_note", "dissatisfied_note", "needs_note", "skip_reason"]
        cr_sql(
            SQL(
                "UPDATE customer_care_plan_step SET %s WHERE plan_id = ANY(%s)",
                SQL(", ").join(
                    SQL(
                        "%s = CASE WHEN %s IS NULL THEN NULL ELSE %s END",
                        SQL.identifier(c),
                        SQL.identifier(c),
                        marker,
                    )
                    for c in step_columns
                ),
                plans.ids,
            )
        )
        cr_sql(
            SQL(
                """UPDATE customer_care_plan_question
                      SET name = %(m)s,
                          answer = CASE WHEN answer IS NULL THEN NULL ELSE %(m)s END
                    WHERE plan_id = ANY(%(ids)s)""",
                m=marker,
                ids=plans.ids,
            )
        )
        cr_sql(
            SQL(
                "UPDATE customer_care_feedback SET summary = %s, text = %s WHERE id = ANY(%s)",
                marker,
                marker,
                feedback.ids,
            )
        )
        cr_sql(
            SQL(
                "UPDATE customer_care_outreach_log SET error = NULL WHERE partner_id = ANY(%s)",
                ids,
            )
        )
        self.env.invalidate_all()

    def _care_anonymize_log(self, reason, names):
        """A note on each contact, and Odoo's privacy log (masked name)."""
        note = self.env._("Personal data erased. Reason: %s", reason)
        self._message_log_batch(bodies={partner.id: Markup("<p>%s</p>") % note for partner in self})
        self.env["privacy.log"].create(
            [
                {
                    # masked by privacy.log itself
                    "anonymized_name": names[partner.id][0] or str(partner.id),
                    "anonymized_email": names[partner.id][1]
                    or f"customer-{partner.id}@anonymized.invalid",
                    "execution_details": note,
                    "records_description": self.env._("Customer care: anonymized"),
                }
                for partner in self
            ]
        )

    # -- retention ----------------------------------------------------------
    @api.model
    def _care_retention_candidates(self, limit=None):
        """Customers lost or dropped longer ago than their company keeps
        them (0: forever), not yet anonymized, not users of the company;
        ``limit`` claims a batch (``FOR UPDATE SKIP LOCKED``), None counts."""
        today = fields.Date.context_today(self)
        cutoffs = [
            (company.id, privacy.retention_cutoff(today, company.care_retention_months))
            for company in self.env["res.company"].sudo().search([])
        ]
        cutoffs = [(cid, cutoff) for cid, cutoff in cutoffs if cutoff]
        if not cutoffs:
            return 0 if limit is None else []
        self.env.flush_all()
        condition = SQL(
            """p.care_state IN ('lost', 'dropped')
               AND p.care_anonymized IS NOT TRUE
               AND p.id = p.commercial_partner_id
               AND p.care_lost_date < c.cutoff
               AND NOT EXISTS (SELECT 1 FROM res_users u
                                WHERE u.partner_id = p.id AND u.share IS NOT TRUE)
               AND NOT EXISTS (SELECT 1 FROM res_company rc WHERE rc.partner_id = p.id)"""
        )
        source = SQL(
            """res_partner p
               JOIN (SELECT * FROM unnest(%s::int[], %s::date[]) AS t(company_id, cutoff)) c
                 ON c.company_id = COALESCE(p.company_id, %s)""",
            [cid for cid, _cutoff in cutoffs],
            [cutoff for _cid, cutoff in cutoffs],
            self.env.company.id,
        )
        if limit is None:
            return self.env.execute_query(
                SQL("SELECT count(*) FROM %s WHERE %s", source, condition)
            )[0][0]
        rows = self.env.execute_query(
            SQL(
                "SELECT p.id FROM %s WHERE %s ORDER BY p.id LIMIT %s FOR UPDATE OF p SKIP LOCKED",
                source,
                condition,
                limit,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _cron_care_retention(self, batch_size=None):
        """Anonymize the customers kept longer than their company's
        retention period, batch after batch, each committed with what
        truly remains.  A stopped run resumes: the anonymized are left out
        of the next query."""
        batch_size = batch_size or ANONYMIZE_BATCH
        cron = self.env["ir.cron"]
        reason = self.env._("The company's keeping period is over")
        while ids := self._care_retention_candidates(batch_size):
            self.browse(ids)._care_anonymize(reason)
            remaining = self._care_retention_candidates()
            time_left = cron._commit_progress(len(ids), remaining=remaining)
            self.env.invalidate_all()
            if not time_left:
                return False
        cron._commit_progress(0, remaining=0)
        return True

    # -- the customer's own requests (portal) -------------------------------
    def _care_request_erasure(self):
        """The customer asks for erasure: a to-do for the care managers of
        the customer's company and a note; nothing is deleted here."""
        self.ensure_one()
        partner = self.commercial_partner_id
        activity_type = self.env.ref("customer_care.mail_activity_type_care_erasure")
        pending = self.env["mail.activity"].search_count(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        if pending:
            return False
        company = partner.company_id or self.env.company
        managers = (
            self.env.ref(CARE_MANAGER)
            .all_user_ids.filtered(lambda u: not u.share and company in u.company_ids)
            .sorted("id")
        )
        note = self.env._(
            "The customer asked in the portal to delete their personal data: check that "
            "nothing must be kept (an open request, an invoice), then use Anonymize."
        )
        partner.message_post(body=note, subtype_xmlid="mail.mt_note")
        for manager in managers or self.env.ref("base.user_admin"):
            partner.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._("Delete the customer's personal data"),
                note=note,
                user_id=manager.id,
            )
        return True
