"""The analyst's report as an Excel workbook (openpyxl): the same numbers as the report page.

Sheets: the alignment matrix (numbers coloured like the heatmap; each cell's note is the cell as
`policykg align` prints it), roll-up, gaps, owners (per department) and the tasks they own,
year-over-year changes, conflicts, unmapped metrics, and evidence (every target of the report's
plans with source, offsets and text). Header row first, frozen, with filters, so a sheet reads
back as a table.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from policykg.queries.report import Report

__all__ = ["SHEETS", "EVIDENCE_COLUMNS", "share_colour", "gap_colour", "report_workbook", "write_workbook"]

EVIDENCE_COLUMNS = ["source", "start_offset", "end_offset", "text"]
PERCENT, POINTS = "0.0%", '+0.0" pt";-0.0" pt";"0 pt"'
_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
_HEADER_FONT = Font(bold=True, color="FFFFFF")


def _blend(low: tuple[int, int, int], high: tuple[int, int, int], t: float) -> str:
    t = min(max(t, 0.0), 1.0)
    return "".join(f"{round(a + (b - a) * t):02X}" for a, b in zip(low, high))


def share_colour(share: float, top: float = 0.2) -> str:
    """The fill of a share of the city target: white at 0, deep blue at `top` (20%) and above.

    >>> share_colour(0.0), share_colour(0.2), share_colour(0.5)
    ('F7FBFF', '08519C', '08519C')
    """
    return _blend((0xF7, 0xFB, 0xFF), (0x08, 0x51, 0x9C), share / top)


def gap_colour(gap: float, span: float = 30.0) -> str:
    """The fill of a rate's gap to the city target: red below, white at it, green above (±`span` points).

    >>> gap_colour(0.0), gap_colour(30.0), gap_colour(-30.0)
    ('FFFFFF', '31A354', 'DE2D26')
    """
    if gap >= 0:
        return _blend((0xFF, 0xFF, 0xFF), (0x31, 0xA3, 0x54), gap / span)
    return _blend((0xFF, 0xFF, 0xFF), (0xDE, 0x2D, 0x26), -gap / span)


def _table(ws: Worksheet, columns: list[str], rows: list[list[Any]], widths: dict[str, int] | None = None) -> None:
    ws.append(columns)
    for cell in ws[1]:
        cell.fill, cell.font = _HEADER_FILL, _HEADER_FONT
    for row in rows:
        ws.append([_plain(v) for v in row])
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    for i, name in enumerate(columns, 1):
        width = (widths or {}).get(name) or (60 if name == "text" else max(10, min(28, len(name) + 4)))
        ws.column_dimensions[get_column_letter(i)].width = width
        if name == "text":
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _plain(value: Any) -> Any:
    """Lists as text a reader can see (Excel cells hold no lists); line breaks of hard-wrapped sources kept."""
    if isinstance(value, list):
        return ", ".join("" if v is None else str(v) for v in value)
    return value


def _evidence(ev: dict | None) -> list[Any]:
    ev = ev or {}
    return [ev.get(c) for c in EVIDENCE_COLUMNS]


def _matrix(ws: Worksheet, report: Report) -> None:
    columns = ["indicator", "measure", "city_value", "city_unit"] + [d["column"] for d in report.districts]
    _table(ws, columns, [], {"indicator": 30})
    cells = {(c["row"], c["district"]): c for c in report.cells}
    for r_index, row in enumerate(report.rows, 2):
        ws.append([row["label"], row["measure"], row["city_value"], row["city_unit"]])
        for c_index, d in enumerate(report.districts, 5):
            cell = cells.get((row["id"], d["source"]))
            if cell is None:
                continue
            target = ws.cell(row=r_index, column=c_index, value=cell["value"])
            target.number_format = PERCENT if cell["measure"] == "share" else POINTS
            colour = share_colour(cell["value"]) if cell["measure"] == "share" else gap_colour(cell["value"])
            target.fill = PatternFill("solid", fgColor=colour)
            if cell["measure"] == "share" and cell["value"] > 0.12:
                target.font = Font(color="FFFFFF")
            target.comment = Comment(cell["text"] + "\n" + "\n".join(
                f"{a['evidence']['source']} [{a['evidence']['start_offset']}:{a['evidence']['end_offset']}] "
                f"{a['evidence']['text']}" for a in cell["alignments"]), "policykg")
    ws.freeze_panes = "E2"
    for i in range(5, 5 + len(report.districts)):
        ws.column_dimensions[get_column_letter(i)].width = 24


def _rollup(ws: Worksheet, report: Report) -> None:
    columns = ["indicator", "city_value", "city_unit", "districts", "regions", "district_values", "district_total",
               "covered_share", "lowest", "highest", "conflicting_regions"] + EVIDENCE_COLUMNS
    _table(ws, columns, [[r[c] for c in columns[:-4]] + _evidence(r["evidence"]) for r in report.rollup], {"indicator": 30})
    share_column = columns.index("covered_share") + 1
    for (cell,) in ws.iter_rows(min_row=2, min_col=share_column, max_col=share_column):
        cell.number_format = PERCENT


def _records(columns: list[str]) -> Callable[[Worksheet, list[dict]], None]:
    def write(ws: Worksheet, records: list[dict]) -> None:
        _table(ws, columns + EVIDENCE_COLUMNS, [[r.get(c) for c in columns] + _evidence(r["evidence"]) for r in records],
               {"indicator": 24, "metric": 24})
    return write


def _owners(ws: Worksheet, report: Report) -> None:
    _table(ws, ["region", "department", "tasks", "explicit", "inferred", "rules"],
           [[w["region"], w["department"], w["explicit"] + w["inferred"], w["explicit"], w["inferred"], w["rules"]]
            for w in report.workload], {"department": 30, "rules": 40})


def _owner_tasks(ws: Worksheet, report: Report) -> None:
    _table(ws, ["region", "department", "how", "item", "title"] + EVIDENCE_COLUMNS,
           [[w["region"], w["department"], t["how"], t["item"], t["title"]] + _evidence(t)
            for w in report.workload for t in w["tasks"]], {"department": 30, "title": 40})


def _targets(ws: Worksheet, report: Report) -> None:
    columns = ["region", "year", "indicator", "metric", "value", "value_max", "unit", "kind", "conflict", "status", "id"]
    _table(ws, columns + EVIDENCE_COLUMNS, [[t.get(c) for c in columns] + _evidence(t) for t in report.targets],
           {"indicator": 24, "metric": 24})


# Sheet name → what writes it, in workbook order.
SHEETS: dict[str, Callable[[Worksheet, Report], None]] = {
    "alignment": _matrix,
    "rollup": _rollup,
    "gaps": lambda ws, r: _records(["kind", "region", "year", "indicator", "metric", "value", "unit"])(ws, r.gaps),
    "owners": _owners,
    "owner_tasks": _owner_tasks,
    "changes": lambda ws, r: _records(["region", "year", "indicator", "status", "value", "unit", "previous_value",
                                       "previous_source", "delta"])(ws, r.changes),
    "conflicts": lambda ws, r: _records(["indicator", "metric", "value", "unit", "kind"])(ws, r.conflicts),
    "unmapped": lambda ws, r: _records(["region", "year", "metric", "value", "unit"])(ws, r.unmapped),
    "evidence": _targets,
}


def report_workbook(report: Report) -> Workbook:
    """The workbook of `report`, one sheet per part (see SHEETS)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, write in SHEETS.items():
        write(wb.create_sheet(name), report)
    wb.properties.title = f"policykg report: {report.city['title'] or report.city['source']}"
    return wb


def write_workbook(report: Report, path: str) -> None:
    report_workbook(report).save(path)
