from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval

from ..logic.channels import CHANNELS
from ..logic.consent import MARKETING, RULE_PURPOSES
from ..logic.outreach import PERIODS

TRIGGERS = [
    ("birthday", "Birthday"),
    ("anniversary", "Customer anniversary"),
    ("tenure", "Long-standing customers"),
    ("win_back", "Win back at-risk and lost customers"),
    ("potential", "High-potential customers"),
    ("vip_cadence", "Care group cadence"),
    ("post_purchase", "After a purchase"),
    ("warranty", "Warranty ending"),
    ("custom", "Custom audience"),
]
# set by the engine and the actions, never taken from a client's values
SYSTEM_FIELDS = ("domain_user_id", "run_requested_by_id")
DEFAULT_PERIOD = {
    "birthday": "year",
    "anniversary": "year",
    "tenure": "quarter",
    "win_back": "quarter",
    "potential": "month",
    "vip_cadence": "day",
    "post_purchase": "day",
    "warranty": "day",
    "custom": "month",
}


class CustomerCareOutreachRule(models.Model):
    """Scheduled loyalty outreach, configured by care managers (brief §8).

    Each rule owns its scheduled action: the administrator sets its
    interval on the rule.  Every run contacts each partner of the audience
    at most once per period (``customer.care.outreach.log`` is unique per
    rule, partner and period), never dropped, archived, opted-out or other
    companies' partners.
    """

    _name = "customer.care.outreach.rule"
    _description = "Care Outreach Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="birthday", tracking=True)
    period = fields.Selection(
        PERIODS,
        compute="_compute_period",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="A partner is contacted at most once per period by this rule.",
    )
    # -- audience -----------------------------------------------------------
    group_ids = fields.Many2many(
        "customer.care.group",
        string="Care Groups",
        context={"active_test": False},
        help="Only customers of these groups; all groups when empty. Customers of "
        "archived groups are left out, and a rule whose groups are all archived does "
        "not run.",
    )
    domain = fields.Char(
        string="Audience Filter",
        default="[]",
        help="Further conditions on the customers, built in the filter editor.",
    )
    domain_user_id = fields.Many2one(
        "res.users",
        string="Audience Filter Set By",
        readonly=True,
        copy=False,
        help="The filter selects customers with this user's access rights: it reaches "
        "no record or field they could not see.",
    )
    lead_days = fields.Integer(
        string="Lead Time (days)",
        help="Birthdays and anniversaries: contact this many days before the date.",
    )
    tenure_years = fields.Integer(string="Customer For (years)", default=5)
    min_expected_revenue = fields.Monetary(
        string="Minimum Expected Revenue",
        currency_field="currency_id",
        help="High-potential customers: open opportunities worth at least this much.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    days_after = fields.Integer(
        string="Days After Purchase",
        default=7,
        help="After a purchase: contact this many days after the order.",
    )
    warranty_field_id = fields.Many2one(
        "ir.model.fields",
        string="Warranty Date Field",
        domain=[
            ("model", "=", "sale.order"),
            ("ttype", "in", ("date", "datetime")),
            ("store", "=", True),
        ],
        ondelete="set null",
        help="The date on sale orders when the warranty ends.",
    )
    days_before = fields.Integer(
        string="Days Before Warranty End",
        default=30,
    )
    # -- action -------------------------------------------------------------
    channel = fields.Selection(CHANNELS, required=True, default="email")
    purpose = fields.Selection(
        RULE_PURPOSES,
        required=True,
        default=MARKETING,
        tracking=True,
        help="Marketing (offers, greetings, loyalty): under the company's opt-in regime only "
        "customers who gave marketing consent on the channel are contacted. A service "
        "reminder (a warranty check) needs no marketing consent. A withdrawn consent is "
        "always respected.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "res.partner")],
        ondelete="restrict",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain=[("model", "=", "res.partner")],
        ondelete="restrict",
    )
    create_plan = fields.Boolean(
        string="Create a Care Plan",
        help="Plan a care contact for each customer reached, assigned by the policy below.",
    )
    assign_policy = fields.Selection(
        [
            ("care_responsible", "Care responsible, then salesperson, then team"),
            ("salesperson", "Salesperson, then team"),
            ("round_robin", "Round robin among the team"),
        ],
        default="care_responsible",
        required=True,
    )
    team_user_ids = fields.Many2many(
        "res.users",
        string="Care Team",
        domain=[("share", "=", False)],
        help="Users who take plans in turn when nobody else is responsible.",
    )
    round_robin_position = fields.Integer(copy=False, readonly=True)
    run_requested_by_id = fields.Many2one(
        "res.users",
        copy=False,
        readonly=True,
        help="Who asked for a run with Run Now: told when it finishes, with its figures.",
    )
    send_all_day = fields.Boolean(
        string="Any Hour",
        default=True,
        help="Emails and SMS go out at any hour; untick to send them only between the hours below.",
    )
    send_hour_from = fields.Float(
        string="Send From",
        help="Emails and SMS go out only between these hours (company time), "
        "unless Any Hour is ticked.",
    )
    send_hour_to = fields.Float(string="Send Until")
    cooldown_days = fields.Integer(
        string="Cooldown (days)",
        help="Leave at least this many days between two contacts of this rule.",
    )
    # -- schedule and figures ------------------------------------------------
    cron_id = fields.Many2one("ir.cron", string="Scheduled Action", readonly=True, copy=False)
    interval_number = fields.Integer(string="Run Every", default=1)
    interval_type = fields.Selection(
        [("hours", "Hours"), ("days", "Days"), ("weeks", "Weeks")], default="days", required=True
    )
    nextcall = fields.Datetime(
        compute="_compute_nextcall",
        inverse="_inverse_nextcall",
        string="Next Run",
        help="When the scheduled action runs this rule next.",
    )
    lastcall = fields.Datetime(
        related="cron_id.lastcall",
        string="Last Checked",
        help="When the scheduled action last looked for customers due; a run "
        "is recorded only when it reached someone.",
    )
    run_ids = fields.One2many("customer.care.outreach.run", "rule_id", string="Runs")
    log_ids = fields.One2many("customer.care.outreach.log", "rule_id", string="Contacts")
    last_run_id = fields.Many2one("customer.care.outreach.run", compute="_compute_last_run_id")
    last_run_summary = fields.Char(compute="_compute_last_run_id", string="Last Run Figures")
    log_count = fields.Integer(compute="_compute_log_count")

    _interval_positive = models.Constraint(
        "CHECK(interval_number > 0)", "The rule must run at least every 1 hour, day or week."
    )
    _days_positive = models.Constraint(
        "CHECK(lead_days >= 0 AND cooldown_days >= 0 AND days_after >= 0 AND days_before >= 0 "
        "AND tenure_years >= 0)",
        "Lead time, cooldown and day counts cannot be negative.",
    )

    @api.depends("trigger")
    def _compute_period(self):
        for rule in self:
            rule.period = DEFAULT_PERIOD.get(rule.trigger, "month")

    @api.depends("cron_id.nextcall")
    def _compute_nextcall(self):
        # care managers have no rights on ir.cron: the rule's own action is
        # read through the rule
        for rule in self:
            rule.nextcall = rule.cron_id.sudo().nextcall

    def _inverse_nextcall(self):
        """A care manager moves the next run from the rule: written as
        superuser on the rule's own scheduled action, once the user's right
        to edit the rule is checked."""
        self.check_access("write")
        for rule in self:
            if not rule.nextcall:
                continue
            if not rule.cron_id:
                rule._sync_cron()
            rule.cron_id.sudo().nextcall = rule.nextcall

    def _compute_last_run_id(self):
        Run = self.env["customer.care.outreach.run"]
        latest = dict(Run._read_group([("rule_id", "in", self.ids)], ["rule_id"], ["id:max"]))
        for rule in self:
            run = Run.browse(latest.get(rule) or [])
            rule.last_run_id = run
            rule.last_run_summary = run.summary if run else False

    def _compute_log_count(self):
        counts = dict(
            self.env["customer.care.outreach.log"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.log_count = counts.get(rule, 0)

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self:
            rule._audience_domain()

    @api.constrains("channel", "mail_template_id", "sms_template_id", "create_plan", "trigger")
    def _check_action(self):
        for rule in self:
            if rule.channel == "email" and not rule.mail_template_id and not rule.create_plan:
                raise ValidationError(
                    self.env._("Rule %s sends emails: choose an email template.", rule.name)
                )
            if rule.channel == "sms" and not rule.sms_template_id and not rule.create_plan:
                raise ValidationError(
                    self.env._("Rule %s sends SMS: choose an SMS template.", rule.name)
                )
            if rule.channel in ("phone", "social", "visit") and not rule.create_plan:
                raise ValidationError(
                    self.env._(
                        "Rule %s contacts by phone, social network or visit: it must create "
                        "care plans for the care team.",
                        rule.name,
                    )
                )
            if rule.trigger == "warranty" and not rule.warranty_field_id:
                raise ValidationError(
                    self.env._(
                        "Rule %s needs the date field that holds the warranty end.", rule.name
                    )
                )

    @api.constrains("mail_template_id", "sms_template_id")
    def _check_template_models(self):
        for rule in self:
            if rule.mail_template_id and rule.mail_template_id.sudo().model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s writes to customers: its email template %(template)s "
                        "must be a template for Contact (res.partner).",
                        rule=rule.name,
                        template=rule.mail_template_id.sudo().display_name,
                    )
                )
            if rule.sms_template_id and rule.sms_template_id.sudo().model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s writes to customers: its SMS template %(template)s "
                        "must be a template for Contact (res.partner).",
                        rule=rule.name,
                        template=rule.sms_template_id.sudo().display_name,
                    )
                )

    @api.constrains("warranty_field_id")
    def _check_warranty_field(self):
        for rule in self:
            field = rule.warranty_field_id.sudo()
            if field and (
                field.model != "sale.order"
                or field.ttype not in ("date", "datetime")
                or not field.store
            ):
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the warranty end must be a stored date or date "
                        "and time field of sales orders, not %(field)s.",
                        rule=rule.name,
                        field=field.display_name,
                    )
                )

    @api.constrains(
        "interval_number", "lead_days", "cooldown_days", "days_after", "days_before", "tenure_years"
    )
    def _check_counts(self):
        """Checked before the SQL constraints, for a clear message."""
        for rule in self:
            if rule.interval_number <= 0:
                raise ValidationError(
                    self.env._("Rule %s must run at least every 1 hour, day or week.", rule.name)
                )
            counts = (
                rule.lead_days,
                rule.cooldown_days,
                rule.days_after,
                rule.days_before,
                rule.tenure_years,
            )
            if min(counts) < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %s: lead time, cooldown and day counts cannot be negative.",
                        rule.name,
                    )
                )

    @api.constrains("send_all_day", "send_hour_from", "send_hour_to")
    def _check_hours(self):
        for rule in self:
            for hour in (rule.send_hour_from, rule.send_hour_to):
                if not 0 <= hour <= 24:
                    raise ValidationError(self.env._("Sending hours lie between 0 and 24."))
            if not rule.send_all_day and rule.send_hour_from == rule.send_hour_to:
                raise ValidationError(
                    self.env._(
                        "Rule %s sends between two equal hours, which is never: give "
                        "different hours, or tick Any Hour to send at any time.",
                        rule.name,
                    )
                )

    def _audience_domain(self):
        """The rule's extra filter as a domain; a clear error when it does not parse."""
        self.ensure_one()
        try:
            domain = Domain(safe_eval(self.domain or "[]"))
            domain.validate(self.env["res.partner"])
        except Exception as error:
            raise ValidationError(
                self.env._(
                    "The audience filter of rule %(rule)s is not valid: %(error)s",
                    rule=self.name,
                    error=error,
                )
            ) from error
        return domain

    def _company_tz(self):
        self.ensure_one()
        return self.company_id._care_tz()

    # -- scheduled action ----------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._system_values(vals) for vals in vals_list]
        rules = super().create(vals_list)
        rules._sync_cron()
        return rules

    def write(self, vals):
        result = super().write(self._system_values(vals))
        if {"name", "active", "interval_number", "interval_type"} & set(vals):
            self._sync_cron()
        return result

    def _system_values(self, vals):
        """``vals`` without the values only the system sets (who set the
        audience filter, who asked for a run), and with the filter's author
        when the filter changes: the run searches with their rights (see
        ``_audience_subselect``)."""
        if not self.env.su:
            vals = {key: value for key, value in vals.items() if key not in SYSTEM_FIELDS}
        if "domain" in vals:
            vals = dict(vals, domain_user_id=self.env.uid)
        return vals

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        """The contacts and runs of a rule outlive it: they hold the contact
        cap and "once per period" of every later run, and the figures."""
        domain = [("rule_id", "in", self.ids)]
        used = {
            rule
            for Model in ("customer.care.outreach.log", "customer.care.outreach.run")
            for [rule] in self.env[Model].sudo()._read_group(domain, ["rule_id"])
        }
        if used:
            raise UserError(
                self.env._(
                    "The outreach rules %s have already contacted customers or run: their "
                    "history must stay. Archive them instead of deleting them.",
                    ", ".join(rule.display_name for rule in used),
                )
            )

    def unlink(self):
        # the scheduled actions belong to the rules: a care manager deleting a
        # rule deletes its action too, without rights on ir.cron itself
        crons = self.sudo().cron_id
        result = super().unlink()
        crons.unlink()
        return result

    def _sync_cron(self):
        """Each rule owns one scheduled action running exactly this rule."""
        Cron = self.env["ir.cron"].sudo()
        model = self.env["ir.model"]._get_id(self._name)
        for rule in self:
            vals = {
                "name": self.env._("Customer Care outreach: %s", rule.name),
                "active": rule.active,
                "interval_number": rule.interval_number,
                "interval_type": rule.interval_type,
            }
            if rule.cron_id:
                rule.cron_id.sudo().write(vals)
                continue
            rule.cron_id = Cron.create(
                {
                    **vals,
                    "model_id": model,
                    "state": "code",
                    "code": f"model.browse({rule.id})._cron_run()",
                    "user_id": self.env.ref("base.user_root").id,
                }
            )

    @api.model
    def _check_templates_unused(self, fname, templates):
        rules = self.sudo().with_context(active_test=False).search([(fname, "in", templates.ids)])
        if rules:
            raise UserError(
                self.env._(
                    "The template is used by the outreach rules %s: choose another template "
                    "on them first.",
                    ", ".join(rules.mapped("name")),
                )
            )

    def action_run(self):
        """Run now: queue the rule's scheduled action.

        The run happens in the scheduler, batch by batch with its commits and
        its time slices, never inside this HTTP request (where a worker's
        time limit would kill a large audience half-way)."""
        self.check_access("write")
        if not self.env.user.has_group("customer_care.group_care_manager"):
            raise AccessError(self.env._("Only care managers run outreach rules."))
        inactive = self.filtered(lambda rule: not rule.active)
        if inactive:
            raise UserError(
                self.env._(
                    "Archived rules do not run: restore %s first.",
                    ", ".join(inactive.mapped("name")),
                )
            )
        for rule in self:
            if not rule.cron_id:
                rule._sync_cron()
            rule.sudo().run_requested_by_id = self.env.user
            rule.cron_id.sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Outreach run queued"),
                "message": self.env._(
                    "The scheduler runs %s in a moment; you are told when it finishes, and "
                    "its figures appear under Runs.",
                    ", ".join(self.mapped("name")),
                ),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _cron_run(self):
        for rule in self.filtered("active"):
            rule._run()

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_care.customer_care_outreach_log_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        return action
