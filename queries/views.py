"""Views over the named queries: what the commands print, shaped from a query's rows.

    owner_lookup      tasks with their owners, one record per task (query `owner`)
    rollup            per city target, the districts' values against it (query `rollup`)
    alignment_matrix  indicator rows × district columns (query `alignment`)
    lineage_graph     a plan's (or program's, indicator's …) upstream and downstream (query `lineage`), or the
                      whole graph's lineage; the one source of the lineage page and its exports

Each runs named queries (queries/*.cypher) and, where a view needs a plain read that is
not a question of its own, a statement of graph/statements.py.
"""
from __future__ import annotations

from collections import defaultdict
from operator import itemgetter

import networkx as nx

from policykg.graph import statements
from policykg.graph.derive.alignment import format_number
from policykg.graph.derive.rules import load_rules
from policykg.graph.results import sort_rows
from policykg.graph.store import GraphStore
from policykg.queries import get_query, run_query

__all__ = ["owner_lookup", "rollup", "alignment_matrix", "alignment_cell", "lineage_graph", "sentence_around"]


def owner_lookup(store: GraphStore, keyword: str | None = None, indicator: str | None = None,
                 source: str | None = None) -> list[dict]:
    """Tasks whose text (or a target's indicator) contains `keyword`, or that state a target
    of exactly `indicator` (of the plan `source`, or of every plan), with their departments and leaders.

    One record per task: `departments` are the explicit owners (责任部门 …, as written),
    `inferred_departments` the owners inferred from the task's theme (each with its
    rule), `leaders` the 牵头领导/分管领导; plus the task's evidence."""
    rows = run_query(store, "owner", {"keyword": keyword, "indicator": indicator, "source": source}).records()
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


def rollup(store: GraphStore, indicator: str | None = None, source: str | None = None) -> list[dict]:
    """Per city target (of the city plan `source`, or of every city plan): the loaded districts' values
    summed against it (counts) or their range (rates).

    Each region counts once, with its plan nearest in year to the city plan (a
    same-year plan wins over a later one); a region whose plan states two values
    for the indicator contributes the larger and is listed in `conflicting_regions`."""
    return run_query(store, "rollup", {"indicator": indicator, "source": source}).records()


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

# What the walk goes on from, per direction: the labels some lineage relation leaves (upstream) or reaches
# (downstream). A program is only reached (plans run it): walking upstream from it asked for every plan that
# runs it and kept none of them (on a 10,000-plan graph, 2 s of one plan's 2.4 s picture).
_WALKED_ON = {"upstream": {"Document", "PolicyDocument"}, "downstream": {"Document", "Program", "PolicyDocument"}}


def lineage_graph(store: GraphStore, name_or_id: str | None = None, depth: int = 2, *,
                  details: bool = False) -> nx.DiGraph:
    """Upstream and downstream of a document, program, cited policy document or indicator;
    without `name_or_id`, the whole graph: every plan and every IMPLEMENTS, SUCCEEDS, CITES,
    WRAPS and RUNS_PROGRAM link.

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
    = share or gap) and later plan → earlier plan (CONTINUES, detail = the change).

    Each node also carries what a picture places and filters it by: a plan its `doc_title`,
    `level`, `region`, `year`, `kind`, `targets` (how many it states) and `themes` (its
    sections'); a cited document its `scope`; a program its `kind`.

    With `details`, each plan's top-level sections (label Section) and its targets (label
    Target) join, each with `parent` (the plan, or the target's top-level section) and its own
    `evidence`, linked HAS_SECTION and HAS_TARGET, with ALIGNS_WITH (district target → city
    target, value = share or gap) and CONTINUES (later → earlier, detail = the change) between
    targets; every piece of evidence with offsets gains `sentence`, the sentence of the
    original text around it, and `sentence_start`, where that sentence starts."""
    graph = _whole_graph(store) if name_or_id is None else _focus_graph(store, name_or_id, depth)
    _describe(store, graph)
    if details:
        _add_details(store, graph)
    return graph


def _focus_graph(store: GraphStore, name_or_id: str, depth: int) -> nx.DiGraph:
    focus = _resolve(store, name_or_id)
    if focus is None:
        raise ValueError(f"nothing named {name_or_id!r} in the graph: give a document source or id, "
                         "a program, an indicator or a cited document's title")
    label, node_id, title, source = focus
    graph = nx.DiGraph(focus=node_id)
    graph.add_node(node_id, label=label, title=title, source=source if label == "Document" else None, focus=True)
    seen = {(node_id, "upstream"), (node_id, "downstream")}
    frontier: list[tuple[str, str | None]] = [(node_id, None)]   # None: the focus expands both ways
    for hop in range(max(depth, 0)):
        if not frontier:
            break
        next_frontier = []
        # The focus by the named query (a focus may be an indicator); each later hop in one read per direction.
        rows_of: dict[tuple[str, str | None], list[dict]]
        rows_of = ({(node_id, None): run_query(store, "lineage", {"name": node_id}).records()} if hop == 0
                   else _lineage_rows(store, frontier))
        for current, way in frontier:
            for row in rows_of.get((current, way), []):
                _add_edge(graph, row)
                onward, onward_label = ((row["to_id"], row["to_label"]) if row["direction"] == "upstream"
                                        else (row["from_id"], row["from_label"]))
                if row["relation"] == "MEASURES":
                    continue   # an indicator's documents are shown, not walked on from
                if onward_label in _WALKED_ON[row["direction"]] and (onward, row["direction"]) not in seen:
                    seen.add((onward, row["direction"]))
                    next_frontier.append((onward, row["direction"]))
        frontier = next_frontier
    if label == "Indicator":
        _add_indicator_links(store, graph, node_id)
    return graph


def _whole_graph(store: GraphStore) -> nx.DiGraph:
    """Every plan (linked or not) and the links the `lineage` query finds from each plan and cited document."""
    graph = nx.DiGraph(focus=None)
    documents = sorted(store.query(statements.DOCUMENT_IDS, {}).records(), key=lambda d: d["source"] or "")
    for d in documents:
        graph.add_node(d["id"], label="Document", title=d["source"], source=d["source"])
    for row in _both_ways(store, [d["id"] for d in documents]):
        _add_edge(graph, row)
    cited = [n for n, label in graph.nodes(data="label") if label == "PolicyDocument"]
    for row in _both_ways(store, cited):   # a notice's WRAPS link leaves a cited document, not a plan
        if row["relation"] == "WRAPS":
            _add_edge(graph, row)
    return graph


def _lineage_rows(store: GraphStore, nodes: list[tuple[str, str | None]]) -> dict[tuple[str, str | None], list[dict]]:
    """The `lineage` query's rows of each (node id, direction) of `nodes`, in its order: two reads in all."""
    found: dict[tuple[str, str | None], list[dict]] = defaultdict(list)
    for way, statement, end in (("upstream", statements.LINEAGE_UPSTREAM_OF, "from_id"),
                                ("downstream", statements.LINEAGE_DOWNSTREAM_OF, "to_id")):
        ids = sorted({node for node, w in nodes if w == way})
        if ids:
            for row in store.query(statement, {"ids": ids}).records():
                found[(row[end], way)].append(row)
    order = [(itemgetter(column), descending) for column, descending in get_query("lineage").order]
    return {key: sort_rows(rows, order) for key, rows in found.items()}


def _both_ways(store: GraphStore, ids: list[str]) -> list[dict]:
    """The `lineage` query's rows of each node of `ids` (both directions), node after node, as asking it for each would."""
    rows_of = _lineage_rows(store, [(node, way) for node in ids for way in ("downstream", "upstream")])
    # The query's order puts a node's downstream rows before its upstream ones.
    return [row for node in ids for way in ("downstream", "upstream") for row in rows_of.get((node, way), [])]


def _describe(store: GraphStore, graph: nx.DiGraph) -> None:
    """The properties a picture places and filters nodes by (see `lineage_graph`)."""
    def read(whole: str, of_ids: str) -> list[dict]:
        # A picture centred on one node reads its own nodes; the whole graph's reads every one.
        if graph.graph.get("focus") is None:
            return store.query(whole, {}).records()
        return store.query(of_ids, {"ids": sorted(graph.nodes)}).records()

    counts = {r["doc_id"]: r["targets"] for r in read(statements.LINEAGE_TARGET_COUNTS, statements.LINEAGE_TARGET_COUNTS_OF)}
    themes: dict[str, set[str]] = defaultdict(set)
    for r in read(statements.LINEAGE_THEMES, statements.LINEAGE_THEMES_OF):
        themes[r["doc_id"]].add(r["theme"])
    for r in read(statements.LINEAGE_DOCUMENTS, statements.LINEAGE_DOCUMENTS_OF):
        if r["id"] in graph:
            graph.nodes[r["id"]].update(
                doc_title=r["title"], level=r["level"], region=r["region"], year=r["year"], kind=r["kind"],
                issuer=r["issuer"], doc_number=r["doc_number"], issue_date=r["issue_date"],
                targets=counts.get(r["id"], 0), themes=sorted(themes[r["id"]]))
    for r in read(statements.LINEAGE_POLICY_DOCUMENTS, statements.LINEAGE_POLICY_DOCUMENTS_OF):
        if r["id"] in graph:
            graph.nodes[r["id"]].update(scope=r["scope"], variants=list(r["variants"] or []))
    for r in read(statements.LINEAGE_PROGRAMS, statements.LINEAGE_PROGRAMS_OF):
        if r["id"] in graph:
            graph.nodes[r["id"]].update(kind=r["kind"])


def _add_details(store: GraphStore, graph: nx.DiGraph) -> None:
    """Each plan's top-level sections and targets, the target links between them, and every evidence's sentence."""
    ids = {"ids": sorted(n for n, label in graph.nodes(data="label") if label == "Document")}
    sections: dict[tuple[str, str], str] = {}   # (plan, top-level path) → section id
    rows = sorted(store.query(statements.LINEAGE_SECTIONS, ids).records(), key=lambda r: (r["doc_id"], r["start_offset"] or 0))
    for r in rows:
        source = graph.nodes[r["doc_id"]]["source"]
        graph.add_node(r["id"], label="Section", title=f"{r['path']} {r['title'] or ''}".strip(), source=source,
                       parent=r["doc_id"], path=r["path"], theme=r["theme"],
                       evidence=[_evidence(source, None, r["start_offset"], r["end_offset"])])   # the heading as written
        graph.add_edge(r["doc_id"], r["id"], type="HAS_SECTION", value=None, detail=r["path"], evidence=[], also=[])
        sections[(r["doc_id"], r["path"])] = r["id"]
    rows = sorted(store.query(statements.LINEAGE_TARGETS, ids).records(), key=lambda r: (r["doc_id"], r["start_offset"] or 0))
    for r in rows:
        source = graph.nodes[r["doc_id"]]["source"]
        parent = sections.get((r["doc_id"], (r["task_path"] or "").split("/")[0]), r["doc_id"])
        named = r["indicator"] if r["indicator"] and r["indicator"] != "unmapped" else r["metric"]
        graph.add_node(r["id"], label="Target", title=f"{named or ''} {format_number(r['value'])}{r['unit'] or ''}".strip(),
                       source=source, parent=parent, document=r["doc_id"], indicator=r["indicator"], metric=r["metric"],
                       value=r["value"], value_max=r["value_max"], unit=r["unit"], kind=r["kind"], status=r["status"],
                       conflict=r["conflict"], theme=r["theme"],
                       evidence=[_evidence(source, r["text"], r["start_offset"], r["end_offset"])])
        graph.add_edge(parent, r["id"], type="HAS_TARGET", value=r["value"], detail=r["unit"], evidence=[], also=[])
    for r in store.query(statements.LINEAGE_ALIGNMENTS, ids).records():
        _link_targets(graph, r, "ALIGNS_WITH", r["share"] if r["share"] is not None else r["gap"],
                      "share" if r["share"] is not None else r["gap_label"])
    for r in store.query(statements.LINEAGE_CONTINUATIONS, ids).records():
        _link_targets(graph, r, "CONTINUES", r["delta"], r["label"])
    _add_sentences(store, graph, ids)


def _evidence(source: str | None, text: str | None, start: int | None, end: int | None) -> dict:
    return {"source": source, "text": text, "start_offset": start, "end_offset": end}


def _link_targets(graph: nx.DiGraph, r: dict, relation: str, value, detail) -> None:
    """A target-to-target link; its evidence is the two targets' (the later or district one first)."""
    if r["from_id"] not in graph or r["to_id"] not in graph:
        return
    evidence = graph.nodes[r["from_id"]]["evidence"] + graph.nodes[r["to_id"]]["evidence"]
    graph.add_edge(r["from_id"], r["to_id"], type=relation, value=value, detail=detail,
                   evidence=[dict(e) for e in evidence], also=[])


def _add_sentences(store: GraphStore, graph: nx.DiGraph, ids: dict) -> None:
    texts = {r["source"]: r["text"] or "" for r in store.query(statements.LINEAGE_TEXTS, ids).records()}
    pieces = [e for _, e in graph.nodes(data="evidence") if e] + [e for _, _, e in graph.edges(data="evidence") if e]
    for evidence in (piece for listed in pieces for piece in listed):
        text = texts.get(evidence["source"])
        if text is None or evidence["start_offset"] is None or evidence["end_offset"] is None:
            continue
        if evidence["text"] is None:
            evidence["text"] = text[evidence["start_offset"]:evidence["end_offset"]]
        evidence["sentence"], evidence["sentence_start"] = sentence_around(text, evidence["start_offset"], evidence["end_offset"])


_SENTENCE_ENDS = "。！？；\n"
_LONGEST_SENTENCE = 240   # characters of context either side of a span in an unpunctuated run of text


def sentence_around(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence of `text` holding the span `start`–`end`, and where it starts: from after the
    last 。！？； or line break before the span to the first one after it, trimmed.

    >>> sentence_around("一、总则。新增床位600张，完成改造。二、", 9, 13)
    ('新增床位600张，完成改造。', 5)
    >>> sentence_around("  no stop at all", 5, 7)
    ('no stop at all', 2)
    """
    begin = max(text.rfind(mark, 0, start) for mark in _SENTENCE_ENDS) + 1
    stops = [i for i in (text.find(mark, end) for mark in _SENTENCE_ENDS) if i >= 0]
    stop = min(stops) + 1 if stops else len(text)
    begin, stop = max(begin, start - _LONGEST_SENTENCE), min(stop, end + _LONGEST_SENTENCE)
    sentence = text[begin:stop]
    stripped = sentence.lstrip()
    return stripped.rstrip(), begin + len(sentence) - len(stripped)


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
