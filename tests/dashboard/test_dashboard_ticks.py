"""Charts of counts tick in whole numbers: no 0.2 customer on an axis.

A count chart is a chart whose every series is a count: ``__count`` or an
integer field of its model, asked directly (Odoo charts) or laid out on the
Data sheet (charts drawn from ranges).  Each has its values as plain
numbers, a title on its value axis, and the dashboards' bundle carries the
whole-number tick rule (``static/src/integer_ticks.js``) that Chart.js
applies to an axis of whole numbers.
"""

import json
import re

from odoo.tests import TransactionCase, tagged

DASHBOARDS = (
    "customer_care_dashboard.spreadsheet_dashboard_care_service",
    "customer_care_dashboard.spreadsheet_dashboard_keeping_customers",
)
# the count charts of both dashboards, written by hand
COUNT_CHARTS = {
    "Incidents received and resolved per week",
    "Customers lost per month, by reason",
    "Top 20% customers: growing, flat, declining",
    "Referred customers per month",
}
PIVOT_VALUE = re.compile(r'PIVOT\.VALUE\((\d+),"([^"]+)"')


@tagged("post_install", "-at_install")
class TestDashboardTicks(TransactionCase):
    def _is_count(self, model, measure):
        if measure == "__count":
            return True
        return self.env[model]._fields[measure].type == "integer"

    def _range_cells(self, data_sheet, data_range):
        """The cells of a one-column ``Data!E10:E23`` range, title row excluded."""
        match = re.fullmatch(r"Data!([A-Z])(\d+):([A-Z])(\d+)", data_range)
        col, top, _col, bottom = match.groups()
        return [
            data_sheet["cells"].get(f"{col}{row}", "")
            for row in range(int(top) + 1, int(bottom) + 1)
        ]

    def _count_charts(self, snapshot):
        """``{title: (is_count, chart data)}`` of every chart of ``snapshot``."""
        dashboard, data_sheet = snapshot["sheets"]
        charts = {}
        for figure in dashboard["figures"]:
            if figure["tag"] != "chart":
                continue
            chart = figure["data"]
            if chart["type"] == "scorecard":
                continue
            if chart["type"].startswith("odoo_"):
                meta = chart["metaData"]
                counts = [self._is_count(meta["resModel"], meta["measure"])]
            else:
                counts = []
                for dataset in chart["dataSets"]:
                    cells = [c for c in self._range_cells(data_sheet, dataset["dataRange"]) if c]
                    self.assertTrue(cells, dataset["dataRange"])
                    for cell in cells:
                        pivot_id, measure = PIVOT_VALUE.search(cell).groups()
                        model = snapshot["pivots"][pivot_id]["model"]
                        is_count = self._is_count(model, measure)
                        counts.append(is_count)
                        if is_count:
                            # a plain number: the field's format would round the ticks
                            self.assertIn("VALUE(PIVOT.VALUE(", cell)
            charts[chart["title"]["text"]] = (all(counts), chart)
        return charts

    def test_every_count_chart_has_whole_numbers_and_an_axis_title(self):
        found = set()
        for xmlid in DASHBOARDS:
            snapshot = json.loads(self.env.ref(xmlid).spreadsheet_data)
            for title, (is_count, chart) in self._count_charts(snapshot).items():
                if not is_count:
                    continue
                found.add(title)
                with self.subTest(chart=title):
                    axis = chart.get("axesDesign", {}).get("y", {}).get("title", {})
                    self.assertTrue(axis.get("text"), "the value axis says what it counts")
        self.assertEqual(found, COUNT_CHARTS)

    def test_the_dashboards_bundle_carries_the_whole_number_ticks(self):
        bundle = self.env["ir.qweb"]._get_asset_bundle(
            "spreadsheet.o_spreadsheet", debug_assets=True
        )
        urls = [asset.url for asset in bundle.javascripts]
        self.assertIn("/customer_care_dashboard/static/src/integer_ticks.js", urls)
        source = next(
            asset for asset in bundle.javascripts if asset.url.endswith("integer_ticks.js")
        ).content
        self.assertIn("ticks.precision = 0", source)
        self.assertIn('chartJsExtensionRegistry.add("careIntegerTicksPlugin"', source)

    def test_the_cohort_grid_shows_percentages_and_says_what_its_axes_are(self):
        snapshot = json.loads(
            self.env.ref(
                "customer_care_dashboard.spreadsheet_dashboard_keeping_customers"
            ).spreadsheet_data
        )
        dashboard = snapshot["sheets"][0]
        (cohort_cell,) = [
            cell
            for cell, content in dashboard["cells"].items()
            if content.startswith("=PIVOT(") and "FALSE, TRUE" in content
        ]
        row = int(cohort_cell[1:])
        # the values right of the row headers are shares in percent
        self.assertEqual(snapshot["formats"][str(dashboard["formats"][f"B{row + 1}"])], '0" %"')
        notes = [content for content in dashboard["cells"].values() if "Columns: months" in content]
        self.assertEqual(len(notes), 1)
        self.assertIn("Rows: month of the first order", notes[0])
