"""The server calls a spreadsheet dashboard makes when it opens.

Pure functions over the dashboard's JSON (no ORM): the tests check that
every call resolves against the models, bench/reports.py times them on the
benchmark database.  A pivot asks ``formatted_read_grouping_sets``, a chart
``formatted_read_group``, a list ``web_search_read``, as Odoo's spreadsheet
does; the period filter adds its default range to the domain.
"""

from collections import namedtuple
from datetime import timedelta

DataSource = namedtuple(
    "DataSource", "kind name model domain groupbys measures columns order matching"
)

# default values of the date filter, as days back from today
PERIOD_DAYS = {
    "last_7_days": 7,
    "last_30_days": 30,
    "last_90_days": 90,
    "last_12_months": 365,
}


def data_sources(snapshot):
    """Every pivot, chart and list of ``snapshot`` (the dashboard's JSON)."""
    sources = []
    for pivot in snapshot.get("pivots", {}).values():
        sources.append(
            DataSource(
                kind="pivot",
                name=pivot["name"],
                model=pivot["model"],
                domain=list(pivot.get("domain") or []),
                groupbys=[_groupby(d) for d in pivot.get("rows", []) + pivot.get("columns", [])],
                measures=[m["fieldName"] for m in pivot.get("measures", [])],
                columns=[],
                order=[],
                matching=pivot.get("fieldMatching", {}),
            )
        )
    for sheet in snapshot.get("sheets", []):
        for figure in sheet.get("figures", []):
            data = figure.get("data", {})
            if not data.get("type", "").startswith("odoo_"):
                continue
            meta = data["metaData"]
            sources.append(
                DataSource(
                    kind="chart",
                    name=data.get("title", {}).get("text", figure["id"]),
                    model=meta["resModel"],
                    domain=list(data["searchParams"].get("domain") or []),
                    groupbys=list(meta["groupBy"]),
                    measures=[meta["measure"]],
                    columns=[],
                    order=[],
                    matching=data.get("fieldMatching", {}),
                )
            )
    for spreadsheet_list in snapshot.get("lists", {}).values():
        sources.append(
            DataSource(
                kind="list",
                name=spreadsheet_list["name"],
                model=spreadsheet_list["model"],
                domain=list(spreadsheet_list.get("domain") or []),
                groupbys=[],
                measures=[],
                columns=list(spreadsheet_list["columns"]),
                order=[
                    (o["name"], o.get("asc", True)) for o in spreadsheet_list.get("orderBy", [])
                ],
                matching=spreadsheet_list.get("fieldMatching", {}),
            )
        )
    return sources


def period_domain(snapshot, source, today):
    """The domain the period filter adds to ``source`` with its default value."""
    for global_filter in snapshot.get("globalFilters", []):
        if global_filter["type"] != "date":
            continue
        match = source.matching.get(global_filter["id"])
        days = PERIOD_DAYS.get(global_filter.get("defaultValue"))
        if not match or not match.get("chain") or not days:
            continue
        start = today - timedelta(days=days - 1)
        end = today + timedelta(days=1)
        return [
            (match["chain"], ">=", start.isoformat()),
            (match["chain"], "<", end.isoformat()),
        ]
    return []


def _groupby(dimension):
    granularity = dimension.get("granularity")
    return f"{dimension['fieldName']}:{granularity}" if granularity else dimension["fieldName"]
