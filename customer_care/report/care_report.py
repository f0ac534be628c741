"""What every report of the suite computed in SQL shares: its query in
parts that an inheriting model (a bridge addon) extends one at a time, as
Odoo's own activity report of CRM does.

``_select()`` is the select list, ``_from()`` the tables and joins,
``_where()`` the condition, ``_group_by()`` the grouping and ``_with()``
the common table expressions ``name AS (…), …`` the others read; each
returns an :class:`~odoo.tools.SQL` fragment without its keyword, and an
empty ``SQL()`` where the report has none.  A bridge adds a column with::

    def _select(self):
        return SQL("%s, so.x AS x", super()._select())
"""

from odoo import models
from odoo.tools import SQL, sql


class CustomerCareReportSql(models.AbstractModel):
    """A report whose rows are a PostgreSQL view over the query its parts
    make (``_query()``), computed at every read."""

    _name = "customer.care.report.sql"
    _description = "Customer Care Report Computed in SQL"

    def _with(self):
        return SQL()

    def _select(self):
        raise NotImplementedError

    def _from(self):
        raise NotImplementedError

    def _where(self):
        return SQL()

    def _group_by(self):
        return SQL()

    def _query(self):
        """The report's rows, as an :class:`~odoo.tools.SQL` query made of
        its parts."""
        parts = []
        if cte := self._with():
            parts.append(SQL("WITH %s", cte))
        parts.append(SQL("SELECT %s FROM %s", self._select(), self._from()))
        if condition := self._where():
            parts.append(SQL("WHERE %s", condition))
        if grouping := self._group_by():
            parts.append(SQL("GROUP BY %s", grouping))
        return SQL("\n").join(parts)

    def init(self):
        if self._abstract:
            return
        sql.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
