"""Flat exports of the graph (documents, sections, tasks, targets, citations …).

Each export runs a few plain Cypher reads that work on every backend and joins
them in Python; every record carries `source` (the file stem) and its evidence
(offsets into the document's original text and the text itself).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from policykg.graph.store import GraphStore

EVIDENCE = "{alias}.start_offset AS start_offset, {alias}.end_offset AS end_offset, {alias}.text AS text"


def _rows(store: GraphStore, cypher: str, params: dict | None = None) -> list[dict]:
    return store.query(cypher, params or {}).records()


def _sources(store: GraphStore) -> dict[str, str]:
    return {r["id"]: r["source"] for r in _rows(store, "MATCH (d:Document) RETURN d.id AS id, d.source AS source")}


def export_documents(store: GraphStore) -> list[dict]:
    return _rows(store, """
        MATCH (d:Document)
        RETURN d.source AS source, d.id AS id, d.title AS title, d.issuer AS issuer, d.doc_number AS doc_number,
               d.issue_date AS issue_date, d.year AS year, d.region AS region, d.level AS level,
               d.is_notice AS is_notice, d.wrapped_title AS wrapped_title, d.format AS format,
               d.encoding AS encoding, d.path AS path, d.warnings AS warnings
        ORDER BY source""")


def export_sections(store: GraphStore) -> list[dict]:
    sources = _sources(store)
    rows = _rows(store, f"""
        MATCH (s:Section)
        RETURN s.doc_id AS doc_id, s.id AS id, s.path AS path, s.marker AS marker, s.level AS level,
               s.title AS title, s.theme AS theme, {EVIDENCE.format(alias='s')}
        ORDER BY doc_id, start_offset""")
    return [{"source": sources.get(r["doc_id"]), **r} for r in rows]


def export_tasks(store: GraphStore) -> list[dict]:
    sources = _sources(store)
    tasks = _rows(store, f"""
        MATCH (t:Task)
        RETURN t.doc_id AS doc_id, t.id AS id, t.path AS path, t.item AS item, t.kind AS kind, t.title AS title,
               t.theme AS theme, {EVIDENCE.format(alias='t')}
        ORDER BY doc_id, start_offset""")
    leaders, departments, inferred, generic = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    for r in _rows(store, "MATCH (t:Task)-[l:LED_BY]->(p:Leader) RETURN t.id AS task, l.written AS written, p.name AS name ORDER BY l.start_offset"):
        leaders[r["task"]].append(r["written"] or r["name"])
    for r in _rows(store, """
            MATCH (t:Task)-[o:OWNED_BY]->(d:Department)
            RETURN t.id AS task, o.written AS written, d.name AS name, o.inferred AS inferred, o.rule AS rule,
                   d.generic AS generic
            ORDER BY o.start_offset"""):
        name = r["written"] or r["name"]
        if r["inferred"]:
            inferred[r["task"]].append({"department": name, "rule": r["rule"]})
        else:
            departments[r["task"]].append(name)
            if r["generic"]:
                generic[r["task"]].append(name)
    out = []
    for t in tasks:
        tid = t["id"]
        out.append({
            "source": sources.get(t["doc_id"]), **t,
            "leaders": leaders[tid],
            # As written in the plan; owners inferred from the task's theme are kept apart, with their rule,
            # so a reader (or the owners scorer) never takes an inference for what the plan says.
            "departments": departments[tid],
            "inferred_departments": inferred[tid] if not departments[tid] else [],
            "generic": generic[tid],
        })
    return out


def export_targets(store: GraphStore) -> list[dict]:
    sources = _sources(store)
    rows = _rows(store, f"""
        MATCH (g:Target)
        RETURN g.doc_id AS doc_id, g.id AS id, g.task_id AS task_id, g.value AS value, g.value_max AS value_max,
               g.unit AS unit, g.metric AS metric, g.indicator AS indicator, g.action AS action, g.kind AS kind,
               g.modifier AS modifier, g.conflict AS conflict, g.status AS status, g.year AS year, g.region AS region,
               {EVIDENCE.format(alias='g')}
        ORDER BY doc_id, start_offset""")
    return [{"source": sources.get(r["doc_id"]), **r} for r in rows]


def export_citations(store: GraphStore) -> list[dict]:
    sources = _sources(store)
    resolved = {r["c"]: r for r in _rows(store, """
        MATCH (c:Citation)-[:REFERS_TO]->(p:PolicyDocument)
        RETURN c.id AS c, p.id AS policy_document, p.title AS canonical_title""")}
    rows = _rows(store, """
        MATCH (c:Citation)
        RETURN c.doc_id AS doc_id, c.id AS id, c.title AS title, c.task_id AS task_id, c.wraps AS wraps,
               c.start_offset AS start_offset, c.end_offset AS end_offset, c.text AS text
        ORDER BY doc_id, start_offset""")
    out, seen = [], set()
    for r in rows:
        # One record per (document, title): a title cited twice is one citation with its first evidence.
        if (r["doc_id"], r["title"]) in seen:
            continue
        seen.add((r["doc_id"], r["title"]))
        p = resolved.get(r["id"], {})
        out.append({"source": sources.get(r["doc_id"]), **r, "policy_document": p.get("policy_document"),
                    "canonical_title": p.get("canonical_title")})
    return out


def export_alignments(store: GraphStore) -> list[dict]:
    return _rows(store, """
        MATCH (a:Target)-[r:ALIGNS_WITH]->(b:Target), (dd:Document), (cd:Document)
        WHERE dd.id = a.doc_id AND cd.id = b.doc_id
        RETURN dd.source AS district_source, a.value AS district_value, a.unit AS district_unit,
               a.metric AS district_metric, a.indicator AS district_indicator,
               cd.source AS city_source, b.value AS city_value, b.unit AS city_unit,
               b.metric AS city_metric, b.indicator AS city_indicator,
               r.share AS share, r.gap AS gap, r.gap_label AS gap_label, r.year_gap AS year_gap,
               r.basis AS basis, r.flagged AS flagged, a.text AS district_text, b.text AS city_text
        ORDER BY district_source, city_source, district_indicator""")


def document_summary(store: GraphStore) -> list[dict]:
    """Per document: how many sections, tasks, targets, departments, leaders and citations it has."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    queries = {
        "sections": "MATCH (s:Section) RETURN s.doc_id AS doc, count(s) AS n",
        "tasks": "MATCH (t:Task) RETURN t.doc_id AS doc, count(t) AS n",
        "targets": "MATCH (g:Target) RETURN g.doc_id AS doc, count(g) AS n",
        "departments": "MATCH (t:Task)-[:OWNED_BY]->(d:Department) RETURN t.doc_id AS doc, count(DISTINCT d.id) AS n",
        "leaders": "MATCH (t:Task)-[:LED_BY]->(l:Leader) RETURN t.doc_id AS doc, count(DISTINCT l.id) AS n",
        "citations": "MATCH (c:Citation) RETURN c.doc_id AS doc, count(DISTINCT c.title) AS n",
    }
    for column, cypher in queries.items():
        for r in _rows(store, cypher):
            counts[r["doc"]][column] = r["n"]
    out = []
    for d in _rows(store, "MATCH (d:Document) RETURN d.id AS id, d.source AS source, d.region AS region, d.year AS year ORDER BY source"):
        out.append({"source": d["source"], "region": d["region"], "year": d["year"],
                    **{c: counts[d["id"]].get(c, 0) for c in queries}})
    return out


EXPORTS: dict[str, Callable[[GraphStore], list[dict]]] = {
    "documents": export_documents,
    "sections": export_sections,
    "tasks": export_tasks,
    "targets": export_targets,
    "citations": export_citations,
    "alignments": export_alignments,
}
