"""Target alignment: district targets ALIGNS_WITH the city targets of the same indicator.

Rules (data in loaders/vocab/alignment.yaml):

* Same indicator. Both targets carry the same canonical `indicator` (never
  "unmapped"). Different indicators never align, however many words they share:
  matching on words is the extractor's job and is done once, in the catalogue.
* Compatible units. Both units are in one unit family of the indicator catalogue
  (名/人/位, 家/个/所, 张, 户, %), or are written identically, or are in two count
  families the catalogue counts this indicator in (一键通 users in 户 or 人; the
  share is then marked approximate). A 30% ratio never aligns with a count of 3000.
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
from policykg.graph.store import GraphStore
from policykg.loaders.records import EdgeRecord

CITY, DISTRICT = "city", "district"


@dataclass(frozen=True)
class Partner:
    """A city document a district document is compared with."""
    city: Doc
    year_gap: int
    flagged: bool      # aligned with an earlier city year: no same-year city plan is loaded


def city_partners(docs: Iterable[Doc]) -> dict[str, list[Partner]]:
    """For each district document (by id), the city documents of the year it aligns with."""
    docs = list(docs)
    city_years: dict[int, list[Doc]] = defaultdict(list)
    for d in docs:
        if d.level == CITY and d.year is not None:
            city_years[d.year].append(d)
    out: dict[str, list[Partner]] = {}
    for d in docs:
        if d.level != DISTRICT or d.year is None:
            continue
        if d.year in city_years:
            year, flagged = d.year, False
        else:
            earlier = [y for y in city_years if y < d.year]
            if not earlier:
                continue
            year, flagged = max(earlier), True
        out[d.id] = [Partner(c, d.year - year, flagged) for c in sorted(city_years[year], key=lambda c: c.name)]
    return out


def compare_targets(district: Tgt, city: Tgt, rules: Rules) -> dict | None:
    """The ALIGNS_WITH properties for two targets, or None when they do not measure the same thing."""
    if not (rules.is_mapped(district.indicator) and rules.is_mapped(city.indicator)):
        return None
    if district.indicator.strip() != city.indicator.strip():
        return None
    indicator = district.indicator.strip()
    units = rules.match_units(district.unit, city.unit, indicator)
    if units is None:
        return None

    props: dict = {"share": None, "gap": None, "gap_label": None}
    dv, cv = district.value, city.value
    basis = f"same indicator “{indicator}”; units {district.unit or '?'}/{city.unit or '?'} ({units.family})"
    props["rule"] = f"same-indicator/{units.family}/{units.compare or 'no-arithmetic'}"
    if units.compare == "share" and dv is not None and cv:
        props["share"] = dv / cv
        basis += f"; share {_num(dv)}/{_num(cv)} = {dv / cv:.1%}"
    elif units.compare == "gap" and dv is not None and cv is not None:
        gap = dv - cv
        props["gap"] = gap
        props["gap_label"] = "equal" if abs(gap) < rules.gap_equal_tolerance else ("above" if gap > 0 else "below")
        basis += f"; gap {_num(dv)} − {_num(cv)} = {gap:+g} points ({props['gap_label']})"
    if units.approximate:
        basis += "; the indicator is counted in both units, so the share is approximate"
    if district.kind and city.kind and district.kind != city.kind:
        # e.g. a cumulative total against a yearly increment: the arithmetic is only indicative.
        basis += f"; kinds differ ({district.kind} vs {city.kind})"
    props["basis"] = basis
    return props


def derive_alignment(snapshot: Snapshot, rules: Rules, partners: dict[str, list[Partner]]) -> tuple[list[EdgeRecord], list[EdgeRecord]]:
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
                    addressed.add(ct.indicator.strip())
                    if partner.flagged:
                        props["basis"] += (f"; compared with the {partner.city.year} city plan because no "
                                           f"{district_doc.year} city plan is loaded")
                    props.update(year_gap=partner.year_gap, flagged=partner.flagged)
                    aligns.append(EdgeRecord("ALIGNS_WITH", "Target", dt.id, "Target", ct.id, props))
            city_indicators = {t.indicator.strip() for t in city_targets if rules.is_mapped(t.indicator)}
            coverage = len(addressed & city_indicators) / len(city_indicators) if city_indicators else None
            implements.append(EdgeRecord("IMPLEMENTS", "Document", district_id, "Document", partner.city.id,
                                         {"coverage": coverage, "year_gap": partner.year_gap}))
    return aligns, implements


# -- read side: the roll-up and the matrix the CLI prints ----------------------------

def rollup(store: GraphStore, indicator: str | None = None) -> list[dict]:
    """Per city target: the loaded districts' values summed against it (counts) or their range (rates).

    Each region counts once, with its plan nearest in year to the city plan (a
    same-year plan wins over a later one); a region whose plan states two values
    for the indicator contributes the larger and is listed in `conflicting_regions`."""
    from policykg.queries import run_query

    return run_query(store, "rollup", {"indicator": indicator}).records()


def alignment_matrix(store: GraphStore, indicator: str | None = None) -> tuple[list[str], list[list]]:
    """Indicator rows × district columns for `policykg align`.

    One row per city target of a mapped indicator (city documents that some
    district is compared with, or every city document when none is); a cell shows
    the district's value and unit with its share of the city value (counts) or its
    gap in points (rates). A district column header names the city year it is
    compared with when that is an earlier year (`flagged`)."""
    from policykg.queries import run_query

    aligned = run_query(store, "alignment", {"indicator": indicator}).records()
    district_docs = store.query("""
        MATCH (d:Document)-[i:IMPLEMENTS]->(c:Document)
        RETURN d.id AS id, d.source AS source, d.region AS region, d.year AS year, c.id AS city_id,
               c.year AS city_year, i.year_gap AS year_gap""", {}).records()
    # Sorted here, not in Cypher: backends collate Chinese differently; a district's years stay side by side.
    district_docs.sort(key=lambda d: (d["region"] or "", d["year"] or 0, d["source"] or ""))
    city_targets = store.query("""
        MATCH (g:Target), (c:Document)
        WHERE c.id = g.doc_id AND c.level = 'city'
        RETURN g.id AS id, g.indicator AS indicator, g.value AS value, g.unit AS unit, c.id AS doc_id,
               c.source AS source, g.start_offset AS start_offset""", {}).records()
    city_targets.sort(key=lambda t: (t["indicator"] or "", t["source"] or "", t["start_offset"] or 0))
    from policykg.graph.derive.rules import load_rules

    rules = load_rules()
    partner_cities = {d["city_id"] for d in district_docs}
    city_rows = [t for t in city_targets
                 if rules.is_mapped(t["indicator"]) and (not partner_cities or t["doc_id"] in partner_cities)
                 and (indicator is None or t["indicator"] == indicator)]

    columns_by_source: dict[str, str] = {}
    for d in district_docs:
        if d["source"] in columns_by_source:
            continue
        header = d["source"]
        if d["year_gap"]:
            header += f" (vs {d['city_year']})"
        columns_by_source[d["source"]] = header
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in aligned:
        cells[(a["city_target_id"], a["district_source"])].append(_cell(a))
    columns = ["indicator", "city_source", "city"] + list(columns_by_source.values())
    rows = []
    for t in city_rows:
        row = [t["indicator"], t["source"], f"{_num(t['value'])}{t['unit'] or ''}"]
        row += ["; ".join(cells.get((t["id"], source), [])) for source in columns_by_source]
        rows.append(row)
    return columns, rows


def _cell(a: dict) -> str:
    text = f"{_num(a['district_value'])}{a['district_unit'] or ''}"
    if a.get("share") is not None:
        text += f" ({_pct(a['share'])})"
    elif a.get("gap") is not None:
        text += f" ({a['gap']:+g} pt)" if abs(a["gap"]) > 1e-9 else " (=)"
    return text


def _pct(share: float) -> str:
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _num(value) -> str:
    if value is None:
        return "?"
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"
