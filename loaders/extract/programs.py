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
with spaCy's PhraseMatcher; everything else is one regex scan per Doc.

Program names are normalised (quotes, spaces removed; ASCII brackets → full width; aliases
→ listed name) so that plans share one Program per name. Mention.span covers the quoted
phrase (with an adjacent head when that head is part of the name).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span

from policykg.loaders.extract.citations import TaskLocator
from policykg.loaders.extract.nlp import doc_text
from policykg.loaders.model import Mention, ParsedDocument
from policykg.loaders.vocabulary import load_vocab

SPAN_KEY = "programs"
COMPONENT = "policykg_programs"
LABEL = "Program"

_QUOTE = re.compile(r"“([^“”。！？]{1,60}?)”")
_SENTENCE_PUNCT = set("，,；;：:")
_NAME_DROP = str.maketrans({c: None for c in "“”‘’\"'「」『』 \t\r\n\u3000"})
_LINE_BREAK = re.compile(r"[ \t\u3000]*[\r\n]+[ \t\u3000\r\n]*")

if not Span.has_extension("program_name"):
    Span.set_extension("program_name", default=None)
    Span.set_extension("program_rule", default=None)


@dataclass(frozen=True)
class _Head:
    word: str
    kind: str
    in_name: bool


@dataclass
class _Vocab:
    heads: tuple[_Head, ...]                 # longest first
    generic_words: tuple[str, ...]
    descriptor_max: int
    descriptor_blockers: tuple[str, ...]
    head_blockers: tuple[str, ...]
    head_followers: tuple[str, ...]
    listed: dict[str, tuple[str, str]]       # written name or alias -> (name, kind)
    unquoted: tuple[str, ...]
    stop: frozenset[str]
    plan_period: re.Pattern


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    raw = load_vocab("programs")
    heads = tuple(sorted((_Head(w, h["kind"], bool(h.get("in_name"))) for w, h in raw["heads"].items()),
                         key=lambda h: -len(h.word)))
    listed: dict[str, tuple[str, str]] = {}
    for name, spec in (raw.get("programs") or {}).items():
        for written in [name, *(spec.get("aliases") or [])]:
            listed[program_name(written)] = (name, spec["kind"])
    return _Vocab(
        heads=heads,
        generic_words=tuple(sorted(raw.get("generic_name_words") or (), key=len, reverse=True)),
        descriptor_max=int(raw.get("descriptor_max_chars", 12)),
        descriptor_blockers=tuple(raw.get("descriptor_blockers") or ()),
        head_blockers=tuple(raw.get("head_blockers") or ()),
        head_followers=tuple(raw.get("head_followers") or ()),
        listed=listed,
        unquoted=tuple(raw.get("match_unquoted") or ()),
        stop=frozenset(program_name(s) for s in raw.get("stop") or ()),
        plan_period=re.compile(raw.get("plan_period_pattern") or r"^$"),
    )


def program_name(written: str) -> str:
    """Shared name: quotes and spaces dropped, widths unified (ASCII digits, full-width brackets)."""
    s = unicodedata.normalize("NFKC", written).translate(_NAME_DROP)
    return s.replace("(", "（").replace(")", "）")


def is_slogan_shaped(name: str) -> bool:
    """Parallel clauses joined by 、 (应保尽保、应退尽退; 人民至上、生命至上)."""
    parts = name.split("、")
    return len(parts) >= 2 and all(2 <= len(p) <= 6 for p in parts)


def is_generic_name(stem: str) -> bool:
    """The words before a program head name a kind of thing (专项, 重点公益), not a program."""
    for w in vocab().generic_words:
        stem = stem.replace(w, "")
    return not stem


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c in "+＋·-"


def _head_at(text: str, i: int) -> _Head | None:
    """The head starting at text[i] whose phrase ends there (blockers and followers checked)."""
    v = vocab()
    for h in v.heads:
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


def classify_quote(text: str, qs: int, qe: int) -> _Found | None:
    """Decide whether the quotation text[qs:qe] (marks included) names a program."""
    v = vocab()
    inner = text[qs + 1:qe - 1]
    name = program_name(inner)
    if not name or name in v.stop or v.plan_period.match(name):
        return None
    if name in v.listed:
        canon, kind = v.listed[name]
        return _Found(qs, qe, canon, kind, "listed")
    if any(c in _SENTENCE_PUNCT for c in inner):
        return None
    slogan = is_slogan_shaped(name)
    for h in v.heads:                                            # rule 2: “老伙伴计划”
        if h.in_name and name.endswith(h.word) and len(name) > len(h.word):
            if is_generic_name(name[: -len(h.word)]):
                return None
            return _Found(qs, qe, name, h.kind, "quoted_head")
    # rule 3: “老伙伴”计划, “慈善+”系列项目, “九九购物节”品牌
    i = qe + 2 if text.startswith("系列", qe) else qe
    h = _head_at(text, i)
    if h:
        if is_generic_name(name) or (slogan and h.kind == "campaign"):
            return None
        if h.in_name:
            full = program_name(name + h.word)
            canon, kind = v.listed.get(full, (full, h.kind))
            return _Found(qs, i + len(h.word), canon, kind, "head_after_quote")
        return _Found(qs, qe, name, h.kind, "head_after_quote")
    # rule 4: “启航星光”孤独症儿童家庭支持项目
    limit = min(len(text), qe + v.descriptor_max + 1)
    k = qe
    while k < limit and _is_word_char(text[k]):
        if k > qe:
            h = _head_at(text, k)
            if h:
                descriptor = text[qe:k]
                if any(b in descriptor for b in v.descriptor_blockers):
                    return None
                brandish = "品牌" in descriptor + h.word
                if is_generic_name(name) or (slogan and not (brandish or h.word.endswith("项目"))):
                    return None
                kind = "brand" if brandish or h.kind == "project" else h.kind
                return _Found(qs, qe, name, kind, "descriptor")
        k += 1
    return None


def find_programs(text: str, unquoted_spans: list[tuple[int, int]] = ()) -> list[_Found]:
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
    # Listed names without quotes: longest first, never inside a quotation.
    for s, e in sorted(unquoted_spans, key=lambda se: (se[0], -(se[1] - se[0]))):
        if any(a < e and s < b for a, b in taken):
            continue
        canon, kind = v.listed.get(program_name(text[s:e]), (None, None))
        if canon:
            found.append(_Found(s, e, canon, kind, "listed_unquoted"))
            taken.append((s, e))
    return sorted(found, key=lambda f: f.start)


class ProgramFinder:
    """spaCy component: sets doc.spans["programs"] (label = kind, `._.program_name`)."""

    def __init__(self, nlp: Language):
        self.matcher = PhraseMatcher(nlp.vocab)
        patterns = [nlp.make_doc(w) for w in vocab().unquoted]
        if patterns:
            self.matcher.add("listed_program", patterns)

    def __call__(self, doc):
        unquoted = [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for _, s, e in self.matcher(doc)]
        spans = []
        for f in find_programs(doc_text(doc), unquoted):
            span = doc.char_span(f.start, f.end, label=f.kind, alignment_mode="expand")
            if span is not None:
                span._.program_name = f.name
                span._.program_rule = f.rule
                spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory(COMPONENT)
def _make_program_finder(nlp: Language, name: str) -> ProgramFinder:
    return ProgramFinder(nlp)


def add_to_pipeline(nlp: Language) -> None:
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
