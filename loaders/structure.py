"""The section tree and the tasks of a work plan, read from its normalised text.

`parse_structure(view)` returns `(sections, tasks)`; every span is a half-open
offset pair into `view.text`.

What becomes what:

* Heading lines (`第一部分`, `第一，`, `一、`, `（一）`/`(一)`, `1.`/`1、`, `⒈`, `（1）`,
  `1）`, `⑴`, `①`; styles and their nesting order in `vocab/structure.yaml`) open
  sections. A heading's title is its line up to the first sentence end (or up to an
  owner annotation written after it); text after that on the same line is body.
  `第一，` lines are headings only in a plan whose outline starts with them.
* Numbered items (`1.`, `（1）`, `①` …) are tasks (kind `item`) when their line carries
  text; a bare short title followed by its own paragraphs is a sub-section instead.
  An item runs until the next heading of its own or an outer style; lines and
  inner-style markers in between belong to it. Its title is its first sentence on
  the marker's line, cut at a colon (`1. 推进…：新增…`).
* A numbered heading of any style whose text (same line and the lines below, no
  inner heading) carries exactly one owner annotation, written right on the heading
  or closing the text, is one task (kind `item`) too: the plan owns it as a whole
  (`（一）完善救助体系。……。（牵头领导：…）`). So is a bare item title (`1.推进…`)
  over sub-items (`（1）…`) with one such annotation: the sub-items are its points.
  Annotation-only lines right under a section heading are the heading's (see
  `annotations.heading_owner_spans`), not tasks. A heading over numbered lines that
  are only its schedule (`①1-3月：完成选址；`, `lists_a_schedule`) is one task too. A
  heading that stays a section although its line states a whole task with its owner
  note (`（二）新建助餐点5个。（责任科室：养老服务科）`) keeps that sentence as a task.
* A table (`序号 | 项目 | 备注 |` header, `1 | … | |` rows) becomes a section whose
  rows are tasks (kind `row`); rows whose number and task cells are blank or repeat
  the row above (merged cells) continue its task. A table with a caption line right
  above its header is a top-level section titled by the caption; one without sits in
  the current section. A sub-header row right under the header (`①1-3月 | ②4-6月 |`
  under a merged `时间进度安排`) names columns (`tables.continues_header`). A category row
  (`| 一、养老服务 | | |` in a table numbered 1, 2, …) heads a sub-section of the table
  holding the rows below it.
* Any other text of a section becomes tasks too: `一是……二是……` and `第一，……第二，……`
  points (kind `point`) and otherwise one task per sentence (kind `sentence`, paths
  `…/s1`, `…/s2`).
* Text before the first heading (issuing notice, title block, intro paragraph) and
  the closing lines after the last paragraph (signature, date, 印发/抄送, the
  `附件：1.… 2.…` list) are not tasks: the intro is context, not work.

Section.level is the depth in the tree (1 = top). Ordinals are 1-based positions
among siblings (sections under one parent, tasks under one section).

Where the pieces live: the owner-annotation grammar (what an annotation is, where it
starts and ends) in `loaders/annotations.py`, the table reader (headers, cells, row
groups, category rows) in `loaders/tables.py`; here the outline: lines, headings and
the rules that make a heading a task (`heading_is_task`), and the builder that nests
sections and collects tasks.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from policykg.loaders.annotations import (
    after_owner_group,
    char_class,
    first_clause_end,
    heading_annotation,
    is_annotation_only,
    is_bracketed_group,
    is_owner_annotation,
    line_end,
    merge_adjacent_annotations,
    only_punctuation,
    own_heading_annotations,
    owner_annotation_start,
    owner_annotations,
    owner_group_start,
    punctuation,
    strip_owner_groups,
    trim,
    unnested,
)
from policykg.loaders.model import Section, Task
from policykg.loaders.numbers import parse_chinese
from policykg.loaders.tables import (
    TableHeader,
    category_heading,
    cell_separators,
    continues_header,
    group_span,
    index_cell,
    is_category_row,
    is_rule_row,
    numbered_in_arabic,
    row_cell_spans,
    row_columns,
    row_groups,
    table_header,
    title_column,
    unique_names,
    with_sub_header,
)
from policykg.loaders.textview import TextView
from policykg.loaders.vocabulary import alternation, load_vocab, pattern

__all__ = [
    "HeadingStyle", "heading_styles", "section_styles", "item_title_stops", "chinese_number",
    "split_sentences", "title_of",
    "Line", "split_lines", "classify", "demote_inner_outline_styles", "read_lines",
    "Table", "find_tables", "closing_start",
    "Heading", "read_heading", "heading_title", "HeadingContext", "heading_context",
    "is_item_with_text", "opens_content", "closes_with_one_annotation", "owns_its_sub_items", "lists_a_schedule",
    "heading_is_task", "states_a_task_with_its_owner",
    "find_points", "parse_structure",
]

Span = tuple[int, int]
# The rank of a section that no heading nests under: a table's own section, closed by
# the next heading of any style.
_TABLE_RANK = float("inf")

# --------------------------------------------------------------------------- vocab


@dataclass(frozen=True)
class HeadingStyle:
    """One way of numbering a heading (`一、`, `（一）`, `1.` …), from `vocab/structure.yaml`."""
    name: str
    rank: int           # position in the YAML list: smaller = outer
    role: str           # section | item
    path: str
    pattern: re.Pattern
    opens_outline: bool = False   # a heading only where the plan's outline starts with it


def _numeral_pattern(kind: str, digits: str) -> str:
    """Arabic numbers are short, Chinese ones a run; the symbol numerals (`①`, `⑴`,
    `⒈`) are one character each."""
    return {"arabic": f"[{digits}]{{1,3}}", "chinese": f"[{digits}]+"}.get(kind, f"[{digits}]")


def _style_pattern(spec: dict, numerals: dict, brackets: dict) -> str:
    """The marker of one heading style: its numeral with the text around it."""
    if spec.get("fragment"):
        return pattern(spec["fragment"])
    kind = spec["numeral"]
    digits = re.escape(numerals[kind])
    number = _numeral_pattern(kind, digits)
    if spec.get("bracketed"):
        opens, closes = (re.escape("".join(brackets[k])) for k in ("open", "close"))
        core = rf"[{opens}]\s*(?P<n>{number})\s*[{closes}]"
    else:
        after = spec.get("after")
        core = re.escape(spec.get("prefix", "")) + f"(?P<n>{number})"
        if after:
            core += f"(?P<after>{alternation(after)})"
    if kind == "arabic":
        # `1.5万`, `3、4月` are numbers, not markers; but a year right after the
        # marker (`1.2025年底前建成…`) is the item's first word: no number is
        # written `1.2025年`.
        core += rf"(?!(?!{pattern('ascii_calendar_year')}年)[{digits}])"
    return core


@cache
def heading_styles() -> tuple[HeadingStyle, ...]:
    """The heading styles of `vocab/structure.yaml`, outermost first."""
    vocab = load_vocab("structure")
    return tuple(HeadingStyle(spec["name"], rank, spec["role"], spec["path"],
                              re.compile(_style_pattern(spec, vocab["numerals"], vocab["brackets"])),
                              bool(spec.get("opens_outline")))
                 for rank, spec in enumerate(vocab["heading_styles"]))


@cache
def section_styles() -> tuple[HeadingStyle, ...]:
    """The heading styles that open sections (`一、`, `（一）` …), outermost first."""
    return tuple(style for style in heading_styles() if style.role == "section")


@cache
def item_title_stops() -> frozenset:
    """Where a numbered item's title ends: its first sentence end, or a colon that
    introduces the item's content (`1. 推进养老床位建设：新增床位300张，…`)."""
    return punctuation().sentence_end | frozenset(load_vocab("structure")["punctuation"]["title_end"])


def chinese_number(text: str) -> int | None:
    """Value of a Chinese numeral (`二十三` → 23); None if it is not one.

    Examples:
        >>> chinese_number("二十三")
        23
        >>> chinese_number("养老") is None
        True
    """
    value = parse_chinese(text)
    return None if value is None else int(value)


# --------------------------------------------------------------------------- sentences and titles


def _sentence_pieces(text: str, start: int, end: int) -> list[Span]:
    """A paragraph cut after each sentence end outside brackets (a bracketed owner
    annotation right after the end stays with the sentence), and at the start of a
    trailing unbracketed owner annotation."""
    punct = punctuation()
    annotation = owner_annotation_start(text, start, end)
    split_end = annotation if annotation is not None else end
    pieces, piece_start = [], start
    for m in char_class(punct.sentence_end).finditer(text, start, split_end):
        i = m.start()
        if i >= piece_start and unnested(text, start, split_end, i):
            cut = after_owner_group(text, i + 1, split_end)
            pieces.append((piece_start, cut))
            piece_start = cut
    pieces.append((piece_start, split_end))
    if annotation is not None:
        pieces.append((annotation, end))
    return pieces


def _has_words(text: str, start: int, end: int) -> bool:
    punct = punctuation()
    return any(not (ch in punct.sentence_end or ch in punct.clause_end or ch.isspace()) for ch in text[start:end])


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentences of one paragraph: cut after 。；！？ outside brackets, quotes and 《》.

    A trailing owner annotation, bracketed or not, stays with the sentence before it.

    Examples:
        >>> text = "新增床位。建设食堂（牵头单位：区民政局）。责任部门：养老服务科"
        >>> [text[s:e] for s, e in split_sentences(text, 0, len(text))]
        ['新增床位。', '建设食堂（牵头单位：区民政局）。责任部门：养老服务科']
        >>> text = "开展“敬老月”活动（含“银龄行动。”）"
        >>> [text[s:e] for s, e in split_sentences(text, 0, len(text))]
        ['开展“敬老月”活动（含“银龄行动。”）']
    """
    annotation = owner_annotation_start(text, start, end)
    sentences: list[Span] = []
    for s, e in _sentence_pieces(text, start, end):
        s, e = trim(text, s, e)
        if s == e:
            continue
        has_words = _has_words(text, s, e)
        attach = not has_words or is_bracketed_group(text, s, e) or s == annotation
        if attach and sentences:
            sentences[-1] = (sentences[-1][0], e)
        elif has_words:
            sentences.append((s, e))
    return sentences


def title_of(text: str, start: int, end: int, stops: frozenset) -> str:
    """The heading phrase of a task: its first clause, without owner annotations.

    Examples:
        >>> text = "推进床位建设（牵头单位：区民政局），新增300张"
        >>> title_of(text, 0, len(text), frozenset("，"))
        '推进床位建设'
        >>> title_of("一是，", 0, 4, frozenset("，"))
        '一是'
    """
    punct = punctuation()
    annotation = owner_annotation_start(text, start, end)
    if annotation is not None:
        end = annotation
    cut = first_clause_end(text, start, end, stops)
    if cut == start:  # a clause-less start such as `一是，`: take the whole range
        cut = end
    title = strip_owner_groups(text[start:cut])
    return title.strip().rstrip("".join(punct.clause_end)).strip()


def _skip_punctuation(text: str, pos: int, end: int) -> int:
    """The first position from `pos` that is neither space nor clause punctuation
    (`第一，加强…`: the title starts after the comma that follows the marker).

    Examples:
        >>> _skip_punctuation("第一，加强", 2, 5)
        3
        >>> _skip_punctuation("一是加强", 2, 4)
        2
    """
    clause_end = punctuation().clause_end
    while pos < end and (text[pos].isspace() or text[pos] in clause_end):
        pos += 1
    return pos


# --------------------------------------------------------------------------- lines


@dataclass
class Line:
    """One line of the normalised text and what it is: a heading (with its style and
    marker match), a table row (with its cells), text, or blank."""
    index: int
    start: int                       # first non-space character
    end: int                         # after the last non-space character
    kind: str = "text"               # blank | heading | table | text
    style: HeadingStyle | None = None
    match: re.Match | None = None
    cells: list[Span] = field(default_factory=list)


def split_lines(text: str) -> list[Line]:
    """The text's lines, trimmed; blank ones marked."""
    lines, pos = [], 0
    for i, raw in enumerate(text.split("\n")):
        s, e = trim(text, pos, pos + len(raw))
        lines.append(Line(i, s, e, "blank" if s == e else "text"))
        pos += len(raw) + 1
    return lines


def classify(text: str, line: Line) -> None:
    """Mark a line as a table row (two cells or more) or a heading (a style's marker
    at its start); other non-blank lines stay text.

    Examples:
        >>> text = "（一）养老服务\\n| 一、养老 | |"
        >>> lines = split_lines(text)
        >>> for line in lines:
        ...     classify(text, line)
        >>> [(line.kind, line.style.name if line.style else None) for line in lines]
        [('heading', 'chinese_bracket'), ('table', None)]
    """
    if line.kind == "blank":
        return
    segment = text[line.start:line.end]
    if any(sep in segment for sep in cell_separators()):
        cells = row_cell_spans(text, line.start, line.end)
        if len(cells) >= 2:
            # A `|` line is a table row even when it starts like a heading (`一、养老 | |`).
            line.kind, line.cells = "table", cells
            return
    for style in heading_styles():
        m = style.pattern.match(text, line.start, line.end)
        if m:
            line.kind, line.style, line.match = "heading", style, m
            return


def demote_inner_outline_styles(lines: list[Line]) -> None:
    """Lines of an `opens_outline` style (`第一，`) are text unless the plan's outline
    starts with that style: once a heading of an inner style has been seen, `第一，…`
    at a line start opens a point of a paragraph, not a new top-level section.

    Examples:
        >>> [line.kind for line in read_lines("第一，加强党建\\n一、养老服务")]
        ['heading', 'heading']
        >>> [line.kind for line in read_lines("一、养老服务\\n第一，新增床位。")]
        ['heading', 'text']
    """
    for style in heading_styles():
        if not style.opens_outline:
            continue
        inner_seen, demote = False, False
        for line in lines:
            if line.style is None:
                continue
            if line.style is style:
                demote = demote or inner_seen
                if demote:
                    line.kind, line.style, line.match = "text", None, None
            elif line.style.rank > style.rank:
                inner_seen = True


def read_lines(text: str) -> list[Line]:
    """The text's lines, each classified, with `第一，` lines demoted where they are text.

    Examples:
        >>> [line.kind for line in read_lines("一、养老服务\\n新增床位。\\n\\n| 序号 | 项目 |")]
        ['heading', 'text', 'blank', 'table']
        >>> [line.kind for line in read_lines("1.5万张床位")]
        ['text']
    """
    lines = split_lines(text)
    for line in lines:
        classify(text, line)
    demote_inner_outline_styles(lines)
    return lines


def _is_bare_title(text: str, line: Line, max_chars: int) -> bool:
    """A short text line with no sentence end or comma: a caption, a title, a signature.

    Examples:
        >>> text = "2025年静安民政重点工作项目"
        >>> _is_bare_title(text, read_lines(text)[0], 40)
        True
        >>> text = "新增床位，建设食堂"
        >>> _is_bare_title(text, read_lines(text)[0], 40)
        False
    """
    punct = punctuation()
    stops = punct.sentence_end | punct.comma
    return (line.kind == "text" and line.end - line.start <= max_chars
            and not any(ch in stops for ch in text[line.start:line.end]))


# --------------------------------------------------------------------------- tables and closing matter


class Table(NamedTuple):
    """A table of the text: the caption line right above its header (if any), the
    header line and its row lines."""
    caption: Line | None
    header: Line
    rows: list[Line]


def _is_header(text: str, line: Line) -> bool:
    return line.kind == "table" and table_header([text[s:e] for s, e in line.cells]) is not None


def _table_rows(text: str, lines: list[Line], start: int) -> tuple[list[Line], int]:
    """The rows of a table whose header is just above `start` (no markdown rule rows,
    no empty rows), and the index of the first line after the table. A row's cells are
    read again knowing the header's width (`tables.leading_separator_is_a_cell`)."""
    rows, j = [], start
    width = len(lines[start - 1].cells)
    while j < len(lines) and lines[j].kind in ("table", "blank"):
        if lines[j].kind == "table":
            lines[j].cells = row_cell_spans(text, lines[j].start, lines[j].end, width)
        cells = [text[s:e] for s, e in lines[j].cells]
        if lines[j].kind == "table" and not is_rule_row(cells) and any(cells):
            rows.append(lines[j])
        j += 1
    return rows, j


def _caption_above(text: str, lines: list[Line], header: int) -> Line | None:
    """The caption of a table: the non-blank line above its header, if it is a short bare title."""
    prev = next((lines[k] for k in range(header - 1, -1, -1) if lines[k].kind != "blank"), None)
    caption_max = load_vocab("structure")["tables"]["caption_max_chars"]
    return prev if prev is not None and _is_bare_title(text, prev, caption_max) else None


def find_tables(text: str, lines: list[Line]) -> tuple[dict[int, Table], set[int]]:
    """The tables of the text by the index of their first line (the caption's, or the
    header's), and the indexes of every line that belongs to a table.

    Examples:
        >>> text = "重点项目\\n| 序号 | 项目 |\\n| 1 | 新增床位 |\\n加强保障。"
        >>> tables, in_table = find_tables(text, read_lines(text))
        >>> list(tables), sorted(in_table)
        ([0], [0, 1, 2])
        >>> find_tables("| 新增床位 | 300张 |", read_lines("| 新增床位 | 300张 |"))
        ({}, set())
    """
    tables: dict[int, Table] = {}
    in_table: set[int] = set()
    i = 0
    while i < len(lines):
        if not _is_header(text, lines[i]):
            i += 1
            continue
        rows, j = _table_rows(text, lines, i + 1)
        caption = _caption_above(text, lines, i)
        first = caption.index if caption else i
        tables[first] = Table(caption, lines[i], rows)
        in_table.update(range(first, j))
        i = j
    return tables, in_table


def _is_short_title(text: str, line: Line, max_chars: int) -> bool:
    """A numbered line with a short title and no sentence punctuation (`2.民生实事项目清单`)."""
    punct = punctuation()
    rest = text[line.match.end():line.end] if line.match else ""
    return len(rest) <= max_chars and not any(ch in punct.sentence_end or ch in punct.comma for ch in rest)


def _is_closing_line(text: str, line: Line, closing: dict) -> bool:
    """A text line that signs, dates or distributes the document: a closing keyword
    (`抄送`, `附件` …) on a line not much longer than a title, or a short bare title
    ending like an issuer or a date (`上海市静安区民政局`, `2025年3月1日`).

    Examples:
        >>> closing = load_vocab("structure")["closing"]
        >>> text = "上海市静安区民政局"
        >>> _is_closing_line(text, read_lines(text)[0], closing)
        True
        >>> text = "加强民政局自身建设。"
        >>> _is_closing_line(text, read_lines(text)[0], closing)
        False
    """
    body = text[line.start:line.end]
    keyword = any(k in body for k in closing["keywords"]) and len(body) <= 2 * closing["max_chars"]
    signature = _is_bare_title(text, line, closing["max_chars"]) and body.endswith(tuple(closing["endings"]))
    return line.kind == "text" and (keyword or signature)


def _is_listed_title(text: str, line: Line, closing: dict) -> bool:
    """A short numbered item title (`2.民生实事项目清单`): maybe one of an attachment list."""
    return (line.style is not None and line.style.role == "item"
            and _is_short_title(text, line, closing["max_chars"]))


def closing_start(text: str, lines: list[Line]) -> int:
    """Index of the first line of the closing matter (signature, date, 印发 …).

    Examples:
        >>> text = "一、养老\\n新增床位。\\n上海市民政局\\n2025年3月1日"
        >>> closing_start(text, read_lines(text))
        2
        >>> text = "一、养老\\n新增床位。"
        >>> closing_start(text, read_lines(text))
        2
    """
    closing = load_vocab("structure")["closing"]
    first = len(lines)
    listed = None  # where a run of short numbered titles above the closing lines starts
    for line in reversed(lines):
        if line.kind == "blank":
            if listed is None:
                first = line.index
            continue
        if _is_closing_line(text, line, closing):
            if listed is not None and not text[line.start:line.end].startswith(tuple(closing["list_after"])):
                break
            first, listed = line.index, None
            continue
        # The attachment list (`附件：` and `1.…任务分解表` `2.…清单` under it) is closing
        # matter too, though its lines look like numbered items: the run counts once
        # the `附件` line above it is reached.
        if _is_listed_title(text, line, closing):
            listed = line.index if listed is None else listed
            continue
        break
    return first


# --------------------------------------------------------------------------- headings


@dataclass(frozen=True)
class Heading:
    """A heading line read: its style and marker, its title, and where the body text
    on its line starts (`cut` is the title's sentence end, or the line's end)."""
    line: Line
    style: HeadingStyle
    match: re.Match
    rest_start: int        # the first character after the marker
    title: Span
    body_start: int
    cut: int

    @property
    def segment(self) -> str:
        """The heading's path segment (`一`, `（二）`, `第一部分`)."""
        return self.style.path.format(n=self.match.group("n"), after=(self.match.groupdict().get("after") or ""))

    @property
    def marker(self) -> str:
        return self.match.group(0)

    @property
    def has_title(self) -> bool:
        return self.title[0] < self.title[1]

    @property
    def has_body(self) -> bool:
        return self.body_start < self.line.end


def heading_title(text: str, start: int, end: int) -> tuple[Span, int, int]:
    """(title span, body start, title cut) of the text after a heading marker.

    The title runs to the first sentence end (`（一）推进救助规范化建设。深化……`), stops
    before an owner annotation and drops trailing `：，`; the body follows the cut,
    which is never inside an annotation written after the title.

    Examples:
        >>> text = "推进救助规范化建设。深化改革"
        >>> (s, e), body, cut = heading_title(text, 0, len(text))
        >>> text[s:e], text[body:], cut
        ('推进救助规范化建设', '深化改革', 9)
        >>> text = "完善救助体系 牵头领导：孙丽；责任部门：救助科。加强保障"
        >>> (s, e), body, cut = heading_title(text, 0, len(text))
        >>> text[s:e], text[body:]
        ('完善救助体系', '加强保障')
    """
    punct = punctuation()
    cut = first_clause_end(text, start, end, punct.sentence_end)
    title_end = min(x for x in (cut, owner_annotation_start(text, start, cut), owner_group_start(text, start, cut))
                    if x is not None)
    s, e = trim(text, start, title_end)
    while e > s and (text[e - 1] in punct.clause_end or text[e - 1].isspace()):
        e -= 1
    annotation = heading_annotation(text, e, end) if title_end < cut else None
    if annotation is not None and annotation[1] > cut:
        # An unbracketed annotation (`牵头领导：…；责任部门：…`) runs over the `；` that
        # would otherwise end the title: the body starts after the annotation.
        cut = first_clause_end(text, annotation[1], end, punct.sentence_end)
    body_start, _ = trim(text, min(cut + 1, end), end)
    return (s, e), body_start, cut


def read_heading(text: str, line: Line) -> Heading:
    """The parts of a heading line (a line `classify` marked as a heading)."""
    if line.style is None or line.match is None:
        raise ValueError(f"line {line.index} is not a heading")
    rest_start, _ = trim(text, line.match.end(), line.end)
    title, body_start, cut = heading_title(text, rest_start, line.end)
    return Heading(line, line.style, line.match, rest_start, title, body_start, cut)


@dataclass
class HeadingContext:
    """What follows a heading line, as far as deciding what it is needs:

    * `next_line`: the next non-blank line;
    * `block`: the text lines up to the next heading or table;
    * `leaf`: that next heading (if any) is of the same or an outer style;
    * `whole`: for a heading that is no leaf, the lines up to the next heading of the
      same or an outer style (inner headings included) or table;
    * `table_follows`: the next non-blank line starts a table.
    """
    next_line: Line | None
    block: list[Line]
    leaf: bool
    whole: list[Line]
    table_follows: bool


def _text_block(lines: Iterable[Line], in_table: set[int]) -> tuple[list[Line], Line | None]:
    """The text lines at the start of `lines`, and the heading or table line that ends them."""
    block: list[Line] = []
    for line in lines:
        if line.kind == "heading" or line.index in in_table:
            return block, line
        if line.kind != "blank":
            block.append(line)
    return block, None


def _item_block(lines: Iterable[Line], in_table: set[int], rank: int) -> list[Line]:
    """The non-blank lines under a heading of `rank`, inner headings included, up to
    the next heading of that rank or an outer one, or a table."""
    block = []
    for line in lines:
        if line.index in in_table or (line.style is not None and line.style.rank <= rank):
            break
        if line.kind != "blank":
            block.append(line)
    return block


def heading_context(lines: list[Line], k: int, tables: dict[int, Table], in_table: set[int]) -> HeadingContext:
    """The context of the heading `lines[k]` (see `HeadingContext`)."""
    line, after = lines[k], lines[k + 1:]
    style = line.style
    if style is None:
        raise ValueError(f"line {line.index} is not a heading")
    next_line = next((x for x in after if x.kind != "blank"), None)
    block, stop = _text_block(after, in_table)
    leaf = stop is None or (stop.index not in in_table and stop.style is not None and stop.style.rank <= style.rank)
    whole = [] if leaf else _item_block(after, in_table, style.rank)
    return HeadingContext(next_line, block, leaf, whole, next_line is not None and next_line.index in tables)


def is_item_with_text(heading: Heading, max_title: int) -> bool:
    """Rule: a numbered item (`1.`, `（1）`, `①` …) whose line carries text is one task:
    a body after its title, a sentence end closing the title, or a title too long to
    be a heading (`heading_title_max_chars`).

    Examples:
        >>> text = "1.推进床位建设。新增床位300张。"
        >>> is_item_with_text(read_heading(text, read_lines(text)[0]), 60)
        True
        >>> text = "1.推进床位建设"
        >>> is_item_with_text(read_heading(text, read_lines(text)[0]), 60)
        False
    """
    title_chars = heading.title[1] - heading.title[0]
    return heading.style.role == "item" and (heading.has_body or heading.cut < heading.line.end or title_chars > max_title)


def opens_content(next_line: Line | None, style: HeadingStyle) -> bool:
    """Rule: a bare numbered title heads a sub-section when its own paragraphs or
    inner-style items follow it; otherwise it is a one-line task.

    Examples:
        >>> text = "1.推进床位建设\\n新增床位300张。"
        >>> heading, below = read_lines(text)
        >>> opens_content(below, heading.style)
        True
        >>> text = "1.推进床位建设\\n2.建设食堂"
        >>> heading, below = read_lines(text)
        >>> opens_content(below, heading.style)
        False
    """
    if next_line is None:
        return False
    return next_line.kind == "text" or (next_line.style is not None and next_line.style.rank > style.rank)


def closes_with_one_annotation(text: str, title_end: int, heading_end: int, below: list[Span]) -> bool:
    """Rule: a numbered heading and the text under it are one task when the plan writes
    one owner annotation for all of it — an annotated `（一）`/`1.` block is one task.
    Exactly one annotation in the heading line (from its title's end to
    `heading_end`) and its text lines (`below`), and that one either stands right on
    the heading (`（一）完善救助体系（牵头领导：孙丽）`) or closes the text after a
    sentence end (`（一）完善救助体系。……。（牵头领导：孙丽）`), as in a
    task-decomposition plan.

    The caller asks for a heading with no inner heading or table under it, and
    for a bare item title over its sub-items (`owns_its_sub_items`). Several
    annotations mean several owned pieces: the heading stays a section.

    Examples:
        >>> text = "（一）完善救助体系\\n加强兜底保障。（牵头领导：孙丽）"
        >>> closes_with_one_annotation(text, 9, 9, [(10, len(text))])
        True
        >>> text = "（一）完善救助体系\\n加强保障（牵头领导：孙丽）。提升水平（牵头领导：赵刚）。"
        >>> closes_with_one_annotation(text, 9, 9, [(10, len(text))])
        False
    """
    ranges = [(title_end, heading_end), *below]
    spans = merge_adjacent_annotations(text, [span for r in ranges for span in owner_annotations(text, *r)])
    if len(spans) != 1:
        return False
    s, e = spans[0]
    own = own_heading_annotations(text, title_end, heading_end, ranges[1:])
    if own and own[0][0] == s:
        return True
    before = text[text.rfind("\n", 0, s) + 1:s].rstrip()
    closes = only_punctuation(text, e, ranges[-1][1])
    return closes and (not before or before[-1] in punctuation().sentence_end)


def owns_its_sub_items(text: str, title_end: int, heading_end: int, whole: list[Span]) -> bool:
    """Rule: a bare numbered item title (`1.推进床位建设`) over sub-items (`（1）…`, `①…`) is
    one task, the sub-items its points, when the plan writes one owner annotation
    for the whole of it (`closes_with_one_annotation` over all its lines): on the
    title, or closing its last sub-item. That is the layout of an item with text
    on the marker's line, whose sub-items are its points too; and the normaliser
    may join an annotation line to the sub-item above it, so a closing annotation
    on the last sub-item's line counts as well. Several annotations (one per
    sub-item) mean several owned pieces: the item heads a sub-section then.

    Examples:
        >>> text = "1.推进床位建设（牵头单位：区民政局）\\n（1）新增床位。\\n（2）改造床位。"
        >>> heading, *sub_items = read_lines(text)
        >>> owns_its_sub_items(text, 8, heading.end, [(x.start, x.end) for x in sub_items])
        True
        >>> text = "1.推进床位建设\\n（1）新增床位。（牵头单位：区民政局）\\n（2）改造床位。（牵头单位：区财政局）"
        >>> heading, *sub_items = read_lines(text)
        >>> owns_its_sub_items(text, 8, heading.end, [(x.start, x.end) for x in sub_items])
        False
    """
    return bool(whole) and closes_with_one_annotation(text, title_end, heading_end, whole)


def states_a_task_with_its_owner(text: str, heading: Heading) -> bool:
    """Rule: a heading line that is one whole sentence and its owner note
    (`（二）新建助餐点5个。（责任科室：养老服务科）`): its title closes with a sentence end
    and nothing but an owner annotation follows on the line. Where the heading stays a
    section (items follow it), that sentence is a task of the section, with the
    target and the owner it names. A title followed by text (`（二）推进助餐。深化……`)
    or a bare title is no such heading.

    Examples:
        >>> text = "（二）新建助餐点5个。（责任科室：养老服务科）"
        >>> states_a_task_with_its_owner(text, read_heading(text, read_lines(text)[0]))
        True
        >>> text = "（二）推进助餐服务。深化改革（责任科室：养老服务科）"
        >>> states_a_task_with_its_owner(text, read_heading(text, read_lines(text)[0]))
        False
    """
    line = heading.line
    return (heading.has_title and heading.has_body and heading.cut < line.end
            and text[heading.cut] in punctuation().sentence_end and is_annotation_only(text, heading.body_start, line.end))


@cache
def _period_head() -> re.Pattern:
    return re.compile(f"{pattern('schedule_period')}\\s*[：:，,、]")


def lists_a_schedule(text: str, below: list[Line]) -> bool:
    """Rule: the numbered lines under a heading are its schedule, not tasks of their own,
    when each of them starts with a period of the year and a colon or comma
    (`①1-3月：完成选址；` `②4-12月：建成投用。`): the heading is one task and they are its
    points. Lines with work of their own (`①新建助餐点3个`) are items.

    Examples:
        >>> text = "1.新建助餐点5个\\n①1-3月：完成选址；\\n②4-12月：建成投用。"
        >>> lists_a_schedule(text, read_lines(text)[1:])
        True
        >>> text = "1.新建助餐点5个\\n①在甲街道新建3个；\\n②4-12月：建成投用。"
        >>> lists_a_schedule(text, read_lines(text)[1:])
        False
    """
    starts = [line.match.end() for line in below if line.kind == "heading" and line.match is not None]
    return bool(starts) and all(_period_head().match(text, trim(text, start, len(text))[0]) for start in starts)


def _spans(lines: list[Line]) -> list[Span]:
    return [(line.start, line.end) for line in lines]


def heading_is_task(text: str, heading: Heading, context: HeadingContext, max_title: int) -> bool:
    """Whether a heading line is one task (kind `item`) rather than a section heading:
    an item with text on its line (`is_item_with_text`), a bare item title with
    nothing of its own after it (`opens_content`), or a heading the plan owns as a
    whole (`closes_with_one_annotation`, `owns_its_sub_items`). A heading right above
    a table is the table's section.

    Examples:
        >>> text = "（一）完善救助体系。加强兜底保障。（牵头领导：孙丽）\\n（二）提升服务"
        >>> lines = read_lines(text)
        >>> tables, in_table = find_tables(text, lines)
        >>> [heading_is_task(text, read_heading(text, lines[k]), heading_context(lines, k, tables, in_table), 60)
        ...  for k in (0, 1)]
        [True, False]
    """
    style = heading.style
    if is_item_with_text(heading, max_title):
        return True
    if heading.has_title and not context.leaf and lists_a_schedule(text, context.whole):
        return True
    if style.role == "item" and not context.table_follows and not opens_content(context.next_line, style):
        return True
    if context.table_follows or not heading.has_title:
        return False
    if context.leaf:
        return closes_with_one_annotation(text, heading.title[1], heading.line.end, _spans(context.block))
    return style.role == "item" and owns_its_sub_items(text, heading.title[1], heading.line.end, _spans(context.whole))


# --------------------------------------------------------------------------- points


@cache
def _point_patterns() -> tuple[tuple[re.Pattern, bool], ...]:
    """One (pattern, suffix is part of the marker) per point form (`一是`, `第一，`)."""
    spec = load_vocab("structure")["points"]
    digits = re.escape(load_vocab("structure")["numerals"][spec["numeral"]])
    return tuple((re.compile(f"{re.escape(form.get('prefix', ''))}(?P<n>[{digits}]+)(?P<suffix>{alternation(form['suffix'])})"),
                  form.get("suffix_in_marker", True))
                 for form in spec["forms"])


def _sentence_end(text: str, start: int, end: int) -> int:
    """End (after the 。) of the sentence starting at `start`; `；` does not end it.

    Examples:
        >>> text = "一是新增床位；改造床位。此外"
        >>> text[:_sentence_end(text, 0, len(text))]
        '一是新增床位；改造床位。'
    """
    cut = first_clause_end(text, start, end, punctuation().full_stop)
    return min(cut + 1, end)


_PointMarker = tuple[int, str, int, int]   # (value, marker, start, paragraph end)


def find_points(text: str, paragraphs: list[Span]) -> list[tuple[str, int, int]]:
    """`一是……二是……` points of a section's paragraphs as (marker, start, end).

    A point runs to the next point of its chain on the same paragraph, else to the
    end of its sentence. Chains need `min_points` consecutive numerals from 一.

    Examples:
        >>> text = "一是新增床位，二是建设食堂。此外，加强保障。"
        >>> [(m, text[s:e]) for m, s, e in find_points(text, [(0, len(text))])]
        [('一是', '一是新增床位，'), ('二是', '二是建设食堂。')]
        >>> find_points("一是新增床位。", [(0, 7)])
        []
    """
    spec = load_vocab("structure")["points"]
    chains = []
    for point_pattern, suffix_in_marker in _point_patterns():
        chains.extend(_point_chains(text, paragraphs, point_pattern, suffix_in_marker))
    points = []
    for chain in chains:
        if len(chain) < spec["min_points"]:
            continue
        for k, (_, marker, s, paragraph_end) in enumerate(chain):
            if k + 1 < len(chain) and chain[k + 1][2] < paragraph_end:
                e = chain[k + 1][2]
            else:
                # The last point of a paragraph ends with its sentence; what follows
                # (`此外，…`) is the section's own text again.
                e = _sentence_end(text, s, paragraph_end)
            points.append((marker, *trim(text, s, e)))
    return sorted(points, key=lambda p: p[1])


def _point_markers(text: str, paragraphs: list[Span], point_pattern: re.Pattern,
                   suffix_in_marker: bool) -> list[_PointMarker]:
    """The point markers of one form in the paragraphs, at a paragraph start or right
    after `preceded_by` punctuation, outside brackets."""
    allowed = set(load_vocab("structure")["points"]["preceded_by"])
    markers = []
    for start, end in paragraphs:
        for m in point_pattern.finditer(text, start, end):
            if not unnested(text, start, end, m.start()):
                continue
            before = text[start:m.start()].rstrip()
            if before and before[-1] not in allowed:
                continue
            value = chinese_number(m.group("n"))
            if value:
                marker = m.group(0) if suffix_in_marker else text[m.start():m.start("suffix")]
                markers.append((value, marker, m.start(), end))
    return markers


def _point_chains(text: str, paragraphs: list[Span], point_pattern: re.Pattern,
                  suffix_in_marker: bool) -> list[list[_PointMarker]]:
    """Runs of consecutive point markers of one form, each starting at 一, as lists of
    (value, marker, start, paragraph end)."""
    chains: list[list[_PointMarker]] = []
    chain: list[_PointMarker] = []
    for marker in _point_markers(text, paragraphs, point_pattern, suffix_in_marker):
        if marker[0] == 1:
            chains.append(chain)
            chain = [marker]
        elif chain and marker[0] == chain[-1][0] + 1:
            chain.append(marker)
    chains.append(chain)
    return chains


def _uncovered(start: int, end: int, covered: list[Span]) -> list[Span]:
    """The parts of `start, end` outside the `covered` ranges.

    Examples:
        >>> _uncovered(0, 10, [(2, 4), (6, 8)])
        [(0, 2), (4, 6), (8, 10)]
        >>> _uncovered(0, 10, [(0, 10)])
        []
    """
    pieces, pos = [], start
    for s, e in sorted(covered):
        if e <= pos or s >= end:
            continue
        if s > pos:
            pieces.append((pos, s))
        pos = max(pos, e)
    if pos < end:
        pieces.append((pos, end))
    return pieces


# --------------------------------------------------------------------------- the parser


@dataclass
class _Open:
    rank: float                      # nesting rank; a captioned table is closed by any heading
    section: Section


@dataclass
class _Item:
    rank: int
    task: Task
    body_start: int                  # where the text after the marker starts


class _Builder:
    """Reads the body lines in order into sections and tasks: the open sections form
    a stack by heading rank, and at most one numbered item is open at a time."""

    def __init__(self, text: str, max_title: int):
        self.text = text
        self.max_title = max_title
        self.sections: list[Section] = []
        self.tasks: list[Task] = []
        self.stack: list[_Open] = []
        self.item: _Item | None = None
        self.paragraphs: dict[str, list[Span]] = {}
        self.child_count: dict[str | None, int] = {}
        self.used_paths: set[str] = set()
        self.next_suffix: dict[str, int] = {}     # path -> the suffix `unique` last gave it
        self.consumed: set[int] = set()   # lines already read as part of a heading
        self.tables = 0

    # -- paths and bookkeeping

    def unique(self, path: str) -> str:
        """`path`, or the first of `path~2`, `path~3` … not used yet. The search starts where the last
        one for `path` ended: a plan that numbers every line "1." would otherwise make it quadratic."""
        k = self.next_suffix.get(path, 1)
        candidate = path if k == 1 else f"{path}~{k}"
        while candidate in self.used_paths:
            k += 1
            candidate = f"{path}~{k}"
        self.next_suffix[path] = k
        self.used_paths.add(candidate)
        return candidate

    def top(self) -> Section | None:
        return self.stack[-1].section if self.stack else None

    def extend(self, end: int) -> None:
        """The line ending at `end` belongs to every open section and the open item."""
        for entry in self.stack:
            entry.section.body_span = (entry.section.body_span[0], max(entry.section.body_span[1], end))
        if self.item:
            self.item.task.span = (self.item.task.span[0], max(self.item.task.span[1], end))

    def close_item(self) -> None:
        if self.item:
            task = self.item.task
            # The title is on the marker's line: a bare numbered title (`1. 推进…`) with
            # its text on the lines below ends at its line end.
            start, _ = trim(self.text, self.item.body_start, task.span[1])
            end = min(task.span[1], line_end(self.text, start))
            task.title = title_of(self.text, start, end, item_title_stops())
            self.item = None

    def pop_to(self, rank: float) -> None:
        if self.item and self.item.rank >= rank:
            self.close_item()
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()

    def open_section(self, rank: float, segment: str, marker: str, title_span: Span,
                     start: int, end: int, parent: Section | None = None, top_level: bool = False) -> Section:
        if top_level:
            parent = None
        elif parent is None:
            parent = self.top()
        parent_path = parent.path if parent else None
        path = self.unique(f"{parent_path}/{segment}" if parent_path else segment)
        self.child_count[parent_path] = self.child_count.get(parent_path, 0) + 1
        depth = (parent.level if parent else 0) + 1
        section = Section(path=path, marker=marker, level=depth, title=self.text[title_span[0]:title_span[1]],
                          span=title_span, body_span=(start, end), parent=parent_path,
                          ordinal=self.child_count[parent_path])
        self.sections.append(section)
        self.paragraphs[path] = []
        return section

    def add_paragraph(self, start: int, end: int) -> None:
        if self.item:
            return  # continuation of the open item; its span was extended already
        top = self.top()
        self.paragraphs.setdefault(top.path if top else "", []).append((start, end))

    # -- lines

    def heading(self, line: Line, context: HeadingContext) -> None:
        """One heading line: a sub-point of the open item, an item task, or a section."""
        if line.style is None:
            raise ValueError(f"line {line.index} is not a heading")
        if self.item and line.style.rank > self.item.rank:
            self.extend(line.end)  # an inner marker inside an item: a sub-point of it
            return
        heading = read_heading(self.text, line)
        is_task = heading_is_task(self.text, heading, context, self.max_title)
        if self.stack and self.stack[-1].rank == _TABLE_RANK:
            self.stack.clear()  # any heading ends a captioned table's section
        self.pop_to(heading.style.rank)
        if is_task:
            self.open_item(heading)
        else:
            self.open_heading_section(heading, context)

    def open_item(self, heading: Heading) -> None:
        """A numbered heading that is one task: it stays open for the lines below it."""
        line = heading.line
        top = self.top()
        section_path = top.path if top else None
        path = self.unique(f"{section_path}/{heading.segment}" if section_path else heading.segment)
        task = Task(path=path, item=heading.segment, title="", kind="item", span=(line.start, line.end),
                    section=section_path)
        self.tasks.append(task)
        self.item = _Item(heading.style.rank, task, heading.rest_start)
        self.extend(line.end)

    def open_heading_section(self, heading: Heading, context: HeadingContext) -> None:
        """A heading that opens a section; its body text on its line is a paragraph."""
        line = heading.line
        title, end = heading.title, line.end
        next_line = context.next_line
        if not heading.has_title and next_line is not None and _is_bare_title(self.text, next_line, self.max_title):
            # A marker alone on its line (`一、`) with the title on the next one.
            title, end = (next_line.start, next_line.end), next_line.end
            self.consumed.add(next_line.index)
        elif heading.has_title:
            end = max(end, self.consume_heading_annotations(heading, context.block))
        section = self.open_section(heading.style.rank, heading.segment, heading.marker, title, line.start, end)
        self.extend(end)
        self.stack.append(_Open(heading.style.rank, section))
        if heading.has_body:
            # A heading that states a whole task with its owner note keeps that sentence as
            # a task of its section: the owner note alone would make a task without words.
            start = heading.title[0] if states_a_task_with_its_owner(self.text, heading) else heading.body_start
            self.add_paragraph(start, line.end)

    def consume_heading_annotations(self, heading: Heading, block: list[Line]) -> int:
        """Annotation-only lines right under the heading are the heading's owners
        (loaders/owners.py hands them to the section's tasks), not a task: they are
        read as part of the heading. Returns the end of the last one (or -1)."""
        below = [x for x in block if x.index not in self.consumed]
        end = -1
        for own in own_heading_annotations(self.text, heading.title[1], heading.line.end, _spans(below)):
            for x in below:
                if own[0] <= x.start < own[1]:
                    self.consumed.add(x.index)
                    end = max(end, x.end)
        return end

    def text_line(self, line: Line) -> None:
        self.extend(line.end)
        self.add_paragraph(line.start, line.end)

    # -- tables

    def table(self, table: Table) -> None:
        """A table: a section whose rows are tasks and whose category rows are sub-sections."""
        text = self.text
        head = table_header([text[s:e] for s, e in table.header.cells])
        if head is None:
            raise ValueError(f"line {table.header.index} is not a table header")
        self.tables += 1
        last = table.rows[-1] if table.rows else table.header
        section = self.open_table_section(table, last.end)
        rows = table.rows
        while rows and continues_header(head, [text[s:e] for s, e in rows[0].cells]):
            head, rows = with_sub_header(head, [text[s:e] for s, e in rows[0].cells]), rows[1:]
        names = unique_names(head.names)
        groups = row_groups(text, head, rows)
        numbered = numbered_in_arabic(text, head, (group[0] for group in groups))
        parent, n = section, 0
        for group in groups:
            category = self.open_category(head, group, numbered, section, last.end)
            if category is not None:
                parent = category
                continue
            n += 1
            self.add_row_task(head, names, group, parent, n)
        if table.caption is not None:
            self.stack.append(_Open(_TABLE_RANK, section))

    def open_table_section(self, table: Table, end: int) -> Section:
        """The table's own section: top-level and titled by its caption when it has one
        (e.g. an appended list of key projects), else in the current section, titled
        by its header line."""
        segment = load_vocab("structure")["tables"]["path"].format(n=self.tables)
        self.close_item()
        caption, header = table.caption, table.header
        if caption is not None:
            self.stack.clear()
            return self.open_section(_TABLE_RANK, segment, "", (caption.start, caption.end), caption.start, end,
                                     top_level=True)
        section = self.open_section(_TABLE_RANK, segment, "", (header.start, header.end), header.start, end)
        self.extend(end)
        return section

    def open_category(self, head: TableHeader, group: list[Line], numbered: bool, table_section: Section,
                      end: int) -> Section | None:
        """Rule: a table's category row (`| 一、养老服务 | | |`, see `tables.is_category_row`)
        heads the rows below it: it opens a sub-section of the table, not a task."""
        row = group[0]
        if len(group) != 1 or not is_category_row(self.text, head, row.cells, numbered):
            return None
        category = category_heading(self.text, head, row.cells, section_styles())
        if category is None:
            return None
        segment, marker, title = category
        segment = segment or load_vocab("structure")["tables"]["category_path"].format(
            n=self.child_count.get(table_section.path, 0) + 1)
        return self.open_section(_TABLE_RANK, segment, marker, title, row.start, end, parent=table_section)

    def add_row_task(self, head: TableHeader, names: list[str], group: list[Line], parent: Section, n: int) -> None:
        """The `n`-th row task of a table (a row and the rows its merged cells continue on)."""
        text = self.text
        row = group[0]
        cells = [text[s:e] for s, e in row.cells]
        item = index_cell(head, cells)
        if item is None:
            item = str(n)
        s, e = row.cells[title_column(head, cells)]
        title = title_of(text, s, e, frozenset()) if s < e else ""
        path = self.unique(f"{parent.path}/{item or n}")
        self.tasks.append(Task(path=path, item=item, title=title, kind="row", span=group_span(group),
                               section=parent.path, columns=row_columns(text, names, group)))

    # -- paragraphs → sentence and point tasks

    def paragraph_pieces(self, paragraphs: list[Span]) -> list[list]:
        """A section's paragraphs cut into [start, end, point marker] pieces: the points
        (`一是…`), and the sentences of the rest (marker ""); an owner annotation on a
        line of its own joins the piece before it."""
        text = self.text
        points = find_points(text, paragraphs)
        pieces = [(s, e, marker) for marker, s, e in points]
        covered = [(s, e) for _, s, e in points]
        for start, end in paragraphs:
            for s, e in _uncovered(start, end, covered):
                pieces.extend((ss, se, "") for ss, se in split_sentences(text, s, e))
        pieces.sort()
        merged: list[list] = []
        for s, e, marker in pieces:
            if merged and not marker and is_owner_annotation(text, s, e):
                merged[-1][1] = e  # an owner line under a paragraph belongs to its last task
            else:
                merged.append([s, e, marker])
        return merged

    def paragraph_tasks(self) -> None:
        text = self.text
        clause_end = punctuation().clause_end
        for section_path, paragraphs in self.paragraphs.items():
            if not paragraphs or not section_path:
                continue  # text outside every section is not a task
            n = 0
            for s, e, marker in self.paragraph_pieces(paragraphs):
                if marker:
                    title = title_of(text, _skip_punctuation(text, s + len(marker), e), e, clause_end)
                    self.tasks.append(Task(path=self.unique(f"{section_path}/{marker}"), item=marker, title=title,
                                           kind="point", span=(s, e), section=section_path))
                else:
                    n += 1
                    self.tasks.append(Task(path=self.unique(f"{section_path}/s{n}"), item="", kind="sentence",
                                           span=(s, e), title=title_of(text, s, e, clause_end),
                                           section=section_path))

    def finish(self) -> tuple[list[Section], list[Task]]:
        self.close_item()
        self.paragraph_tasks()
        self.tasks.sort(key=lambda t: t.span[0])
        counts: dict[str | None, int] = {}
        for task in self.tasks:
            counts[task.section] = counts.get(task.section, 0) + 1
            task.ordinal = counts[task.section]
        return self.sections, self.tasks


def parse_structure(view: TextView) -> tuple[list[Section], list[Task]]:
    """Sections (with heading and body spans) and tasks of a plan's normalised text.

    Examples:
        >>> view = TextView.identity("一、养老服务\\n1.新增床位300张。\\n2.建设食堂。")
        >>> sections, tasks = parse_structure(view)
        >>> [s.path for s in sections], [(t.path, t.kind, t.title) for t in tasks]
        (['一'], [('一/1', 'item', '新增床位300张'), ('一/2', 'item', '建设食堂')])
        >>> parse_structure(TextView.identity("关于印发工作要点的通知"))
        ([], [])
    """
    text = view.text
    lines = read_lines(text)
    tables, in_table = find_tables(text, lines)
    starts = [x.index for x in lines if x.kind == "heading" or x.index in tables]
    if not starts:
        return [], []
    body = lines[starts[0]:closing_start(text, lines)]
    builder = _Builder(text, load_vocab("structure")["heading_title_max_chars"])
    for k, line in enumerate(body):
        if line.index in tables:
            builder.table(tables[line.index])
        elif line.index in in_table or line.index in builder.consumed or line.kind == "blank":
            continue
        elif line.kind == "heading":
            builder.heading(line, heading_context(body, k, tables, in_table))
        else:
            builder.text_line(line)
    return builder.finish()
