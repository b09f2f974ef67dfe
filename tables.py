"""Terminal tables that fit the terminal: `policykg`'s `--format table`, drawn with rich.

A table is as wide as the terminal (`COLUMNS`, else the terminal's size, else 100 columns when
the output goes to a pipe or file): long text wraps inside its column, numbers are rounded,
lists read as text, and the evidence columns (the sentence, its offsets, graph ids, the basis of
a comparison) stay out unless asked for (`--evidence`, or `--columns` naming them). JSON and CSV
output is not drawn here: it stays complete (graph/tabular.py).
"""
from __future__ import annotations

import io
import re
import shutil
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

__all__ = ["DEFAULT_WIDTH", "MAX_CELL", "terminal_width", "is_evidence", "choose_columns", "tidy_text", "cell_text",
           "fit_widths", "draw_table"]

DEFAULT_WIDTH = 100


def terminal_width() -> int:
    """The width to draw for: $COLUMNS, else the terminal's, else DEFAULT_WIDTH (output to a pipe or file)."""
    return max(shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns, 20)


def is_evidence(column: str) -> bool:
    """Columns that back a row up rather than answer the question: shown with --evidence.

    >>> [c for c in ["source", "text", "city_text", "start_offset", "target_id", "id", "basis", "value"] if is_evidence(c)]
    ['text', 'city_text', 'start_offset', 'target_id', 'id', 'basis']
    >>> is_evidence("city_source"), is_evidence("source")
    (True, False)
    """
    return (column in ("text", "id", "basis") or column.endswith(("_text", "_offset", "_id", "_ids", "_source")))


def choose_columns(columns: Sequence[str], evidence: bool = False, wanted: Sequence[str] | None = None) -> list[int]:
    """Indexes of the columns to draw: `wanted` (names, in that order), else all but the evidence
    columns unless `evidence`; a table of evidence columns alone keeps them all.

    >>> choose_columns(["source", "text", "value"])
    [0, 2]
    >>> choose_columns(["source", "text", "value"], evidence=True)
    [0, 1, 2]
    >>> choose_columns(["source", "text", "value"], wanted=["value", "text"])
    [2, 1]
    >>> choose_columns(["source", "text"], wanted=["nope"])
    Traceback (most recent call last):
    ...
    ValueError: no column 'nope'; columns: source, text
    """
    if wanted:
        unknown = [w for w in wanted if w not in columns]
        if unknown:
            raise ValueError(f"no column {unknown[0]!r}; columns: {', '.join(columns)}")
        return [list(columns).index(w) for w in wanted]
    shown = [i for i, c in enumerate(columns) if evidence or not is_evidence(c)]
    return shown or list(range(len(columns)))


_HARD_WRAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")
_BLANK_LINES = re.compile(r"[ \t]*\n\s*\n\s*")
MAX_CELL = 300   # characters of one cell a table shows; JSON and CSV have all of it


def tidy_text(text: str, limit: int = MAX_CELL) -> str:
    r"""Text as a cell shows it: a line break inside Chinese text (a hard-wrapped source) joined,
    runs of blank lines as one line break, and cut with "…" past `limit` characters.

    >>> tidy_text("持证率达到\n\n  90%"), tidy_text("养老护理员\n\n技能等级"), tidy_text("a\nb"), tidy_text("长长长长", 3)
    ('持证率达到\n90%', '养老护理员技能等级', 'a\nb', '长长…')
    """
    text = _BLANK_LINES.sub("\n", _HARD_WRAP.sub("", text.replace("\r", ""))).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def cell_text(value: Any) -> str:
    """A value as a table shows it: numbers rounded, lists and records as plain text.

    >>> [cell_text(v) for v in (None, 600.0, 0.06166666666666667, 1234.5678, True, 2025)]
    ['', '600', '0.062', '1,234.57', 'yes', '2025']
    >>> cell_text(["jingan-2025", "jinshan-2025"]), cell_text([{"department": "养老服务科", "rule": "theme:养老"}])
    ('jingan-2025, jinshan-2025', '养老服务科 (theme:养老)')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:,.2f}" if abs(value) >= 100 else f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, dict):
        parts = [cell_text(v) for v in value.values() if v not in (None, "", [])]
        return parts[0] + (f" ({', '.join(parts[1:])})" if parts[1:] else "") if parts else ""
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(v) for v in value)
    return tidy_text(str(value))


def fit_widths(natural: Sequence[int], room: int) -> list[int]:
    """Column widths that fit `room`: every column its natural width if they all fit, else each
    column at most a cap, the largest cap that fits (short columns keep theirs, long text wraps).

    >>> fit_widths([6, 4, 40], 60), fit_widths([6, 4, 40], 30), fit_widths([30, 30], 10)
    ([6, 4, 40], [6, 4, 20], [5, 5])
    """
    if sum(natural) <= room:
        return list(natural)
    cap = max(room // max(len(natural), 1), 1)
    while sum(min(n, cap + 1) for n in natural) <= room:
        cap += 1
    widths = [min(n, cap) for n in natural]
    # The room a cap leaves over goes to the widest columns, one column each.
    spare = room - sum(widths)
    for k in sorted(range(len(natural)), key=lambda k: -natural[k]):
        if spare <= 0:
            break
        if widths[k] < natural[k]:
            widths[k] += 1
            spare -= 1
    return widths


def draw_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], width: int | None = None,
               evidence: bool = False, wanted: Sequence[str] | None = None) -> str:
    """The rows as a table no wider than `width` (default: `terminal_width()`); see the module docstring.

    >>> print(draw_table(["region", "beds", "text"], [["静安区", 600.0, "新增600张养老床位"]], width=30))
    region  beds
    ────────────
    静安区   600
    """
    width = width or terminal_width()
    shown = choose_columns(columns, evidence, wanted)
    texts = [[cell_text(r[i]) for i in shown] for r in rows]
    widest = [max([1] + [cell_len(line) for t in texts for line in t[k].splitlines()]) for k in range(len(shown))]
    headers = [columns[i] for i in shown]
    natural = [max(w, cell_len(h)) for w, h in zip(widest, headers)]
    gap = 2 if len(shown) <= 8 else 1
    room = width - gap * (len(shown) - 1)
    squeezed = sum(natural) > room
    if squeezed:     # headers may break after underscores: district_/value needs only len("district_")
        natural = [max(w, *(cell_len(part) + 1 for part in h.split("_"))) for w, h in zip(widest, headers)]
    widths = fit_widths(natural, room)
    # When cells must wrap, a blank line between rows keeps each row's lines together, and a long
    # header breaks after its underscores (district_/value) rather than anywhere.
    # SIMPLE_HEAD draws a one-space divider between columns; the right padding widens it to `gap`.
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, gap - 1, 0, 0), leading=int(squeezed))
    for k, i in enumerate(shown):
        numeric = all(isinstance(r[i], (int, float)) and not isinstance(r[i], bool) for r in rows if r[i] is not None)
        header = headers[k].replace("_", "_\n") if cell_len(headers[k]) > widths[k] else headers[k]
        table.add_column(header, overflow="fold", justify="right" if numeric and rows else "left",
                         width=widths[k], min_width=widths[k], max_width=widths[k])
    for t in texts:
        table.add_row(*t)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False,
                      emoji=False, markup=False, legacy_windows=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").splitlines())
