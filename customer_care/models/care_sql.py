"""The SQL vocabulary that the purchase facts, the reports and the charts
share: an order's amount in the company currency, a datetime at the shop's
local time, and the company-dependent facts read per company.

Kept apart from the engines that use it, so that a report reads the same
amounts and days as the facts refresh without depending on that engine.
"""

from odoo.tools import SQL

# Order amounts converted to the company currency.
AMOUNT = SQL("so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)")


def local_time(env, column):
    """``column`` (an SQL expression of a datetime, stored in UTC) as the
    time where the shop is: in the time zone "today" is taken in
    (``context_today``).  An order at 6 in the morning in Ho Chi Minh City
    is still the previous day in UTC; its day is ``local_time(...)::date``,
    its month ``date_trunc('month', local_time(...))``."""
    return SQL("timezone(%s, timezone('UTC', %s))", env.tz.zone, column)


# Rows of a report per partner and company have this id: partner id x
# COMPANY_ID_SPAN + company id (the composite stays within JavaScript's
# safe integers up to partner ids of 90 billion)
COMPANY_ID_SPAN = 100000


def company_value(column, company_id, sql_type):
    """SQL of one company's value of a purchase fact: ``column`` is the
    company-dependent jsonb column (``{"company id": value}``), ``company_id``
    an SQL integer expression; NULL when the company has none."""
    return SQL("(%s->>(%s)::text)::%s", column, company_id, SQL(sql_type))


def consent_state(partner_id, company_id, purpose, channel):
    """SQL of a customer's consent state for ``purpose`` on ``channel`` in
    one company: the state (``'given'``/``'withdrawn'``) of the latest entry
    among that channel and *any channel*, NULL when there is none.
    ``partner_id`` and ``company_id`` are SQL integer expressions.  The
    outreach candidates and ``res.partner._care_consent_state`` decide with
    it, one query per batch (the index on partner, purpose and date serves
    it)."""
    channels = sorted({channel, "any"})
    return SQL(
        """(SELECT cc.state FROM customer_care_consent cc
             WHERE cc.partner_id = %s AND cc.company_id = %s AND cc.purpose = %s
               AND cc.channel = ANY(%s)
          ORDER BY cc.date DESC, cc.id DESC LIMIT 1)""",
        partner_id,
        company_id,
        purpose,
        channels,
    )
