from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, create_index

from ..logic import cadence
from ..logic.care_state import STATE_ACTIVE, STATE_DROPPED, STATES

CARE_USER = "customer_care.group_care_user"
CARE_MANAGER = "customer_care.group_care_manager"
# set only by action_care_drop / action_care_reinstate and the facts refresh
CARE_STATE_FIELDS = {"care_state", "care_drop_reason", "care_drop_note"}
MAX_AGE = 130

DROP_REASONS = [
    ("no_profit", "Brings no profit"),
    ("unethical", "Asks for something unethical"),
    ("illegal", "Asks for something illegal"),
]


class ResPartner(models.Model):
    """The customer's care profile (brief §1) and its purchase facts (§6)."""

    _inherit = "res.partner"

    # the care address, the web form and the chat apps find the sender by
    # this address, as Odoo's mail gateway does: Odoo stores it without an
    # index, a scan of every contact per incoming email (0.2 s a lookup at
    # a million contacts)
    email_normalized = fields.Char(index="btree_not_null")

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

    # -- purchase facts (refreshed in bulk) -------------------------------
    # The product lines bought and the customer-since date belong to the care
    # profile, one per partner.  The purchase facts are per company
    # (company-dependent, one jsonb column {"company id": value}): each
    # company counts only its own confirmed orders, in its own currency, and
    # reads only its own (see customer.care.facts).  Not indexed: nothing
    # searches them on a large scale, and the nightly refresh rewrites them.
    care_currency_id = fields.Many2one(
        "res.currency", compute="_compute_care_currency_id", groups=CARE_USER
    )
    care_product_category_ids = fields.Many2many(
        "product.category",
        "customer_care_partner_product_category_rel",
        "partner_id",
        "category_id",
        string="Product Lines Bought",
        readonly=True,
        groups=CARE_USER,
    )
    care_order_count = fields.Integer(
        string="Orders",
        company_dependent=True,
        index=False,
        readonly=True,
        groups=CARE_USER,
        help="Confirmed orders of the current company.",
    )
    care_online_order_count = fields.Integer(
        string="Online Orders", company_dependent=True, index=False, readonly=True, groups=CARE_USER
    )
    care_revenue = fields.Float(
        string="Revenue",
        company_dependent=True,
        index=False,
        readonly=True,
        groups=CARE_USER,
        help="Untaxed total of the confirmed orders of the current company, in its currency.",
    )
    care_first_order_date = fields.Date(
        string="First Order", company_dependent=True, index=False, readonly=True, groups=CARE_USER
    )
    care_last_order_date = fields.Date(
        string="Last Order", company_dependent=True, index=False, readonly=True, groups=CARE_USER
    )
    care_customer_since = fields.Date(
        string="Customer Since",
        groups=CARE_USER,
        help="Start of the relationship; the first order unless set earlier.",
    )
    care_annual_value = fields.Float(
        string="Average Yearly Revenue",
        company_dependent=True,
        index=False,
        readonly=True,
        groups=CARE_USER,
        help="In the current company's currency.",
    )
    care_lifetime_value = fields.Float(
        string="Lifetime Value",
        company_dependent=True,
        index=False,
        readonly=True,
        groups=CARE_USER,
        help="Estimated revenue over the coming years from the current company: average "
        "yearly revenue times the expected buying years given the group's retention.",
    )

    _care_children_positive = models.Constraint(
        "CHECK(care_children_count IS NULL OR care_children_count >= 0)",
        "The number of children cannot be negative.",
    )

    def init(self):
        result = super().init()
        # every path that creates partners (users, SQL, other apps) starts
        # them active; existing rows are set before NOT NULL is added
        self.env.cr.execute("UPDATE res_partner SET care_state = 'active' WHERE care_state IS NULL")
        self.env.cr.execute("ALTER TABLE res_partner ALTER COLUMN care_state SET DEFAULT 'active'")
        # names compared without case, for _care_namesake
        create_index(
            self.env.cr,
            "res_partner_care_lower_name_idx",
            self._table,
            ["lower(name)"],
            where="email_normalized IS NOT NULL",
        )
        return result

    @api.model
    def _care_namesake(self, name, email_normalized, company):
        """An active contact of ``company`` (or shared by every company)
        named ``name`` whatever the case, with an email address other than
        ``email_normalized``: someone writing under a customer's name from
        another address."""
        name = (name or "").strip()
        if not name:
            return self.browse()
        self.flush_model(["name", "email_normalized", "active", "company_id"])
        self.env.cr.execute(self._care_namesake_query(name, email_normalized, company))
        return self.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _care_namesake_query(self, name, email_normalized, company):
        """The query of :meth:`_care_namesake`, read through the index on
        ``lower(name)``: the ``=ilike`` domain reads every contact (0.6 s at
        a million).  Any namesake will do: ordered by id, the planner walks
        the primary key looking for one (0.8 s at a million)."""
        return SQL(
            """SELECT id FROM res_partner
                WHERE lower(name) = lower(%s)
                  AND email_normalized IS NOT NULL AND email_normalized != %s
                  AND active AND (company_id = %s OR company_id IS NULL)
                LIMIT 1""",
            name,
            email_normalized or "",
            company.id,
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("care_state", STATE_ACTIVE) != STATE_ACTIVE
            or vals.get("care_drop_reason")
            or vals.get("care_drop_note")
            for vals in vals_list
        ):
            raise AccessError(self._care_state_refusal())
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and CARE_STATE_FIELDS.intersection(vals):
            self._check_care_state_write(vals)
        return super().write(vals)

    def _check_care_state_write(self, vals):
        """The care state and the drop are set by the drop and reinstate
        actions (care managers) and by the facts refresh only: RPC, imports
        and other code writing them directly are refused.  A write that
        leaves them as they are (a form saved, an import of unchanged
        values) goes through."""
        current = self.sudo()
        for fname in CARE_STATE_FIELDS.intersection(vals):
            field = self._fields[fname]
            new = field.convert_to_cache(vals[fname], current)
            if any(field.convert_to_cache(partner[fname], current) != new for partner in current):
                raise AccessError(self._care_state_refusal())

    def _care_state_refusal(self):
        return self.env._(
            "The care state of a customer cannot be set directly: a care manager "
            "uses Drop Customer (or Reinstate) on the customer, and the state "
            "follows the purchases otherwise."
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

    @api.depends_context("company")
    def _compute_care_currency_id(self):
        self.care_currency_id = self.env.company.currency_id

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
    def action_care_drop(self, reason, note):
        """Drop ("fire") customers: care managers only, with a reason.

        The handbook allows it only when the customer brings no profit or
        asks for something unethical or illegal [003].  A dropped customer
        gets no outreach and no lifetime value.
        """
        if not self.env.user.has_group(CARE_MANAGER):
            raise AccessError(self.env._("Only a care manager can drop a customer."))
        if reason not in dict(DROP_REASONS):
            raise UserError(
                self.env._(
                    "Choose why the customer is dropped: no profit, an unethical "
                    "request or an illegal request."
                )
            )
        if not (note or "").strip():
            raise UserError(self.env._("Explain in a note why the customer is dropped."))
        self._care_write_state(
            {
                "care_state": STATE_DROPPED,
                "care_drop_reason": reason,
                "care_drop_note": note.strip(),
                "care_lost_date": fields.Date.context_today(self),
            }
        )
        # the facts rules clear the lifetime value and the next contact
        self.env["customer.care.facts"]._refresh_partners(self.ids)
        return True

    def action_care_reinstate(self):
        """Undo a drop: the customer is cared for again (managers only)."""
        if not self.env.user.has_group(CARE_MANAGER):
            raise AccessError(self.env._("Only a care manager can reinstate a dropped customer."))
        dropped = self.filtered(lambda p: p.care_state == STATE_DROPPED)
        dropped._care_write_state(
            {
                "care_state": STATE_ACTIVE,
                "care_drop_reason": False,
                "care_drop_note": False,
                "care_lost_date": False,
            }
        )
        self.env["customer.care.facts"]._refresh_partners(dropped.ids)
        return True

    def _care_write_state(self, vals):
        """Write the care state and the drop after the caller's manager check.

        As superuser, since nobody may write these fields directly (see
        ``write``), once the user's own right to edit the customers is
        checked.  The change is always tracked, whatever the context, as an
        internal note by the real user whose tracking values (state, reason,
        note) only care users can read: plain employees and portal users
        who read the customer's chatter never see why it was dropped.
        """
        if not self:
            return
        self.check_access("write")
        partners = self.sudo().with_context(tracking_disable=False, mail_notrack=False)
        partners._track_set_author(self.env.user.partner_id)
        partners.write(vals)

    def action_care_drop_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Drop Customer"),
            "res_model": "customer.care.drop.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.ids},
        }

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

    def action_care_lost_reason_wizard(self):
        """Record why the selected customers left (the lost customers list)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mark the Reason"),
            "res_model": "customer.care.lost.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.ids},
        }

    def action_care_create_win_back(self):
        """A win-back care plan for each selected lost customer (brief §3, §6).

        The plan takes the channel of the customer's care group; dropped
        customers get none, nor do customers whose win-back is already open.
        """
        self.check_access("write")
        # the plan goes to the customer's care person, whom a care user may
        # not otherwise assign plans to
        plans = self.env["customer.care.plan"].sudo()
        candidates = self.filtered(lambda p: p.care_state != STATE_DROPPED)
        open_plans = plans.search(
            [
                ("partner_id", "in", candidates.ids),
                ("trigger", "=", "win_back"),
                ("state", "not in", ("done", "cancelled")),
            ]
        )
        candidates -= open_plans.partner_id
        if candidates:
            companies = candidates.company_id | self.env.company
            # the customer's care person, else its salesperson, else the user,
            # when they are care users of the plan's company; unassigned
            # otherwise (open to every care user)
            assignable = companies._care_assignable(
                candidates.care_user_id | candidates.user_id | self.env.user
            )
            vals_list = []
            for partner in candidates:
                company = partner.company_id or self.env.company
                user = next(
                    (
                        user
                        for user in (partner.care_user_id, partner.user_id, self.env.user)
                        if (user.id, company.id) in assignable
                    ),
                    None,
                )
                vals_list.append(
                    {
                        "partner_id": partner.id,
                        "trigger": "win_back",
                        "user_id": user.id if user else False,
                        "company_id": company.id,
                    }
                )
            plans = plans.create(vals_list)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_care.customer_care_plan_action"
        )
        action.update(
            name=self.env._("Win-back Plans"),
            domain=[("id", "in", (plans | open_plans).ids)],
            context={},
        )
        return action
