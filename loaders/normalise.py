"""The normalised view of a plan: what every parser and extractor reads.

`normalise(original)` returns a `TextView` whose text has

* page furniture dropped (web metadata rows and footers, 抄送/印发 lines, page
  numbers; the patterns live in ``vocab/furniture.yaml``);
* lines that a PDF export or page break cut inside a sentence joined again;
* full- and half-width forms unified (ASCII ``,:;()!?`` in Chinese text become
  ``，：；（）！？``, full-width digits, letters and ``％`` become ASCII, spaces between
  Chinese and digits go: ``2025 年`` → ``2025年``);
* one line per paragraph, heading or table row, each ending with ``\\n`` and no
  blank lines;
* tables pasted as plain text laid out as the readers lay them out, `cell | cell |`:
  a Word table copied with tabs between its cells, and a web page's table copied
  one cell per line (`序号` / `工作任务` / `牵头单位` / `1` / `新建助餐点5个` / …) —
  see `tab_table_rows` and `cell_per_line_rows`.

Every normalised character keeps the index of the original character it stands
for (`TextView.origin`), so spans found in the view map back to the original.
Only whitespace and furniture lines are dropped, so an original span mapped back
from a normalised span differs from it only by whitespace, width forms and — when
the span crosses them — dropped furniture lines.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from policykg.loaders.tables import TableHeader, is_arabic_number, is_column_name, table_header
from policykg.loaders.textview import TextView, TextViewBuilder
from policykg.loaders.vocabulary import load_vocab, pattern, read_vocab

__all__ = [
    "Layout", "load_layout", "is_han", "is_cjk_punct", "is_cjk_context", "fold_char", "display_width",
    "is_table_row", "estimate_wrap_width", "normalise_line", "normalise",
    "tab_fields", "tab_table_rows", "cell_per_line_rows", "continues_a_cell",
]

# Characters that take no room and carry no meaning (zero-width space, joiners, BOM).
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
# ASCII punctuation that becomes its full-width form inside Chinese text.
_TO_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}
# Full-width characters that become ASCII everywhere: digits, letters and the
# symbols that occur in numbers and codes. ，：；（）！？ stay full-width.
_TO_ASCII = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}
_TO_ASCII.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})
_TO_ASCII.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})
_TO_ASCII.update({f: chr(ord(f) - 0xFEE0) for f in "％＋－／．＝＊＃＆＠＿＜＞"})
# East Asian punctuation that is not wide by Unicode's count but is in Chinese text.
_CJK_AMBIGUOUS_PUNCT = set("“”‘’…—·")


@dataclass(frozen=True)
class Layout:
    furniture: tuple[re.Pattern, ...]
    furniture_line: re.Pattern    # the furniture patterns as one alternation: one fullmatch per line, not one per pattern
    item_start: re.Pattern
    sentence_end: frozenset
    full_stop: frozenset
    continues_after: frozenset
    closers: frozenset
    clause_punctuation: frozenset
    never_line_start: frozenset
    owner_words: tuple[str, ...]


@lru_cache(maxsize=1)
def load_layout(path: str | None = None) -> Layout:
    """Furniture patterns and line-joining cues from ``vocab/furniture.yaml`` (or `path`)."""
    data = read_vocab(path) if path else load_vocab("furniture")
    patterns = [re.compile(p) for group in data["furniture"].values() for p in group]
    lay = data["layout"]
    return Layout(
        furniture=tuple(patterns),
        furniture_line=re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or "(?!)"),
        # `1 推进…`: the space marker is shared with the outline (patterns.yaml).
        item_start=re.compile("(?:" + "|".join([*lay["item_start"], pattern("arabic_space_marker")]) + ")"),
        sentence_end=frozenset(lay["sentence_end"]),
        full_stop=frozenset(lay["full_stop"]),
        continues_after=frozenset(lay["continues_after"]),
        closers=frozenset(lay["closers"]),
        clause_punctuation=frozenset(lay["clause_punctuation"]),
        never_line_start=frozenset(lay["never_line_start"]),
        # The owner labels of owners.yaml: one list says what an owner annotation looks like.
        owner_words=tuple(load_vocab("owners")["columns"]),
    )


# -- character classes ------------------------------------------------------------

def is_han(c: str) -> bool:
    """A Han character (any CJK ideograph block) or the numeral 〇.

    Examples:
        >>> is_han("养"), is_han("〇")
        (True, True)
        >>> is_han("，"), is_han("A")
        (False, False)
    """
    o = ord(c) if c else 0
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3134F or c == "〇")


def _is_wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F", "A") and not c.isascii()


def is_cjk_punct(c: str) -> bool:
    """Chinese punctuation and symbols (full-width, 《》“” …), not letters or digits.

    Examples:
        >>> is_cjk_punct("，"), is_cjk_punct("《")
        (True, True)
        >>> is_cjk_punct("养"), is_cjk_punct(",")
        (False, False)
    """
    return bool(c) and not is_han(c) and not c.isalnum() and not c.isspace() and (
        c in _CJK_AMBIGUOUS_PUNCT or unicodedata.east_asian_width(c) in ("W", "F"))


def is_cjk_context(c: str) -> bool:
    """A character of Chinese text: Han or Chinese punctuation (ASCII punctuation next to one becomes full-width).

    Examples:
        >>> is_cjk_context("养"), is_cjk_context("。")
        (True, True)
        >>> is_cjk_context("a"), is_cjk_context("")
        (False, False)
    """
    return bool(c) and (is_han(c) or is_cjk_punct(c))


def fold_char(c: str) -> str:
    """One form per character for comparing normalised and original text: half-width
    ASCII for full-width forms and ``，：；（）！？``, a plain space for any whitespace.

    Examples:
        >>> fold_char("（"), fold_char("５"), fold_char("\\u3000")
        ('(', '5', ' ')
        >>> fold_char("养")
        '养'
    """
    if c.isspace():
        return " "
    if c in _TO_ASCII:
        return _TO_ASCII[c]
    o = ord(c)
    if 0xFF01 <= o <= 0xFF5E:
        return chr(o - 0xFEE0)
    return c


# Non-ASCII characters outside the CJK blocks: the only ones whose width must be looked up.
_UNUSUAL_WIDTH = re.compile(r"[^\x00-\x7f\u2e80-\u9fff\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6]")


def display_width(s: str) -> int:
    """Columns a line takes in a CJK layout: wide characters count two.

    Counted in C where possible (lines are measured for every document): every
    non-ASCII character is wide except the few outside the CJK blocks that are not.

    Examples:
        >>> display_width("养老ab")
        6
        >>> display_width("abc")
        3
    """
    non_ascii = len(s) - len(s.encode("ascii", "ignore"))
    narrow = sum(1 for c in _UNUSUAL_WIDTH.findall(s) if not _is_wide(c))
    return len(s) + non_ascii - narrow


# -- lines ------------------------------------------------------------------------

@dataclass
class _Line:
    start: int            # original index of the first non-blank character
    end: int              # original index after the last non-blank character
    newline: int | None   # original index of the '\n' ending the line, if any
    text: str             # original[start:end]
    kind: str = "content"  # content | table | furniture | blank
    width: int = 0
    # A table row rebuilt from a pasted table: each cell's original (start, end) pieces.
    cells: list[list[tuple[int, int]]] | None = None


def _is_blank_char(c: str) -> bool:
    return c.isspace() or c in _INVISIBLE


def _split_lines(original: str, layout: Layout) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    n = len(original)
    while pos <= n:
        nl = original.find("\n", pos)
        line_end = n if nl == -1 else nl
        start, end = pos, line_end
        while start < end and _is_blank_char(original[start]):
            start += 1
        while end > start and _is_blank_char(original[end - 1]):
            end -= 1
        text = original[start:end]
        line = _Line(start, end, None if nl == -1 else nl, text)
        if not text:
            line.kind = "blank"
        elif layout.furniture_line.fullmatch(text):
            line.kind = "furniture"
        elif is_table_row(text):
            line.kind = "table"
        line.width = display_width(text)
        if nl == -1:
            if text or lines == []:
                lines.append(line)
            break
        lines.append(line)
        pos = nl + 1
    return lines


def is_table_row(line: str) -> bool:
    """A table row as the readers render it: `cell | cell |` (a `|` and a closing `|`).

    Examples:
        >>> is_table_row("序号 | 工作任务 |")
        True
        >>> is_table_row("A|B")
        False
    """
    s = line.strip()
    return "|" in s and (s.endswith("|") or s.count("|") >= 2)


def estimate_wrap_width(lines: list[_Line]) -> int | None:
    """The width at which a PDF export wrapped lines, if the document has one.

    Wrapped lines cluster just below the page width (a line breaks where the next
    character would not fit, and digits or punctuation make it a little shorter).
    The width counts when a good share of the text lines fall in one such band;
    documents whose lines are whole paragraphs have no width.
    """
    widths = [ln.width for ln in lines if ln.kind == "content"]
    if len(widths) < 8:
        return None
    counts = Counter(widths)
    best_w, best_count = 0, 0
    for w in sorted(counts):
        band = max(4, w // 10)
        count = sum(c for x, c in counts.items() if w - band <= x <= w)
        if count >= best_count:
            best_w, best_count = w, count
    # Lines of a wrapped text never run much past the page width; whole paragraphs do.
    longer = sum(c for x, c in counts.items() if x > best_w + max(4, best_w // 10))
    if best_count >= 5 and best_count >= 0.3 * len(widths) and longer <= 0.1 * len(widths):
        return best_w
    return None


class _Joiner:
    """Decides whether a line break between two text lines falls inside a sentence."""

    def __init__(self, layout: Layout, wrap_width: int | None):
        self.layout = layout
        self.wrap_width = wrap_width
        # a line this wide filled the page line: the break is a wrap
        self.near_wrap = None if wrap_width is None else wrap_width - max(4, wrap_width // 8)
        # a line this wide filled the page line to the last column: a paragraph's last
        # line is shorter, so a sentence ending here does not end the paragraph
        self.full_line = None if wrap_width is None else wrap_width - max(2, wrap_width // 20)

    def starts_item(self, text: str) -> bool:
        return bool(self.layout.item_start.match(text))

    def ends_sentence(self, text: str) -> bool:
        lay = self.layout
        s = text
        while s and s[-1] in lay.closers:
            s = s[:-1]
        if s and s[-1] in lay.sentence_end:
            return True
        if text and text[-1] in "）)":
            opening = max(text.rfind("（"), text.rfind("("))
            if opening >= 0 and any(w in text[opening:] for w in lay.owner_words):
                return True
        return False

    def is_standalone(self, line: _Line) -> bool:
        """Titles, letterheads, signatures, dates and headings stand on their own line."""
        if self.near_wrap is not None and line.width >= self.near_wrap:
            return False
        text = line.text
        if self.starts_item(text) and not any(c in self.layout.full_stop for c in text):
            return True
        return not any(c in self.layout.clause_punctuation for c in text)

    def should_join(self, prev: _Line, nxt: _Line) -> bool:
        if prev.kind != "content" or nxt.kind != "content":
            return False
        if nxt.text[0] in self.layout.never_line_start:
            return True
        if self.starts_item(nxt.text):
            return False
        if self.ends_sentence(prev.text):
            # a full-width line: the sentence ended, the paragraph did not
            stripped = prev.text.rstrip("".join(self.layout.closers))
            return (self.full_line is not None and prev.width >= self.full_line
                    and stripped[-1:] in self.layout.full_stop and not self.is_standalone(nxt))
        if prev.text[-1] in self.layout.continues_after:
            return True
        return not self.is_standalone(prev)


def _logical_lines(lines: list[_Line], layout: Layout) -> list[list[_Line]]:
    joiner = _Joiner(layout, estimate_wrap_width(lines))
    groups: list[list[_Line]] = []
    for line in lines:
        if line.kind in ("blank", "furniture"):
            continue
        if groups and joiner.should_join(groups[-1][-1], line):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


# -- tables pasted as plain text ----------------------------------------------------

_TAB = "\t"
# A cell-per-line table's header names are short; a longer line is text.
_COLUMN_NAME_MAX_CHARS = 12
_MAX_ROW_NUMBER = 999


def tab_fields(raw: str, start: int) -> list[tuple[int, int]]:
    r"""The (start, end) of the tab-separated fields of one raw line starting at `start`,
    spaces trimmed (an empty field between two tabs is an empty cell).

    Examples:
        >>> raw = "1\t新建助餐点\t\t12月 "
        >>> [raw[s:e] for s, e in tab_fields(raw, 0)]
        ['1', '新建助餐点', '', '12月']
        >>> tab_fields("一、养老服务", 0)
        [(0, 6)]
    """
    fields, pos = [], start
    for piece in raw.split(_TAB):
        s, e = pos, pos + len(piece)
        while s < e and _is_blank_char(raw[s - start]):
            s += 1
        while e > s and _is_blank_char(raw[e - 1 - start]):
            e -= 1
        fields.append((s, e))
        pos += len(piece) + 1
    return fields


def _raw_line(original: str, lines: list[_Line], k: int) -> tuple[int, str]:
    """(start, text) of line k as written, its leading tabs kept (an empty first cell)."""
    before = lines[k - 1].newline if k else None
    start = before + 1 if before is not None else 0
    end = lines[k].newline
    return start, original[start:end if end is not None else len(original)]


def tab_table_rows(original: str, lines: list[_Line]) -> dict[int, list[list[tuple[int, int]]]]:
    r"""Rule: a table copied from Word with a tab between its cells. A line whose tab-separated
    fields make a table header (`序号⇥工作任务⇥牵头单位`, see `tables.table_header`) and
    the lines with tabs right below it are the table's rows: line index → its cells.
    A line with tabs under no such header (`1.⇥推进…`, Word's list numbering) is text.

    Examples:
        >>> text = "序号\t工作任务\t牵头单位\n1\t新建助餐点5个\t养老服务科\n加强保障。"
        >>> rows = tab_table_rows(text, _split_lines(text, load_layout()))
        >>> {k: [[text[s:e] for s, e in cell] for cell in cells] for k, cells in rows.items()}[1]
        [['1'], ['新建助餐点5个'], ['养老服务科']]
        >>> tab_table_rows("1.\t推进助餐\n2.\t改造床位", _split_lines("1.\t推进助餐\n2.\t改造床位", load_layout()))
        {}
    """
    rows: dict[int, list[list[tuple[int, int]]]] = {}
    k = 0
    while k < len(lines):
        start, raw = _raw_line(original, lines, k)
        fields = tab_fields(raw, start)
        if lines[k].kind == "blank" or len(fields) < 2 or table_header([original[s:e] for s, e in fields]) is None:
            k += 1
            continue
        while k < len(lines) and lines[k].kind != "blank" and _TAB in lines[k].text:
            start, raw = _raw_line(original, lines, k)
            rows[k] = [[field] for field in tab_fields(raw, start)]
            k += 1
    return rows


def continues_a_cell(cell: list[str], text: str, layout: Layout) -> bool:
    """Rule: a line of a cell-per-line table that goes on with the cell above it (its
    lines so far: `cell`) rather than start the next one: the cell stopped mid-sentence
    (`改造床位300张，`), the line may not start a line (`，…`), or the cell is a list of
    sub-items and the line is the next one (`①1-3月：完成选址；` / `②4-12月：建成投用`).

    Examples:
        >>> continues_a_cell(["①1-3月：完成选址；"], "②4-12月：建成投用", load_layout())
        True
        >>> continues_a_cell(["养老服务科"], "①1-3月：完成选址；", load_layout())
        False
    """
    return (cell[-1][-1:] in layout.continues_after or text[:1] in layout.never_line_start
            or bool(_SUB_ITEM.match(cell[0]) and _SUB_ITEM.match(text)))


_SUB_ITEM = re.compile(r"[①-⑳⑴-⒇⒈-⒛]|[（(]\s*\d{1,2}\s*[）)]")


def _row_number(text: str) -> int | None:
    return int(re.sub(r"\D", "", text)) if is_arabic_number(text) and re.search(r"\d", text) else None


def _row_cells(texts: list[str], keys: list[int], columns: int, task: int | None, layout: Layout,
               last: bool) -> tuple[list[list[int]], int]:
    """The line indexes (`keys`) of one row of a cell-per-line table, cell by cell, and how
    many of the lines it takes. Lines that continue a cell (`continues_a_cell`) join it;
    the last row of the table ends where one more cell would begin; in another row,
    cells left over beyond the header's width join the task cell (a task written over
    several lines); missing cells are empty."""
    cells: list[list[int]] = []
    texts_of: list[list[str]] = []
    taken = 0
    for text, key in zip(texts, keys):
        if cells and continues_a_cell(texts_of[-1], text, layout):
            cells[-1].append(key)
            texts_of[-1].append(text)
        elif last and len(cells) == columns:
            break
        else:
            cells.append([key])
            texts_of.append([text])
        taken += 1
    surplus = len(cells) - columns
    if surplus > 0:
        at = task if task is not None and task < columns else columns - 1
        cells[at:at + surplus + 1] = [[key for cell in cells[at:at + surplus + 1] for key in cell]]
    return cells + [[] for _ in range(columns - len(cells))], taken


def _header_run(lines: list[_Line], order: list[int], p: int) -> int:
    """The end (in `order`) of the run of short known column names starting at `p`."""
    q = p
    while q < len(order):
        text = lines[order[q]].text
        if len(text) > _COLUMN_NAME_MAX_CHARS or not is_column_name(text):
            break
        q += 1
    return q


def cell_per_line_rows(lines: list[_Line], layout: Layout) -> dict[int, list[list[int]]]:
    r"""Rule: a table copied from a web page one cell per line. A run of short lines that
    are known column names with the row-number column first (`序号` / `工作任务` /
    `牵头单位`) followed by a line `1` is the header; each row starts at the line with
    the next row number (`2`, `3` …) and its lines are its cells (`_row_cells`); the
    last row ends where one more cell than the header has would begin. Returns the first line index of
    each row (the header's included) → the line indexes of its cells.

    Examples:
        >>> text = "序号\n工作任务\n牵头单位\n1\n新建助餐点5个\n养老服务科\n2\n改造床位\n福利科\n加强保障。"
        >>> rows = cell_per_line_rows(_split_lines(text, load_layout()), load_layout())
        >>> sorted(rows.items())
        [(0, [[0], [1], [2]]), (3, [[3], [4], [5]]), (6, [[6], [7], [8]])]
        >>> cell_per_line_rows(_split_lines("工作任务\n牵头单位\n新建助餐点5个", load_layout()), load_layout())
        {}
    """
    order = [k for k, line in enumerate(lines) if line.kind != "blank"]
    rows: dict[int, list[list[int]]] = {}
    p = 0
    while p < len(order):
        q = _header_run(lines, order, p)
        head = table_header([lines[k].text for k in order[p:q]]) if q - p >= 2 else None
        if head is not None and head.index_column:
            p += head.index_column   # a caption that reads like a column name (`重点任务分解表`) is no column
        names = [lines[k].text for k in order[p:q]]
        head = table_header(names) if len(names) >= 2 else None
        if head is None or head.index_column != 0 or q >= len(order) or _row_number(lines[order[q]].text) != 1:
            p = max(q, p + 1)
            continue
        rows[order[p]] = [[k] for k in order[p:q]]
        p = _numbered_rows(lines, order, q, head, layout, rows)
    return rows


def _numbered_rows(lines: list[_Line], order: list[int], r: int, head: TableHeader, layout: Layout,
                   rows: dict[int, list[list[int]]]) -> int:
    """Read the rows `1`, `2` … of a cell-per-line table from `order[r]` into `rows`;
    returns where the table ends (in `order`)."""
    columns = len(head.names) - 1          # the cells after the row number
    task = None if head.task_column is None else head.task_column - 1
    expected = 1
    while r < len(order) and _row_number(lines[order[r]].text) == expected and expected <= _MAX_ROW_NUMBER:
        after = next((t for t in range(r + 1, len(order)) if _row_number(lines[order[t]].text) == expected + 1), None)
        keys = order[r + 1:after if after is not None else len(order)]
        cells, taken = _row_cells([lines[k].text for k in keys], keys, columns, task, layout, after is None)
        rows[order[r]] = [[order[r]]] + cells
        expected, r = expected + 1, r + 1 + taken
    return r


def _rebuild_tables(original: str, lines: list[_Line], layout: Layout) -> list[_Line]:
    """The lines with every pasted table's rows made one table line each (`_Line.cells`)."""
    tab_rows = tab_table_rows(original, lines)
    cell_rows = cell_per_line_rows(lines, layout)
    if not tab_rows and not cell_rows:
        return lines
    in_cells = {k for cells in cell_rows.values() for cell in cells for k in cell}
    out: list[_Line] = []
    for k, line in enumerate(lines):
        if k in tab_rows:
            out.append(_table_line(line, tab_rows[k], line.newline))
        elif k in cell_rows:
            pieces = [[(lines[j].start, lines[j].end) for j in cell] for cell in cell_rows[k]]
            last = max(j for cell in cell_rows[k] for j in cell)
            out.append(_table_line(line, pieces, lines[last].newline))
        elif k not in in_cells:
            out.append(line)
    return out


def _table_line(line: _Line, cells: list[list[tuple[int, int]]], newline: int | None) -> _Line:
    return _Line(line.start, line.end, newline, line.text, kind="table", width=line.width, cells=cells)


def _emit_row(builder: TextViewBuilder, original: str, row: _Line) -> None:
    """One rebuilt table row as the readers write it: `cell | | cell |` (see read.render_table_row);
    each separator stands for the end of the cell before it."""
    for n, pieces in enumerate(row.cells or []):
        idxs: list[int] = []
        for s, e in pieces:
            idxs.extend(range(s, e))
        idxs, text = normalise_line(idxs, "".join(original[s:e] for s, e in pieces))
        anchor = idxs[-1] if idxs else (pieces[-1][1] if pieces else row.start)
        if n:
            builder.insert(" ", anchor)
        if text:
            builder.extend_pairs(idxs, text)
            builder.insert(" ", anchor)
        builder.insert("|", anchor)
    _end_line(builder, [row], original)


# -- characters -------------------------------------------------------------------

def _neighbour(chars: list[str], k: int, step: int) -> str:
    j = k + step
    while 0 <= j < len(chars) and chars[j] == " ":
        j += step
    return chars[j] if 0 <= j < len(chars) else ""


def _unify_ascii_punctuation(text: str) -> str:
    """ASCII ,:;()!? next to Chinese text become full-width; a bracket pair converts together."""
    chars = list(text)
    stack: list[int] = []
    partner: dict[int, int] = {}
    for m in _BRACKET_RE.finditer(text):
        k, ch = m.start(), m.group()
        if ch in "(（":
            stack.append(k)
        elif stack:
            o = stack.pop()
            partner[o], partner[k] = k, o
    convert = []
    for m in _ASCII_BRACKET_RE.finditer(text):
        k = m.start()
        context = [_neighbour(chars, k, -1), _neighbour(chars, k, 1)]
        other = partner.get(k)
        if other is not None:
            context += [_neighbour(chars, other, -1), _neighbour(chars, other, 1)]
            if chars[other] in "（）":
                context.append("（")
        if any(is_cjk_context(c) for c in context):
            convert.append(k)
    for k in convert:
        chars[k] = _TO_FULL[chars[k]]
    for m in _ASCII_CLAUSE_RE.finditer(text):
        k = m.start()
        if is_cjk_context(_neighbour(chars, k, -1)) or is_cjk_context(_neighbour(chars, k, 1)):
            chars[k] = _TO_FULL[chars[k]]
    return "".join(chars)


# The ASCII brackets of `_TO_FULL`, and its other (clause) punctuation.
_ASCII_BRACKETS = "()"
_BRACKET_RE = re.compile("[" + re.escape(_ASCII_BRACKETS + "".join(_TO_FULL[b] for b in _ASCII_BRACKETS)) + "]")
_ASCII_BRACKET_RE = re.compile("[" + re.escape(_ASCII_BRACKETS) + "]")
_ASCII_CLAUSE_RE = re.compile("[" + re.escape("".join(c for c in _TO_FULL if c not in _ASCII_BRACKETS)) + "]")


def _is_narrow_word_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c in "%")


def _keep_space(left: str, right: str) -> bool:
    """Whether a run of spaces between `left` and `right` means something.

    Examples:
        >>> _keep_space("a", "b"), _keep_space("|", "养")
        (True, True)
        >>> _keep_space("5", "年"), _keep_space("，", "养")
        (False, False)
    """
    if not left or not right:
        return False
    if left == "|" or right == "|":          # table cell separators
        return True
    if is_cjk_punct(left) or is_cjk_punct(right):
        return False
    if (is_han(left) and _is_narrow_word_char(right)) or (_is_narrow_word_char(left) and is_han(right)):
        return False                          # 2025 年 → 2025年, 600 户 → 600户
    return True                               # between words: one space


# A line with none of these characters is already normal: it is copied as it is.
_NEEDS_WORK = re.compile("[\\s" + re.escape("".join(_INVISIBLE) + "".join(_TO_ASCII) + "".join(_TO_FULL)) + "]")
_INVISIBLE_RE = re.compile("[" + "".join(_INVISIBLE) + "]")
# One-to-one character mapping (length preserving): any whitespace → space, full-width → ASCII.
_WIDTH_TABLE = str.maketrans({**_TO_ASCII, **{c: " " for c in "\t\r\n\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003"
                                              "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"}})
_WIDTH_RE = re.compile("[" + re.escape("".join(chr(c) for c in _WIDTH_TABLE)) + "]")   # what the table changes
_ASCII_PUNCT_RE = re.compile("[" + re.escape("".join(_TO_FULL)) + "]")
_SPACES_RE = re.compile(" +")


def normalise_line(idxs: list[int], text: str) -> tuple[list[int], str]:
    """Unify width forms and spacing of one logical line.

    `idxs[i]` is the original index of `text[i]`; the result keeps that pairing.
    Works on whole strings (str.translate, regex scans) and touches single
    characters only where punctuation or spaces need a decision.

    Examples:
        >>> normalise_line(list(range(10)), "2025 年(一)：")
        ([0, 1, 2, 3, 5, 6, 7, 8, 9], '2025年（一）：')
        >>> normalise_line([0, 1, 2], "a b")
        ([0, 1, 2], 'a b')
        >>> normalise_line(list(range(7)), "1 推进养老。")[1], normalise_line(list(range(6)), "3 个项目。")[1]
        ('1 推进养老。', '3个项目。')
    """
    if _INVISIBLE_RE.search(text):
        keep = [i for i, c in enumerate(text) if c not in _INVISIBLE]
        idxs, text = [idxs[i] for i in keep], "".join(text[i] for i in keep)
    if _WIDTH_RE.search(text):      # a search in C first: translating with a dict table is slow
        text = text.translate(_WIDTH_TABLE)
    text = "".join(" " if c.isspace() else c for c in text) if _OTHER_SPACE_RE.search(text) else text
    if _ASCII_PUNCT_RE.search(text):
        text = _unify_ascii_punctuation(text)
    if " " not in text:
        return idxs, text
    out_idx: list[int] = []
    parts: list[str] = []
    pos, left = 0, ""
    marker = _space_marker().match(text)   # `1 推进…`: the space is the item's marker
    for m in _SPACES_RE.finditer(text):
        s, e = m.span()
        if s > pos:
            parts.append(text[pos:s])
            out_idx.extend(idxs[pos:s])
            left = text[s - 1]
        right = text[e] if e < len(text) else ""
        if _keep_space(left, right) or (marker is not None and s == marker.end("n")):
            parts.append(" ")
            out_idx.append(idxs[s])
            left = " "
        pos = e
    if pos < len(text):
        parts.append(text[pos:])
        out_idx.extend(idxs[pos:])
    return out_idx, "".join(parts)


@lru_cache(maxsize=1)
def _space_marker() -> re.Pattern:
    return re.compile(pattern("arabic_space_marker"))


# Whitespace that the translation table does not name (rare Unicode spaces).
_OTHER_SPACE_RE = re.compile(r"(?! )\s")


# -- the view ---------------------------------------------------------------------

def normalise(original: str) -> TextView:
    """Build the normalised view of `original` (see the module docstring).

    Examples:
        >>> view = normalise("一、养老服务\\n新增床位，\\n300张。\\n\\n- 2 -\\n")
        >>> view.text
        '一、养老服务\\n新增床位，300张。\\n'
        >>> view.original_slice(7, 17)
        '新增床位，\\n300张。'
    """
    layout = load_layout()
    lines = _rebuild_tables(original, _split_lines(original, layout), layout)
    builder = TextViewBuilder(original)
    for group in _logical_lines(lines, layout):
        if group[0].cells is not None:
            _emit_row(builder, original, group[0])
            continue
        if len(group) == 1:
            seg = group[0]
            text = original[seg.start:seg.end]
            if text and not _NEEDS_WORK.search(text):
                # Fast path (most lines of most plans): nothing to unify, map one to one.
                builder.extend_range(seg.start, text)
                _end_line(builder, group, original)
                continue
        idxs: list[int] = []
        parts: list[str] = []
        for i, seg in enumerate(group):
            if i and idxs and seg.end > seg.start:
                last, first = original[idxs[-1]], original[seg.start]
                # a wrap between two Latin words or numbers stands for a space
                wrap = group[i - 1].newline  # a line followed by another one ends with its newline
                if wrap is not None and last.isascii() and last.isalnum() and first.isascii() and first.isalnum():
                    parts.append(" ")
                    idxs.append(wrap)
            parts.append(original[seg.start:seg.end])
            idxs.extend(range(seg.start, seg.end))
        idxs, text = normalise_line(idxs, "".join(parts))
        if not text:
            continue
        builder.extend_pairs(idxs, text)
        _end_line(builder, group, original)
    return builder.build()


def _end_line(builder: TextViewBuilder, group: list, original: str) -> None:
    end = group[-1].newline
    if end is not None:
        builder.keep(end, "\n")
    else:
        builder.insert("\n", len(original))
