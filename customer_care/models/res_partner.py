from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..logic import cadence
from ..logic.care_state import STATES

CARE_USER = "customer_care.group_care_user"
CARE_MANAGER = "customer_care.group_care_manager"
MAX_AGE = 130

DROP_REASONS = [
    ("no_profit", "Brings no profit"),
    ("unethical", "Asks for something unethical"),
    ("illegal", "Asks for something illegal"),
]


class ResPartner(models.Model):
    """The customer's care profile (brief §1): care group and person, care
    state, demographics, referrals, and the screens that open from it."""

    _inherit = "res.partner"

    # -- care group -------------------------------------------------------
    care_group_id = fields.Many2one(
        "customer.care.group",
        index="btree_not_null",
        tracking=True,
        groups=CARE_USER,
        help="Set by the automatic classification unless pinned.",
    )
    care_group_locked = fields.Boolean(
        string="Pinned Group",
        groups=CARE_USER,
        help="Keep this care group: the automatic classification leaves it.",
    )
    care_user_id = fields.Many2one(
        "res.users",
        string="Care Responsible",
        index="btree_not_null",
        tracking=True,
        domain=[("share", "=", False)],
        groups=CARE_USER,
    )
    # No field default: a res.users inherits the fields of its partner with
    # their defaults, and would create the partner with a value in a field its
    # creator may not access (a Settings administrator who is no care user).
    # A new partner starts active from the column's default (``init``), or
    # from ``default_get`` in the screens.
    care_state = fields.Selection(
        STATES,
        required=True,
        tracking=True,
        groups=CARE_USER,
        help="At risk or lost when the customer has stopped buying for longer "
        "than usual; dropped only by a care manager.",
    )
    # tracked: the reason and the note reach the chatter as tracking values,
    # which only users who may read these fields (care users) see
    care_drop_reason = fields.Selection(
        DROP_REASONS, string="Drop Reason", readonly=True, tracking=True, groups=CARE_USER
    )
    care_drop_note = fields.Text(string="Drop Note", readonly=True, tracking=True, groups=CARE_USER)
    care_next_date = fields.Date(
        string="Next Care Date",
        readonly=True,
        groups=CARE_USER,
        help="Last contact plus the care group's cadence.",
    )
    care_last_contact_date = fields.Date(
        string="Last Care Contact", readonly=True, groups=CARE_USER
    )
    care_lost_date = fields.Date(
        string="Lost Since",
        readonly=True,
        index="btree_not_null",  # lost customers by month (dashboards)
        groups=CARE_USER,
        help="When the customer became lost or was dropped.",
    )
    care_lost_reason_id = fields.Many2one(
        "customer.care.lost.reason",
        string="Why They Left",
        index="btree_not_null",
        tracking=True,
        groups=CARE_USER,
    )
    care_lost_note = fields.Text(string="Lost Note", groups=CARE_USER)

    care_incident_count = fields.Integer(
        string="Incidents", compute="_compute_care_incident_count", groups=CARE_USER
    )

    # -- demographics (personal data) -------------------------------------
    birthdate_date = fields.Date(string="Birth Date", groups=CARE_USER)
    care_age = fields.Integer(string="Age", compute="_compute_care_age", groups=CARE_USER)
    care_birth_month = fields.Integer(
        compute="_compute_care_birth_month", store=True, groups=CARE_USER
    )
    gender = fields.Selection(
        [("male", "Male"), ("female", "Female"), ("other", "Other")],
        groups=CARE_USER,
    )
    care_occupation = fields.Char(
        string="Occupation",
        groups=CARE_USER,
        help="What the customer does for a living; it bounds what can be offered.",
    )
    care_education = fields.Selection(
        [
            ("primary", "Primary school"),
            ("secondary", "Secondary school"),
            ("vocational", "Vocational training"),
            ("bachelor", "Bachelor's degree"),
            ("master", "Master's degree"),
            ("doctorate", "Doctorate"),
            ("other", "Other"),
        ],
        string="Education",
        groups=CARE_USER,
    )
    care_marital_status = fields.Selection(
        [
            ("single", "Single"),
            ("married", "Married"),
            ("partnered", "In a relationship"),
            ("divorced", "Divorced"),
            ("widowed", "Widowed"),
        ],
        string="Marital Status",
        groups=CARE_USER,
    )
    care_children_count = fields.Integer(string="Children", groups=CARE_USER)
    care_family_note = fields.Text(string="Family", groups=CARE_USER)
    care_hobby_ids = fields.Many2many(
        "customer.care.hobby",
        "customer_care_hobby_partner_rel",
        "partner_id",
        "hobby_id",
        string="Hobbies & Interests",
        groups=CARE_USER,
    )
    care_life_events = fields.Text(
        string="Life Events",
        groups=CARE_USER,
        help="Life experiences worth remembering: weddings, moves, new jobs…",
    )

    # -- referrals --------------------------------------------------------
    care_referral_source = fields.Selection(
        [
            ("customer", "Referred by a customer"),
            ("friends_family", "Friends and relatives"),
            ("advertising", "Advertising"),
            ("online", "Online search or social network"),
            ("walk_in", "Walk-in"),
            ("other", "Other"),
        ],
        string="Came Through",
        groups=CARE_USER,
    )
    care_referred_by_id = fields.Many2one(
        "res.partner",
        string="Referred By",
        index="btree_not_null",
        groups=CARE_USER,
    )
    care_referral_ids = fields.One2many(
        "res.partner", "care_referred_by_id", string="Referrals", groups=CARE_USER
    )
    care_referral_count = fields.Integer(
        string="Referral Count", compute="_compute_care_referral_count", groups=CARE_USER
    )
    care_plan_count = fields.Integer(
        string="Care Plans", compute="_compute_care_plan_count", groups=CARE_USER
    )
    care_feedback_count = fields.Integer(
        string="Feedback", compute="_compute_care_feedback_count", groups=CARE_USER
    )
    care_top_snapshot_ids = fields.One2many(
        "customer.care.top.snapshot",
        "partner_id",
        string="Top Customer Watch",
        groups="customer_care.group_care_manager",
    )

    _care_children_positive = models.Constraint(
        "CHECK(care_children_count IS NULL OR care_children_count >= 0)",
        "The number of children cannot be negative.",
    )

    @api.model
    def default_get(self, fields):
        defaults = super().default_get(fields)
        # res.users asks here for the defaults of the partner fields it
        # inherits, then writes them as its own values: only for those who may
        if "care_state" in fields and self._has_field_access(self._fields["care_state"], "write"):
            defaults.setdefault("care_state", "active")
        return defaults

    # -- computes ---------------------------------------------------------
    @api.depends("birthdate_date")
    @api.depends_context("tz")
    def _compute_care_age(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.care_age = cadence.age_on(partner.birthdate_date, today) or 0

    @api.depends("birthdate_date")
    def _compute_care_birth_month(self):
        for partner in self:
            partner.care_birth_month = partner.birthdate_date.month if partner.birthdate_date else 0

    def _compute_care_referral_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("care_referred_by_id", "in", self.ids)],
                ["care_referred_by_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.care_referral_count = counts.get(partner, 0)

    def _compute_care_plan_count(self):
        """One grouped count for the whole recordset (smart button)."""
        counts = dict(
            self.env["customer.care.plan"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.care_plan_count = counts.get(partner, 0)

    def _compute_care_incident_count(self):
        """Incidents of the customer and its contacts, in one grouped query."""
        counts = dict(
            self.env["customer.care.incident"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.care_incident_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_care_feedback_count(self):
        counts = dict(
            self.env["customer.care.feedback"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.care_feedback_count = counts.get(partner, 0)

    @api.constrains("birthdate_date")
    def _check_birthdate_date(self):
        today = fields.Date.context_today(self)
        for partner in self:
            birthdate = partner.birthdate_date
            if not birthdate:
                continue
            if birthdate > today:
                raise ValidationError(
                    self.env._(
                        "The birth date of %(partner)s (%(date)s) is in the future.",
                        partner=partner.display_name,
                        date=birthdate,
                    )
                )
            if cadence.age_on(birthdate, today) > MAX_AGE:
                raise ValidationError(
                    self.env._(
                        "The birth date of %(partner)s (%(date)s) gives an age over %(max)s years.",
                        partner=partner.display_name,
                        date=birthdate,
                        max=MAX_AGE,
                    )
                )

    @api.constrains("care_children_count")
    def _check_care_children_count(self):
        for partner in self:
            if partner.care_children_count < 0:
                raise ValidationError(
                    self.env._(
                        "The number of children of %s cannot be negative.", partner.display_name
                    )
                )

    @api.constrains("care_referred_by_id")
    def _check_care_referred_by_id(self):
        for partner in self:
            if partner.care_referred_by_id.commercial_partner_id == (partner.commercial_partner_id):
                raise ValidationError(
                    self.env._("%s cannot be referred by itself.", partner.display_name)
                )

    # -- actions ----------------------------------------------------------
    def action_care_view_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_care.customer_care_plan_action"
        )
        action.update(
            name=self.env._("Care Plans of %s", self.display_name),
            domain=[("partner_id", "=", self.id)],
            context={"default_partner_id": self.id},
        )
        return action

    def action_care_new_plan(self):
        """A new care contact with this customer, on its care group's channel."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Care Plan"),
            "res_model": "customer.care.plan",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_partner_id": self.id},
        }

    def action_care_view_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_care.res_partner_action_care_customers"
        )
        action.update(
            name=self.env._("Referred by %s", self.display_name),
            domain=[("care_referred_by_id", "=", self.id)],
            context={"default_care_referred_by_id": self.id},
        )
        return action

    def action_care_view_incidents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_care.customer_care_incident_action"
        )
        action.update(
            domain=[("commercial_partner_id", "=", self.commercial_partner_id.id)],
            context={"default_partner_id": self.id},
        )
        return action

    def action_care_refresh(self):
        """Recompute facts, group and state of the selected customers now."""
        self.check_access("write")
        self.env["customer.care.facts"]._refresh_partners(self.commercial_partner_id.ids)
        return True

    def action_care_view_feedback(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_care.customer_care_feedback_action"
        )
        action.update(
            domain=[("partner_id", "=", self.id)],
            context={"default_partner_id": self.id},
        )
        return action
