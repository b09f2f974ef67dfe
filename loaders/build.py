"""Build graph records from a parsed document.

This is the only place that maps normalised spans to original offsets and that
decides node ids. Ids are stable: a document's id comes from its source name
and content hash; every child's id from the document id plus its section path
(and an ordinal), so reloading the same file yields identical records.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict

from policykg.loaders.model import ParsedDocument
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord

LEADER_COLUMNS_DEFAULT = "牵头领导"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_id(source: str, text: str) -> str:
    return f"{source}@{content_hash(text)[:12]}"


class _Evidence:
    """Maps normalised spans to original offsets and the original text they cover."""

    def __init__(self, parsed: ParsedDocument):
        self.view = parsed.view

    def __call__(self, span: tuple[int, int]) -> dict:
        start, end = self.view.to_original(*span)
        return {"start_offset": start, "end_offset": end, "text": self.view.original[start:end]}


def build_records(parsed: ParsedDocument, fingerprint: str, loaded_at: str | None = None) -> DocumentGraph:
    src, meta = parsed.source, parsed.meta
    doc_id = document_id(src.source, src.text)
    evidence = _Evidence(parsed)
    nodes: list[NodeRecord] = []
    edges: list[EdgeRecord] = []
    region = meta.region

    nodes.append(NodeRecord("Document", {
        "id": doc_id, "source": src.source, "path": src.path, "format": src.format, "encoding": src.encoding,
        "content_hash": content_hash(src.text), "fingerprint": fingerprint,
        "title": meta.title, "issuer": meta.issuer, "doc_number": meta.doc_number, "issue_date": meta.issue_date,
        "year": meta.year, "region": region, "level": meta.level, "is_notice": meta.is_notice,
        "wrapped_title": meta.wrapped_title, "warnings": list(src.warnings) + list(meta.warnings) + list(parsed.warnings),
        "loaded_at": loaded_at, "text": src.text,
    }))
    if region:
        nodes.append(NodeRecord("Region", {"id": region, "name": region, "level": meta.level}))
        edges.append(EdgeRecord("IN_REGION", "Document", doc_id, "Region", region))

    # -- sections and tasks ---------------------------------------------------
    section_ids = {}
    for section in parsed.sections:
        sid = f"{doc_id}/s:{section.path}"
        section_ids[section.path] = sid
        nodes.append(NodeRecord("Section", {
            "id": sid, "doc_id": doc_id, "path": section.path, "marker": section.marker, "level": section.level,
            "ordinal": section.ordinal, "title": section.title, "theme": section.theme, **evidence(section.span),
        }))
    for section in parsed.sections:
        parent = section_ids.get(section.parent) if section.parent else None
        if parent:
            edges.append(EdgeRecord("HAS_SECTION", "Section", parent, "Section", section_ids[section.path], {"ordinal": section.ordinal}))
        else:
            edges.append(EdgeRecord("HAS_SECTION", "Document", doc_id, "Section", section_ids[section.path], {"ordinal": section.ordinal}))

    task_ids = {}
    for task in parsed.tasks:
        tid = f"{doc_id}/t:{task.path}"
        task_ids[task.path] = tid
        nodes.append(NodeRecord("Task", {
            "id": tid, "doc_id": doc_id, "path": task.path, "item": task.item, "kind": task.kind,
            "ordinal": task.ordinal, "title": task.title, "theme": getattr(task, "theme", None), **evidence(task.span),
        }))
        if task.section and task.section in section_ids:
            edges.append(EdgeRecord("HAS_TASK", "Section", section_ids[task.section], "Task", tid, {"ordinal": task.ordinal}))
        else:
            edges.append(EdgeRecord("HAS_TASK", "Document", doc_id, "Task", tid, {"ordinal": task.ordinal}))

    # -- owners ---------------------------------------------------------------
    from policykg.loaders.extract.bodies import classify_body, leader_key

    seen_bodies: dict[str, dict] = {}
    for owner in parsed.owners:
        tid = task_ids.get(owner.task)
        if tid is None:
            continue
        ev = evidence(owner.span)
        if owner.role == "leader":
            lid = leader_key(owner.name, region)
            nodes.append(NodeRecord("Leader", {"id": lid, "name": owner.name, "region": region}))
            if region:
                edges.append(EdgeRecord("IN_REGION", "Leader", lid, "Region", region))
            edges.append(EdgeRecord("LED_BY", "Task", tid, "Leader", lid, {"source_column": owner.column, "written": owner.written, **ev}))
        else:
            body = classify_body(owner.name, region)
            _add_body(nodes, edges, seen_bodies, body, region)
            edges.append(EdgeRecord("OWNED_BY", "Task", tid, "Department", body.key, {
                "role": "responsible", "source_column": owner.column, "written": owner.written,
                "inferred": owner.inferred, "rule": owner.rule, **ev,
            }))

    # -- mentions: bodies, programs, cited documents --------------------------
    for mention in parsed.mentions:
        tid = task_ids.get(mention.task) if mention.task else None
        ev = evidence(mention.span)
        if mention.label == "Department":
            if tid is None:
                continue
            body = classify_body(mention.name, region)
            _add_body(nodes, edges, seen_bodies, body, region)
            edges.append(EdgeRecord("MENTIONS", "Task", tid, "Department", body.key, {"written": mention.written, **ev}))
        elif mention.label == "Program":
            nodes.append(NodeRecord("Program", {"id": mention.name, "name": mention.name, "kind": mention.props.get("kind")}))
            if tid is not None:
                edges.append(EdgeRecord("RUNS_PROGRAM", "Task", tid, "Program", mention.name, {"written": mention.written, **ev}))
        elif mention.label == "PolicyDocument":
            # Which cited titles name the same document needs every loaded plan:
            # graph.derive resolves Citation nodes into PolicyDocuments after each load.
            props = mention.props
            cid = f"{doc_id}/c:{ev['start_offset']}"
            nodes.append(NodeRecord("Citation", {
                "id": cid, "doc_id": doc_id, "task_id": tid, "title": props.get("title") or mention.written,
                "scope_hint": props.get("scope_hint"), "citing_region": props.get("citing_region") or region,
                "wraps": props.get("wraps"), **ev,
            }))
            edges.append(EdgeRecord("HAS_CITATION", "Document", doc_id, "Citation", cid))

    # -- targets --------------------------------------------------------------
    per_task = defaultdict(int)
    for target in parsed.targets:
        anchor = target.task or "-"
        per_task[anchor] += 1
        gid = f"{doc_id}/g:{anchor}#{per_task[anchor]}"
        tid = task_ids.get(target.task) if target.task else None
        nodes.append(NodeRecord("Target", {
            "id": gid, "doc_id": doc_id, "task_id": tid, "value": target.value, "value_max": target.value_max,
            "unit": target.unit, "metric": target.metric, "indicator": target.indicator, "action": target.action,
            "kind": target.kind, "modifier": target.modifier, "conflict": bool(target.props.get("conflict")),
            "year": meta.year, "region": region, **evidence(target.span),
        }))
        if tid is not None:
            edges.append(EdgeRecord("HAS_TARGET", "Task", tid, "Target", gid))
        if target.indicator and target.indicator != "unmapped":
            nodes.append(NodeRecord("Indicator", _indicator_props(target.indicator)))
            edges.append(EdgeRecord("MEASURES", "Target", gid, "Indicator", target.indicator))

    return DocumentGraph(src.source, doc_id, fingerprint, _dedupe_nodes(nodes), edges)


def _add_body(nodes, edges, seen, body, region) -> None:
    if body.key in seen:
        return
    seen[body.key] = body
    nodes.append(NodeRecord("Department", {"id": body.key, "name": body.name, "region": body.region, "kind": body.kind, "generic": body.generic}))
    if body.region:
        nodes.append(NodeRecord("Region", {"id": body.region, "name": body.region, "level": None}))
        edges.append(EdgeRecord("IN_REGION", "Department", body.key, "Region", body.region))
    if body.parent_key and body.parent_key != body.key:
        parent_name = body.parent_key.split(":", 1)[-1]
        nodes.append(NodeRecord("Department", {"id": body.parent_key, "name": parent_name, "region": body.region, "kind": "bureau", "generic": False}))
        edges.append(EdgeRecord("PART_OF", "Department", body.key, "Department", body.parent_key))


def _indicator_props(name: str) -> dict:
    from policykg.loaders.extract.indicators import load_catalogue

    entry = load_catalogue().indicators.get(name)
    return {"id": name, "name": name, "theme": entry.theme if entry else None,
            "unit_family": "/".join(entry.units) if entry else None}


def _dedupe_nodes(nodes: list[NodeRecord]) -> list[NodeRecord]:
    """One record per (label, id); the first one wins, later ones only fill missing properties."""
    out: dict[tuple[str, str], NodeRecord] = {}
    for node in nodes:
        key = (node.label, node.key)
        if key not in out:
            out[key] = NodeRecord(node.label, dict(node.props))
        else:
            kept = out[key].props
            for k, v in node.props.items():
                if kept.get(k) is None and v is not None:
                    kept[k] = v
    return list(out.values())
