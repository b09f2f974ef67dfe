"""Render rows as an aligned table, JSON, JSON Lines or CSV (for stdout)."""
from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from typing import Any

__all__ = ["FORMATS", "render", "render_records", "json_safe"]

FORMATS = ("table", "json", "jsonl", "csv")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render(columns: list[str], rows: list[list[Any]], fmt: str = "table", max_cell: int = 60) -> str:
    """The rows as an aligned table (CJK characters count two columns), JSON, JSON Lines or CSV.

    >>> print(render(["region", "beds"], [["静安区", 600.0]]))
    region  beds
    ------  ----
    静安区  600
    >>> render(["region", "beds"], [["静安区", 600.0]], "jsonl")
    '{"region": "静安区", "beds": 600.0}'
    """
    if fmt == "json":
        return json.dumps([dict(zip(columns, json_safe(r))) for r in rows], ensure_ascii=False, indent=2, allow_nan=False)
    if fmt == "jsonl":
        return "\n".join(json.dumps(dict(zip(columns, json_safe(r))), ensure_ascii=False, allow_nan=False) for r in rows)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in r] for r in rows])
        return buf.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    cells = [[_clip(_cell(v).replace("\n", " "), max_cell) for v in r] for r in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def pad(text: str, w: int) -> str:
        return text + " " * (w - _width(text))

    lines = ["  ".join(pad(c, w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def json_safe(value: Any) -> Any:
    """`value` with every NaN or infinite float (inside lists and maps too) as None: strict JSON has no
    NaN or Infinity, and parsers that follow it reject the whole line.

    >>> json_safe([1.5, float("inf"), {"v": float("nan"), "w": [float("-inf")]}])
    [1.5, None, {'v': None, 'w': [None]}]
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def render_records(records: list[dict], fmt: str = "table", columns: list[str] | None = None) -> str:
    columns = columns or (list(records[0]) if records else [])
    return render(columns, [[r.get(c) for c in columns] for r in records], fmt)


def _clip(text: str, limit: int) -> str:
    if _width(text) <= limit:
        return text
    out, w = [], 0
    for ch in text:
        w += _width(ch)
        if w > limit - 1:
            break
        out.append(ch)
    return "".join(out) + "…"
