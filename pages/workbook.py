"""The analyst's report as an Excel workbook (XlsxWriter): the same numbers as the report page.

Sheets: the alignment matrix (numbers coloured like the heatmap; each cell's note is the cell as
`policykg align` prints it, with its sentences), roll-up, gaps, owners (per department) and the
tasks they own, year-over-year changes, conflicts, unmapped metrics, and evidence (every target
of the report's plans with source, offsets and text). Header row first, frozen, with filters, so
a sheet reads back as a table.

XlsxWriter writes the file and does nothing else (openpyxl, which the tests read it back with,
would import numpy into every command's start-up).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from policykg.queries.report import Report

__all__ = ["SHEETS", "EVIDENCE_COLUMNS", "share_colour", "gap_colour", "write_workbook"]

EVIDENCE_COLUMNS = ["source", "start_offset", "end_offset", "text"]
PERCENT, POINTS = "0.0%", '+0.0" pt";-0.0" pt";"0 pt"'


def _blend(low: tuple[int, int, int], high: tuple[int, int, int], t: float) -> str:
    t = min(max(t, 0.0), 1.0)
    return "#" + "".join(f"{round(a + (b - a) * t):02X}" for a, b in zip(low, high))


def share_colour(share: float, top: float = 0.2) -> str:
    """The fill of a share of the city target: white at 0, deep blue at `top` (20%) and above.

    >>> share_colour(0.0), share_colour(0.2), share_colour(0.5)
    ('#F7FBFF', '#08519C', '#08519C')
    """
    return _blend((0xF7, 0xFB, 0xFF), (0x08, 0x51, 0x9C), share / top)


def gap_colour(gap: float, span: float = 30.0) -> str:
    """The fill of a rate's gap to the city target: red below, white at it, green above (±`span` points).

    >>> gap_colour(0.0), gap_colour(30.0), gap_colour(-30.0)
    ('#FFFFFF', '#31A354', '#DE2D26')
    """
    if gap >= 0:
        return _blend((0xFF, 0xFF, 0xFF), (0x31, 0xA3, 0x54), gap / span)
    return _blend((0xFF, 0xFF, 0xFF), (0xDE, 0x2D, 0x26), -gap / span)


class _Formats:
    """The workbook's cell formats, made once each (XlsxWriter keeps every format it is given)."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3A5F"})
        self.text = wb.add_format({"text_wrap": True, "valign": "top"})
        self.percent = wb.add_format({"num_format": PERCENT})
        self._fills: dict[tuple[str, str, bool], Any] = {}

    def fill(self, colour: str, number_format: str, white: bool) -> Any:
        key = (colour, number_format, white)
        if key not in self._fills:
            self._fills[key] = self.wb.add_format({"bg_color": colour, "num_format": number_format,
                                                   "font_color": "#FFFFFF" if white else "#1D2733"})
        return self._fills[key]


def _plain(value: Any) -> Any:
    """Lists as text a reader can see (Excel cells hold no lists)."""
    if isinstance(value, list):
        return ", ".join("" if v is None else str(v) for v in value)
    return value


def _table(ws: Worksheet, f: _Formats, columns: list[str], rows: list[list[Any]],
           widths: dict[str, int] | None = None) -> None:
    ws.write_row(0, 0, columns, f.header)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            value = _plain(value)
            if value is None:
                continue
            ws.write(r, c, value, f.text if columns[c] == "text" else None)
    ws.freeze_panes(1, 0)
    if rows:
        ws.autofilter(0, 0, len(rows), len(columns) - 1)
    for c, name in enumerate(columns):
        ws.set_column(c, c, (widths or {}).get(name) or (60 if name == "text" else max(10, min(28, len(name) + 4))))


def _evidence(ev: dict | None) -> list[Any]:
    ev = ev or {}
    return [ev.get(c) for c in EVIDENCE_COLUMNS]


def _matrix(ws: Worksheet, f: _Formats, report: Report) -> None:
    columns = ["indicator", "measure", "city_value", "city_unit"] + [d["column"] for d in report.districts]
    _table(ws, f, columns, [[r["label"], r["measure"], r["city_value"], r["city_unit"]] for r in report.rows],
           {"indicator": 30})
    ws.autofilter(0, 0, len(report.rows), len(columns) - 1)
    cells = {(c["row"], c["district"]): c for c in report.cells}
    for r, row in enumerate(report.rows, 1):
        for c, d in enumerate(report.districts, 4):
            cell = cells.get((row["id"], d["source"]))
            if cell is None:
                continue
            share = cell["measure"] == "share"
            colour = share_colour(cell["value"]) if share else gap_colour(cell["value"])
            dark = cell["value"] > 0.12 if share else abs(cell["value"]) > 20
            ws.write_number(r, c, cell["value"], f.fill(colour, PERCENT if share else POINTS, dark))
            ws.write_comment(r, c, cell["text"] + "\n" + "\n".join(
                f"{a['evidence']['source']} [{a['evidence']['start_offset']}:{a['evidence']['end_offset']}] "
                f"{a['evidence']['text']}" for a in cell["alignments"]), {"author": "policykg", "x_scale": 2, "y_scale": 2})
    ws.freeze_panes(1, 4)
    ws.set_column(4, 3 + max(len(report.districts), 1), 24)


def _rollup(ws: Worksheet, f: _Formats, report: Report) -> None:
    columns = ["indicator", "city_value", "city_unit", "districts", "regions", "district_values", "district_total",
               "covered_share", "lowest", "highest", "conflicting_regions"] + EVIDENCE_COLUMNS
    _table(ws, f, columns, [[r[c] for c in columns[:-4]] + _evidence(r["evidence"]) for r in report.rollup],
           {"indicator": 30})
    share = columns.index("covered_share")
    for r, row in enumerate(report.rollup, 1):
        if row["covered_share"] is not None:
            ws.write_number(r, share, row["covered_share"], f.percent)


def _records(columns: list[str], part: str) -> Callable[[Worksheet, _Formats, Report], None]:
    def write(ws: Worksheet, f: _Formats, report: Report) -> None:
        records = getattr(report, part)
        _table(ws, f, columns + EVIDENCE_COLUMNS, [[r.get(c) for c in columns] + _evidence(r["evidence"]) for r in records],
               {"indicator": 24, "metric": 24})
    return write


def _owners(ws: Worksheet, f: _Formats, report: Report) -> None:
    _table(ws, f, ["region", "department", "tasks", "explicit", "inferred", "rules"],
           [[w["region"], w["department"], w["explicit"] + w["inferred"], w["explicit"], w["inferred"], w["rules"]]
            for w in report.workload], {"department": 30, "rules": 40})


def _owner_tasks(ws: Worksheet, f: _Formats, report: Report) -> None:
    _table(ws, f, ["region", "department", "how", "item", "title"] + EVIDENCE_COLUMNS,
           [[w["region"], w["department"], t["how"], t["item"], t["title"]] + _evidence(t)
            for w in report.workload for t in w["tasks"]], {"department": 30, "title": 40})


def _targets(ws: Worksheet, f: _Formats, report: Report) -> None:
    columns = ["region", "year", "indicator", "metric", "value", "value_max", "unit", "kind", "conflict", "status", "id"]
    _table(ws, f, columns + EVIDENCE_COLUMNS, [[t.get(c) for c in columns] + _evidence(t) for t in report.targets],
           {"indicator": 24, "metric": 24})


# Sheet name → what writes it, in workbook order.
SHEETS: dict[str, Callable[[Worksheet, _Formats, Report], None]] = {
    "alignment": _matrix,
    "rollup": _rollup,
    "gaps": _records(["kind", "region", "year", "indicator", "metric", "value", "unit"], "gaps"),
    "owners": _owners,
    "owner_tasks": _owner_tasks,
    "changes": _records(["region", "year", "indicator", "status", "value", "unit", "previous_value", "previous_source",
                         "delta"], "changes"),
    "conflicts": _records(["indicator", "metric", "value", "unit", "kind"], "conflicts"),
    "unmapped": _records(["region", "year", "metric", "value", "unit"], "unmapped"),
    "evidence": _targets,
}


def write_workbook(report: Report, path: str) -> None:
    """Write the workbook of `report` to `path`, one sheet per part (see SHEETS)."""
    with open(path, "wb") as fh:      # an unwritable path fails here, as an OSError, before any work
        _write(xlsxwriter.Workbook(fh), report)


def _write(wb: Workbook, report: Report) -> None:
    try:
        wb.set_properties({"title": f"policykg report: {report.city['title'] or report.city['source']}",
                           "author": "policykg"})
        formats = _Formats(wb)
        for name, write in SHEETS.items():
            write(wb.add_worksheet(name), formats, report)
    finally:
        wb.close()
