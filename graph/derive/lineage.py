"""Lineage between plans over the years: SUCCEEDS, Target CONTINUES, Target.status.

Direction: every derived lineage edge points back in time, from the later item to
the earlier one — `(plan 2025)-[:SUCCEEDS]->(plan 2024)`,
`(target 2025)-[:CONTINUES]->(target 2024)` — just as IMPLEMENTS and ALIGNS_WITH
point from the district to the city. Following edges forward therefore always
walks *upstream* (towards what a plan builds on) and following them backwards
walks *downstream*, which is what `policykg.queries.views.lineage_graph` relies on.

* SUCCEEDS: same region (or issuer, when the region is unknown) and level; a plan
  succeeds the plan(s) of the nearest earlier loaded year (`year_gap` says how far).
  When that year has several documents (a work plan and a notice), the ones whose
  titles, years removed, read most alike are linked.
* CONTINUES: same region and level, consecutive years only (Y−1 → Y), same indicator,
  compatible units; matched one-to-one (same kind and unit first, then the closest
  value). `label` is continued/raised/lowered, `delta` = later − earlier.
* Target.status: `dropped` when the region's next-year plan is loaded and the target
  has no successor there; else `new` when the previous-year plan is loaded and it has
  no predecessor; else the label of its CONTINUES edge (continued/raised/lowered);
  a target of the earliest loaded year that is carried on is `continued`. Targets
  of a region with no adjacent year loaded get no status.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from policykg.graph.derive.rules import Rules
from policykg.graph.derive.snapshot import Doc, Snapshot, Tgt
from policykg.graph.derive.text import jaccard, shingles
from policykg.loaders.records import EdgeRecord, NodeRecord

__all__ = ["lineage_key", "derive_succession", "change_label", "derive_continuation"]

_YEARS = re.compile(r"[0-9０-９〇零一二三四五六七八九十]+\s*年?")


def lineage_key(doc: Doc) -> tuple[str, str] | None:
    """Documents with the same key are one issuer's plans over the years (None: no region or issuer, or no year).

    >>> lineage_key(Doc("d1", "cn-2025", None, None, 2025, "长宁区", "district", False))
    ('district', '长宁区')
    >>> lineage_key(Doc("d2", "x", None, None, None, "长宁区", "district", False)) is None
    True
    """
    who = (doc.region or doc.issuer or "").strip()
    if not who or doc.year is None:
        return None
    return (doc.level or "", who)


def _title_core(doc: Doc) -> set[str]:
    return shingles(_YEARS.sub("", doc.title or ""), 2)


def derive_succession(docs: Iterable[Doc]) -> list[EdgeRecord]:
    groups: dict[tuple[str, str], dict[int, list[Doc]]] = defaultdict(lambda: defaultdict(list))
    for d in docs:
        key = lineage_key(d)
        if key and d.year is not None:     # a key has a year
            groups[key][d.year].append(d)
    edges = []
    for years in groups.values():
        ordered = sorted(years)
        for prev_year, year in zip(ordered, ordered[1:]):
            for later in years[year]:
                candidates = years[prev_year]
                if len(candidates) > 1:
                    scores = {c.id: jaccard(_title_core(later), _title_core(c)) for c in candidates}
                    best = max(scores.values())
                    candidates = [c for c in candidates if scores[c.id] == best]
                for earlier in sorted(candidates, key=lambda c: c.name):
                    edges.append(EdgeRecord("SUCCEEDS", "Document", later.id, "Document", earlier.id,
                                            {"year_gap": year - prev_year}))
    return edges


def change_label(earlier: float | None, later: float | None, tolerance: float) -> tuple[str, float | None]:
    """How a target's value changed from one year's plan to the next, and by how much (later − earlier).

    >>> change_label(100, 120, 1e-4), change_label(100, 80, 1e-4)
    (('raised', 20), ('lowered', -20))
    >>> change_label(100, 100, 1e-4), change_label(None, 100, 1e-4)
    (('continued', 0), ('continued', None))
    """
    if earlier is None or later is None:
        return "continued", None
    delta = later - earlier
    scale = max(abs(earlier), abs(later), 1e-12)
    if abs(delta) / scale < tolerance:
        return "continued", delta
    return ("raised" if delta > 0 else "lowered"), delta


def derive_continuation(snapshot: Snapshot, rules: Rules) -> tuple[list[EdgeRecord], list[NodeRecord]]:
    """CONTINUES edges and every target's status (None where it cannot be told)."""
    pools: dict[tuple[str, str], dict[int, list[Tgt]]] = defaultdict(lambda: defaultdict(list))
    for d in snapshot.docs.values():
        key = lineage_key(d)
        if key and d.year is not None:     # a key has a year
            pools[key].setdefault(d.year, [])   # a loaded plan with no targets still counts as loaded
    for t in snapshot.targets:
        doc = snapshot.docs.get(t.doc_id)
        key = lineage_key(doc) if doc else None
        if key and doc is not None and doc.year is not None:
            pools[key][doc.year].append(t)

    edges: list[EdgeRecord] = []
    successor: set[str] = set()
    predecessor_label: dict[str, str] = {}
    status: dict[str, str | None] = {t.id: None for t in snapshot.targets}
    for years in pools.values():
        for year, targets in years.items():
            if year - 1 not in years:
                continue
            for earlier, later in _match(years[year - 1], targets, rules):
                label, delta = change_label(earlier.value, later.value, rules.continuation_tolerance)
                edges.append(EdgeRecord("CONTINUES", "Target", later.id, "Target", earlier.id, {"label": label, "delta": delta}))
                successor.add(earlier.id)
                predecessor_label[later.id] = label
        for year, targets in years.items():
            has_next, has_prev = year + 1 in years, year - 1 in years
            for t in targets:
                if has_next and t.id not in successor:
                    status[t.id] = "dropped"
                elif has_prev and t.id not in predecessor_label:
                    status[t.id] = "new"
                elif t.id in predecessor_label:
                    status[t.id] = predecessor_label[t.id]
                elif t.id in successor:
                    status[t.id] = "continued"
    updates = [NodeRecord("Target", {"id": tid, "status": s}) for tid, s in sorted(status.items())]
    return edges, updates


def _match(earlier: list[Tgt], later: list[Tgt], rules: Rules) -> list[tuple[Tgt, Tgt]]:
    """One-to-one pairs of the same indicator in compatible units, best pairs first."""
    candidates = []
    for e in earlier:
        if not rules.is_mapped(e.indicator):
            continue
        indicator = (e.indicator or "").strip()
        for lt in later:
            if not rules.is_mapped(lt.indicator) or (lt.indicator or "").strip() != indicator:
                continue
            if rules.match_units(e.unit, lt.unit, indicator) is None:
                continue
            same_unit = (e.unit or "").strip() == (lt.unit or "").strip()
            closeness = 0.0
            if e.value is not None and lt.value is not None:
                closeness = abs(lt.value - e.value) / max(abs(e.value), abs(lt.value), 1e-12)
            candidates.append(((e.kind != lt.kind, not same_unit, closeness, e.id, lt.id), e, lt))
    candidates.sort(key=lambda c: c[0])
    used_e: set[str] = set()
    used_l: set[str] = set()
    pairs = []
    for _, e, lt in candidates:
        if e.id in used_e or lt.id in used_l:
            continue
        used_e.add(e.id)
        used_l.add(lt.id)
        pairs.append((e, lt))
    return pairs
