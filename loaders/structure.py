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
  `heading_owner_spans`), not tasks.
* A table (`序号 | 项目 | 备注 |` header, `1 | … | |` rows) becomes a section whose
  rows are tasks (kind `row`); rows whose number and task cells are blank or repeat
  the row above (merged cells) continue its task. A table with a caption line right
  above its header is a top-level section titled by the caption; one without sits in
  the current section. A category row (`| 一、养老服务 | | |` in a table numbered
  1, 2, …) heads a sub-section of the table holding the rows below it.
* Any other text of a section becomes tasks too: `一是……二是……` and `第一，……第二，……`
  points (kind `point`) and otherwise one task per sentence (kind `sentence`, paths
  `…/s1`, `…/s2`).
* Text before the first heading (issuing notice, title block, intro paragraph) and
  the closing lines after the last paragraph (signature, date, 印发/抄送, the
  `附件：1.… 2.…` list) are not tasks: the intro is context, not work.

Section.level is the depth in the tree (1 = top). Ordinals are 1-based positions
among siblings (sections under one parent, tasks under one section).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from policykg.loaders.model import Section, Task
from policykg.loaders.numbers import parse_chinese
from policykg.loaders.textview import TextView
from policykg.loaders.vocabulary import alternation, load_vocab

# --------------------------------------------------------------------------- vocab


@dataclass(frozen=True)
class HeadingStyle:
    name: str
    rank: int           # position in the YAML list: smaller = outer
    role: str           # section | item
    path: str
    pattern: re.Pattern
    opens_outline: bool = False   # a heading only where the plan's outline starts with it


@dataclass(frozen=True)
class Punctuation:
    sentence_end: frozenset
    clause_end: frozenset
    closer_of: dict     # opening character → closing character
    closers: frozenset


# A four-digit year and its 年 (`2025年`).
_YEAR = r"(?:19|20)[0-9]{2}年"


@cache
def heading_styles() -> tuple[HeadingStyle, ...]:
    vocab = load_vocab("structure")
    numerals = vocab["numerals"]
    opens, closes = vocab["brackets"]["open"], vocab["brackets"]["close"]
    styles = []
    for rank, spec in enumerate(vocab["heading_styles"]):
        kind = spec["numeral"]
        digits = re.escape(numerals[kind])
        # Arabic numbers are short, Chinese ones a run; the symbol numerals
        # (`①`, `⑴`, `⒈`) are one character each.
        number = {"arabic": f"[{digits}]{{1,3}}", "chinese": f"[{digits}]+"}.get(kind, f"[{digits}]")
        if spec.get("bracketed"):
            core = rf"[{re.escape(''.join(opens))}]\s*(?P<n>{number})\s*[{re.escape(''.join(closes))}]"
        else:
            after = spec.get("after")
            core = re.escape(spec.get("prefix", "")) + f"(?P<n>{number})"
            if after:
                core += f"(?P<after>{alternation(after)})"
        if kind == "arabic":
            # `1.5万`, `3、4月` are numbers, not markers; but a year right after the
            # marker (`1.2025年底前建成…`) is the item's first word: no number is
            # written `1.2025年`.
            core += rf"(?!(?!{_YEAR})[{digits}])"
        styles.append(HeadingStyle(spec["name"], rank, spec["role"], spec["path"], re.compile(core),
                                   bool(spec.get("opens_outline"))))
    return tuple(styles)


@cache
def punctuation() -> Punctuation:
    p = load_vocab("structure")["punctuation"]
    closer_of = {a: b for a, b in p["pairs"]}
    return Punctuation(frozenset(p["sentence_end"]), frozenset(p["clause_end"]), closer_of,
                       frozenset(closer_of.values()))


@cache
def item_title_stops() -> frozenset:
    """Where a numbered item's title ends: its first sentence end, or a colon that
    introduces the item's content (`1. 推进养老床位建设：新增床位300张，…`)."""
    return punctuation().sentence_end | frozenset(load_vocab("structure")["punctuation"]["title_end"])


def label_pattern(labels) -> re.Pattern:
    """Annotation labels with their colon; group `label` is the label word. A short
    bracketed qualifier may stand before the colon (`责任单位（部门）：`)."""
    vocab = load_vocab("owners")
    opens, closes = (re.escape("".join(load_vocab("structure")["brackets"][k])) for k in ("open", "close"))
    qualifier = f"(?:[{opens}][^{opens}{closes}]{{1,{vocab['label_qualifier_chars']}}}[{closes}])?"
    return re.compile(f"(?P<label>{alternation(labels)})\\s*{qualifier}\\s*[{re.escape(''.join(vocab['colons']))}]")


@cache
def owner_label_pattern() -> re.Pattern:
    """An owner annotation label (`牵头领导：`) where it starts a clause."""
    return label_pattern(load_vocab("owners")["columns"])


def chinese_number(text: str) -> int | None:
    """Value of a Chinese numeral (`二十三` → 23); None if it is not one."""
    value = parse_chinese(text)
    return None if value is None else int(value)


# --------------------------------------------------------------------------- text helpers


@lru_cache(maxsize=2048)
def bracket_depths(text: str, start: int, end: int) -> tuple[int, ...]:
    """depths[i] is the bracket/quote nesting depth just before text[start + i].

    Unbalanced closers are ignored, so one stray bracket cannot swallow a line.
    Cached: the parser asks about the same paragraph and line ranges many times
    (str hashes are cached by Python, so a lookup does not rehash the text).
    """
    punct = punctuation()
    closer_of, closers = punct.closer_of, punct.closers
    depths, stack = [], []
    append = depths.append
    for ch in text[start:end]:
        append(len(stack))
        if stack and ch == stack[-1]:
            stack.pop()
        elif ch in closer_of:
            stack.append(closer_of[ch])
        elif ch in closers and ch in stack:
            # A closer for an outer pair closes the inner ones that were left open.
            while stack and stack.pop() != ch:
                pass
    return tuple(depths)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def owner_annotation_start(text: str, start: int, end: int) -> int | None:
    """Where an unbracketed owner annotation (`…。牵头领导：…`) begins, if the range has one."""
    depths = bracket_depths(text, start, end)
    allowed = set(load_vocab("owners")["label_preceded_by"]) | punctuation().sentence_end
    for m in owner_label_pattern().finditer(text, start, end):
        if depths[m.start() - start] != 0:
            continue
        if m.start() == start or text[m.start() - 1] in allowed:
            return m.start()
    return None


def owner_group_start(text: str, start: int, end: int) -> int | None:
    """Where a bracketed owner annotation (`（牵头单位：…）`) opens in a range, if any."""
    punct = punctuation()
    label = owner_label_pattern()
    depths = bracket_depths(text, start, end)
    for i in range(start, end):
        if text[i] in punct.closer_of and depths[i - start] == 0 and label.match(text, i + 1):
            return i
    return None


def _is_owner_annotation(text: str, start: int, end: int) -> bool:
    """The range is nothing but an owner annotation, bracketed or not."""
    return owner_annotation_start(text, start, end) == start or (
        owner_group_start(text, start, end) == start and _is_bracketed_group(text, start, end))


def _is_bracketed_group(text: str, start: int, end: int) -> bool:
    """The whole range is one bracket group, e.g. a trailing `（牵头领导：…）`."""
    punct = punctuation()
    if end - start < 2 or text[start] not in punct.closer_of:
        return False
    depths = bracket_depths(text, start, end)
    return all(d > 0 for d in depths[1:]) and text[end - 1] == punct.closer_of[text[start]]


def _after_owner_group(text: str, pos: int, end: int) -> int:
    """`pos`, or the end of a bracketed owner annotation that starts there
    (`。（牵头领导：…）`): the annotation belongs to the sentence before it."""
    punct = punctuation()
    j = pos
    while j < end and text[j].isspace():
        j += 1
    if j < end and text[j] in punct.closer_of and owner_label_pattern().match(text, j + 1):
        depths = bracket_depths(text, j, end)
        k = j + 1
        while k < end and depths[k - j] > 0:
            k += 1
        return k
    return pos


def annotation_end(text: str, start: int, end: int) -> int:
    """End of the owner annotation that starts at `start`: after its closing bracket
    when it is bracketed, else at the first `。` outside brackets (its fields are
    separated by `；`, so that does not end it) or the end of the range."""
    punct = punctuation()
    if text[start] in punct.closer_of:
        depths = bracket_depths(text, start, end)
        k = start + 1
        while k < end and depths[k - start] > 0:
            k += 1
        return k
    return first_clause_end(text, start, end, frozenset(punct.sentence_end - {"；", ";"}))


def owner_annotations(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the owner annotations in a range, bracketed or not, in text order."""
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        found = [x for x in (owner_group_start(text, pos, end), owner_annotation_start(text, pos, end)) if x is not None]
        if not found:
            break
        s = min(found)
        e = annotation_end(text, s, end)
        spans.append((s, e))
        pos = max(e, s + 1)
    return merge_adjacent_annotations(text, spans)


def merge_adjacent_annotations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Annotations with nothing but separators between them (`牵头领导：…` on one line,
    `责任部门：…` on the next) are one annotation: they name the owners of one thing."""
    joiners = set(load_vocab("owners")["separators"]) | punctuation().sentence_end
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and all(ch.isspace() or ch in joiners for ch in text[merged[-1][1]:s]):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _skip_punctuation(text: str, pos: int, end: int) -> int:
    """The first position from `pos` that is neither space nor clause punctuation
    (`第一，加强…`: the title starts after the comma that follows the marker)."""
    clause_end = punctuation().clause_end
    while pos < end and (text[pos].isspace() or text[pos] in clause_end):
        pos += 1
    return pos


def _only_punctuation(text: str, start: int, end: int) -> bool:
    punct = punctuation()
    return all(ch.isspace() or ch in punct.clause_end for ch in text[start:end])


def is_annotation_only(text: str, start: int, end: int) -> bool:
    """The range holds one owner annotation and nothing else but punctuation."""
    spans = owner_annotations(text, start, end)
    return (len(spans) == 1 and _only_punctuation(text, start, spans[0][0])
            and _only_punctuation(text, spans[0][1], end))


def heading_annotation(text: str, title_end: int, end: int) -> tuple[int, int] | None:
    """The owner annotation written right after a heading's title on its line
    (`（一）完善救助体系（牵头领导：孙丽）`, `一、养老服务 牵头单位：…`), if any."""
    spans = owner_annotations(text, title_end, end)
    if spans and _only_punctuation(text, title_end, spans[0][0]):
        return spans[0]
    return None


def own_heading_annotations(text: str, title_end: int, line_end: int, below) -> list[tuple[int, int]]:
    """Owner annotations a plan writes for a heading itself, given the heading line
    (from its title's end) and the non-blank line ranges below it (an iterable).

    Two places count, and only these: right after the title on the heading line,
    and — when the heading line carries no body text — annotation-only lines
    straight below it, before any other text. An annotation at the end of a
    paragraph under the heading is that paragraph's, not the heading's.
    """
    spans = []
    own = heading_annotation(text, title_end, line_end)
    if own is not None:
        spans.append(own)
    if not _only_punctuation(text, own[1] if own else title_end, line_end):
        return spans  # the heading line goes on with body text
    for s, e in below:
        if not is_annotation_only(text, s, e):
            break
        spans.append((s, e))
    return spans


def heading_owner_spans(text: str, section: Section) -> list[tuple[int, int]]:
    """Owner annotations written on a section's heading (see `own_heading_annotations`)."""
    title_end = section.span[1]
    line_end = _line_end(text, title_end)
    return own_heading_annotations(text, title_end, line_end, _lines_within(text, line_end + 1, section.body_span[1]))


def _lines_within(text: str, pos: int, end: int):
    """Trimmed non-blank line ranges from `pos` to `end`, read lazily."""
    while pos < end:
        s, e = _trim(text, pos, min(_line_end(text, pos), end))
        if s < e:
            yield s, e
        pos = _line_end(text, pos) + 1


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of one paragraph: cut after 。；！？ outside brackets, quotes and 《》.

    A trailing owner annotation, bracketed or not, stays with the sentence before it.
    """
    punct = punctuation()
    annotation = owner_annotation_start(text, start, end)
    split_end = annotation if annotation is not None else end
    depths = bracket_depths(text, start, split_end)
    pieces, piece_start = [], start
    for i in range(start, split_end):
        if i >= piece_start and text[i] in punct.sentence_end and depths[i - start] == 0:
            cut = _after_owner_group(text, i + 1, split_end)
            pieces.append((piece_start, cut))
            piece_start = cut
    pieces.append((piece_start, split_end))
    if annotation is not None:
        pieces.append((annotation, end))
    sentences: list[tuple[int, int]] = []
    for s, e in pieces:
        s, e = _trim(text, s, e)
        if s == e:
            continue
        has_words = any(not (ch in punct.sentence_end or ch in punct.clause_end or ch.isspace()) for ch in text[s:e])
        attach = not has_words or _is_bracketed_group(text, s, e) or s == annotation
        if attach and sentences:
            sentences[-1] = (sentences[-1][0], e)
        elif has_words:
            sentences.append((s, e))
    return sentences


def first_clause_end(text: str, start: int, end: int, stops: frozenset) -> int:
    """End of the first clause of a range (position of the first stop outside brackets)."""
    depths = bracket_depths(text, start, end)
    for i in range(start, end):
        if text[i] in stops and depths[i - start] == 0:
            return i
    return end


def title_of(text: str, start: int, end: int, stops: frozenset) -> str:
    """The heading phrase of a task: its first clause, without owner annotations."""
    punct = punctuation()
    annotation = owner_annotation_start(text, start, end)
    if annotation is not None:
        end = annotation
    cut = first_clause_end(text, start, end, stops)
    if cut == start:  # a clause-less start such as `一是，`: take the whole range
        cut = end
    title = _strip_owner_groups(text[start:cut])
    return title.strip().rstrip("".join(punct.clause_end)).strip()


def _strip_owner_groups(title: str) -> str:
    """Drop bracketed owner annotations from a title."""
    punct = punctuation()
    label = owner_label_pattern()
    out, i = [], 0
    while i < len(title):
        ch = title[i]
        if ch in punct.closer_of and label.match(title, i + 1):
            depths = bracket_depths(title, i, len(title))
            j = i + 1
            while j < len(title) and depths[j - i] > 0:
                j += 1
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- tables


@lru_cache(maxsize=1)
def _separators() -> str:
    return "".join(load_vocab("structure")["tables"]["cell_separator"])


def row_cell_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Trimmed spans of the cells of one `a | b | c |` line (outer empty cells dropped)."""
    seps = _separators()
    bounds, cell_start = [], start
    for i in range(start, end):
        if text[i] in seps:
            bounds.append((cell_start, i))
            cell_start = i + 1
    bounds.append((cell_start, end))
    cells = [_trim(text, s, e) for s, e in bounds]
    if len(cells) > 1 and cells[0][0] == cells[0][1] and text[start:end].lstrip()[:1] in seps:
        cells = cells[1:]
    if len(cells) > 1 and cells[-1][0] == cells[-1][1] and text[start:end].rstrip()[-1:] in seps:
        cells = cells[:-1]
    return cells


def _matches_column(cell: str, names: list[str]) -> str | None:
    cell = squash(cell)
    hits = [n for n in names if cell == n or (len(n) > 1 and cell.startswith(n))]
    return max(hits, key=len) if hits else None


def _is_rule_row(cells: list[str]) -> bool:
    """A markdown `|---|:---:|` rule under a header."""
    return bool(cells) and all(re.fullmatch(r"\s*:?-{2,}:?\s*", c) for c in cells if c) and any(cells)


@dataclass
class TableHeader:
    names: list[str]
    index_column: int | None
    task_column: int | None


def table_header(cells: list[str]) -> TableHeader | None:
    tables = load_vocab("structure")["tables"]
    known = tables["index_columns"] + tables["task_columns"] + tables["other_columns"] + list(load_vocab("owners")["columns"])
    names = [squash(c) for c in cells]
    index = next((i for i, n in enumerate(names) if _matches_column(n, tables["index_columns"])), None)
    if index is None and sum(1 for n in names if _matches_column(n, known)) < 2:
        return None
    task = next((i for i, n in enumerate(names) if _matches_column(n, tables["task_columns"])), None)
    return TableHeader(names, index, task)


# --------------------------------------------------------------------------- lines


@dataclass
class Line:
    index: int
    start: int                       # first non-space character
    end: int                         # after the last non-space character
    kind: str = "text"               # blank | heading | table | text
    style: HeadingStyle | None = None
    match: re.Match | None = None
    cells: list[tuple[int, int]] = field(default_factory=list)


def split_lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for i, raw in enumerate(text.split("\n")):
        s, e = _trim(text, pos, pos + len(raw))
        lines.append(Line(i, s, e, "blank" if s == e else "text"))
        pos += len(raw) + 1
    return lines


def classify(text: str, line: Line) -> None:
    if line.kind == "blank":
        return
    segment = text[line.start:line.end]
    if any(sep in segment for sep in _separators()):
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
    at a line start opens a point of a paragraph, not a new top-level section."""
    for style in heading_styles():
        if not style.opens_outline:
            continue
        inner_seen, demote = False, False
        for line in lines:
            if line.kind != "heading":
                continue
            if line.style is style:
                demote = demote or inner_seen
                if demote:
                    line.kind, line.style, line.match = "text", None, None
            elif line.style.rank > style.rank:
                inner_seen = True


def _is_bare_title(text: str, line: Line, max_chars: int) -> bool:
    """A short text line with no sentence end or comma: a caption, a title, a signature."""
    punct = punctuation()
    stops = punct.sentence_end | {"，", ","}
    return (line.kind == "text" and line.end - line.start <= max_chars
            and not any(ch in stops for ch in text[line.start:line.end]))


def closing_start(text: str, lines: list[Line]) -> int:
    """Index of the first line of the closing matter (signature, date, 印发 …)."""
    closing = load_vocab("structure")["closing"]
    first = len(lines)
    listed = None  # where a run of short numbered titles above the closing lines starts
    for line in reversed(lines):
        if line.kind == "blank":
            if listed is None:
                first = line.index
            continue
        body = text[line.start:line.end]
        keyword = any(k in body for k in closing["keywords"]) and len(body) <= 2 * closing["max_chars"]
        signature = _is_bare_title(text, line, closing["max_chars"]) and body.endswith(tuple(closing["endings"]))
        if line.kind == "text" and (keyword or signature):
            if listed is not None and not body.startswith(tuple(closing["list_after"])):
                break
            first, listed = line.index, None
            continue
        # The attachment list (`附件：` and `1.…任务分解表` `2.…清单` under it) is closing
        # matter too, though its lines look like numbered items: the run counts once
        # the `附件` line above it is reached.
        if line.kind == "heading" and line.style.role == "item" and _is_short_title(text, line, closing["max_chars"]):
            listed = line.index if listed is None else listed
            continue
        break
    return first


def _is_short_title(text: str, line: Line, max_chars: int) -> bool:
    """A numbered line with a short title and no sentence punctuation (`2.民生实事项目清单`)."""
    punct = punctuation()
    rest = text[line.match.end():line.end]
    return len(rest) <= max_chars and not any(ch in punct.sentence_end or ch in "，," for ch in rest)


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


def heading_title(text: str, start: int, end: int) -> tuple[tuple[int, int], int, int]:
    """(title span, body start, title cut) of the text after a heading marker.

    The title runs to the first sentence end (`（一）推进救助规范化建设。深化……`), stops
    before an owner annotation and drops trailing `：，`; the body follows the cut,
    which is never inside an annotation written after the title.
    """
    punct = punctuation()
    cut = first_clause_end(text, start, end, punct.sentence_end)
    title_end = min(x for x in (cut, owner_annotation_start(text, start, cut), owner_group_start(text, start, cut))
                    if x is not None)
    s, e = _trim(text, start, title_end)
    while e > s and (text[e - 1] in punct.clause_end or text[e - 1].isspace()):
        e -= 1
    annotation = heading_annotation(text, e, end) if title_end < cut else None
    if annotation is not None and annotation[1] > cut:
        # An unbracketed annotation (`牵头领导：…；责任部门：…`) runs over the `；` that
        # would otherwise end the title: the body starts after the annotation.
        cut = first_clause_end(text, annotation[1], end, punct.sentence_end)
    body_start, _ = _trim(text, min(cut + 1, end), end)
    return (s, e), body_start, cut


def closes_with_one_annotation(text: str, line: Line, title_end: int, block: list[Line]) -> bool:
    """A numbered heading and the text under it are one task when the plan writes
    one owner annotation for all of it: exactly one annotation in the heading line
    and its text lines, and that one either stands right on the heading
    (`（一）完善救助体系（牵头领导：孙丽）`) or closes the text after a sentence end
    (`（一）完善救助体系。……。（牵头领导：孙丽）`), as in a task-decomposition plan.

    The caller asks for a heading with no inner heading or table under it, and
    for a bare item title over its sub-items (`owns_its_sub_items`). Several
    annotations mean several owned pieces: the heading stays a section.
    """
    ranges = [(title_end, line.end)] + [(l.start, l.end) for l in block]
    spans = merge_adjacent_annotations(text, [span for r in ranges for span in owner_annotations(text, *r)])
    if len(spans) != 1:
        return False
    s, e = spans[0]
    own = own_heading_annotations(text, title_end, line.end, ranges[1:])
    if own and own[0][0] == s:
        return True
    before = text[text.rfind("\n", 0, s) + 1:s].rstrip()
    closes = _only_punctuation(text, e, ranges[-1][1])
    return closes and (not before or before[-1] in punctuation().sentence_end)


def owns_its_sub_items(text: str, line: Line, title_end: int, whole: list[Line]) -> bool:
    """A bare numbered item title (`1.推进床位建设`) over sub-items (`（1）…`, `①…`) is
    one task, the sub-items its points, when the plan writes one owner annotation
    for the whole of it (`closes_with_one_annotation` over all its lines): on the
    title, or closing its last sub-item. That is the layout of an item with text
    on the marker's line, whose sub-items are its points too; and the normaliser
    may join an annotation line to the sub-item above it, so a closing annotation
    on the last sub-item's line counts as well. Several annotations (one per
    sub-item) mean several owned pieces: the item heads a sub-section then.
    """
    return bool(whole) and closes_with_one_annotation(text, line, title_end, whole)


def _opens_content(next_line: Line | None, style: HeadingStyle) -> bool:
    """A bare numbered title heads a sub-section when its own paragraphs or
    inner-style items follow it; otherwise it is a one-line task."""
    if next_line is None:
        return False
    return next_line.kind == "text" or (next_line.kind == "heading" and next_line.style.rank > style.rank)


class _Builder:
    def __init__(self, text: str):
        self.text = text
        self.sections: list[Section] = []
        self.tasks: list[Task] = []
        self.stack: list[_Open] = []
        self.item: _Item | None = None
        self.paragraphs: dict[str, list[tuple[int, int]]] = {}
        self.child_count: dict[str | None, int] = {}
        self.used_paths: set[str] = set()
        self.consumed: set[int] = set()   # lines already read as part of a heading
        self.tables = 0

    # -- paths and bookkeeping

    def unique(self, path: str) -> str:
        candidate, k = path, 1
        while candidate in self.used_paths:
            k += 1
            candidate = f"{path}~{k}"
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
            start, _ = _trim(self.text, self.item.body_start, task.span[1])
            end = min(task.span[1], _line_end(self.text, start))
            task.title = title_of(self.text, start, end, item_title_stops())
            self.item = None

    def pop_to(self, rank: float) -> None:
        if self.item and self.item.rank >= rank:
            self.close_item()
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()

    def open_section(self, rank: float, segment: str, marker: str, title_span: tuple[int, int],
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

    def heading(self, line: Line, next_line: Line | None, max_title: int, table_follows: bool,
                block: list[Line], leaf: bool, whole: list[Line] | None = None) -> None:
        """One heading line; `block` is the text lines up to the next heading or table,
        `leaf` whether that next heading (if any) is of the same or an outer style,
        `whole` the lines up to the next heading of the same or an outer style
        (inner headings included) or table."""
        text, style, m = self.text, line.style, line.match
        if self.item and style.rank > self.item.rank:
            self.extend(line.end)  # an inner marker inside an item: a sub-point of it
            return
        rest_start, _ = _trim(text, m.end(), line.end)
        title_span, body_start, cut = heading_title(text, rest_start, line.end)
        has_body = body_start < line.end
        is_item = style.role == "item" and (
            has_body or cut < line.end
            or title_span[1] - title_span[0] > max_title
            or (not table_follows and not _opens_content(next_line, style)))
        if not is_item and leaf and not table_follows and title_span[0] < title_span[1]:
            is_item = closes_with_one_annotation(text, line, title_span[1], block)
        elif not is_item and style.role == "item" and not table_follows and title_span[0] < title_span[1]:
            is_item = owns_its_sub_items(text, line, title_span[1], whole or [])
        if self.stack and self.stack[-1].rank == float("inf"):
            self.stack.clear()  # any heading ends a captioned table's section
        self.pop_to(style.rank)
        numeral = m.group("n")
        segment = style.path.format(n=numeral, after=(m.groupdict().get("after") or ""))
        marker = text[m.start():m.end()]
        if is_item:
            top = self.top()
            section_path = top.path if top else None
            path = self.unique(f"{section_path}/{segment}" if section_path else segment)
            task = Task(path=path, item=segment, title="", kind="item", span=(line.start, line.end),
                        section=section_path)
            self.tasks.append(task)
            self.item = _Item(style.rank, task, rest_start)
            self.extend(line.end)
            return
        end = line.end
        if title_span[0] == title_span[1] and next_line is not None and _is_bare_title(text, next_line, max_title):
            # A marker alone on its line (`一、`) with the title on the next one.
            title_span, end = (next_line.start, next_line.end), next_line.end
            self.consumed.add(next_line.index)
        elif title_span[0] < title_span[1]:
            # Annotation-only lines right under the heading are the heading's owners
            # (loaders/owners.py hands them to the section's tasks), not a task.
            below = [l for l in block if l.index not in self.consumed]
            for own in own_heading_annotations(text, title_span[1], line.end, [(l.start, l.end) for l in below]):
                for l in below:
                    if own[0] <= l.start < own[1]:
                        self.consumed.add(l.index)
                        end = max(end, l.end)
        section = self.open_section(style.rank, segment, marker, title_span, line.start, end)
        self.extend(end)
        self.stack.append(_Open(style.rank, section))
        if has_body:
            self.add_paragraph(body_start, line.end)

    def text_line(self, line: Line) -> None:
        self.extend(line.end)
        self.add_paragraph(line.start, line.end)

    def table(self, caption: Line | None, header: Line, rows: list[Line]) -> None:
        text = self.text
        self.tables += 1
        segment = load_vocab("structure")["tables"]["path"].format(n=self.tables)
        head = table_header([text[s:e] for s, e in header.cells])
        last = rows[-1] if rows else header
        if caption is not None:
            # A captioned table stands on its own (e.g. an appended list of key projects).
            self.close_item()
            self.stack.clear()
            section = self.open_section(float("inf"), segment, "", (caption.start, caption.end),
                                        caption.start, last.end, top_level=True)
        else:
            if self.item:
                self.close_item()
            # Without a caption the header line is the only title the table has.
            section = self.open_section(float("inf"), segment, "", (header.start, header.end),
                                        header.start, last.end)
            self.extend(last.end)
        names = _unique_names(head.names)
        groups = row_groups(text, head, rows)
        numbered = any(_is_arabic_number(_cell_text(text, g[0], head.index_column)) for g in groups) \
            if head.index_column is not None else True
        parent, n = section, 0
        for group in groups:
            row = group[0]
            cells = [text[s:e] for s, e in row.cells]
            category = _category_cell(text, head, group, numbered)
            if category is not None:
                # A category row (`| 一、养老服务 | | |`) heads the rows below it: a
                # sub-section of the table, not a task.
                path_segment, marker, (cs, ce) = category
                path_segment = path_segment or load_vocab("structure")["tables"]["category_path"].format(
                    n=self.child_count.get(section.path, 0) + 1)
                parent = self.open_section(float("inf"), path_segment, marker, (cs, ce), row.start, last.end,
                                           parent=section)
                continue
            n += 1
            columns = {names[i]: cells[i] for i in range(min(len(names), len(cells)))}
            for more in group[1:]:
                for name, cell in zip(names, (text[s:e] for s, e in more.cells)):
                    if cell and cell not in columns.get(name, "").split("\n"):
                        columns[name] = f"{columns[name]}\n{cell}" if columns.get(name) else cell
            item = cells[head.index_column] if head.index_column is not None and head.index_column < len(cells) else str(n)
            title_col = head.task_column
            if title_col is None or title_col >= len(cells):
                title_col = next((i for i, c in enumerate(cells) if c and i != head.index_column), 0)
            s, e = row.cells[title_col]
            title = title_of(text, s, e, frozenset()) if s < e else ""
            filled = [c for r in group for c in r.cells if c[0] < c[1]]
            span = (filled[0][0], filled[-1][1])
            path = self.unique(f"{parent.path}/{item or n}")
            self.tasks.append(Task(path=path, item=item, title=title, kind="row", span=span,
                                   section=parent.path, columns=columns))
        if caption is not None:
            self.stack.append(_Open(float("inf"), section))

    # -- paragraphs → sentence and point tasks

    def paragraph_tasks(self) -> None:
        text = self.text
        for section_path, paragraphs in self.paragraphs.items():
            if not paragraphs or not section_path:
                continue  # text outside every section is not a task
            points = find_points(text, paragraphs)
            pieces = [(s, e, marker) for marker, s, e in points]
            covered = [(s, e) for _, s, e in points]
            for start, end in paragraphs:
                for s, e in _uncovered(start, end, covered):
                    pieces.extend((ss, se, "") for ss, se in split_sentences(text, s, e))
            pieces.sort()
            merged: list[list] = []
            for s, e, marker in pieces:
                if merged and not marker and _is_owner_annotation(text, s, e):
                    merged[-1][1] = e  # an owner line under a paragraph belongs to its last task
                else:
                    merged.append([s, e, marker])
            n = 0
            for s, e, marker in merged:
                if marker:
                    title = title_of(text, _skip_punctuation(text, s + len(marker), e), e, punctuation().clause_end)
                    self.tasks.append(Task(path=self.unique(f"{section_path}/{marker}"), item=marker, title=title,
                                           kind="point", span=(s, e), section=section_path))
                else:
                    n += 1
                    self.tasks.append(Task(path=self.unique(f"{section_path}/s{n}"), item="", kind="sentence",
                                           span=(s, e), title=title_of(text, s, e, punctuation().clause_end),
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


def row_groups(text: str, head: TableHeader, rows: list[Line]) -> list[list[Line]]:
    """Table rows grouped into tasks: a row whose number and task cells are empty or
    repeat the row above continues that row's task. Merged cells do this: a task
    with several measures (`具体措施`) or owners on rows of their own leaves its
    number and task blank below the first row (text and PDF exports) or repeats
    them (Word exports repeat a vertically merged cell's text in every row)."""
    if head.index_column is None or head.task_column is None:
        return [[row] for row in rows]
    key = lambda row: (_cell_text(text, row, head.index_column), _cell_text(text, row, head.task_column))
    groups: list[list[Line]] = []
    for row in rows:
        number, task = key(row)
        if groups:
            first_number, first_task = key(groups[-1][0])
            if first_number and number in ("", first_number) and task in ("", first_task):
                groups[-1].append(row)
                continue
        groups.append([row])
    return groups


def _category_cell(text: str, head: TableHeader, group: list[Line], numbered: bool):
    """(path segment, marker, title span) of a category row, or None for a task row.

    A category row names a group of the rows below it (`| 一、养老服务 | | | |`,
    `| 一 | 养老服务 | | |`, `| 养老服务 | | | |`): one table line that fills no
    cell but its number, task and owner cells, in a table whose task rows are
    numbered in Arabic digits while this row's number is not one. Owners on it
    are the group's (loaders/owners.py reads them like a heading's). A table
    numbered in Chinese numerals throughout has no category rows, and a row that
    fills any other column (a deadline, a measure) is a task.
    """
    if len(group) != 1 or not numbered:
        return None
    row = group[0]
    index = head.index_column if head.index_column is not None else 0
    if index == head.task_column:
        return None  # the first cell of a table without numbers is the task itself
    owner_labels = tuple(load_vocab("owners")["columns"])
    keep = {index, head.task_column} | {i for i, name in enumerate(head.names) if name.startswith(owner_labels)}
    if any(s < e for i, (s, e) in enumerate(row.cells) if i not in keep):
        return None
    number = _cell_text(text, row, index)
    if not number or _is_arabic_number(number):
        return None
    s, e = row.cells[index]
    task_cell = row.cells[head.task_column] if head.task_column is not None and head.task_column < len(row.cells) else (e, e)
    if all(ch in load_vocab("structure")["numerals"]["chinese"] for ch in number):
        return (number, number, task_cell) if task_cell[0] < task_cell[1] else None  # `| 一 | 养老服务 |`
    for style in heading_styles():
        m = style.pattern.match(text, s, e)
        if m and style.role == "section":
            rest = _trim(text, m.end(), e)
            title = rest if rest[0] < rest[1] else task_cell
            segment = style.path.format(n=m.group("n"), after=m.groupdict().get("after") or "")
            return (segment, text[m.start():m.end()], title) if title[0] < title[1] else None
    if task_cell[0] < task_cell[1]:
        return None  # `| 甲 | 新增床位 |`: an odd number, but a task
    return "", "", (s, e)


def _is_arabic_number(cell: str) -> bool:
    """A row number in Arabic digits, as printed in a number column: `3`, `3.`, `3、`."""
    return bool(re.fullmatch(r"[0-9０-９]{1,3}[.．、]?", cell))


def _cell_text(text: str, row: Line, column: int) -> str:
    return squash(text[row.cells[column][0]:row.cells[column][1]]) if column < len(row.cells) else ""


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}~{seen[name]}")
    return out


def _uncovered(start: int, end: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
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


@cache
def _point_patterns() -> tuple[tuple[re.Pattern, bool], ...]:
    """One (pattern, suffix is part of the marker) per point form (`一是`, `第一，`)."""
    spec = load_vocab("structure")["points"]
    digits = re.escape(load_vocab("structure")["numerals"][spec["numeral"]])
    return tuple((re.compile(f"{re.escape(form.get('prefix', ''))}(?P<n>[{digits}]+)(?P<suffix>{alternation(form['suffix'])})"),
                  form.get("suffix_in_marker", True))
                 for form in spec["forms"])


def _sentence_end(text: str, start: int, end: int) -> int:
    """End (after the 。) of the sentence starting at `start`; `；` does not end it."""
    stops = frozenset(punctuation().sentence_end - {"；", ";"})
    cut = first_clause_end(text, start, end, stops)
    return min(cut + 1, end)


def find_points(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """`一是……二是……` points of a section's paragraphs as (marker, start, end).

    A point runs to the next point of its chain on the same paragraph, else to the
    end of its sentence. Chains need `min_points` consecutive numerals from 一.
    """
    spec = load_vocab("structure")["points"]
    chains = []
    for pattern, suffix_in_marker in _point_patterns():
        chains.extend(_point_chains(text, paragraphs, pattern, suffix_in_marker))
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
            points.append((marker, *_trim(text, s, e)))
    return sorted(points, key=lambda p: p[1])


def _point_chains(text: str, paragraphs: list[tuple[int, int]], pattern: re.Pattern,
                  suffix_in_marker: bool) -> list[list[tuple]]:
    """Runs of consecutive point markers of one form, each starting at 一, as lists of
    (value, marker, start, paragraph end). A marker counts at a paragraph start or
    right after `preceded_by` punctuation, outside brackets."""
    allowed = set(load_vocab("structure")["points"]["preceded_by"])
    markers = []
    for start, end in paragraphs:
        depths = bracket_depths(text, start, end)
        for m in pattern.finditer(text, start, end):
            if depths[m.start() - start]:
                continue
            before = text[start:m.start()].rstrip()
            if before and before[-1] not in allowed:
                continue
            value = chinese_number(m.group("n"))
            if value:
                marker = m.group(0) if suffix_in_marker else text[m.start():m.start("suffix")]
                markers.append((value, marker, m.start(), end))
    chains, chain = [], []
    for marker in markers:
        if marker[0] == 1:
            chains.append(chain)
            chain = [marker]
        elif chain and marker[0] == chain[-1][0] + 1:
            chain.append(marker)
    chains.append(chain)
    return chains


def _text_block(lines: list[Line], in_table: set[int]) -> tuple[list[Line], Line | None]:
    """The text lines at the start of `lines`, and the heading or table line that ends them."""
    block = []
    for line in lines:
        if line.kind == "heading" or line.index in in_table:
            return block, line
        if line.kind != "blank":
            block.append(line)
    return block, None


def _item_block(lines: list[Line], in_table: set[int], rank: int) -> list[Line]:
    """The non-blank lines under a heading of `rank`, inner headings included, up to
    the next heading of that rank or an outer one, or a table."""
    block = []
    for line in lines:
        if line.index in in_table or (line.kind == "heading" and line.style.rank <= rank):
            break
        if line.kind != "blank":
            block.append(line)
    return block


def parse_structure(view: TextView) -> tuple[list[Section], list[Task]]:
    """Sections (with heading and body spans) and tasks of a plan's normalised text."""
    text = view.text
    vocab = load_vocab("structure")
    lines = split_lines(text)
    for line in lines:
        classify(text, line)
    demote_inner_outline_styles(lines)

    # Tables: a header line, its rows, and the caption just above the header.
    tables: dict[int, tuple[Line | None, Line, list[Line]]] = {}
    in_table: set[int] = set()
    caption_max = vocab["tables"]["caption_max_chars"]
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind == "table" and table_header([text[s:e] for s, e in line.cells]):
            rows, j = [], i + 1
            while j < len(lines) and lines[j].kind in ("table", "blank"):
                cells = [text[s:e] for s, e in lines[j].cells]
                if lines[j].kind == "table" and not _is_rule_row(cells) and any(cells):
                    rows.append(lines[j])
                j += 1
            prev = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].kind != "blank"), None)
            caption = prev if prev is not None and _is_bare_title(text, prev, caption_max) else None
            first = caption.index if caption else i
            tables[first] = (caption, line, rows)
            in_table.update(range(first, j))
            i = j
            continue
        i += 1

    starts = [l.index for l in lines if l.kind == "heading" or l.index in tables]
    if not starts:
        return [], []
    end = closing_start(text, lines)
    body = [l for l in lines[starts[0]:end]]
    builder = _Builder(text)
    max_title = vocab["heading_title_max_chars"]
    for k, line in enumerate(body):
        if line.index in tables:
            builder.table(*tables[line.index])
        elif line.index in in_table or line.index in builder.consumed or line.kind == "blank":
            continue
        elif line.kind == "heading":
            nxt = next((l for l in body[k + 1:] if l.kind != "blank"), None)
            block, stop = _text_block(body[k + 1:], in_table)
            leaf = stop is None or (stop.index not in in_table and stop.style.rank <= line.style.rank)
            whole = None if leaf or line.style.role != "item" else _item_block(body[k + 1:], in_table, line.style.rank)
            # A bare numbered title right above a table is the table's section.
            builder.heading(line, nxt, max_title, table_follows=nxt is not None and nxt.index in tables,
                            block=block, leaf=leaf, whole=whole)
        else:
            builder.text_line(line)
    return builder.finish()
