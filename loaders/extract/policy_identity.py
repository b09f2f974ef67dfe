"""Which cited titles name the same policy document, across all loaded plans.

Plans cite documents loosely: dashes and bracket widths vary, PDFs put spaces inside
titles, an issuer prefix is written in one plan and dropped in another, and a notice
(`关于印发〈X〉的通知`) is cited instead of the document X it issues. `identity_key`
removes the variation that never distinguishes two documents; `resolve_documents`
groups the citations of all plans into documents.

Merge rule (scope evidence), applied to citations whose document keys are equal:

* scope of a citation = an explicit jurisdiction in the title (上海市…, 金山区…, an
  issuer such as 市民政局…, 本市/本区 inside the title, 中华人民共和国…/…法 for national
  law), else the citing context (`Mention.props["scope_hint"]`: 本市/本区 written just
  before the 《, or an issuing verb 出台/制定… that makes the citing plan's government the
  issuer); 本市 resolves to the city of the citing plan, 本区 to the citing district.
  No evidence = unknown scope.
* two known scopes merge only when equal (金山区's 《实施方案》 ≠ 上海市's);
* an unknown scope joins the single known scope of that key only when the title is
  *distinctive* (enough specific words remain after removing jurisdiction, years,
  document type and generic words, see `is_distinctive`); if the key is known under
  several scopes the unknown citation is ambiguous and stays a group of its own;
* unknown with unknown merges when distinctive; a generic title with unknown scope
  (《实施方案》, 《三年行动计划》) is only merged within the plan that cites it.

A notice `关于印发〈X〉的通知` is its own document and *wraps* X: X becomes a group too
(merged with direct citations of X by the same rule), linked by `wraps`/`wrapped_by`.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from policykg.loaders.divisions import gazetteer
from policykg.loaders.vocabulary import alternation, load_vocab, pattern, vocab_path

__all__ = [
    "CITY_HINT", "DISTRICT_HINT", "TITLE_CACHE", "PolicyDocumentGroup", "vocab", "identity_key", "split_issuer", "document_key",
    "unwrap_notice", "title_scope", "city_of", "own_level_word", "resolve_scope", "is_distinctive", "resolve_documents",
    "group_of", "title_core", "is_short_reference", "antecedent",
]

# How a citation says "the citing plan's own city / district"; resolved by `resolve_scope`.
CITY_HINT = "本市"
DISTRICT_HINT = "本区"
# Titles whose keys, scopes and distinctiveness are remembered: the same few hundred titles are cited by
# thousands of plans, and resolving the citations of a graph (or of a reload's title keys) computed each
# again per citation (at 10,000 plans, most of a reload's citation identity). Pure functions of the title
# and the vocabulary, which is read once per process.
TITLE_CACHE = 65_536

# Variation that never tells two documents apart.
_DASHES = "—–―‐‑‒−－~～"
_OPEN_INNER = "<〈＜《‹«"
_CLOSE_INNER = ">〉＞》›»"
_QUOTES = "“”‘’\"'「」『』＂＇"
_KEY_TABLE = str.maketrans(
    {**{c: "-" for c in _DASHES}, **{c: "〈" for c in _OPEN_INNER}, **{c: "〉" for c in _CLOSE_INNER},
     **{c: None for c in _QUOTES}, "・": "·", "•": "·"}
)
_WS = re.compile(r"\s+")
_YEAR = re.compile(f"^(?:{pattern('year')})")
# Any year, also bracketed or without 年 ((2021-2025), 2025度): removed to judge distinctiveness.
_YEARS_ANYWHERE = re.compile(r"[(（]?\d{4}(?:-\d{4})?年?度?[)）]?")


def _wrapping_notice_verbs() -> list[str]:
    """The notice verbs of patterns.yaml by which a cited notice wraps the one document it
    issues: all but `notice_verbs_not_unwrapped` (下发, see patterns.yaml).

    Examples:
        >>> _wrapping_notice_verbs()
        ['印发', '转发']
    """
    patterns = load_vocab("patterns")
    return [v for v in patterns["notice_verbs"] if v not in patterns["notice_verbs_not_unwrapped"]]


# A notice that issues (印发) or forwards (转发) exactly one document; a notice issuing
# several (关于印发〈X〉和〈Y〉的通知) is kept as one document without a wraps edge.
_NOTICE = re.compile(
    rf"^(?:.{{0,40}}?)关于(?:{alternation(_wrapping_notice_verbs())})〈(?P<inner>[^〈〉]+(?:〈[^〈〉]*〉[^〈〉]*)*)〉的通知$")


@dataclass
class PolicyDocumentGroup:
    """One policy document, named by one or more cited titles."""
    id: str                          # stable: hash of key + scope (+ citing source for generic titles)
    key: str                         # document key (identity key, issuer prefix stripped)
    scope: str | None                # 上海市 / 金山区 / 全国 / None (unknown)
    canonical: str                   # the most complete title as written
    variants: list[str]              # every distinct title as written
    sources: list[str]               # plans (file stems) that cite it (directly or through a notice)
    distinctive: bool = True         # title names a particular document even without its jurisdiction
    wraps: str | None = None         # id of the document this notice issues
    wrapped_by: list[str] = field(default_factory=list)   # ids of notices issuing this document
    cited_directly: bool = True      # False: only known as the inner title of a cited notice
    members: list[tuple[str, Any]] = field(default_factory=list)  # (source, Mention) cited as this document


@dataclass
class _Vocab:
    city_of: dict[str, str]                 # region (city or district) -> city
    region_names: list[tuple[str, str]]     # (written form, canonical region), longest first
    national: str
    national_prefixes: tuple[str, ...]
    national_issuers: tuple[str, ...]
    relative_city: tuple[str, ...]
    relative_district: tuple[str, ...]
    issuer_heads: tuple[str, ...]
    issuer_max: int
    issuer_rest_min: int
    doc_types: tuple[str, ...]
    generic_words: tuple[str, ...]
    distinctive_min: int
    self_issue_cues: tuple[str, ...]
    issuing_cues: tuple[str, ...]
    assisting_cues: tuple[str, ...]
    state_name: str
    not_law_endings: tuple[str, ...]


def _by_length(words: list[str] | None) -> tuple[str, ...]:
    """Longest first, so that `str.startswith(words)` / `endswith` can be read as "the longest".

    Examples:
        >>> _by_length(["局", "民政局", "委员会"])
        ('民政局', '委员会', '局')
    """
    return tuple(sorted(words or [], key=len, reverse=True))


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    """citations.yaml's words for titles and scopes, and the regions of regions.yaml, read once."""
    raw = load_vocab("citations")
    regions = load_vocab("regions") if vocab_path("regions").exists() else {}
    city_of: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for city, spec in (raw.get("cities") or regions.get("cities") or {}).items():
        spec = spec or {}
        city_of[city] = city
        names.append((city, city))
        names += [(a, city) for a in spec.get("aliases") or []]
        districts = spec.get("districts") or {}
        if isinstance(districts, list):            # a plain list of names, no aliases
            districts = {d: [] for d in districts}
        for district, aliases in districts.items():
            city_of[district] = city
            names.append((district, district))
            names += [(a, district) for a in aliases or []]
    names.sort(key=lambda n: -len(n[0]))
    return _Vocab(
        city_of=city_of,
        region_names=names,
        national=raw["national_scope"],
        national_prefixes=_by_length(raw.get("national_prefixes")),
        national_issuers=_by_length(raw.get("national_issuers")),
        relative_city=tuple(raw.get("relative_city") or ()),
        relative_district=tuple(raw.get("relative_district") or ()),
        issuer_heads=_by_length(raw.get("issuer_heads")),
        issuer_max=int(raw.get("issuer_max_chars", 30)),
        issuer_rest_min=int(raw.get("issuer_stripped_min_chars", 10)),
        doc_types=_by_length(raw.get("doc_types")),
        generic_words=_by_length(raw.get("generic_modifiers")),
        distinctive_min=int(raw.get("distinctive_min_chars", 6)),
        self_issue_cues=tuple(raw.get("self_issue_cues") or ()),
        issuing_cues=_by_length(raw.get("issuing_cues")),
        assisting_cues=tuple(raw.get("assisting_cues") or ()),
        state_name=raw["state_name"],
        not_law_endings=tuple(raw.get("not_law_endings") or ()),
    )


# ----------------------------------------------------------------------------- keys

@lru_cache(maxsize=TITLE_CACHE)
def identity_key(title: str) -> str:
    """The title with variation that never distinguishes documents removed.

    NFKC (bracket/digit widths), whitespace dropped, dashes → "-", inner title marks
    <> 〈〉 ＜＞ 《》 → 〈〉, quotation marks dropped, outer 《》 removed.

    Examples:
        >>> identity_key("《上海市 养老服务“十四五”规划》"), identity_key("关于印发<X>的通知")
        ('上海市养老服务十四五规划', '关于印发〈X〉的通知')
        >>> identity_key("2021—2025年规划") == identity_key("2021-2025年规划")
        True
    """
    s = unicodedata.normalize("NFKC", title or "")
    s = _WS.sub("", s).translate(_KEY_TABLE)
    if s.startswith("〈") and s.endswith("〉") and s.count("〈") == 1:
        s = s[1:-1]
    return s


def split_issuer(key: str) -> tuple[str | None, str]:
    """(issuer, rest) when the key is `<issuer>关于…` and the rest is long enough; else (None, key).

    Examples:
        >>> split_issuer("上海市民政局关于加强养老服务机构管理的通知")
        ('上海市民政局', '关于加强养老服务机构管理的通知')
        >>> split_issuer("关于加强养老服务机构管理的通知")
        (None, '关于加强养老服务机构管理的通知')
    """
    v = vocab()
    i = key.find("关于")
    if i <= 0 or i > v.issuer_max or len(key) - i < v.issuer_rest_min:
        return None, key
    issuer = key[:i]
    parts = issuer.split("、")
    if all(p and p.endswith(v.issuer_heads) and not re.search(r"[〈〉()\d]", p) for p in parts):
        return issuer, key[i:]
    return None, key


@lru_cache(maxsize=TITLE_CACHE)
def document_key(title: str) -> str:
    """Key under which citations are grouped: identity key without an issuer prefix.

    《中华人民共和国慈善法》 and 《慈善法》 are one law: the state name is dropped before 法.

    Examples:
        >>> document_key("中华人民共和国慈善法"), document_key("市民政局关于加强养老服务机构管理的通知")
        ('慈善法', '关于加强养老服务机构管理的通知')
        >>> document_key("中华人民共和国民法典")
        '中华人民共和国民法典'
    """
    state = vocab().state_name
    key = split_issuer(identity_key(title))[1]
    # the law's own name keeps at least three characters (中华人民共和国民法 stays whole)
    if key.startswith(state) and names_law(key) and len(key) > len(state) + 2:
        key = key[len(state):]
    return key


def names_law(key: str) -> bool:
    """A key ending in 法, not in 办法/方法/做法 (`not_law_endings`): the name of a law.

    Examples:
        >>> names_law("慈善法"), names_law("法")
        (True, True)
        >>> names_law("社会救助暂行办法"), names_law("民法典")
        (False, False)
    """
    return key.endswith("法") and not key.endswith(vocab().not_law_endings)


@lru_cache(maxsize=TITLE_CACHE)
def unwrap_notice(title: str) -> str | None:
    """X when the title is `[issuer]关于印发〈X〉的通知` or `…关于转发〈X〉的通知` (any inner
    title marks; X may itself hold one level of 〈〉), else None. 下发 is no wrapping
    verb (`notice_verbs_not_unwrapped` in patterns.yaml).

    Examples:
        >>> unwrap_notice("市民政局关于印发<养老服务若干措施>的通知")
        '养老服务若干措施'
        >>> unwrap_notice("关于下发《养老服务若干措施》的通知") is None
        True
        >>> unwrap_notice("关于印发〈X〉和〈Y〉的通知") is None
        True
    """
    m = _NOTICE.match(identity_key(title))
    if not m:
        return None
    # Return X as written (not as key): find it between the first opening and last closing mark.
    t = title.strip()
    if t.startswith("《") and t.endswith("》"):
        t = t[1:-1]
    a = min((t.find(c) for c in _OPEN_INNER if c in t), default=-1)
    b = max(t.rfind(c) for c in _CLOSE_INNER)
    return t[a + 1:b].strip() if 0 <= a < b else m.group("inner")


# ----------------------------------------------------------------------------- short references

_TRAILING_QUALIFIER = re.compile(r"[（(][^（）()]*[）)]$")


def title_core(title: str) -> str:
    """The identity key without a bracketed qualifier at its end (（草案）, （2024-2026年）, （试行）).

    Examples:
        >>> title_core("河北省规划纲要（草案）"), title_core("行动方案(2024—2026年)")
        ('河北省规划纲要', '行动方案')
        >>> title_core("区婚姻（收养）登记规定")
        '区婚姻(收养)登记规定'
    """
    key = identity_key(title)
    return _TRAILING_QUALIFIER.sub("", key) or key


def is_short_reference(title: str) -> bool:
    """Rule: a title that is nothing but a document type (《建议》, 《纲要（草案）》, 《方案》,
    《条例》) is a short form that refers to a document named in full elsewhere.

    Examples:
        >>> is_short_reference("纲要（草案）"), is_short_reference("建议")
        (True, True)
        >>> is_short_reference("民营经济促进法")
        False
    """
    return title_core(title) in _document_types()


@lru_cache(maxsize=1)
def _document_types() -> frozenset[str]:
    """Every word a policy document's title may end with (doc_types, law_endings, title_endings)."""
    raw = load_vocab("citations")
    return frozenset(vocab().doc_types) | frozenset(raw.get("law_endings") or ()) | frozenset(raw.get("title_endings") or ())


def antecedent(short: str, earlier: list[str]) -> str | None:
    """The full title a short reference (`is_short_reference`) stands for: the last of the
    titles cited before it whose core ends with the short title's core; None when none does.

    Examples:
        >>> antecedent("纲要（草案）", ["关于制定规划的建议", "河北省规划纲要（草案）"])
        '河北省规划纲要（草案）'
        >>> antecedent("条例", ["河北省规划纲要（草案）"]) is None
        True
    """
    core = title_core(short)
    for title in reversed(earlier):
        full = title_core(title)
        if full != core and full.endswith(core):
            return title
    return None


# ----------------------------------------------------------------------------- scope

def _region_at(s: str) -> str | None:
    """The region `s` starts with (by name or alias); a city followed by one of its
    districts is that district.

    Examples:
        >>> _region_at("上海市长宁区养老服务实施方案"), _region_at("金山养老服务方案")
        ('长宁区', '金山区')
        >>> _region_at("养老服务实施方案") is None
        True
    """
    for name, region in vocab().region_names:
        if s.startswith(name):
            rest = s[len(name):]
            if region == vocab().city_of.get(region) and rest:   # 上海市长宁区… is the district
                sub = _region_at(rest)
                if sub and vocab().city_of.get(sub) == region:
                    return sub
            return region
    return None


@lru_cache(maxsize=TITLE_CACHE)
def title_scope(title: str) -> str | None:
    """Jurisdiction stated by the title itself: a region, 全国, or 本市/本区 (relative).

    Examples:
        >>> title_scope("上海市长宁区养老服务实施方案"), title_scope("慈善法"), title_scope("市民政局关于做好养老服务的通知")
        ('长宁区', '全国', '本市')
        >>> title_scope("实施方案") is None
        True
    """
    v = vocab()
    key = identity_key(title)
    inner = unwrap_notice(title)
    issuer, rest = split_issuer(key)
    if key.startswith(v.national_prefixes) or (issuer and issuer.startswith(v.national_issuers)):
        return v.national
    head = _YEAR.sub("", key)
    region = _region_at(head)
    if region:
        return region
    for words, rel in ((v.relative_city, CITY_HINT), (v.relative_district, DISTRICT_HINT)):
        if head.startswith(words):
            return rel
    if issuer:
        if issuer.startswith("市"):
            return CITY_HINT
        if issuer.startswith("区"):
            return DISTRICT_HINT
    # "关于推进金山区…", "关于加强本市…": the jurisdiction a 关于-title is about is its issuer's.
    m = _about_region_re().match(rest)
    if m and not inner:
        tail = rest[m.end():]
        region = _region_at(tail)
        if region:
            return region
        if tail.startswith(v.relative_city):
            return CITY_HINT
        if tail.startswith(v.relative_district):
            return DISTRICT_HINT
    if inner:
        return title_scope(inner)
    if names_law(key):               # X法 without a jurisdiction is a national law
        return v.national
    return None


@lru_cache(maxsize=1)
def _about_region_re() -> re.Pattern:
    v = vocab()
    words = [n for n, _ in v.region_names] + list(v.relative_city + v.relative_district)
    return re.compile(r"关于.{0,8}?(?=" + "|".join(map(re.escape, words)) + ")")


def city_of(region: str | None) -> str | None:
    """The city a region belongs to (a city is its own), from the divisions; None when unknown
    (a district name that several cities have, without parents to say which).

    Examples:
        >>> city_of("金山区"), city_of("上海市"), city_of("涪陵区"), city_of("西湖区")
        ('上海市', '上海市', '重庆市', None)
    """
    return gazetteer().city_of(region)


def own_level_word(region: str | None, level: str | None = None) -> str | None:
    """本市 or 本区: how the citing plan refers to its own jurisdiction (None if unknown).

    Examples:
        >>> own_level_word("上海市"), own_level_word("金山区"), own_level_word(None, "district")
        ('本市', '本区', '本区')
        >>> own_level_word(None) is None
        True
    """
    if level == "city" or (region and city_of(region) == region):
        return CITY_HINT
    if level == "district" or (region and city_of(region) not in (None, region)):
        return DISTRICT_HINT
    return None


def resolve_scope(hint: str | None, citing_region: str | None) -> str | None:
    """A concrete jurisdiction: 本市 → the citing plan's city, 本区 → the citing district.

    Examples:
        >>> resolve_scope("本市", "金山区"), resolve_scope("本区", "金山区"), resolve_scope("全国", "金山区")
        ('上海市', '金山区', '全国')
        >>> resolve_scope("本区", "上海市") is None
        True
    """
    if not hint:
        return None
    if hint == CITY_HINT:
        return city_of(citing_region)
    if hint == DISTRICT_HINT:
        if citing_region and city_of(citing_region) not in (None, citing_region):
            return citing_region
        return None
    return hint


@lru_cache(maxsize=TITLE_CACHE)
def is_distinctive(title: str) -> bool:
    """True when the title names a particular document even without its jurisdiction.

    Jurisdiction words, years, document-type endings and generic modifiers are removed;
    at least `distinctive_min_chars` characters must remain (《实施方案》 → 0,
    《关于民政部门履行遗产管理人职责…的若干意见》 → many).

    Examples:
        >>> is_distinctive("关于民政部门履行遗产管理人职责的若干意见")
        True
        >>> is_distinctive("金山区2025年实施方案")
        False
    """
    v = vocab()
    s = document_key(title)
    inner = unwrap_notice(s)
    if inner:
        s = document_key(inner)
    s = _YEARS_ANYWHERE.sub("", s)
    for name, _ in v.region_names:
        s = s.replace(name, "")
    for w in v.relative_city + v.relative_district:
        s = s.replace(w, "")
    for dt in v.doc_types:
        if s.endswith(dt):
            s = s[: -len(dt)]
            break
    for w in v.generic_words:
        s = s.replace(w, "")
    s = re.sub(r"[^\w]", "", s)
    return len(s) >= v.distinctive_min


# ----------------------------------------------------------------------------- grouping

def _stable_id(*parts: str | None) -> str:
    return "doc:" + hashlib.sha1("|".join(p or "" for p in parts).encode("utf-8")).hexdigest()[:16]


@dataclass
class _Member:
    source: str
    mention: Any | None      # None for the inner title of a cited notice
    title: str
    key: str
    scope: str | None
    distinctive: bool
    notice_of: _Member | None = None   # set on inner members: the notice member
    group: str = ""                    # the id of the group it joined (set by _put)


def _member(source: str, mention: Any | None, title: str, hint: str | None, region: str | None) -> _Member:
    scope = resolve_scope(title_scope(title) or hint, region)
    return _Member(source, mention, title, document_key(title), scope, is_distinctive(title))


def resolve_documents(citations: Iterable[tuple[str, Any]]) -> list[PolicyDocumentGroup]:
    """Group (source, Mention) citations of all loaded plans into documents (see module doc)."""
    members = _members(citations)
    by_key: dict[str, list[_Member]] = {}
    for mb in members:
        by_key.setdefault(mb.key, []).append(mb)

    groups: dict[str, PolicyDocumentGroup] = {}
    for key, mbs in by_key.items():
        known = sorted({mb.scope for mb in mbs if mb.scope})
        for mb in mbs:
            scope, id_extra = _merge_scope(mb, known)
            _put(groups, mb, key, scope, *id_extra)
    _link_notices(members, groups)
    for g in groups.values():
        # _put appends every title and source; kept once each here (a title cited by thousands of plans
        # made a membership test per citation quadratic).
        g.variants, g.sources = sorted(set(g.variants)), sorted(set(g.sources))
        # Most complete variant: longest key (issuer written out), then fewest spaces, then text.
        g.canonical = min(g.variants, key=lambda t: (-len(identity_key(t)), len(_WS.findall(t)), t))
        g.wrapped_by.sort()
    return sorted(groups.values(), key=lambda g: g.id)


def _members(citations: Iterable[tuple[str, Any]]) -> list[_Member]:
    """A member per citation, and one per document a cited notice wraps (a notice
    forwarding a notice wraps a notice: one per level)."""
    members: list[_Member] = []
    cited: dict[str, list[_Member]] = {}     # per source, its direct citations in order
    for source, m in citations:
        props = getattr(m, "props", None) or {}
        title = props.get("title") or m.written
        region = props.get("citing_region")
        outer = _member(source, m, title, props.get("scope_hint"), region)
        _join_antecedent(outer, cited.setdefault(source, []))
        members.append(outer)
        hint = title_scope(title) or props.get("scope_hint")
        inner_title = props.get("wraps") or unwrap_notice(title)
        while inner_title:
            # The inner document inherits the notice's scope when its own title states none.
            inner = _member(source, None, inner_title, hint, region)
            inner.notice_of = outer
            members.append(inner)
            hint = title_scope(inner_title) or hint
            outer, inner_title = inner, unwrap_notice(inner_title)
    return members


def _join_antecedent(member: _Member, earlier: list[_Member]) -> None:
    """A short reference (《纲要（草案）》) is the document of its antecedent cited before it
    in the same plan: it takes that one's key, scope and distinctiveness (its title stays
    a variant, so the group's canonical title is the full one)."""
    if is_short_reference(member.title):
        full = antecedent(member.title, [mb.title for mb in earlier])
        if full is not None:
            found = next(mb for mb in reversed(earlier) if mb.title == full)
            member.key, member.scope, member.distinctive = found.key, found.scope, found.distinctive
    earlier.append(member)


def _merge_scope(mb: _Member, known: list[str]) -> tuple[str | None, tuple[str, ...]]:
    """The merge rule: (scope, extra id parts) of the group a member joins, given the
    known scopes of its key.

    Examples:
        >>> m = _Member("jinshan-2025", None, "实施方案", "实施方案", None, distinctive=False)
        >>> _merge_scope(m, ["上海市"])          # generic, unknown scope: only within its plan
        (None, ('cited-by', 'jinshan-2025'))
        >>> m = _Member("jinshan-2025", None, "养老服务条例", "养老服务条例", None, distinctive=True)
        >>> _merge_scope(m, ["上海市"]), _merge_scope(m, ["上海市", "金山区"])
        (('上海市', ()), (None, ()))
    """
    if mb.scope:
        return mb.scope, ()
    if not mb.distinctive:
        return None, ("cited-by", mb.source)
    if len(known) == 1:
        return known[0], ()
    return None, ()


def _put(groups: dict[str, PolicyDocumentGroup], mb: _Member, key: str, scope: str | None, *id_extra: str) -> None:
    """Add `mb` to the group of (key, scope, *id_extra), made when it is the first."""
    gid = _stable_id(key, scope, *id_extra)
    g = groups.get(gid)
    if g is None:
        g = groups[gid] = PolicyDocumentGroup(gid, key, scope, "", [], [], distinctive=mb.distinctive,
                                              cited_directly=False)
    mb.group = gid
    g.variants.append(mb.title)          # duplicates dropped once the groups are complete
    g.sources.append(mb.source)
    if mb.mention is not None:
        g.cited_directly = True
        g.members.append((mb.source, mb.mention))


def _link_notices(members: list[_Member], groups: dict[str, PolicyDocumentGroup]) -> None:
    """A notice's group `wraps` the group of the document it issues, which is `wrapped_by` it."""
    for mb in members:
        if mb.notice_of is not None:
            notice, issued = groups[mb.notice_of.group], groups[mb.group]
            notice.wraps = issued.id
            if notice.id not in issued.wrapped_by:
                issued.wrapped_by.append(notice.id)


def group_of(groups: list[PolicyDocumentGroup], source: str, title: str) -> PolicyDocumentGroup | None:
    """The group that holds `title` as cited by `source` (directly or as a notice's inner title)."""
    for g in groups:
        if source in g.sources and title in g.variants:
            return g
    return None
