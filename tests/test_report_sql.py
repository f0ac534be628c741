"""The reports computed in SQL are made of parts that an addon extends
(``_select``, ``_from``, ``_where``, ``_group_by``, ``_with``), and the view
in the database is the query those parts make."""

from unittest.mock import patch

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install")
class TestReportParts(TransactionCase):
    def _sql_reports(self):
        return sorted(
            name
            for name, model in self.env.registry.items()
            if name.startswith("customer.care.report.") and not model._abstract and not model._auto
        )

    def test_every_report_view_is_made_of_the_shared_parts(self):
        reports = self._sql_reports()
        self.assertGreaterEqual(len(reports), 7)
        parts = self.env.registry["customer.care.report.sql"]._inherit_children
        materialized = self.env.registry["customer.care.report.materialized"]._inherit_children
        for name in reports:
            with self.subTest(report=name):
                self.assertTrue(name in parts or name in materialized)

    def test_each_view_holds_the_rows_of_its_query(self):
        for name in self._sql_reports():
            report = self.env[name]
            with self.subTest(report=name):
                self.env.cr.execute(
                    SQL(
                        "SELECT (SELECT count(*) FROM (%s) q), (SELECT count(*) FROM %s)",
                        report._query(),
                        SQL.identifier(report._table),
                    )
                )
                from_query, from_view = self.env.cr.fetchone()
                self.assertEqual(from_query, from_view)

    def test_a_condition_of_an_extending_addon_is_part_of_the_query(self):
        """What a bridge does: its ``_where`` (here: closed plans only)
        narrows the rows of the report."""
        report = self.env["customer.care.report.activity"]
        plans = self.env["customer.care.plan"].with_context(active_test=False)
        done = plans.search_count([("state", "=", "done")])
        self.assertNotEqual(done, plans.search_count([]), "the demo has open and closed plans")
        with patch.object(type(report), "_where", lambda self: SQL("pl.state = 'done'")):
            self.assertEqual(self._count(report._query()), done)
        self.assertEqual(self._count(report._query()), plans.search_count([]))

    def _count(self, query):
        self.env.cr.execute(SQL("SELECT count(*) FROM (%s) q", query))
        return self.env.cr.fetchone()[0]
