"""Benchmark the Measuring-care reports and the monthly top customers watch.

    python3 bench/reports.py DB [--load PARTNERS ORDERS] [--plans N] [--incidents N]
                                [--facts] [--user LOGIN]

Runs, on a database where customer_care is installed, each report's main
query the way the web client's pivot asks for it
(``formatted_read_grouping_sets`` with the view's row and column groupings,
as a care manager, so record rules apply), times it on the server, prints
the EXPLAIN ANALYZE of its grouped SQL with ``--explain``, then runs the
monthly top customers snapshot (in batches, committing) twice: the second
run must add nothing.

``--load`` first bulk-loads synthetic data with plain SQL: PARTNERS
customers, ORDERS confirmed sale orders over the last two years, their
purchase facts, care plans with their steps and dissatisfaction points
(``--plans``), then refreshes the purchase report and ANALYZEs.  Use a
scratch database: the rows are committed.

On a database with Inventory (``sale_stock``, which brings
``customer_care_stock``), the on-time delivery and order error reports are
measured too, and ``--load`` stores delivery outcomes on the orders.

``--facts`` stores every customer's purchase facts from all confirmed orders
in one UPDATE (for a database from bench/generate.py, which has none).
``--incidents`` loads that many incidents over the last two years (answered,
resolved, rated, some breached) and open questions past their promise, for
the Care Service dashboard.  With ``customer_care_dashboard`` installed, each
spreadsheet dashboard is opened the way the browser does it: every pivot,
chart and list of its JSON with the default period, one call each, timed,
and the total per dashboard.  The overview (with its trend charts) and a
customer's Care tab chart are timed too.

Target (brief): every report, and every dashboard in total, under 2 s of
server time at 1,000,000 partners and 1,000,000 orders.
"""

import argparse
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parents[1]

# (label, model, domain, row groupbys, column groupbys, aggregates)
REPORTS = [
    (
        "Repeat purchases",
        "customer.care.report.purchase",
        "last_12_months",
        ["period:month"],
        [],
        ["customer_count:sum", "repeat_rate:avg", "interval_days:avg"],
    ),
    (
        "Retention by cohort",
        "customer.care.report.purchase",
        "last_12_months",
        ["cohort:month"],
        ["period:month"],
        ["retention_rate:avg"],
    ),
    (
        "Referrals",
        "customer.care.report.referral",
        [],
        ["referrer_group_id"],
        [],
        ["referral_count:sum", "buyer_count:sum", "revenue:sum"],
    ),
    (
        "Care activity",
        "customer.care.report.activity",
        [("state", "=", "done")],
        ["user_id"],
        ["channel"],
        ["done_count:sum"],
    ),
    (
        "Dissatisfaction points",
        "customer.care.report.point",
        [("kind", "=", "dissatisfied")],
        ["point_id"],
        [],
        ["__count"],
    ),
    (
        "Lifetime value",
        "customer.care.report.value",
        [],
        ["care_group_id"],
        [],
        [
            "customer_count:sum",
            "annual_value:avg",
            "retention_rate:avg",
            "still_buying_rate:avg",
            "avg_lifetime_value:avg",
            "lifetime_value:sum",
        ],
    ),
    (
        "On-time delivery (with Inventory)",
        "customer.care.report.delivery",
        "last_12_months_delivered",
        ["date_delivered:month"],
        [],
        ["order_count:sum", "late_count:sum", "on_time_rate:avg", "delay_days:avg"],
    ),
    (
        "Order errors (with Inventory)",
        "customer.care.report.delivery",
        "last_12_months_delivered",
        ["date_delivered:month"],
        ["order_error"],
        ["order_count:sum", "error_count:sum", "error_rate:avg"],
    ),
    (
        "Top 20% watch",
        "customer.care.top.snapshot",
        [],
        ["trend"],
        ["period:month"],
        ["revenue:sum", "previous_revenue:sum"],
    ),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("--load", nargs=2, type=int, metavar=("PARTNERS", "ORDERS"))
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=0, help="incidents to load")
    parser.add_argument(
        "--facts",
        action="store_true",
        help="store the purchase facts of every customer from all confirmed orders "
        "(a database from bench/generate.py has none)",
    )
    parser.add_argument("--user", default="admin", help="a care manager's login")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--batch-size", type=int, default=500)
    return parser.parse_args()


def odoo_env(db):
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(
        ["-d", db, f"--addons-path={ROOT}", "--log-level=warn", "--http-interface=127.0.0.1"]
    )
    registry = Registry(db)
    cr = registry.cursor()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), cr


@contextmanager
def timer(result):
    start = time.perf_counter()
    yield
    result.append((time.perf_counter() - start) * 1000.0)


# -- synthetic data -----------------------------------------------------------
LOAD_PARTNERS = """
INSERT INTO res_partner (name, complete_name, active, type, is_company, lang,
                         autopost_bills, care_state, company_id, create_date, write_date,
                         care_group_id, care_user_id)
SELECT 'Bench customer ' || g, 'Bench customer ' || g, TRUE, 'contact', FALSE, 'en_US',
       'ask', 'active', NULL, now() - interval '3 years', now(),
       (%(groups)s)[1 + (g %% cardinality(%(groups)s))],
       CASE WHEN g %% 3 = 0 THEN %(uid)s END
  FROM generate_series(1, %(n)s) g
"""
LOAD_ORDERS = """
INSERT INTO sale_order (name, state, company_id, partner_id, partner_invoice_id,
                        partner_shipping_id, date_order, amount_untaxed, amount_tax,
                        amount_total, currency_rate, currency_id, user_id, create_date,
                        write_date{stock_columns})
SELECT 'BENCH/' || g, 'sale', %(company)s, pid, pid, pid,
       now() - (random() * interval '730 days'),
       round((10 + random() * 990)::numeric, 2), 0, 0, 1, %(currency)s, %(uid)s,
       now(), now(){stock_values}
  FROM (SELECT g, %(first)s + floor(power(random(), 1.6) * %(n_partners)s)::int AS pid
          FROM generate_series(1, %(n)s) g) s
"""
# purchase facts straight from the orders (the bulk refresh does the same in
# batches), per company: company-dependent jsonb {"company id": value}
LOAD_FACTS = """
UPDATE res_partner p
   SET care_order_count = jsonb_build_object(a.company, a.n),
       care_revenue = jsonb_build_object(a.company, a.revenue),
       care_first_order_date = jsonb_build_object(a.company, a.first),
       care_last_order_date = jsonb_build_object(a.company, a.last),
       care_annual_value = jsonb_build_object(
           a.company, a.revenue / GREATEST(1, (current_date - a.first) / 365.0)),
       care_lifetime_value = jsonb_build_object(
           a.company, 5 * a.revenue / GREATEST(1, (current_date - a.first) / 365.0)),
       care_state = CASE WHEN a.last < current_date - 270 THEN 'lost'
                         WHEN a.last < current_date - 135 THEN 'at_risk' ELSE 'active' END,
       care_lost_date = CASE WHEN a.last < current_date - 270 THEN a.last + 270 END,
       care_referred_by_id = CASE WHEN p.id %% 20 = 0 THEN p.id - 1
                                  ELSE p.care_referred_by_id END
  FROM (SELECT partner_id, company_id::text AS company, count(*) AS n,
               SUM(amount_untaxed) AS revenue,
               MIN(date_order)::date AS first, MAX(date_order)::date AS last
          FROM sale_order WHERE name LIKE 'BENCH/%%' GROUP BY partner_id, company_id) a
 WHERE p.id = a.partner_id
"""
# with Inventory (customer_care_stock): the delivery outcome the sale order
# stores when its deliveries are validated, for 95 % of the orders (12 % late,
# 3 % returned, 2 % with corrected quantities)
LOAD_DELIVERIES = """
UPDATE sale_order
   SET care_date_promised = date_order + interval '3 days',
       care_date_delivered = date_order + interval '3 days'
                             + CASE WHEN id %% 25 < 3 THEN interval '2 days'
                                    ELSE interval '-4 hours' END,
       care_delivery_delay = CASE WHEN id %% 25 < 3 THEN 2.0 ELSE -0.17 END,
       care_delivery_state = CASE WHEN id %% 25 < 3 THEN 'late' ELSE 'on_time' END,
       care_order_error = CASE WHEN id %% 100 < 3 THEN 'returned'
                               WHEN id %% 100 < 5 THEN 'corrected' END
 WHERE name LIKE 'BENCH/%%' AND id %% 20 <> 0
"""
LOAD_PLANS = """
INSERT INTO customer_care_plan (name, partner_id, company_id, user_id, trigger, channel,
                                state, outcome, date_deadline, date_done, create_date,
                                write_date)
SELECT 'Bench plan ' || g, %(first)s + (g * 7919) %% %(n_partners)s, %(company)s,
       (%(users)s)[1 + g %% cardinality(%(users)s)], 'loyalty',
       (ARRAY['phone', 'email', 'sms', 'social', 'visit'])[1 + g %% 5],
       CASE WHEN g %% 10 < 7 THEN 'done' ELSE 'planned' END,
       CASE WHEN g %% 10 < 7 THEN (ARRAY['positive', 'neutral', 'negative'])[1 + g %% 3] END,
       current_date - (g %% 365),
       CASE WHEN g %% 10 < 7 THEN now() - (g %% 365) * interval '1 day' END,
       now(), now()
  FROM generate_series(1, %(n)s) g
"""
LOAD_STEPS = """
INSERT INTO customer_care_plan_step (plan_id, step, sequence, state, company_id, date_done)
SELECT pl.id, s.step, s.seq,
       CASE WHEN pl.state = 'done' THEN (CASE WHEN s.seq = 2 AND pl.id %% 4 = 0
                                              THEN 'skipped' ELSE 'done' END)
            ELSE 'todo' END,
       pl.company_id, pl.date_done
  FROM customer_care_plan pl
 CROSS JOIN (VALUES ('recall', 1), ('needs', 2), ('answer', 3), ('offer', 4)) s(step, seq)
 WHERE pl.name LIKE 'Bench plan %%'
   AND NOT EXISTS (SELECT 1 FROM customer_care_plan_step x WHERE x.plan_id = pl.id)
"""
LOAD_POINTS = """
INSERT INTO customer_care_plan_step_dissatisfied_rel (step_id, point_id)
SELECT st.id, (%(points)s)[1 + st.id %% cardinality(%(points)s)]
  FROM customer_care_plan_step st
 WHERE st.step = 'recall' AND st.state = 'done' AND st.id %% 3 = 0
ON CONFLICT DO NOTHING
"""

# incidents over the last two years, on customers picked at random: answered
# within 0-3 hours, resolved within 2-48 hours (the standard clocks: 1 h to
# answer, 24 h to resolve, 12 h target), 60 % rated
LOAD_INCIDENTS = """
INSERT INTO customer_care_incident (name, company_id, partner_id, commercial_partner_id,
                                    user_id, care_group_id, kind, channel, priority, state,
                                    sla_policy_id, date_received, date_first_response,
                                    date_resolved, response_deadline, resolution_deadline,
                                    target_deadline, sla_state, escalation_level,
                                    response_hours, resolution_hours, root_cause_id,
                                    satisfaction, create_date, write_date)
SELECT 'Bench incident ' || g, %(company)s, p.id, p.commercial_partner_id,
       (%(users)s)[1 + g %% cardinality(%(users)s)], p.care_group_id,
       (ARRAY['complaint', 'complaint', 'question', 'incident', 'request'])[1 + g %% 5],
       (ARRAY['phone', 'email'])[1 + g %% 2], '1',
       CASE WHEN t.received > now() - interval '2 days' THEN 'in_progress' ELSE 'closed' END,
       %(policy)s, t.received, t.received + t.answer,
       CASE WHEN t.received > now() - interval '2 days' THEN NULL ELSE t.received + t.solve END,
       t.received + interval '1 hour', t.received + interval '24 hours',
       t.received + interval '12 hours',
       CASE WHEN t.answer > interval '1 hour' OR t.solve > interval '24 hours'
            THEN 'breached' ELSE 'on_track' END, 0,
       EXTRACT(EPOCH FROM t.answer) / 3600, EXTRACT(EPOCH FROM t.solve) / 3600,
       (%(causes)s)[1 + g %% cardinality(%(causes)s)],
       CASE WHEN g %% 5 < 3 THEN 1 + (g * 7) %% 5 ELSE 0 END,
       now(), now()
  FROM generate_series(1, %(n)s) g
  JOIN LATERAL (SELECT now() - random() * interval '730 days' AS received,
                       random() * interval '3 hours' AS answer,
                       interval '2 hours' + random() * interval '46 hours' AS solve,
                       g AS k) t ON TRUE
  JOIN res_partner p ON p.id = (SELECT MIN(id) FROM res_partner) + (g * 7919) %% %(span)s
"""
# open questions past their promise on the bench plans' answer steps
LOAD_QUESTIONS = """
INSERT INTO customer_care_plan_question (step_id, plan_id, partner_id, user_id, company_id,
                                         name, state, date_promised)
SELECT st.id, pl.id, pl.partner_id, pl.user_id, pl.company_id, 'Bench question ' || st.id,
       'open', current_date - (st.id %% 30)
  FROM customer_care_plan_step st
  JOIN customer_care_plan pl ON pl.id = st.plan_id
 WHERE st.step = 'answer' AND st.plan_id %% 10 = 0
"""


def run_step(cr, timings, label, query, params=None):
    """One bulk-load step, timed and committed: ``(label, rows, ms)``."""
    with timer(timings):
        cr.execute(query, params)
    rows = max(cr.rowcount, 0)
    cr.commit()
    return label, rows, timings[-1]


def load_incidents(env, cr, n_incidents):
    """Incidents (and open questions) for the Care Service dashboard."""
    causes = env["customer.care.root.cause"].search([]).ids
    for name in ("Courier delays", "Damaged in packing", "Wrong item", "Billing error"):
        if len(causes) >= 4:
            break
        causes.append(env["customer.care.root.cause"].create({"name": name}).id)
    policy = env["customer.care.sla.policy"].search([], limit=1)
    users = env["res.users"].search([("share", "=", False)], limit=5).ids
    cr.execute("SELECT MIN(id), MAX(id) - MIN(id) FROM res_partner")
    first, span = cr.fetchone()
    # the questions hang on care plans' steps: load plans when there are none
    cr.execute("SELECT EXISTS (SELECT 1 FROM customer_care_plan WHERE name LIKE 'Bench plan %%')")
    has_plans = cr.fetchone()[0]
    steps, timings = [], []
    for label, query, params in (
        (
            "incidents",
            LOAD_INCIDENTS,
            {
                "n": n_incidents,
                "company": env.company.id,
                "users": users,
                "causes": causes,
                "policy": policy.id,
                "span": span,
            },
        ),
        *(
            []
            if has_plans
            else [
                (
                    "care plans",
                    LOAD_PLANS,
                    {
                        # on the last 100,000 partners: the bulk-loaded ones, ids without gaps
                        "n": 100_000,
                        "first": first + span - 100_000,
                        "n_partners": 100_000,
                        "company": env.company.id,
                        "users": users,
                    },
                ),
                ("plan steps", LOAD_STEPS, {}),
            ]
        ),
        ("open questions", LOAD_QUESTIONS, {}),
    ):
        steps.append(run_step(cr, timings, f"load {label}", query, params))
    analyze = "ANALYZE customer_care_incident, customer_care_plan_question"
    steps.append(run_step(cr, timings, "ANALYZE", analyze))
    return steps


def load(env, cr, n_partners, n_orders, n_plans):
    company = env.company
    uid = env.ref("base.user_admin").id
    groups = env["customer.care.group"].search([]).ids
    users = env["res.users"].search([("share", "=", False)], limit=5).ids
    points = env["customer.care.point"].search([("kind", "=", "dissatisfied")]).ids
    stock = "customer.care.report.delivery" in env
    steps = []
    cr.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM res_partner")
    first = cr.fetchone()[0]
    timings = []
    for label, query, params in (
        ("partners", LOAD_PARTNERS, {"n": n_partners, "groups": groups, "uid": uid}),
        (
            "commercial partners",
            "UPDATE res_partner SET commercial_partner_id = id WHERE id >= %(first)s",
            {"first": first},
        ),
        (
            "orders",
            LOAD_ORDERS.format(
                # with Inventory the order needs its shipping policy
                stock_columns=", picking_policy" if stock else "",
                stock_values=", 'direct'" if stock else "",
            ),
            {
                "n": n_orders,
                "first": first,
                "n_partners": n_partners,
                "company": company.id,
                "currency": company.currency_id.id,
                "uid": uid,
            },
        ),
        ("purchase facts", LOAD_FACTS, {}),
        (
            "care plans",
            LOAD_PLANS,
            {
                "n": n_plans,
                "first": first,
                "n_partners": n_partners,
                "company": company.id,
                "users": users,
            },
        ),
        ("plan steps", LOAD_STEPS, {}),
        ("dissatisfaction points", LOAD_POINTS, {"points": points}),
        *([("delivery outcomes", LOAD_DELIVERIES, {})] if stock else []),
    ):
        steps.append(run_step(cr, timings, f"load {label}", query, params))
    steps.append(run_step(cr, timings, "ANALYZE", "ANALYZE"))
    return steps


# -- measuring ------------------------------------------------------------------
def domain_for(spec, env):
    if spec not in ("last_12_months", "last_12_months_delivered"):
        return spec
    from odoo import fields

    from odoo.addons.customer_care.logic import kpi

    since = kpi.add_months(fields.Date.today(), -12)
    if spec == "last_12_months_delivered":
        return [("date_delivered", ">=", fields.Datetime.to_datetime(since))]
    return [("period", ">=", since)]


@contextmanager
def capture_queries(cr):
    """Record the grouped SELECTs the ORM sends, with their parameters."""
    queries = []
    original = type(cr).execute

    def execute(self, query, params=None, log_exceptions=True):
        text = query.code if hasattr(query, "code") else query
        if "GROUP BY" in str(text):
            queries.append((query, params))
        return original(self, query, params, log_exceptions)

    type(cr).execute = execute
    try:
        yield queries
    finally:
        type(cr).execute = original


def explain_last(cr, queries):
    """EXPLAIN ANALYZE of the last grouped query captured ("" if none)."""
    if not queries:
        return ""
    from odoo.tools import SQL

    query, params = queries[-1]
    if isinstance(query, SQL):
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
    else:
        cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
    return "\n".join(row[0] for row in cr.fetchall())


def run_report(env, cr, report, explain):
    label, model, domain, rows, cols, aggregates = report
    records = env[model]
    domain = domain_for(domain, env)
    sets = [[], rows] + ([cols, rows + cols] if cols else [])
    timings = []
    env.invalidate_all()
    with capture_queries(cr) as queries, timer(timings):
        groups = records.formatted_read_grouping_sets(domain, sets, aggregates)
    plan = explain_last(cr, queries) if explain else ""
    return label, sum(len(g) for g in groups), timings[0], plan


def run_lists(env):
    """The lists opened from the overview (80 records and their count)."""
    results = []
    today = __import__("datetime").date.today()
    for label, model, domain in (
        (
            "Lost customers list",
            "res.partner",
            [("parent_id", "=", False), ("care_state", "in", ("lost", "dropped"))],
        ),
        (
            "Hotline log",
            "customer.care.feedback",
            [("source", "in", ("hotline", "voicemail"))],
        ),
        ("Top 20% watch list", "customer.care.top.snapshot", []),
    ):
        timings = []
        env.invalidate_all()
        with timer(timings):
            records = env[model].search(domain, limit=80)
            env[model].search_count(domain)
            records.fetch(["display_name"])
        results.append((label, len(records), timings[0], ""))
    timings = []
    env.invalidate_all()
    with timer(timings):
        cards = env["customer.care.overview"].search([])
        cards.fetch(["display_name"])
        for card in cards:
            card.my_open_count, card.satisfaction, card.week_chart  # noqa: B018
    results.append((f"Overview ({today})", len(cards), timings[0], ""))
    return results


DASHBOARDS = (
    ("Care Service", "customer_care_dashboard/data/files/care_service_dashboard.json"),
    ("Keeping Customers", "customer_care_dashboard/data/files/keeping_customers_dashboard.json"),
)


def run_dashboards(env, explain=False):
    """Every data source of each spreadsheet dashboard, as the browser asks
    for it with the default period, then the dashboard's total (with the
    plan of each call's last grouped query when ``explain``)."""
    import json

    from odoo import fields

    # the calls a dashboard makes are read from its JSON by the tests' helper
    sys.path.insert(0, str(ROOT / "tests" / "dashboard"))
    from data_sources import data_sources, period_domain

    results = []
    today = fields.Date.today()
    if "spreadsheet.dashboard" not in env:
        return results
    for name, path in DASHBOARDS:
        # the JSON the dashboard record loads (not its attachment: the
        # filestore may sit in another data directory)
        snapshot = json.loads((ROOT / path).read_text(encoding="utf-8"))
        timings = []
        for source in data_sources(snapshot):
            model = env[source.model]
            domain = source.domain + period_domain(snapshot, source, today)
            aggregates = [
                measure
                if measure == "__count"
                else f"{measure}:{model._fields[measure].aggregator}"
                for measure in source.measures
            ]
            env.invalidate_all()
            with capture_queries(env.cr) as queries, timer(timings):
                if source.kind == "pivot":
                    groups = model.formatted_read_grouping_sets(
                        domain, [[], source.groupbys], aggregates
                    )
                    count = sum(len(g) for g in groups)
                elif source.kind == "chart":
                    count = len(model.formatted_read_group(domain, source.groupbys, aggregates))
                else:
                    order = ", ".join(f"{n} {'asc' if asc else 'desc'}" for n, asc in source.order)
                    count = len(
                        model.web_search_read(
                            domain,
                            {column: {} for column in source.columns},
                            order=order,
                            limit=10,
                        )["records"]
                    )
            plan = explain_last(env.cr, queries) if explain else ""
            results.append((f"  {source.kind}: {source.name}", count, timings[-1], plan))
        results.append((f"{name} dashboard, total", len(timings), sum(timings), ""))
    return results


def run_care_tab(env):
    """The Care tab's monthly revenue chart and top 20 % status of the
    customer with the most orders."""
    env.cr.execute(
        "SELECT p.commercial_partner_id FROM sale_order so "
        "JOIN res_partner p ON p.id = so.partner_id WHERE so.state = 'sale' "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )
    row = env.cr.fetchone()
    if not row:
        return []
    timings = []
    env.invalidate_all()
    with timer(timings):
        partner = env["res.partner"].browse(row[0])
        partner.fetch(["care_revenue_chart", "care_top_trend"])
    return [("Care tab revenue chart (top buyer)", 12, timings[0], "")]


def main():
    args = parse_args()
    env, cr = odoo_env(args.db)
    try:
        rows = []
        if args.load:
            for label, count, ms in load(env, cr, *args.load, args.plans):
                rows.append((label, count, ms, ""))
        if args.facts:
            timings = []
            with timer(timings):
                cr.execute(LOAD_FACTS.replace("name LIKE 'BENCH/%%'", "state = 'sale'"), {})
            rows.append(("load purchase facts (all orders)", cr.rowcount, timings[0], ""))
            # what autovacuum does after the facts refresh has touched most
            # customers (this one UPDATE leaves the statistics of before)
            with timer(timings):
                cr.execute("ANALYZE res_partner")
            rows.append(("ANALYZE res_partner", 0, timings[-1], ""))
            cr.commit()
        if args.incidents:
            for label, count, ms in load_incidents(env, cr, args.incidents):
                rows.append((label, count, ms, ""))
        timings = []
        with timer(timings):
            env["customer.care.report.purchase"]._refresh_reports()
        cr.commit()
        rows.append(("refresh the materialized reports (cron)", 0, timings[0], ""))
        manager = env["res.users"].search([("login", "=", args.user)])
        if not manager.has_group("customer_care.group_care_manager"):
            sys.exit(f"{args.user} is not a care manager")
        as_manager = env(user=manager)
        for report in REPORTS:
            if report[1] not in env:  # the inventory reports need customer_care_stock
                continue
            rows.append(run_report(as_manager, cr, report, args.explain))
        from odoo.addons.customer_care.logic import kpi

        period = kpi.add_months(__import__("datetime").date.today(), -1)
        snapshots = env["customer.care.top.snapshot"]
        for run in ("first", "second"):
            cr.execute(
                "SELECT count(*) FROM customer_care_top_snapshot WHERE period = %s", [period]
            )
            before = cr.fetchone()[0]
            timings = []
            with timer(timings):
                snapshots._cron_snapshot_top(period=period, batch_size=args.batch_size)
            cr.execute(
                "SELECT count(*) FROM customer_care_top_snapshot WHERE period = %s", [period]
            )
            rows.append(
                (
                    f"monthly snapshot {period:%Y-%m}, {run} run (rows added)",
                    cr.fetchone()[0] - before,
                    timings[0],
                    "",
                )
            )
        rows.extend(run_lists(as_manager))
        rows.extend(run_dashboards(as_manager, args.explain))
        rows.extend(run_care_tab(as_manager))
        cr.execute("SELECT count(*) FROM res_partner")
        partners = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM sale_order WHERE state = 'sale'")
        orders = cr.fetchone()[0]
        print(f"\nmachine: {machine(cr)}")
        print(f"database {args.db}: {partners:,} partners, {orders:,} confirmed orders\n")
        width = max(len(r[0]) for r in rows)
        print(f"{'step'.ljust(width)}  {'rows':>10}  {'server ms':>10}  {'< 2 s':>6}")
        for label, count, ms, plan in rows:
            verdict = (
                ""
                if label.startswith(("load", "ANALYZE", "refresh", "monthly", "  "))
                else ("yes" if ms < 2000 else "NO")
            )
            print(f"{label.ljust(width)}  {count:>10,}  {ms:>10.0f}  {verdict:>6}")
            if plan:
                print("    " + plan.replace("\n", "\n    "))
    finally:
        cr.close()


if __name__ == "__main__":
    main()
