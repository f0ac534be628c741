import json
import logging
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from ..logic import kpi
from ..logic.care_state import STATE_DROPPED
from ..logic.classification import RULE_TOP_REVENUE, top_rank_size
from ..logic.facts import PURCHASE_FIELDS, GroupPolicy, PartnerRow, evaluate, purchase_values
from .care_sql import AMOUNT, COMPANY_TZ, local_time

_logger = logging.getLogger(__name__)

REFRESH_BATCH = 5000
REFRESH_RETRIES = 5
# where runs before 19.0.1.5.0 kept their progress (see customer.care.facts.run)
RUN_STATE_PARAM = "customer_care.facts_refresh_state"
THRESHOLDS_PARAM = "customer_care.top_revenue_thresholds"

# The columns the bulk refresh writes: the care profile, one value per
# partner, with their SQL types...
PROFILE_COLUMNS = [
    ("care_group_id", "int4"),
    ("care_state", "varchar"),
    ("care_next_date", "date"),
]
# ...and the purchase facts, one value per company: company-dependent
# fields, a jsonb column {"company id": value} each, folded from values of
# these SQL types
PURCHASE_TYPES = {
    "care_order_count": "int4",
    "care_online_order_count": "int4",
    "care_revenue": "float8",
    "care_first_order_date": "date",
    "care_last_order_date": "date",
    "care_annual_value": "float8",
    "care_lifetime_value": "float8",
}
REFRESH_COLUMNS = [*PROFILE_COLUMNS, *((name, "jsonb") for name in PURCHASE_FIELDS)]


class CustomerCareFacts(models.AbstractModel):
    """Purchase facts, classification and care state, refreshed in bulk.

    The facts come from confirmed sale orders, rolled up to the commercial
    partner.  Every batch costs the same handful of queries whatever its
    size: one for the partners, one aggregate over their orders, two for
    the product lines bought, one UPDATE of the changed rows.  Other sources
    of purchases can add their own aggregate by overriding
    :meth:`_order_facts`.

    Companies stay apart.  The purchase facts (order counts, revenue, first
    and last order, yearly and lifetime value) are company-dependent: each
    company has its own, counting only its own confirmed orders, in its own
    currency, and its care users read only those.  A partner of one company
    has facts in that company only, even if another company sold to it.
    The care profile (group, state, next care date, customer since, lost
    date, product lines bought) is one per partner: it is evaluated from
    the purchases of the partner's own company, and for a partner shared
    between companies (no company) from those of the company the refresh
    runs in (:meth:`_shared_partner_company`).  Top-revenue ranks compare
    the customers of one company with each other, in its currency.
    """

    _name = "customer.care.facts"
    _description = "Customer Care Purchase Facts"

    # -- entry points -----------------------------------------------------
    @api.model
    def _refresh_partners(self, partner_ids):
        """Refresh some commercial partners now (orders confirmed, cancelled…).

        The top-revenue thresholds of the last full run are reused: ranking
        the whole customer base again for one order would cost a scan of
        all orders.
        """
        thresholds = self._stored_thresholds()
        today = fields.Date.context_today(self)
        shared_company_id = self._shared_partner_company().id
        for chunk in split_every(REFRESH_BATCH, sorted(set(partner_ids)), list):
            self._refresh_batch(chunk, thresholds, today, shared_company_id)

    @api.model
    def _refresh_all(self, batch_size=REFRESH_BATCH):
        """Refresh every commercial partner in this transaction (no commit).

        For module data and tests; the scheduled action uses
        :meth:`_cron_refresh_facts`, which commits batch by batch.
        """
        today = fields.Date.context_today(self)
        thresholds = self._compute_thresholds(today)
        self.env["ir.config_parameter"].sudo().set_param(THRESHOLDS_PARAM, json.dumps(thresholds))
        shared_company_id = self._shared_partner_company().id
        cursor, done = 0, 0
        while ids := self._next_commercial_partners(cursor, batch_size):
            done += self._refresh_batch(ids, thresholds, today, shared_company_id)
            cursor = ids[-1]
        return done

    @api.model
    def _cron_refresh_facts(self, batch_size=None):
        """Refresh every commercial partner, batch after batch.

        Progress (the last partner id done, the day, the thresholds and the
        company of the shared partners of the run) is saved with each
        batch's writes in one transaction, so a run that dies resumes where
        it stopped and finishes exactly as an uninterrupted run would.  It
        is kept in ``customer.care.facts.run``: a system parameter written
        per batch would clear every worker's caches each time.
        The run's last batch triggers the scheduled action "refresh the
        purchase reports": the reports kept as materialized views (purchases
        by month, lifetime value, referrals) then show the day's facts.
        """
        batch_size = batch_size or REFRESH_BATCH
        params = self.env["ir.config_parameter"].sudo()
        run = self._run_progress()
        if not run:
            today = fields.Date.context_today(self)
            run = {
                "cursor": 0,
                "today": fields.Date.to_string(today),
                "thresholds": self._compute_thresholds(today),
                "company": self._shared_partner_company().id,
                "total": self._count_commercial_partners(0),
                "done": 0,
            }
            params.set_param(THRESHOLDS_PARAM, json.dumps(run["thresholds"]))
        today = fields.Date.to_date(run["today"])
        thresholds = self._thresholds_from_json(run["thresholds"])
        cron = self.env["ir.cron"]
        retries = 0
        while True:
            ids = self._next_commercial_partners(run["cursor"], batch_size)
            if ids:
                try:
                    self._refresh_batch(ids, thresholds, today, run["company"])
                    self.env.flush_all()
                except SerializationFailure:
                    # a user changed one of these customers since this
                    # transaction's snapshot: the batch is taken again on a
                    # fresh one (its writes are undone, the cursor has not
                    # moved; a new run's thresholds are stored again)
                    retries += 1
                    if retries > REFRESH_RETRIES:
                        raise
                    _logger.info("facts refresh: batch after %s retried", run["cursor"])
                    self.env.cr.rollback()
                    self.env.invalidate_all()
                    if not run["done"]:
                        params.set_param(THRESHOLDS_PARAM, json.dumps(run["thresholds"]))
                    continue
                retries = 0
            if len(ids) < batch_size:
                # the last batch: the run ends in the same transaction, and
                # the reports kept as materialized views are recomputed
                # next, from the day's facts
                self._save_run_progress(None)
                self._trigger_reports_refresh()
                cron._commit_progress(len(ids), remaining=0)
                return True
            run["cursor"] = ids[-1]
            run["done"] += len(ids)
            self._save_run_progress(run)
            if not cron._commit_progress(len(ids), remaining=max(run["total"] - run["done"], 1)):
                # the scheduler's time slice is used up: it calls again and the
                # next call goes on after the cursor
                return False

    def _run_progress(self):
        """The progress of the run under way (a dict), ``None`` if none."""
        row = self.env["customer.care.facts.run"].sudo().search([], order="id", limit=1)
        return dict(row.progress) if row and row.progress else None

    def _save_run_progress(self, run):
        """Save the progress of the run under way (a dict), or end it (``None``)."""
        Runs = self.env["customer.care.facts.run"].sudo()
        # one row at most: the scheduler never runs the job twice at once
        row = Runs.search([], order="id", limit=1)
        if run is None:
            row.unlink()
            return
        # a copy: the ORM must see a new value, not the cached one changed
        progress = json.loads(json.dumps(run))
        if row:
            row.progress = progress
        else:
            Runs.create({"progress": progress})

    def _trigger_reports_refresh(self):
        cron = self.env.ref("customer_care.ir_cron_care_refresh_reports", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    # -- selection ----------------------------------------------------------
    def _count_commercial_partners(self, cursor):
        self.env.cr.execute(
            "SELECT count(*) FROM res_partner WHERE id > %s AND id = commercial_partner_id",
            (cursor,),
        )
        return self.env.cr.fetchone()[0]

    def _next_commercial_partners(self, cursor, limit):
        # "id = commercial_partner_id" written as two inequalities: PostgreSQL
        # estimates an equality between two columns as matching almost no
        # row, expects LIMIT to need the whole table and scans all partners
        # every batch; the inequalities keep the walk along the primary key.
        self.env.cr.execute(
            """SELECT id FROM res_partner
                WHERE id > %s AND id <= commercial_partner_id AND id >= commercial_partner_id
             ORDER BY id LIMIT %s""",
            (cursor, limit),
        )
        return [row[0] for row in self.env.cr.fetchall()]

    # -- top revenue ----------------------------------------------------------
    def _top_revenue_groups(self):
        return (
            self.env["customer.care.group"]
            .sudo()
            .search([("classification_rule", "=", RULE_TOP_REVENUE)])
        )

    def _compute_thresholds(self, today):
        """Revenue a customer must reach to rank in each top-revenue group,
        per company: ``{group id: {company id: revenue}}``.

        Customers are ranked against the other customers of one company, on
        that company's orders and in its currency: a group of one company
        ranks that company's customers, a group shared between companies
        ranks the customers of each company apart.  The threshold is the
        revenue of the last customer inside the top share
        (``top_rank_size``); customers tied with it are in too.
        """
        thresholds = {}
        for group in self._top_revenue_groups():
            ranked = SQL(
                """SELECT so.company_id, SUM(%(amount)s) AS amount
                     FROM sale_order so
                     JOIN res_partner p ON p.id = so.partner_id
                     JOIN res_partner cp ON cp.id = p.commercial_partner_id
                    WHERE %(where)s AND (cp.company_id IS NULL OR cp.company_id = so.company_id)
                 GROUP BY so.company_id, p.commercial_partner_id
                   HAVING SUM(%(amount)s) > 0""",
                amount=AMOUNT,
                where=self._top_revenue_where(group, today),
            )
            self.env.cr.execute(
                SQL("SELECT company_id, count(*) FROM (%s) AS ranked GROUP BY company_id", ranked)
            )
            sizes = {
                company_id: top_rank_size(count, group.top_percent)
                for company_id, count in self.env.cr.fetchall()
            }
            sizes = {company_id: size for company_id, size in sizes.items() if size}
            if not sizes:
                continue
            self.env.cr.execute(
                SQL(
                    """SELECT company_id, amount FROM (
                           SELECT company_id, amount, row_number() OVER (
                                      PARTITION BY company_id ORDER BY amount DESC) AS rank
                             FROM (%s) AS ranked) AS r
                        WHERE (company_id, rank) IN (
                              SELECT * FROM unnest(%s::int4[], %s::int4[]))""",
                    ranked,
                    list(sizes),
                    list(sizes.values()),
                )
            )
            thresholds[group.id] = {
                company_id: float(amount) for company_id, amount in self.env.cr.fetchall()
            }
        return thresholds

    def _top_revenue_where(self, group, today):
        conditions = [SQL("so.state = 'sale'")]
        if group.period_days:
            start = today - timedelta(days=group.period_days)
            conditions.append(SQL("so.date_order >= %s", kpi.utc_day_start(start, self.env.tz)))
        if group.company_id:
            conditions.append(SQL("so.company_id = %s", group.company_id.id))
        return SQL(" AND ").join(conditions)

    def _stored_thresholds(self):
        raw = self.env["ir.config_parameter"].sudo().get_param(THRESHOLDS_PARAM)
        return self._thresholds_from_json(json.loads(raw or "{}"))

    @staticmethod
    def _thresholds_from_json(data):
        """``{group id: {company id: revenue}}`` from its JSON form (string keys)."""
        return {
            int(group_id): {int(company_id): amount for company_id, amount in by_company.items()}
            for group_id, by_company in data.items()
        }

    def _shared_partner_company(self):
        """The company whose purchases classify the partners shared between
        companies: the company the scheduled refresh runs in (the company
        of its user), whoever triggers a refresh, so that confirming an
        order in another company does not swap the group; the current
        company when the scheduled action is gone."""
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "customer_care.ir_cron_care_refresh_facts", raise_if_not_found=False
        )
        # no exists(): deleting the action deletes its external id too, and
        # the user read stays in the cache from one batch to the next
        cron = self.env["ir.cron"].sudo().browse(cron_id)
        return (cron_id and cron.user_id.company_id) or self.env.company

    # -- one batch --------------------------------------------------------------
    def _refresh_batch(self, partner_ids, thresholds, today, shared_company_id=None):
        """Recompute and write the care facts of ``partner_ids``.

        Each partner's profile is evaluated from the purchases of its own
        company (or, shared, of :meth:`_shared_partner_company`); a shared
        partner's other companies get their purchase facts too, with the
        lifetime value of the partner's care group over each company's
        horizon.
        """
        self.env.flush_all()
        partners = self._partner_rows(partner_ids)
        shared_company_id = shared_company_id or self._shared_partner_company().id
        company_ids = {row["company_id"] or shared_company_id for row in partners}
        groups = (
            self.env["customer.care.group"]
            .sudo()
            .search([("company_id", "in", [False, *company_ids])])
        )
        top_groups = groups.filtered(lambda g: g.id in thresholds)
        orders = self._order_facts(partner_ids, top_groups, today)
        rules_by_company = {}
        policies = {
            g.id: GroupPolicy(cadence_days=g.cadence_days, retention_rate=g.retention_rate)
            for g in groups
        }
        companies = self.env["res.company"].browse(
            company_ids | {cid for by_company in orders.values() for cid in by_company}
        )
        settings_by_company = {}

        def settings(company_id):
            if company_id not in settings_by_company:
                settings_by_company[company_id] = companies.browse(company_id)._care_settings()
            return settings_by_company[company_id]

        values = []
        for row in partners:
            company_id = row["company_id"] or shared_company_id
            if company_id not in rules_by_company:
                rules_by_company[company_id] = groups.filtered(
                    lambda g, c=company_id: not g.company_id or g.company_id.id == c
                )._classification_rules()
            by_company = orders.get(row["id"], {})
            if row["company_id"]:
                # another company's sales to this company's partner stay out
                by_company = {row["company_id"]: by_company.get(row["company_id"], {})}
            facts = by_company.get(company_id, {})
            company_thresholds = {gid: by.get(company_id) for gid, by in thresholds.items()}
            top_ids = frozenset(
                gid
                for gid, amount in facts.get("top_revenue", {}).items()
                if amount and amount >= (company_thresholds.get(gid) or float("inf"))
            )
            vals = evaluate(
                self._purchase_row(
                    facts,
                    partner_id=row["id"],
                    top_group_ids=top_ids,
                    referred=row["referred"],
                    outside_home_area=self._outside_home_area(row, settings(company_id)),
                    locked_group_id=row["care_group_id"] if row["care_group_locked"] else None,
                    current_state=row["care_state"] or "active",
                    last_contact=row["care_last_contact_date"],
                ),
                rules_by_company[company_id],
                policies,
                settings(company_id)["care"],
                today,
            )
            purchases = {}
            if facts:
                purchases[company_id] = {name: vals[name] for name in PURCHASE_FIELDS}
            policy = policies.get(vals["care_group_id"]) or GroupPolicy()
            for other_id, other in by_company.items():
                if other_id != company_id and other:
                    purchases[other_id] = purchase_values(
                        self._purchase_row(other, partner_id=row["id"]),
                        policy.retention_rate / 100.0,
                        settings(other_id)["care"].ltv_years,
                        vals["care_state"] == STATE_DROPPED,
                        today,
                    )
            values.append((row["id"], vals, purchases))
        self._write_rows(values, today)
        self._write_product_lines(partner_ids, shared_company_id)
        return len(values)

    @staticmethod
    def _purchase_row(facts, **partner):
        """A :class:`PartnerRow` of one company's order aggregate ``facts``."""
        return PartnerRow(
            order_count=facts.get("count", 0),
            revenue=float(facts.get("revenue") or 0.0),
            first_order=facts.get("first"),
            last_order=facts.get("last"),
            order_dates=tuple(facts.get("dates") or ()),
            online_orders=facts.get("online", 0),
            **partner,
        )

    def _partner_rows(self, partner_ids):
        self.env.cr.execute(
            """SELECT id, company_id, country_id, state_id, care_group_id,
                      care_group_locked, care_state, care_last_contact_date,
                      (care_referred_by_id IS NOT NULL
                       OR care_referral_source IN ('customer', 'friends_family'))
                          AS referred
                 FROM res_partner WHERE id = ANY(%s) ORDER BY id""",
            (list(partner_ids),),
        )
        return self.env.cr.dictfetchall()

    def _online_condition(self):
        condition = SQL("COALESCE(t.care_is_online, FALSE)")
        if "website_id" in self.env["sale.order"]._fields:
            condition = SQL("(%s OR so.website_id IS NOT NULL)", condition)
        return condition

    def _order_facts(self, partner_ids, top_groups, today):
        """Aggregate the confirmed orders of ``partner_ids`` in one query,
        per company: ``{partner id: {company id: facts}}``, amounts in the
        company's currency."""
        top_columns = [
            SQL(
                "SUM(%s) FILTER (WHERE %s)",
                AMOUNT,
                self._top_revenue_where(group, today),
            )
            for group in top_groups
        ]
        self.env.cr.execute(
            SQL(
                """SELECT p.commercial_partner_id, so.company_id, count(*), SUM(%(amount)s),
                          MIN(%(day)s), MAX(%(day)s), array_agg(%(day)s),
                          count(*) FILTER (WHERE %(online)s)
                          %(top)s
                     FROM sale_order so
                     JOIN res_partner p ON p.id = so.partner_id
                     JOIN %(company_tz)s ctz ON ctz.company_id = so.company_id
                LEFT JOIN crm_team t ON t.id = so.team_id
                    WHERE so.state = 'sale' AND p.commercial_partner_id = ANY(%(ids)s)
                 GROUP BY p.commercial_partner_id, so.company_id""",
                amount=AMOUNT,
                day=SQL("(%s)::date", local_time(SQL("so.date_order"), SQL("ctz.tz"))),
                company_tz=COMPANY_TZ,
                online=self._online_condition(),
                top=SQL("").join(SQL(", %s", col) for col in top_columns),
                ids=list(partner_ids),
            )
        )
        result = {}
        for row in self.env.cr.fetchall():
            result.setdefault(row[0], {})[row[1]] = {
                "count": row[2],
                "revenue": row[3],
                "first": row[4],
                "last": row[5],
                "dates": row[6],
                "online": row[7],
                "top_revenue": {
                    group.id: float(amount or 0.0)
                    for group, amount in zip(top_groups, row[8:], strict=True)
                },
            }
        return result

    @staticmethod
    def _outside_home_area(row, settings):
        states, countries = settings["home_state_ids"], settings["home_country_ids"]
        if states and row["state_id"]:
            return row["state_id"] not in states
        if countries and row["country_id"]:
            return row["country_id"] not in countries
        return False

    def _write_rows(self, values, today):
        """One UPDATE for the batch, touching only rows that changed.

        ``values`` are ``(partner id, profile values, {company id: purchase
        values})``.  The profile goes as one array per column, the purchase
        facts as one row per partner and company, which PostgreSQL folds
        into each fact's jsonb ``{"company id": value}`` (none when the
        partner bought nothing): a company that no longer sells to the
        partner drops out of it.
        """
        if not values:
            return
        profiles = [
            [pid for pid, _vals, _purchases in values],
            *(
                [vals[name] or None for _pid, vals, _purchases in values]
                for name, _type in PROFILE_COLUMNS
            ),
            # the first order in the profile's company: the customer-since date
            [vals["care_first_order_date"] for _pid, vals, _purchases in values],
        ]
        pairs = [
            (pid, company_id, by_name)
            for pid, _vals, purchases in values
            for company_id, by_name in purchases.items()
        ]
        purchases = [
            [pid for pid, _company_id, _by_name in pairs],
            [company_id for _pid, company_id, _by_name in pairs],
            *([by_name[name] for _pid, _cid, by_name in pairs] for name in PURCHASE_FIELDS),
        ]

        def unnest(arrays, types):
            return SQL(", ").join(
                SQL("%s::%s[]", array, SQL(type_))
                for array, type_ in zip(arrays, types, strict=True)
            )

        profile_names = [name for name, _type in PROFILE_COLUMNS]
        columns = SQL(", ").join(SQL.identifier(name) for name, _type in REFRESH_COLUMNS)
        source = SQL(", ").join(
            SQL("v.%s", SQL.identifier(name)) for name, _type in REFRESH_COLUMNS
        )
        self.env.cr.execute(
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
                              ELSE %(today)s END,
                          write_date = now() AT TIME ZONE 'UTC'
                     FROM (SELECT * FROM unnest(%(profiles)s)
                                      AS v(id, %(profile_names)s, first_order)
                      LEFT JOIN (SELECT id, %(aggregates)s
                                   FROM unnest(%(purchases)s) AS c(id, company_id, %(fact_names)s)
                               GROUP BY id) AS c USING (id)) AS v
                    WHERE p.id = v.id
                      AND ((%(p_columns)s) IS DISTINCT FROM (%(source)s)
                           OR (v.first_order IS NOT NULL AND
                               (p.care_customer_since IS NULL
                                OR p.care_customer_since > v.first_order)))
                RETURNING p.id""",
                today=today,
                columns=columns,
                source=source,
                profiles=unnest(profiles, ["int4", *(t for _n, t in PROFILE_COLUMNS), "date"]),
                profile_names=SQL(", ").join(SQL.identifier(name) for name in profile_names),
                purchases=unnest(
                    purchases,
                    ["int4", "int4", *(PURCHASE_TYPES[name] for name in PURCHASE_FIELDS)],
                ),
                fact_names=SQL(", ").join(SQL.identifier(name) for name in PURCHASE_FIELDS),
                aggregates=SQL(", ").join(
                    SQL(
                        "jsonb_object_agg(company_id::text, %s) AS %s",
                        SQL.identifier(name),
                        SQL.identifier(name),
                    )
                    for name in PURCHASE_FIELDS
                ),
                p_columns=SQL(", ").join(
                    SQL("p.%s", SQL.identifier(name)) for name, _type in REFRESH_COLUMNS
                ),
            )
        )
        changed = self.env["res.partner"].browse(row[0] for row in self.env.cr.fetchall())
        fnames = [name for name, _type in REFRESH_COLUMNS] + [
            "care_customer_since",
            "care_lost_date",
        ]
        changed.invalidate_recordset(fnames)
        changed.modified(fnames)

    def _write_product_lines(self, partner_ids, shared_company_id):
        """The product categories each partner bought (brief §1 segments),
        from the orders of the partner's company (for a shared partner, of
        ``shared_company_id``), as its care profile.

        The pairs bought are read once, by a plain SELECT (PostgreSQL plans
        it in parallel, from the batch's partners down their orders' lines;
        inside an INSERT it planned a scan of every order, each batch), and
        one statement then drops the pairs no longer bought and adds the new.
        """
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT p.commercial_partner_id, pt.categ_id
                     FROM sale_order_line l
                     JOIN sale_order so ON so.id = l.order_id
                     JOIN res_partner p ON p.id = so.partner_id
                     JOIN res_partner cp ON cp.id = p.commercial_partner_id
                     JOIN product_product pp ON pp.id = l.product_id
                     JOIN product_template pt ON pt.id = pp.product_tmpl_id
                    WHERE so.state = 'sale' AND pt.categ_id IS NOT NULL
                      AND p.commercial_partner_id = ANY(%s)
                      AND so.company_id = COALESCE(cp.company_id, %s)""",
                list(partner_ids),
                shared_company_id,
            )
        )
        bought = self.env.cr.fetchall()
        self.env.cr.execute(
            SQL(
                """WITH bought AS (
                       SELECT * FROM unnest(%(partners)s::int4[], %(categories)s::int4[])
                                  AS b(partner_id, category_id)
                   ), gone AS (
                       DELETE FROM customer_care_partner_product_category_rel r
                        WHERE r.partner_id = ANY(%(ids)s)
                          AND NOT EXISTS (SELECT 1 FROM bought b
                                           WHERE b.partner_id = r.partner_id
                                             AND b.category_id = r.category_id)
                   )
                   INSERT INTO customer_care_partner_product_category_rel (partner_id, category_id)
                   SELECT partner_id, category_id FROM bought ON CONFLICT DO NOTHING""",
                partners=[pair[0] for pair in bought],
                categories=[pair[1] for pair in bought],
                ids=list(partner_ids),
            )
        )
        self.env["res.partner"].browse(partner_ids).invalidate_recordset(
            ["care_product_category_ids"]
        )
