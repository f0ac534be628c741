"""The Customer Care dashboards: their data sources resolve, and only care
managers see them."""

import json

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged

from .data_sources import data_sources, period_domain

DASHBOARDS = (
    "customer_care_dashboard.spreadsheet_dashboard_care_service",
    "customer_care_dashboard.spreadsheet_dashboard_keeping_customers",
)
DATE_GRANULARITIES = {"day", "week", "month", "quarter", "year"}


@tagged("post_install", "-at_install")
class TestDashboardSources(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="care_dashboard_manager",
            groups="base.group_user,customer_care.group_care_manager",
        )
        cls.care_user = new_test_user(
            cls.env,
            login="care_dashboard_user",
            groups="base.group_user,customer_care.group_care_user",
        )
        cls.snapshots = {
            xmlid: json.loads(cls.env.ref(xmlid).spreadsheet_data) for xmlid in DASHBOARDS
        }

    def _field(self, model, path):
        """The last field of a dotted ``path`` from ``model``."""
        field = None
        for name in path.split("."):
            self.assertIn(name, model._fields, f"{model._name} has no field {name} ({path})")
            field = model._fields[name]
            if field.relational:
                model = self.env[field.comodel_name]
        return field

    def _check_groupby(self, model, groupby):
        name, _sep, granularity = groupby.partition(":")
        field = self._field(model, name)
        self.assertTrue(
            field._description_groupable(self.env), f"{model._name}.{name} cannot be grouped"
        )
        if field.type in ("date", "datetime"):
            self.assertIn(granularity, DATE_GRANULARITIES, groupby)
        else:
            self.assertFalse(granularity, groupby)

    def _aggregate(self, model, measure):
        if measure == "__count":
            return measure
        field = self._field(model, measure)
        aggregator = field._description_aggregator(self.env)
        self.assertTrue(aggregator, f"{model._name}.{measure} is not aggregatable")
        return f"{measure}:{aggregator}"

    def test_every_data_source_resolves_for_a_care_manager(self):
        today = fields.Date.today()
        for xmlid, snapshot in self.snapshots.items():
            sources = data_sources(snapshot)
            charts = [
                f["data"]
                for f in snapshot["sheets"][0]["figures"]
                if f["data"]["type"] != "scorecard"
            ]
            self.assertGreaterEqual(len(charts), 4, xmlid)
            filters = {f["id"]: f for f in snapshot["globalFilters"]}
            self.assertEqual(
                sorted(f["label"] for f in filters.values()),
                ["Care Group", "Care Team", "Care User", "Company", "Period"],
            )
            for global_filter in filters.values():
                if global_filter["type"] == "relation":
                    self.assertIn(global_filter["modelName"], self.env)
            for source in sources:
                with self.subTest(dashboard=xmlid, source=source.name):
                    self.assertIn(source.model, self.env, source.model)
                    model = self.env[source.model].with_user(self.manager)
                    for groupby in source.groupbys:
                        self._check_groupby(model, groupby)
                    aggregates = [self._aggregate(model, m) for m in source.measures]
                    for column in source.columns:
                        self._field(model, column)
                    for filter_id, match in source.matching.items():
                        self.assertIn(filter_id, filters)
                        field = self._field(model, match["chain"])
                        expected = filters[filter_id]
                        if expected["type"] == "relation":
                            self.assertEqual(field.comodel_name, expected["modelName"])
                            self.assertEqual(field.type, match["type"])
                        else:
                            self.assertIn(field.type, ("date", "datetime"))
                            self.assertEqual(field.type, match["type"])
                    # the calls the browser makes, with the default period
                    domain = source.domain + period_domain(snapshot, source, today)
                    if source.kind == "pivot":
                        model.formatted_read_grouping_sets(
                            domain, [[], source.groupbys], aggregates
                        )
                    elif source.kind == "chart":
                        model.formatted_read_group(domain, source.groupbys, aggregates)
                    else:
                        model.web_search_read(
                            domain,
                            {column: {} for column in source.columns},
                            order=", ".join(
                                f"{name} {'asc' if asc else 'desc'}" for name, asc in source.order
                            ),
                            limit=10,
                        )
                        for name, _asc in source.order:
                            self._field(model, name)

    def test_cells_refer_to_existing_sources_menus_and_data(self):
        for xmlid, snapshot in self.snapshots.items():
            pivots, lists = set(snapshot["pivots"]), set(snapshot["lists"])
            dashboard, data = snapshot["sheets"]
            for cell in dashboard["cells"].values():
                if cell.startswith("=PIVOT("):
                    self.assertIn(cell[len("=PIVOT(") :].split(")")[0].split(",")[0], pivots)
                if cell.startswith("=ODOO.LIST"):
                    self.assertIn(cell.split("(")[1].split(",")[0], lists)
            for cell in data["cells"].values():
                for pivot_id in _pivot_value_ids(cell):
                    self.assertIn(pivot_id, pivots, (xmlid, cell))
            for figure in dashboard["figures"]:
                if figure["data"]["type"] == "scorecard":
                    sheet, ref = figure["data"]["keyValue"].split("!")
                    self.assertEqual(sheet, "Data")
                    self.assertIn(ref, data["cells"])
            # charts drawn from the Data sheet: their labels are the headers of
            # a pivot of the dashboard, their series its values, each under
            # a translatable title
            for figure in dashboard["figures"]:
                chart = figure["data"]
                if chart["type"] not in ("bar", "line"):
                    continue
                sheet, labels = chart["labelRange"].split("!")
                self.assertEqual(sheet, "Data")
                first, last = labels.split(":")
                self.assertEqual(first[0], "D", chart["title"])
                header = data["cells"].get(first, "")
                self.assertTrue(header.startswith("=IFERROR(PIVOT.HEADER("), header)
                pivot_id = header.split("PIVOT.HEADER(")[1].split(",")[0]
                self.assertIn(pivot_id, pivots)
                measures = [m["fieldName"] for m in snapshot["pivots"][pivot_id]["measures"]]
                self.assertTrue(chart["dataSetsHaveTitle"])
                for dataset in chart["dataSets"]:
                    start, end = dataset["dataRange"].split("!")[1].split(":")
                    self.assertEqual(int(start[1:]), int(first[1:]) - 1, chart["title"])
                    self.assertEqual(end[1:], last[1:], chart["title"])
                    self.assertTrue(data["cells"][start].startswith('=_t("'), start)
                    value = data["cells"][f"{start[0]}{first[1:]}"]
                    self.assertIn(f"PIVOT.VALUE({pivot_id},", value)
                    measure = value.split(f"PIVOT.VALUE({pivot_id},")[1].split('"')[1]
                    self.assertIn(measure, measures)
                    # counts are laid out as plain numbers: the axis takes
                    # its format from the data, and a whole-number format
                    # shows the ticks between small counts as "0, 0, 1, 1";
                    # shares and amounts keep their field's format
                    model = self.env[snapshot["pivots"][pivot_id]["model"]]
                    count = measure == "__count" or model._fields[measure].type == "integer"
                    self.assertEqual(
                        f"VALUE(PIVOT.VALUE({pivot_id}," in value, count, (chart["title"], value)
                    )
            for menu in snapshot["chartOdooMenusReferences"].values():
                self.assertTrue(self.env.ref(menu, raise_if_not_found=False), menu)

    def test_only_care_managers_see_the_dashboards(self):
        dashboards = self.env["spreadsheet.dashboard"].browse(
            [self.env.ref(xmlid).id for xmlid in DASHBOARDS]
        )
        self.assertEqual(dashboards.dashboard_group_id.name, "Customer Care")
        Dashboard = self.env["spreadsheet.dashboard"]
        self.assertEqual(
            Dashboard.with_user(self.manager).search([("id", "in", dashboards.ids)]), dashboards
        )
        self.assertFalse(Dashboard.with_user(self.care_user).search([("id", "in", dashboards.ids)]))
        # what the Dashboards app lists: the groups with their published dashboards
        groups = (
            self.env["spreadsheet.dashboard.group"]
            .with_user(self.care_user)
            .search([])
            .published_dashboard_ids
        )
        self.assertFalse(groups & dashboards)


def _pivot_value_ids(formula):
    """The pivot ids of the ``PIVOT.VALUE(id, …)`` calls of ``formula``."""
    parts = formula.split("PIVOT.VALUE(")[1:]
    return {part.split(",")[0].strip() for part in parts}
