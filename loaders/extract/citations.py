"""Policy documents cited with 《…》 (label `PolicyDocument`).

The pipeline component `policykg_citations` finds every balanced 《…》 in the Doc
(nested 《》 <> 〈〉 ＜＞ inside are part of the title; a title may run across line
breaks) and stores them in `doc.spans["citations"]`. `extract_citations` turns
them into Mentions, dropping the plan's own title:

* equal (by identity key) to `meta.title` / `meta.wrapped_title` or the title a
  `meta.title` notice wraps;
* cited in the sentence by which a notice issues the plan (现将《X》印发给你们/下发给你们,
  《X》……现印发给你们), or as the whole of a `…关于印发/转发《X》的通知` heading line
  (spaces anywhere in the formula); before the plan's first section, also in a
  cover-letter sentence (《X》已经…审议通过，请认真贯彻执行);
* the whole of an attachment line (附件：《X》, 附件1：《X》);
* printed as a line of its own near the top of the document (the plan's title line);
* or equal to a title found to be the plan's own by one of the rules above, or a
  shortened form of it (《工作要点》, 《2025年民政工作要点》 in the 2025年金山区民政工作要点).

《X》 followed by a performance or programme word (《夕阳红》文艺汇演, 《…》栏目) names no
document and is skipped, unless X ends in a document type or names a law.

Mention.span covers the title between the marks (normalised-text offsets);
Mention.written is that text with line breaks (and the indentation around them)
removed, inner spaces kept; Mention.name is `policy_identity.identity_key(written)`.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language

from policykg.loaders.extract.nlp import char_spans, doc_text
from policykg.loaders.extract.policy_identity import (
    identity_key,
    own_level_word,
    resolve_scope,
    title_scope,
    unwrap_notice,
    vocab,
)
from policykg.loaders.model import Mention, ParsedDocument
from policykg.loaders.vocabulary import alternation, load_vocab

SPAN_KEY = "citations"
COMPONENT = "policykg_citations"
LABEL = "PolicyDocument"

_MAX_TITLE_CHARS = 200          # an unclosed 《 stops being a title after this many characters
_SENTENCE_END = "。！？"         # a title never contains these: an unclosed 《 ends there
_LINE_BREAK = re.compile(r"[ \t\u3000]*[\r\n]+[ \t\u3000\r\n]*")
# A notice heading line; spaces (also U+3000) may be printed anywhere in the formula.
_NOTICE_LINE = re.compile(r"^[^，。；：,;:\n]{0,40}关于\s*(?:印发|转发|下发)\s*《(?P<t>[^\n]+)》\s*的\s*通\s*知$")
_FIRST_HEADING = re.compile(r"^[ \t\u3000]*一[、.．]", re.M)   # the plan body's first section when sections are unknown


def find_titles(text: str) -> Iterator[tuple[int, int]]:
    """Half-open spans of balanced 《…》 (marks included); nested 《》 stay inside the outer title."""
    i = text.find("《")
    n = len(text)
    while i != -1:
        depth, j, limit = 1, i + 1, min(n, i + 1 + _MAX_TITLE_CHARS)
        while j < limit:
            c = text[j]
            if c == "《":
                depth += 1
            elif c == "》":
                depth -= 1
                if depth == 0:
                    break
            elif c in _SENTENCE_END:
                break
            j += 1
        if j < limit and depth == 0:
            if j > i + 1:
                yield i, j + 1
            i = text.find("《", j + 1)
        else:
            i = text.find("《", i + 1)


def clean_title(raw: str) -> str:
    """The title as cited: line breaks and the indentation around them removed, inner spaces kept."""
    return _LINE_BREAK.sub("", raw).strip()




@Language.component(COMPONENT)
def _citation_component(doc):
    doc.spans[SPAN_KEY] = char_spans(doc, find_titles(doc_text(doc)), LABEL)
    return doc


def add_to_pipeline(nlp: Language) -> None:
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT)


# ----------------------------------------------------------------------------- helpers shared with programs.py

class TaskLocator:
    """Finds the innermost task whose span contains a mention (None when outside every task)."""

    def __init__(self, tasks: Iterable[Any]):
        self._tasks = sorted(tasks or [], key=lambda t: (t.span[0], -t.span[1]))
        self._starts = [t.span[0] for t in self._tasks]

    def __call__(self, start: int, end: int) -> str | None:
        best = None
        for t in self._tasks[: bisect_right(self._starts, start)]:
            if t.span[0] <= start and end <= t.span[1]:
                if best is None or t.span[1] - t.span[0] <= best.span[1] - best.span[0]:
                    best = t
        return best.path if best else None


def _meta(parsed: ParsedDocument | None) -> Any:
    return getattr(parsed, "meta", None)


# ----------------------------------------------------------------------------- own-title detection

def _own_title_keys(meta: Any) -> set[str]:
    keys: set[str] = set()
    for t in (getattr(meta, "title", None), getattr(meta, "wrapped_title", None)):
        if not t:
            continue
        keys.add(identity_key(t))
        inner = unwrap_notice(t)
        if inner:
            keys.add(identity_key(inner))
        for s, e in find_titles(t):          # a notice title given with 《…》 inside
            keys.add(identity_key(clean_title(t[s + 1:e - 1])))
    keys.discard("")
    return keys


_SENTENCE_WINDOW = 300          # characters searched either side of a title for its sentence's ends
_SENTENCE_BOUNDARY = re.compile(r"[。！？\n]")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - _SENTENCE_WINDOW)
    before = [m.end() for m in _SENTENCE_BOUNDARY.finditer(text, lo, start)]
    after = _SENTENCE_BOUNDARY.search(text, end, end + _SENTENCE_WINDOW)
    return (before[-1] if before else lo), (after.start() if after else min(len(text), end + _SENTENCE_WINDOW))


_TAIL_CHARS = 80               # how far after 》 a hard-wrapped issuing sentence is followed
_TAIL_END = re.compile(r"[。！？]")
_NEXT_ITEM = re.compile(r"\n[ \t\u3000]*[（(0-9０-９一二三四五六七八九十]")


def _joined_tail(text: str, end: int) -> str:
    """The rest of the sentence after 》 with line breaks removed: PDF/Word conversions wrap
    lines hard, so 现将《X》\n印发给你们 must read as one sentence."""
    tail = text[end:end + _TAIL_CHARS]
    item = _NEXT_ITEM.search(tail)          # a new numbered item is a new sentence, 。 or not
    tail = _LINE_BREAK.sub("", tail[:item.start()] if item else tail)
    m = _TAIL_END.search(tail)
    return tail[:m.start()] if m else tail


def _in_sentence_with(text: str, start: int, end: int, cues: tuple[str, ...]) -> bool:
    a, b = _sentence(text, start, end)
    if any(cue in text[a:b] for cue in cues):
        return True
    tail = _joined_tail(text, end)
    return any(cue in tail for cue in cues)


def _issues_itself(text: str, start: int, end: int) -> bool:
    """《X》 sits in a notice's issuing sentence or is the whole of a notice heading line
    (which may be wrapped: 关于印发《X》\n的通知)."""
    if _in_sentence_with(text, start, end, vocab().self_issue_cues):
        return True
    line_start = text.rfind("\n", max(0, start - _SENTENCE_WINDOW), start) + 1
    line_end = text.find("\n", end, end + _SENTENCE_WINDOW)
    line = text[line_start: line_end if line_end != -1 else min(len(text), end + _SENTENCE_WINDOW)].strip()
    if _NOTICE_LINE.match(line):
        return True
    if line_end != -1 and line.endswith("》"):
        nxt = text[line_end + 1: line_end + 12].split("\n", 1)[0].strip()
        return bool(nxt) and bool(_NOTICE_LINE.match(line + nxt))
    return False


_TITLE_ZONE_CHARS = 3000      # the plan's own title line is printed near the top (after a notice)


def _standalone_line_keys(text: str, first_section: int | None) -> set[str]:
    """Identity keys of short lines without 《》 near the top (before the first section, or in
    the first `_TITLE_ZONE_CHARS` characters): candidates for the plan's printed title line."""
    keys = set()
    zone = max(_TITLE_ZONE_CHARS, first_section or 0)
    for line in text[:zone].splitlines():
        line = line.strip()
        if 4 <= len(line) <= 100 and "《" not in line and not line.endswith(("。", "；", "，")):
            keys.add(identity_key(line))
    return keys


# ----------------------------------------------------------------------------- extraction

_CLAUSE_END = re.compile(r"[，。；：！？\n]")
_LIST_JOINERS = ("", "、", "和", "及", "与")   # 《A》《B》, 《A》和《B》: B shares A's context


def _context_hint(text: str, start: int, region: str | None, level: str | None) -> str | None:
    """Jurisdiction evidence before the 《: 本市/本区 right before it, else an issuing verb
    (出台《…》: the citing plan's own government issues the document)."""
    v = vocab()
    before = text[max(0, start - 2):start]
    if before in v.relative_city:
        return "本市"
    if before in v.relative_district:
        return "本区"
    clause = text[max(0, start - 16):start]
    cut = [m.end() for m in _CLAUSE_END.finditer(clause)]
    clause = clause[cut[-1]:] if cut else clause
    if clause.endswith(v.issuing_cues) and not any(c in clause for c in v.assisting_cues):
        return own_level_word(region, level)
    return None


def _title_spans(doc) -> list[tuple[int, int]]:
    spans = doc.spans[SPAN_KEY] if SPAN_KEY in doc.spans else None
    if spans is None:       # Doc made by a pipeline without the component
        return list(find_titles(doc_text(doc)))
    return [(s.start_char, s.end_char) for s in spans]


@dataclass(frozen=True)
class _TitleWords:
    """What citations.yaml says about titles that are no citations, compiled once."""
    cover_cues: tuple[str, ...]            # cover-letter formulas that issue the plan itself
    attachment_line: re.Pattern            # 附件：《…》 on a line of its own
    event_words: tuple[str, ...]           # 《X》文艺汇演: a performance or programme, longest first
    publication_suffixes: tuple[str, ...]  # 《中国社会报》: a newspaper or bulletin


@lru_cache(maxsize=1)
def _title_words() -> _TitleWords:
    raw = load_vocab("citations")
    heads = alternation(raw.get("attachment_heads") or ["附件"])
    return _TitleWords(
        cover_cues=tuple(raw.get("cover_letter_cues") or ()),
        attachment_line=re.compile(rf"^(?:{heads})\s*[0-9一二三四五六七八九十]*\s*[:：]?\s*《[^\n]*》\s*$"),
        event_words=tuple(sorted(raw.get("event_words") or (), key=len, reverse=True)),
        publication_suffixes=tuple(raw.get("publication_suffixes") or ()),
    )


def _line_at(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start: line_end if line_end != -1 else len(text)].strip()


def _names_event(text: str, end: int, written: str) -> bool:
    """《X》文艺汇演 / 《X》栏目: the marks name a performance or programme, not a document —
    unless X itself ends in a document type or names a law (《民法典》知识竞赛)."""
    if not text.startswith(_title_words().event_words, end):
        return False
    key = identity_key(written)
    return not (key.endswith(vocab().doc_types) or key.endswith(("法", "法典")))


_YEAR_HEAD = re.compile(r"^\d{4}年度?")


def _refers_to_own(key: str, own: set[str]) -> bool:
    """《工作要点》, 《2025年民政工作要点》 in the 2025年金山区民政工作要点: a shortened form of
    the plan's own title (its tail, ending in a document type, same year when a year is
    given) refers to the plan itself."""
    if not key.endswith(vocab().doc_types):
        return False
    m = _YEAR_HEAD.match(key)
    year, rest = (m.group(0).rstrip("度"), key[m.end():]) if m else (None, key)
    for o in own:
        mo = _YEAR_HEAD.match(o)
        oyear, orest = (mo.group(0).rstrip("度"), o[mo.end():]) if mo else (None, o)
        if year and year != oyear:
            continue
        if orest != rest and orest.endswith(rest) and orest.endswith(vocab().doc_types):
            return True
    return False


def extract_citations(doc, parsed: ParsedDocument | None) -> list[Mention]:
    text = doc_text(doc, parsed)
    meta = _meta(parsed)
    region = getattr(meta, "region", None)
    locate = TaskLocator(getattr(parsed, "tasks", None) or [])
    own = _own_title_keys(meta)

    found = []
    line_keys: set[str] | None = None
    sections = getattr(parsed, "sections", None) or []
    first_section = min((x.span[0] for x in sections), default=None)
    body_start: int | None = None
    words = _title_words()
    cover_cues, attachment_line = words.cover_cues, words.attachment_line
    for s, e in _title_spans(doc):
        written = clean_title(text[s + 1:e - 1])
        if not written or written.endswith(words.publication_suffixes) or _names_event(text, e, written):
            continue
        key = identity_key(written)
        is_own = key in own or _issues_itself(text, s, e)
        if not is_own:
            if body_start is None:
                if first_section is not None:
                    body_start = first_section
                else:
                    m = _FIRST_HEADING.search(text)
                    body_start = m.start() if m else 0
            if s < body_start:
                # before the body: a cover-letter sentence, or the plan's title printed
                # in marks as a line of its own (《2025年…工作要点》)
                is_own = _in_sentence_with(text, s, e, cover_cues) or _line_at(text, s, e) == text[s:e]
        if not is_own:
            is_own = bool(attachment_line.match(_line_at(text, s, e)))
        if not is_own:
            if line_keys is None:
                line_keys = _standalone_line_keys(text, first_section)
            is_own = key in line_keys
        if is_own:
            own.add(key)
        found.append((s, e, written, key))

    mentions = []
    level = getattr(meta, "level", None)
    prev_end, context = -1, None
    for s, e, written, key in found:
        if not (prev_end >= 0 and text[prev_end:s] in _LIST_JOINERS):
            context = _context_hint(text, s, region, level)
        prev_end = e
        if key in own or _refers_to_own(key, own):
            continue
        hint = title_scope(written) or context
        inner = unwrap_notice(written)
        mentions.append(Mention(
            task=locate(s, e),
            label=LABEL,
            name=key,
            written=written,
            span=(s + 1, e - 1),
            props={
                "title": written,
                "wraps": inner,
                "wraps_key": identity_key(inner) if inner else None,
                "scope_hint": hint,
                "scope": resolve_scope(hint, region),
                "citing_region": region,
            },
        ))
    return mentions
