from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..logic import sla
from ..logic.incidents import recurring_customers


class CustomerCareRootCause(models.Model):
    """Why a problem happened, so that it does not hit other customers [004].

    A cause that hits many distinct customers within a window is surfaced:
    the care manager gets an activity listing the customers, once per window.
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

    @api.depends_context("uid")
    def _compute_recurrence_customer_count(self):
        now = fields.Datetime.now()
        hits = self._customer_hits()
        for cause in self:
            since = now - cause._window()
            cause.recurrence_customer_count = sum(
                1 for received in hits.get(cause.id, {}).values() if received >= since
            )

    def _window(self):
        return timedelta(days=self.recurrence_window_days)

    def _customer_hits(self):
        """``{cause id: {customer id: latest incident received}}`` in one query."""
        if not self.ids:
            return {}
        longest = max(self.mapped("recurrence_window_days") or [0])
        since = fields.Datetime.now() - timedelta(days=longest)
        rows = (
            self.env["customer.care.incident"]
            .sudo()
            ._read_group(
                [("root_cause_id", "in", self.ids), ("date_received", ">=", since)],
                ["root_cause_id", "commercial_partner_id"],
                ["date_received:max"],
            )
        )
        hits = {}
        for cause, partner, received in rows:
            hits.setdefault(cause.id, {})[partner.id] = received
        return hits

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
        """Raise the recurrence alert on causes over their threshold.

        Called whenever incidents get a cause; at most one alert per cause
        and window (``date_last_alert``).
        """
        now = fields.Datetime.now()
        hits = self._customer_hits()
        activity_type = self.env.ref("customer_care.mail_activity_type_care_recurrence")
        for cause in self:
            customers = recurring_customers(
                hits.get(cause.id, {}),
                now,
                cause.recurrence_window_days,
                cause.recurrence_threshold,
                cause.date_last_alert or None,
            )
            if not customers:
                continue
            partners = self.env["res.partner"].browse(customers)
            company = cause.company_id or self.env.company
            manager = self.env["customer.care.sla.policy"]._escalation_users(
                sla.LEVEL_MANAGER, company
            )[:1]
            summary = self.env._(
                "Recurring cause: %(count)s customers in %(days)s days",
                count=len(customers),
                days=cause.recurrence_window_days,
            )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._(
                    "%(cause)s hit %(count)s customers within %(days)s days: make sure "
                    "it does not hit others.",
                    cause=cause.name,
                    count=len(customers),
                    days=cause.recurrence_window_days,
                ),
                Markup().join(Markup("<li>%s</li>") % name for name in partners.mapped("name")),
            )
            cause.date_last_alert = now
            cause.message_post(body=body, subject=summary, subtype_xmlid="mail.mt_note")
            if manager:
                cause.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=summary,
                    note=body,
                    user_id=manager.id,
                )
