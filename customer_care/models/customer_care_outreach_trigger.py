"""The trigger kinds of the outreach rules.

Each kind is one method of the rule, ``_trigger_<kind>(today)``, which
returns its :class:`Trigger`: the conditions of the candidate query and the
period a candidate is due for, in one place.  A bridge addon adds a kind
with ``selection_add`` on ``trigger`` and its ``_trigger_<kind>`` method;
the engine (``customer_care_outreach_rule_run.py``) knows no kind by name.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from odoo import models
from odoo.tools import SQL

from ..logic import outreach


@dataclass
class Trigger:
    """What a trigger kind adds to the candidate query, and its period key.

    ``conditions`` narrow the customers (``p`` is the commercial partner);
    ``source`` replaces the partners table when the candidates are other
    records (orders: then ``order_key`` is the cursor a run walks along and
    ``occasion`` the record each contact is about).  ``period_key(row,
    today, local_today)`` is the period a candidate row is due for, or
    ``None`` when it is not due today (``local_today`` is the customer's own
    day where their time zone is known)."""

    period_key: Callable
    conditions: list = field(default_factory=list)
    source: SQL = field(default_factory=lambda: SQL("res_partner p"))
    order_key: SQL = field(default_factory=lambda: SQL("p.id"))
    occasion: SQL = field(default_factory=lambda: SQL("NULL::int"))


# one aspect of the rule per file, as Odoo's mail and crm split their models
class CustomerCareOutreachRule(models.Model):
    _inherit = "customer.care.outreach.rule"  # pylint: disable=consider-merging-classes-inherited

    def _trigger(self, today):
        """The :class:`Trigger` of the rule's kind on ``today``."""
        self.ensure_one()
        return getattr(self, f"_trigger_{self.trigger}")(today)

    def _period_bucket(self, row, today, local_today):
        """Once per period of the rule (day, month, quarter, year)."""
        return outreach.bucket_key(today, self.period)

    def _yearly_period(self, origin_column, delay):
        """Once a year, ``lead_days`` before the yearly return of a date
        (``delay`` years after it at the earliest)."""

        def period_key(row, today, local_today):
            occurrence = outreach.yearly_due(row[origin_column], local_today, self.lead_days, delay)
            return occurrence and outreach.bucket_key(occurrence, self.period)

        return period_key

    def _trigger_birthday(self, today):
        days = outreach.candidate_month_days(today, self.lead_days)
        return Trigger(
            # a person's birthday: a company has none to celebrate
            conditions=[
                SQL("NOT p.is_company"),
                SQL("to_char(p.birthdate_date, 'MM-DD') = ANY(%s)", days),
            ],
            period_key=self._yearly_period("birthdate_date", 0),
        )

    def _trigger_anniversary(self, today):
        days = outreach.candidate_month_days(today, self.lead_days)
        return Trigger(
            # greeted as a person ("Dear …, the day you became our customer")
            conditions=[
                SQL("NOT p.is_company"),
                SQL("to_char(p.care_customer_since, 'MM-DD') = ANY(%s)", days),
            ],
            period_key=self._yearly_period("care_customer_since", 1),
        )

    def _trigger_tenure(self, today):
        # the same day N years ago (28 February for a 29 February)
        since = outreach.yearly_occurrence(today, today.year - self.tenure_years)
        return Trigger(
            conditions=[SQL("p.care_customer_since <= %s", since)],
            period_key=self._period_bucket,
        )

    def _trigger_win_back(self, today):
        return Trigger(
            conditions=[SQL("p.care_state IN ('at_risk', 'lost')")],
            period_key=self._period_bucket,
        )

    def _trigger_potential(self, today):
        return Trigger(
            conditions=[
                SQL(
                    """EXISTS (SELECT 1 FROM crm_lead l JOIN res_partner lp ON lp.id = l.partner_id
                        WHERE lp.commercial_partner_id = p.id AND l.active
                          AND l.type = 'opportunity' AND l.probability < 100
                          AND l.expected_revenue >= %s)""",
                    self.min_expected_revenue,
                )
            ],
            period_key=self._period_bucket,
        )

    def _trigger_vip_cadence(self, today):
        return Trigger(
            conditions=[SQL("p.care_next_date <= %s", today)],
            period_key=lambda row, today, local_today: (
                row["care_next_date"] and row["care_next_date"].isoformat()
            ),
        )

    def _trigger_custom(self, today):
        return Trigger(period_key=self._period_bucket)

    def _order_trigger(self, date_column, target):
        """Candidates are the confirmed orders whose ``date_column`` falls on
        ``target``: one contact per order."""
        return Trigger(
            source=SQL(
                "sale_order so JOIN res_partner sp ON sp.id = so.partner_id "
                "JOIN res_partner p ON p.id = sp.commercial_partner_id"
            ),
            conditions=[SQL("so.state = 'sale'"), SQL("(%s)::date = %s", date_column, target)],
            order_key=SQL("so.id"),
            occasion=SQL("so.id"),
            period_key=lambda row, today, local_today: f"order-{row['occasion']}",
        )

    def _trigger_post_purchase(self, today):
        return self._order_trigger(SQL("so.date_order"), today - timedelta(days=self.days_after))

    def _trigger_warranty(self, today):
        return self._order_trigger(
            SQL("so.%s", SQL.identifier(self.warranty_field_id.name)),
            today + timedelta(days=self.days_before),
        )
