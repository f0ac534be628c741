from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..logic.care_state import STATE_ACTIVE, STATE_DROPPED
from .res_partner import CARE_MANAGER, DROP_REASONS

# set only by action_care_drop / action_care_reinstate and the facts refresh
CARE_STATE_FIELDS = {"care_state", "care_drop_reason", "care_drop_note"}


class ResPartner(models.Model):
    """The customer's care state: active, at risk and lost follow the
    purchases (the facts refresh); dropping a customer and reinstating them
    are care managers' actions, and a lost customer is won back with a care
    plan."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        result = super().init()
        # every path that creates partners (users, SQL, other apps) starts
        # them active; existing rows are set before NOT NULL is added
        self.env.cr.execute("UPDATE res_partner SET care_state = 'active' WHERE care_state IS NULL")
        self.env.cr.execute("ALTER TABLE res_partner ALTER COLUMN care_state SET DEFAULT 'active'")
        return result

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
