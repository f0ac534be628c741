#!/usr/bin/env python3
"""Write the Customer Care spreadsheet dashboards from a Python description.

    scripts/dashboards.py          # rewrites customer_care_dashboard/data/files/*.json

Each dashboard is described below as filters, pivots, lists, charts and
scorecards over customer_care's reports; this script lays them out in the
JSON format Odoo's spreadsheet dashboards load (``spreadsheet_binary_data``,
o-spreadsheet 18.5).  Edit the description, run the script, commit both.
tests/dashboard/test_dashboard_sources.py checks that every data source points
at models and fields that exist.
"""

import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "customer_care_dashboard", "data", "files")

ROW_HEIGHT = 23  # default row height of o-spreadsheet, in pixels
WIDTH = 1160

# -- global filters (ids are stable: saved filter values refer to them) -------
F_PERIOD = "cc-filter-period"
F_COMPANY = "cc-filter-company"
F_GROUP = "cc-filter-care-group"
F_USER = "cc-filter-care-user"
F_TEAM = "cc-filter-care-team"


def global_filters(period_default):
    return [
        {"id": F_PERIOD, "type": "date", "label": "Period", "defaultValue": period_default},
        {
            "id": F_COMPANY,
            "type": "relation",
            "label": "Company",
            "modelName": "res.company",
            "defaultValueDisplayNames": [],
        },
        {
            "id": F_GROUP,
            "type": "relation",
            "label": "Care Group",
            "modelName": "customer.care.group",
            "defaultValueDisplayNames": [],
        },
        {
            "id": F_USER,
            "type": "relation",
            "label": "Care User",
            "modelName": "res.users",
            "defaultValueDisplayNames": [],
        },
        {
            "id": F_TEAM,
            "type": "relation",
            "label": "Care Team",
            "modelName": "customer.care.team",
            "defaultValueDisplayNames": [],
        },
    ]


def matching(date=None, date_type="date", company="company_id", group=None, user=None, team=None):
    """fieldMatching of a data source: which field each global filter filters.

    ``team`` defaults to the care teams of the ``user`` field.
    """
    result = {}
    if date:
        result[F_PERIOD] = {"chain": date, "type": date_type, "offset": 0}
    if company:
        result[F_COMPANY] = {"chain": company, "type": "many2one"}
    if group:
        result[F_GROUP] = {"chain": group, "type": "many2one"}
    if user:
        result[F_USER] = {"chain": user, "type": "many2one"}
        result[F_TEAM] = {"chain": team or f"{user}.care_team_ids", "type": "many2many"}
    return result


class Dashboard:
    """Collects the data sources and the layout of one dashboard."""

    def __init__(self, name, period_default):
        self.name = name
        self.period_default = period_default
        self.pivots = {}
        self.lists = {}
        self.figures = []
        self.cells = {}
        self.styles = {}
        self.formats = {}
        self.data_cells = {}
        self.conditional_formats = []
        self.menus = {}
        self.row = 0  # next free row of the dashboard sheet
        self.y = 10  # next free pixel of the figure area
        self.data_row = 1  # next free row of the Data sheet's pivot blocks (column D on)
        self.kpi_row = 1  # next free row of the Data sheet's scorecard values (A, B)

    # -- data sources ---------------------------------------------------------
    def pivot(self, name, model, measures, rows=(), columns=(), domain=(), match=None):
        pivot_id = str(len(self.pivots) + 1)
        self.pivots[pivot_id] = {
            "type": "ODOO",
            "id": pivot_id,
            "formulaId": pivot_id,
            "name": name,
            "model": model,
            "domain": list(domain),
            "context": {},
            # the field's label (translated with the addon) heads each measure
            "measures": [{"id": fname, "fieldName": fname} for fname, _label in measures],
            "rows": [_dimension(r) for r in rows],
            "columns": [_dimension(c) for c in columns],
            "fieldMatching": match or {},
        }
        return pivot_id

    def list(self, name, model, columns, domain=(), order=(), match=None):
        list_id = str(len(self.lists) + 1)
        self.lists[list_id] = {
            "id": list_id,
            "name": name,
            "model": model,
            "columns": list(columns),
            "domain": list(domain),
            "context": {},
            "orderBy": [{"name": fname, "asc": asc} for fname, asc in order],
            "fieldMatching": match or {},
        }
        return list_id

    # -- figures ----------------------------------------------------------------
    def scorecards(self, cards):
        """A row of scorecards: ``(title, formula, colour)`` each."""
        width = (WIDTH - 10 * (len(cards) - 1)) // len(cards)
        for index, (title, formula, background) in enumerate(cards):
            row = self.kpi_row
            self.kpi_row += 1
            self.data_cells[f"A{row}"] = f'=_t("{title}")'
            self.data_cells[f"B{row}"] = formula
            figure_id = f"{_slug(self.name)}-kpi-{index}"
            self.figures.append(
                {
                    "id": figure_id,
                    "x": index * (width + 10),
                    "y": self.y,
                    "width": width,
                    "height": 100,
                    "tag": "chart",
                    "data": {
                        "type": "scorecard",
                        "title": {"text": title, "bold": True, "color": "#434343"},
                        "background": background,
                        "keyValue": f"Data!B{row}",
                        "baselineMode": "text",
                        "baselineColorUp": "#00A04A",
                        "baselineColorDown": "#DC6965",
                        "humanize": False,
                        "chartId": figure_id,
                    },
                }
            )
        self.y += 120

    def charts(self, charts):
        """A row of one or two charts: Odoo charts (``odoo_bar``/``odoo_line``:
        model, measure, groupby, domain, match — one server call each) or
        charts drawn from Data sheet ranges (``bar``/``line``: labels,
        datasets — see data_block); title, stacked and menu for both."""
        width = (WIDTH - 20) // len(charts)
        for index, chart in enumerate(charts):
            figure_id = f"{_slug(self.name)}-{_slug(chart['title'])}"
            if chart["type"].startswith("odoo_"):
                data = self._odoo_chart(chart)
            else:
                data = self._range_chart(chart)
            self.figures.append(
                {
                    "id": figure_id,
                    "x": index * (width + 20),
                    "y": self.y,
                    "width": width,
                    "height": 320,
                    "tag": "chart",
                    "data": {
                        "title": {"text": chart["title"], "bold": True, "color": "#434343"},
                        "background": "#FFFFFF",
                        "stacked": chart.get("stacked", False),
                        "cumulative": False,
                        "chartId": figure_id,
                        **data,
                        **_axes_design(chart.get("axes", {})),
                    },
                }
            )
            if chart.get("menu"):
                self.menus[figure_id] = chart["menu"]
        self.y += 340

    @staticmethod
    def _odoo_chart(chart):
        mode = chart["type"].removeprefix("odoo_")
        return {
            "type": chart["type"],
            "legendPosition": "top" if len(chart["groupby"]) > 1 else "none",
            "metaData": {
                "groupBy": chart["groupby"],
                "measure": chart["measure"],
                "order": None,
                "resModel": chart["model"],
                "mode": mode,
            },
            "searchParams": {
                "comparison": None,
                "context": {},
                "domain": chart.get("domain", []),
                "groupBy": chart["groupby"],
                "orderBy": [],
            },
            "dataSets": [],
            "verticalAxisPosition": "left",
            "fillArea": mode == "line",
            "fieldMatching": chart.get("match", {}),
        }

    @staticmethod
    def _range_chart(chart):
        return {
            "type": chart["type"],
            "dataSets": [{"dataRange": r, "yAxisId": "y"} for r in chart["datasets"]],
            "dataSetsHaveTitle": True,
            "labelRange": chart["labels"],
            "labelsAsText": True,
            "legendPosition": "top" if len(chart["datasets"]) > 1 else "none",
            "aggregated": False,
            "fillArea": chart["type"] == "line" and len(chart["datasets"]) == 1,
        }

    def data_block(self, pivot_id, titles, rows, counts=()):
        """Lay a pivot out on the hidden Data sheet (column D on), one row per
        group of its row groupby, so that charts can draw its columns: one
        server call feeds the table, the charts and the scorecards.  Returns
        ``(label range, [measure range with its title cell])``.

        ``counts``: the measures that are whole numbers, laid out without
        the field's number format: a chart takes its axis format from its data,
        and a whole-number format would round the ticks between small
        counts (0.2, 0.4…) to "0, 0, 1, 1…".
        """
        pivot = self.pivots[pivot_id]
        dimension = pivot["rows"][0]
        groupby = "#" + ":".join(
            filter(None, (dimension["fieldName"], dimension.get("granularity")))
        )
        measures = [m["fieldName"] for m in pivot["measures"]]
        top = self.data_row
        for index, title in enumerate(titles):
            self.data_cells[f"{chr(ord('E') + index)}{top}"] = f'=_t("{title}")'
        for position in range(1, rows + 1):
            row = top + position
            self.data_cells[f"D{row}"] = (
                f'=IFERROR(PIVOT.HEADER({pivot_id},"{groupby}",{position}),"")'
            )
            for index, measure in enumerate(measures[: len(titles)]):
                value = f'PIVOT.VALUE({pivot_id},"{measure}","{groupby}",{position})'
                if measure in counts:
                    # a plain number, without the field's format; nothing
                    # where the pivot has no such row (VALUE("") would be 0)
                    value = f'IF(D{row}="","",VALUE({value}))'

                self.data_cells[f"{chr(ord('E') + index)}{row}"] = f'=IFERROR({value},"")'

        self.data_row += rows + 2
        labels = f"Data!D{top + 1}:D{top + rows}"
        ranges = [
            f"Data!{chr(ord('E') + index)}{top}:{chr(ord('E') + index)}{top + rows}"
            for index in range(len(titles))
        ]
        return labels, ranges

    # -- cells ------------------------------------------------------------------
    def start_tables(self):
        """Tables go below the figures."""
        self.row = max(self.row, self.y // ROW_HEIGHT + 1)

    def heading(self, text):
        self.row += 1
        self.cells[f"A{self.row}"] = f'=_t("{text}")'
        self.styles[f"A{self.row}"] = 1
        self.row += 1

    def note(self, text):
        """A line of explanation under a heading (what the rows, columns and
        cells of the table below are)."""
        self.cells[f"A{self.row}"] = f'=_t("{text}")'
        self.row += 1

    def pivot_table(self, pivot_id, rows, columns=None, heat=False):
        """``=PIVOT(id)`` spilling over ``rows`` rows (headers and total
        included); ``heat`` colours the values from red to green."""
        top = self.row
        if heat:
            # no totals (a sum of shares means nothing), no measure title row
            self.cells[f"A{top}"] = f"=PIVOT({pivot_id}, {rows}, FALSE, TRUE, {columns}, FALSE)"
        else:
            self.cells[f"A{top}"] = f"=PIVOT({pivot_id})"
        if heat:
            last_col = chr(ord("A") + columns)
            # shares in percent: "45 %", not "45.00"
            for row in range(top + 1, top + rows + 1):
                for col in range(1, columns + 1):
                    self.formats[f"{chr(ord('A') + col)}{row}"] = PERCENT_FORMAT
            self.conditional_formats.append(
                {
                    "id": f"{_slug(self.name)}-heat-{pivot_id}",
                    "ranges": [f"B{top + 1}:{last_col}{top + rows}"],
                    "rule": {
                        "type": "ColorScaleRule",
                        "minimum": {"type": "number", "value": "0", "color": 0xF8D7DA},
                        "midpoint": {"type": "number", "value": "50", "color": 0xFFF3CD},
                        "maximum": {"type": "number", "value": "100", "color": 0x7BC67E},
                    },
                }
            )
        self.row += rows + 1

    def list_table(self, list_id, columns, count):
        top = self.row
        for index, (fname, label) in enumerate(columns):
            col = chr(ord("A") + index)
            self.cells[f"{col}{top}"] = f'=ODOO.LIST.HEADER({list_id}, "{fname}", _t("{label}"))'
            self.styles[f"{col}{top}"] = 2
            for position in range(1, count + 1):
                self.cells[f"{col}{top + position}"] = f'=ODOO.LIST({list_id},{position},"{fname}")'
        self.row += count + 2

    # -- output -----------------------------------------------------------------
    def json(self):
        sheet_rows = max(self.row + 5, self.y // ROW_HEIGHT + 5)
        dashboard_sheet = {
            "id": "dashboard",
            "name": "Dashboard",
            "colNumber": 14,
            "rowNumber": sheet_rows,
            "rows": {},
            "cols": {"0": {"size": 240}, **{str(i): {"size": 70} for i in range(1, 14)}},
            "merges": [],
            "cells": self.cells,
            "styles": self.styles,
            "formats": self.formats,
            "borders": {},
            "conditionalFormats": self.conditional_formats,
            "dataValidationRules": [],
            "figures": [_figure(figure) for figure in self.figures],
            "tables": [],
            "areGridLinesVisible": False,
            "isVisible": True,
            "headerGroups": {"ROW": [], "COL": []},
            "comments": {},
        }
        data_sheet = {
            "id": "data",
            "name": "Data",
            "colNumber": 14,
            "rowNumber": max(self.data_row + 5, 40),
            "rows": {},
            "cols": {"0": {"size": 260}, "1": {"size": 120}, "3": {"size": 160}},
            "merges": [],
            "cells": self.data_cells,
            "styles": {},
            "formats": {},
            "borders": {},
            "conditionalFormats": [],
            "dataValidationRules": [],
            "figures": [],
            "tables": [],
            "areGridLinesVisible": True,
            "isVisible": False,
            "headerGroups": {"ROW": [], "COL": []},
            "comments": {},
        }
        return {
            "version": "18.5.10",
            "sheets": [dashboard_sheet, data_sheet],
            "styles": {
                "1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
                "2": {"textColor": "#434343", "bold": True, "fontSize": 11},
            },
            "formats": {str(PERCENT_FORMAT): '0" %"'},
            "borders": {},
            "revisionId": "START_REVISION",
            "uniqueFigureIds": True,
            "settings": {},
            "pivots": self.pivots,
            "pivotNextId": len(self.pivots) + 1,
            "lists": self.lists,
            "listNextId": len(self.lists) + 1,
            "customTableStyles": {},
            "globalFilters": global_filters(self.period_default),
            "chartOdooMenusReferences": self.menus,
        }


def _axes_design(axes):
    """Axis titles (``{"x": "Month", "y": "Customers"}``): what a chart's
    axis counts, where the title alone leaves it open."""
    if not axes:
        return {}
    return {
        "axesDesign": {
            axis: {"title": {"text": text, "color": "#434343"}} for axis, text in axes.items()
        }
    }


def _dimension(spec):
    name, _sep, granularity = spec.partition(":")
    dimension = {"fieldName": name}
    if granularity:
        dimension["granularity"] = granularity
    return dimension


def _figure(figure):
    figure = dict(figure)
    x, y = figure.pop("x"), figure.pop("y")
    return {**figure, "col": 0, "row": 0, "offset": {"x": x, "y": y}}


def _slug(text):
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


# -- the dashboards -------------------------------------------------------------
SERVICE = "customer.care.report.service"
INCIDENT_MATCH = matching(date="date", date_type="datetime", group="care_group_id", user="user_id")
WEEKS = 14  # weeks of the default period (90 days) and the week it started in


def care_service():
    """Incidents, SLA clocks, satisfaction, complaints and open questions.

    One pivot by week feeds the scorecards, three charts and the weekly
    table: the dashboard opens with five server calls.
    """
    board = Dashboard("Care service", "last_90_days")
    weekly = board.pivot(
        "Service level by week",
        SERVICE,
        [
            ("received_count", "Received"),
            ("resolved_count", "Resolved"),
            ("response_in_time_rate", "Answered in time (%)"),
            ("resolution_in_time_rate", "Resolved in time (%)"),
            ("target_rate", "Within 12 hours (%)"),
            ("satisfaction", "Satisfaction"),
            ("rated_count", "Survey answers"),
        ],
        rows=["date:week"],
        match=INCIDENT_MATCH,
    )
    overdue = board.pivot(
        "Questions past their promise",
        "customer.care.plan.question",
        [("__count", "Questions")],
        domain=[["is_overdue", "=", True]],
        match=matching(group="partner_id.care_group_id", user="user_id"),
    )
    weeks, columns = board.data_block(
        weekly,
        [
            "Received",
            "Resolved",
            "Answered in time (%)",
            "Resolved in time (%)",
            "Within 12 hours (%)",
            "Satisfaction",
            "Survey answers",
        ],
        WEEKS,
        counts={"received_count", "resolved_count", "rated_count"},
    )
    received, resolved, answered, in_time, target, satisfaction, _answers = columns
    board.scorecards(
        [
            ("Received", f'=PIVOT.VALUE({weekly},"received_count")', "#EFF6FF"),
            ("Resolved", f'=PIVOT.VALUE({weekly},"resolved_count")', "#EFF6FF"),
            (
                "Answered in time",
                _no_data(*_percent(weekly, "response_in_time_rate")),
                "#F0FDF4",
            ),
            (
                "Resolved in time",
                _no_data(*_percent(weekly, "resolution_in_time_rate")),
                "#F0FDF4",
            ),
            ("Within 12 hours", _no_data(*_percent(weekly, "target_rate")), "#F0FDF4"),
            ("Questions past promise", f'=PIVOT.VALUE({overdue},"__count")', "#FFF7ED"),
        ]
    )
    board.charts(
        [
            {
                "title": "Incidents received and resolved per week",
                "type": "bar",
                "axes": {"y": "Incidents"},
                "labels": weeks,
                "datasets": [received, resolved],
                "menu": "customer_care.menu_customer_care_report_service",
            },
            {
                "title": "Satisfaction per week (1 to 5)",
                "type": "line",
                "labels": weeks,
                "datasets": [satisfaction],
                "menu": "customer_care.menu_customer_care_incident_satisfaction",
            },
        ]
    )
    board.charts(
        [
            {
                "title": "Answered and resolved within the clocks per week (%)",
                "type": "line",
                "labels": weeks,
                "datasets": [answered, in_time, target],
                "menu": "customer_care.menu_customer_care_report_service",
            },
            {
                "title": "Complaints per 100 orders per month",
                "type": "odoo_line",
                "model": "customer.care.report.complaint",
                "measure": "rate_orders",
                "groupby": ["period:month"],
                "match": matching(date="period"),
                "menu": "customer_care.menu_customer_care_report_complaint",
            },
        ]
    )
    board.start_tables()
    board.heading("Service level by week")
    board.pivot_table(weekly, 16)
    board.heading("Breaches by care group and root cause")
    breaches = board.pivot(
        "Breaches by care group and root cause",
        SERVICE,
        [("breached_count", "Breached")],
        rows=["care_group_id"],
        columns=["root_cause_id"],
        domain=[["breached_count", ">", 0]],
        match=INCIDENT_MATCH,
    )
    board.pivot_table(breaches, 8)
    board.heading("Open questions past their promised date")
    questions = board.list(
        "Open questions past their promised date",
        "customer.care.plan.question",
        ["date_promised", "partner_id", "name", "user_id"],
        domain=[["is_overdue", "=", True]],
        order=[("date_promised", True)],
        match=matching(group="partner_id.care_group_id", user="user_id"),
    )
    board.list_table(
        questions,
        [
            ("date_promised", "Promised by"),
            ("partner_id", "Customer"),
            ("name", "Question"),
            ("user_id", "Responsible"),
        ],
        10,
    )
    return board


PERCENT_FORMAT = 1  # the id of the format '0" %"' in the JSON's "formats"
NO_DATA = '_t("No data")'


def _no_data(value, formula):
    """A scorecard formula saying 'No data' where there is none (never 0 %)."""
    return f'=IF({value}="", {NO_DATA}, {formula})'


def _percent(pivot_id, measure):
    """The value of a share and its display: rounded, in percent."""
    value = f'PIVOT.VALUE({pivot_id},"{measure}")'
    return value, f'ROUND({value},0)&" %"'


PURCHASE = "customer.care.report.purchase"
PURCHASE_MATCH = matching(date="period", group="care_group_id", user="partner_id.care_user_id")
MONTHS = 13  # months of the default period (12 months) and the month it started in


def keeping_customers():
    """Repeat purchases, retention, lost customers, top customers, value, referrals.

    Each report is asked once: its pivot feeds its chart and scorecard.
    """
    board = Dashboard("Keeping customers", "last_12_months")
    repeat = board.pivot(
        "Repeat purchases by month",
        PURCHASE,
        [("repeat_rate", "Repeat buyers (%)"), ("retention_rate", "Bought again next month (%)")],
        rows=["period:month"],
        match=PURCHASE_MATCH,
    )
    lost = board.pivot(
        "Lost customers",
        "res.partner",
        [("__count", "Lost customers")],
        domain=[["care_lost_date", "!=", False], ["parent_id", "=", False]],
        match=matching(date="care_lost_date", group="care_group_id", user="care_user_id"),
    )
    referrals = board.pivot(
        "Referred customers by month",
        "customer.care.report.referral",
        [("referral_count", "Referred customers")],
        rows=["date_referred:month"],
        match=matching(date="date_referred", group="care_group_id", user="partner_id.care_user_id"),
    )
    value = board.pivot(
        "Lifetime value by care group",
        "customer.care.report.value",
        [("avg_lifetime_value", "Average lifetime value"), ("customer_count", "Customers")],
        rows=["care_group_id"],
        match=matching(group="care_group_id", user="care_user_id"),
    )
    months, (repeat_share, retained) = board.data_block(
        repeat, ["Repeat buyers (%)", "Bought again next month (%)"], MONTHS
    )
    referral_months, (referred,) = board.data_block(
        referrals, ["Referred customers"], MONTHS, counts={"referral_count"}
    )
    groups, (lifetime_value, _customers) = board.data_block(
        value, ["Average lifetime value", "Customers"], 8
    )
    board.scorecards(
        [
            ("Repeat buyers", _no_data(*_percent(repeat, "repeat_rate")), "#EFF6FF"),
            (
                "Bought again next month",
                _no_data(*_percent(repeat, "retention_rate")),
                "#F0FDF4",
            ),
            ("Customers lost", f'=PIVOT.VALUE({lost},"__count")', "#FEF2F2"),
            ("Referred customers", f'=PIVOT.VALUE({referrals},"referral_count")', "#EFF6FF"),
            (
                "Average lifetime value",
                _no_data(
                    f'PIVOT.VALUE({value},"avg_lifetime_value")',
                    f'ROUND(PIVOT.VALUE({value},"avg_lifetime_value"),0)',
                ),
                "#FFF7ED",
            ),
        ]
    )
    board.charts(
        [
            {
                "title": "Repeat purchases per month (%)",
                "type": "line",
                "labels": months,
                "datasets": [repeat_share, retained],
                "menu": "customer_care.menu_customer_care_report_repeat",
            },
            {
                "title": "Customers lost per month, by reason",
                "type": "odoo_bar",
                "axes": {"y": "Customers"},
                "model": "res.partner",
                "measure": "__count",
                "groupby": ["care_lost_date:month", "care_lost_reason_id"],
                "domain": [["care_lost_date", "!=", False], ["parent_id", "=", False]],
                "stacked": True,
                "match": matching(
                    date="care_lost_date", group="care_group_id", user="care_user_id"
                ),
                "menu": "customer_care.menu_customer_care_lost",
            },
        ]
    )
    board.charts(
        [
            {
                "title": "Top 20% customers: growing, flat, declining",
                "type": "odoo_bar",
                "axes": {"y": "Customers"},
                "model": "customer.care.top.snapshot",
                "measure": "__count",
                "groupby": ["period:month", "trend"],
                "stacked": True,
                "match": matching(date="period", group="care_group_id", user="user_id"),
                "menu": "customer_care.menu_customer_care_top_snapshot",
            },
            {
                "title": "Referred customers per month",
                "type": "bar",
                "axes": {"y": "Customers"},
                "labels": referral_months,
                "datasets": [referred],
                "menu": "customer_care.menu_customer_care_report_referral",
            },
        ]
    )
    board.charts(
        [
            {
                "title": "Average lifetime value by care group",
                "type": "bar",
                "labels": groups,
                "datasets": [lifetime_value],
                "menu": "customer_care.menu_customer_care_report_value",
            },
        ]
    )
    board.start_tables()
    board.heading("Retention by cohort: share of each month's new customers buying, month by month")
    board.note(
        "Rows: month of the first order. Columns: months after the first order (0 = that "
        "month). Cells: % of the cohort buying; blank: nobody bought, or the month is not over."
    )
    cohorts = board.pivot(
        "Retention by cohort",
        PURCHASE,
        [("cohort_share", "Cohort buying (%)")],
        rows=["cohort:month"],
        columns=["cohort_age"],
        domain=[["cohort_age", "<=", 12]],
        match=matching(date="cohort", group="care_group_id", user="partner_id.care_user_id"),
    )
    board.pivot_table(cohorts, 13, columns=13, heat=True)
    return board


DASHBOARDS = {
    "care_service_dashboard.json": care_service,
    "keeping_customers_dashboard.json": keeping_customers,
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for filename, build in DASHBOARDS.items():
        path = os.path.join(OUT, filename)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(build().json(), handle, indent=1, ensure_ascii=False)
            handle.write("\n")
        print(path)


if __name__ == "__main__":
    main()
