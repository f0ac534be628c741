import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools.misc import format_date

from ..logic import kpi
from ..logic.incidents import OPEN_STATES as OPEN_INCIDENT_STATES
from ..models.customer_care_plan import OPEN_PLAN_STATES

CHART_WEEKS = 12
CHART_MONTHS = 6


class CustomerCareDashboard(models.TransientModel):
    """The Customer Care overview: today's work and this month's alerts.

    A plain form of counters, each opening the records behind it, with
    small weekly and monthly charts where a number alone misleads; the
    figures are computed when the overview opens (brief §6).  A window
    without data says so: no score of 0, no steady trend from nothing.
    """

    _name = "customer.care.dashboard"
    _description = "Customer Care Overview"

    plans_due_count = fields.Integer(string="Plans Due Today", compute="_compute_counts")
    plans_late_count = fields.Integer(string="Late Plans", compute="_compute_counts")
    top_decliner_count = fields.Integer(string="Declining Top Customers", compute="_compute_counts")
    top_period = fields.Date(string="Last Watched Month", compute="_compute_counts")
    lost_month_count = fields.Integer(string="Lost This Month", compute="_compute_counts")
    lost_without_reason_count = fields.Integer(
        string="Lost Without a Reason", compute="_compute_counts"
    )
    feedback_week_count = fields.Integer(string="Feedback This Week", compute="_compute_counts")
    negative_feedback_week_count = fields.Integer(
        string="Negative Feedback This Week", compute="_compute_counts"
    )

    incidents_open_count = fields.Integer(string="Open Incidents", compute="_compute_counts")
    incidents_at_risk_count = fields.Integer(string="Incidents at Risk", compute="_compute_counts")
    incidents_breached_count = fields.Integer(
        string="Breached Incidents", compute="_compute_counts"
    )
    breaches_today_count = fields.Integer(string="Breaches Today", compute="_compute_counts")
    complaints_week_count = fields.Integer(string="Complaints This Week", compute="_compute_counts")
    satisfaction_recent = fields.Float(
        string="Satisfaction, Last 30 Days",
        compute="_compute_satisfaction",
        digits=(16, 2),
        help="Average follow-up survey score (1 to 5) of the incidents rated in the last 30 days.",
    )
    satisfaction_previous = fields.Float(
        string="Satisfaction, 30 Days Before",
        compute="_compute_satisfaction",
        digits=(16, 2),
    )
    satisfaction_recent_count = fields.Integer(
        string="Survey Answers, Last 30 Days", compute="_compute_satisfaction"
    )
    satisfaction_previous_count = fields.Integer(
        string="Survey Answers, 30 Days Before", compute="_compute_satisfaction"
    )
    satisfaction_trend = fields.Selection(
        [("up", "Improving"), ("flat", "Steady"), ("down", "Worsening"), ("none", "No data")],
        compute="_compute_satisfaction",
        help="No data when either window has no survey answer.",
    )

    # small trend charts (Odoo's dashboard_graph widget): a number alone misleads
    incidents_week_chart = fields.Text(
        string="Incidents Received per Week", compute="_compute_charts"
    )
    has_incidents_week = fields.Boolean(compute="_compute_charts")
    satisfaction_week_chart = fields.Text(string="Satisfaction per Week", compute="_compute_charts")
    has_satisfaction_week = fields.Boolean(compute="_compute_charts")
    top_decliner_chart = fields.Text(
        string="Declining Top Customers per Month", compute="_compute_charts"
    )
    has_top_decliners = fields.Boolean(compute="_compute_charts")

    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = self.env._("Overview")

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_counts(self):
        top_period = self._last_top_period()
        domains = self._tile_domains(top_period)
        counts = {
            key: self.env[model].search_count(domain) for key, (model, domain) in domains.items()
        }
        for dashboard in self:
            dashboard.plans_due_count = counts["plans_due"]
            dashboard.plans_late_count = counts["plans_late"]
            dashboard.top_decliner_count = counts["top_decliners"]
            dashboard.top_period = top_period
            dashboard.lost_month_count = counts["lost_month"]
            dashboard.lost_without_reason_count = counts["lost_without_reason"]
            dashboard.feedback_week_count = counts["feedback_week"]
            dashboard.negative_feedback_week_count = counts["negative_feedback_week"]
            dashboard.incidents_open_count = counts["incidents_open"]
            dashboard.incidents_at_risk_count = counts["incidents_at_risk"]
            dashboard.incidents_breached_count = counts["incidents_breached"]
            dashboard.breaches_today_count = counts["breaches_today"]
            dashboard.complaints_week_count = counts["complaints_week"]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_satisfaction(self):
        now = fields.Datetime.now()
        windows = {}
        for key, start, end in (
            ("recent", now - timedelta(days=30), now),
            ("previous", now - timedelta(days=60), now - timedelta(days=30)),
        ):
            [(average, count)] = self.env["customer.care.incident"]._read_group(
                [
                    ("satisfaction", ">", 0),
                    ("date_resolved", ">=", start),
                    ("date_resolved", "<", end),
                ],
                [],
                ["satisfaction:avg", "__count"],
            )
            windows[key] = (average or 0.0, count)
        trend = kpi.satisfaction_trend(windows["previous"][0], windows["recent"][0])
        for dashboard in self:
            dashboard.satisfaction_recent, dashboard.satisfaction_recent_count = windows["recent"]
            dashboard.satisfaction_previous, dashboard.satisfaction_previous_count = windows[
                "previous"
            ]
            dashboard.satisfaction_trend = trend

    @api.depends_context("uid", "allowed_company_ids", "lang")
    def _compute_charts(self):
        today = fields.Date.context_today(self)
        weeks = kpi.last_weeks(today, CHART_WEEKS)
        since = fields.Datetime.to_datetime(weeks[0])
        Incident = self.env["customer.care.incident"]
        received = {
            fields.Date.to_date(day): (count, count)
            for day, count in Incident._read_group(
                [("date_received", ">=", since)], ["date_received:day"], ["__count"]
            )
        }
        rated = {
            fields.Date.to_date(day): (total, count)
            for day, total, count in Incident._read_group(
                [("satisfaction", ">", 0), ("date_resolved", ">=", since)],
                ["date_resolved:day"],
                ["satisfaction:sum", "__count"],
            )
        }
        incidents = [(week, count) for week, _avg, count in kpi.weekly_average(weeks, received)]
        scores = [(week, average) for week, average, _count in kpi.weekly_average(weeks, rated)]
        months = kpi.last_months(today, CHART_MONTHS)
        declines = dict(
            self.env["customer.care.top.snapshot"]._read_group(
                [("trend", "=", "declining"), ("period", ">=", months[0])],
                ["period:month"],
                ["__count"],
            )
        )
        decliners = [(month, declines.get(month, 0)) for month in months]
        charts = {
            "incidents_week_chart": (self.env._("Received"), incidents, "dd MMM"),
            "satisfaction_week_chart": (self.env._("Satisfaction"), scores, "dd MMM"),
            "top_decliner_chart": (self.env._("Declining"), decliners, "MMM yy"),
        }
        values = {
            name: self._chart_json(label, points, date_format)
            for name, (label, points, date_format) in charts.items()
        }
        for dashboard in self:
            dashboard.update(values)
            dashboard.has_incidents_week = any(count for _week, count in incidents)
            dashboard.has_satisfaction_week = any(score for _week, score in scores)
            dashboard.has_top_decliners = any(count for _month, count in decliners)

    def _chart_json(self, label, points, date_format):
        """The JSON of Odoo's ``dashboard_graph`` bar widget; an empty point
        (``None``) stays a gap, never a 0."""
        return json.dumps(
            [
                {
                    "key": label,
                    "values": [
                        {
                            "label": format_date(self.env, day, date_format=date_format),
                            "value": value,
                            "type": "future",  # drawn in the Odoo palette's teal
                        }
                        for day, value in points
                    ],
                }
            ]
        )

    def _last_top_period(self):
        last = self.env["customer.care.top.snapshot"].search([], limit=1, order="period desc")
        return last.period

    def _tile_domains(self, top_period):
        today = fields.Date.context_today(self)
        week_start = fields.Datetime.to_datetime(today - timedelta(days=6))
        lost = [("care_state", "in", ("lost", "dropped")), ("parent_id", "=", False)]
        return {
            "plans_due": (
                "customer.care.plan",
                [("state", "in", OPEN_PLAN_STATES), ("date_deadline", "=", today)],
            ),
            "plans_late": (
                "customer.care.plan",
                [("state", "in", OPEN_PLAN_STATES), ("date_deadline", "<", today)],
            ),
            "top_decliners": (
                "customer.care.top.snapshot",
                [("period", "=", top_period), ("trend", "=", "declining")],
            ),
            "lost_month": (
                "res.partner",
                [*lost, ("care_lost_date", ">=", kpi.month_start(today))],
            ),
            "lost_without_reason": (
                "res.partner",
                [*lost, ("care_lost_reason_id", "=", False)],
            ),
            "feedback_week": ("customer.care.feedback", [("date", ">=", week_start)]),
            "incidents_open": ("customer.care.incident", [("state", "in", OPEN_INCIDENT_STATES)]),
            "incidents_at_risk": (
                "customer.care.incident",
                [("state", "in", OPEN_INCIDENT_STATES), ("sla_state", "=", "at_risk")],
            ),
            "incidents_breached": (
                "customer.care.incident",
                [("state", "in", OPEN_INCIDENT_STATES), ("sla_state", "=", "breached")],
            ),
            "breaches_today": (
                "customer.care.incident",
                [
                    ("sla_state", "=", "breached"),
                    ("resolution_deadline", ">=", fields.Datetime.to_datetime(today)),
                    (
                        "resolution_deadline",
                        "<",
                        fields.Datetime.to_datetime(today + timedelta(days=1)),
                    ),
                ],
            ),
            "complaints_week": (
                "customer.care.incident",
                [("kind", "=", "complaint"), ("date_received", ">=", week_start)],
            ),
            "negative_feedback_week": (
                "customer.care.feedback",
                [("date", ">=", week_start), ("sentiment", "=", "negative")],
            ),
        }

    @api.model
    def action_open_overview(self):
        """Open a fresh overview (the menu's server action)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Overview"),
            "res_model": self._name,
            "res_id": self.create({}).id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_open_tile(self):
        """Open the records behind the counter named in the button's context."""
        tile = self.env.context.get("care_tile")
        model, domain = self._tile_domains(self._last_top_period())[tile]
        xmlid = {
            "customer.care.plan": "customer_care.customer_care_plan_action",
            "customer.care.top.snapshot": "customer_care.customer_care_top_snapshot_action",
            "res.partner": "customer_care.res_partner_action_care_lost",
            "customer.care.feedback": "customer_care.customer_care_feedback_action",
            "customer.care.incident": "customer_care.customer_care_incident_action",
        }[model]
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(domain=domain, context={})
        if model in ("customer.care.plan", "customer.care.incident"):
            action["view_mode"] = "list,form"
            action["views"] = [(False, "list"), (False, "form")]
        return action
