"""19.0.1.3.0: the purchase facts of a partner become per company.

Order counts, revenue, first and last order, yearly and lifetime value were
one value per partner, summed over every company that sold to it (and their
currencies).  They are now company-dependent fields, stored as jsonb
``{"company id": value}``.  Left to itself, the ORM would change the column
type with ``USING column::jsonb``, which PostgreSQL refuses for numbers and
dates, and the upgrade would stop.  Each column is converted here instead,
its value kept under the partner's company, or, for a partner shared between
companies, under the company the scheduled refresh ran in (its user's
company; the main company otherwise): the company whose care users saw it.
Nothing is lost; the next refresh (triggered by the post-migration) splits
every shared partner's facts per company.
"""

import logging

from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)

FACT_COLUMNS = (
    "care_order_count",
    "care_online_order_count",
    "care_revenue",
    "care_first_order_date",
    "care_last_order_date",
    "care_annual_value",
    "care_lifetime_value",
)


def _refresh_company(cr):
    """The company the facts refresh ran in: its scheduled action's user's."""
    cr.execute(
        """SELECT u.company_id FROM ir_model_data d
             JOIN ir_cron c ON c.id = d.res_id
             JOIN res_users u ON u.id = c.user_id
            WHERE d.module = 'customer_care' AND d.name = 'ir_cron_care_refresh_facts'
              AND d.model = 'ir.cron'"""
    )
    row = cr.fetchone()
    if row and row[0]:
        return row[0]
    cr.execute(
        """SELECT res_id FROM ir_model_data
            WHERE module = 'base' AND name = 'main_company' AND model = 'res.company'"""
    )
    row = cr.fetchone()
    if row:
        return row[0]
    cr.execute("SELECT min(id) FROM res_company")
    return cr.fetchone()[0]


def migrate(cr, version):
    if not version:
        return
    company_id = _refresh_company(cr)
    existing = sql.table_columns(cr, "res_partner")
    columns = [
        column
        for column in FACT_COLUMNS
        if column in existing and existing[column]["udt_name"] != "jsonb"
    ]
    if not columns:
        return
    for column in columns:
        # the report views read these columns; the upgrade creates them again
        sql.drop_depending_views(cr, "res_partner", column)
    # one statement: the table is rewritten once, not once per column
    cr.execute(
        SQL(
            "ALTER TABLE res_partner %s",
            SQL(", ").join(
                SQL(
                    """ALTER COLUMN %(column)s TYPE jsonb
                       USING CASE WHEN %(column)s IS NULL THEN NULL
                                  ELSE jsonb_build_object(COALESCE(company_id, %(company)s)::text,
                                                          %(column)s) END""",
                    column=SQL.identifier(column),
                    company=company_id,
                )
                for column in columns
            ),
        )
    )
    _logger.info(
        "Purchase facts of contacts converted to per-company values (shared contacts: company %s)",
        company_id,
    )
