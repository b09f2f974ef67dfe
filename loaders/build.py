"""Build graph records from a parsed document.

This is the only place that maps normalised spans to original offsets and that
decides node ids. Ids are stable: a document's id comes from its source name
and content hash; every child's id from the document id plus its section path
(and an ordinal), so reloading the same file yields identical records.

`build_records` runs named build steps in a fixed order (document, sections, tasks,
owners, mentions, targets); each appends its nodes and edges to one `_Records`. Then each
section, task and target gets its edge to the document (`records.document_links`).
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from policykg.loaders.divisions import gazetteer
from policykg.loaders.extract.bodies import BodyInfo, classify_body, leader_key
from policykg.loaders.extract.indicators import UNMAPPED, load_catalogue
from policykg.loaders.model import Mention, OwnerMention, ParsedDocument
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord, document_links

__all__ = ["content_hash", "document_id", "build_records"]


def content_hash(text: str) -> str:
    """SHA-256 of the text (UTF-8), in hex.

    Examples:
        >>> content_hash("2025年工作要点")[:12]
        '7c90e1d84c2c'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_id(source: str, text: str) -> str:
    """A document's id: its source name and the head of its content hash.

    Examples:
        >>> document_id("jinshan-2025", "2025年工作要点")
        'jinshan-2025@7c90e1d84c2c'
    """
    return f"{source}@{content_hash(text)[:12]}"


class _Evidence:
    """Maps normalised spans to original offsets and the original text they cover."""

    def __init__(self, parsed: ParsedDocument):
        self.view = parsed.view

    def __call__(self, span: tuple[int, int]) -> dict:
        start, end = self.view.to_original(*span)
        return {"start_offset": start, "end_offset": end, "text": self.view.original[start:end]}


@dataclass
class _Records:
    """One document's records as the build steps add them, and the ids they share."""
    parsed: ParsedDocument
    doc_id: str
    evidence: _Evidence
    nodes: list[NodeRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)
    section_ids: dict[str, str] = field(default_factory=dict)   # section path → node id
    task_ids: dict[str, str] = field(default_factory=dict)      # task path → node id
    bodies: dict[str, BodyInfo] = field(default_factory=dict)   # Department nodes added, by key
    owned: set[tuple[str, str]] = field(default_factory=set)    # (task id, department key) with OWNED_BY

    @property
    def region(self) -> str | None:
        return self.parsed.meta.region

    @property
    def region_key(self) -> str | None:
        """The region's graph key: its name, qualified by its city when other places share it (南京市鼓楼区)."""
        return gazetteer().qualified_name(self.region, self.chain) if self.region else None

    @property
    def chain(self) -> tuple[str, ...]:
        """The region's parents, nearest first (which city 市 means in this plan)."""
        return tuple(self.parsed.meta.region_chain)

    def task_id(self, path: str | None) -> str | None:
        """The node id of the task at `path` (None when there is no such task)."""
        return self.task_ids.get(path) if path else None


def build_records(parsed: ParsedDocument, fingerprint: str, loaded_at: str | None = None) -> DocumentGraph:
    """The graph records of one parsed document (nodes deduplicated by label and id)."""
    src = parsed.source
    out = _Records(parsed, document_id(src.source, src.text), _Evidence(parsed))
    _add_document(out, fingerprint, loaded_at)
    _add_sections(out)
    _add_tasks(out)
    _add_owners(out)
    _add_mentions(out)
    _add_targets(out)
    nodes = _dedupe_nodes(out.nodes)
    return DocumentGraph(src.source, out.doc_id, fingerprint, nodes, out.edges + document_links(out.doc_id, nodes))


# -- build steps ------------------------------------------------------------------------

def _add_document(out: _Records, fingerprint: str, loaded_at: str | None) -> None:
    src, meta, region = out.parsed.source, out.parsed.meta, out.region
    warnings = list(src.warnings) + list(meta.warnings) + list(out.parsed.warnings)
    out.nodes.append(NodeRecord("Document", {
        "id": out.doc_id, "source": src.source, "path": src.path, "format": src.format, "encoding": src.encoding,
        "content_hash": content_hash(src.text), "fingerprint": fingerprint,
        "title": meta.title, "issuer": meta.issuer, "doc_number": meta.doc_number, "issue_date": meta.issue_date,
        "year": meta.year, "region": region, "level": meta.level, "region_code": meta.region_code,
        "region_chain": list(meta.region_chain), "kind": meta.kind, "is_notice": meta.is_notice,
        "wrapped_title": meta.wrapped_title, "url": meta.url, "warnings": warnings,
        "loaded_at": loaded_at, "text": src.text,
    }))
    key = out.region_key
    if key:
        out.nodes.append(NodeRecord("Region", {"id": key, "name": key, "level": meta.level}))
        out.edges.append(EdgeRecord("IN_REGION", "Document", out.doc_id, "Region", key))


def _add_sections(out: _Records) -> None:
    """Section nodes first, then their HAS_SECTION edges (a parent may come after its child)."""
    doc_id = out.doc_id
    for section in out.parsed.sections:
        sid = out.section_ids[section.path] = f"{doc_id}/s:{section.path}"
        out.nodes.append(NodeRecord("Section", {
            "id": sid, "doc_id": doc_id, "path": section.path, "marker": section.marker, "level": section.level,
            "ordinal": section.ordinal, "title": section.title, "theme": section.theme, **out.evidence(section.span),
        }))
    for section in out.parsed.sections:
        sid = out.section_ids[section.path]
        parent = out.section_ids.get(section.parent) if section.parent else None
        ordinal = {"ordinal": section.ordinal}
        if parent:
            out.edges.append(EdgeRecord("HAS_SECTION", "Section", parent, "Section", sid, ordinal))
        else:
            out.edges.append(EdgeRecord("HAS_SECTION", "Document", doc_id, "Section", sid, ordinal))


def _add_tasks(out: _Records) -> None:
    doc_id = out.doc_id
    indicators = _indicators_by_task(out.parsed.targets)
    for task in out.parsed.tasks:
        tid = out.task_ids[task.path] = f"{doc_id}/t:{task.path}"
        out.nodes.append(NodeRecord("Task", {
            "id": tid, "doc_id": doc_id, "source": out.parsed.source.source, "path": task.path, "item": task.item,
            "kind": task.kind,
            "ordinal": task.ordinal, "title": task.title, "theme": getattr(task, "theme", None),
            "indicators": indicators.get(task.path), **out.evidence(task.span),
        }))
        ordinal = {"ordinal": task.ordinal}
        if task.section and task.section in out.section_ids:
            out.edges.append(EdgeRecord("HAS_TASK", "Section", out.section_ids[task.section], "Task", tid, ordinal))
        else:
            out.edges.append(EdgeRecord("HAS_TASK", "Document", doc_id, "Task", tid, ordinal))


def _add_owners(out: _Records) -> None:
    """LED_BY a Leader, or OWNED_BY a Department, for owners of known tasks."""
    for owner in out.parsed.owners:
        tid = out.task_ids.get(owner.task)
        if tid is None:
            continue
        if owner.role == "leader":
            _add_leader(out, tid, owner)
        else:
            _add_owning_department(out, tid, owner)


def _add_leader(out: _Records, tid: str, owner: OwnerMention) -> None:
    region = out.region_key
    lid = leader_key(owner.name, region)
    out.nodes.append(NodeRecord("Leader", {"id": lid, "name": owner.name, "region": region}))
    if region:
        out.edges.append(EdgeRecord("IN_REGION", "Leader", lid, "Region", region))
    props = {"source_column": owner.column, "written": owner.written, **out.evidence(owner.span)}
    out.edges.append(EdgeRecord("LED_BY", "Task", tid, "Leader", lid, props))


def _add_owning_department(out: _Records, tid: str, owner: OwnerMention) -> None:
    body = classify_body(owner.name, out.region, out.chain)
    _add_body(out, body)
    # One OWNED_BY per task and department, with its first mention as evidence: a table naming a
    # department twice for a task (牵头单位 and 配合单位, or two spellings of one body) owns it once.
    if (tid, body.key) in out.owned:
        return
    out.owned.add((tid, body.key))
    out.edges.append(EdgeRecord("OWNED_BY", "Task", tid, "Department", body.key, {
        "role": "responsible", "source_column": owner.column, "written": owner.written,
        "inferred": owner.inferred, "rule": owner.rule, **out.evidence(owner.span),
    }))


def _add_mentions(out: _Records) -> None:
    """Bodies, programs and cited documents named in the text."""
    for mention in out.parsed.mentions:
        if mention.label == "Department":
            _add_department_mention(out, mention)
        elif mention.label == "Program":
            _add_program(out, mention)
        elif mention.label == "PolicyDocument":
            _add_citation(out, mention)


def _add_department_mention(out: _Records, mention: Mention) -> None:
    tid = out.task_id(mention.task)
    if tid is None:
        return
    body = classify_body(mention.name, out.region, out.chain)
    _add_body(out, body)
    props = {"written": mention.written, **out.evidence(mention.span)}
    out.edges.append(EdgeRecord("MENTIONS", "Task", tid, "Department", body.key, props))


def _add_program(out: _Records, mention: Mention) -> None:
    out.nodes.append(NodeRecord("Program", {"id": mention.name, "name": mention.name, "kind": mention.props.get("kind")}))
    tid = out.task_id(mention.task)
    if tid is not None:
        props = {"written": mention.written, **out.evidence(mention.span)}
        out.edges.append(EdgeRecord("RUNS_PROGRAM", "Task", tid, "Program", mention.name, props))


def _add_citation(out: _Records, mention: Mention) -> None:
    """A Citation node: which cited titles name the same document needs every loaded plan,
    so graph.derive resolves Citation nodes into PolicyDocuments after each load."""
    props, ev = mention.props, out.evidence(mention.span)
    cid = f"{out.doc_id}/c:{ev['start_offset']}"
    out.nodes.append(NodeRecord("Citation", {
        "id": cid, "doc_id": out.doc_id, "task_id": out.task_id(mention.task), "title": props.get("title") or mention.written,
        "scope_hint": props.get("scope_hint"), "citing_region": props.get("citing_region") or out.region,
        "wraps": props.get("wraps"), **ev,
    }))
    out.edges.append(EdgeRecord("HAS_CITATION", "Document", out.doc_id, "Citation", cid))


def _indicators_by_task(targets: list) -> dict[str, list[str]]:
    """Task path → the indicators of the targets stated in it, each once, in code-point order.

    >>> from types import SimpleNamespace as T
    >>> _indicators_by_task([T(task="一/1", indicator="养老床位"), T(task="一/1", indicator="unmapped"),
    ...                      T(task="一/1", indicator="养老床位"), T(task=None, indicator="社区长者食堂")])
    {'一/1': ['unmapped', '养老床位']}
    """
    out: defaultdict[str, set[str]] = defaultdict(set)
    for target in targets:
        if target.task and target.indicator:
            out[target.task].add(target.indicator)
    return {path: sorted(names) for path, names in out.items()}


def _add_targets(out: _Records) -> None:
    """Target nodes, numbered per task (`…/g:<task path>#<n>`), and the indicators they measure."""
    meta, doc_id = out.parsed.meta, out.doc_id
    per_task: defaultdict[str, int] = defaultdict(int)
    for target in out.parsed.targets:
        anchor = target.task or "-"
        per_task[anchor] += 1
        gid = f"{doc_id}/g:{anchor}#{per_task[anchor]}"
        tid = out.task_id(target.task)
        out.nodes.append(NodeRecord("Target", {
            "id": gid, "doc_id": doc_id, "task_id": tid, "value": target.value, "value_max": target.value_max,
            "unit": target.unit, "metric": target.metric, "indicator": target.indicator, "action": target.action,
            "kind": target.kind, "modifier": target.modifier, "comparator": target.props.get("comparator"),
            "conflict": bool(target.props.get("conflict")),
            "year": meta.year, "region": out.region, **out.evidence(target.span),
        }))
        if tid is not None:
            out.edges.append(EdgeRecord("HAS_TARGET", "Task", tid, "Target", gid))
        if target.indicator and target.indicator != UNMAPPED:
            out.nodes.append(NodeRecord("Indicator", _indicator_props(target.indicator)))
            out.edges.append(EdgeRecord("MEASURES", "Target", gid, "Indicator", target.indicator))


# -- shared nodes ---------------------------------------------------------------------------

def _add_body(out: _Records, body: BodyInfo) -> None:
    """A Department node (once per key), its region, and the bureau it is PART_OF."""
    if body.key in out.bodies:
        return
    out.bodies[body.key] = body
    out.nodes.append(NodeRecord("Department", {
        "id": body.key, "name": body.name, "region": body.region, "kind": body.kind, "generic": body.generic}))
    if body.region:
        out.nodes.append(NodeRecord("Region", {"id": body.region, "name": body.region, "level": None}))
        out.edges.append(EdgeRecord("IN_REGION", "Department", body.key, "Region", body.region))
    if body.parent_key and body.parent_key != body.key:
        parent_name = body.parent_key.split(":", 1)[-1]
        out.nodes.append(NodeRecord("Department", {
            "id": body.parent_key, "name": parent_name, "region": body.region, "kind": "bureau", "generic": False}))
        out.edges.append(EdgeRecord("PART_OF", "Department", body.key, "Department", body.parent_key))


def _indicator_props(name: str) -> dict:
    """An Indicator node's properties from the catalogue (theme and unit families).

    Examples:
        >>> _indicator_props("养老床位")
        {'id': '养老床位', 'name': '养老床位', 'theme': '养老服务', 'unit_family': 'count_beds'}
        >>> _indicator_props("不在目录中")["theme"] is None
        True
    """
    entry = load_catalogue().indicators.get(name)
    return {"id": name, "name": name, "theme": entry.theme if entry else None,
            "unit_family": "/".join(entry.units) if entry else None}


def _dedupe_nodes(nodes: list[NodeRecord]) -> list[NodeRecord]:
    """One record per (label, id); the first one wins, later ones only fill missing properties.

    Examples:
        >>> a = NodeRecord("Region", {"id": "金山区", "level": None})
        >>> b = NodeRecord("Region", {"id": "金山区", "level": "district"})
        >>> [n.props for n in _dedupe_nodes([a, b])]
        [{'id': '金山区', 'level': 'district'}]
    """
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
