"""The SQL vocabulary that the purchase facts, the reports and the charts
share: an order's amount in the company currency, a datetime at the
company's local time, and the company-dependent facts read per company.

Kept apart from the engines that use it, so that a report reads the same
amounts and days as the facts refresh without depending on that engine.
"""

from odoo.tools import SQL

# Order amounts converted to the company currency.
AMOUNT = SQL("so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)")


def local_time(column, tz):
    """``column`` (an SQL expression of a datetime, stored in UTC) as the
    time where the shop is.  An order at 6 in the morning in Ho Chi Minh
    City is still the previous day in UTC; its day is
    ``local_time(...)::date``, its month ``date_trunc('month', local_time(...))``.

    The one expression of a local day or month of the suite: the purchase
    facts, the charts and every report cut days and months with it.  ``tz``
    is a time zone name (the company's, :func:`company_tz`) or an SQL
    expression of one (``ctz.tz`` of :data:`COMPANY_TZ` joined per row: a
    report mixing companies cuts each row in its own company's time zone).
    """
    if not isinstance(tz, SQL):
        tz = SQL("%s", tz)
    return SQL("timezone(%s, timezone('UTC', %s))", tz, column)


def company_tz(company):
    """The time zone name a company's days are cut in: its own (the
    company's partner, set in the company form), else its working
    calendar's, else UTC.  ``res.company`` has no time zone field of its own
    in Odoo 19; the user's time zone is not used, so that every user of the
    company sees the same day and the same month in every figure."""
    return company._care_tz().zone


# The time zone of each company as company_tz() chooses it, as a relation
# ``(company_id, tz)`` to join once per query (``JOIN %s ctz ON
# ctz.company_id = x.company_id``); a name PostgreSQL does not know falls
# back to UTC rather than failing the query.
COMPANY_TZ = SQL(
    """(SELECT c.id AS company_id, COALESCE(tz.name, 'UTC') AS tz
          FROM res_company c
          JOIN res_partner p ON p.id = c.partner_id
     LEFT JOIN resource_calendar r ON r.id = c.resource_calendar_id
     LEFT JOIN pg_timezone_names tz ON tz.name = COALESCE(NULLIF(p.tz, ''), r.tz))"""
)


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
