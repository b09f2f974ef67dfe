"""Target alignment: district targets ALIGNS_WITH the city targets of the same indicator.

Rules (data in loaders/vocab/alignment.yaml):

* Same indicator. Both targets carry the same canonical `indicator` (never
  "unmapped"). Different indicators never align, however many words they share:
  matching on words is the extractor's job and is done once, in the catalogue.
* Compatible units. Both units are in one unit family of the indicator catalogue
  (名/人/位, 家/个/所, 张, 户, %), or are written identically, or are in two count
  families the catalogue counts this indicator in (一键通 users in 户 or 人; the
  share is then marked approximate). A 30% ratio never aligns with a count of 3000.
* Its own city. A district (or county) plan aligns only with documents of the city its
  `region_chain` names (静安区 → 上海市; 鲤城区 → 泉州市, never 厦门市's plans), and a city plan
  only with its own province's (泉州市 → 福建省; a municipality such as 上海市 has none). A document
  loaded without a chain takes the division table's chain for its region's name; a district
  whose city is unknown (a name several places share, a region not in the table) aligns with
  nothing.
* Year-aware. A district plan of year Y aligns with every city document of year Y
  when one is loaded (a work plan and a 民心工程 notice are both aligned);
  otherwise with every city document of the latest earlier year, and the edge is
  `flagged`. A district plan with no city plan of its year or earlier aligns with
  nothing (a later city plan cannot be what it implements).

Each edge says how the two values relate: `share` = district ÷ city for counts,
`gap` = district − city for rates (with `gap_label` above/equal/below).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from policykg.graph.derive.rules import Rules
from policykg.graph.derive.snapshot import Doc, Snapshot, Tgt
from policykg.loaders.divisions import gazetteer
from policykg.loaders.records import EdgeRecord
from policykg.loaders.vocabulary import load_vocab

__all__ = ["CITY", "PROVINCE", "DISTRICT", "BELOW_CITY", "Partner", "upper_level", "parent_regions", "city_partners",
           "uppers_by_region", "uppers_of", "compare_targets", "derive_alignment", "format_number"]

DISTRICT = "district"
# The province and city levels and the levels whose plans implement a city's (district, county): data in
# alignment.yaml.
PROVINCE: str = load_vocab("alignment")["levels"]["province"]
CITY: str = load_vocab("alignment")["levels"]["city"]
BELOW_CITY: tuple[str, ...] = tuple(load_vocab("alignment")["levels"]["below_city"])


@dataclass(frozen=True)
class Partner:
    """A city document a district document is compared with (or a province document a city document is)."""
    city: Doc
    year_gap: int
    flagged: bool      # aligned with an earlier city year: no same-year city plan is loaded


def upper_level(level: str | None) -> str | None:
    """The level whose plans a plan of `level` implements: a district's or county's city, a city's province.

    >>> upper_level("district"), upper_level("county"), upper_level("city"), upper_level("province")
    ('city', 'city', 'province', None)
    """
    if level in BELOW_CITY:
        return CITY
    return PROVINCE if level == CITY else None


def parent_regions(doc: Doc) -> list[str]:
    """The regions a document's region belongs to, nearest first: its `region_chain`, else the
    division table's chain for an unambiguous region name.

    Examples:
        >>> parent_regions(Doc("d", "d", None, None, 2025, "某区", "district", False, ["某市"]))
        ['某市']
        >>> parent_regions(Doc("d", "d", None, None, 2025, "静安区", "district", False))
        ['上海市']
        >>> parent_regions(Doc("d", "d", None, None, 2025, "朝阳区", "district", False))   # 北京 or 长春
        []
    """
    if doc.region_chain:
        return list(doc.region_chain)
    division = gazetteer().resolve(doc.region or "")
    return gazetteer().chain_names(division) if division else []


def city_partners(docs: Iterable[Doc]) -> dict[str, list[Partner]]:
    """For each district (or county) document (by id), its own city's documents of the year it aligns with;
    for each city document, its own province's."""
    docs = list(docs)
    upper_plans: dict[tuple[str, str | None], dict[int, list[Doc]]] = defaultdict(lambda: defaultdict(list))
    for d in docs:
        if d.level in (CITY, PROVINCE) and d.year is not None:
            upper_plans[(d.level, d.region)][d.year].append(d)
    out: dict[str, list[Partner]] = {}
    for d in docs:
        upper = upper_level(d.level)
        if upper is None or d.year is None:
            continue
        by_year: dict[int, list[Doc]] = defaultdict(list)
        for region in dict.fromkeys(parent_regions(d)):
            for year, plans in upper_plans.get((upper, region), {}).items():
                by_year[year].extend(plans)
        if d.year in by_year:
            year, flagged = d.year, False
        else:
            earlier = [y for y in by_year if y < d.year]
            if not earlier:
                continue
            year, flagged = max(earlier), True
        out[d.id] = [Partner(c, d.year - year, flagged) for c in sorted(by_year[year], key=lambda c: c.name)]
    return out


def uppers_by_region(docs: Iterable[Doc]) -> dict[tuple[str | None, str | None], list[Doc]]:
    """The documents by (level, region): what `uppers_of` looks in."""
    out: dict[tuple[str | None, str | None], list[Doc]] = defaultdict(list)
    for d in docs:
        out[(d.level, d.region)].append(d)
    return out


def uppers_of(d: Doc, uppers: dict[tuple[str | None, str | None], list[Doc]]) -> list[Doc]:
    """The plans `d` may be compared with or copy from: its own city's (province's), of any year.

    >>> city = Doc("c", "sh", None, None, 2024, "上海市", "city", False)
    >>> district = Doc("d", "ja", None, None, 2025, "静安区", "district", False, ["上海市"])
    >>> [u.id for u in uppers_of(district, uppers_by_region([city, district]))], uppers_of(city, {})
    (['c'], [])
    """
    level = upper_level(d.level)
    if level is None:
        return []
    return [u for region in dict.fromkeys(parent_regions(d)) for u in uppers.get((level, region), ())]


def compare_targets(district: Tgt, city: Tgt, rules: Rules) -> dict | None:
    """The ALIGNS_WITH properties for two targets, or None when they do not measure the same thing."""
    if not (rules.is_mapped(district.indicator) and rules.is_mapped(city.indicator)):
        return None
    indicator = (district.indicator or "").strip()    # mapped: never None
    if indicator != (city.indicator or "").strip():
        return None
    units = rules.match_units(district.unit, city.unit, indicator)
    if units is None:
        return None

    props: dict = {"share": None, "gap": None, "gap_label": None}
    dv, cv = district.value, city.value
    basis = f"same indicator “{indicator}”; units {district.unit or '?'}/{city.unit or '?'} ({units.family})"
    props["rule"] = f"same-indicator/{units.family}/{units.compare or 'no-arithmetic'}"
    if units.compare == "share" and dv is not None and cv:
        props["share"] = dv / cv
        basis += f"; share {format_number(dv)}/{format_number(cv)} = {dv / cv:.1%}"
    elif units.compare == "gap" and dv is not None and cv is not None:
        gap = dv - cv
        props["gap"] = gap
        props["gap_label"] = "equal" if abs(gap) < rules.gap_equal_tolerance else ("above" if gap > 0 else "below")
        basis += f"; gap {format_number(dv)} − {format_number(cv)} = {gap:+g} points ({props['gap_label']})"
    if units.approximate:
        basis += "; the indicator is counted in both units, so the share is approximate"
    if district.kind and city.kind and district.kind != city.kind:
        # e.g. a cumulative total against a yearly increment: the arithmetic is only indicative.
        basis += f"; kinds differ ({district.kind} vs {city.kind})"
    props["basis"] = basis
    return props


def derive_alignment(snapshot: Snapshot, rules: Rules,
                     partners: dict[str, list[Partner]]) -> tuple[list[EdgeRecord], list[EdgeRecord]]:
    """ALIGNS_WITH edges between targets and IMPLEMENTS edges between documents."""
    by_doc = snapshot.targets_of()
    aligns: list[EdgeRecord] = []
    implements: list[EdgeRecord] = []
    for district_id, plist in sorted(partners.items()):
        district_doc = snapshot.docs[district_id]
        for partner in plist:
            city_targets = by_doc.get(partner.city.id, [])
            addressed: set[str] = set()
            for dt in by_doc.get(district_id, []):
                for ct in city_targets:
                    props = compare_targets(dt, ct, rules)
                    if props is None:
                        continue
                    addressed.add((ct.indicator or "").strip())
                    if partner.flagged:
                        props["basis"] += (f"; compared with the {partner.city.year} city plan because no "
                                           f"{district_doc.year} city plan is loaded")
                    props.update(year_gap=partner.year_gap, flagged=partner.flagged)
                    aligns.append(EdgeRecord("ALIGNS_WITH", "Target", dt.id, "Target", ct.id, props))
            city_indicators = {(t.indicator or "").strip() for t in city_targets if rules.is_mapped(t.indicator)}
            coverage = len(addressed & city_indicators) / len(city_indicators) if city_indicators else None
            implements.append(EdgeRecord("IMPLEMENTS", "Document", district_id, "Document", partner.city.id,
                                         {"coverage": coverage, "year_gap": partner.year_gap}))
    return aligns, implements


def format_number(value: float | None) -> str:
    """A value as a plan writes it: whole numbers without a decimal point, "?" when unknown.

    >>> format_number(600.0), format_number(2.5), format_number(None)
    ('600', '2.5', '?')
    """
    if value is None:
        return "?"
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"
