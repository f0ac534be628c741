from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_date

from ..logic import kpi
from ..logic.incidents import OPEN_STATES as OPEN_INCIDENT_STATES
from ..models.care_sql import company_tz
from ..models.customer_care_plan import OPEN_PLAN_STATES

CHART_WEEKS = 8
SATISFACTION_DAYS = 30

# the tiles of a card → the action their list opens in
TILE_ACTIONS = {
    "my_open": "customer_care.customer_care_incident_action",
    "at_risk": "customer_care.customer_care_incident_action",
    "breached": "customer_care.customer_care_incident_action",
    "plans_due": "customer_care.customer_care_plan_action",
    "plans_late": "customer_care.customer_care_plan_action",
    "questions_late": "customer_care.customer_care_plan_question_action",
    "satisfaction": "customer_care.customer_care_incident_action",
}


class CustomerCareOverview(models.Model):
    """The Customer Care overview: one card per care team, as the sales
    teams' dashboard shows one per sales team, and one card for a company
    without any active team (brief §6: what a care person opens every
    morning).

    A team's card counts the incidents its address opened and the
    incidents without a team that one of its members holds; its members'
    care plans and the questions they promised to answer.  A company's card
    counts the whole company.  Each count is read with the user's own
    rights, so a care user's card counts what that user may open; care users
    see the cards of their teams (record rules), managers every card of
    their companies.

    Row ids: ``2 * team id`` for a team, ``2 * company id + 1`` for a
    company without a team; stable from one read to the next.
    """

    _name = "customer.care.overview"
    _inherit = "customer.care.report.sql"
    _description = "Customer Care Overview"
    _auto = False
    _order = "sequence, name, id"
    _depends = {
        "customer.care.team": ["name", "sequence", "active", "company_id"],
        "res.company": ["name", "sequence", "active"],
    }

    name = fields.Char(readonly=True)
    sequence = fields.Integer(readonly=True)
    team_id = fields.Many2one("customer.care.team", string="Care Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    my_open_count = fields.Integer(string="My Open Incidents", compute="_compute_counts")
    at_risk_count = fields.Integer(string="At Risk", compute="_compute_counts")
    breached_count = fields.Integer(string="Breached", compute="_compute_counts")
    plans_due_count = fields.Integer(string="Plans Due Today", compute="_compute_counts")
    plans_late_count = fields.Integer(string="Late Plans", compute="_compute_counts")
    questions_late_count = fields.Integer(
        string="Questions Past Their Promise", compute="_compute_counts"
    )
    satisfaction = fields.Float(
        string="Satisfaction, Last 30 Days",
        compute="_compute_satisfaction",
        digits=(16, 1),
        help="Average follow-up survey score (1 to 5) of the incidents rated in the last 30 days.",
    )
    satisfaction_count = fields.Integer(
        string="Survey Answers, Last 30 Days", compute="_compute_satisfaction"
    )
    satisfaction_trend = fields.Selection(
        [("up", "Improving"), ("flat", "Steady"), ("down", "Worsening"), ("none", "No data")],
        compute="_compute_satisfaction",
        help="Against the 30 days before; no data when either window has no survey answer.",
    )
    week_chart = fields.Json(
        string="Incidents Received per Week",
        compute="_compute_week_chart",
        help="The last 8 weeks: one bar per week with its count written above it.",
    )

    def _select(self):
        return SQL(
            """
            t.id * 2 AS id, t.id AS team_id, t.company_id,
            t.name->>'en_US' AS name, t.sequence
            """
        )

    def _from(self):
        return SQL("customer_care_team t")

    def _where(self):
        return SQL("t.active")

    def _query(self):
        companies = SQL(
            """
            SELECT c.id * 2 + 1, NULL::int, c.id, c.name, 1000 + c.sequence
              FROM res_company c
             WHERE c.active
               AND NOT EXISTS (SELECT 1 FROM customer_care_team t
                                WHERE t.company_id = c.id AND t.active)
            """
        )
        return SQL("%s UNION ALL %s", super()._query(), companies)

    def _compute_display_name(self):
        for card in self:
            card.display_name = card.team_id.display_name or card.company_id.display_name

    # -- the scope of a card ------------------------------------------------
    def _card_key(self):
        """What a card counts: ``(team id or None, company id, member ids)``."""
        self.ensure_one()
        return (self.team_id.id or None, self.company_id.id, frozenset(self.team_id.member_ids.ids))

    def _scope_domain(self, model):
        """The records of ``model`` this card counts, as a domain (the list a
        tile opens shows the same records as its count)."""
        self.ensure_one()
        domain = Domain("company_id", "=", self.company_id.id)
        if not self.team_id:
            return domain
        members = self.team_id.member_ids.ids
        if model == "customer.care.incident":
            return domain & (
                Domain("team_id", "=", self.team_id.id)
                | (Domain("team_id", "=", False) & Domain("user_id", "in", members))
            )
        return domain & Domain("user_id", "in", members)

    def _today(self):
        """Today where the company is: days are the company's, as in every
        figure of the suite (care_sql.local_time)."""
        return fields.Date.context_today(self.with_context(tz=company_tz(self.env.company)))

    def _tile_filters(self):
        """``{tile: (model, domain)}``: what each tile counts, before the
        card's scope."""
        today = self._today()
        since = fields.Datetime.now() - timedelta(days=SATISFACTION_DAYS)
        opened = Domain("state", "in", OPEN_INCIDENT_STATES)
        open_plan = Domain("state", "in", OPEN_PLAN_STATES)
        incident, plan = "customer.care.incident", "customer.care.plan"
        return {
            "my_open": (incident, opened & Domain("user_id", "=", self.env.uid)),
            "at_risk": (incident, opened & Domain("sla_state", "=", "at_risk")),
            "breached": (incident, opened & Domain("sla_state", "=", "breached")),
            "plans_due": (plan, open_plan & Domain("date_deadline", "=", today)),
            "plans_late": (plan, open_plan & Domain("date_deadline", "<", today)),
            "questions_late": (
                "customer.care.plan.question",
                Domain("state", "=", "open") & Domain("date_promised", "<", today),
            ),
            "satisfaction": (
                incident,
                Domain("satisfaction", ">", 0) & Domain("date_resolved", ">=", since),
            ),
        }

    def _tile_domains(self):
        """``{tile: domain}`` of this card: the records its tiles count."""
        self.ensure_one()
        return {
            tile: self._scope_domain(model) & domain
            for tile, (model, domain) in self._tile_filters().items()
        }

    def _grouped(self, model, domain, aggregates, extra_groupby=()):
        """Rows ``(team id, company id, user id, *extra groups, *aggregates)``
        of ``model`` over every card of ``self`` (one query per model and
        tile)."""
        groupby = ["company_id", "user_id", *extra_groupby]
        if model == "customer.care.incident":
            groupby.insert(0, "team_id")
        domain = Domain(domain) & Domain("company_id", "in", self.company_id.ids)
        rows = []
        for row in self.env[model]._read_group(domain, groupby, aggregates):
            if groupby[0] != "team_id":
                row = (self.env["customer.care.team"], *row)
            team, company, user, *values = row
            rows.append((team.id or None, company.id, user.id or None, *values))
        return rows

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_counts(self):
        rows = {
            tile: self._grouped(model, domain, ["__count"])
            for tile, (model, domain) in self._tile_filters().items()
            if tile != "satisfaction"
        }
        for card in self:
            key = card._card_key()
            for tile, tile_rows in rows.items():
                total = sum(row[3] for row in kpi.card_rows(tile_rows, *key))
                card[f"{tile}_count"] = total

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_satisfaction(self):
        now = fields.Datetime.now()
        rated = Domain("satisfaction", ">", 0)
        windows = {}
        for window, start, end in (
            ("recent", now - timedelta(days=SATISFACTION_DAYS), now),
            ("previous", now - timedelta(days=2 * SATISFACTION_DAYS), now - timedelta(days=30)),
        ):
            windows[window] = self._grouped(
                "customer.care.incident",
                rated & Domain("date_resolved", ">=", start) & Domain("date_resolved", "<", end),
                ["satisfaction:sum", "__count"],
            )
        for card in self:
            key = card._card_key()
            averages = {}
            for window, rows in windows.items():
                mine = kpi.card_rows(rows, *key)
                total = sum(row[3] for row in mine)
                count = sum(row[4] for row in mine)
                averages[window] = (round(total / count, 2) if count else 0.0, count)
            card.satisfaction, card.satisfaction_count = averages["recent"]
            card.satisfaction_trend = kpi.satisfaction_trend(
                averages["previous"][0], averages["recent"][0]
            )

    @api.depends_context("uid", "allowed_company_ids", "lang")
    def _compute_week_chart(self):
        """Weeks cut in each company's time zone, as every figure of the
        suite (care_sql.local_time): the incidents received a Monday at
        6:00 in Ho Chi Minh City belong to that Monday's week."""
        for company in self.company_id:
            cards = self.filtered(lambda card, company=company: card.company_id == company)
            local = self.with_context(tz=company_tz(company))
            weeks = kpi.last_weeks(fields.Date.context_today(local), CHART_WEEKS)
            rows = local._grouped(
                "customer.care.incident",
                Domain("date_received", ">=", kpi.utc_day_start(weeks[0], company._care_tz())),
                ["__count"],
                extra_groupby=["date_received:day"],
            )
            for card in cards:
                daily = {}
                for _team, _company, _user, day, count in kpi.card_rows(rows, *card._card_key()):
                    day = fields.Date.to_date(day)
                    total = daily.get(day, (0, 0))[0] + count
                    daily[day] = (total, total)
                card.week_chart = kpi.bar_chart(
                    [
                        (format_date(self.env, week, date_format="dd/MM"), count)
                        for week, _average, count in kpi.weekly_average(weeks, daily)
                    ]
                )

    # -- the tiles ----------------------------------------------------------
    # read-only: a replica may serve the click (it only builds the action)
    @api.readonly
    def action_open_tile(self):
        """Open the records behind the tile named in the button's context:
        the same domain as its count."""
        self.ensure_one()
        tile = self.env.context.get("care_tile")
        if tile not in TILE_ACTIONS:
            return False
        action = self.env["ir.actions.act_window"]._for_xml_id(TILE_ACTIONS[tile])
        action.update(
            domain=list(self._tile_domains()[tile]),
            context={"create": False},
            display_name=f"{self.display_name}: {self._tile_label(tile)}",
        )
        if action["res_model"] != "customer.care.plan.question":
            action["view_mode"] = "list,form"
            action["views"] = [(False, "list"), (False, "form")]
        return action

    def _tile_label(self, tile):
        field = "satisfaction" if tile == "satisfaction" else f"{tile}_count"
        return self._fields[field]._description_string(self.env)
