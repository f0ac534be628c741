import pytz

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..logic import consent, followup
from ..logic.facts import CareSettings


class ResCompany(models.Model):
    """Per-company parameters of the care policy (set in General Settings)."""

    _inherit = "res.company"

    care_at_risk_factor = fields.Float(
        string="At-Risk Factor",
        default=1.5,
        help="A customer is at risk once it has not bought for this many times "
        "its usual interval between orders.",
    )
    care_lost_factor = fields.Float(
        string="Lost Factor",
        default=3.0,
        help="A customer is lost once it has not bought for this many times its "
        "usual interval between orders.",
    )
    care_default_interval_days = fields.Integer(
        string="Default Purchase Interval (days)",
        default=90,
        help="The usual interval assumed for customers with a single order.",
    )
    care_ltv_years = fields.Integer(
        string="Lifetime Value Horizon (years)",
        default=10,
        help="The lifetime value estimates a customer's revenue over this many years.",
    )
    care_home_country_ids = fields.Many2many(
        "res.country",
        "customer_care_company_home_country_rel",
        string="Home Countries",
        help="Customers living elsewhere count as occasional customers.",
    )
    care_home_state_ids = fields.Many2many(
        "res.country.state",
        "customer_care_company_home_state_rel",
        string="Home Regions",
        help="Customers living outside these regions count as occasional customers.",
    )
    care_call_greeting = fields.Char(
        string="Call Greeting",
        translate=True,
        default=lambda self: self._care_default_greeting(),
        help="How care staff open every call; {company} and {user} are replaced by "
        "the company's and the caller's names.",
    )

    care_contact_cap = fields.Integer(
        string="Care Contacts Cap",
        default=3,
        help="Scheduled outreach contacts a customer at most this many times "
        "within the cap window; 0 means no cap.",
    )
    care_contact_cap_days = fields.Integer(string="Cap Window (days)", default=30)
    care_retention_months = fields.Integer(
        string="Keep Former Customers (months)",
        default=0,
        help="Customers lost or dropped longer ago than this are anonymized by a scheduled "
        "action; 0 keeps them forever.",
    )

    care_consent_regime = fields.Selection(
        consent.REGIMES,
        string="Consent Regime",
        compute="_compute_care_consent_regime",
        store=True,
        readonly=False,
        precompute=True,
        help="Opt-in: marketing outreach reaches only customers who gave their consent, "
        "and staff record profiling consent before demographics, family or hobbies "
        "(Vietnam, Thailand and China ask for it). Opt-out: marketing reaches customers "
        "until they withdraw. A withdrawal is always respected.",
    )

    @api.constrains("care_retention_months")
    def _check_care_retention_months(self):
        for company in self:
            if company.care_retention_months < 0:
                raise ValidationError(
                    self.env._(
                        "The retention period cannot be negative: 0 keeps customers forever."
                    )
                )

    care_top_percent = fields.Float(
        string="Top Customers Share (%)",
        default=20.0,
        help="The monthly watch covers this top share of customers by revenue.",
    )
    care_top_growth_threshold = fields.Float(
        string="Growing From (%)",
        default=10.0,
        help="A top customer whose monthly revenue rose by at least this much is growing.",
    )
    care_top_decline_threshold = fields.Float(
        string="Declining From (%)",
        default=10.0,
        help="A top customer whose monthly revenue fell by at least this much is "
        "declining: the care person gets an activity and the managers a digest line.",
    )

    @api.constrains("care_contact_cap", "care_contact_cap_days")
    def _check_care_contact_cap(self):
        for company in self:
            if company.care_contact_cap < 0 or company.care_contact_cap_days <= 0:
                raise ValidationError(
                    self.env._(
                        "The contacts cap cannot be negative and its window must be "
                        "at least one day."
                    )
                )

    care_followup_rules = fields.Char(
        string="Follow-up Channels",
        default=followup.DEFAULT_RULES,
        help="Which channel follows up an incident, by the channel it came in on: "
        "'phone: email; email: phone, email' follows a phone call up by email, and "
        "an email exchange by phone and email.",
    )

    care_escalation_user_id = fields.Many2one(
        "res.users",
        string="Escalation Manager",
        domain=[("share", "=", False)],
        help="Care manager who gets breached incidents and recurring causes when "
        "the SLA policy names nobody; empty means the first care manager.",
    )
    care_senior_user_id = fields.Many2one(
        "res.users",
        string="Senior Manager",
        domain=[("share", "=", False)],
        help="Senior manager reached by the second escalation level.",
    )
    care_senior_group_id = fields.Many2one(
        "res.groups",
        string="Senior Management Group",
        help="Without a senior manager, the second escalation level reaches every "
        "member of this group.",
    )

    @api.constrains("care_top_percent", "care_top_growth_threshold", "care_top_decline_threshold")
    def _check_care_top_watch(self):
        for company in self:
            if not 0 < company.care_top_percent <= 100:
                raise ValidationError(
                    self.env._("The top customers share is a percentage above 0, at most 100.")
                )
            if company.care_top_growth_threshold < 0 or company.care_top_decline_threshold < 0:
                raise ValidationError(self.env._("The trend thresholds cannot be negative."))

    @api.constrains(
        "care_at_risk_factor", "care_lost_factor", "care_default_interval_days", "care_ltv_years"
    )
    def _check_care_parameters(self):
        for company in self:
            if company.care_at_risk_factor <= 0 or company.care_lost_factor <= 0:
                raise ValidationError(self.env._("The at-risk and lost factors must be positive."))
            if company.care_lost_factor < company.care_at_risk_factor:
                raise ValidationError(
                    self.env._(
                        "A customer cannot be lost before being at risk: the lost "
                        "factor must be at least the at-risk factor."
                    )
                )
            if company.care_default_interval_days <= 0 or company.care_ltv_years <= 0:
                raise ValidationError(
                    self.env._(
                        "The default purchase interval and the lifetime value "
                        "horizon must be positive."
                    )
                )

    @api.depends("country_id")
    def _compute_care_consent_regime(self):
        for company in self:
            company.care_consent_regime = consent.default_regime(company.country_id.code)

    def _care_default_greeting(self):
        """The handbook's call opening [001], in the user's language."""
        return self.env._(
            "Thank you for calling {company}, this is {user}, how can I help you today?"
        )

    @api.constrains("care_followup_rules")
    def _check_care_followup_rules(self):
        for company in self:
            try:
                followup.parse_rules(company.care_followup_rules)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "The follow-up channel rule '%(rule)s' is not valid: write "
                        "'channel: channel, channel' with phone, email, sms, social or visit, "
                        "rules separated by ';'. A rule may also start from portal or website "
                        "(requests the customer made there).",
                        rule=error.args[0],
                    )
                ) from error

    def _care_followup_rules(self):
        self.ensure_one()
        return followup.parse_rules(self.care_followup_rules or followup.DEFAULT_RULES)

    def _care_settings(self):
        """The care parameters of one company as plain values."""
        self.ensure_one()
        return {
            "care": CareSettings(
                at_risk_factor=self.care_at_risk_factor,
                lost_factor=self.care_lost_factor,
                default_interval_days=self.care_default_interval_days,
                ltv_years=self.care_ltv_years,
            ),
            "home_state_ids": set(self.care_home_state_ids.ids),
            "home_country_ids": set(self.care_home_country_ids.ids),
        }

    def _care_tz(self):
        """The company's time zone for its sending hours: the company's own
        (its partner's), else its working calendar's, else UTC."""
        self.ensure_one()
        name = self.partner_id.tz or self.resource_calendar_id.tz
        return pytz.timezone(name if name in pytz.all_timezones_set else "UTC")

    def _care_assignable(self, users):
        """Which of ``users`` may be given care work in which of these companies.

        Work (care plans, escalations, call-backs, activities) goes only to
        active internal users who are care users (directly or through an
        implied group, such as care managers) and members of the record's
        company: never an archived user, a portal user or a user of another
        company.  One query for the whole batch.

        :return: set of ``(user id, company id)`` pairs
        """
        user_ids = sorted({user_id for user_id in getattr(users, "ids", users) if user_id})
        if not user_ids or not self:
            return set()
        care_group_id = self.env["ir.model.data"]._xmlid_to_res_id("customer_care.group_care_user")
        group_ids = self.env["res.groups"].sudo().browse(care_group_id).all_implied_by_ids.ids
        self.env["res.users"].flush_model(["active", "share", "group_ids", "company_ids"])
        rows = self.env.execute_query(
            SQL(
                """SELECT u.id, rel.cid
                     FROM res_users u
                     JOIN res_company_users_rel rel ON rel.user_id = u.id
                    WHERE u.id IN %s AND rel.cid IN %s AND u.active AND NOT u.share
                      AND EXISTS (SELECT 1 FROM res_groups_users_rel g
                                   WHERE g.uid = u.id AND g.gid IN %s)""",
                tuple(user_ids),
                tuple(self.ids),
                tuple(group_ids),
            )
        )
        return {(user_id, company_id) for user_id, company_id in rows}

    def _care_first_manager(self):
        """The care manager of last resort for escalations: the first one."""
        self.ensure_one()
        managers = self.env.ref("customer_care.group_care_manager").sudo().all_user_ids
        return managers.filtered(
            lambda u: u.active and not u.share and u.id != SUPERUSER_ID and self in u.company_ids
        ).sorted("id")[:1]
