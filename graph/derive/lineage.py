"""Lineage between plans over the years: SUCCEEDS, Target CONTINUES, Target.status.

Direction: every derived lineage edge points back in time, from the later item to
the earlier one — `(plan 2025)-[:SUCCEEDS]->(plan 2024)`,
`(target 2025)-[:CONTINUES]->(target 2024)` — just as IMPLEMENTS and ALIGNS_WITH
point from the district to the city. Following edges forward therefore always
walks *upstream* (towards what a plan builds on) and following them backwards
walks *downstream*, which is what `lineage_graph` relies on.

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

import networkx as nx

from policykg.graph.derive.rules import Rules
from policykg.graph.derive.snapshot import Doc, Snapshot, Tgt
from policykg.graph.derive.text import jaccard, shingles
from policykg.graph.store import GraphStore
from policykg.loaders.records import EdgeRecord, NodeRecord

_YEARS = re.compile(r"[0-9０-９〇零一二三四五六七八九十]+\s*年?")


def _lineage_key(doc: Doc) -> tuple[str, str] | None:
    """Documents with the same key are one issuer's plans over the years."""
    who = (doc.region or doc.issuer or "").strip()
    if not who or doc.year is None:
        return None
    return (doc.level or "", who)


def _title_core(doc: Doc) -> set[str]:
    return shingles(_YEARS.sub("", doc.title or ""), 2)


def derive_succession(docs: Iterable[Doc]) -> list[EdgeRecord]:
    groups: dict[tuple[str, str], dict[int, list[Doc]]] = defaultdict(lambda: defaultdict(list))
    for d in docs:
        key = _lineage_key(d)
        if key:
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
        key = _lineage_key(d)
        if key:
            pools[key].setdefault(d.year, [])   # a loaded plan with no targets still counts as loaded
    for t in snapshot.targets:
        d = snapshot.docs.get(t.doc_id)
        key = _lineage_key(d) if d else None
        if key:
            pools[key][d.year].append(t)

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
        for l in later:
            if not rules.is_mapped(l.indicator) or l.indicator.strip() != e.indicator.strip():
                continue
            if rules.match_units(e.unit, l.unit, e.indicator.strip()) is None:
                continue
            same_unit = (e.unit or "").strip() == (l.unit or "").strip()
            closeness = 0.0
            if e.value is not None and l.value is not None:
                closeness = abs(l.value - e.value) / max(abs(e.value), abs(l.value), 1e-12)
            candidates.append(((e.kind != l.kind, not same_unit, closeness, e.id, l.id), e, l))
    candidates.sort(key=lambda c: c[0])
    used_e, used_l, pairs = set(), set(), []
    for _, e, l in candidates:
        if e.id in used_e or l.id in used_l:
            continue
        used_e.add(e.id)
        used_l.add(l.id)
        pairs.append((e, l))
    return pairs


# -- read side: the lineage picture --------------------------------------------------

_RESOLVE = [
    ("Document", "MATCH (n:Document) WHERE n.id = $name OR n.source = $name OR n.title = $name "
                 "RETURN n.id AS id, n.source AS title, n.source AS source ORDER BY n.source"),
    ("Program", "MATCH (n:Program) WHERE n.id = $name OR n.name = $name RETURN n.id AS id, n.name AS title, n.id AS source"),
    ("Indicator", "MATCH (n:Indicator) WHERE n.id = $name OR n.name = $name "
                  "RETURN n.id AS id, n.name AS title, n.id AS source"),
    ("PolicyDocument", "MATCH (n:PolicyDocument) WHERE n.id = $name OR n.title = $name "
                       "RETURN n.id AS id, n.title AS title, n.id AS source"),
]
_EXPANDABLE = {"Document", "Program", "PolicyDocument"}


def lineage_graph(store: GraphStore, name_or_id: str, depth: int = 2) -> nx.DiGraph:
    """Upstream and downstream of a document, program, cited policy document or indicator.

    Nodes are keyed by graph id and carry `label` (the node label), `title` and
    `source` (a document's file stem); the focus node has `focus=True`. Edges point
    as in the graph — district plan → city plan (IMPLEMENTS), later plan → earlier
    plan (SUCCEEDS), document → what it CITES/WRAPS/runs (RUNS_PROGRAM) — and carry
    `type`, `value` (coverage, year gap …), `detail` and `evidence` (a list of
    {source, text, start_offset, end_offset}: offsets into the source's original
    text, None for plan-to-plan links); a second relationship between the same two
    nodes is listed in `also`. The walk goes `depth` hops upstream (along edges) and downstream
    (against them) from the focus.

    For an indicator the picture is its documents: document → indicator
    (MEASURES, value = the target), district plan → city plan (ALIGNS_WITH, value
    = share or gap) and later plan → earlier plan (CONTINUES, detail = the change)."""
    from policykg.queries import run_query

    focus = _resolve(store, name_or_id)
    if focus is None:
        raise ValueError(f"nothing named {name_or_id!r} in the graph: give a document source or id, "
                         "a program, an indicator or a cited document's title")
    label, node_id, title, source = focus
    graph = nx.DiGraph(focus=node_id)
    graph.add_node(node_id, label=label, title=title, source=source if label == "Document" else None, focus=True)
    seen = {(node_id, "upstream"), (node_id, "downstream")}
    frontier: list[tuple[str, str | None]] = [(node_id, None)]   # None: the focus expands both ways
    for _ in range(max(depth, 0)):
        next_frontier = []
        for current, way in frontier:
            for row in run_query(store, "lineage", {"name": current}).records():
                if way is not None and row["direction"] != way:
                    continue
                _add_edge(graph, row)
                onward, onward_label = ((row["to_id"], row["to_label"]) if row["direction"] == "upstream"
                                        else (row["from_id"], row["from_label"]))
                if row["relation"] == "MEASURES":
                    continue   # an indicator's documents are shown, not walked on from
                if onward_label in _EXPANDABLE and (onward, row["direction"]) not in seen:
                    seen.add((onward, row["direction"]))
                    next_frontier.append((onward, row["direction"]))
        frontier = next_frontier
    if label == "Indicator":
        _add_indicator_links(store, graph, node_id)
    return graph


def _resolve(store: GraphStore, name: str) -> tuple[str, str, str, str] | None:
    for label, cypher in _RESOLVE:
        rows = store.query(cypher, {"name": name}).records()
        if rows:
            r = rows[0]
            return label, r["id"], r["title"] or r["id"], r["source"]
    return None


def _add_edge(graph: nx.DiGraph, row: dict) -> None:
    for end in ("from", "to"):
        nid = row[f"{end}_id"]
        if nid not in graph:
            node_label = row[f"{end}_label"]
            graph.add_node(nid, label=node_label, title=row[f"{end}_name"] or nid,
                           source=row[f"{end}_name"] if node_label == "Document" else None)
    u, v = row["from_id"], row["to_id"]
    if not graph.has_edge(u, v):
        graph.add_edge(u, v, type=row["relation"], value=row["value"], detail=row["detail"], evidence=[], also=[])
    edge = graph.edges[u, v]
    if edge["type"] != row["relation"] and row["relation"] not in edge["also"]:
        edge["also"].append(row["relation"])
    if row.get("text"):
        evidence = {"source": row["source"], "text": row["text"],
                    "start_offset": row.get("start_offset"), "end_offset": row.get("end_offset")}
        if evidence not in edge["evidence"]:
            edge["evidence"].append(evidence)


def _add_indicator_links(store: GraphStore, graph: nx.DiGraph, indicator: str) -> None:
    from policykg.queries import run_query

    doc_ids = {r["source"]: r["id"] for r in store.query(
        "MATCH (d:Document) RETURN d.source AS source, d.id AS id", {}).records()}
    for a in run_query(store, "alignment", {"indicator": indicator}).records():
        shown = a["share"] if a["share"] is not None else a["gap"]
        _add_edge(graph, {
            "relation": "ALIGNS_WITH", "direction": "downstream",
            "from_label": "Document", "from_id": doc_ids[a["district_source"]], "from_name": a["district_source"],
            "to_label": "Document", "to_id": doc_ids[a["city_source"]], "to_name": a["city_source"],
            "value": shown, "detail": a["basis"], "source": a["district_source"], "text": a["district_text"],
            "start_offset": a["district_start_offset"], "end_offset": a["district_end_offset"]})
    for h in run_query(store, "target-history", {"indicator": indicator}).records():
        if h["previous_source"] is None:
            continue
        _add_edge(graph, {
            "relation": "CONTINUES", "direction": "downstream",
            "from_label": "Document", "from_id": doc_ids[h["source"]], "from_name": h["source"],
            "to_label": "Document", "to_id": doc_ids[h["previous_source"]], "to_name": h["previous_source"],
            "value": h["delta"], "detail": h["change"], "source": h["source"], "text": h["text"],
            "start_offset": h["start_offset"], "end_offset": h["end_offset"]})
