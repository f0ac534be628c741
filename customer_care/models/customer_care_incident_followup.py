from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..logic import followup, kpi
from .care_refs import optional_ref


class CustomerCareIncident(models.Model):
    """Following up a resolved incident (brief §5 [001, 003, 004]): the
    follow-up care plan on another channel, once the customer has what was
    promised (at once, 24 hours after an instant fix, or when the refund is
    paid or the replacement delivered), the satisfaction survey whose answer
    closes the incident, and the check-back when the customer stays silent.

    The resolution and follow-up emails also carry Odoo's rating faces: see
    ``customer_care_incident_rating.py``.
    """

    _inherit = "customer.care.incident"  # pylint: disable=consider-merging-classes-inherited

    followup_plan_id = fields.Many2one(
        "customer.care.plan",
        string="Follow-up",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The care contact that checks the resolution worked, on another channel.",
    )
    date_customer_received = fields.Datetime(
        string="Customer Received It",
        copy=False,
        help="Exchanges and refunds: when the replacement or the money reached the "
        "customer; the follow-up waits for it.",
    )
    waiting_delivery = fields.Boolean(compute="_compute_waiting_delivery")
    refund_move_id = fields.Many2one(
        "account.move",
        string="Credit Note",
        copy=False,
        index="btree_not_null",
        domain="[('move_type', '=', 'out_refund'), "
        "('commercial_partner_id', '=', commercial_partner_id)]",
        help="Refunds: the follow-up is planned once this credit note is paid.",
    )
    replacement_order_id = fields.Many2one(
        "sale.order",
        copy=False,
        index="btree_not_null",
        help="Exchanges: with Inventory installed, the follow-up is planned once the "
        "order's deliveries are done.",
    )
    survey_input_id = fields.Many2one(
        "survey.user_input", string="Satisfaction Survey", readonly=True, copy=False
    )
    date_checked_back = fields.Datetime(readonly=True, copy=False)

    @api.depends("state", "resolution_type", "date_customer_received", "followup_plan_id")
    def _compute_waiting_delivery(self):
        for incident in self:
            incident.waiting_delivery = (
                incident.state == "resolved"
                and incident.resolution_type in followup.WAIT_FOR_DELIVERY
                and not incident.followup_plan_id
            )

    def action_confirm_received(self):
        """The replacement or refund reached the customer: plan the follow-up."""
        for incident in self:
            if not incident.waiting_delivery:
                raise UserError(
                    self.env._(
                        "%s is not waiting for a replacement or a refund to reach the customer.",
                        incident.display_name,
                    )
                )
        self.filtered(lambda i: not i.date_customer_received).write(
            {"date_customer_received": fields.Datetime.now()}
        )
        self._create_followups()
        return True

    def _create_followups(self):
        """One follow-up care plan per resolved incident whose time has come,
        on another channel than the incident's, in one ``create``."""
        vals_list, incidents = [], self.browse()
        todo = self.filtered(lambda i: i.state == "resolved" and not i.followup_plan_id)
        rules_of = {company: company._care_followup_rules() for company in todo.company_id}
        # the incident's handler, else whoever resolves it, when they are care
        # users of its company; the portal, a delivery, a payment or the
        # scheduled action leave the plan unassigned: open to every care user
        # (not OdooBot's, the warehouse's or the accountant's)
        assignable = todo.company_id._care_assignable(todo.user_id | self.env.user)
        for incident in todo:
            due = followup.followup_due(
                incident.resolution_type, incident.date_resolved, incident.date_customer_received
            )
            if not due:
                continue
            rules = rules_of[incident.company_id]
            user = next(
                (
                    user
                    for user in (incident.user_id, self.env.user)
                    if (user.id, incident.company_id.id) in assignable
                ),
                None,
            )
            vals_list.append(
                {
                    "partner_id": incident.partner_id.id,
                    "user_id": user.id if user else False,
                    "company_id": incident.company_id.id,
                    "trigger": "follow_up",
                    "channel": followup.followup_channel(incident.channel, rules),
                    "date_deadline": fields.Date.context_today(self, due),
                    "incident_id": incident.id,
                    "state": "planned",
                }
            )
            incidents |= incident
        if not vals_list:
            return
        Plan = self.env["customer.care.plan"]
        plans = Plan.sudo().create(vals_list)
        channels = dict(Plan._fields["channel"]._description_selection(self.env))
        notes = {}
        for incident, plan in zip(incidents, plans, strict=True):
            incident.followup_plan_id = plan
            notes[incident.id] = self.env._(
                "Follow-up planned for %(date)s by %(channel)s: %(plan)s",
                date=plan.date_deadline,
                channel=channels[plan.channel],
                plan=plan.display_name,
            )
        incidents._message_log_batch(notes)

    def action_send_survey(self):
        """Send the follow-up email [001, 003]: the rating faces for a
        one-click answer and the link to the short satisfaction survey."""
        survey = self.env.ref("customer_care.survey_care_satisfaction", raise_if_not_found=False)
        if not survey:
            raise UserError(
                self.env._(
                    "The satisfaction survey was deleted: ask the administrator to upgrade "
                    "the Customer Care app to restore it, or record the customer's rating "
                    "on the follow-up plan."
                )
            )
        # the follow-up email: the rating faces and the survey's link; Odoo's
        # survey invitation when an administrator deleted it
        followup_template = self.env.ref(
            "customer_care.mail_template_care_incident_followup", raise_if_not_found=False
        )
        template = followup_template or optional_ref(
            self.env, "survey.mail_template_user_input_invite", "the survey invitation email"
        )
        for incident in self:
            partner = incident.partner_id
            if not partner.email:
                raise UserError(
                    self.env._(
                        "%s has no email address to receive the satisfaction survey.",
                        partner.display_name,
                    )
                )
            if partner.care_state == "dropped" or partner.is_blacklisted:
                raise UserError(
                    self.env._(
                        "%s must not be contacted: dropped customer or opted out of emails.",
                        partner.display_name,
                    )
                )
            answer = incident.survey_input_id
            if not answer or answer.state == "done":
                answer = survey.sudo()._create_answer(
                    partner=partner, check_attempts=False, care_incident_id=incident.id
                )
                incident.survey_input_id = answer
            if not template:
                incident.message_post(
                    body=self.env._(
                        "The survey invitation email was deleted: share the survey link "
                        "with %s another way.",
                        partner.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            if followup_template:
                incident.rating_send_request(followup_template, force_send=False)
            else:
                template.sudo().send_mail(answer.id, force_send=False)
            incident.message_post(
                body=self.env._("Satisfaction survey sent to %s.", partner.email),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _on_followup_done(self):
        """The follow-up contact took place.  Silence never closes an
        incident: it closes once the customer has rated the resolution."""
        resolved = self.filtered(lambda i: i.state == "resolved").sudo()
        rated = resolved.filtered("satisfaction")
        # the follow-up's path, not a user's edit (see _check_state_by_actions)
        rated.write({"state": "closed"})
        (resolved - rated).write({"state": "followed_up"})

    def _record_satisfaction(self, score, comment=None, origin="survey", rating=None):
        """The survey answer or the rating faces' (``origin`` "rating", with
        the ``rating`` submitted): the score (kept as feedback on the
        customer too, one feedback per rating), and the incident closes if
        followed up."""
        if rating:
            self._rating_feedback_upsert(rating, score, comment)
        else:
            self.env["customer.care.feedback"].sudo().create(
                [
                    incident._satisfaction_feedback_values(score, comment, origin)
                    for incident in self
                ]
            )
        # the customer's own score: the survey's path, not a user's edit
        self.sudo().write({"satisfaction": score})
        self.filtered(lambda i: i.state == "followed_up").sudo().write({"state": "closed"})
        note = self.env._(
            "The customer rated the resolution %(score)s/5. %(comment)s",
            score=score,
            comment=comment or "",
        )
        self._message_log_batch(dict.fromkeys(self.ids, note))

    def _satisfaction_feedback_values(self, score, comment, origin, rating=None):
        self.ensure_one()
        if origin == "rating":
            summary = self.env._("Rating of the resolution: %s/5", score)
        else:
            summary = self.env._("Follow-up survey: %s/5", score)
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "source": "survey",
            "sentiment": kpi.satisfaction_sentiment(score),
            "summary": summary,
            "text": comment or self.env._("Rated %s/5 without a comment.", score),
            "incident_id": self.id,
            "plan_id": self.followup_plan_id.id,
            "rating_id": rating.id if rating else False,
        }

    def _rating_feedback_upsert(self, rating, score, comment):
        """The feedback of one rating: created with the first submission,
        updated when the customer submits the same link again."""
        Feedback = self.env["customer.care.feedback"].sudo()
        for incident in self:
            values = incident._satisfaction_feedback_values(score, comment, "rating", rating=rating)
            existing = Feedback.search([("rating_id", "=", rating.id)], limit=1)
            if existing:
                existing.write(
                    {key: values[key] for key in ("sentiment", "summary", "text", "plan_id")}
                )
            else:
                Feedback.create([values])

    def _delivery_received_at(self):
        """When the refund or the replacement reached the customer, as far as
        the records tell (``None`` otherwise): here the refund's payment;
        ``customer_care_stock`` adds the replacement's delivery."""
        self.ensure_one()
        refund = self.refund_move_id
        if self.resolution_type == "refund" and refund.payment_state in followup.REFUND_DONE_STATES:
            return fields.Datetime.now()
        return None

    def _confirm_deliveries(self):
        """Plan the follow-up of exchanges and refunds whose replacement or
        money reached the customer (payment hook and daily check)."""
        for incident in self.filtered("waiting_delivery"):
            received = incident._delivery_received_at()
            if received:
                incident.date_customer_received = received
        self.filtered("date_customer_received")._create_followups()

    @api.model
    def _cron_check_back(self, days=3):
        """Check back after a few days of silence [004]: followed-up incidents
        whose customer has not rated the resolution get a call-back activity,
        once.  Also plans the follow-ups whose delivery or refund is done."""
        self.search(
            [
                ("state", "=", "resolved"),
                ("followup_plan_id", "=", False),
                ("resolution_type", "in", list(followup.WAIT_FOR_DELIVERY)),
                "|",
                ("refund_move_id", "!=", False),
                ("replacement_order_id", "!=", False),
            ]
        )._confirm_deliveries()
        limit = fields.Datetime.now() - timedelta(days=days)
        self.env.flush_all()
        # claim the rows: a second run at the same time skips them instead of
        # calling the customer back twice
        rows = self.env.execute_query(
            SQL(
                """SELECT i.id FROM %s i
                     JOIN customer_care_plan p ON p.id = i.followup_plan_id
                    WHERE i.state = 'followed_up' AND COALESCE(i.satisfaction, 0) = 0
                      AND i.date_checked_back IS NULL AND p.date_done <= %s
                 ORDER BY i.id
                      FOR UPDATE OF i SKIP LOCKED""",
                SQL.identifier(self._table),
                limit,
            )
        )
        silent = self.browse([row[0] for row in rows])
        callers = silent._check_back_callers()
        for user, incidents in silent.grouped(lambda i: callers[i]).items():
            incidents.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._("Check back: is the problem really solved?"),
                # nobody who can take it: the activity stays unassigned
                user_id=user.id or False,
            )
        silent.write({"date_checked_back": fields.Datetime.now()})
        return len(silent)

    def _check_back_callers(self):
        """Who calls each of these incidents back: the incident's handler,
        else the follow-up plan's responsible, else the company's escalation
        manager, else its first care manager, as long as they are active
        internal care users of the incident's company (checked for the whole
        batch in one query); nobody otherwise (an empty user).

        :return: ``{incident: user}``
        """
        Users = self.env["res.users"]
        incidents = self.sudo()
        companies = incidents.company_id
        candidates = (
            incidents.user_id
            | incidents.followup_plan_id.user_id
            | companies.care_escalation_user_id
        )
        assignable = companies._care_assignable(candidates)
        first_managers = {}
        callers = {}
        for incident in incidents:
            company = incident.company_id
            chosen = next(
                (
                    user
                    for user in (
                        incident.user_id,
                        incident.followup_plan_id.user_id,
                        company.care_escalation_user_id,
                    )
                    if user and (user.id, company.id) in assignable
                ),
                None,
            )
            if chosen is None:
                if company not in first_managers:
                    first_managers[company] = company._care_first_manager() if company else Users
                chosen = first_managers[company]
            callers[incident.with_env(self.env)] = chosen.with_env(self.env)
        return callers
