from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_amount, format_date, split_every

from ..logic import kpi
from ..logic.kpi import TREND_DECLINING, TRENDS
from .care_refs import GENERIC_ACTIVITY, activity_type_ref
from .care_sql import AMOUNT

SNAPSHOT_BATCH = 500
MANAGER = "customer_care.group_care_manager"


class CustomerCareTopSnapshot(models.Model):
    """One top customer of one month: the top-20 % watch (brief §6).

    Each month the customers making the top share of the company's revenue
    are snapshotted with last month's revenue beside this month's; a decline
    gives the care person an activity and the managers a digest line.  One
    row per (company, period, customer): rerunning a month adds nothing.
    """

    _name = "customer.care.top.snapshot"
    _description = "Top Customer Snapshot"
    _order = "period desc, rank, id"
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    period = fields.Date(required=True, readonly=True, help="First day of the month watched.")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    rank = fields.Integer(
        readonly=True,
        aggregator=False,
        help="Rank by revenue in the month, from 1; 0 (shown empty) when the customer fell "
        "out of the top.",
    )
    month = fields.Char(
        compute="_compute_month", help="The month watched, written as a month (not a day)."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    revenue = fields.Monetary(readonly=True, help="Untaxed revenue of the month.")
    previous_revenue = fields.Monetary(readonly=True, help="Untaxed revenue of the month before.")
    change_amount = fields.Monetary(string="Change", readonly=True)
    change_percent = fields.Float(
        string="Change (%)",
        readonly=True,
        aggregator=False,
        digits=(16, 1),
        help='0 for a customer who bought nothing the month before: see "New in the top".',
    )
    is_new = fields.Boolean(
        string="New in the Top",
        compute="_compute_is_new",
        store=True,
        help="Bought nothing the month before: a growth from zero has no percentage.",
    )
    growth = fields.Char(
        compute="_compute_growth",
        help='The change in percent, or "New in the top" for a customer who bought nothing '
        "the month before.",
    )
    trend = fields.Selection(TRENDS, required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Care Responsible", readonly=True, index="btree_not_null"
    )
    care_group_id = fields.Many2one("customer.care.group", readonly=True)

    _company_period_partner_uniq = models.Constraint(
        "UNIQUE(company_id, period, partner_id)",
        "A customer is snapshotted once per company and month.",
    )
    _company_period_idx = models.Index("(company_id, period, trend)")

    @api.depends_context("lang")
    def _compute_month(self):
        for snapshot in self:
            snapshot.month = format_date(self.env, snapshot.period, date_format="MMMM yyyy")

    @api.depends("previous_revenue", "revenue")
    def _compute_is_new(self):
        for snapshot in self:
            snapshot.is_new = not snapshot.previous_revenue and snapshot.revenue > 0

    @api.depends("is_new", "change_percent")
    @api.depends_context("lang")
    def _compute_growth(self):
        new = self.env._("New in the top")
        for snapshot in self:
            snapshot.growth = new if snapshot.is_new else f"{snapshot.change_percent:+.1f} %"

    # -- scheduled action ---------------------------------------------------
    @api.model
    def _cron_snapshot_top(self, period=None, batch_size=None, commit=True):
        """Snapshot last month's top customers, batch after batch.

        Each batch writes its rows and the activities of its declines in one
        transaction; the batch that completes the month also sends the
        managers' digest of all its declines, once.  Rows already there are
        skipped, so a run that dies resumes where it stopped and a second
        run of the same month changes nothing (and sends no digest).
        Returns True once the month is complete.  ``commit=False`` runs the
        month in the current transaction (module data).
        """
        batch_size = batch_size or SNAPSHOT_BATCH
        today = fields.Date.context_today(self)
        period = kpi.month_start(period or kpi.add_months(today, -1))
        todo = []
        companies = self.env["res.company"].sudo().search([("active", "=", True)], order="id")
        for company in companies:
            done = self._snapshotted_partner_ids(company, period)
            todo += [
                (company, row)
                for row in self._watch_rows(company, period)
                if row.partner_id not in done
            ]
        cron = self.env["ir.cron"]
        remaining = len(todo)
        for batch in split_every(batch_size, todo, list):
            self._create_snapshots(period, batch)
            remaining -= len(batch)
            if not remaining:
                self.sudo().search(
                    [
                        ("company_id", "in", companies.ids),
                        ("period", "=", period),
                        ("trend", "=", TREND_DECLINING),
                    ]
                )._notify_managers()
            if not commit:
                continue
            if not cron._commit_progress(len(batch), remaining=remaining) and remaining:
                # the scheduler's slice is used up: the next call skips the
                # customers already snapshotted
                return False
        if commit:
            cron._commit_progress(0, remaining=0)
        return True

    # -- computation --------------------------------------------------------
    def _snapshotted_partner_ids(self, company, period):
        self.env.cr.execute(
            "SELECT partner_id FROM customer_care_top_snapshot "
            "WHERE company_id = %s AND period = %s",
            (company.id, period),
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _month_revenues(self, company, period):
        """Untaxed revenue per commercial partner over one month (the month
        in the company's time zone, as every report cuts months: care_sql), one query."""
        self.env["sale.order"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """SELECT p.commercial_partner_id, SUM(%s)
                     FROM sale_order so
                     JOIN res_partner p ON p.id = so.partner_id
                    WHERE so.state = 'sale' AND so.company_id = %s
                      AND so.date_order >= %s AND so.date_order < %s
                 GROUP BY p.commercial_partner_id""",
                AMOUNT,
                company.id,
                kpi.utc_day_start(period, company._care_tz()),
                kpi.utc_day_start(kpi.add_months(period, 1), company._care_tz()),
            )
        )
        return {pid: float(amount or 0.0) for pid, amount in self.env.cr.fetchall()}

    def _watch_rows(self, company, period):
        previous_period = kpi.add_months(period, -1)
        self.env.cr.execute(
            "SELECT partner_id FROM customer_care_top_snapshot "
            "WHERE company_id = %s AND period = %s AND rank > 0",
            (company.id, previous_period),
        )
        previous_top = [row[0] for row in self.env.cr.fetchall()]
        return kpi.watch_list(
            self._month_revenues(company, period),
            self._month_revenues(company, previous_period),
            previous_top,
            company.care_top_percent,
            company.care_top_growth_threshold,
            company.care_top_decline_threshold,
        )

    def _create_snapshots(self, period, batch):
        """Write one batch: rows, then the activities of its declines."""
        partners = self.env["res.partner"].sudo().browse(row.partner_id for _c, row in batch)
        partners.fetch(["care_user_id", "user_id", "care_group_id"])
        companies = self.env["res.company"].union(*(company for company, _row in batch))
        assignable = companies._care_assignable(partners.care_user_id | partners.user_id)
        snapshots = self.sudo().create(
            [
                {
                    "company_id": company.id,
                    "period": period,
                    "partner_id": row.partner_id,
                    "rank": row.rank or 0,
                    "revenue": row.revenue,
                    "previous_revenue": row.previous_revenue,
                    "change_amount": row.revenue - row.previous_revenue,
                    "change_percent": row.change_percent,
                    "trend": row.trend,
                    "user_id": self._care_person(
                        partners.browse(row.partner_id), company, assignable
                    ).id,
                    "care_group_id": partners.browse(row.partner_id).care_group_id.id,
                }
                for company, row in batch
            ]
        )
        declines = snapshots.filtered(lambda s: s.trend == TREND_DECLINING)
        if declines:
            declines._schedule_decline_activities()
        return snapshots

    @staticmethod
    def _care_person(partner, company, assignable):
        """The customer's care responsible, else salesperson, among the
        users who can take care work in ``company`` (``assignable``: the
        ``(user id, company id)`` pairs of the batch); else nobody."""
        for user in (partner.care_user_id, partner.user_id):
            if user and (user.id, company.id) in assignable:
                return user
        return partner.env["res.users"]

    def _decline_line(self):
        self.ensure_one()
        return self.env._(
            "%(partner)s: %(previous)s → %(current)s (%(change)s)",
            partner=self.partner_id.display_name,
            previous=format_amount(self.env, self.previous_revenue, self.currency_id),
            current=format_amount(self.env, self.revenue, self.currency_id),
            change=f"{self.change_percent:+.0f} %",
        )

    def _schedule_decline_activities(self):
        """A to-do for the care person (or salesperson) of each declining
        customer, else for the first care manager of the company; nobody
        who can take it leaves the activity out (the managers' digest lists
        the customer anyway)."""
        todo = activity_type_ref(self.env, GENERIC_ACTIVITY)
        model_id = self.env["ir.model"]._get_id("res.partner")
        managers = {company: company._care_first_manager() for company in self.company_id}
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": snapshot.partner_id.id,
                    "activity_type_id": todo.id if todo else False,
                    "summary": self.env._("Top customer declining"),
                    "note": Markup("<p>%s</p>") % snapshot._decline_line(),
                    "user_id": (snapshot.user_id or managers[snapshot.company_id]).id,
                    "date_deadline": fields.Date.context_today(self),
                }
                for snapshot in self
                if snapshot.user_id or managers[snapshot.company_id]
            ]
        )

    def _notify_managers(self):
        """One digest line per declining customer, in the managers' inbox."""
        for company in self.company_id:
            lines = self.filtered(lambda s, c=company: s.company_id == c)
            managers = (
                self.env["res.users"]
                .sudo()
                .search(
                    [
                        ("all_group_ids", "in", self.env.ref(MANAGER).id),
                        ("company_ids", "in", company.id),
                    ]
                )
            )
            if not managers:
                continue
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._(
                    "Top customers whose sales declined in %(period)s (%(company)s):",
                    period=lines[0].period.strftime("%m/%Y"),
                    company=company.name,
                ),
                Markup("").join(Markup("<li>%s</li>") % line._decline_line() for line in lines),
            )
            self.env["mail.thread"].sudo().message_notify(
                model=self._name,
                res_id=lines[0].id,
                partner_ids=managers.partner_id.ids,
                subject=self.env._("Customer care digest: declining top customers"),
                body=body,
            )
