from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..logic.channels import CHANNELS, PRIORITIES
from ..logic.classification import RULES, GroupRule, sort_rules


class CustomerCareGroup(models.Model):
    """A care group: who the customers are and how they are cared for.

    The five seeded groups come from the handbook (acquaintances, regular,
    occasional/walk-in, online, VIP); administrators may add others.  Each
    group carries its contact cadence, default channel and priority, and the
    parameters of the rule that assigns customers to it automatically.
    """

    _name = "customer.care.group"
    _description = "Care Group"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical code, unique per company; outreach rules and "
        "integrations refer to groups by it.",
    )
    sequence = fields.Integer(
        default=10,
        help="Precedence of the automatic classification: groups are tried "
        "in this order and the first whose rule matches wins.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the group between companies.",
    )
    color = fields.Integer()
    description = fields.Html(
        translate=True,
        help="How customers of this group are cared for: the group's policy.",
    )
    cadence_days = fields.Integer(
        string="Cadence (days)",
        default=90,
        help="Contact every customer of the group every N days; 0 means no routine contact.",
    )
    channel = fields.Selection(CHANNELS, string="Default Channel", required=True, default="phone")
    priority = fields.Selection(PRIORITIES, required=True, default="0")
    retention_rate = fields.Float(
        string="Yearly Retention (%)",
        default=80.0,
        help="Share of the group's customers expected to keep buying from one "
        "year to the next; used by the lifetime value estimate.",
    )
    classification_rule = fields.Selection(
        RULES,
        required=True,
        default="manual",
        help="How customers are put into this group automatically.",
    )
    min_orders = fields.Integer(
        string="Minimum Orders",
        default=3,
        help="Regular customers: at least this many confirmed orders…",
    )
    period_days = fields.Integer(
        string="Period (days)",
        default=365,
        help="…within this many days (regular customers), or the revenue "
        "period for the top-revenue rank.",
    )
    top_percent = fields.Float(
        string="Top Share (%)",
        default=5.0,
        help="Top-revenue groups: customers whose revenue over the period "
        "ranks in this top share of all customers.",
    )
    online_share = fields.Float(
        string="Online Share (%)",
        default=50.0,
        help="Online customers: more than this share of their orders came "
        "through an online sales team.",
    )
    partner_ids = fields.One2many("res.partner", "care_group_id", string="Customers")
    partner_count = fields.Integer(compute="_compute_partner_count")

    _code_company_uniq = models.Constraint(
        "UNIQUE NULLS NOT DISTINCT (code, company_id)",
        "A care group code must be unique per company.",
    )
    _cadence_positive = models.Constraint(
        "CHECK(cadence_days >= 0)",
        "The cadence cannot be negative.",
    )
    _rule_parameters_positive = models.Constraint(
        "CHECK(min_orders >= 0 AND period_days >= 0)",
        "Minimum orders and period cannot be negative.",
    )
    _shares_in_range = models.Constraint(
        "CHECK(top_percent >= 0 AND top_percent <= 100 AND online_share >= 0 "
        "AND online_share <= 100 AND retention_rate >= 0 AND retention_rate <= 100)",
        "Shares and retention are percentages between 0 and 100.",
    )

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("care_group_id", "in", self.ids)],
                ["care_group_id"],
                ["__count"],
            )
        )
        for group in self:
            group.partner_count = counts.get(group, 0)

    @api.constrains(
        "code",
        "company_id",
        "cadence_days",
        "min_orders",
        "period_days",
        "top_percent",
        "online_share",
        "retention_rate",
    )
    def _check_parameters(self):
        """Checked before the SQL constraints, for a clear message."""
        for group in self:
            if group.cadence_days < 0:
                raise ValidationError(
                    self.env._("The cadence of care group %s cannot be negative.", group.name)
                )
            if group.min_orders < 0 or group.period_days < 0:
                raise ValidationError(
                    self.env._(
                        "Minimum orders and period of care group %s cannot be negative.",
                        group.name,
                    )
                )
            shares = (group.top_percent, group.online_share, group.retention_rate)
            if not all(0 <= share <= 100 for share in shares):
                raise ValidationError(
                    self.env._(
                        "Shares and retention of care group %s are percentages between 0 and 100.",
                        group.name,
                    )
                )
            # read without flushing: the pending value would hit the SQL
            # constraint before this clearer message
            duplicate = self.env.execute_query(
                SQL(
                    """SELECT 1 FROM customer_care_group
                        WHERE id != %s AND code = %s AND company_id IS NOT DISTINCT FROM %s
                        LIMIT 1""",
                    group.id,
                    group.code,
                    group.company_id.id or None,
                )
            )
            if duplicate:
                raise ValidationError(
                    self.env._("The care group code %s is already used.", group.code)
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        """A group that outreach rules, SLA policies or customers use is kept.

        Deleting it would silently widen a rule or a policy limited to it
        (an empty list of groups means "every group") and unclassify its
        customers: such a group is archived instead.
        """
        domain = [("id", "in", self.ids)]
        rules = (
            self.env["customer.care.outreach.rule"]
            .sudo()
            .with_context(active_test=False)
            .search([("group_ids", "any", domain)])
        )
        policies = (
            self.env["customer.care.sla.policy"]
            .sudo()
            .with_context(active_test=False)
            .search([("care_group_ids", "any", domain)])
        )
        customers = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("care_group_id", "in", self.ids)])
        )
        if not (rules or policies or customers):
            return
        uses = []
        if rules:
            uses.append(
                self.env._("the outreach rules %s", ", ".join(rules.mapped("display_name")))
            )
        if policies:
            uses.append(
                self.env._("the SLA policies %s", ", ".join(policies.mapped("display_name")))
            )
        if customers:
            uses.append(self.env._("%s customers", customers))
        raise UserError(
            self.env._(
                "The care groups %(groups)s are used by %(uses)s: archive them instead of "
                "deleting them.",
                groups=", ".join(self.mapped("display_name")),
                uses="; ".join(uses),
            )
        )

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_care.res_partner_action_care_customers"
        )
        action["domain"] = [("care_group_id", "=", self.id)]
        action["context"] = {"default_care_group_id": self.id}
        return action

    def _classification_rules(self):
        """The groups as :class:`GroupRule`, in precedence order."""
        return sort_rules(
            GroupRule(
                group_id=group.id,
                rule=group.classification_rule,
                sequence=group.sequence,
                min_orders=group.min_orders,
                period_days=group.period_days,
                top_percent=group.top_percent,
                online_share=group.online_share,
            )
            for group in self
        )
