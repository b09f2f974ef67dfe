"""A plan's metadata: title, notice, issuer, 文号, issue date, plan year, region (with its parents), level, kind.

`parse_metadata(view, source_name, overrides)` reads the normalised view (and, for
web-page metadata rows the view drops, the original text). Values the user gives —
on the command line or in a sidecar file read by `read_sidecar` — win over parsed
ones. A region or year that cannot be determined is left empty with a warning in
`DocumentMeta.warnings`; so is any value that was inferred rather than read.

The cues (title words, notice patterns, organisation suffixes, kinds of document, furniture
that is never a title) live in ``vocab/document.yaml``; region names in ``vocab/regions.yaml``
and, for the whole country, ``vocab/divisions.yaml`` (read through `policykg.loaders.divisions`).
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from policykg.loaders import vocabulary
from policykg.loaders.divisions import Division, gazetteer
from policykg.loaders.errors import InputError
from policykg.loaders.model import DocumentMeta
from policykg.loaders.normalise import load_layout
from policykg.loaders.numbers import parse_chinese
from policykg.loaders.textview import TextView

__all__ = [
    "OVERRIDE_FIELDS", "LEVELS", "SIDECAR_SUFFIXES", "load_vocab", "sidecar_paths", "read_sidecar", "validate_overrides",
    "plan_year", "document_kind", "parse_date", "parse_metadata",
]

# Fields a user may set; title_span and warnings are the parser's.
OVERRIDE_FIELDS = ("title", "issuer", "doc_number", "issue_date", "year", "region", "level", "is_notice", "wrapped_title",
                   "url")
LEVELS = ("province", "city", "district", "county", "town", "unknown")
SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml", ".meta.json")
# Fields a plan needs, and how a warning names each when neither text nor user gives it.
_REQUIRED_FIELDS = (("title", "title"), ("region", "region"), ("year", "plan year"))

# How far into the document its header (letterhead, 文号, title, cover letter) may reach.
_HEADER_MAX_LINES = 30

_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = vocabulary.pattern("calendar_year")          # 1900–2099 in digits, without 年
_DATE_ARABIC = re.compile(rf"({_YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日")
_DATE_CHINESE = re.compile(
    r"([〇零○一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_DATE_ISO = re.compile(rf"({_YEAR})[-/.](\d{{1,2}})[-/.](\d{{1,2}})")
_WEB_DATE_SUFFIX = re.compile(rf"\s*[（(]\s*({_YEAR}[-/.]\d{{1,2}}[-/.]\d{{1,2}})\s*[）)]\s*$")
_DOC_NUMBER = re.compile(
    rf"([{_HAN}]{{1,12}})\s*[〔\[［【(（]\s*({_YEAR})\s*[〕\]］】)）]\s*(?:第\s*)?(\d{{1,4}})\s*号")
_YEAR_IN_TITLE = re.compile(
    rf"({_YEAR})\s*年|({_YEAR})(?=[^\d]|$)|([〇零○一二][〇零○一二三四五六七八九]{{3}})\s*年")
_LEADING_YEAR = re.compile(rf"^{_YEAR}\s*年度?")
# A pinyin gloss a garbled big5 conversion leaves after a character: 新吳區(qū), 發(fā)布
_PINYIN_GLOSS = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")
_LEVEL_ORDER = {"town": 0, "district": 1, "county": 1, "city": 2, "province": 3, "unknown": 4}


@dataclass(frozen=True)
class _Vocab:
    title_words: tuple[str, ...]
    notice_patterns: tuple[re.Pattern, ...]
    org_suffixes: tuple[str, ...]
    letterhead_words: tuple[str, ...]
    issuer_by_domain: dict
    web_number_row: re.Pattern            # 文件编号：金民〔2025〕6号 | …, a web page's metadata row
    web_date_row: re.Pattern              # 发布日期：2025-02-17
    inline_signature: re.Pattern          # 武汉市民政局 2024 年 3 月 7 日 inside a line
    web_title_row: re.Pattern             # 名 称： 2020年全市民政工作要点, a web page's title row
    web_issuer_row: re.Pattern            # 发文单位: 咸宁市民政局, a web page's issuer row
    address_row: re.Pattern               # 原文链接: http://…, the address a saved page was read from
    index_code: re.Pattern                # 索引号 11330283002979996P/…: the body's division code (330283)
    suffixes: tuple[tuple[str, str], ...]
    not_regions: frozenset
    generic_region: re.Pattern
    kind_words: tuple[tuple[str, str], ...]     # (word, kind), longest word first
    notice_kind: str
    title_furniture: tuple[re.Pattern, ...]     # lines that are never a title (breadcrumbs, metadata rows)
    this_year: re.Pattern                       # 今年: the title's year is in the opening text


def _spaced_alternation(words: list[str]) -> str:
    """An alternation of `words` that allows spaces between their characters (名       称).

    Examples:
        >>> names = _spaced_alternation(["名称"])
        >>> bool(re.fullmatch(names, "名   称")), bool(re.fullmatch(names, "名号"))
        (True, False)
    """
    return "|".join(r"\s*".join(map(re.escape, w)) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def load_vocab() -> _Vocab:
    """The metadata cues of vocab/document.yaml and the regions of vocab/regions.yaml, compiled once."""
    doc, reg = vocabulary.load_vocab("document"), vocabulary.load_vocab("regions")
    suffixes = tuple(sorted(((s, lvl) for s, lvl in reg["suffixes"].items()), key=lambda x: -len(x[0])))
    # A region name at the head of a body's name: 杭州市西湖区民政局, 上海市长宁区…
    generic = re.compile(rf"[{_HAN}]{{1,7}}?(?:{vocabulary.alternation(s for s, _ in suffixes)})")
    kind_words = tuple(sorted(((w, kind) for kind, words in doc["document_kinds"].items() for w in words),
                              key=lambda wk: -len(wk[0])))
    return _Vocab(
        title_words=tuple(sorted({*doc["plan_title_words"], *(w for w, _ in kind_words)}, key=len, reverse=True)),
        notice_patterns=tuple(re.compile(vocabulary.fill(p)) for p in doc["notice_patterns"]),
        org_suffixes=tuple(sorted(doc["organisation_suffixes"], key=len, reverse=True)),
        letterhead_words=tuple(doc["letterhead_words"]),
        issuer_by_domain=dict(doc.get("issuer_by_domain") or {}),
        web_number_row=re.compile(
            rf"^\s*(?:{vocabulary.alternation(doc['web_number_labels'])})\s*[:：]\s*([^|\n]+?)\s*(?:\||$)", re.M),
        web_date_row=re.compile(
            rf"(?:{vocabulary.alternation(doc['web_date_labels'])})\s*[:：]\s*({_YEAR}[-/.年]\s*\d{{1,2}}[-/.月]\s*\d{{1,2}}日?)"),
        inline_signature=re.compile(
            rf"(?<![{_HAN}])([{_HAN}]{{2,20}}?(?:{vocabulary.alternation(doc['organisation_suffixes'])}))\s*{_DATE_ARABIC.pattern}"),
        web_title_row=re.compile(rf"(?:{_spaced_alternation(doc['web_title_labels'])})\s*[:：|]\s*([^|\n]{{4,80}}?)\s*(?:\||$)",
                                 re.M),
        web_issuer_row=re.compile(
            rf"(?:{vocabulary.alternation(doc['web_issuer_labels'])})\s*[:：|\]]?[\s|•\]]*([{_HAN}（）()]{{2,30}})"),
        index_code=re.compile(rf"(?:{vocabulary.alternation(doc['web_index_labels'])})[^0-9A-Z]{{0,12}}1[1-9](\d{{6}})[0-9A-Z]{{10}}"),
        address_row=re.compile(rf"(?:{vocabulary.alternation(doc['web_address_labels'])})(?:\(\d+\))?[ \t]*[:：]?[ \t]*(https?://[^\s|<>\"'，。]+)"),
        suffixes=suffixes,
        not_regions=frozenset(reg.get("not_regions") or []),
        generic_region=generic,
        kind_words=kind_words,
        notice_kind=doc["notice_kind"],
        title_furniture=tuple(re.compile(p) for p in doc["title_furniture"]),
        this_year=re.compile(vocabulary.alternation(doc["this_year_words"])),
    )


# -- sidecar ----------------------------------------------------------------------

def sidecar_paths(path: str | Path) -> list[Path]:
    """Where a sidecar for `path` may be: `plan.txt.meta.yaml` or `plan.meta.yaml` (also .yml, .json).

    Examples:
        >>> [p.name for p in sidecar_paths("seeds/plan.txt")][:2]
        ['plan.txt.meta.yaml', 'plan.meta.yaml']
    """
    p = Path(path)
    found = []
    for suffix in SIDECAR_SUFFIXES:
        found.append(p.with_name(p.name + suffix))
        found.append(p.with_name(p.stem + suffix))
    return found


def read_sidecar(path: str | Path) -> dict:
    """Metadata overrides from a sidecar file beside `path`; {} when there is none."""
    for candidate in sidecar_paths(path):
        if candidate.is_file():
            return _load_sidecar(candidate)
    return {}


def _load_sidecar(sidecar: Path) -> dict:
    try:
        text = sidecar.read_text(encoding="utf-8-sig")
        data = json.loads(text) if sidecar.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{sidecar}: cannot read the metadata sidecar ({problem}); fix its YAML/JSON syntax") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{sidecar}: metadata sidecar must be a mapping of field: value; write e.g. 'region: 静安区'")
    return validate_overrides(data, str(sidecar))


def validate_overrides(overrides: dict, origin: str) -> dict:
    """Check and coerce user-given metadata; raise InputError naming `origin` if it is wrong.

    Examples:
        >>> validate_overrides({"year": "2025", "region": " 静安区 ", "title": None}, "cli")
        {'year': 2025, 'region': '静安区'}
        >>> validate_overrides({"level": "prefecture"}, "plan.meta.yaml")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        policykg.loaders.errors.InputError: plan.meta.yaml: level 'prefecture' is not one of province, city, ..., town, unknown
    """
    clean: dict = {}
    for key, value in overrides.items():
        if key not in OVERRIDE_FIELDS:
            raise InputError(f"{origin}: unknown metadata field '{key}'; use one of {', '.join(OVERRIDE_FIELDS)}")
        if value is None:
            continue
        if key == "year":
            try:
                value = int(value)
            except (TypeError, ValueError) as exc:
                raise InputError(f"{origin}: year '{value}' is not a number; write e.g. 'year: 2025'") from exc
        elif key == "issue_date":
            iso = _iso_date(value)
            if iso is None:
                raise InputError(f"{origin}: issue_date '{value}' is not a date; write e.g. 'issue_date: 2025-02-17'")
            value = iso
        elif key == "is_notice":
            if not isinstance(value, bool):
                raise InputError(f"{origin}: is_notice must be true or false, not '{value}'")
        elif key == "level":
            if value not in LEVELS:
                raise InputError(f"{origin}: level '{value}' is not one of {', '.join(LEVELS)}")
        elif key == "url":
            value = str(value).strip()
            if not urlsplit(value).hostname or urlsplit(value).scheme not in ("http", "https"):
                raise InputError(f"{origin}: url '{value}' is not a web address; write e.g. 'url: http://mzj.example.gov.cn/…'")
        else:
            value = str(value).strip()
        clean[key] = value
    return clean


def _iso_date(value) -> str | None:
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return parse_date(str(value))


# -- dates --------------------------------------------------------------------------

def _chinese_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二十八 → 28, 三十一 → 31 (0 when it is not a numeral, so the date is invalid).

    Examples:
        >>> _chinese_number("二十八"), _chinese_number("月")
        (28, 0)
    """
    return int(parse_chinese(s) or 0)


def _valid_date(y: int, m: int, d: int) -> str | None:
    """The ISO date, or None when there is no such day.

    Examples:
        >>> _valid_date(2025, 2, 17), _valid_date(2025, 2, 30)
        ('2025-02-17', None)
    """
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _chinese_year(digits: str) -> int:
    """二〇二五 → 2025: a year is written digit by digit, not as a number (not 两千零二十五).

    Examples:
        >>> _chinese_year("二〇二五"), _chinese_year("二○二四")
        (2025, 2024)
    """
    return int("".join(str(_CN_DIGITS[c]) for c in digits))


def plan_year(title: str, plan_words: tuple[str, ...]) -> int | None:
    """The year a plan's title names (2025年…, 二〇二五年…). A title naming several years
    (2024年工作总结和2025年工作计划) is the plan of the year whose words name a plan.

    Examples:
        >>> plan_year("2024年工作总结和2025年工作计划", ("工作计划",))
        2025
        >>> plan_year("二〇二五年民政工作要点", ("工作要点",))
        2025
        >>> plan_year("民政工作要点", ("工作要点",)) is None
        True
    """
    found = []
    for m in _YEAR_IN_TITLE.finditer(title):
        digits = m.group(1) or m.group(2)
        year = int(digits) if digits else _chinese_year(m.group(3))
        found.append((year, m.start(), m.end()))
    if len(found) > 1:
        for k, (year, _, end) in enumerate(found):
            stop = found[k + 1][1] if k + 1 < len(found) else len(title)
            if any(w in title[end:stop] for w in plan_words):
                return year
    return found[0][0] if found else None


def document_kind(title: str | None, is_notice: bool = False) -> str | None:
    """The kind of document a title names: the kind of the word standing last in it (a Chinese
    title ends in its head noun); a notice naming no other kind is a notice.

    Examples:
        >>> document_kind("关于2024年阳东区十件民生实事完成情况的通报"), document_kind("陕西省2026年政府工作报告")
        ('progress report', 'government work report')
        >>> document_kind("2021年区政府工作报告目标任务分解方案"), document_kind("2025年鲤城区为民办实事项目清单")
        ('task decomposition', 'project list')
        >>> document_kind("关于做好防汛工作的通知", is_notice=True), document_kind("养老服务条例") is None
        ('notice', True)
    """
    vocab = load_vocab()
    text = _compact(title or "")
    best: tuple[int, str] | None = None
    for word, kind in vocab.kind_words:
        at = text.rfind(word)
        if at >= 0 and (best is None or at + len(word) > best[0]):
            best = (at + len(word), kind)
    if best:
        return best[1]
    return vocab.notice_kind if is_notice else None


def year_of_this_year(title: str | None, opening: str) -> int | None:
    """A title that says 今年 (this year) means the first year its opening text names.

    Examples:
        >>> year_of_this_year("沙河口区确定今年10项重点民生实事", "近日,沙河口区确定2024年10项重点民生实事")
        2024
        >>> year_of_this_year("2024年十大民生实事项目", "2023年完成…") is None
        True
    """
    if not title or not load_vocab().this_year.search(title):
        return None
    m = _YEAR_IN_TITLE.search(opening)
    return int(m.group(1) or m.group(2)) if m and (m.group(1) or m.group(2)) else None


def parse_date(text: str) -> str | None:
    """The first date in `text` (2025年2月17日, 二〇二五年二月十七日, 2024-02-05) as ISO.

    Examples:
        >>> parse_date("金山区民政局 2025年2月17日"), parse_date("二〇二五年二月十七日"), parse_date("2024/2/5")
        ('2025-02-17', '2025-02-17', '2024-02-05')
        >>> parse_date("2025年工作要点") is None
        True
    """
    m = _DATE_ARABIC.search(text)
    if m:
        return _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_CHINESE.search(text)
    if m:
        year = _chinese_year(m.group(1))
        return _valid_date(year, _chinese_number(m.group(2)), _chinese_number(m.group(3)))
    m = _DATE_ISO.search(text)
    if m:
        return _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def _is_date_line(text: str) -> bool:
    """A line that is a date and nothing else (a signature's date line).

    Examples:
        >>> _is_date_line(" 2025年2月17日 "), _is_date_line("二〇二五年二月十七日")
        (True, True)
        >>> _is_date_line("2025年2月17日印发")
        False
    """
    for pattern in (_DATE_ARABIC, _DATE_CHINESE):
        m = pattern.fullmatch(text.strip())
        if m:
            return True
    return False


# -- lines ----------------------------------------------------------------------------

@dataclass
class _Line:
    start: int
    end: int
    text: str


def _lines(view: TextView) -> list[_Line]:
    """The non-blank lines of the view, stripped, with their offsets.

    Examples:
        >>> _lines(TextView.identity("标题\\n\\n  正文"))
        [_Line(start=0, end=2, text='标题'), _Line(start=6, end=8, text='正文')]
    """
    out, pos = [], 0
    for raw in view.text.split("\n"):
        if raw.strip():
            lead = len(raw) - len(raw.lstrip())
            body = raw.strip()
            out.append(_Line(pos + lead, pos + lead + len(body), body))
        pos += len(raw) + 1
    return out


def _compact(s: str) -> str:
    """`s` without whitespace.

    Examples:
        >>> _compact("关于印发 《X》 的通知")
        '关于印发《X》的通知'
    """
    return re.sub(r"\s+", "", s)


def _without_glosses(s: str) -> str:
    """`s` without the pinyin glosses of a garbled big5 page.

    Examples:
        >>> _without_glosses("無錫高新區(qū)(新吳區（qū）)發(fā)改委")
        '無錫高新區(新吳區)發改委'
        >>> _without_glosses("区政府(牵头)")
        '区政府(牵头)'
    """
    return _PINYIN_GLOSS.sub("", s)


# -- the parser -----------------------------------------------------------------------

class _MetadataParser:
    def __init__(self, view: TextView, source_name: str):
        self.view = view
        self.source = source_name
        self.vocab = load_vocab()
        self.layout = load_layout()
        self.lines = _lines(view)
        self.header = self._header_lines()
        self.warnings: list[str] = []
        self.web_date: str | None = None

    def _header_lines(self) -> list[_Line]:
        """Lines before the first numbered heading: letterhead, 文号, title, cover letter."""
        header: list[_Line] = []
        for line in self.lines[:_HEADER_MAX_LINES]:
            if self.layout.item_start.match(line.text) and header:
                break
            header.append(line)
        return header

    # ---- kinds of lines
    @staticmethod
    def is_sentence(text: str) -> bool:
        """A line with sentence punctuation is running text, not a title or a name.

        Examples:
            >>> _MetadataParser.is_sentence("现将有关事项通知如下。"), _MetadataParser.is_sentence("2025年民政工作要点")
            (True, False)
        """
        return any(c in text for c in "。；;")

    def org_name(self, text: str) -> str | None:
        """`text` if it is a body's name (上海市金山区民政局), with a letterhead's 文件 dropped.

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p.org_name("上海市金山区民政局文件")
            '上海市金山区民政局'
            >>> p.org_name("2025年民政工作要点") is None
            True
        """
        t = _compact(text)
        for word in self.vocab.letterhead_words:
            if t.endswith(word) and len(t) > len(word):
                t = t[: -len(word)]
                break
        if not t or len(t) > 30 or not re.fullmatch(rf"[{_HAN}（）()·]+", t):
            return None
        return t if t.endswith(self.vocab.org_suffixes) else None

    # ---- notice and title
    def header_pairs(self) -> list[_Line]:
        """Two consecutive header lines read as one: a centred title broken over two lines."""
        pairs = []
        for a, b in zip(self.header, self.header[1:]):
            if not self.is_sentence(a.text) and not self.is_sentence(b.text) and len(a.text) + len(b.text) <= 80:
                pairs.append(_Line(a.start, b.end, a.text + b.text))
        return pairs

    def notice(self) -> tuple[_Line, str] | None:
        for candidates in (self.header, self.header_pairs()):
            for line in candidates:
                for pattern in self.vocab.notice_patterns:
                    m = pattern.search(line.text)
                    if m:
                        return line, _compact(m.group("title"))
        return None

    def is_furniture(self, text: str) -> bool:
        """A web page's breadcrumb, metadata row, table row or tool bar: never a title.

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p.is_furniture("当前位置：首页 >> 信息公开 >> 工作计划"), p.is_furniture("截至6月底进展 | 7月工作计划 |")
            (True, True)
            >>> p.is_furniture("2025年全区民政工作要点")
            False
        """
        return any(p.match(text) for p in self.vocab.title_furniture)

    def is_title_like(self, line: _Line) -> bool:
        """A short line, no sentence, heading, date, 文号 or furniture, with a plan word: a plan's title.

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p.is_title_like(_Line(0, 10, "2025年长宁民政工作要点"))
            True
            >>> p.is_title_like(_Line(0, 10, "长民〔2025〕1号"))
            False
        """
        t = line.text
        return (not self.is_sentence(t) and len(t) <= 60 and not self.layout.item_start.match(t)
                and not _is_date_line(t) and not _DOC_NUMBER.fullmatch(_compact(t)) and not self.is_furniture(t)
                and any(w in t for w in self.vocab.title_words))

    def title(self, notice: tuple[_Line, str] | None) -> tuple[str | None, tuple[int, int] | None]:
        line = None
        if notice:
            notice_line, wrapped = notice
            for candidate in self.header + self.header_pairs():
                if candidate.start > notice_line.start and _compact(self._strip_web_date(candidate)[0]) == wrapped:
                    line = candidate
                    break
            if line is None and self.is_sentence(notice_line.text):
                return wrapped, self._span_of(wrapped)   # only a cover letter's sentence names the plan
            if line is None:
                line = notice_line    # the plan's text does not follow: the notice is the document
        else:
            for candidates in (self.header, self.header_pairs()):
                line = next((c for c in candidates if self.is_title_like(c) and not self.org_name(c.text)), None)
                if line:
                    break
            if line is not None and line in self.header:
                line = self._with_title_head(line)
        if line is None:
            title = self.title_of_row()
            return (title, self._span_of(title)) if title else (None, None)
        text, cut = self._strip_web_date(line)
        # a title broken over two lines spans the line break between them
        return text, (line.start, line.end - cut)

    def title_of_row(self) -> str | None:
        """A web page without a title line names the plan in a metadata row (名 称： 2020年…工作要点,
        内容概述 | 2025年…进展情况 |).

        Examples:
            >>> _MetadataParser(TextView.identity("| 内容概述 | 2025年某区为民办实事项目进展情况 |"), "t").title_of_row()
            '2025年某区为民办实事项目进展情况'
            >>> _MetadataParser(TextView.identity("| 主题分类 | 民政 |"), "t").title_of_row() is None
            True
        """
        for m in self.vocab.web_title_row.finditer(_without_glosses(self.view.text[:2000])):
            value = m.group(1).strip()
            if any(w in value for w in self.vocab.title_words):
                return value
        return None

    def _span_of(self, title: str) -> tuple[int, int] | None:
        """Where `title` is written in the view, if it is written as it is."""
        at = self.view.text.find(title)
        return (at, at + len(title)) if at >= 0 else None

    def _with_title_head(self, line: _Line) -> _Line:
        """A centred title broken before its plan word: 2025年某区民政 / 工作要点."""
        i = self.header.index(line)
        if i == 0:
            return line
        head = self.header[i - 1]
        if (re.fullmatch(rf"[{_HAN}\d]+", head.text) and len(head.text) + len(line.text) <= 40
                and not self.org_name(head.text) and not _is_date_line(head.text)
                and not any(w in head.text for w in self.vocab.title_words) and not self.is_furniture(head.text)
                and not self.layout.item_start.match(head.text)):
            return _Line(head.start, line.end, head.text + line.text)
        return line

    def _strip_web_date(self, line: _Line) -> tuple[str, int]:
        """A web page appends its publication date to the title: 2024年上海民政工作要点 ( 2024-02-05 ).

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p._strip_web_date(_Line(0, 28, "2024年上海民政工作要点 ( 2024-02-05 )")), p.web_date
            (('2024年上海民政工作要点', 15), '2024-02-05')
            >>> p._strip_web_date(_Line(0, 14, "2024年上海民政工作要点"))
            ('2024年上海民政工作要点', 0)
        """
        m = _WEB_DATE_SUFFIX.search(line.text)
        if not m:
            return line.text, 0
        if self.web_date is None:
            self.web_date = parse_date(m.group(1))
        return line.text[: m.start()].rstrip(), len(line.text) - m.start()

    # ---- issuer
    def issuer(self, notice: tuple[_Line, str] | None, title: str | None) -> str | None:
        # letterhead: the first body name at the head of the document
        for line in self.header:
            if self.is_sentence(line.text) or _DOC_NUMBER.search(line.text) or self.is_furniture(line.text):
                continue
            name = self.org_name(line.text)
            if name:
                return name
            if title and _compact(line.text) == _compact(title):
                break
        # signature: a body name right above the date line
        for prev, line in zip(self.lines, self.lines[1:]):
            if _is_date_line(line.text):
                name = self.org_name(prev.text)
                if name:
                    return name
        # the notice's title names its issuer: 金山区民政局关于印发…
        if notice:
            head = notice[0].text.split("关于", 1)[0]
            name = self.org_name(head)
            if name:
                return name
        if title:
            # a title headed by the body's name: 静安区民政局2025年工作要点
            head = re.split(_YEAR, _compact(title), maxsplit=1)[0]
            name = self.org_name(head)
            if name:
                return name
        name = self.signature_in_line()
        if name:
            return name
        if title:
            inferred = self._issuer_from_title(title)
            if inferred:
                self.warnings.append(f"{self.source}: issuer '{inferred}' inferred from the title; set 'issuer' to confirm")
                return inferred
        return None

    def signature_in_line(self) -> str | None:
        """A signature run into the text (a PDF page read as one line): 武汉市民政局 2024 年 3 月 7 日.

        Examples:
            >>> page = TextView.identity("请认真贯彻执行。 武汉市民政局 2024 年 3 月 7 日 2024 年全市")
            >>> _MetadataParser(page, "t").signature_in_line()
            '武汉市民政局'
            >>> _MetadataParser(TextView.identity("截至2024年3月7日，新增床位100张。"), "t").signature_in_line() is None
            True
        """
        for line in self.header:
            for m in self.vocab.inline_signature.finditer(line.text):
                name = self.org_name(m.group(1))
                if name:
                    return name
        return None

    def _issuer_from_title(self, title: str) -> str | None:
        """2024年上海民政工作要点 → 上海市民政局 (region named in the title + its line of work).

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p._issuer_from_title("2024年上海民政工作要点")
            '上海市民政局'
            >>> p._issuer_from_title("2024年民政工作要点") is None
            True
        """
        region = self._known_region(title)
        if not region:
            return None
        for domain, body in self.vocab.issuer_by_domain.items():
            if domain in title:
                return region + body
        return None

    # ---- 文号, dates, year
    def doc_number(self, title_line_start: int | None) -> str | None:
        for line in self.header:
            if title_line_start is not None and line.start >= title_line_start:
                break
            m = _DOC_NUMBER.search(line.text)
            if m and len(_compact(line.text)) <= len(_compact(m.group(0))) + 6:
                return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
        m = self.vocab.web_number_row.search(self.view.original)
        if m:
            dm = _DOC_NUMBER.search(m.group(1))
            return f"{dm.group(1)}〔{dm.group(2)}〕{dm.group(3)}号" if dm else m.group(1).strip() or None
        return None

    def issue_date(self) -> str | None:
        previous: list[_Line | None] = [None, *self.lines]
        dates = [(prev, line) for prev, line in zip(previous, self.lines) if _is_date_line(line.text)]
        signed = [line for prev, line in dates if prev is not None and self.org_name(prev.text)]
        for line in signed + [line for _, line in dates]:
            iso = parse_date(line.text)
            if iso:
                return iso
        if self.web_date:
            return self.web_date
        m = self.vocab.web_date_row.search(self.view.original)
        return parse_date(m.group(1)) if m else None

    # ---- a page with no title line: its opening sentence names the year and the kind
    def opening_phrase(self) -> str | None:
        """The first header sentence naming a year and a kind of document: a news page's lead
        (2月1日,佛山市南海区…票决产生了2024年度南海区十大民生实事。)."""
        for line in self.header[:5]:
            for sentence in re.split(r"[。！!；;]", line.text):
                if _YEAR_IN_TITLE.search(sentence) and document_kind(sentence):
                    return sentence
        return None

    def year_of_opening(self) -> int | None:
        """The plan year an opening sentence names, with a warning (it is read, not a title's).

        Examples:
            >>> p = _MetadataParser(TextView.identity("2月1日,南海区票决产生了2024年度南海区十大民生实事。"), "t")
            >>> p.year_of_opening(), len(p.warnings)
            (2024, 1)
            >>> _MetadataParser(TextView.identity("2025年是收官之年。"), "t").year_of_opening() is None
            True
        """
        phrase = self.opening_phrase()
        if not phrase:
            return None
        year = plan_year(phrase[phrase.find(next(m.group(0) for m in _YEAR_IN_TITLE.finditer(phrase))):],
                         self.vocab.title_words)
        if year:
            self.warnings.append(f"{self.source}: plan year {year} read in the opening sentence; set 'year' to confirm")
        return year

    def kind_of_opening(self) -> str | None:
        """The kind of document the opening sentence names, when no title does."""
        phrase = self.opening_phrase()
        return document_kind(phrase) if phrase else None

    # ---- region
    def _known_region(self, text: str) -> str | None:
        """The most specific division named in `text` (full name, traditional form or short name).

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p._known_region("2024年上海长宁民政工作要点"), p._known_region("北京市东城区民政局")
            ('长宁区', '东城区')
            >>> p._known_region("民政工作要点") is None
            True
        """
        found = self._named_regions(text)
        return min(found, key=lambda n: _LEVEL_ORDER[self.level(n)]) if found else None

    def _named_regions(self, text: str) -> list[str]:
        """Every division `text` names: full names anywhere; short names at its head (龙岗2024年…)
        or right after a region's name (上海靜安); a short name of several places only where the
        vocabulary's aliases or the region before it say which.

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p._named_regions("上海靜安發布2024年十項為民辦實事項目"), p._named_regions("2025年全区民政工作要点")
            (['上海市', '静安区'], [])
        """
        g = gazetteer()
        t = _LEADING_YEAR.sub("", _without_glosses(_compact(text)))
        found = g.find(t)
        names = [f.name for f in found]
        covered = {i for f in found for i in range(f.start, f.start + len(f.written))}
        heads = sorted({0, *(f.start + len(f.written) for f in found)} - covered)
        for pos in heads:
            while True:
                shorts = g.short_at(t, pos)
                name = self._one_place(shorts, names)
                if not name:
                    break
                names.append(name)
                pos += len(shorts[0].written)
        return list(dict.fromkeys(names))

    def _one_place(self, shorts: list, named: list[str]) -> str | None:
        """The place a short name means: the only one, else the vocabulary's alias, else the
        child of a region named before it."""
        if not shorts:
            return None
        names = sorted({f.name for f in shorts})
        alias = gazetteer().aliases.get(shorts[0].written)
        if alias:
            return alias
        if len(names) == 1:
            return names[0]
        g = gazetteer()
        children = [n for n in names if any(p in named for d in g.by_name[n] for p in g.chain_names(d))]
        return children[0] if len(children) == 1 else None

    def _generic_region(self, head: str) -> str | None:
        """A region name heading a body's name or a title, by its suffix: 杭州市西湖区民政局 → 西湖区.

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p._generic_region("2025年杭州市西湖区民政局"), p._generic_region("重庆市万盛经开区管委会办公室")
            ('西湖区', '万盛经开区')
            >>> p._generic_region("社区民政工作要点") is None
            True
        """
        t = _LEADING_YEAR.sub("", _compact(head))
        best, pos = None, 0
        while True:
            m = self.vocab.generic_region.match(t, pos)
            if not m:
                break
            name = m.group(0)
            # 社区, 全区 … are no regions, and a region name holds no part of a body's name;
            # a division's own name (东城区, 厦门市) is one whatever it ends like
            known = name in gazetteer().by_name
            if not known and (name.endswith(tuple(self.vocab.not_regions)) or any(w in name for w in self.vocab.org_suffixes)):
                break
            best, pos = name, m.end()
        return best

    def region(self, issuer: str | None, title: str | None, doc_number: str | None = None,
               url: str | None = None) -> tuple[str | None, bool]:
        """(region, guessed): the most specific region the issuer, else the title, names (a city
        narrowed to the district its 文号 opens with: 上海市 + 金民〔2025〕 → 金山区); else the 文号's
        short name (涪陵民政发〔2025〕), the government site the page was read from (mzj.jinhua.gov.cn),
        the division code of the 索引号; else one the running text names far more often than any other."""
        for source in (issuer, title):
            if not source:
                continue
            found = [*self._named_regions(source), *filter(None, [self._generic_region(source)])]
            if found:
                best = min(found, key=lambda r: _LEVEL_ORDER[self.level(r)])
                return self._district_of_number(best, doc_number) or best, False
        by_row = self._region_of_issuer_row()
        if by_row:
            return by_row, False
        by_number = self._region_of_number(doc_number)
        if by_number:
            return by_number, False
        by_host = gazetteer().of_host(urlsplit(url).hostname or "") if url else None
        if by_host:
            return by_host.name, False
        by_index = self._region_of_index()
        if by_index:
            return by_index, True
        return self._region_of_text(), True

    def source_url(self) -> str | None:
        """The address a saved web page names as its own (原文链接: http://…, a browser's `saved from url=`).

        Examples:
            >>> _MetadataParser(TextView.identity("标题\\n原文链接：http://mzj.jinhua.gov.cn/art/1.html\\n"), "t").source_url()
            'http://mzj.jinhua.gov.cn/art/1.html'
            >>> _MetadataParser(TextView.identity("详见http://www.gov.cn/zhengce/"), "t").source_url() is None
            True
        """
        for part in (self.view.original[:2000], self.view.original[-1000:]):
            m = self.vocab.address_row.search(part)
            if m:
                return m.group(1)
        return None

    def _region_of_issuer_row(self) -> str | None:
        """The region a web page's issuer row names (发文单位: 咸宁市民政局, 信息来源:曾都区民政局).

        Examples:
            >>> _MetadataParser(TextView.identity("信息来源:曾都区民政局"), "t")._region_of_issuer_row()
            '曾都区'
            >>> _MetadataParser(TextView.identity("发布机构 区政府办公室"), "t")._region_of_issuer_row() is None
            True
        """
        for m in self.vocab.web_issuer_row.finditer(_without_glosses(self.view.original[:2000])):
            name = self._known_region(m.group(1)) or self._generic_region(m.group(1))
            if name:
                return name
        return None

    def _district_of_number(self, city: str, doc_number: str | None) -> str | None:
        """The one district of `city` whose name opens like the 文号 (金民〔2025〕6号 of 上海市 → 金山区).

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p._district_of_number("上海市", "金民〔2025〕6号"), p._district_of_number("上海市", "沪民〔2025〕1号")
            ('金山区', None)
        """
        division = gazetteer().resolve(city)
        if not doc_number or division is None or division.level != "city":
            return None
        head = re.split(r"[〔\[［【(（]", doc_number, maxsplit=1)[0]
        children = gazetteer().children_starting(division, head[:1])
        return children[0].name if len(children) == 1 and len(head) <= 3 else None

    def _region_of_number(self, doc_number: str | None) -> str | None:
        """The division a 文号 opens with by its short name: 涪陵民政发〔2025〕51号 → 涪陵区.

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p._region_of_number("涪陵民政发〔2025〕51号"), p._region_of_number("沪民〔2025〕1号")
            ('涪陵区', None)
        """
        if not doc_number:
            return None
        return self._one_place(gazetteer().short_at(doc_number), [])

    def _region_of_index(self) -> str | None:
        """A web page's 索引号 opens with the issuing body's unified code (11 + the division's
        6-digit code): 11500106009290497H/2024-00376 → 500106 沙坪坝区. A code retired since the body
        was registered (330283 奉化市, now 330213 奉化区) still names its city: the region is then
        the one division of that city the text names (奉化高级中学 → 奉化区).

        Examples:
            >>> _MetadataParser(TextView.identity("索引号: 11500106009290497H/2024-00376"), "t")._region_of_index()
            '沙坪坝区'
            >>> _MetadataParser(TextView.identity("索引号 11330283002979996P/2024 奉化高级中学"), "t")._region_of_index()
            '奉化区'
            >>> _MetadataParser(TextView.identity("索引号 011337100/2021-01612"), "t")._region_of_index() is None
            True
        """
        m = self.vocab.index_code.search(self.view.original[:2000])
        if not m:
            return None
        g = gazetteer()
        division = g.by_code.get(m.group(1))
        if division:
            return division.name
        city = g.by_code.get(m.group(1)[:4] + "00")
        if city is None:
            return None
        named = {d.name for d in g.by_code.values() if d.parent == city.code
                 and (d.name in self.view.text or (d.short and d.short in self.view.text))}
        return named.pop() if len(named) == 1 else None

    def _region_of_text(self) -> str | None:
        """A division the running text names at least twice and twice as often as any other."""
        counts: dict[str, int] = {}
        for f in gazetteer().find(self.view.text):
            counts[f.name] = counts.get(f.name, 0) + 1
        if not counts:
            return None
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        top, n = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        return top if n >= 2 and n >= 2 * runner_up else None

    def level(self, region: str | None) -> str:
        """province | city | district | county | town | unknown: the divisions' level, else the suffix's.

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p.level("金山区"), p.level("西湖区"), p.level("浙江省"), p.level("太仓市"), p.level(None)
            ('district', 'district', 'province', 'county', 'unknown')
        """
        if not region:
            return "unknown"
        known = gazetteer().level(region)
        if known:
            return known
        for suffix, lvl in self.vocab.suffixes:
            if region.endswith(suffix):
                return lvl
        return "unknown"

    def chain(self, region: str | None, context: str) -> tuple[str | None, list[str]]:
        """(code, parents' names) of the region, the division read in `context` when several share its name;
        a region that is no division (万盛经开区, a town) belongs to the division written right before it.

        Examples:
            >>> p = _MetadataParser(TextView.identity(""), "t")
            >>> p.chain("鲤城区", ""), p.chain("西湖区", "杭州市西湖区民政局")
            (('350502', ['泉州市', '福建省']), ('330106', ['杭州市', '浙江省']))
            >>> p.chain("万盛经开区", "重庆市万盛经开区管委会办公室"), p.chain("某区", "")
            ((None, ['重庆市']), (None, []))
        """
        g = gazetteer()
        division: Division | None = g.resolve(region or "", context)
        if division is not None:
            return division.code, g.chain_names(division)
        if not region:
            return None, []
        for found in g.find(context):
            if context.startswith(region, found.start + len(found.written)):
                parent = g.resolve(found.name, context)
                return None, [found.name, *(g.chain_names(parent) if parent else [])]
        return None, []


def _add_chain_and_kind(p: _MetadataParser, meta: DocumentMeta, view: TextView) -> None:
    """The region's code and parents (read where its name is written) and the document's kind
    (the plan a notice issues names it first)."""
    # The site a page was read from names its parents too (xihu.hangzhou.gov.cn: 西湖区 of 杭州市).
    site = gazetteer().of_host(urlsplit(meta.url).hostname or "") if meta.url else None
    named_by_site = " ".join([site.name, *gazetteer().chain_names(site)]) if site else None
    context = " ".join(filter(None, [meta.issuer, meta.title, named_by_site, view.text[:2000]]))
    meta.region_code, meta.region_chain = p.chain(meta.region, context)
    meta.kind = document_kind(meta.wrapped_title) or document_kind(meta.title, meta.is_notice) or p.kind_of_opening()


def parse_metadata(view: TextView, source_name: str, overrides: dict | None = None) -> DocumentMeta:
    """Parse the metadata of one plan; `overrides` (field → value) win over parsed values."""
    given = validate_overrides(dict(overrides or {}), source_name)
    p = _MetadataParser(view, source_name)
    meta = DocumentMeta()

    notice = p.notice()
    meta.is_notice = notice is not None
    meta.wrapped_title = notice[1] if notice else None
    meta.title, meta.title_span = p.title(notice)
    meta.issuer = given["issuer"] if "issuer" in given else p.issuer(notice, meta.title)
    meta.doc_number = p.doc_number(meta.title_span[0] if meta.title_span else None)
    meta.issue_date = p.issue_date()

    if meta.title:
        meta.year = plan_year(meta.title, p.vocab.title_words) or year_of_this_year(meta.title, view.text[:300])
    if meta.year is None and "year" not in given:
        meta.year = p.year_of_opening()
    if meta.year is None and meta.issue_date and "year" not in given:
        meta.year = int(meta.issue_date[:4])
        p.warnings.append(f"{source_name}: plan year {meta.year} taken from the issue date; set 'year' to confirm")

    meta.url = p.source_url()
    region, guessed = p.region(given.get("issuer") or meta.issuer, given.get("title") or meta.title, meta.doc_number,
                               given.get("url") or meta.url)
    meta.region = region
    if guessed and region and "region" not in given:
        p.warnings.append(f"{source_name}: region '{region}' guessed from the text; set 'region' to confirm")

    # the user's values win
    for key, value in given.items():
        setattr(meta, key, value)
    if "title" in given:
        at = view.text.find(given["title"])
        meta.title_span = (at, at + len(given["title"])) if at >= 0 else None
    if "level" not in given:
        meta.level = p.level(meta.region)
    _add_chain_and_kind(p, meta, view)

    for field, what in _REQUIRED_FIELDS:
        if getattr(meta, field) is None:
            p.warnings.append(f"{source_name}: {what} not found; pass --{field} or put '{field}: …' in a "
                              f"{source_name}.meta.yaml sidecar")
    meta.warnings = p.warnings
    return meta


