"""Views over the named queries: what the commands print, shaped from a query's rows.

    owner_lookup      tasks with their owners, one record per task (query `owner`)
    rollup            per city target, the districts' values against it (query `rollup`)
    alignment_matrix  indicator rows × district columns (query `alignment`)
    lineage_graph     a plan's (or program's, indicator's …) upstream and downstream (query `lineage`)

Each runs named queries (queries/*.cypher) and, where a view needs a plain read that is
not a question of its own, a statement of graph/statements.py.
"""
from __future__ import annotations

from collections import defaultdict

import networkx as nx

from policykg.graph import statements
from policykg.graph.derive.alignment import format_number
from policykg.graph.derive.rules import load_rules
from policykg.graph.store import GraphStore
from policykg.queries import run_query

__all__ = ["owner_lookup", "rollup", "alignment_matrix", "alignment_cell", "lineage_graph"]


def owner_lookup(store: GraphStore, keyword: str | None = None, indicator: str | None = None) -> list[dict]:
    """Tasks whose text (or a target's indicator) contains `keyword`, or that state a target
    of exactly `indicator`, with their departments and leaders.

    One record per task: `departments` are the explicit owners (责任部门 …, as written),
    `inferred_departments` the owners inferred from the task's theme (each with its
    rule), `leaders` the 牵头领导/分管领导; plus the task's evidence."""
    rows = run_query(store, "owner", {"keyword": keyword, "indicator": indicator}).records()
    tasks: dict[str, dict] = {}
    for r in rows:
        task = tasks.setdefault(r["task_id"], {
            "source": r["source"], "task_id": r["task_id"], "item": r["item"], "title": r["title"],
            "departments": [], "inferred_departments": [], "leaders": r["leaders"] or [],
            "text": r["text"], "start_offset": r["start_offset"], "end_offset": r["end_offset"],
        })
        if r["department"] is None:
            continue
        if r["inferred"]:
            entry = {"department": r["department"], "rule": r["rule"]}
            if entry not in task["inferred_departments"]:
                task["inferred_departments"].append(entry)
        elif r["department"] not in task["departments"]:
            task["departments"].append(r["department"])
    return list(tasks.values())


def rollup(store: GraphStore, indicator: str | None = None) -> list[dict]:
    """Per city target: the loaded districts' values summed against it (counts) or their range (rates).

    Each region counts once, with its plan nearest in year to the city plan (a
    same-year plan wins over a later one); a region whose plan states two values
    for the indicator contributes the larger and is listed in `conflicting_regions`."""
    return run_query(store, "rollup", {"indicator": indicator}).records()


def alignment_matrix(store: GraphStore, indicator: str | None = None) -> tuple[list[str], list[list]]:
    """Indicator rows × district columns for `policykg align`.

    One row per city target of a mapped indicator (city documents that some
    district is compared with, or every city document when none is); a cell shows
    the district's value and unit with its share of the city value (counts) or its
    gap in points (rates). A district column header names the city year it is
    compared with when that is an earlier year (`flagged`)."""
    aligned = run_query(store, "alignment", {"indicator": indicator}).records()
    district_docs = store.query(statements.DISTRICT_PLANS, {}).records()
    # Sorted here, not in Cypher: backends collate Chinese differently; a district's years stay side by side.
    district_docs.sort(key=lambda d: (d["region"] or "", d["year"] or 0, d["source"] or ""))
    city_targets = store.query(statements.CITY_TARGETS, {}).records()
    city_targets.sort(key=lambda t: (t["indicator"] or "", t["source"] or "", t["start_offset"] or 0))
    rules = load_rules()
    partner_cities = {d["city_id"] for d in district_docs}
    city_rows = [t for t in city_targets
                 if rules.is_mapped(t["indicator"]) and (not partner_cities or t["doc_id"] in partner_cities)
                 and (indicator is None or t["indicator"] == indicator)]
    columns_by_source = _district_columns(district_docs)
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in aligned:
        cells[(a["city_target_id"], a["district_source"])].append(alignment_cell(a))
    columns = ["indicator", "city_source", "city"] + list(columns_by_source.values())
    rows = []
    for t in city_rows:
        row = [t["indicator"], t["source"], f"{format_number(t['value'])}{t['unit'] or ''}"]
        row += ["; ".join(cells.get((t["id"], source), [])) for source in columns_by_source]
        rows.append(row)
    return columns, rows


def _district_columns(district_docs: list[dict]) -> dict[str, str]:
    """District source → its column header (naming the city year when that is an earlier one)."""
    columns_by_source: dict[str, str] = {}
    for d in district_docs:
        if d["source"] in columns_by_source:
            continue
        header = d["source"]
        if d["year_gap"]:
            header += f" (vs {d['city_year']})"
        columns_by_source[d["source"]] = header
    return columns_by_source


def alignment_cell(a: dict) -> str:
    """One cell of the matrix: the district's value and unit, with its share of the city count or its gap to the rate.

    >>> alignment_cell({"district_value": 600.0, "district_unit": "张", "share": 0.15})
    '600张 (15%)'
    >>> alignment_cell({"district_value": 95.0, "district_unit": "%", "share": None, "gap": -2.0})
    '95% (-2 pt)'
    >>> alignment_cell({"district_value": 90.0, "district_unit": "%", "gap": 0.0})
    '90% (=)'
    """
    text = f"{format_number(a['district_value'])}{a['district_unit'] or ''}"
    if a.get("share") is not None:
        text += f" ({_pct(a['share'])})"
    elif a.get("gap") is not None:
        text += f" ({a['gap']:+g} pt)" if abs(a["gap"]) > 1e-9 else " (=)"
    return text


def _pct(share: float) -> str:
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%"


# -- the lineage picture ---------------------------------------------------------------------------

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
    for label, cypher in statements.LINEAGE_FOCUS:
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
    doc_ids = {r["source"]: r["id"] for r in store.query(statements.DOCUMENT_IDS, {}).records()}
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
