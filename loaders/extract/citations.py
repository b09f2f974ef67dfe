"""Policy documents cited with 《…》 (label `PolicyDocument`).

The pipeline component `policykg_citations` finds every balanced 《…》 in the Doc
(nested 《》 <> 〈〉 ＜＞ inside are part of the title; a title may run across line
breaks) and stores them in `doc.spans["citations"]`. `extract_citations` turns
them into Mentions, dropping the plan's own title:

* equal (by identity key) to `meta.title` / `meta.wrapped_title` or the title a
  `meta.title` notice wraps;
* cited in the sentence by which a notice issues the plan (现将《X》印发给你们/下发给你们,
  《X》……现印发给你们), or as the whole of a `…关于印发/转发/下发《X》的通知` heading line
  (the notice verbs of vocab/patterns.yaml; spaces anywhere in the formula); before the
  plan's first section, also in a cover-letter sentence (《X》已经…审议通过，请认真贯彻执行);
* the whole of an attachment line (附件：《X》, 附件1：《X》);
* printed as a line of its own near the top of the document (the plan's title line);
* or equal to a title found to be the plan's own by one of the rules above, or a
  shortened form of it (《工作要点》, 《2025年民政工作要点》 in the 2025年金山区民政工作要点).

《X》 followed by a performance or programme word (《夕阳红》文艺汇演, 《…》栏目) names no
document and is skipped, unless X ends in a document type or names a law.

A title that does not end like a policy document (`ends_like_a_document`: 办法/方案/意见/
条例/规划/纲要/法 …) is a work — a film, play, book, journal (电视剧《装台》, 《生万物》等精品鲁剧
热播: `names_a_work`) — or, with no year, place or 关于 in it (`reads_as_official`), is taken
for one (《科学》) and skipped. A short reference that is only a document type (《纲要（草案）》,
《建议》, 《方案》) records the full title cited before it in the plan (`props["refers_to"]`;
`policy_identity` puts it in that title's document) and is dropped when there is none,
unless its issuer or an issuing verb stands right before it (省委《建议》, 制定《实施方案》).

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
from typing import TYPE_CHECKING, Any

from policykg.loaders.extract.nlp import ChunkedFindings, doc_text
from policykg.loaders.extract.policy_identity import (
    CITY_HINT,
    DISTRICT_HINT,
    antecedent,
    identity_key,
    is_short_reference,
    own_level_word,
    resolve_scope,
    title_core,
    title_scope,
    unwrap_notice,
    vocab,
)
from policykg.loaders.intervals import Enclosing
from policykg.loaders.model import Mention, ParsedDocument
from policykg.loaders.vocabulary import alternation, load_vocab, pattern

if TYPE_CHECKING:   # the types only: spaCy is imported where its objects are built (extract.components)
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["SPAN_KEY", "COMPONENT", "LABEL", "find_titles", "clean_title", "add_to_pipeline", "TaskLocator",
           "ends_like_a_document", "reads_as_official", "names_a_work", "extract_citations"]

SPAN_KEY = "citations"
COMPONENT = "policykg_citations"
LABEL = "PolicyDocument"

_MAX_TITLE_CHARS = 200          # an unclosed 《 stops being a title after this many characters
_SENTENCE_END = "。！？"         # a title never contains these: an unclosed 《 ends there
_TITLE_MARKS = re.compile(f"[《》{_SENTENCE_END}]")   # what `find_titles` looks at: the rest it jumps over
_LINE_BREAK = re.compile(r"[ \t\u3000]*[\r\n]+[ \t\u3000\r\n]*")
# A notice heading line (关于印发《X》的通知, any of patterns.yaml's notice verbs); spaces
# (also U+3000) may be printed anywhere in the formula.
_NOTICE_LINE = re.compile(
    rf"^[^，。；：,;:\n]{{0,40}}关于\s*(?:{pattern('notice_verbs')})\s*《(?P<t>[^\n]+)》\s*的\s*通\s*知$")
_FIRST_HEADING = re.compile(r"^[ \t\u3000]*一[、.．]", re.M)   # the plan body's first section when sections are unknown


def find_titles(text: str) -> Iterator[tuple[int, int]]:
    """Half-open spans of balanced 《…》 (marks included); nested 《》 stay inside the outer title.

    Examples:
        >>> list(find_titles("落实《关于印发《X》的通知》和《慈善法》"))
        [(2, 14), (15, 20)]
        >>> list(find_titles("《未闭合的书名。后文》"))
        []
    """
    # One pass indexes every 》 by its nesting level and every sentence end; each 《 then finds its
    # closing 》 by lookup. Scanning forward from each 《 took 200 steps per mark on 《《《… runs.
    level = 0
    closes: dict[int, list[int]] = {}    # level before a 》 -> its positions
    ends: list[int] = []                 # sentence ends
    opens: list[tuple[int, int]] = []    # (position, level before) of each 《
    for m in _TITLE_MARKS.finditer(text):
        j, c = m.start(), m.group()
        if c == "《":
            opens.append((j, level))
            level += 1
        elif c == "》":
            closes.setdefault(level, []).append(j)
            level -= 1
        elif c in _SENTENCE_END:
            ends.append(j)
    after = -1   # the end of the last title: 《 inside it stay inside it
    for i, before in opens:
        if i <= after:
            continue
        close = _first_after(closes.get(before + 1, []), i)
        if close is None or close >= i + 1 + _MAX_TITLE_CHARS:
            continue
        end = _first_after(ends, i)
        if end is not None and end < close:
            continue
        j = close
        if j > i + 1:
            yield i, j + 1
        after = j


def _first_after(positions: list[int], i: int) -> int | None:
    """The first of the sorted `positions` after `i` (None when there is none)."""
    k = bisect_right(positions, i)
    return positions[k] if k < len(positions) else None


def clean_title(raw: str) -> str:
    r"""The title as cited: line breaks and the indentation around them removed, inner spaces kept.

    Examples:
        >>> clean_title("长宁区民政\n    事业发展 规划")
        '长宁区民政事业发展 规划'
    """
    return _LINE_BREAK.sub("", raw).strip()


def add_to_pipeline(nlp: Language) -> None:
    """Add the component `policykg_citations` to `nlp` (once): it sets `doc.spans["citations"]` from
    `find_titles` (registered with spaCy by `policykg.loaders.extract.components`)."""
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT)


# ----------------------------------------------------------------------------- helpers shared with programs.py

class TaskLocator:
    """Finds the innermost task whose span contains a mention (None when outside every task).

    Examples:
        >>> from policykg.loaders.model import Task
        >>> item = Task("一/1", "1", "", "item", (0, 50), "一")
        >>> locate = TaskLocator([item, Task("一/1/s1", "", "", "sentence", (10, 20), "一")])
        >>> locate(12, 15), locate(30, 35), locate(60, 62)
        ('一/1/s1', '一/1', None)
    """

    def __init__(self, tasks: Iterable[Any]):
        self._tasks = sorted(tasks or [], key=lambda t: (t.span[0], -t.span[1]))
        self._enclosing = Enclosing([t.span for t in self._tasks])

    def __call__(self, start: int, end: int) -> str | None:
        best = None
        for i in self._enclosing.containing(start, end):
            t = self._tasks[i]
            if best is None or t.span[1] - t.span[0] <= best.span[1] - best.span[0]:
                best = t
        return best.path if best else None


# ----------------------------------------------------------------------------- vocabulary

@dataclass(frozen=True)
class _TitleWords:
    """What citations.yaml says about titles that are no citations, compiled once."""
    cover_cues: tuple[str, ...]            # cover-letter formulas that issue the plan itself
    attachment_line: re.Pattern            # 附件：《…》 on a line of its own
    event_words: tuple[str, ...]           # 《X》文艺汇演: a performance or programme, longest first
    publication_suffixes: tuple[str, ...]  # 《中国社会报》: a newspaper or bulletin
    law_endings: tuple[str, ...]           # 《民法典》知识竞赛 still cites a law
    list_joiners: tuple[str, ...]          # 《A》和《B》: B shares A's context
    title_endings: tuple[str, ...]         # what a policy document's title ends with, longest first
    work_before: tuple[str, ...]           # 电视剧《装台》: a work's kind before its title
    work_after: tuple[str, ...]            # 《生万物》等精品鲁剧热播: … or shortly after it
    work_after_chars: int
    short_title_issuers: tuple[str, ...]   # 省委《建议》: whose document a short title is


@lru_cache(maxsize=1)
def _title_words() -> _TitleWords:
    raw = load_vocab("citations")
    heads = alternation(raw["attachment_heads"])
    return _TitleWords(
        cover_cues=tuple(raw.get("cover_letter_cues") or ()),
        attachment_line=re.compile(rf"^(?:{heads})\s*[0-9一二三四五六七八九十]*\s*[:：]?\s*《[^\n]*》\s*$"),
        event_words=tuple(sorted(raw.get("event_words") or (), key=len, reverse=True)),
        publication_suffixes=tuple(raw.get("publication_suffixes") or ()),
        law_endings=tuple(raw.get("law_endings") or ()),
        list_joiners=tuple(raw.get("list_joiners") or ()),
        title_endings=tuple(sorted(set(vocab().doc_types) | set(raw.get("law_endings") or ())
                                   | set(raw.get("title_endings") or ()), key=len, reverse=True)),
        work_before=tuple(raw.get("work_words_before") or ()),
        work_after=tuple(raw.get("work_words_after") or ()),
        work_after_chars=int(raw.get("work_words_after_chars", 10)),
        short_title_issuers=tuple(raw.get("short_title_issuers") or ()),
    )


def _meta(parsed: ParsedDocument | None) -> Any:
    return getattr(parsed, "meta", None)


# ----------------------------------------------------------------------------- text around a title

_SENTENCE_WINDOW = 300          # characters searched either side of a title for its sentence's ends
_SENTENCE_BOUNDARY = re.compile(r"[。！？\n]")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end] (within `_SENTENCE_WINDOW` characters either side).

    Examples:
        >>> text = "第一句。现将《X》印发给你们。第三句"
        >>> a, b = _sentence(text, 6, 9)
        >>> text[a:b]
        '现将《X》印发给你们'
    """
    lo = max(0, start - _SENTENCE_WINDOW)
    before = [m.end() for m in _SENTENCE_BOUNDARY.finditer(text, lo, start)]
    after = _SENTENCE_BOUNDARY.search(text, end, end + _SENTENCE_WINDOW)
    return (before[-1] if before else lo), (after.start() if after else min(len(text), end + _SENTENCE_WINDOW))


_TAIL_CHARS = 80               # how far after 》 a hard-wrapped issuing sentence is followed
_TAIL_END = re.compile(r"[。！？]")
_NEXT_ITEM = re.compile(r"\n[ \t\u3000]*[（(0-9０-９一二三四五六七八九十]")


def _joined_tail(text: str, end: int) -> str:
    r"""The rest of the sentence after 》 with line breaks removed: PDF/Word conversions wrap
    lines hard, so 现将《X》\n印发给你们 must read as one sentence.

    Examples:
        >>> _joined_tail("现将《X》\n印发给你们。请贯彻", 5)
        '印发给你们'
        >>> _joined_tail("落实《X》\n（二）印发给你们", 5)
        ''
    """
    tail = text[end:end + _TAIL_CHARS]
    item = _NEXT_ITEM.search(tail)          # a new numbered item is a new sentence, 。 or not
    tail = _LINE_BREAK.sub("", tail[:item.start()] if item else tail)
    m = _TAIL_END.search(tail)
    return tail[:m.start()] if m else tail


def _in_sentence_with(text: str, start: int, end: int, cues: tuple[str, ...]) -> bool:
    """One of `cues` is in the sentence of text[start:end], or in its hard-wrapped tail.

    Examples:
        >>> _in_sentence_with("现将《X》印发给你们。", 2, 5, ("印发给你们",))
        True
        >>> _in_sentence_with("落实《X》。现印发给你们。", 2, 5, ("印发给你们",))
        False
    """
    a, b = _sentence(text, start, end)
    if any(cue in text[a:b] for cue in cues):
        return True
    tail = _joined_tail(text, end)
    return any(cue in tail for cue in cues)


def _line_at(text: str, start: int, end: int) -> str:
    r"""The line holding text[start:end], stripped.

    Examples:
        >>> _line_at("标题\n  附件：《X》 \n正文", 8, 11)
        '附件：《X》'
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start: line_end if line_end != -1 else len(text)].strip()


# ----------------------------------------------------------------------------- no document: rules

def _names_event(text: str, end: int, written: str) -> bool:
    """《X》文艺汇演 / 《X》栏目: the marks name a performance or programme, not a document —
    unless X itself ends in a document type or names a law (《民法典》知识竞赛).

    Examples:
        >>> _names_event("《夕阳红》文艺汇演", 5, "夕阳红")
        True
        >>> _names_event("《民法典》知识竞赛", 5, "民法典"), _names_event("《夕阳红》获奖", 5, "夕阳红")
        (False, False)
    """
    words = _title_words()
    if not text.startswith(words.event_words, end):
        return False
    key = identity_key(written)
    return not (key.endswith(vocab().doc_types) or key.endswith(words.law_endings))


def ends_like_a_document(written: str) -> bool:
    """Rule: the title's own shape says it names a policy document: it ends (before a
    bracketed qualifier such as （草案）) in a document type, a law's ending or another
    ending of `title_endings`.

    Examples:
        >>> ends_like_a_document("纲要（草案）"), ends_like_a_document("养老机构设置和服务要求")
        (True, True)
        >>> ends_like_a_document("装台")
        False
    """
    return title_core(written).endswith(_title_words().title_endings)


_DIGIT_YEAR = re.compile(pattern("calendar_year"))


def reads_as_official(written: str) -> bool:
    """Rule: a title without a document type still names a document when it states a year
    or a jurisdiction (《中国制造2025》, 《2024年龙岗区政府民生实事候选项目》) or begins 关于.

    Examples:
        >>> reads_as_official("中国制造2025"), reads_as_official("上海市民政志愿服务")
        (True, True)
        >>> reads_as_official("科学"), reads_as_official("我们的河山")
        (False, False)
    """
    key = identity_key(written)
    return bool(_DIGIT_YEAR.search(key)) or key.startswith("关于") or title_scope(written) is not None


_JOINERS_BEFORE = re.compile(r"[、和及与]?$")
_NEXT_LISTED_TITLE = re.compile(r"[、和及与]?《[^《》\n]{1,40}》")


def _list_start(text: str, start: int) -> int:
    """Where a list of titles that ends with the one at `start` begins: 电影《柳青》、电视剧《装台》
    stops at each kind word, 《生万物》《我们的河山》 goes back to the first title.

    Examples:
        >>> text = "热播《生万物》《我们的河山》"
        >>> _list_start(text, 7)
        2
        >>> _list_start("落实《A》", 2)
        2
    """
    while True:
        before = text[max(0, start - 2):start]
        joiner = _JOINERS_BEFORE.search(before)
        pos = start - (len(joiner.group()) if joiner else 0)
        if pos <= 0 or text[pos - 1] != "》":
            return start
        opening = text.rfind("《", 0, pos - 1)
        if opening == -1:
            return start
        start = opening


def names_a_work(text: str, start: int, end: int) -> bool:
    """Rule: the words around a title say it names a work (a film, a play, a book, a
    journal, a programme), not a document: a kind word right before its 《 or before the
    first title of its list (电视剧《装台》), or one shortly after its 》 or after the list it
    ends, in the same clause (《生万物》《我们的河山》等精品鲁剧热播, 《齐鲁文库》系列丛书出版发行).

    Examples:
        >>> text = "电影《柳青》、电视剧《装台》等50部文艺作品获奖"
        >>> names_a_work(text, 2, 6), names_a_work(text, 10, 14)
        (True, True)
        >>> names_a_work("贯彻《民营经济促进法》，落实行动", 2, 11)
        False
    """
    words = _title_words()
    first = _list_start(text, start)
    if text[max(0, first - 6):first].endswith(words.work_before):
        return True
    pos = end
    while (m := _NEXT_LISTED_TITLE.match(text, pos)) is not None:
        pos = m.end()
    clause = _CLAUSE_END.split(text[pos:pos + words.work_after_chars], maxsplit=1)[0]
    return any(w in clause for w in words.work_after)


def _names_no_document(text: str, start: int, end: int, written: str) -> bool:
    """Marks around nothing, a publication (《中国社会报》), an event (《夕阳红》文艺汇演), or a
    work (`names_a_work`) or any other title whose shape names no document
    (`ends_like_a_document`, `reads_as_official`).

    Examples:
        >>> _names_no_document("在《中国社会报》刊发", 1, 8, "中国社会报")
        True
        >>> _names_no_document("落实《上海市慈善条例》", 2, 11, "上海市慈善条例")
        False
    """
    if not written or written.endswith(_title_words().publication_suffixes) or _names_event(text, end, written):
        return True
    if ends_like_a_document(written):
        return False
    return names_a_work(text, start, end) or not reads_as_official(written)


# ----------------------------------------------------------------------------- own title: rules

def _own_title_keys(meta: Any) -> set[str]:
    """Identity keys of the plan's own title: its title, the title its notice wraps, and the
    inner title of a notice title given with 《…》.

    Examples:
        >>> from policykg.loaders.model import DocumentMeta
        >>> sorted(_own_title_keys(DocumentMeta(title="关于印发《2025年民政工作要点》的通知")))
        ['2025年民政工作要点', '关于印发〈2025年民政工作要点〉的通知']
        >>> _own_title_keys(DocumentMeta())
        set()
    """
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


def _issues_itself(text: str, start: int, end: int) -> bool:
    r"""《X》 sits in a notice's issuing sentence or is the whole of a notice heading line
    (which may be wrapped: 关于印发《X》\n的通知).

    Examples:
        >>> _issues_itself("现将《2025年工作要点》印发给你们。", 2, 13)
        True
        >>> _issues_itself("某区民政局关于印发《2025年工作要点》\n的通知", 9, 20)
        True
        >>> _issues_itself("贯彻落实《上海市慈善条例》。", 4, 13)
        False
    """
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


def _issued_before_the_body(text: str, start: int, end: int) -> bool:
    r"""Before the plan's body: 《X》 in a cover-letter sentence, or the plan's title printed in
    marks as a line of its own (《2025年…工作要点》). Callers check that 《X》 is before the body.

    Examples:
        >>> _issued_before_the_body("《X》已经局党组会议审议通过，请认真贯彻执行。", 0, 3)
        True
        >>> _issued_before_the_body("标题\n《2025年民政工作要点》\n", 3, 16)
        True
        >>> _issued_before_the_body("依据《上海市慈善条例》，制定本要点。", 2, 11)
        False
    """
    return _in_sentence_with(text, start, end, _title_words().cover_cues) or _line_at(text, start, end) == text[start:end]


def _is_attachment_line(text: str, start: int, end: int) -> bool:
    """附件：《X》 / 附件1：《X》 on a line of its own: an attachment of this document.

    Examples:
        >>> _is_attachment_line("附件1：《任务分解表》", 4, 11)
        True
        >>> _is_attachment_line("按附件要求落实《任务分解表》", 7, 14)
        False
    """
    return bool(_title_words().attachment_line.match(_line_at(text, start, end)))


_TITLE_ZONE_CHARS = 3000      # the plan's own title line is printed near the top (after a notice)


def _standalone_line_keys(text: str, first_section: int | None) -> set[str]:
    r"""Identity keys of short lines without 《》 near the top (before the first section, or in
    the first `_TITLE_ZONE_CHARS` characters): candidates for the plan's printed title line.

    Examples:
        >>> sorted(_standalone_line_keys("2025年民政工作要点\n落实《X》。\n一、总体要求。", None))
        ['2025年民政工作要点']
    """
    keys = set()
    zone = max(_TITLE_ZONE_CHARS, first_section or 0)
    for line in text[:zone].splitlines():
        line = line.strip()
        if 4 <= len(line) <= 100 and "《" not in line and not line.endswith(("。", "；", "，")):
            keys.add(identity_key(line))
    return keys


_YEAR_HEAD = re.compile("^" + pattern("one_year"))


def _split_year(key: str) -> tuple[str | None, str]:
    """(year, rest) of a key headed by one year (2025年度 → 2025年), else (None, key).

    Examples:
        >>> _split_year("2025年度民政工作要点"), _split_year("民政工作要点")
        (('2025年', '民政工作要点'), (None, '民政工作要点'))
    """
    m = _YEAR_HEAD.match(key)
    return (m.group(0).rstrip("度"), key[m.end():]) if m else (None, key)


def _refers_to_own(key: str, own: set[str]) -> bool:
    """《工作要点》, 《2025年民政工作要点》 in the 2025年金山区民政工作要点: a shortened form of
    the plan's own title (its tail, ending in a document type, same year when a year is
    given) refers to the plan itself.

    Examples:
        >>> own = {"2025年金山区民政工作要点"}
        >>> _refers_to_own("工作要点", own), _refers_to_own("2025年民政工作要点", own)
        (True, True)
        >>> _refers_to_own("2024年民政工作要点", own), _refers_to_own("上海市慈善条例", own)
        (False, False)
    """
    if not key.endswith(vocab().doc_types):
        return False
    year, rest = _split_year(key)
    for o in own:
        oyear, orest = _split_year(o)
        if year and year != oyear:
            continue
        if orest != rest and orest.endswith(rest) and orest.endswith(vocab().doc_types):
            return True
    return False


class _OwnTitle:
    """Whether a cited title is the plan's own (the rules of the module doc, in order).

    Where the plan's body starts and which lines are printed alone near the top are
    worked out once, when a rule first needs them.
    """

    def __init__(self, text: str, parsed: ParsedDocument | None):
        self.text = text
        sections = getattr(parsed, "sections", None) or []
        self.first_section = min((x.span[0] for x in sections), default=None)
        self._body_start: int | None = None
        self._line_keys: set[str] | None = None

    @property
    def body_start(self) -> int:
        """The first section's start; else the first 一、 heading's; else 0."""
        if self._body_start is None:
            if self.first_section is not None:
                self._body_start = self.first_section
            else:
                m = _FIRST_HEADING.search(self.text)
                self._body_start = m.start() if m else 0
        return self._body_start

    @property
    def line_keys(self) -> set[str]:
        if self._line_keys is None:
            self._line_keys = _standalone_line_keys(self.text, self.first_section)
        return self._line_keys

    def __call__(self, start: int, end: int, key: str, own: set[str]) -> bool:
        text = self.text
        return (key in own
                or _issues_itself(text, start, end)
                or (start < self.body_start and _issued_before_the_body(text, start, end))
                or _is_attachment_line(text, start, end)
                or key in self.line_keys)


# ----------------------------------------------------------------------------- scope of a citation

_CLAUSE_END = re.compile(r"[，。；：！？\n]")


def _context_hint(text: str, start: int, region: str | None, level: str | None) -> str | None:
    """Jurisdiction evidence before the 《: 本市/本区 right before it, else an issuing verb
    (出台《…》: the citing plan's own government issues the document).

    Examples:
        >>> _context_hint("贯彻本市《慈善条例》", 4, "金山区", "district")
        '本市'
        >>> _context_hint("研究出台《实施方案》", 4, "金山区", "district")
        '本区'
        >>> _context_hint("配合市科委起草《实施方案》", 7, "金山区", "district") is None
        True
    """
    v = vocab()
    before = text[max(0, start - 2):start]
    if before in v.relative_city:
        return CITY_HINT
    if before in v.relative_district:
        return DISTRICT_HINT
    clause = text[max(0, start - 16):start]
    cut = [m.end() for m in _CLAUSE_END.finditer(clause)]
    clause = clause[cut[-1]:] if cut else clause
    if clause.endswith(v.issuing_cues) and not any(c in clause for c in v.assisting_cues):
        return own_level_word(region, level)
    return None


def _title_spans(doc: Doc | ChunkedFindings) -> list[tuple[int, int]]:
    spans = doc.spans[SPAN_KEY] if SPAN_KEY in doc.spans else None
    if spans is None:       # Doc made by a pipeline without the component
        return list(find_titles(doc_text(doc)))
    return [(s.start_char, s.end_char) for s in spans]


# ----------------------------------------------------------------------------- extraction

@dataclass(frozen=True)
class _Cited:
    start: int          # at 《
    end: int            # after 》
    written: str
    key: str


def _cited_titles(text: str, spans: Iterable[tuple[int, int]], is_own: _OwnTitle, own: set[str]) -> list[_Cited]:
    """The titles that name a document, in order; each found to be the plan's own joins `own`."""
    found = []
    for s, e in spans:
        written = clean_title(text[s + 1:e - 1])
        if _names_no_document(text, s, e, written):
            continue
        key = identity_key(written)
        if is_own(s, e, key, own):
            own.add(key)
        found.append(_Cited(s, e, written, key))
    return found


def _citation(cited: _Cited, context: str | None, region: str | None, locate: TaskLocator,
              refers_to: str | None = None) -> Mention:
    s, e, written = cited.start, cited.end, cited.written
    hint = title_scope(written) or context
    inner = unwrap_notice(written)
    return Mention(
        task=locate(s, e),
        label=LABEL,
        name=cited.key,
        written=written,
        span=(s + 1, e - 1),
        props={
            "title": written,
            "wraps": inner,
            "wraps_key": identity_key(inner) if inner else None,
            "scope_hint": hint,
            "scope": resolve_scope(hint, region),
            "citing_region": region,
            "refers_to": refers_to,
        },
    )


def extract_citations(doc: Doc | ChunkedFindings, parsed: ParsedDocument | None) -> list[Mention]:
    """The documents the plan cites (not its own title: see the module doc), in order."""
    text = doc_text(doc, parsed)
    meta = _meta(parsed)
    region, level = getattr(meta, "region", None), getattr(meta, "level", None)
    locate = TaskLocator(getattr(parsed, "tasks", None) or [])
    own = _own_title_keys(meta)
    found = _cited_titles(text, _title_spans(doc), _OwnTitle(text, parsed), own)

    joiners = _title_words().list_joiners
    mentions: list[Mention] = []
    prev_end, context = -1, None
    for cited in found:
        if not (prev_end >= 0 and text[prev_end:cited.start] in joiners):
            context = _context_hint(text, cited.start, region, level)
        prev_end = cited.end
        if cited.key in own or _refers_to_own(cited.key, own):
            continue
        full = _full_title(text, cited, [m.written for m in mentions])
        if full == "":
            continue
        mentions.append(_citation(cited, context, region, locate, full))
    return mentions


def _short_title_has_issuer(text: str, start: int) -> bool:
    """The words right before a short title's 《 name whose it is or that it is to be issued:
    中共河北省委“十五五”规划《建议》, 省委《建议》, 制定《实施方案》.

    Examples:
        >>> _short_title_has_issuer("根据中共河北省委“十五五”规划《建议》", 15)
        True
        >>> _short_title_has_issuer("按照《方案》要求", 2)
        False
    """
    before = text[max(0, start - 8):start].rstrip("“”\"")
    return before.endswith(_title_words().short_title_issuers) or before.endswith(vocab().issuing_cues)


def _full_title(text: str, cited: _Cited, earlier: list[str]) -> str | None:
    """For a short reference (《纲要（草案）》): the full title cited before it that it stands
    for; "" when there is none and nothing before the 《 says which document it is (the
    citation is dropped); None for any other title."""
    if not is_short_reference(cited.written):
        return None
    full = antecedent(cited.written, earlier)
    if full is None and not _short_title_has_issuer(text, cited.start):
        return ""
    return full
