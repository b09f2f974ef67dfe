"""Named programs (label `Program`): “老伙伴计划”, “桥计划”, “一键通”, 民心工程 …

Plans quote many things: programs, but also slogans (“应保尽保、应退尽退”), reform
names (“一网通办”), plan periods (“十四五”) and mechanism shorthands (“五社联动”).
A quoted phrase becomes a Program only with evidence (vocabulary: `vocab/programs.yaml`):

1. it is listed (`programs`, with aliases: “为民办实事” = 为民办实事项目);
2. it ends in a program head (“老伙伴计划”, “阳光慈善工程”, “八项提升行动”);
3. a head follows the closing quote (“老伙伴”计划 → 老伙伴计划, “九九购物节”品牌 → 九九购物节);
4. a head follows after a short descriptor (“启航星光”孤独症儿童家庭支持项目 → 启航星光),
   unless the descriptor reads as a clause (a verb from `descriptor_blockers`).

Never programs: the `stop` list, plan periods (pattern), generic names (“专项基金”: only
`generic_name_words` before the head), quoted sentences (containing ，；：).
Slogan-shaped phrases (parallel clauses joined by 、, e.g. 4+4 “人民至上、生命至上”) are
programs only by rule 2, by rule 3 with a non-campaign head, or by rule 4 with a 项目/品牌
head (“鑫童心、爱同行”流动儿童关爱服务项目); never as campaigns (“…、…”主题活动).
A few listed names (`match_unquoted`) are matched without quotes too (民心工程, 实事项目),
with spaCy's PhraseMatcher (in the component: `policykg.loaders.extract.components`); everything
else is one regex scan per Doc.

Program names are normalised (quotes, spaces removed; ASCII brackets → full width; aliases
→ listed name) so that plans share one Program per name. Mention.span covers the quoted
phrase (with an adjacent head when that head is part of the name).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Literal

from policykg.loaders.extract.citations import TaskLocator
from policykg.loaders.extract.nlp import doc_text
from policykg.loaders.model import Mention, ParsedDocument
from policykg.loaders.vocabulary import load_vocab

if TYPE_CHECKING:   # the types only: spaCy is imported where its objects are built (extract.components)
    from spacy.language import Language

__all__ = ["SPAN_KEY", "COMPONENT", "LABEL", "vocab", "program_name", "is_slogan_shaped", "is_generic_name",
           "classify_quote", "find_programs", "add_to_pipeline", "extract_programs"]

SPAN_KEY = "programs"
COMPONENT = "policykg_programs"
LABEL = "Program"

_QUOTE = re.compile(r"“([^“”。！？]{1,60}?)”")
_SENTENCE_PUNCT = set("，,；;：:")
_NAME_DROP = str.maketrans({c: None for c in "“”‘’\"'「」『』 \t\r\n\u3000"})
_LINE_BREAK = re.compile(r"[ \t\u3000]*[\r\n]+[ \t\u3000\r\n]*")


@dataclass(frozen=True)
class _Head:
    word: str
    kind: str
    in_name: bool


@dataclass
class _Vocab:
    heads: tuple[_Head, ...]                 # longest first
    heads_by_first: dict[str, tuple[_Head, ...]]   # the heads by their first character, longest first
    generic_words: tuple[str, ...]
    descriptor_max: int
    descriptor_blockers: tuple[str, ...]
    head_blockers: tuple[str, ...]
    head_followers: tuple[str, ...]
    listed: dict[str, tuple[str, str]]       # written name or alias -> (name, kind)
    unquoted: tuple[str, ...]
    stop: frozenset[str]
    plan_period: re.Pattern
    series_words: tuple[str, ...]
    brand_words: tuple[str, ...]
    slogan_program_heads: tuple[str, ...]


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    raw = load_vocab("programs")
    heads = tuple(sorted((_Head(w, h["kind"], bool(h.get("in_name"))) for w, h in raw["heads"].items()),
                         key=lambda h: -len(h.word)))
    listed: dict[str, tuple[str, str]] = {}
    for name, spec in (raw.get("programs") or {}).items():
        for written in [name, *(spec.get("aliases") or [])]:
            listed[program_name(written)] = (name, spec["kind"])
    by_first: dict[str, list[_Head]] = {}
    for h in heads:
        by_first.setdefault(h.word[:1], []).append(h)
    return _Vocab(
        heads=heads,
        heads_by_first={c: tuple(hs) for c, hs in by_first.items()},
        generic_words=tuple(sorted(raw.get("generic_name_words") or (), key=len, reverse=True)),
        descriptor_max=int(raw.get("descriptor_max_chars", 12)),
        descriptor_blockers=tuple(raw.get("descriptor_blockers") or ()),
        head_blockers=tuple(raw.get("head_blockers") or ()),
        head_followers=tuple(raw.get("head_followers") or ()),
        listed=listed,
        unquoted=tuple(raw.get("match_unquoted") or ()),
        stop=frozenset(program_name(s) for s in raw.get("stop") or ()),
        plan_period=re.compile(raw.get("plan_period_pattern") or r"^$"),
        series_words=tuple(raw.get("series_words") or ()),
        brand_words=tuple(raw.get("brand_words") or ()),
        slogan_program_heads=tuple(raw.get("slogan_program_heads") or ()),
    )


def program_name(written: str) -> str:
    """Shared name: quotes and spaces dropped, widths unified (ASCII digits, full-width brackets).

    Examples:
        >>> program_name("“ 老伙伴 ”计划(２０２５)")
        '老伙伴计划（2025）'
    """
    s = unicodedata.normalize("NFKC", written).translate(_NAME_DROP)
    return s.replace("(", "（").replace(")", "）")


def is_slogan_shaped(name: str) -> bool:
    """Parallel clauses joined by 、 (应保尽保、应退尽退; 人民至上、生命至上).

    Examples:
        >>> is_slogan_shaped("应保尽保、应退尽退"), is_slogan_shaped("老伙伴计划")
        (True, False)
    """
    parts = name.split("、")
    return len(parts) >= 2 and all(2 <= len(p) <= 6 for p in parts)


def is_generic_name(stem: str) -> bool:
    """The words before a program head name a kind of thing (专项, 重点公益), not a program.

    Examples:
        >>> is_generic_name("重点公益"), is_generic_name("老伙伴")
        (True, False)
    """
    for w in vocab().generic_words:
        stem = stem.replace(w, "")
    return not stem


def _is_word_char(c: str) -> bool:
    """A character that continues a name (letters, digits, + · -), not punctuation.

    Examples:
        >>> _is_word_char("计"), _is_word_char("+"), _is_word_char("，")
        (True, True, False)
    """
    return c.isalnum() or c in "+＋·-"


def _head_at(text: str, i: int) -> _Head | None:
    """The head starting at text[i] whose phrase ends there (blockers and followers checked).

    Examples:
        >>> _head_at("品牌建设", 0).word, _head_at("项目。", 0).kind
        ('品牌', 'project')
        >>> _head_at("项目化调研", 0) is None, _head_at("项目服务对象", 0) is None
        (True, True)
    """
    v = vocab()
    # Only the heads that start with text[i] can start there (a lookup, not a test of every head).
    for h in v.heads_by_first.get(text[i:i + 1], ()):
        if text.startswith(h.word, i):
            if text.startswith(v.head_blockers, i):
                return None
            j = i + len(h.word)
            if j >= len(text) or not _is_word_char(text[j]) or text.startswith(v.head_followers, j):
                return h
    return None


@dataclass
class _Found:
    start: int
    end: int
    name: str
    kind: str
    rule: str


@dataclass(frozen=True)
class _Quote:
    """A quotation text[start:end] (marks included) and the name it would give a program."""
    text: str
    start: int
    end: int

    @classmethod
    def first_in(cls, text: str) -> _Quote:
        """The first quotation in `text` (for examples)."""
        m = _QUOTE.search(text)
        if m is None:
            raise ValueError(f"no quotation in {text!r}")
        return cls(text, m.start(), m.end())

    @property
    def inner(self) -> str:
        return self.text[self.start + 1:self.end - 1]

    @property
    def name(self) -> str:
        return program_name(self.inner)


# A rule's verdict on a quotation: a program, False (no program: stop here), or None (the
# rule does not apply: ask the next rule).
_Verdict = _Found | Literal[False] | None


def _excluded(q: _Quote) -> _Verdict:
    """Nothing quoted, a listed non-program (`stop`), or a plan period (十四五): no program.

    Examples:
        >>> _excluded(_Quote.first_in("推进“一网通办”改革")), _excluded(_Quote.first_in("“十四五”规划"))
        (False, False)
        >>> _excluded(_Quote.first_in("“老伙伴计划”")) is None
        True
    """
    v = vocab()
    name = q.name
    if not name or name in v.stop or v.plan_period.match(name):
        return False
    return None


def _listed(q: _Quote) -> _Verdict:
    """Rule 1: a listed program or one of its aliases (“为民办实事” = 为民办实事项目).

    Examples:
        >>> _listed(_Quote.first_in("“为民办实事”")).name
        '为民办实事项目'
        >>> _listed(_Quote.first_in("“五社联动”")) is None
        True
    """
    listed = vocab().listed.get(q.name)
    if listed is None:
        return None
    canon, kind = listed
    return _Found(q.start, q.end, canon, kind, "listed")


def _quoted_sentence(q: _Quote) -> _Verdict:
    """A quotation with clause punctuation (，；：) is a sentence, not a name.

    Examples:
        >>> _quoted_sentence(_Quote.first_in("“一户一档，一人一策”"))
        False
        >>> _quoted_sentence(_Quote.first_in("“老伙伴计划”")) is None
        True
    """
    return False if any(c in _SENTENCE_PUNCT for c in q.inner) else None


def _head_in_quote(q: _Quote) -> _Verdict:
    """Rule 2: the name ends in a program head (“老伙伴计划”) — no program when only
    generic words precede the head (“专项基金”).

    Examples:
        >>> _head_in_quote(_Quote.first_in("“阳光慈善工程”")).name
        '阳光慈善工程'
        >>> _head_in_quote(_Quote.first_in("“专项基金”"))
        False
        >>> _head_in_quote(_Quote.first_in("“老伙伴”")) is None
        True
    """
    name = q.name
    for h in vocab().heads:
        if h.in_name and name.endswith(h.word) and len(name) > len(h.word):
            if is_generic_name(name[: -len(h.word)]):
                return False
            return _Found(q.start, q.end, name, h.kind, "quoted_head")
    return None


def _head_after_quote(q: _Quote) -> _Verdict:
    """Rule 3: a head right after the closing quote (“老伙伴”计划, “慈善+”系列项目,
    “九九购物节”品牌); not for generic names, nor for slogans before a campaign head.

    Examples:
        >>> f = _head_after_quote(_Quote.first_in("“老伙伴”计划"))
        >>> f.name, f.end
        ('老伙伴计划', 7)
        >>> _head_after_quote(_Quote.first_in("“人民至上、生命至上”主题活动")) is None
        True
        >>> _head_after_quote(_Quote.first_in("“人民至上、生命至上”活动"))
        False
    """
    v = vocab()
    text, name = q.text, q.name
    series = next((w for w in v.series_words if text.startswith(w, q.end)), "")
    i = q.end + len(series)
    h = _head_at(text, i)
    if h is None:
        return None
    if is_generic_name(name) or (is_slogan_shaped(name) and h.kind == "campaign"):
        return False
    if h.in_name:
        full = program_name(name + h.word)
        canon, kind = v.listed.get(full, (full, h.kind))
        return _Found(q.start, i + len(h.word), canon, kind, "head_after_quote")
    return _Found(q.start, q.end, name, h.kind, "head_after_quote")


def _head_after_descriptor(text: str, end: int) -> tuple[str, _Head] | None:
    """(descriptor, head): the first head after a short run of word characters following
    the closing quote at `end` (at most `descriptor_max_chars` characters).

    Examples:
        >>> text = "“启航星光”孤独症儿童家庭支持项目"
        >>> descriptor, head = _head_after_descriptor(text, 6)
        >>> descriptor, head.word
        ('孤独症儿童家庭支持', '项目')
        >>> _head_after_descriptor("“十四五”期间，", 5) is None
        True
    """
    limit = min(len(text), end + vocab().descriptor_max + 1)
    k = end
    while k < limit and _is_word_char(text[k]):
        if k > end:
            h = _head_at(text, k)
            if h:
                return text[end:k], h
        k += 1
    return None


def _described(q: _Quote) -> _Verdict:
    """Rule 4: a head after a short descriptor (“启航星光”孤独症儿童家庭支持项目), unless the
    descriptor reads as a clause (`descriptor_blockers`) or the name is generic; a
    slogan-shaped name only with a brand or project head.

    Examples:
        >>> f = _described(_Quote.first_in("“启航星光”孤独症儿童家庭支持项目"))
        >>> f.name, f.kind
        ('启航星光', 'brand')
        >>> _described(_Quote.first_in("“数字民政”平台摸清项目"))
        False
        >>> _described(_Quote.first_in("“老伙伴”。")) is None
        True
    """
    v = vocab()
    found = _head_after_descriptor(q.text, q.end)
    if found is None:
        return None
    descriptor, h = found
    if any(b in descriptor for b in v.descriptor_blockers):
        return False
    brandish = any(w in descriptor + h.word for w in v.brand_words)
    slogan_ok = brandish or h.word.endswith(v.slogan_program_heads)
    if is_generic_name(q.name) or (is_slogan_shaped(q.name) and not slogan_ok):
        return False
    kind = "brand" if brandish or h.kind == "project" else h.kind
    return _Found(q.start, q.end, q.name, kind, "descriptor")


# The rules in order; the first with a verdict decides.
_RULES: tuple[Callable[[_Quote], _Verdict], ...] = (
    _excluded, _listed, _quoted_sentence, _head_in_quote, _head_after_quote, _described)


def classify_quote(text: str, qs: int, qe: int) -> _Found | None:
    """Decide whether the quotation text[qs:qe] (marks included) names a program.

    Examples:
        >>> classify_quote("开展“老伙伴计划”", 2, 9).name
        '老伙伴计划'
        >>> classify_quote("坚持“应保尽保、应退尽退”", 2, 13) is None
        True
    """
    quote = _Quote(text, qs, qe)
    for rule in _RULES:
        verdict = rule(quote)
        if verdict is not None:
            return verdict or None
    return None


def find_programs(text: str, unquoted_spans: Sequence[tuple[int, int]] = ()) -> list[_Found]:
    """Programs in text: classified quotations plus listed names matched without quotes."""
    v = vocab()
    found: list[_Found] = []
    quoted: list[tuple[int, int]] = []
    for m in _QUOTE.finditer(text):
        quoted.append((m.start(), m.end()))
        f = classify_quote(text, m.start(), m.end())
        if f:
            found.append(f)
    taken = sorted(quoted + [(f.start, f.end) for f in found])
    # Whether [s, e) overlaps a taken span, in O(log n) rather than a scan of every quotation (which
    # made a text of many quotations quadratic): of the spans starting before e, the furthest end.
    starts = [a for a, _ in taken]
    reach = list(accumulate((b for _, b in taken), max, initial=-1))
    reached = -1        # the furthest end of the names taken below, which come in order of their start
    # Listed names without quotes: longest first, never inside a quotation.
    for s, e in sorted(unquoted_spans, key=lambda se: (se[0], -(se[1] - se[0]))):
        if reach[bisect_left(starts, e)] > s or reached > s:
            continue
        listed = v.listed.get(program_name(text[s:e]))
        if listed:
            found.append(_Found(s, e, *listed, "listed_unquoted"))
            reached = max(reached, e)
    return sorted(found, key=lambda f: f.start)


def add_to_pipeline(nlp: Language) -> None:
    """Add the component `policykg_programs` to `nlp` (once): it sets `doc.spans["programs"]` from
    `find_programs`, with `span._.program_name` / `program_rule` (registered with spaCy by
    `policykg.loaders.extract.components`)."""
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT)


def extract_programs(doc, parsed: ParsedDocument | None) -> list[Mention]:
    if SPAN_KEY in doc.spans:
        items = [(s.start_char, s.end_char, s._.program_name, s.label_, s._.program_rule) for s in doc.spans[SPAN_KEY]]
    else:   # Doc made by a pipeline without the component: quoted rules only
        items = [(f.start, f.end, f.name, f.kind, f.rule) for f in find_programs(doc_text(doc, parsed))]
    locate = TaskLocator(getattr(parsed, "tasks", None) or [])
    text = doc_text(doc, parsed)
    return [
        Mention(task=locate(s, e), label=LABEL, name=name, written=_LINE_BREAK.sub("", text[s:e]),
                span=(s, e), props={"kind": kind, "rule": rule})
        for s, e, name, kind, rule in items
    ]
