"""The table reader: a plan's task tables, read from their `a | b | c |` lines.

The readers render every table row as one line of cells (`序号 | 工作任务 | 牵头单位 |`,
see `loaders/read.py`). Here such lines become a header (`table_header`: which
column numbers the rows, which names the task), rows grouped into tasks
(`row_groups`: merged cells continue the row above; `continues_header`: a sub-header
row names columns), the columns of a task
(`row_columns`) and the category rows that head a group of rows
(`is_category_row`, `category_heading`). `loaders/structure.py` turns them into
sections and row tasks; `loaders/owners.py` reads the owner columns.

The column names live in `vocab/structure.yaml` (`tables`) and `vocab/owners.yaml`
(`columns`). Every span is a half-open offset pair into the text.

Examples:
    >>> text = "| 1 | 新增床位 | 养老服务科 |"
    >>> [text[s:e] for s, e in row_cell_spans(text, 0, len(text))]
    ['1', '新增床位', '养老服务科']
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol, TypeVar

from policykg.loaders.annotations import squash, trim
from policykg.loaders.vocabulary import load_vocab, pattern

__all__ = [
    "cell_separators", "row_cell_spans", "leading_separator_is_a_cell",
    "is_rule_row", "is_column_name", "is_period_name", "continues_header", "with_sub_header",
    "TableHeader", "table_header", "Row", "row_groups",
    "cell_text", "is_arabic_number", "numbered_in_arabic", "unique_names", "row_columns", "index_cell",
    "title_column", "group_span", "SectionMarker", "is_category_row", "category_heading",
]

Span = tuple[int, int]


class Row(Protocol):
    """A table line as the structure parser keeps it: the spans of its cells."""
    cells: list[Span]


R = TypeVar("R", bound=Row)


class SectionMarker(Protocol):
    """A heading style that can number a category row (`一、`): a pattern whose group
    `n` is the numeral (and `after` what follows it), and the path it gives."""
    @property
    def pattern(self) -> re.Pattern: ...
    @property
    def path(self) -> str: ...


# --------------------------------------------------------------------------- cells


@cache
def cell_separators() -> str:
    """The characters that separate the cells of a table line (`|`, `｜`)."""
    return "".join(load_vocab("structure")["tables"]["cell_separator"])


def row_cell_spans(text: str, start: int, end: int, width: int | None = None) -> list[Span]:
    """Trimmed spans of the cells of one `a | b | c |` line (outer empty cells dropped).

    A line that starts with a separator is ambiguous: a markdown border (`| 1 | 新增 |`)
    or a reader's row whose first cell is empty (`| 新增 | 科 |`, see read.py's
    `render_table_row`). With the table's `width` (its header's number of columns)
    the leading separator is an empty first cell exactly when that makes the row as
    wide as the header (rule `leading_separator_is_a_cell`); without it, a border.

    Examples:
        >>> text = "| 1 | | 养老服务科 |"
        >>> [text[s:e] for s, e in row_cell_spans(text, 0, len(text))]
        ['1', '', '养老服务科']
        >>> text = "| 新增床位 | 养老服务科 |"
        >>> [text[s:e] for s, e in row_cell_spans(text, 0, len(text), width=3)]
        ['', '新增床位', '养老服务科']
        >>> row_cell_spans("推进养老", 0, 4)
        [(0, 4)]
    """
    seps = cell_separators()
    bounds, cell_start = [], start
    for i in range(start, end):
        if text[i] in seps:
            bounds.append((cell_start, i))
            cell_start = i + 1
    bounds.append((cell_start, end))
    cells = [trim(text, s, e) for s, e in bounds]
    if len(cells) > 1 and cells[-1][0] == cells[-1][1] and text[start:end].rstrip()[-1:] in seps:
        cells = cells[:-1]
    if (len(cells) > 1 and cells[0][0] == cells[0][1] and text[start:end].lstrip()[:1] in seps
            and not leading_separator_is_a_cell(len(cells), width)):
        cells = cells[1:]
    return cells


def leading_separator_is_a_cell(cells: int, width: int | None) -> bool:
    """Rule: a row line that starts with a separator has an empty first cell, not a
    border, when counting that cell makes it exactly as wide as its table's header.

    Examples:
        >>> leading_separator_is_a_cell(3, 3)     # `| 新增 | 科 |` under `序号 | 任务 | 单位 |`
        True
        >>> leading_separator_is_a_cell(4, 3), leading_separator_is_a_cell(3, None)   # a markdown border
        (False, False)
    """
    return width is not None and cells == width


def cell_text(text: str, cells: list[Span], column: int) -> str:
    """The text of one cell without spaces; "" when the row has no such cell.

    Examples:
        >>> text = "| 1 | 养老 服务科 |"
        >>> cell_text(text, row_cell_spans(text, 0, len(text)), 1)
        '养老服务科'
        >>> cell_text(text, row_cell_spans(text, 0, len(text)), 5)
        ''
    """
    return squash(text[cells[column][0]:cells[column][1]]) if column < len(cells) else ""


def is_rule_row(cells: list[str]) -> bool:
    """A markdown `|---|:---:|` rule under a header.

    Examples:
        >>> is_rule_row(["---", ":---:", ""])
        True
        >>> is_rule_row(["1", "---"])
        False
    """
    return bool(cells) and all(re.fullmatch(r"\s*:?-{2,}:?\s*", c) for c in cells if c) and any(cells)


@cache
def _arabic_row_number() -> re.Pattern:
    suffixes = re.escape("".join(load_vocab("structure")["tables"]["index_suffixes"]))
    return re.compile(f"{pattern('arabic_digit')}{{1,3}}[{suffixes}]?")


def is_arabic_number(cell: str) -> bool:
    """A row number in Arabic digits, as printed in a number column: `3`, `3.`, `3、`.

    Examples:
        >>> is_arabic_number("12、")
        True
        >>> is_arabic_number("一")
        False
    """
    return bool(_arabic_row_number().fullmatch(cell))


# --------------------------------------------------------------------------- the header


@dataclass
class TableHeader:
    """A table's column names, and which of them numbers the rows and names the task."""
    names: list[str]
    index_column: int | None
    task_column: int | None


def _matches_column(cell: str, names: list[str]) -> str | None:
    cell = squash(cell)
    hits = [n for n in names if cell == n or (len(n) > 1 and cell.startswith(n))]
    return max(hits, key=len) if hits else None


def _known_columns() -> list[str]:
    tables = load_vocab("structure")["tables"]
    return tables["index_columns"] + tables["task_columns"] + tables["other_columns"] + list(load_vocab("owners")["columns"])


def is_column_name(cell: str) -> bool:
    """A known column name of a task table (`序号`, `工作任务`, `牵头单位（部门）` …).

    Examples:
        >>> is_column_name("牵头单位（部门）"), is_column_name("序号")
        (True, True)
        >>> is_column_name("新建助餐点5个")
        False
    """
    return _matches_column(cell, _known_columns()) is not None


def table_header(cells: list[str]) -> TableHeader | None:
    """The header a line's cells make, if they make one: a cell names the row number,
    or at least two cells are known column names.

    Examples:
        >>> table_header(["序号", "工作任务", "牵头单位"])
        TableHeader(names=['序号', '工作任务', '牵头单位'], index_column=0, task_column=1)
        >>> table_header(["新增床位", "300张"]) is None
        True
    """
    tables = load_vocab("structure")["tables"]
    known = _known_columns()
    names = [squash(c) for c in cells]
    index = next((i for i, n in enumerate(names) if _matches_column(n, tables["index_columns"])), None)
    if index is None and sum(1 for n in names if _matches_column(n, known)) < 2:
        return None
    task = next((i for i, n in enumerate(names) if _matches_column(n, tables["task_columns"])), None)
    return TableHeader(names, index, task)


@cache
def _period_name() -> re.Pattern:
    circled = load_vocab("structure")["numerals"]["circled"]
    return re.compile(f"[{circled}]?\\s*{pattern('schedule_period')}")


def is_period_name(cell: str) -> bool:
    """A schedule column's name: a period of the year, maybe numbered (`①1-3月`, `二季度`).

    Examples:
        >>> is_period_name("①1-3月"), is_period_name("第二季度"), is_period_name("上半年")
        (True, True, True)
        >>> is_period_name("1"), is_period_name("完成选址")
        (False, False)
    """
    return bool(_period_name().fullmatch(squash(cell)))


def continues_header(head: TableHeader, cells: list[str]) -> bool:
    """Rule: the row right under a table's header is more of the header (a sub-header
    under a merged `时间进度安排` cell) when it names no row: its number and task cells
    are empty or repeat the header's (a reader repeats a header cell merged over two
    rows), or every cell it fills is a column name or a period of the year (`①1-3月 |
    ②4-6月 |`, the merged cells left out). A row with a row number or a task is a row.

    Examples:
        >>> head = table_header(["序号", "工作任务", "牵头单位", "时间进度安排", "", "", ""])
        >>> continues_header(head, ["序号", "工作任务", "牵头单位", "①1-3月", "②4-6月", "③7-9月", "④10-12月"])
        True
        >>> continues_header(head, ["①1-3月", "②4-6月", "③7-9月", "④10-12月"])
        True
        >>> continues_header(head, ["1", "新建助餐点5个", "养老服务科", "选址", "开工", "建设", "投用"])
        False
    """
    filled = [c for c in cells if squash(c)]
    if not filled or any(is_arabic_number(squash(c)) for c in filled):
        return False
    repeated = all(squash(cells[i]) in ("", head.names[i])
                   for i in (head.index_column, head.task_column) if i is not None and i < len(cells) and i < len(head.names))
    named = all(is_column_name(c) or is_period_name(c) for c in filled)
    return (repeated and head.index_column is not None) or named


def with_sub_header(head: TableHeader, cells: list[str]) -> TableHeader:
    """The header with a sub-header row (`continues_header`) under it: each column is named by
    the sub-header's cell where it has one. A sub-header narrower than the header stands
    under its last columns (the merged cell it divides is the header's last).

    Examples:
        >>> head = table_header(["序号", "工作任务", "时间进度安排", ""])
        >>> with_sub_header(head, ["①1-6月", "②7-12月"]).names
        ['序号', '工作任务', '①1-6月', '②7-12月']
        >>> with_sub_header(head, ["序号", "工作任务", "", ""]).names
        ['序号', '工作任务', '时间进度安排', '']
    """
    names = list(head.names)
    offset = max(0, len(names) - len(cells))
    for i, cell in enumerate(cells[:len(names)]):
        if squash(cell):
            names[offset + i] = squash(cell)
    return TableHeader(names, head.index_column, head.task_column)


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique: a repeated name gets `~2`, `~3`.

    Examples:
        >>> unique_names(["序号", "备注", "备注"])
        ['序号', '备注', '备注~2']
        >>> unique_names(["序号", "备注"])
        ['序号', '备注']
    """
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}~{seen[name]}")
    return out


# --------------------------------------------------------------------------- rows


def row_groups(text: str, head: TableHeader, rows: list[R]) -> list[list[R]]:
    """Table rows grouped into tasks: a row whose number and task cells are empty or
    repeat the row above continues that row's task. Merged cells do this: a task
    with several measures (`具体措施`) or owners on rows of their own leaves its
    number and task blank below the first row (text and PDF exports) or repeats
    them (Word exports repeat a vertically merged cell's text in every row).

    Examples:
        >>> from types import SimpleNamespace as Line
        >>> text = "| 1 | 推进助餐 | 新增 |\\n| | | 提升 |\\n| 2 | 建设 | |"
        >>> head = table_header(["序号", "工作任务", "具体措施"])
        >>> starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\\n"]
        >>> ends = [i for i, ch in enumerate(text) if ch == "\\n"] + [len(text)]
        >>> rows = [Line(cells=row_cell_spans(text, s, e)) for s, e in zip(starts, ends)]
        >>> [len(group) for group in row_groups(text, head, rows)]
        [2, 1]
    """
    index, task = head.index_column, head.task_column
    if index is None or task is None:
        return [[row] for row in rows]
    groups: list[list[R]] = []
    for row in rows:
        number, title = cell_text(text, row.cells, index), cell_text(text, row.cells, task)
        if groups:
            first = groups[-1][0].cells
            first_number, first_title = cell_text(text, first, index), cell_text(text, first, task)
            if first_number and number in ("", first_number) and title in ("", first_title):
                groups[-1].append(row)
                continue
        groups.append([row])
    return groups


def numbered_in_arabic(text: str, head: TableHeader, first_rows: Iterable[Row]) -> bool:
    """Whether a table's task rows are numbered in Arabic digits (a table without a
    number column counts as numbered): only then can a row be a category row.

    Examples:
        >>> from types import SimpleNamespace as Line
        >>> head = table_header(["序号", "工作任务"])
        >>> numbered_in_arabic("| 1 | 新增 |", head, [Line(cells=[(2, 3), (6, 8)])])
        True
        >>> numbered_in_arabic("| 一 | 新增 |", head, [Line(cells=[(2, 3), (6, 8)])])
        False
    """
    index = head.index_column
    if index is None:
        return True
    return any(is_arabic_number(cell_text(text, row.cells, index)) for row in first_rows)


def row_columns(text: str, names: list[str], group: Sequence[Row]) -> dict[str, str]:
    """A row task's cells by column name. The rows a merged cell adds to the task add
    their cells to its columns, one line each, unless the column holds that text already.

    Examples:
        >>> from types import SimpleNamespace as Line
        >>> text = "| 1 | 推进助餐 | 新增 |\\n| | | 提升 |"
        >>> first, more = text.split("\\n")
        >>> group = [Line(cells=row_cell_spans(text, 0, len(first))),
        ...          Line(cells=row_cell_spans(text, len(first) + 1, len(text)))]
        >>> row_columns(text, ["序号", "工作任务", "具体措施"], group)
        {'序号': '1', '工作任务': '推进助餐', '具体措施': '新增\\n提升'}
    """
    cells = [text[s:e] for s, e in group[0].cells]
    columns = {names[i]: cells[i] for i in range(min(len(names), len(cells)))}
    for more in group[1:]:
        for name, cell in zip(names, (text[s:e] for s, e in more.cells)):
            if cell and cell not in columns.get(name, "").split("\n"):
                columns[name] = f"{columns[name]}\n{cell}" if columns.get(name) else cell
    return columns


def index_cell(head: TableHeader, cells: list[str]) -> str | None:
    """A row's number as printed in its number column (maybe ""), or None when the
    row has no number cell (the caller counts rows then).

    Examples:
        >>> index_cell(TableHeader(["序号", "工作任务"], 0, 1), ["3", "新增"])
        '3'
        >>> index_cell(TableHeader(["工作任务", "备注"], None, 0), ["新增", ""]) is None
        True
    """
    index = head.index_column
    return cells[index] if index is not None and index < len(cells) else None


def title_column(head: TableHeader, cells: list[str]) -> int:
    """The column that titles a row task: the task column, or else the first filled
    cell that is not the row's number.

    Examples:
        >>> title_column(TableHeader(["序号", "备注", "工作任务"], 0, 2), ["1", "", "新增"])
        2
        >>> title_column(TableHeader(["序号", "内容说明"], 0, None), ["1", "新增"])
        1
    """
    column = head.task_column
    if column is None or column >= len(cells):
        column = next((i for i, c in enumerate(cells) if c and i != head.index_column), 0)
    return column


def group_span(group: Sequence[Row]) -> Span:
    """From the first filled cell of a row task's rows to the end of the last one."""
    filled = [c for row in group for c in row.cells if c[0] < c[1]]
    return filled[0][0], filled[-1][1]


# --------------------------------------------------------------------------- category rows


def is_category_row(text: str, head: TableHeader, cells: list[Span], numbered: bool) -> bool:
    """Rule: a table line heads a group of the rows below it — a category row
    (`| 一、养老服务 | | |`, `| 一 | 养老服务 | | |`, `| 养老服务 | | | |`) — when it
    fills no cell but its number, task and owner cells, in a table whose task rows
    are numbered in Arabic digits while this row's number is not one. Owners on it
    are the group's (loaders/owners.py reads them like a heading's). A table
    numbered in Chinese numerals throughout has no category rows, and a row that
    fills any other column (a deadline, a measure) is a task.

    (Only a row of its own: a row continued by merged cells below is a task.)

    Examples:
        >>> head = table_header(["序号", "工作任务", "牵头单位", "完成时限"])
        >>> text = "| 一、养老服务 | | 养老服务科 | |"
        >>> is_category_row(text, head, row_cell_spans(text, 0, len(text)), numbered=True)
        True
        >>> text = "| 一、养老服务 | | | 12月 |"
        >>> is_category_row(text, head, row_cell_spans(text, 0, len(text)), numbered=True)
        False
    """
    if not numbered:
        return False
    index = head.index_column if head.index_column is not None else 0
    if index == head.task_column:
        return False  # the first cell of a table without numbers is the task itself
    owner_labels = tuple(load_vocab("owners")["columns"])
    keep = {index, head.task_column} | {i for i, name in enumerate(head.names) if name.startswith(owner_labels)}
    if any(s < e for i, (s, e) in enumerate(cells) if i not in keep):
        return False
    number = cell_text(text, cells, index)
    return bool(number) and not is_arabic_number(number)


def category_heading(text: str, head: TableHeader, cells: list[Span],
                     section_markers: Iterable[SectionMarker]) -> tuple[str, str, Span] | None:
    """(path segment, marker, title span) of a category row (`is_category_row`), or
    None when its cells make it a task after all.

    * A bare Chinese numeral with the title in the task cell (`| 一 | 养老服务 |`):
      the numeral is segment and marker.
    * A section heading marker in the number cell (`| 一、养老服务 |`): the style's
      path; the title follows the marker, or stands in the task cell.
    * Anything else names the group by its number cell alone (`| 养老服务 | | |`,
      segment "": the caller numbers it), unless the task cell is filled
      (`| 甲 | 新增床位 |`: an odd number, but a task).

    Examples:
        >>> import re
        >>> enum = type("Style", (), {"pattern": re.compile("(?P<n>[一二三])(?P<after>、)"), "path": "{n}"})
        >>> head = table_header(["序号", "工作任务", "牵头单位"])
        >>> text = "| 二、社会救助 | | |"
        >>> segment, marker, (s, e) = category_heading(text, head, row_cell_spans(text, 0, len(text)), [enum])
        >>> segment, marker, text[s:e]
        ('二', '二、', '社会救助')
        >>> text = "| 甲 | 新增床位 | |"
        >>> category_heading(text, head, row_cell_spans(text, 0, len(text)), [enum]) is None
        True
    """
    index = head.index_column if head.index_column is not None else 0
    number = cell_text(text, cells, index)
    s, e = cells[index]
    task = head.task_column
    task_cell = cells[task] if task is not None and task < len(cells) else (e, e)
    if all(ch in load_vocab("structure")["numerals"]["chinese"] for ch in number):
        return (number, number, task_cell) if task_cell[0] < task_cell[1] else None  # `| 一 | 养老服务 |`
    for style in section_markers:
        m = style.pattern.match(text, s, e)
        if m:
            rest = trim(text, m.end(), e)
            title = rest if rest[0] < rest[1] else task_cell
            segment = style.path.format(n=m.group("n"), after=m.groupdict().get("after") or "")
            return (segment, text[m.start():m.end()], title) if title[0] < title[1] else None
    if task_cell[0] < task_cell[1]:
        return None  # `| 甲 | 新增床位 |`: an odd number, but a task
    return "", "", (s, e)
