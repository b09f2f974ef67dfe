"""Numbers in tables: what a number's column or row says of it, and numbers alone in a cell.

Plans state targets in tables too (| 新增养老床位 | 600张 |, | 养老床位（张） | 600 |). A row
of totals sums the rows that state the targets; a header over the number's column says
whether it was done (| 2024年完成 |) or which year it is for (| 2025年目标 |).

Examples:
    >>> from policykg.loaders.extract.targets.grammar import grammar
    >>> table = "| 指标 | 2024年完成 | 2025年目标 |\\n| 养老床位 | 500张 | 600张 |"
    >>> table_column(grammar(), table, table.index("500"))
    Column(skip=True, first_year=None, last_year=None)
    >>> table_column(grammar(), table, table.index("600"))
    Column(skip=False, first_year=2025, last_year=2025)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from policykg.loaders import numbers
from policykg.loaders.extract.targets.grammar import (
    CJK,
    SENTENCE_REACH,
    Grammar,
    Verb,
    back,
    forward,
)
from policykg.loaders.extract.targets.model import Statement

__all__ = ["Column", "table_column", "another_value_follows", "label_before", "table_cells"]

_NEWLINE = frozenset("\n")


@dataclass(frozen=True)
class Column:
    """What the table says of a number's cell."""
    skip: bool                       # a total row, or a column of what was done or there is
    first_year: int | None = None    # the years the column's header names
    last_year: int | None = None


@lru_cache(maxsize=8)
def _table_headers(text: str) -> dict[int, tuple[int, int]]:
    """The start of every table line (a line holding |) → (start, end) of the first line of its table."""
    out: dict[int, tuple[int, int]] = {}
    header = None
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if "|" in line:
            header = header or (start, end)
            out[start] = header
        else:
            header = None
        start = end + 1
    return out


def _cells_before(line: str, offset: int) -> tuple[list[str], int]:
    """The cells of a table line before `offset`, and the index of the cell holding it."""
    head = line[:offset]
    lead = 1 if line.lstrip().startswith("|") else 0
    cells = head.split("|")[lead:]
    return [c.strip() for c in cells[:-1]], len(cells) - 1


def table_column(g: Grammar, text: str, pos: int) -> Column | None:
    """What the table around `pos` says of the number there: a row of totals (| 合计 | … |) sums the
    rows that state the targets; a header over the number's column (| 2024年完成 | 2025年目标 |)
    says whether it was done (or there is) or which year it is for. None outside tables."""
    line_start = back(text, pos, _NEWLINE, reach=len(text))
    header = _table_headers(text).get(line_start)
    if header is None:
        return None
    line = text[line_start:forward(text, pos, _NEWLINE, reach=len(text))]
    before, index = _cells_before(line, pos - line_start)
    if any(c in g.total_rows for c in before):
        return Column(skip=True)
    if header[0] == line_start:
        return None                              # the number is in the header row itself
    head_line = text[header[0]:header[1]]
    lead = 1 if head_line.lstrip().startswith("|") else 0
    head_cells = head_line.split("|")[lead:]
    if index >= len(head_cells):
        return None
    cell = head_cells[index].strip()
    if g.review_column_re.search(cell) and not g.review_column_blockers_re.search(cell):
        return Column(skip=True)
    years = [int(y) for y in g.year_word_re.findall(cell)]
    return Column(skip=False, first_year=min(years), last_year=max(years)) if years else None


def another_value_follows(g: Grammar, text: str, end: int) -> bool:
    """The table cell ending at `end` is followed by another cell holding a number: | 30家 | 35家 |
    (this year's value and last year's, or two years' targets) — which one is the target the row
    alone does not say.

    Examples:
        >>> from policykg.loaders.extract.targets.grammar import grammar
        >>> row = "| 养老床位 | 520张 | 600张 |"
        >>> another_value_follows(grammar(), row, row.index("520张") + 4)
        True
        >>> another_value_follows(grammar(), row, row.index("600张") + 4)
        False
    """
    cell_end = forward(text, end, g.hard, reach=SENTENCE_REACH)
    return text[cell_end:cell_end + 1] == "|" and bool(g.number_cell.match(text, cell_end))


def label_before(g: Grammar, text: str, end: int) -> tuple[str, int, Verb | None]:
    """The table cell or label ending at `end`, after its last verb: (metric, start, verb)."""
    start = back(text, end, g.clause)
    verbs = g.verbs_in(text[start:end], start)
    mstart = verbs[-1].end if verbs else start
    return text[mstart:end], mstart, verbs[-1] if verbs else None


def _cell_value(m: re.Match) -> tuple[float, float | None] | None:
    """The value (and the low end of a range) of a number alone in a cell; None for none or Chinese numerals."""
    lo_text, hi_text = m.group("lo"), m.group("hi")
    lo: float | None = None
    if hi_text:
        rng = numbers.parse_range(lo_text, hi_text)
        if rng is None:
            return None
        lo, value = rng
    else:
        parsed = numbers.parse_number(lo_text)
        if parsed is None:
            return None
        value = parsed
    if numbers.is_chinese_numeral(lo_text):
        return None
    return value, lo


def _cell_unit(g: Grammar, text: str, cell_start: int, cell_end: int) -> tuple[str, int] | None:
    """The unit of the number after the cell text[cell_start:cell_end], and where its metric ends:
    a cell of its own (| 养老床位 | 张 | 600 |) or brackets (| 新增养老床位（张） | 600 |)."""
    cell = text[cell_start:cell_end].strip()
    if cell in g.unit_class:
        if text[cell_start - 1:cell_start] != "|":
            return None
        return cell, cell_start - 1
    bracketed = g.unit_in_brackets.search(text, cell_start, cell_end)
    if bracketed:
        return bracketed.group("unit"), bracketed.start()
    return None


def table_cells(g: Grammar, text: str) -> list[Statement]:
    """A number alone in a table cell, its unit in a cell of its own or in brackets
    after the metric: | 新增养老床位（张） | 600 | or | 养老床位 | 张 | 600 |.

    Examples:
        >>> from policykg.loaders.extract.targets.grammar import grammar
        >>> [(s.metric, s.value, s.unit) for s in table_cells(grammar(), "| 新增养老床位（张） | 600 |")]
        [('养老床位', 600.0, '张')]
        >>> table_cells(grammar(), "| 新增养老床位 | 600 |")
        []
    """
    out = []
    for m in g.bare_cell.finditer(text):
        read = _cell_value(m)
        if read is None or another_value_follows(g, text, m.end()):
            continue
        value, lo = read
        column = table_column(g, text, m.start("lo"))
        if column is not None and column.skip:
            continue                             # | 合计 | … / | 2024年完成 |: not a target
        cell_start = back(text, m.start(), g.hard, reach=SENTENCE_REACH)   # m.start(): the | before the number
        found = _cell_unit(g, text, cell_start, m.start())
        if found is None:
            continue
        unit, cell_end = found
        metric, mstart, verb = label_before(g, text, cell_end)
        cleaned = g.clean_metric(metric)
        if not CJK.search(cleaned):
            continue
        mstart += max(metric.find(cleaned), 0)
        span_start = verb.start if verb else mstart
        out.append(Statement(
            value=value, value_max=value if lo is not None else None, value_min=lo, unit=unit,
            metric=cleaned, metric_span=(mstart, mstart + len(cleaned)), action=verb, modifiers=[],
            span=(span_start, m.end("hi") if m.group("hi") else m.end("lo")), written=m.group().strip("| \t"),
            chinese=False, as_of_year=column.last_year if column else None,
            from_year=column.first_year if column else None))
    return out
