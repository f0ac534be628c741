"""Reports kept as PostgreSQL materialized views.

Their rows are computed when the view is created (module install or
update) and again on each refresh, not at every read: the reports that
aggregate a million customers' facts read stored rows instead.
"""

from odoo import api, fields, models
from odoo.tools import SQL, format_date, sql

REFRESHED_PARAM = "customer_care.refreshed_at.%s"


def create_materialized_view(cr, table, query, unique, indexes=()):
    """Create ``table`` as a materialized view of ``query``, with its rows.

    Whatever relation of that name exists goes first: a plain view (a
    database upgraded from a version where the report was computed at every
    read) or a previous materialized view (``drop_view_if_exists`` reads its
    kind in ``pg_class.relkind``).  ``unique`` are the columns of the unique
    index a concurrent refresh needs; ``indexes`` are further column lists
    for the usual filters and groupings.
    """
    sql.drop_view_if_exists(cr, table)
    cr.execute(
        SQL(
            "CREATE MATERIALIZED VIEW %s AS (%s) WITH DATA",
            SQL.identifier(table),
            query,
        )
    )
    for position, columns in enumerate((unique, *indexes)):
        name = "uniq" if not position else "_".join(columns)
        cr.execute(
            SQL(
                "CREATE %s INDEX %s ON %s (%s)",
                SQL("UNIQUE") if not position else SQL(),
                SQL.identifier(f"{table}_{name}_idx"),
                SQL.identifier(table),
                SQL(", ").join(SQL.identifier(column) for column in columns),
            )
        )
    analyze(cr, table)


def analyze(cr, table):
    """Give the planner the statistics of ``table``'s new rows.

    A materialized view's rows change all at once and autovacuum may take
    long to analyze them (never, after a creation): without statistics the
    planner takes the month of a million rows for a dozen, sorts them on
    disk to group them instead of hashing (bench/README.md, reports.py,
    has the figures at a million customers).
    """
    cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))


def refresh_materialized_view(model):
    """Recompute the rows of ``model``'s materialized view from the data
    as it is now; readers are not blocked and keep the previous rows until
    the refresh commits; the new rows are analyzed."""
    model.env.flush_all()
    model.env.cr.execute(
        SQL("REFRESH MATERIALIZED VIEW CONCURRENTLY %s", SQL.identifier(model._table))
    )
    analyze(model.env.cr, model._table)
    model.env.invalidate_all()


class CustomerCareReportMaterialized(models.AbstractModel):
    """What the reports kept as materialized views share: their query in
    parts (``customer.care.report.sql``), created with its rows, a unique
    index on ``_materialized_unique`` (what a concurrent refresh needs) and
    indexes on ``_materialized_indexes``; ``_refresh`` recomputes them."""

    _name = "customer.care.report.materialized"
    _inherit = "customer.care.report.sql"
    _description = "Customer Care Report Kept as a Materialized View"
    _materialized_unique = ("id",)
    _materialized_indexes = ()

    def init(self):
        if self._abstract:
            return
        create_materialized_view(
            self.env.cr,
            self._table,
            self._query(),
            unique=self._materialized_unique,
            indexes=self._materialized_indexes,
        )
        self._stamp_refreshed()

    @api.model
    def _refresh(self):
        """Recompute the rows from the data as it is now; readers are not
        blocked."""
        refresh_materialized_view(self)
        self._stamp_refreshed()
        return True

    def _stamp_refreshed(self):
        self.env["ir.config_parameter"].sudo().set_param(
            REFRESHED_PARAM % self._table, fields.Datetime.to_string(fields.Datetime.now())
        )

    @api.model
    def _last_refreshed(self):
        """When the rows were last computed (UTC), or None."""
        value = self.env["ir.config_parameter"].sudo().get_param(REFRESHED_PARAM % self._table)
        return fields.Datetime.to_datetime(value) if value else None

    @api.model
    def _action_open(self, xmlid):
        """The report's window action, its title saying when its rows were
        last computed: a manager who confirmed an order an hour ago and does
        not see it knows why (the rows are refreshed daily)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        when = self._last_refreshed()
        if when:
            # the reader's date format and time zone, to the minute
            local = fields.Datetime.context_timestamp(self, when)
            action["name"] = action["display_name"] = self.env._(
                "%(report)s · last refreshed %(when)s",
                report=action["name"],
                when=f"{format_date(self.env, local.date())} {local:%H:%M}",
            )
        return action
