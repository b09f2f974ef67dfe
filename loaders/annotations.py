"""The owner-annotation grammar: where a plan writes who owns a piece of work.

A plan names owners in annotations such as `（牵头领导：徐敏；责任部门：养老服务科）`
(bracketed) or `…。牵头单位：区民政局` (unbracketed, after a sentence end). This module
finds them; `loaders/structure.py` uses it to keep an annotation with the text it
annotates (never splitting a sentence or a title inside one), and
`loaders/owners.py` (and `loaders/extract/bodies.py`) to read the names in them.

* A label is an owner word of `vocab/owners.yaml` (`columns`) and a colon, maybe
  with a short bracketed qualifier between (`责任单位（部门）：`): `owner_label_pattern`.
* An unbracketed annotation starts with a label at the start of a range or after
  one of `label_preceded_by` or a sentence end, outside brackets
  (`owner_annotation_start`), and runs to the next `。` (`annotation_end`).
* A bracketed annotation is a bracket group whose content starts with a label
  (`owner_group_start`) and runs to its closing bracket.
* Annotations with nothing but separators between them are one (`merge_adjacent_annotations`).
* A heading's own annotations stand right after its title on its line, or alone on
  the lines straight below it (`own_heading_annotations`, `heading_owner_spans`).

Every function takes the text and a half-open range `start, end` in it, so that
offsets stay offsets into the normalised text.

Examples:
    >>> text = "新增床位300张。（牵头领导：徐敏，责任部门：养老服务科）"
    >>> [text[s:e] for s, e in owner_annotations(text, 0, len(text))]
    ['（牵头领导：徐敏，责任部门：养老服务科）']
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import repeat

from policykg.loaders.model import Section
from policykg.loaders.vocabulary import alternation, load_vocab

__all__ = [
    "Punctuation", "punctuation", "char_class", "bracket_depths", "unnested", "first_unnested", "group_end",
    "trim", "squash", "line_end", "lines_within",
    "first_clause_end", "only_punctuation",
    "label_pattern", "owner_label_pattern",
    "owner_annotation_start", "owner_group_start", "is_bracketed_group", "is_owner_annotation",
    "after_owner_group", "annotation_end", "owner_annotations", "merge_adjacent_annotations", "is_annotation_only",
    "heading_annotation", "own_heading_annotations", "heading_owner_spans", "strip_owner_groups",
]

Span = tuple[int, int]


# --------------------------------------------------------------------------- punctuation


@dataclass(frozen=True)
class Punctuation:
    """The punctuation of `vocab/structure.yaml`, as sets for quick tests."""
    sentence_end: frozenset
    clause_end: frozenset
    closer_of: dict     # opening character → closing character
    closers: frozenset
    full_stop: frozenset  # the sentence ends but `；`: where a sentence or an annotation ends
    comma: frozenset


@cache
def punctuation() -> Punctuation:
    """Sentence and clause ends, and the bracket and quote pairs, read once."""
    p = load_vocab("structure")["punctuation"]
    closer_of = {a: b for a, b in p["pairs"]}
    sentence_end = frozenset(p["sentence_end"])
    return Punctuation(sentence_end, frozenset(p["clause_end"]), closer_of, frozenset(closer_of.values()),
                       sentence_end - frozenset(p["semicolons"]), frozenset(p["commas"]))


@lru_cache(maxsize=64)
def char_class(chars: frozenset) -> re.Pattern:
    """A pattern matching any one of `chars`: the scans below jump from one such character to the
    next with `finditer` (in C) instead of testing every character of a range in Python."""
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]" if chars else "(?!)")


@cache
def _brackets() -> re.Pattern:
    """Any opening or closing bracket or quote: the only characters that change a nesting depth."""
    punct = punctuation()
    return char_class(frozenset(punct.closer_of) | punct.closers)


@cache
def _openers() -> re.Pattern:
    """Any opening bracket or quote."""
    return char_class(frozenset(punctuation().closer_of))


# --------------------------------------------------------------------------- text of a range


@lru_cache(maxsize=2048)
def bracket_depths(text: str, start: int, end: int) -> tuple[int, ...]:
    """depths[i] is the bracket/quote nesting depth just before text[start + i].

    Unbalanced closers are ignored, so one stray bracket cannot swallow a line.
    Cached: the parser asks about the same paragraph and line ranges many times
    (str hashes are cached by Python, so a lookup does not rehash the text).

    Examples:
        >>> bracket_depths("a（b）c", 0, 5)
        (0, 0, 1, 1, 0)
        >>> bracket_depths("a）b", 0, 3)
        (0, 0, 0)
    """
    brackets = _brackets()
    if brackets.search(text, start, end) is None:
        return (0,) * (end - start)     # most ranges: no bracket at all
    punct = punctuation()
    closer_of, closers = punct.closer_of, punct.closers
    depths: list[int] = []
    stack: list[str] = []
    open_count: Counter[str] = Counter()   # closers awaited on the stack: `ch in stack` in constant time
    done = start    # depths are known for text[start:done]
    # Between two brackets the depth does not change: fill each run at once, act on the brackets alone.
    for m in brackets.finditer(text, start, end):
        i = m.start()
        depths.extend(repeat(len(stack), i + 1 - done))
        done = i + 1
        ch = text[i]
        if stack and ch == stack[-1]:
            open_count[stack.pop()] -= 1
        elif ch in closer_of:
            stack.append(closer_of[ch])
            open_count[closer_of[ch]] += 1
        elif ch in closers and open_count[ch]:
            # A closer for an outer pair closes the inner ones that were left open.
            while stack:
                popped = stack.pop()
                open_count[popped] -= 1
                if popped == ch:
                    break
    depths.extend(repeat(len(stack), end - done))
    return tuple(depths)


def unnested(text: str, start: int, end: int, pos: int) -> bool:
    """`text[pos]` stands outside brackets opened in the range `start, end` (depth 0 in
    `bracket_depths(text, start, end)`); asked where a mark is found, so that a range whose
    marks come before any bracket needs no depths at all.

    Examples:
        >>> unnested("甲，乙（丙，丁）", 0, 8, 1), unnested("甲，乙（丙，丁）", 0, 8, 5)
        (True, False)
    """
    return pos <= _first_bracket(text, start, end) or bracket_depths(text, start, end)[pos - start] == 0


@lru_cache(maxsize=2048)
def _first_bracket(text: str, start: int, end: int) -> int:
    """Where the range's first bracket is (`end` when it has none): found once per range, so that
    asking `unnested` at every mark of a long range stays linear."""
    m = _brackets().search(text, start, end)
    return m.start() if m else end


@lru_cache(maxsize=8)
def _stop_index(text: str, stops: frozenset) -> tuple[list[int], dict[int, list[int]]]:
    """The newlines of `text`, and its stop characters (`stops` and closing brackets) by the
    bracket level before them: what `first_unnested` looks up instead of scanning."""
    punct = punctuation()
    newlines: list[int] = []
    by_level: dict[int, list[int]] = {}
    level = 0
    for m in char_class(stops | punct.closers | frozenset(punct.closer_of) | {"\n"}).finditer(text):
        i, ch = m.start(), m.group()
        if ch == "\n":
            newlines.append(i)
        elif ch in stops or ch in punct.closers:
            by_level.setdefault(level, []).append(i)
        if ch in punct.closer_of:
            level += 1
        elif ch in punct.closers:
            level -= 1
    return newlines, by_level


@lru_cache(maxsize=8)
def _levels(text: str) -> list[int]:
    """levels[i]: opening minus closing brackets in text[:i] (unbalanced ones counted as they come)."""
    punct = punctuation()
    levels: list[int] = []
    level, done = 0, 0     # levels are known for text[:done]
    for m in _brackets().finditer(text):
        i = m.start()
        levels.extend(repeat(level, i + 1 - done))
        done = i + 1
        level += 1 if m.group() in punct.closer_of else -1
    levels.extend(repeat(level, len(text) + 1 - done))
    return levels


def first_unnested(text: str, start: int, limit: int, stops: frozenset) -> int:
    """The first position from `start` (before `limit`) of a newline, or of a closing bracket or a
    character of `stops` not nested in a bracket opened after `start`; `limit` when there is none.

    What a scan that counts brackets from `start` finds, looked up in an index of the text instead
    (one scan per text, not one per start: many starts on one long line made the scans quadratic).

    Examples:
        >>> first_unnested("负责人：张三（副区长）。后文", 4, 14, frozenset("。"))
        11
        >>> first_unnested("（牵头领导：张三，李四）", 6, 12, frozenset("。"))
        11
        >>> first_unnested("张三（未闭合", 0, 6, frozenset("。"))
        6
    """
    newlines, by_level = _stop_index(text, stops)
    found = limit
    k = bisect.bisect_left(newlines, start)
    if k < len(newlines):
        found = min(found, newlines[k])
    candidates = by_level.get(_levels(text)[start], [])
    k = bisect.bisect_left(candidates, start)
    if k < len(candidates):
        found = min(found, candidates[k])
    return found


def group_end(text: str, start: int, end: int) -> int:
    """End (after the closing bracket) of the bracket group that opens at `start`,
    or `end` when the group is not closed before it.

    Examples:
        >>> text = "（牵头：区民政局）。"
        >>> text[:group_end(text, 0, len(text))]
        '（牵头：区民政局）'
        >>> group_end("（未闭合", 0, 4)
        4
    """
    depths = bracket_depths(text, start, end)
    k = start + 1
    while k < end and depths[k - start] > 0:
        k += 1
    return k


def trim(text: str, start: int, end: int) -> Span:
    """The range without the whitespace at either end.

    Examples:
        >>> trim("  养老 ", 0, 5)
        (2, 4)
        >>> trim("养老", 0, 2)
        (0, 2)
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_WHITESPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """The text without any whitespace (a name as compared, `局 养老服务科` → 局养老服务科).

    Examples:
        >>> squash("局 养老服务科\\n")
        '局养老服务科'
        >>> squash("养老服务科")
        '养老服务科'
    """
    return _WHITESPACE.sub("", text)


def line_end(text: str, pos: int) -> int:
    """Where the line holding `pos` ends (its `\\n`, or the end of the text)."""
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def lines_within(text: str, pos: int, end: int) -> Iterator[Span]:
    """Trimmed non-blank line ranges from `pos` to `end`, read lazily.

    Examples:
        >>> list(lines_within(" a \\n\\nbc\\n", 0, 8))
        [(1, 2), (5, 7)]
    """
    while pos < end:
        s, e = trim(text, pos, min(line_end(text, pos), end))
        if s < e:
            yield s, e
        pos = line_end(text, pos) + 1


def first_clause_end(text: str, start: int, end: int, stops: frozenset) -> int:
    """End of the first clause of a range (position of the first stop outside brackets).

    Examples:
        >>> first_clause_end("推进（试点，示范）建设，完善", 0, 14, frozenset("，"))
        11
        >>> first_clause_end("推进建设", 0, 4, frozenset("，"))
        4
    """
    for m in char_class(stops).finditer(text, start, end):
        if unnested(text, start, end, m.start()):
            return m.start()
    return end


def only_punctuation(text: str, start: int, end: int) -> bool:
    """The range holds nothing but spaces and clause punctuation.

    Examples:
        >>> only_punctuation("。 ，", 0, 3)
        True
        >>> only_punctuation("。完善", 0, 3)
        False
    """
    clause_end = punctuation().clause_end
    return all(ch.isspace() or ch in clause_end for ch in text[start:end])


# --------------------------------------------------------------------------- labels


def label_pattern(labels: Iterable[str]) -> re.Pattern:
    """Annotation labels with their colon; group `label` is the label word. A short
    bracketed qualifier may stand before the colon (`责任单位（部门）：`).

    Examples:
        >>> label_pattern(["责任单位"]).match("责任单位（部门）：区民政局").group("label")
        '责任单位'
        >>> label_pattern(["责任单位"]).match("责任单位区民政局") is None
        True
    """
    vocab = load_vocab("owners")
    opens, closes = (re.escape("".join(load_vocab("structure")["brackets"][k])) for k in ("open", "close"))
    qualifier = f"(?:[{opens}][^{opens}{closes}]{{1,{vocab['label_qualifier_chars']}}}[{closes}])?"
    return re.compile(f"(?P<label>{alternation(labels)})\\s*{qualifier}\\s*[{re.escape(''.join(vocab['colons']))}]")


@cache
def owner_label_pattern() -> re.Pattern:
    """An owner annotation label (`牵头领导：`) where it starts a clause."""
    return label_pattern(load_vocab("owners")["columns"])


# --------------------------------------------------------------------------- annotations


@cache
def _label_preceded_by() -> frozenset:
    """What may stand right before an unbracketed annotation's label: a separator or a sentence end."""
    return frozenset(load_vocab("owners")["label_preceded_by"]) | punctuation().sentence_end


def owner_annotation_start(text: str, start: int, end: int) -> int | None:
    """Where an unbracketed owner annotation (`…。牵头领导：…`) begins, if the range has one:
    a label at the start of the range or after a separator or sentence end, outside brackets.

    Examples:
        >>> owner_annotation_start("完善体系。牵头领导：孙丽", 0, 12)
        5
        >>> owner_annotation_start("明确责任部门：区民政局", 0, 11) is None
        True
    """
    allowed = _label_preceded_by()
    for m in owner_label_pattern().finditer(text, start, end):
        if not unnested(text, start, end, m.start()):
            continue
        if m.start() == start or text[m.start() - 1] in allowed:
            return m.start()
    return None


def owner_group_start(text: str, start: int, end: int) -> int | None:
    """Where a bracketed owner annotation (`（牵头单位：…）`) opens in a range, if any.

    Examples:
        >>> owner_group_start("完善体系（牵头单位：区民政局）", 0, 15)
        4
        >>> owner_group_start("完善体系（试点）", 0, 8) is None
        True
    """
    label = owner_label_pattern()
    for m in _openers().finditer(text, start, end):
        i = m.start()
        # The label first: depths are needed only for a bracket that opens an annotation.
        if label.match(text, i + 1) and unnested(text, start, end, i):
            return i
    return None


def is_bracketed_group(text: str, start: int, end: int) -> bool:
    """The whole range is one bracket group, e.g. a trailing `（牵头领导：…）`.

    Examples:
        >>> is_bracketed_group("（牵头领导：孙丽）", 0, 9)
        True
        >>> is_bracketed_group("（一）完善", 0, 5)
        False
    """
    punct = punctuation()
    if end - start < 2 or text[start] not in punct.closer_of:
        return False
    depths = bracket_depths(text, start, end)
    return all(d > 0 for d in depths[1:]) and text[end - 1] == punct.closer_of[text[start]]


def is_owner_annotation(text: str, start: int, end: int) -> bool:
    """The range is nothing but an owner annotation, bracketed or not.

    Examples:
        >>> is_owner_annotation("（牵头领导：孙丽）", 0, 9)
        True
        >>> is_owner_annotation("完善体系（牵头领导：孙丽）", 0, 13)
        False
    """
    return owner_annotation_start(text, start, end) == start or (
        owner_group_start(text, start, end) == start and is_bracketed_group(text, start, end))


def after_owner_group(text: str, pos: int, end: int) -> int:
    """`pos`, or the end of a bracketed owner annotation that starts there
    (`。（牵头领导：…）`): the annotation belongs to the sentence before it.

    Examples:
        >>> text = "完善。（牵头：区民政局）加强"
        >>> text[3:after_owner_group(text, 3, len(text))]
        '（牵头：区民政局）'
        >>> after_owner_group("完善。（试点）加强", 3, 9)
        3
    """
    punct = punctuation()
    j = pos
    while j < end and text[j].isspace():
        j += 1
    if j < end and text[j] in punct.closer_of and owner_label_pattern().match(text, j + 1):
        return group_end(text, j, end)
    return pos


def annotation_end(text: str, start: int, end: int) -> int:
    """End of the owner annotation that starts at `start`: after its closing bracket
    when it is bracketed, else at the first `。` outside brackets (its fields are
    separated by `；`, so that does not end it) or the end of the range.

    Examples:
        >>> annotation_end("牵头领导：孙丽；责任部门：救助科。加强", 0, 20)
        16
        >>> annotation_end("（牵头领导：孙丽）。加强", 0, 12)
        9
    """
    if text[start] in punctuation().closer_of:
        return group_end(text, start, end)
    return first_clause_end(text, start, end, punctuation().full_stop)


def owner_annotations(text: str, start: int, end: int) -> list[Span]:
    """Spans of the owner annotations in a range, bracketed or not, in text order.

    Examples:
        >>> text = "完善体系（牵头领导：孙丽）。加强保障。责任部门：救助科"
        >>> [text[s:e] for s, e in owner_annotations(text, 0, len(text))]
        ['（牵头领导：孙丽）', '责任部门：救助科']
        >>> owner_annotations("明确责任部门：区民政局", 0, 11)
        []
    """
    spans: list[Span] = []
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


def merge_adjacent_annotations(text: str, spans: list[Span]) -> list[Span]:
    """Annotations with nothing but separators between them (`牵头领导：…` on one line,
    `责任部门：…` on the next) are one annotation: they name the owners of one thing.

    Examples:
        >>> merge_adjacent_annotations("牵头领导：孙丽\\n责任部门：救助科", [(0, 7), (8, 16)])
        [(0, 16)]
        >>> merge_adjacent_annotations("牵头领导：孙丽。完善。责任部门：救助科", [(0, 7), (11, 19)])
        [(0, 7), (11, 19)]
    """
    joiners = set(load_vocab("owners")["separators"]) | punctuation().sentence_end
    merged: list[Span] = []
    for s, e in spans:
        if merged and all(ch.isspace() or ch in joiners for ch in text[merged[-1][1]:s]):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def is_annotation_only(text: str, start: int, end: int) -> bool:
    """The range holds one owner annotation and nothing else but punctuation.

    Examples:
        >>> is_annotation_only("（牵头领导：孙丽）。", 0, 10)
        True
        >>> is_annotation_only("加强保障（牵头领导：孙丽）", 0, 13)
        False
    """
    spans = owner_annotations(text, start, end)
    return (len(spans) == 1 and only_punctuation(text, start, spans[0][0])
            and only_punctuation(text, spans[0][1], end))


# --------------------------------------------------------------------------- a heading's own annotations


def heading_annotation(text: str, title_end: int, end: int) -> Span | None:
    """The owner annotation written right after a heading's title on its line
    (`（一）完善救助体系（牵头领导：孙丽）`, `一、养老服务 牵头单位：…`), if any.

    Examples:
        >>> text = "（一）完善救助体系（牵头领导：孙丽）"
        >>> s, e = heading_annotation(text, 9, len(text))
        >>> text[s:e]
        '（牵头领导：孙丽）'
        >>> text = "（一）完善救助体系。加强保障（牵头领导：孙丽）"
        >>> heading_annotation(text, 9, len(text)) is None
        True
    """
    spans = owner_annotations(text, title_end, end)
    if spans and only_punctuation(text, title_end, spans[0][0]):
        return spans[0]
    return None


def own_heading_annotations(text: str, title_end: int, line_end: int, below: Iterable[Span]) -> list[Span]:
    """Owner annotations a plan writes for a heading itself, given the heading line
    (from its title's end) and the non-blank line ranges below it (an iterable).

    Two places count, and only these: right after the title on the heading line,
    and — when the heading line carries no body text — annotation-only lines
    straight below it, before any other text. An annotation at the end of a
    paragraph under the heading is that paragraph's, not the heading's.

    Examples:
        >>> text = "一、养老服务\\n牵头单位：养老服务科\\n加强保障。"
        >>> own_heading_annotations(text, 6, 6, [(7, 17), (18, 23)])
        [(7, 17)]
        >>> text = "一、养老服务\\n加强保障。牵头单位：养老服务科"
        >>> own_heading_annotations(text, 6, 6, [(7, 22)])
        []
    """
    spans = []
    own = heading_annotation(text, title_end, line_end)
    if own is not None:
        spans.append(own)
    if not only_punctuation(text, own[1] if own else title_end, line_end):
        return spans  # the heading line goes on with body text
    for s, e in below:
        if not is_annotation_only(text, s, e):
            break
        spans.append((s, e))
    return spans


def heading_owner_spans(text: str, section: Section) -> list[Span]:
    """Owner annotations written on a section's heading (see `own_heading_annotations`).

    Examples:
        >>> text = "一、养老服务\\n牵头单位：养老服务科\\n新增床位。"
        >>> section = Section("一", "一、", 1, "养老服务", (2, 6), (0, len(text)))
        >>> [text[s:e] for s, e in heading_owner_spans(text, section)]
        ['牵头单位：养老服务科']
    """
    title_end = section.span[1]
    heading_end = line_end(text, title_end)
    return own_heading_annotations(text, title_end, heading_end, lines_within(text, heading_end + 1, section.body_span[1]))


def strip_owner_groups(title: str) -> str:
    """A title without its bracketed owner annotations.

    Examples:
        >>> strip_owner_groups("完善救助体系（牵头领导：孙丽）")
        '完善救助体系'
        >>> strip_owner_groups("完善（试点）体系")
        '完善（试点）体系'
    """
    label = owner_label_pattern()
    out, i = [], 0      # title[i:] is still to copy
    for m in _openers().finditer(title):
        if m.start() >= i and label.match(title, m.start() + 1):
            out.append(title[i:m.start()])
            i = group_end(title, m.start(), len(title))
    out.append(title[i:])
    return "".join(out)
