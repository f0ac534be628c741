from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..logic import sla
from ..logic.incidents import recurring_customers
from .care_refs import activity_type_ref


class CustomerCareRootCause(models.Model):
    """Why a problem happened, so that it does not hit other customers [004].

    A cause that hits many distinct customers of a company within a window
    is surfaced: that company's care manager gets an activity listing them,
    once per window.
    """

    _name = "customer.care.root.cause"
    _description = "Care Root Cause"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the cause between companies."
    )
    incident_ids = fields.One2many("customer.care.incident", "root_cause_id", string="Incidents")
    incident_count = fields.Integer(compute="_compute_incident_count")
    recurrence_window_days = fields.Integer(
        string="Recurrence Window (days)",
        default=30,
        tracking=True,
        help="Customers hit by this cause are counted over this many days.",
    )
    recurrence_threshold = fields.Integer(
        string="Alert From (customers)",
        default=3,
        tracking=True,
        help="Alert the care manager when this many distinct customers were hit within the window.",
    )
    recurrence_customer_count = fields.Integer(
        string="Customers in Window", compute="_compute_recurrence_customer_count"
    )
    date_last_alert = fields.Datetime(string="Last Recurrence Alert", readonly=True, copy=False)
    recurrence_alerts = fields.Json(
        readonly=True,
        copy=False,
        help="When each company was last alerted: ``{company id: datetime}``.",
    )

    _recurrence_positive = models.Constraint(
        "CHECK(recurrence_window_days > 0 AND recurrence_threshold > 0)",
        "The recurrence window and threshold must be positive.",
    )

    @api.constrains("recurrence_window_days", "recurrence_threshold")
    def _check_recurrence_parameters(self):
        for cause in self:
            if cause.recurrence_window_days <= 0 or cause.recurrence_threshold <= 0:
                raise ValidationError(
                    self.env._(
                        "The recurrence window and threshold of %s must be positive.", cause.name
                    )
                )

    def _compute_incident_count(self):
        counts = dict(
            self.env["customer.care.incident"]._read_group(
                [("root_cause_id", "in", self.ids)], ["root_cause_id"], ["__count"]
            )
        )
        for cause in self:
            cause.incident_count = counts.get(cause, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_recurrence_customer_count(self):
        """Distinct customers of the user's companies hit within the window."""
        now = fields.Datetime.now()
        hits = self._customer_hits()
        companies = set(self.env.companies.ids)
        for cause in self:
            since = now - cause._window()
            cause.recurrence_customer_count = sum(
                1
                for company_id, customers in hits.get(cause.id, {}).items()
                if company_id in companies
                for received in customers.values()
                if received >= since
            )

    def _window(self):
        return timedelta(days=self.recurrence_window_days)

    def _customer_hits(self):
        """``{cause id: {company id: {customer id: latest incident received}}}``
        in one query: a shared cause counts each company's customers apart."""
        if not self.ids:
            return {}
        longest = max(self.mapped("recurrence_window_days") or [0])
        since = fields.Datetime.now() - timedelta(days=longest)
        rows = (
            self.env["customer.care.incident"]
            .sudo()
            ._read_group(
                [("root_cause_id", "in", self.ids), ("date_received", ">=", since)],
                ["root_cause_id", "company_id", "commercial_partner_id"],
                ["date_received:max"],
            )
        )
        hits = {}
        for cause, company, partner, received in rows:
            hits.setdefault(cause.id, {}).setdefault(company.id, {})[partner.id] = received
        return hits

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_by_incidents(self):
        """Resolved incidents keep their root cause (the recurrence and the
        complaint figures count them): a cause no longer used is archived."""
        used = (
            self.env["customer.care.incident"]
            .sudo()
            .with_context(active_test=False)
            ._read_group([("root_cause_id", "in", self.ids)], ["root_cause_id"])
        )
        if used:
            raise UserError(
                self.env._(
                    "The root causes %s are used by incidents: archive them instead of "
                    "deleting them.",
                    ", ".join(cause.display_name for [cause] in used),
                )
            )

    def action_view_incidents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_care.customer_care_incident_action"
        )
        action.update(
            domain=[("root_cause_id", "=", self.id)],
            context={"default_root_cause_id": self.id},
        )
        return action

    def _check_recurrence(self):
        """Raise the recurrence alert on causes over their threshold, per company.

        Called whenever incidents get a cause.  Each company's incidents are
        counted apart (another company's never reach its threshold), at most
        one alert per cause, company and window (``recurrence_alerts``).  The
        list of customers goes where only that company's users read it: the
        cause's own chatter when the cause belongs to the company, else the
        company's latest incident of the cause.
        """
        now = fields.Datetime.now()
        hits = self._customer_hits()
        activity_type = activity_type_ref(
            self.env, "customer_care.mail_activity_type_care_recurrence"
        )
        Company = self.env["res.company"].sudo()
        for cause in self:
            alerts = dict(cause.recurrence_alerts or {})
            # a cause alerted before alerts were kept per company: its last
            # alert holds for every company
            legacy = None if alerts else cause.date_last_alert or None
            for company_id, last_dates in sorted(hits.get(cause.id, {}).items()):
                last_alert = alerts.get(str(company_id)) or legacy
                customers = recurring_customers(
                    last_dates,
                    now,
                    cause.recurrence_window_days,
                    cause.recurrence_threshold,
                    fields.Datetime.to_datetime(last_alert) if last_alert else None,
                )
                if not customers:
                    continue
                alerts[str(company_id)] = fields.Datetime.to_string(now)
                cause._post_recurrence_alert(
                    Company.browse(company_id), customers, activity_type, now
                )
            if alerts != (cause.recurrence_alerts or {}):
                cause.write({"recurrence_alerts": alerts, "date_last_alert": now})

    def _post_recurrence_alert(self, company, customers, activity_type, now):
        """The note and the manager's activity listing one company's customers."""
        self.ensure_one()
        partners = self.env["res.partner"].browse(customers)
        manager = self.env["customer.care.sla.policy"]._escalation_users(
            sla.LEVEL_MANAGER, company
        )[:1]
        summary = self.env._(
            "Recurring cause: %(count)s customers in %(days)s days",
            count=len(customers),
            days=self.recurrence_window_days,
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "%(cause)s hit %(count)s customers within %(days)s days: make sure "
                "it does not hit others.",
                cause=self.name,
                count=len(customers),
                days=self.recurrence_window_days,
            ),
            Markup().join(Markup("<li>%s</li>") % name for name in partners.mapped("name")),
        )
        record = self
        if self.company_id != company:
            # a shared cause is read by every company: its chatter must not
            # name one company's customers
            record = (
                self.env["customer.care.incident"]
                .sudo()
                .search(
                    [("root_cause_id", "=", self.id), ("company_id", "=", company.id)],
                    order="date_received desc, id desc",
                    limit=1,
                )
            )
        record.message_post(body=body, subject=summary, subtype_xmlid="mail.mt_note")
        if manager:
            record.activity_schedule(
                activity_type_id=activity_type.id,
                summary=summary,
                note=body,
                user_id=manager.id,
            )
