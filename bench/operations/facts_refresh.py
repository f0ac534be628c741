"""facts_refresh: purchase facts, care group and care state of every customer.

ORM path: ``customer.care.facts._cron_refresh_facts(batch_size)``, the
daily scheduled action (batches of commercial partners, one commit each).

SQL pass: the same result written by hand over the whole table, in one
transaction: one statement computes every commercial partner's new values
into a temporary table (one aggregate of the confirmed orders per
commercial partner and company, top-revenue thresholds per company, group
rules in sequence order as a CASE, care state, lifetime value, next care
date, the purchase facts of every company as jsonb), one UPDATE writes the
rows that changed, then a DELETE and an INSERT refresh the product lines
bought.  The CASE is written from the care groups configured in the
database, the way one would write it by hand for that configuration.

Both sides start from the same state: care columns emptied (pinned groups
and dropped customers kept, since both are user decisions), product lines
emptied, no saved run state.  The check compares every care column of
every commercial partner, and the product lines, between the two results.
"""

import time
from datetime import timedelta

from odoo.tools import SQL

from . import Context, Operation, register

RUN_STATE_PARAM = "customer_care.facts_refresh_state"
THRESHOLDS_PARAM = "customer_care.top_revenue_thresholds"
CATEGORY_REL = "customer_care_partner_product_category_rel"

# The columns the refresh writes (REFRESH_COLUMNS of customer_care_facts.py):
# the care profile, one value per partner, and the purchase facts, one value
# per company (company-dependent jsonb {"company id": value}).
PROFILE_COLUMNS = ["care_group_id", "care_state", "care_next_date"]
PURCHASE_COLUMNS = [
    "care_order_count",
    "care_online_order_count",
    "care_revenue",
    "care_first_order_date",
    "care_last_order_date",
    "care_annual_value",
    "care_lifetime_value",
]
FACT_COLUMNS = [*PROFILE_COLUMNS, *PURCHASE_COLUMNS]
CHECKED_COLUMNS = [*FACT_COLUMNS, "care_customer_since", "care_lost_date"]
SNAPSHOT = "bench_facts_refresh_orm"
SNAPSHOT_CATEGORIES = "bench_facts_refresh_orm_categories"


# -- reset ------------------------------------------------------------------------
def reset(ctx: Context):
    cr = ctx.env.cr
    cr.execute(
        SQL(
            """UPDATE res_partner
                  SET care_group_id = CASE WHEN care_group_locked THEN care_group_id END,
                      care_state = CASE WHEN care_state = 'dropped' THEN 'dropped'
                                        ELSE 'active' END,
                      %s
                WHERE id = commercial_partner_id""",
            SQL(", ").join(
                SQL("%s = NULL", SQL.identifier(name))
                for name in CHECKED_COLUMNS
                if name not in ("care_group_id", "care_state")
            ),
        )
    )
    cr.execute(SQL("TRUNCATE %s", SQL.identifier(CATEGORY_REL)))
    cr.execute(
        "DELETE FROM ir_config_parameter WHERE key IN %s",
        ((RUN_STATE_PARAM, THRESHOLDS_PARAM),),
    )
    # a run under way (its progress, since 19.0.1.5.0)
    cr.execute("DELETE FROM customer_care_facts_run")
    cr.commit()
    ctx.env.invalidate_all()
    ctx.env.registry.clear_cache()


# -- ORM path ---------------------------------------------------------------------
def orm(ctx: Context):
    ctx.env["customer.care.facts"]._cron_refresh_facts(ctx.batch_size)
    ctx.env.cr.execute("SELECT count(*) FROM res_partner WHERE id = commercial_partner_id")
    return ctx.env.cr.fetchone()[0]


def snapshot(ctx: Context):
    cr = ctx.env.cr
    cleanup(ctx)
    cr.execute(
        SQL(
            """CREATE UNLOGGED TABLE %s AS
               SELECT id, %s FROM res_partner WHERE id = commercial_partner_id""",
            SQL.identifier(SNAPSHOT),
            SQL(", ").join(SQL.identifier(name) for name in CHECKED_COLUMNS),
        )
    )
    cr.execute(
        SQL(
            "CREATE UNLOGGED TABLE %s AS SELECT partner_id, category_id FROM %s",
            SQL.identifier(SNAPSHOT_CATEGORIES),
            SQL.identifier(CATEGORY_REL),
        )
    )
    cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (THRESHOLDS_PARAM,))
    row = cr.fetchone()
    ctx.notes["orm_thresholds"] = row[0] if row else None
    cr.commit()


def cleanup(ctx: Context):
    for table in (SNAPSHOT, SNAPSHOT_CATEGORIES):
        ctx.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
    ctx.env.cr.commit()


# -- SQL pass ---------------------------------------------------------------------
def _care_groups(cr):
    cr.execute(
        """SELECT id, company_id, classification_rule, min_orders, period_days,
                  top_percent, online_share
             FROM customer_care_group
            WHERE active
         ORDER BY sequence, id"""
    )
    return cr.dictfetchall()


def _online_condition(cr):
    condition = SQL("COALESCE(t.care_is_online, FALSE)")
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'sale_order' AND column_name = 'website_id'"""
    )
    if cr.fetchone():
        condition = SQL("(%s OR so.website_id IS NOT NULL)", condition)
    return condition


def _rule_condition(group):
    """The SQL condition of one group's rule over a ``classified`` row."""
    rule, gid = group["classification_rule"], group["id"]
    if rule == "referral":
        return SQL(
            "(p.care_referred_by_id IS NOT NULL"
            " OR p.care_referral_source IN ('customer', 'friends_family'))"
        )
    if rule == "online":
        return SQL("(f.n > 0 AND f.online * 100 > %s * f.n)", float(group["online_share"]))
    if rule == "regular":
        if group["min_orders"] <= 0:
            return None
        return SQL(
            "(NOT %s AND COALESCE(%s, 0) >= %s)",
            SQL.identifier("outside_home"),
            SQL.identifier("f", f"recent_{gid}"),
            group["min_orders"],
        )
    if rule == "occasional":
        return SQL("(f.n > 0)")
    if rule == "top_revenue":
        return SQL(
            """(%(top)s > 0 AND %(top)s::float8 >= (
                   SELECT amount FROM %(thr)s t WHERE t.company_id = s.company_id)::float8)""",
            top=SQL.identifier("f", f"top_{gid}"),
            thr=SQL.identifier(f"threshold_{gid}"),
        )
    return None  # manual: never automatic


# Python's round(x, 2) rounds the exact binary value of x half to even;
# PostgreSQL's round(x::numeric, 2) rounds a 15-digit decimal image of it
# half away from zero.  They differ only next to a half cent, where the
# SQL pass defers to this exact version (IEEE bits, integer arithmetic).
ROUND2_EXACT = """
CREATE OR REPLACE FUNCTION pg_temp.bench_round2_exact(x float8) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    bits bigint := ('x' || encode(float8send(abs(x)), 'hex'))::bit(64)::bigint;
    shift int := 1075 - (bits >> 52)::int;
    scaled bigint := ((bits & 4503599627370495) | 4503599627370496) * 100;
    quotient bigint;
    remainder bigint;
BEGIN
    IF (bits >> 52) = 0 OR shift <= 0 OR shift > 62 THEN
        RETURN round(x::numeric, 2);
    END IF;
    quotient := scaled >> shift;
    remainder := scaled & ((1::bigint << shift) - 1);
    IF remainder > (1::bigint << (shift - 1))
       OR (remainder = (1::bigint << (shift - 1)) AND quotient % 2 = 1) THEN
        quotient := quotient + 1;
    END IF;
    RETURN sign(x)::numeric * round(quotient::numeric / 100, 2);
END $$
"""


def _round2(column):
    """Round a float8 column to cents exactly as Python's round(x, 2) does."""
    value = SQL.identifier(column)
    return SQL(
        """CASE WHEN abs(%(x)s::numeric * 100 - floor(%(x)s::numeric * 100) - 0.5) < 0.0001
                THEN pg_temp.bench_round2_exact(%(x)s)
                ELSE round(%(x)s::numeric, 2) END""",
        x=value,
    )


def sql(ctx: Context):
    """The hand-written pass: a few statements, one transaction."""
    env, today = ctx.env, ctx.today
    cr = env.cr
    groups = _care_groups(cr)
    amount = SQL("so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)")
    fact_columns = [
        SQL("count(*) AS n"),
        SQL("SUM(o.amount) AS revenue"),
        SQL("MIN(o.date_order)::date AS first"),
        SQL("MAX(o.date_order)::date AS last"),
        SQL("count(*) FILTER (WHERE o.online) AS online"),
    ]
    threshold_ctes = []
    for group in groups:
        gid = group["id"]
        if group["classification_rule"] == "regular":
            fact_columns.append(
                SQL(
                    "count(*) FILTER (WHERE o.date_order::date > %s"
                    " AND o.date_order::date <= %s) AS %s",
                    today - timedelta(days=group["period_days"]),
                    today,
                    SQL.identifier(f"recent_{gid}"),
                )
            )
        elif group["classification_rule"] == "top_revenue":
            where = [SQL("TRUE")]
            if group["period_days"]:
                where.append(
                    SQL("o.date_order >= %s", today - timedelta(days=group["period_days"]))
                )
            if group["company_id"]:
                where.append(SQL("o.company_id = %s", group["company_id"]))
            # per partner and company: ranked among the company's customers
            fact_columns.append(
                SQL(
                    "SUM(o.amount) FILTER (WHERE %s) AS %s",
                    SQL(" AND ").join(where),
                    SQL.identifier(f"top_{gid}"),
                )
            )
            # the revenue of the last customer inside the top share, per company
            threshold_ctes.append(
                SQL(
                    """, %(name)s AS MATERIALIZED (
                        SELECT company_id, amount FROM (
                            SELECT company_id, %(top)s AS amount,
                                   row_number() OVER (PARTITION BY company_id
                                                      ORDER BY %(top)s DESC) AS rank,
                                   count(*) OVER (PARTITION BY company_id) AS ranked
                              FROM facts WHERE %(top)s > 0) AS r
                         WHERE %(percent)s > 0
                           AND rank = LEAST(ranked, ceil(ranked * LEAST(%(percent)s, 100.0)
                                                         / 100.0)))""",
                    name=SQL.identifier(f"threshold_{gid}"),
                    top=SQL.identifier(f"top_{gid}"),
                    percent=float(group["top_percent"]),
                )
            )
    branches = []
    for group in groups:
        condition = _rule_condition(group)
        if condition is None:
            continue
        if group["company_id"]:
            condition = SQL("(s.company_id = %s AND %s)", group["company_id"], condition)
        branches.append(SQL("WHEN %s THEN %s", condition, group["id"]))
    classify = SQL(
        "CASE WHEN p.care_group_locked AND p.care_group_id IS NOT NULL THEN p.care_group_id %s END",
        SQL(" ").join(branches),
    )
    columns = SQL(", ").join(SQL.identifier(name) for name in FACT_COLUMNS)
    # partners shared between companies are profiled on this company's orders
    shared_company = env["customer.care.facts"]._shared_partner_company().id
    started = time.monotonic()
    cr.execute(ROUND2_EXACT)
    cr.execute(
        SQL(
            """
CREATE TEMPORARY TABLE bench_facts_new ON COMMIT DROP AS
WITH orders AS (
    -- a partner of one company counts that company's orders only
    SELECT p.commercial_partner_id AS partner_id, %(amount)s AS amount,
           so.date_order, so.company_id, %(online)s AS online
      FROM sale_order so
      JOIN res_partner p ON p.id = so.partner_id
      JOIN res_partner cp ON cp.id = p.commercial_partner_id
 LEFT JOIN crm_team t ON t.id = so.team_id
     WHERE so.state = 'sale' AND (cp.company_id IS NULL OR cp.company_id = so.company_id)
), facts AS (
    SELECT o.partner_id, o.company_id, %(fact_columns)s
      FROM orders o GROUP BY o.partner_id, o.company_id
) %(thresholds)s,
settings AS (
    SELECT c.id AS company_id, c.care_at_risk_factor AS at_risk_factor,
           c.care_lost_factor AS lost_factor,
           c.care_default_interval_days AS default_days, c.care_ltv_years AS ltv_years,
           ARRAY(SELECT res_country_state_id FROM customer_care_company_home_state_rel
                  WHERE res_company_id = c.id) AS home_states,
           ARRAY(SELECT res_country_id FROM customer_care_company_home_country_rel
                  WHERE res_company_id = c.id) AS home_countries
      FROM res_company c
), classified AS (
    -- the care profile: from the orders of the partner's company
    SELECT p.id, p.care_state AS current_state, p.care_last_contact_date AS last_contact,
           s.company_id, s.at_risk_factor, s.lost_factor, s.default_days,
           COALESCE(f.n, 0) AS n, f.first, f.last,
           %(classify)s AS group_id
      FROM res_partner p
      JOIN settings s ON s.company_id = COALESCE(p.company_id, %(shared_company)s)
      CROSS JOIN LATERAL (SELECT CASE
          WHEN cardinality(s.home_states) > 0 AND p.state_id IS NOT NULL
              THEN p.state_id <> ALL(s.home_states)
          WHEN cardinality(s.home_countries) > 0 AND p.country_id IS NOT NULL
              THEN p.country_id <> ALL(s.home_countries)
          ELSE FALSE END AS outside_home) AS h
 LEFT JOIN facts f ON f.partner_id = p.id AND f.company_id = s.company_id
     WHERE p.id = p.commercial_partner_id
), stated AS (
    SELECT c.*,
           CASE WHEN c.current_state = 'dropped' THEN 'dropped'
                WHEN c.last IS NULL OR c.n <= 0 THEN 'active'
                WHEN (%(today)s::date - c.last) > c.usual_interval * c.lost_factor THEN 'lost'
                WHEN (%(today)s::date - c.last) > c.usual_interval * c.at_risk_factor THEN 'at_risk'
                ELSE 'active' END AS state,
           LEAST(GREATEST(COALESCE(g.retention_rate, 80.0) / 100.0, 0.0), 1.0) AS retention,
           COALESCE(g.cadence_days, 0) AS cadence_days
      FROM (SELECT c.*,
                   CASE WHEN c.n < 2 OR c.first IS NULL OR c.last IS NULL
                            THEN c.default_days::float8
                        ELSE GREATEST((c.last - c.first)::float8 / (c.n - 1), 1.0)
                   END AS usual_interval
              FROM classified c) AS c
 LEFT JOIN customer_care_group g
        ON g.id = c.group_id AND g.active
       AND (g.company_id IS NULL OR g.company_id = c.company_id)
), company_values AS (
    -- the purchase facts of every company the partner bought from, the
    -- lifetime value with the partner's group and the company's horizon
    SELECT a.*,
           CASE WHEN a.state = 'dropped' OR a.ltv_years <= 0 THEN 0.0
                WHEN a.retention = 1.0 THEN a.annual * a.ltv_years
                ELSE a.annual * ((1.0 - power(a.retention, a.ltv_years)) / (1.0 - a.retention))
           END AS ltv
      FROM (SELECT st.id, st.state, st.retention, s.ltv_years, f.company_id, f.n, f.online,
                   f.first, f.last, COALESCE(f.revenue, 0)::float8 AS revenue_f,
                   CASE WHEN COALESCE(f.revenue, 0) <= 0 THEN 0.0
                        ELSE f.revenue::float8
                             / GREATEST((%(today)s::date - f.first)::float8 / 365.25, 1.0)
                   END AS annual
              FROM stated st
              JOIN facts f ON f.partner_id = st.id
              JOIN settings s ON s.company_id = f.company_id) AS a
), company_json AS (
    SELECT id,
           jsonb_object_agg(company_id::text, n) AS care_order_count,
           jsonb_object_agg(company_id::text, online) AS care_online_order_count,
           jsonb_object_agg(company_id::text, %(round_revenue)s) AS care_revenue,
           jsonb_object_agg(company_id::text, first) AS care_first_order_date,
           jsonb_object_agg(company_id::text, last) AS care_last_order_date,
           jsonb_object_agg(company_id::text, %(round_annual)s) AS care_annual_value,
           jsonb_object_agg(company_id::text, %(round_ltv)s) AS care_lifetime_value
      FROM company_values GROUP BY id
), computed AS (
    SELECT st.id, st.group_id AS care_group_id, st.state AS care_state,
           CASE WHEN st.state = 'dropped' OR st.cadence_days <= 0 THEN NULL
                WHEN st.last_contact IS NULL THEN %(today)s::date
                ELSE st.last_contact + st.cadence_days END AS care_next_date,
           j.care_order_count, j.care_online_order_count, j.care_revenue,
           j.care_first_order_date, j.care_last_order_date, j.care_annual_value,
           j.care_lifetime_value,
           st.first AS first_order
      FROM stated st LEFT JOIN company_json j ON j.id = st.id
)
SELECT * FROM computed
""",
            amount=amount,
            online=_online_condition(cr),
            fact_columns=SQL(", ").join(fact_columns),
            thresholds=SQL("").join(threshold_ctes),
            classify=classify,
            round_revenue=_round2("revenue_f"),
            round_annual=_round2("annual"),
            round_ltv=_round2("ltv"),
            shared_company=shared_company,
            today=today,
        )
    )
    ctx.notes["sql_compute_s"] = time.monotonic() - started
    started = time.monotonic()
    # The planner misjudges how many partners are commercial: give it the
    # real row count.  Rows are updated in id order: the indexes of
    # res_partner are then touched page after page (twice as fast as in
    # hash order with a small shared_buffers).
    cr.execute("ANALYZE bench_facts_new")
    cr.execute(
        SQL(
            """UPDATE res_partner p
                  SET (%(columns)s) = (%(source)s),
                      care_customer_since = CASE
                          WHEN v.first_order IS NULL THEN p.care_customer_since
                          ELSE LEAST(COALESCE(p.care_customer_since, v.first_order),
                                     v.first_order) END,
                      care_lost_date = CASE
                          WHEN v.care_state NOT IN ('lost', 'dropped') THEN NULL
                          WHEN p.care_state IN ('lost', 'dropped') THEN p.care_lost_date
                          ELSE CURRENT_DATE END,
                      write_date = now() AT TIME ZONE 'UTC'
                 FROM (SELECT * FROM bench_facts_new ORDER BY id) AS v
                WHERE p.id = v.id
                  AND ((%(p_columns)s) IS DISTINCT FROM (%(source)s)
                       OR (v.first_order IS NOT NULL
                           AND (p.care_customer_since IS NULL
                                OR p.care_customer_since > v.first_order)))""",
            columns=columns,
            source=SQL(", ").join(SQL.identifier("v", name) for name in FACT_COLUMNS),
            p_columns=SQL(", ").join(SQL.identifier("p", name) for name in FACT_COLUMNS),
        )
    )
    updated = cr.rowcount
    ctx.notes["sql_update_s"] = time.monotonic() - started
    # the product lines bought from the partner's company (shared: the
    # profile's company)
    bought = SQL(
        """SELECT DISTINCT c.commercial_partner_id AS partner_id, pt.categ_id AS category_id
             FROM sale_order_line l
             JOIN sale_order so ON so.id = l.order_id
             JOIN res_partner c ON c.id = so.partner_id
             JOIN res_partner cp ON cp.id = c.commercial_partner_id
             JOIN product_product pp ON pp.id = l.product_id
             JOIN product_template pt ON pt.id = pp.product_tmpl_id
            WHERE so.state = 'sale' AND pt.categ_id IS NOT NULL
              AND so.company_id = COALESCE(cp.company_id, %s)""",
        shared_company,
    )
    started = time.monotonic()
    cr.execute(
        SQL(
            """DELETE FROM %(rel)s r USING res_partner p
                WHERE p.id = r.partner_id AND p.id = p.commercial_partner_id
                  AND NOT EXISTS (SELECT 1 FROM (%(bought)s) AS b
                                   WHERE b.partner_id = r.partner_id
                                     AND b.category_id = r.category_id)""",
            rel=SQL.identifier(CATEGORY_REL),
            bought=bought,
        )
    )
    cr.execute(
        SQL(
            "INSERT INTO %s (partner_id, category_id) %s ORDER BY 1, 2 ON CONFLICT DO NOTHING",
            SQL.identifier(CATEGORY_REL),
            bought,
        )
    )
    ctx.notes["sql_categories_s"] = time.monotonic() - started
    cr.commit()
    ctx.notes["sql_rows_updated"] = updated
    cr.execute("SELECT count(*) FROM res_partner WHERE id = commercial_partner_id")
    return cr.fetchone()[0]


# -- check ------------------------------------------------------------------------
def check(ctx: Context):
    """Mismatches per column between the ORM snapshot and the SQL result."""
    cr = ctx.env.cr
    counts = SQL(", ").join(
        SQL(
            "count(*) FILTER (WHERE o.%s IS DISTINCT FROM p.%s) AS %s",
            SQL.identifier(name),
            SQL.identifier(name),
            SQL.identifier(name),
        )
        for name in CHECKED_COLUMNS
    )
    current = SQL(
        "(SELECT id, %s FROM res_partner WHERE id = commercial_partner_id)",
        SQL(", ").join(SQL.identifier(name) for name in CHECKED_COLUMNS),
    )
    cr.execute(
        SQL(
            """SELECT count(*) FILTER (WHERE o.id IS NULL OR p.id IS NULL) AS missing_rows,
                      %s
                 FROM %s o FULL JOIN %s p ON p.id = o.id""",
            counts,
            SQL.identifier(SNAPSHOT),
            current,
        )
    )
    mismatches = cr.dictfetchone()
    cr.execute(
        SQL(
            """SELECT count(*) FROM (
                   (SELECT partner_id, category_id FROM %(orm)s
                    EXCEPT SELECT partner_id, category_id FROM %(rel)s)
                   UNION ALL
                   (SELECT partner_id, category_id FROM %(rel)s
                    EXCEPT SELECT partner_id, category_id FROM %(orm)s)) AS diff""",
            orm=SQL.identifier(SNAPSHOT_CATEGORIES),
            rel=SQL.identifier(CATEGORY_REL),
        )
    )
    mismatches["care_product_category_ids"] = cr.fetchone()[0]
    if any(mismatches.values()):
        wrong = [name for name in CHECKED_COLUMNS if mismatches[name]]
        if wrong:
            cr.execute(
                SQL(
                    """SELECT o.id, %s FROM %s o JOIN res_partner p ON p.id = o.id
                        WHERE %s ORDER BY o.id LIMIT 5""",
                    SQL(", ").join(
                        SQL(
                            "o.%s AS %s, p.%s AS %s",
                            SQL.identifier(name),
                            SQL.identifier(f"orm_{name}"),
                            SQL.identifier(name),
                            SQL.identifier(f"sql_{name}"),
                        )
                        for name in wrong
                    ),
                    SQL.identifier(SNAPSHOT),
                    SQL(" OR ").join(
                        SQL(
                            "o.%s IS DISTINCT FROM p.%s", SQL.identifier(name), SQL.identifier(name)
                        )
                        for name in wrong
                    ),
                )
            )
            ctx.notes["mismatch_sample"] = [
                {key: str(value) for key, value in row.items()} for row in cr.dictfetchall()
            ]
    cr.execute(
        SQL(
            """SELECT care_group_id, count(*) FROM %s GROUP BY care_group_id
             ORDER BY care_group_id NULLS LAST""",
            SQL.identifier(SNAPSHOT),
        )
    )
    ctx.notes["groups"] = {str(gid): count for gid, count in cr.fetchall()}
    cr.execute(
        SQL(
            "SELECT care_state, count(*) FROM %s GROUP BY care_state ORDER BY care_state",
            SQL.identifier(SNAPSHOT),
        )
    )
    ctx.notes["states"] = dict(cr.fetchall())
    cr.rollback()
    return mismatches


register(
    Operation(
        name="facts_refresh",
        description="refresh purchase facts, care group and state of every customer",
        reset=reset,
        orm=orm,
        snapshot=snapshot,
        sql=sql,
        check=check,
        cleanup=cleanup,
    )
)
