"""Owners that a plan writes down for its tasks.

`extract_explicit_owners(view, tasks)` reads
* owner annotations in a task's text, e.g.
  `（牵头领导：徐敏，责任部门：局养老服务科、区婚姻（收养）登记中心）` — in （）【】[] or
  unbracketed, full- or half-width, fields separated by `，`, `；`, spaces or line
  breaks (or by nothing, when two annotation lines were joined into one);
* bracketed `（区民政局牵头，各街镇配合）` groups, names first and the duty after, where
  they close what they annotate (not `开展议事协商（居委会参与）工作`);
* owner columns of table rows (`牵头单位`, `责任部门`, `负责人` … from `Task.columns`),
  over every row of a task that spans merged rows, and annotations in its other cells;
  a `同上` cell repeats the row above (rule `same_as_above`);
* owners written once on a section heading or a table's category row, for the
  tasks under it that do not name that role (for departments: that duty, lead or
  support) themselves (rule `section_heading`).

One OwnerMention per name, with the span of the name in the normalised text.
Labels, the label → role map, separators and generic phrases live in
`vocab/owners.yaml`. Names are split at separators outside brackets, so
`区婚姻（收养）登记中心` stays one department; `和`/`及`/spaces split only between
whole names (`局 养老服务科` is one), a closing `等` is dropped, and `各街道、镇` stays
one generic owner. What names no one is dropped: placeholders (`无`), a time after
the names (`，12月底前完成`), a bracketed duty or post after a name (`（牵头）`,
`（副局长）`), a duty phrase (`持续推进`, the `负责落实` of `各街镇负责落实`).
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import cache

from policykg.loaders.annotations import (
    bracket_depths,
    char_class,
    first_unnested,
    heading_owner_spans,
    label_pattern,
    punctuation,
    squash,
)
from policykg.loaders.model import OwnerMention, Section, Task
from policykg.loaders.structure import parse_structure
from policykg.loaders.tables import row_cell_spans
from policykg.loaders.textview import TextView
from policykg.loaders.vocabulary import alternation, load_vocab, pattern

__all__ = [
    "role_of_column", "is_generic", "department_kind", "ends_like_org", "owner_names",
    "field_label_pattern", "unknown_label_pattern", "annotation_fields", "verb_fields", "duty_of",
    "extract_explicit_owners",
]


def role_of_column(header: str) -> tuple[str, str] | None:
    """(label, role) for an owner column header such as `责任部门（单位）`; None otherwise.

    Examples:
        >>> role_of_column("责任部门（单位）")
        ('责任部门', 'department')
        >>> role_of_column("完成时限") is None
        True
    """
    columns = load_vocab("owners")["columns"]
    header = squash(header)
    labels = [label for label in columns if header.startswith(label)] or [label for label in columns if label in header]
    if not labels:
        return None
    label = max(labels, key=len)
    return label, columns[label]


def is_generic(name: str) -> bool:
    """A collective owner (`各街镇`, `相关部门`, `成员单位`), not one body: a marker in it, or a generic phrase.

    Examples:
        >>> is_generic("各街镇"), is_generic("成员单位")
        (True, True)
        >>> is_generic("区民政局")
        False
    """
    generic = load_vocab("owners")["generic"]
    return any(m in name for m in generic["markers"]) or name in generic["phrases"]


def department_kind(name: str) -> str | None:
    """The kind of a department by its name's ending (section | unit | agency | coordination), `generic` for a
    collective owner, None when the ending says nothing.

    Examples:
        >>> department_kind("养老服务科"), department_kind("区民政局"), department_kind("各街镇")
        ('section', 'agency', 'generic')
        >>> department_kind("徐敏") is None
        True
    """
    if is_generic(name):
        return "generic"
    best, best_len = None, 0
    for kind, endings in load_vocab("owners")["kinds"].items():
        for ending in endings:
            if name.endswith(ending) and len(ending) > best_len:
                best, best_len = kind, len(ending)
    return best


def _split_at(text: str, start: int, end: int, separators: set[str]) -> list[tuple[int, int]]:
    """Split a range at separator characters outside brackets."""
    depths = bracket_depths(text, start, end)
    pieces, piece_start = [], start
    for m in char_class(frozenset(separators)).finditer(text, start, end):
        i = m.start()
        if depths[i - start] == 0:
            pieces.append((piece_start, i))
            piece_start = i + 1
    pieces.append((piece_start, end))
    return pieces


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    junk = set(load_vocab("owners")["separators"]) | punctuation().sentence_end
    while start < end and (text[start].isspace() or text[start] in junk):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in junk):
        end -= 1
    return start, end


_SPACES = re.compile(r"\s+")
# Spaces within a line (a line break ends the line: see `_closes_clause`).
_INLINE_SPACES = " \u3000\t"


def _joints(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the words that may join two names: the conjunctions, in the
    vocabulary's order, then runs of spaces (`养老服务科 社会救助科`, `赵刚 钱伟`)."""
    joints = []
    for conj in load_vocab("owners")["conjunctions"]:
        pos = text.find(conj, start, end)
        while pos != -1:
            joints.append((pos, pos + len(conj)))
            pos = text.find(conj, pos + 1, end)
    joints.extend(m.span() for m in _SPACES.finditer(text, start, end))
    return joints


def _split_conjunctions(text: str, start: int, end: int, role: str) -> list[tuple[int, int]]:
    """`A和B`, `A B` → A, B when the joint joins two names rather than sitting inside
    one: for departments the part before it ends like an organisation, for people
    both parts have at least two characters (`徐 敏` is one name spaced out) and the
    first is not a post (`局长 张三` names one person).

    Examples:
        >>> text = "区民政局和区财政局"
        >>> [text[s:e] for s, e in _split_conjunctions(text, 0, len(text), "department")]
        ['区民政局', '区财政局']
        >>> text = "相关科室和局属单位"
        >>> [text[s:e] for s, e in _split_conjunctions(text, 0, len(text), "department")]
        ['相关科室和局属单位']
    """
    vocab = load_vocab("owners")
    piece = text[start:end]
    if role == "department" and any(piece.startswith(m) for m in vocab["generic"]["markers"]):
        return [(start, end)]  # `相关科室和局属单位`: one collective owner
    depths = bracket_depths(text, start, end)
    for pos, after in _joints(text, start, end):
        left, right = squash(text[start:pos]), squash(text[after:end])
        joins_names = left and right and depths[pos - start] == 0 and (
            ends_like_org(left) if role == "department"
            else len(left) >= 2 and len(right) >= 2 and not left.endswith(tuple(vocab["leader_titles"])))
        if joins_names:
            return (_split_conjunctions(text, start, pos, role)
                    + _split_conjunctions(text, after, end, role))
    return [(start, end)]


def _drop_etc(text: str, start: int, end: int, role: str) -> list[tuple[int, int]]:
    """`区财政局等` → 区财政局; `区民政局等相关部门` → 区民政局, 相关部门 (a generic
    owner); `区民政局等部门`, `区民政局等5个部门` → 区民政局. `等` counts only after a whole name (an
    organisation's ending, or a person's name of two characters or more).

    Examples:
        >>> text = "区民政局等相关部门"
        >>> [text[s:e] for s, e in _drop_etc(text, 0, len(text), "department")]
        ['区民政局', '相关部门']
        >>> text = "平等议事会"
        >>> [text[s:e] for s, e in _drop_etc(text, 0, len(text), "department")]
        ['平等议事会']
    """
    vocab = load_vocab("owners")
    for word in vocab["etc"]["words"]:
        pos = text.find(word, start, end)
        while pos != -1:
            left, right = squash(text[start:pos]), squash(text[pos + len(word):end])
            after_name = (ends_like_org(left) if role == "department"
                          else len(left) >= 2)
            if after_name and bracket_depths(text, start, end)[pos - start] == 0:
                if role == "department" and right and is_generic(right):
                    return [(start, pos), (pos + len(word), end)]
                # `等部门`, and a count of them (`等10个部门`, `等多家单位`): no one more.
                if not right or right.endswith(tuple(vocab["etc"]["collective"])):
                    return [(start, pos)]
            pos = text.find(word, pos + 1, end)
    return [(start, end)]


def _continues_generic(text: str, names: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    """`各街道、镇`: a bare place word after a generic name of places completes it.
    The name before must itself end with a place word: in `相关部门、街道` and
    `各委办局、镇` the 街道 / 镇 are owners of their own.

    Examples:
        >>> text = "各街道、镇"
        >>> _continues_generic(text, [(0, 3)], (4, 5))
        True
        >>> text = "相关部门、街道"
        >>> _continues_generic(text, [(0, 4)], (5, 7))
        False
    """
    words = load_vocab("owners")["generic"]["continuations"]
    if not names:
        return False
    before = squash(text[names[-1][0]:names[-1][1]])
    return squash(text[span[0]:span[1]]) in words and is_generic(before) and before.endswith(tuple(words))


@cache
def _time_pattern() -> re.Pattern:
    """A date or time: digits and a unit (`12月`, `2025年`, `3季度`), or a time word."""
    vocab = load_vocab("owners")["value_stops"]
    return re.compile(f"{pattern('arabic_digit')}+\\s*(?:{alternation(vocab['units'])})|{alternation(vocab['words'])}")


def _value_stop(text: str, start: int, end: int) -> int:
    """Where the names of a value end: before a time written after them outside
    brackets (`养老服务科，12月底前完成`, `养老服务科 2025年12月`, `年底前`). A name
    with digits (`区12345热线办`) holds no time unit after them.

    Examples:
        >>> text = "养老服务科，12月底前完成"
        >>> text[:_value_stop(text, 0, len(text))]
        '养老服务科，'
        >>> text = "区12345热线办"
        >>> _value_stop(text, 0, len(text)) == len(text)
        True
    """
    depths = bracket_depths(text, start, end)
    for m in _time_pattern().finditer(text, start, end):
        if depths[m.start() - start] == 0:
            return m.start()
    return end


def _drop_qualifier(text: str, start: int, end: int, role: str) -> tuple[int, int]:
    """A name without the bracketed duty, time or post written after it:
    `局养老服务科（牵头）` → 局养老服务科, `养老服务科（6月底前）` → 养老服务科,
    `徐敏（副局长）` → 徐敏. Brackets inside a name (`区婚姻（收养）登记中心`) and
    other trailing ones (`区民政局（区老龄办）`) stay.

    Examples:
        >>> text = "局养老服务科（牵头）"
        >>> s, e = _drop_qualifier(text, 0, len(text), "department")
        >>> text[s:e]
        '局养老服务科'
        >>> text = "区婚姻（收养）登记中心"
        >>> _drop_qualifier(text, 0, len(text), "department") == (0, len(text))
        True
    """
    vocab = load_vocab("owners")
    punct = punctuation()
    if end - start < 3 or text[end - 1] not in punct.closers:
        return start, end
    depths = bracket_depths(text, start, end)
    opening = next((i for i in range(end - 2, start, -1)
                    if depths[i - start] == 0 and text[i] in punct.closer_of), None)
    if opening is None or punct.closer_of[text[opening]] != text[end - 1]:
        return start, end
    inner = squash(text[opening + 1:end - 1])
    post = role == "leader" and inner.endswith(tuple(vocab["leader_titles"]))
    if inner in vocab["name_qualifiers"] or post or _value_stop(text, opening + 1, end - 1) < end - 1:
        return _strip(text, start, opening)
    return start, end


def _without_duty(text: str, start: int, end: int, role: str) -> tuple[int, int] | None:
    """A listed department without the duty written after it (`各街镇负责落实` →
    各街镇, `区民政局牵头` → 区民政局), or None when the piece is a duty phrase and
    no name (`持续推进`). A piece that ends like an organisation is left whole
    (`区城市更新推进中心`).

    Examples:
        >>> text = "各街镇负责落实"
        >>> s, e = _without_duty(text, 0, len(text), "department")
        >>> text[s:e]
        '各街镇'
        >>> _without_duty("持续推进", 0, 4, "department") is None
        True
    """
    vocab = load_vocab("owners")
    name = squash(text[start:end])
    if role != "department" or ends_like_org(name):
        return (start, end) if not name.endswith(tuple(vocab["not_name_endings"])) else None
    duties = tuple(vocab["verb_annotations"]["verbs"]) + tuple(vocab["not_name_endings"])
    for pos in range(start + 1, end):
        if text.startswith(duties, pos) and _looks_like_org(squash(text[start:pos])):
            return _strip(text, start, pos)
    return (start, end) if not name.endswith(tuple(vocab["not_name_endings"])) else None


def _is_name(name: str) -> bool:
    """A piece of a list that names someone: it has a letter (`—`, `/` name no one)
    and is not a placeholder (`无`).

    Examples:
        >>> _is_name("区民政局")
        True
        >>> _is_name("无"), _is_name("—")
        (False, False)
    """
    return any(ch.isalnum() for ch in name) and name not in load_vocab("owners")["placeholders"]


def owner_names(text: str, start: int, end: int, role: str) -> list[tuple[int, int]]:
    """Spans of the names listed in one annotation value or table cell.

    Examples:
        >>> text = "局养老服务科、区婚姻（收养）登记中心等"
        >>> [text[s:e] for s, e in owner_names(text, 0, len(text), "department")]
        ['局养老服务科', '区婚姻（收养）登记中心']
        >>> owner_names("无", 0, 1, "department")
        []
    """
    separators = set(load_vocab("owners")["separators"])
    names: list[tuple[int, int]] = []
    end = _value_stop(text, start, end)
    for s, e in _split_at(text, start, end, separators):
        s, e = _strip(text, s, e)
        if s == e:
            continue
        if role == "department" and _continues_generic(text, names, (s, e)):
            names[-1] = (names[-1][0], e)
            continue
        for cs, ce in _split_conjunctions(text, s, e, role):
            for ns, ne in _drop_etc(text, *_strip(text, cs, ce), role):
                ns, ne = _drop_qualifier(text, *_strip(text, ns, ne), role)
                kept = _without_duty(text, ns, ne, role) if ns < ne else None
                if kept is not None and _is_name(squash(text[kept[0]:kept[1]])):
                    names.append(kept)
    return names


def _mention(text: str, task: Task, span: tuple[int, int], label: str, role: str, rule: str) -> OwnerMention:
    written = text[span[0]:span[1]]
    name = squash(written)
    generic = role == "department" and is_generic(name)
    return OwnerMention(task=task.path, role=role, name=name, written=written, column=label, span=span,
                        generic=generic, inferred=False, rule=rule,
                        kind=department_kind(name) if role == "department" else None)


@cache
def field_label_pattern() -> re.Pattern:
    """Any annotation field label with its colon: owner labels and the other fields (完成时限：).

    Examples:
        >>> field_label_pattern().match("完成时限：12月").group("label")
        '完成时限'
        >>> field_label_pattern().match("工作标准：") is None
        True
    """
    vocab = load_vocab("owners")
    return label_pattern(list(vocab["columns"]) + list(vocab["other_fields"]))


@cache
def unknown_label_pattern() -> re.Pattern:
    """A field label the vocabulary does not know (`协调处室：`, `工作标准：`): a short
    run of Han characters and a colon. Names never hold a colon, so inside an
    annotation such a field ends the owner field before it.

    Examples:
        >>> unknown_label_pattern().match("协调处室：") is not None
        True
        >>> unknown_label_pattern().match("区民政局") is None
        True
    """
    vocab = load_vocab("owners")
    size = vocab["unknown_label_chars"]
    return re.compile(f"{pattern('han_character')}{{{size[0]},{size[1]}}}\\s*[{re.escape(''.join(vocab['colons']))}]")


def annotation_fields(text: str, start: int, end: int) -> list[tuple[str, str, int, int]]:
    """(label, role, value start, value end) of every owner label in a range.

    A label counts where it starts a clause (after an opening bracket, a separator or
    the start of the range), so prose such as `明确责任部门：` is left alone — or where
    it follows the value of an earlier field of the same annotation without any
    separator (`牵头领导：赵刚责任部门：…`, two annotation lines joined into one).
    Other fields (`完成时限：`, and unknown `XX：` labels after a separator inside an
    annotation) end the owner field before them and are not returned.

    Examples:
        >>> text = "（牵头领导：徐敏；责任部门：养老服务科；完成时限：12月）"
        >>> [(label, role, text[s:e]) for label, role, s, e in annotation_fields(text, 0, len(text))]
        [('牵头领导', 'leader', '徐敏；'), ('责任部门', 'department', '养老服务科；')]
        >>> annotation_fields("明确责任部门：区民政局", 0, 11)
        []
    """
    columns = load_vocab("owners")["columns"]
    hits = _label_hits(text, start, end)
    fields = []
    for k, (_, value_start, label) in enumerate(hits):
        if label is None or label not in columns:
            continue
        limit = hits[k + 1][0] if k + 1 < len(hits) else end
        fields.append((label, columns[label], value_start, _value_end(text, value_start, limit)))
    return fields


@cache
def _field_preceded_by() -> frozenset:
    """What may stand right before a field label that starts a clause: a separator or an opening bracket."""
    return frozenset(load_vocab("owners")["label_preceded_by"]) | frozenset(punctuation().closer_of)


def _label_hits(text: str, start: int, end: int) -> list[tuple[int, int, str | None]]:
    """(label start, value start, label) of the field labels that count in a range (see
    `annotation_fields`); label None for an unknown label that ends a field."""
    allowed = _field_preceded_by()

    def starts_clause(pos: int) -> bool:
        return pos == start or text[pos - 1] in allowed

    known = [(m.start(), m.end(), m.group("label")) for m in field_label_pattern().finditer(text, start, end)]
    known_starts = [ks for ks, _, _ in known]

    def overlaps_known(s: int, e: int) -> bool:
        # known labels come from one finditer: sorted and disjoint, so only the last one starting before e can overlap
        k = bisect.bisect_left(known_starts, e) - 1
        return k >= 0 and known[k][1] > s

    unknown = [(m.start(), m.end(), "") for m in unknown_label_pattern().finditer(text, start, end)
               if m.start() > start and text[m.start() - 1] in allowed and not overlaps_known(m.start(), m.end())]
    hits: list[tuple[int, int, str | None]] = []
    open_until = start  # the end of the annotation the fields so far belong to
    for label_start, value_start, label in sorted(known + unknown):
        if not label:  # an unknown label: it only ends a field of an annotation
            if label_start < open_until:
                hits.append((label_start, value_start, None))
            continue
        if not starts_clause(label_start) and label_start >= open_until:
            continue
        hits.append((label_start, value_start, label))
        open_until = max(open_until, _value_end(text, value_start, end))
    return hits


def _value_end(text: str, start: int, limit: int) -> int:
    """Where an annotation value stops: the closing bracket around the annotation,
    a `。`, the end of the line, or the next label (`limit`); `；` only separates fields."""
    return first_unnested(text, start, limit, punctuation().full_stop)


def extract_explicit_owners(view: TextView, tasks: list[Task],
                            sections: list[Section] | None = None) -> list[OwnerMention]:
    """Every owner a task's own text or table row names, one mention per name, and
    the owners its section headings name for it.

    `sections` are the plan's sections from `parse_structure(view)`; they are parsed
    again when not given (cheap: the parser works on the same normalised text).

    Examples:
        >>> from policykg.loaders.textview import TextView
        >>> view = TextView.identity("一、养老服务\\n1.新增床位300张。（牵头领导：徐敏，责任部门：养老服务科）\\n")
        >>> [(m.task, m.role, m.name, m.rule) for m in extract_explicit_owners(view, parse_structure(view)[1])]
        [('一/1', 'leader', '徐敏', 'annotation'), ('一/1', 'department', '养老服务科', 'annotation')]
        >>> extract_explicit_owners(TextView.identity("一、养老服务\\n1.新增床位300张。\\n"), [])
        []
    """
    text = view.text
    if sections is None:
        sections = parse_structure(view)[0]
    headings = _HeadingFields(text, sections, tasks)
    mentions: list[OwnerMention] = []
    previous: tuple[Task, list[OwnerMention]] | None = None  # the row above, for `同上` cells
    for task in tasks:
        above = previous[1] if previous and task.kind == "row" and previous[0].columns.keys() == task.columns.keys() else None
        own = _task_owners(text, task, above)
        mentions.extend(own)
        mentions.extend(_heading_owners(text, task, headings, {(m.role, duty_of(m.column)) for m in own}))
        # Any other task between two rows means another table: 同上 looks no further.
        previous = (task, own) if task.kind == "row" else None
    return mentions


def duty_of(label: str) -> str:
    """`support` for a label or verb naming who assists (`配合部门`, `协办`), else `lead`.

    Examples:
        >>> duty_of("配合部门"), duty_of("协办")
        ('support', 'support')
        >>> duty_of("牵头单位")
        'lead'
    """
    return "support" if label in load_vocab("owners")["support_labels"] else "lead"


# Who a heading's annotation can name for a task, one key per (role, duty).
_DUTIES = {("leader", "lead"), ("department", "lead"), ("department", "support")}


class _HeadingFields:
    """The owner fields written on each section's heading, read once per section.

    A table's category row (`| 二 | 社会救助 | 社会救助科 | |`, a sub-section of
    the table: see `tables.is_category_row`) is a heading too; its owner columns,
    named by the header of the rows under it, are its fields."""

    def __init__(self, text: str, sections: list[Section], tasks: Iterable[Task] = ()):
        self.text = text
        self.by_path = {s.path: s for s in sections}
        self.cache: dict[str, list[tuple[str, str, int, int]]] = {}
        self.columns = {t.section: list(t.columns) for t in tasks if t.kind == "row"}

    def parent(self, path: str | None) -> str | None:
        section = self.by_path.get(path) if path else None
        return section.parent if section else None

    def fields(self, path: str) -> list[tuple[str, str, int, int]]:
        if path not in self.cache:
            section = self.by_path.get(path)
            if section is not None and path in self.columns and _is_row_line(self.text, section.span[0]):
                self.cache[path] = self._row_fields(section, self.columns[path])
            else:
                spans = heading_owner_spans(self.text, section) if section else []
                self.cache[path] = [f for start, end in spans for f in annotation_fields(self.text, start, end)]
        return self.cache[path]

    def _row_fields(self, section: Section, columns: list[str]) -> list[tuple[str, str, int, int]]:
        text = self.text
        start = text.rfind("\n", 0, section.span[0]) + 1
        end = text.find("\n", section.span[0])
        end = len(text) if end == -1 else end
        fields = []
        for header, (s, e) in zip(columns, row_cell_spans(text, start, end, len(columns))):
            owner_column = role_of_column(header)
            # A table's own section starts on its header line, whose cells are the names.
            if owner_column is not None and s < e and squash(text[s:e]) != header.split("~")[0]:
                fields.append((*owner_column, s, e))
        return fields


def _is_row_line(text: str, pos: int) -> bool:
    """The line at `pos` is a table row (`| … | … |`)."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return any(sep in text[start:end if end != -1 else len(text)]
               for sep in load_vocab("structure")["tables"]["cell_separator"])


def _task_owners(text: str, task: Task, above: list[OwnerMention] | None = None) -> list[OwnerMention]:
    """Owners named in a task's own text or in the owner columns of its table row.

    `above` are the owners of the table's previous row: a `同上` cell repeats that
    row's names of its column (rule `same_as_above`, spans on the row above)."""
    if task.kind != "row":
        return _annotated_owners(text, task, [task.span])
    same = load_vocab("owners")["same_as_above"]
    # A task may span several rows (merged cells); a name repeated on them is one owner.
    mentions, other_cells, seen = [], [], set()
    for line in _row_lines(text, task.span):
        for (header, _), (s, e) in zip(task.columns.items(), row_cell_spans(text, *line, len(task.columns))):
            owner_column = role_of_column(header)
            if owner_column is None:
                other_cells.append((s, e))
                continue
            label, role = owner_column
            if squash(text[s:e]) in same:
                copies = [_mention(text, task, m.span, label, role, "same_as_above")
                          for m in above or [] if m.column == label and m.role == role]
            else:
                copies = [_mention(text, task, span, label, role, "table_column")
                          for span in owner_names(text, s, e, role)]
            for mention in copies:
                if (role, mention.name) not in seen:
                    seen.add((role, mention.name))
                    mentions.append(mention)
    # A table without owner columns may annotate its task cells like running text, and
    # a 备注 cell may add who assists (`配合单位：各街镇`) to a 责任部门 column: the
    # columns win for what they name, (role, duty) by (role, duty).
    named = {(m.role, duty_of(m.column)) for m in mentions}
    return mentions + [m for m in _annotated_owners(text, task, other_cells) if (m.role, duty_of(m.column)) not in named]


def _annotated_owners(text: str, task: Task, ranges: list[tuple[int, int]]) -> list[OwnerMention]:
    """Owners of the annotations in some ranges of a task: labelled fields
    (`责任部门：…`) and bracketed `X牵头，Y配合` groups."""
    mentions = []
    for start, end in ranges:
        fields = [(label, role, s, e, "annotation") for label, role, s, e in annotation_fields(text, start, end)]
        fields += [(verb, role, s, e, "annotation_verb") for verb, role, s, e in verb_fields(text, start, end)]
        for label, role, s, e, rule in sorted(fields, key=lambda f: f[2]):
            for span in owner_names(text, s, e, role):
                mentions.append(_mention(text, task, span, label, role, rule))
    return mentions


def verb_fields(text: str, start: int, end: int) -> list[tuple[str, str, int, int]]:
    """(verb, role, names start, names end) of bracketed annotations that put the verb
    after the names: `（区民政局牵头，区财政局、各街镇配合）`, `（由养老服务科负责）`.

    Only a bracket group made of nothing but such clauses counts, and only when
    every name in it looks like an organisation (an organisation's ending, or a
    generic owner such as 各街镇): `（含各街镇负责的项目）` or `（社区负责）` are prose.

    Examples:
        >>> text = "推进项目（区民政局牵头，各街镇配合）"
        >>> [(verb, role, text[s:e]) for verb, role, s, e in verb_fields(text, 0, len(text))]
        [('牵头', 'department', '区民政局'), ('配合', 'department', '各街镇')]
        >>> text = "开展议事协商（居委会参与）工作"
        >>> verb_fields(text, 0, len(text))
        []
    """
    vocab = load_vocab("owners")["verb_annotations"]
    closer_of = dict(vocab["brackets"])  # brackets, not quotes: `“街镇负责”模式` is a name
    fields = []
    for m in char_class(frozenset(closer_of)).finditer(text, start, end):
        i = m.start()
        depths = bracket_depths(text, start, end)   # only for a range with a bracket
        if depths[i - start] != 0:
            continue
        close = i + 1
        while close < end and depths[close - start] > 0:
            close += 1
        if close > i + 1 and text[close - 1] == closer_of[text[i]] and _closes_clause(text, close, end):
            fields.extend(_verb_clauses(text, i + 1, close - 1, vocab))
    return fields


def _closes_clause(text: str, pos: int, end: int) -> bool:
    """An owner group closes what it annotates: after it come a clause or sentence
    end, a `、` (the next listed thing), another bracket, the line's end or the
    range's. A group inside a clause (`开展议事协商（居委会参与）工作`) describes how
    the work is done.

    Examples:
        >>> text = "推进项目（区民政局牵头）。"
        >>> _closes_clause(text, 12, len(text))
        True
        >>> text = "开展议事协商（居委会参与）工作"
        >>> _closes_clause(text, 13, len(text))
        False
    """
    punct = punctuation()
    while pos < end and text[pos] in _INLINE_SPACES:
        pos += 1
    return (pos >= end or text[pos] in load_vocab("owners")["verb_annotations"]["closed_by"]
            or text[pos] in punct.clause_end or text[pos] in punct.closer_of)


def _verb_clauses(text: str, start: int, end: int, vocab: dict) -> list[tuple[str, str, int, int]]:
    """The clauses of one bracket group's content, or [] unless all of them are `names + verb`."""
    clauses = []
    for s, e in _split_at(text, start, end, set(vocab["clause_separators"])):
        s, e = _strip(text, s, e)
        verb = next((v for v in sorted(vocab["verbs"], key=len, reverse=True) if text[s:e].endswith(v)), None)
        if verb is None:
            return []
        names_end = e - len(verb)
        for lead in vocab["lead_words"]:
            if text.startswith(lead, s, names_end):
                s += len(lead)
        names = owner_names(text, s, names_end, "department")
        if not names or not all(_looks_like_org(squash(text[a:b])) for a, b in names):
            return []
        clauses.append((verb, vocab["verbs"][verb], s, names_end))
    return clauses


def _looks_like_org(name: str) -> bool:
    """Rule: a name that may own work in a verb annotation: a generic owner, or an organisation's name.

    Examples:
        >>> _looks_like_org("区民政局"), _looks_like_org("各街镇")
        (True, True)
        >>> _looks_like_org("居委会参与")
        False
    """
    return len(name) >= 2 and (is_generic(name) or ends_like_org(name))


def ends_like_org(name: str) -> bool:
    """The name ends like an organisation (`区民政局`, `养老服务科`, `区残联`): with an
    ending of `org_suffixes`, but it is more than a bare ending (`局 养老服务科` is a
    PDF's space inside 局养老服务科) and does not end with a word that merely ends
    in one (`区社会 福利院`: 社会 is no 会).

    Examples:
        >>> ends_like_org("区民政局"), ends_like_org("区残联")
        (True, True)
        >>> ends_like_org("局"), ends_like_org("区社会")
        (False, False)
    """
    vocab = load_vocab("owners")
    return (name.endswith(tuple(vocab["org_suffixes"])) and name not in vocab["org_suffixes"]
            and not name.endswith(tuple(vocab["not_org_endings"])))


def _heading_owners(text: str, task: Task, headings: _HeadingFields,
                    named: set[tuple[str, str]]) -> list[OwnerMention]:
    """Owners written once on a section heading (`（一）完善救助体系（牵头领导：孙丽）`,
    or an annotation-only line right under it) for every task in that section.

    Role by role, and for departments duty by duty (`duty_of`): a task that names
    its own leader keeps it but still gets the heading's departments if it names
    none; a task that names only who assists (`配合部门：各街镇`) still gets the
    heading's lead department. The innermost heading that names a (role, duty)
    wins. Only annotations written on the heading itself count
    (`annotations.heading_owner_spans`); prose under it never does.
    """
    mentions: list[OwnerMention] = []
    path = task.section
    while path and not _DUTIES <= named:
        found = [f for f in headings.fields(path) if (f[1], duty_of(f[0])) not in named]
        for label, role, s, e in found:
            for span in owner_names(text, s, e, role):
                mentions.append(_mention(text, task, span, label, role, "section_heading"))
        named = named | {(role, duty_of(label)) for label, role, _, _ in found}
        path = headings.parent(path)
    return mentions


def _row_lines(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """The whole lines of a table-row task (its cells, including empty leading ones)."""
    start = text.rfind("\n", 0, span[0]) + 1
    end = text.find("\n", span[1])
    end = len(text) if end == -1 else end
    lines, pos = [], start
    while pos <= end:
        line_end = text.find("\n", pos, end)
        line_end = end if line_end == -1 else line_end
        lines.append((pos, line_end))
        pos = line_end + 1
    return lines
