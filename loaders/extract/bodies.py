"""Government bodies: what a name is (`classify_body`), where a plan names one
(`extract_bodies`), and who owns a task nobody was assigned to (`infer_owners`).

Names are scoped to regions. A plan writes bodies relative to itself: in a 金山区 plan
`局养老服务科` is a section of 金山区民政局, `区老龄办` is 金山区's office, `市科委` is the
city's commission. `classify_body(name, region)` resolves that to a key
`"{region}:{canonical name}"` (`金山区:金山区民政局养老服务科`), so the same body cited by
two plans of one district is one node, and two districts' 局养老服务科 are two.

Finding bodies in text: a spaCy component (`add_to_pipeline`) marks candidate names in
`doc.spans["bodies"]` (label `Department`): a scope prefix (区/市/局/县/镇, a full
region name, 全国) + name characters + a kind suffix (科/中心/局/联席会议 …), plus a
few exact names and coordination bodies after a verb. The candidates are found with
regular expressions over the Doc's text compiled from vocab/bodies.yaml rather than
with a token Matcher: on the `char` segmenter every character is a token, and Matcher
patterns with a variable-length name (`OP: "*"` / `{1,16}`) ran at 0.9M resp. 650
chars/s here, against 5–10M chars/s for this scan, which keeps the component small
next to tokenisation. Names inside 《》 titles and inside owner annotations
(`（牵头领导：…，责任部门：…）`, which are explicit owners) are not mentions.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from policykg.loaders.annotations import owner_label_pattern, punctuation
from policykg.loaders.divisions import gazetteer
from policykg.loaders.extract.citations import TaskLocator, find_titles
from policykg.loaders.model import Mention, OwnerMention, ParsedDocument
from policykg.loaders.themes import owning_section, section_themes, task_theme
from policykg.loaders.vocabulary import alternation, load_vocab

if TYPE_CHECKING:   # the types only: spaCy is imported where its objects are built (extract.components)
    from spacy.language import Language

__all__ = [
    "SPAN_KEY", "LABEL", "COMPONENT", "UNKNOWN_REGION", "BodyInfo", "level_of", "city_of", "bureau_name",
    "normalise_name", "is_generic", "classify_body", "leader_key", "find_body_spans", "add_to_pipeline",
    "extract_bodies", "infer_owners",
]

SPAN_KEY = "bodies"
LABEL = "Department"
COMPONENT = "policykg_bodies"
UNKNOWN_REGION = "?"
_HAN = (0x4E00, 0x9FFF)


@dataclass(frozen=True)
class BodyInfo:
    key: str                  # "{region}:{canonical}" — one node per body
    name: str                 # the name as written, whitespace removed, full-width brackets
    kind: str                 # section | unit | agency | coordination | generic | other
    generic: bool
    region: str | None        # the region the body belongs to (全国 for national bodies)
    parent_key: str | None    # the civil-affairs bureau a section or unit is PART_OF
    canonical: str = ""       # full name with the scope spelt out (金山区民政局养老服务科)


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Regions:
    levels: dict              # full region name → city | district
    city_of: dict             # district → its city
    not_regions: tuple        # words ending like a region that are not one (社区, 本市)
    suffix_levels: tuple      # (suffix, city | district | town), as regions.yaml orders them


@lru_cache(maxsize=1)
def _regions() -> _Regions:
    reg = load_vocab("regions")
    levels, city_of = {}, {}
    for city, spec in (reg.get("cities") or {}).items():
        levels[city] = "city"
        for district in (spec.get("districts") or {}):
            levels[district] = "district"
            city_of[district] = city
    # Suffixes of level `unknown` (自治区, 省) are passed over: a body's region is read by
    # the suffixes that have a level (…自治区 ends in 区, a district, as bodies always read it).
    suffix_levels = tuple((suffix, level) for suffix, level in reg["suffixes"].items() if level != "unknown")
    return _Regions(levels, city_of, tuple(reg.get("not_regions") or ()), suffix_levels)


def _han_class(excluded: str) -> str:
    """A regex character class of the CJK unified ideographs without `excluded`.

    Examples:
        >>> rx = re.compile(_han_class("和与"))
        >>> bool(rx.match("民")), bool(rx.match("和")), bool(rx.match("a"))
        (True, False, False)
    """
    parts, start = [], _HAN[0]
    for cp in sorted({ord(c) for c in excluded if _HAN[0] <= ord(c) <= _HAN[1]}):
        if cp > start:
            parts.append(f"\\u{start:04x}-\\u{cp - 1:04x}")
        start = cp + 1
    if start <= _HAN[1]:
        parts.append(f"\\u{start:04x}-\\u{_HAN[1]:04x}")
    return "[" + "".join(parts) + "]"


def level_of(region: str | None) -> str | None:
    """city | district | town for a full region name (gazetteer first, then its suffix).

    Examples:
        >>> level_of("上海市"), level_of("西湖区"), level_of("朱泾镇"), level_of("杭州市")
        ('city', 'district', 'town', 'city')
        >>> level_of("浙江省") is None
        True
    """
    if not region:
        return None
    regions = _regions()
    known = regions.levels.get(region)
    if known:
        return known
    for suffix, level in regions.suffix_levels:
        if region.endswith(suffix):
            return level
    return None


def city_of(region: str | None, chain: tuple[str, ...] = ()) -> str | None:
    """The city of a plan's region (the region itself for a city), read from the plan's parents
    (`chain`, nearest first) or the divisions; None when unknown — 市 in a plan whose city is unknown
    names no city, rather than a default one.

    Examples:
        >>> city_of("金山区"), city_of("杭州市"), city_of("鼓楼区", ("南京市", "江苏省")), city_of(None)
        ('上海市', '杭州市', '南京市', None)
    """
    return gazetteer().city_of(region, chain)


def bureau_name(region: str) -> str:
    """The civil-affairs bureau of `region`.

    Examples:
        >>> bureau_name("金山区")
        '金山区民政局'
    """
    return load_vocab("bodies")["bureau"].format(region=region)


# --------------------------------------------------------------------------- classification


def normalise_name(name: str) -> str:
    """Whitespace removed, half-width brackets made full-width.

    Examples:
        >>> normalise_name("区 残联(筹)")
        '区残联（筹）'
    """
    return re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")


def is_generic(name: str) -> bool:
    """A collective owner, not one body (各街镇, 相关部门).

    Examples:
        >>> is_generic("各街镇"), is_generic("区民政局")
        (True, False)
    """
    generic = load_vocab("bodies")["generic"]
    return name in generic["phrases"] or any(m in name for m in generic["markers"])


def _ends_with(name: str, endings) -> str | None:
    """The longest of `endings` that `name` ends with, else None.

    Examples:
        >>> _ends_with("养老服务中心", ["中心", "服务中心"]), _ends_with("养老服务", ["中心"])
        ('服务中心', None)
    """
    best = None
    for e in endings:
        if name.endswith(e) and (best is None or len(e) > len(best)):
            best = e
    return best


def _kind_of(stem: str, in_bureau: bool) -> str:
    """Kind of a body from its name without the scope prefix.

    Examples:
        >>> _kind_of("养老服务科", True), _kind_of("卫健委", False), _kind_of("联席会议办公室", False)
        ('section', 'agency', 'coordination')
        >>> _kind_of("养老服务", False)
        'other'
    """
    v = load_vocab("bodies")
    if _ends_with(stem, v["agency_committees"]) or _ends_with(stem, v["agency_institutions"]):
        return "agency"
    if _ends_with(stem, v["coordination_committees"]):
        return "coordination"
    # An office attached to a coordination body is part of it (联席会议办公室).
    office = _ends_with(stem, v["attached_offices"])
    core = stem[: -len(office)] if office else stem
    if _ends_with(core, v["suffixes"]["coordination"]):
        return "coordination"
    best_kind, best_len = None, 0
    for kind, endings in v["suffixes"].items():
        e = _ends_with(stem, endings)
        if e and len(e) > best_len:
            best_kind, best_len = kind, len(e)
    if best_kind is None:
        return "other"
    if in_bureau and best_kind == "agency":
        return "section"          # 局机关党委, 局办: parts of the bureau itself
    if best_kind == "section" and not in_bureau and stem.endswith("办公室") and len(stem) > len("办公室"):
        return "agency"           # 区卫健委办公室: another agency's office
    return best_kind


def _split_scope(name: str, region: str | None, chain: tuple[str, ...] = ()) -> tuple[str | None, str, str | None, bool]:
    """(scope region, stem, written region prefix, bureau-relative?) of a normalised name in a plan
    of `region` (whose parents are `chain`).

    Examples:
        >>> _split_scope("上海市金山区民政局", None), _split_scope("局办公室", "金山区")
        (('金山区', '民政局', '金山区', False), ('金山区', '办公室', None, True))
        >>> _split_scope("区老龄办", None)     # 区 in a plan of unknown region: scope unknown
        (None, '老龄办', None, False)
    """
    v = load_vocab("bodies")
    regions = _regions()
    for prefix in v["national_prefixes"]:
        if name.startswith(prefix):
            return v["national_region"], name[len(prefix):], prefix, False
    if name in v["exact_names"]["national"]:
        return v["national_region"], name, None, False
    written_region, rest = None, name
    while True:      # 上海市金山区民政局: the innermost region named wins
        known = [r for r in [*regions.levels, region or ""] if r and rest.startswith(r)]
        if not known:
            break
        written_region = max(known, key=len)
        rest = rest[len(written_region):]
    if written_region:
        return written_region, rest, written_region, False
    scope = v["scope_prefixes"].get(name[:1])
    if scope and len(name) > 1:
        level = level_of(region)
        stem = name[1:]
        if scope == "city":
            return city_of(region, chain), stem, None, False
        if scope == "bureau":
            return region, stem, None, True
        if scope == "district":
            return (region if level == "district" else None), stem, None, False
        if scope == "town":
            return (region if level == "town" else None), stem, None, False
    return region, name, None, False


@lru_cache(maxsize=4096)
def classify_body(name: str, region: str | None = None, chain: tuple[str, ...] = ()) -> BodyInfo:
    """What a body named `name` in a plan of `region` is, and its region-scoped key.

    `region` is the citing plan's region (金山区, 上海市, or None when unknown), `chain` its parents
    (nearest first: 南京市, 江苏省), which say which city 市 means.

    Examples:
        >>> classify_body("局养老服务科", "金山区").key
        '金山区:金山区民政局养老服务科'
        >>> b = classify_body("市科委", "金山区")
        >>> b.key, b.kind, b.parent_key
        ('上海市:上海市科委', 'agency', None)
    """
    v = load_vocab("bodies")
    written = normalise_name(name)
    full = normalise_name(v["aliases"].get(written, written))
    if is_generic(full):
        return _generic_body(written, full, gazetteer().qualified_name(region, chain) if region else None)

    scope, stem, written_region, in_bureau = _split_scope(full, region, chain)
    own = gazetteer().qualified_name(region, chain) if region else None
    if region and scope == region:
        scope = own               # 南京市鼓楼区, not 鼓楼区: the keys of two cities' 鼓楼区 differ
    bureau_stem = v["bureau_stem"]
    if stem == bureau_stem:
        return _the_bureau(written, full, scope)
    if stem.startswith(bureau_stem) and len(stem) > len(bureau_stem):
        stem, in_bureau = stem[len(bureau_stem):], True          # 金山区民政局养老服务科

    bare = written_region is None and scope == own and full == stem   # no prefix at all
    kind = _kind_of(stem, in_bureau or (bare and _ends_with(stem, v["suffixes"]["section"]) is not None))
    if full in v["exact_names"]["agency"]:
        kind = "agency"
    canonical = _canonical_name(full, scope, stem, in_bureau or (bare and kind == "section"))
    parent = _bureau_of(scope, kind, stem, in_bureau)
    return BodyInfo(f"{scope or UNKNOWN_REGION}:{canonical}", written, kind, False, scope, parent, canonical)


def _generic_body(written: str, full: str, region: str | None) -> BodyInfo:
    """A collective owner (各科室, 局属单位), part of the bureau when it says so.

    Examples:
        >>> _generic_body("局属单位", "局属单位", "金山区").parent_key
        '金山区:金山区民政局'
        >>> _generic_body("各街镇", "各街镇", "金山区").parent_key is None
        True
    """
    v = load_vocab("bodies")
    in_bureau = any(c in full for c in v["generic"]["bureau_cues"]) or v["scope_prefixes"].get(full[:1]) == "bureau"
    parent = f"{region}:{bureau_name(region)}" if region and in_bureau else None
    return BodyInfo(f"{region or UNKNOWN_REGION}:{full}", written, "generic", True, region, parent, full)


def _the_bureau(written: str, full: str, scope: str | None) -> BodyInfo:
    """The civil-affairs bureau itself (区民政局 → 金山区民政局), an agency.

    Examples:
        >>> _the_bureau("区民政局", "区民政局", "金山区").key
        '金山区:金山区民政局'
        >>> _the_bureau("区民政局", "区民政局", None).key
        '?:区民政局'
    """
    canonical = bureau_name(scope) if scope else full
    return BodyInfo(f"{scope or UNKNOWN_REGION}:{canonical}", written, "agency", False, scope, None, canonical)


def _canonical_name(full: str, scope: str | None, stem: str, of_bureau: bool) -> str:
    """The full name with the scope spelt out: a part of the bureau under the bureau's name
    (金山区民政局养老服务科), another body under its region's (上海市科委); national bodies
    and bodies of unknown scope as written.

    Examples:
        >>> _canonical_name("局养老服务科", "金山区", "养老服务科", True)
        '金山区民政局养老服务科'
        >>> _canonical_name("市科委", "上海市", "科委", False), _canonical_name("民政部", "全国", "民政部", False)
        ('上海市科委', '民政部')
    """
    if scope is None or scope == load_vocab("bodies")["national_region"]:
        return full
    if of_bureau:
        return bureau_name(scope) + stem
    return scope + stem


def _bureau_of(scope: str | None, kind: str, stem: str, in_bureau: bool) -> str | None:
    """The key of the bureau a body is PART_OF: every section; a unit written as the bureau's
    or named for civil affairs (`civil_affairs_cues`); nothing national or of unknown scope.

    Examples:
        >>> _bureau_of("金山区", "section", "养老服务科", True)
        '金山区:金山区民政局'
        >>> _bureau_of("金山区", "agency", "卫健委", False) is None
        True
    """
    v = load_vocab("bodies")
    if not scope or scope == v["national_region"]:
        return None
    if kind == "section" or (kind == "unit" and (in_bureau or any(c in stem for c in v["civil_affairs_cues"]))):
        return f"{scope}:{bureau_name(scope)}"
    return None


def leader_key(name: str, region: str | None) -> str:
    """Region-scoped key of a leader: the same name in two districts is two people.

    Examples:
        >>> leader_key("邢 扬", "金山区"), leader_key("邢扬", None)
        ('金山区:邢扬', '?:邢扬')
    """
    return f"{region or UNKNOWN_REGION}:{normalise_name(name)}"


# --------------------------------------------------------------------------- finding names in text


@dataclass(frozen=True)
class _Finder:
    prefix: re.Pattern          # a scope prefix (full region names first)
    name: re.Pattern            # name characters + kind suffix, lazily: the shortest name
    office: re.Pattern          # an attached office right after a body (办公室, 办)
    exact: re.Pattern           # exact names and aliases
    unprefixed: re.Pattern      # verb + coordination body
    word_endings: dict          # prefix char → {length: words ending in it that are not prefixes}
    false_starts: tuple
    true_starts: tuple
    conjunctions: str
    org_endings: tuple
    single_prefixes: frozenset
    national_prefixes: frozenset
    national_min_chars: int


def _suffix_alternation(names, continuations: dict) -> str:
    """Alternation of `names`, longest first, each refusing to end where its ending goes
    on into a longer word (办 + 法, 部 + 门: `民政部门` is not 民政部).

    Examples:
        >>> rx = re.compile(_suffix_alternation(["部", "办"], {"部": ["门"], "办": ["法"]}))
        >>> rx.match("部").group(), rx.match("部门") is None
        ('部', True)
    """
    parts = []
    for name in sorted(set(names), key=len, reverse=True):
        ending = _ends_with(name, continuations)
        cont = continuations[ending] if ending else None
        parts.append(re.escape(name) + (f"(?![{re.escape(''.join(cont))}])" if cont else ""))
    return "|".join(parts)


@lru_cache(maxsize=1)
def _finder() -> _Finder:
    v = load_vocab("bodies")
    x = v["extraction"]
    regions = _regions()
    han = _han_class(x["stop_chars"])
    cont = x["suffix_continuations"]
    all_suffixes = [s for group in v["suffixes"].values() for s in group]
    name_piece = f"(?:{han}|（{han}{{1,{x['max_bracket_chars']}}}）)"
    bare = alternation(x["bare_suffixes"])
    singles = list(v["scope_prefixes"])
    prefix = re.compile(f"(?:{alternation(list(regions.levels) + v['national_prefixes'])})|[{''.join(singles)}]")
    name = re.compile(f"(?:{bare})|{name_piece}{{1,{x['max_name_chars']}}}?(?:{_suffix_alternation(all_suffixes, cont)})")
    office = re.compile(f"(?:{_suffix_alternation(v['attached_offices'], cont)})")
    exact = re.compile(_suffix_alternation(set(v["exact_names"]["agency"]) | set(v["aliases"]), cont))
    u = x["unprefixed_coordination"]
    unprefixed = re.compile(
        f"(?:{alternation(u['after'])})({name_piece}{{2,{u['max_name_chars']}}}?(?:{alternation(u['suffixes'])}))")
    word_endings: dict[str, dict[int, set[str]]] = {}
    for w in set(regions.not_regions) | set(x["prefix_word_endings"]):
        if len(w) > 1 and w[-1] in v["scope_prefixes"]:
            word_endings.setdefault(w[-1], {}).setdefault(len(w), set()).add(w)
    return _Finder(prefix, name, office, exact, unprefixed, word_endings,
                   tuple(x["false_starts"]), tuple(x["true_starts"]),
                   "".join(x["conjunctions"]), tuple(x["org_endings"]),
                   frozenset(singles),
                   frozenset(v["national_prefixes"]), x["national_min_chars"])


def _bad_conjunction(name: str, f: _Finder) -> bool:
    """`区社联会和社会组织服务中心`: a conjunction after an organisation-like word joins two bodies.

    Examples:
        >>> _bad_conjunction("社联会和社会组织服务中心", _finder()), _bad_conjunction("婚姻和家庭服务中心", _finder())
        (True, False)
    """
    for i, ch in enumerate(name):
        if ch in f.conjunctions and name[:i].endswith(f.org_endings):
            return True
    return False


def _prefix_ok(text: str, p: int, prefix: str, f: _Finder) -> bool:
    """A one-character prefix must not end an ordinary word (社区, 本市, 布局, 街镇).

    Examples:
        >>> _prefix_ok("配合区民政局", 2, "区", _finder()), _prefix_ok("各社区老年协会", 2, "区", _finder())
        (True, False)
    """
    if prefix in f.single_prefixes:
        for length, words in f.word_endings.get(prefix, {}).items():
            if p + 1 >= length and text[p + 1 - length:p + 1] in words:
                return False
    return True


def _start_ok(candidate: str, f: _Finder) -> bool:
    """A name must not start like an ordinary word (市场…, 区域…), unless it goes on as a body does (市民政局).

    Examples:
        >>> _start_ok("市民政局", _finder()), _start_ok("区老龄办", _finder())
        (True, True)
        >>> _start_ok("市民服务中心", _finder()), _start_ok("区域养老服务中心", _finder())
        (False, False)
    """
    return not candidate.startswith(f.false_starts) or candidate.startswith(f.true_starts)


def find_body_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of body names in `text` (no overlaps, in order).

    Names inside book-title marks and inside owner annotations are left out.

    Examples:
        >>> text = "配合市民政局，落实《区民政局工作规则》（责任部门：局办公室）"
        >>> [text[s:e] for s, e in find_body_spans(text)]
        ['市民政局']
    """
    f = _finder()
    candidates: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = f.prefix.search(text, pos)
        if m is None:
            break
        p, q = m.start(), m.end()
        pos = p + 1
        if not _prefix_ok(text, p, m.group(), f):
            continue
        n = f.name.match(text, q)
        if n is None:
            continue
        end = n.end()
        body = text[p:end]
        if not _start_ok(body, f) or _bad_conjunction(text[q:end], f):
            continue
        if m.group() in f.national_prefixes and end - q < f.national_min_chars:
            continue                   # 全国通办 is a slogan, 全国老龄办 a body
        o = f.office.match(text, end)
        if o is not None:
            end = o.end()
        candidates.append((p, end))
    for m in f.exact.finditer(text):
        if _prefix_ok(text, m.start(), m.group()[:1], f):
            o = f.office.match(text, m.end())
            candidates.append((m.start(), o.end() if o else m.end()))
    for m in f.unprefixed.finditer(text):
        if not _bad_conjunction(m.group(1), f):
            candidates.append(m.span(1))
    zones = _excluded_zones(text)
    starts = [z[0] for z in zones]
    out: list[tuple[int, int]] = []
    # Longest first among names starting at one place; a name starting inside an
    # earlier one is part of it (市民政局统一部署 is not also 局统一部署).
    for s, e in sorted(set(candidates), key=lambda c: (c[0], -c[1])):
        if (out and s < out[-1][1]) or _in_zone(s, e, zones, starts):
            continue
        out.append((s, e))
    return out


def _in_zone(s: int, e: int, zones: list[tuple[int, int]], starts: list[int]) -> bool:
    """text[s:e] overlaps one of the sorted, disjoint `zones` (`starts`: their starts).

    Examples:
        >>> _in_zone(5, 8, [(0, 6), (10, 12)], [0, 10]), _in_zone(6, 10, [(0, 6), (10, 12)], [0, 10])
        (True, False)
    """
    i = bisect.bisect_right(starts, s) - 1
    return (i >= 0 and zones[i][1] > s) or (i + 1 < len(zones) and zones[i + 1][0] < e)


def _excluded_zones(text: str) -> list[tuple[int, int]]:
    """Cited titles (《…》) and owner annotations, merged and sorted.

    Examples:
        >>> _excluded_zones("落实《区民政局规则》（责任部门：局办公室）")
        [(2, 10), (11, 20)]
    """
    zones = sorted([*find_titles(text), *_annotation_zones(text)])
    merged: list[tuple[int, int]] = []
    for s, e in zones:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _annotation_zones(text: str) -> list[tuple[int, int]]:
    """From an owner label (`牵头领导：`) to the bracket that closes its annotation, or to the
    end of the sentence when it is not bracketed. Labels come from vocab/owners.yaml."""
    punct = punctuation()
    allowed = set(load_vocab("owners")["label_preceded_by"]) | set(punct.closer_of) | {"\n"}
    zones = []
    for m in owner_label_pattern().finditer(text):
        if m.start() > 0 and text[m.start() - 1] not in allowed:
            continue
        depth, i = 0, m.end()
        while i < len(text):
            ch = text[i]
            if ch in punct.closer_of:
                depth += 1
            elif ch in punct.closers:
                if depth == 0:
                    break
                depth -= 1
            elif ch == "\n" or (ch == "。" and depth == 0):
                break
            i += 1
        zones.append((m.start(), i))
    return zones


# --------------------------------------------------------------------------- spaCy


def add_to_pipeline(nlp: Language) -> None:
    """Add the component `policykg_bodies` to `nlp` (once): it sets `doc.spans["bodies"]` from
    `find_body_spans` (registered with spaCy by `policykg.loaders.extract.components`)."""
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT)


def extract_bodies(doc, parsed: ParsedDocument) -> list[Mention]:
    """Bodies named in the text (not generic phrases, not explicit owners), linked to the
    innermost task whose span contains them."""
    region = parsed.meta.region
    text = parsed.view.text
    locate = TaskLocator(parsed.tasks)
    if doc is not None and SPAN_KEY in doc.spans:
        spans = [(sp.start_char, sp.end_char) for sp in doc.spans[SPAN_KEY]]
    else:
        spans = find_body_spans(text)
    owner_spans = sorted(o.span for o in parsed.owners if not o.inferred)
    mentions = []
    for s, e in spans:
        if any(os < e and s < oe for os, oe in owner_spans):
            continue
        written = text[s:e]
        body = classify_body(written, region, tuple(parsed.meta.region_chain))
        if body.generic:
            continue
        mentions.append(Mention(
            task=locate(s, e), label=LABEL, name=body.name, written=written, span=(s, e),
            props={"kind": body.kind, "generic": body.generic, "region": body.region,
                   "key": body.key, "parent_key": body.parent_key}))
    return mentions


# --------------------------------------------------------------------------- inferred owners


def infer_owners(parsed: ParsedDocument) -> list[OwnerMention]:
    """A department owner for every task without an explicit one: the bureau section that
    usually owns the task's theme (vocab/themes.yaml `owners`).

    The theme is the task's own (`task.theme` when the pipeline set it, else its text
    read with its section's theme as a tie-breaker), else its section's. Explicit
    department owners always win.
    """
    explicit = {o.task for o in parsed.owners if o.role == "department" and not o.inferred}
    level = parsed.meta.level or level_of(parsed.meta.region)
    region = parsed.meta.region
    by_section = section_themes(parsed.sections)
    text = parsed.view.text
    out = []
    for task in parsed.tasks:
        if task.path in explicit:
            continue
        section_theme = by_section.get(task.section) if task.section else None
        theme = getattr(task, "theme", None) or task_theme(text[task.span[0]:task.span[1]], section_theme)
        section = owning_section(theme, level) if theme else None
        if section is None:
            continue
        name = bureau_name(region) + section if region else section
        out.append(OwnerMention(
            task=task.path, role="department", name=name, written=section, column="", span=task.span,
            generic=False, inferred=True, rule=f"theme:{theme}→{section}", kind="section"))
    return out
