"""Copy a graph from one store to another (typically the embedded LadybugDB graph to Neo4j).

Documents travel as DocumentGraphs through `write_document`, so each one is
atomic and idempotent on the target (an unchanged fingerprint is skipped);
derived relationships travel through `replace_derived`. Running it twice
changes nothing the second time.

What belongs to a document: its Document node, the nodes whose `doc_id` is
its id, every non-derived relationship with one end among those, the shared
nodes (departments, regions, programs …) those relationships reach, and what
those shared nodes reach through relationships between shared nodes (a section
PART_OF its bureau, the bureau IN_REGION) — exactly what the loader builds.
Backends MERGE relationships between shared nodes, so sending them with every
document that reaches them never duplicates them. Derived nodes and
relationships (PolicyDocument, ALIGNS_WITH …) travel with `replace_derived`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from policykg.graph import statements
from policykg.graph.batch import hashable
from policykg.graph.schema import Schema
from policykg.graph.store import GraphStore
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord

__all__ = ["Progress", "read_document_graph", "sync_to"]

Progress = Callable[[int, int, str, str], None]


def _docish(schema: Schema, label: str) -> str | None:
    """The property that ties a node of `label` to its document, or None for shared labels.

    >>> from policykg.graph.schema import load_schema
    >>> _docish(load_schema(), "Task"), _docish(load_schema(), "Document"), _docish(load_schema(), "Department")
    ('doc_id', 'id', None)
    """
    if label == "Document":
        return "id"
    spec = schema.node(label)
    return "doc_id" if spec.owned_by_document else None


def _node_props(schema: Schema, label: str, row: list) -> dict:
    return dict(zip(schema.node(label).properties, row))


def _edges(store: GraphStore, rel: str, a: str, b: str, params: dict | None = None, **where) -> list[EdgeRecord]:
    """The `rel` edges from `a` to `b` (`where`: the filters of `statements.read_edges`)."""
    spec = store.schema.rel(rel)
    out = []
    for row in store.query(statements.read_edges(store.schema, rel, a, b, **where), params or {}).rows:
        out.append(EdgeRecord(rel, a, row[0], b, row[1], dict(zip(spec.properties, row[2:]))))
    return out


def read_document_graph(store: GraphStore, doc_id: str) -> DocumentGraph:
    """One document's subgraph from `store`, as the loaders would have built it."""
    schema: Schema = store.schema
    rows = store.query(statements.read_nodes(schema, "Document", by="id"), {"id": doc_id}).rows
    if not rows:
        raise KeyError(f"no document {doc_id!r}")
    doc = _node_props(schema, "Document", rows[0])
    nodes = [NodeRecord("Document", doc)]
    for label in schema.document_owned_labels:
        for row in store.query(statements.read_nodes(schema, label, by="doc_id"), {"id": doc_id}).rows:
            nodes.append(NodeRecord(label, _node_props(schema, label, row)))
    edges: list[EdgeRecord] = []
    for rel, spec in schema.relationships.items():
        if spec.derived:
            continue
        for a, b in spec.endpoints:
            side, field = ("a", _docish(schema, a)) if _docish(schema, a) else ("b", _docish(schema, b))
            if field is None:
                continue          # shared → shared: no document's
            edges += _edges(store, rel, a, b, {"id": doc_id}, end=side, by=field)
    shared = _shared_endpoints(store, edges)
    edges += _shared_closure(store, shared)
    seen = {(n.label, n.key) for n in shared}
    shared += [n for n in _shared_endpoints(store, edges) if (n.label, n.key) not in seen]
    nodes += shared
    return DocumentGraph(doc["source"], doc_id, doc.get("fingerprint") or "", nodes, edges)


def _shared_closure(store: GraphStore, shared: list[NodeRecord]) -> list[EdgeRecord]:
    """Relationships between shared nodes reachable from `shared` (PART_OF, IN_REGION …)."""
    schema: Schema = store.schema
    frontier = {(n.label, n.key) for n in shared}
    seen, out = set(frontier), []
    while frontier:
        by_label: dict[str, list[str]] = {}
        for label, key in frontier:
            by_label.setdefault(label, []).append(key)
        frontier = set()
        for rel, spec in schema.relationships.items():
            if spec.derived:
                continue
            for a, b in spec.endpoints:
                if _docish(schema, a) is not None or _docish(schema, b) is not None or a not in by_label:
                    continue
                for e in _edges(store, rel, a, b, {"keys": sorted(by_label[a])}, keys=True):
                    out.append(e)
                    if (e.to_label, e.to_id) not in seen:
                        seen.add((e.to_label, e.to_id))
                        frontier.add((e.to_label, e.to_id))
    return out


def _shared_endpoints(store: GraphStore, edges: list[EdgeRecord]) -> list[NodeRecord]:
    schema: Schema = store.schema
    wanted: dict[str, set[str]] = {}
    for e in edges:
        for label, key in ((e.from_label, e.from_id), (e.to_label, e.to_id)):
            if _docish(schema, label) is None:
                wanted.setdefault(label, set()).add(key)
    nodes = []
    for label, keys in wanted.items():
        rows = store.query(statements.read_nodes(schema, label, keys=True, ordered=True), {"keys": sorted(keys)}).rows
        nodes += [NodeRecord(label, _node_props(schema, label, row)) for row in rows]
    return nodes


def _edge_key(e: EdgeRecord) -> tuple:
    return (e.type, e.from_label, e.from_id, e.to_label, e.to_id, tuple(sorted((k, hashable(v)) for k, v in e.props.items())))


def _derived_edges(store: GraphStore) -> list[EdgeRecord]:
    out = []
    for rel, spec in store.schema.relationships.items():
        if spec.derived:
            for a, b in spec.endpoints:
                out += _edges(store, rel, a, b)
    return out


def _all_nodes(store: GraphStore) -> dict[tuple[str, str], dict]:
    schema: Schema = store.schema
    out = {}
    for label, spec in schema.nodes.items():
        for row in store.query(statements.read_nodes(schema, label)).rows:
            props = _node_props(schema, label, row)
            out[(label, props[spec.key])] = props
    return out


def _copy_documents(source_store: GraphStore, target_store: GraphStore, progress: Progress | None,
                    prune: bool) -> tuple[int, Counter, list[str]]:
    """Write every document of the source to the target; with `prune`, delete the target's others.
    Returns (documents, statuses, deleted sources)."""
    docs = source_store.query(statements.DOCUMENT_LIST).rows
    statuses: Counter = Counter()
    for i, (source, doc_id, _fingerprint) in enumerate(docs, 1):
        result = target_store.write_document(read_document_graph(source_store, doc_id))
        statuses[result.status] += 1
        if progress:
            progress(i, len(docs), source, result.status)
    deleted = []
    if prune:
        on_target = {row[0] for row in target_store.query(statements.DOCUMENT_LIST).rows}
        for source in sorted(on_target - {row[0] for row in docs}):
            if target_store.delete_document(source):
                deleted.append(source)
    return len(docs), statuses, deleted


def _node_updates(schema: Schema, source_nodes: dict, target_nodes: dict) -> list[NodeRecord]:
    """Properties of the target's non-derived nodes that differ from the source's (e.g. Target.status)."""
    derived_labels = set(schema.derived_labels)
    updates = []
    for (label, key), props in source_nodes.items():
        theirs = target_nodes.get((label, key))
        if label in derived_labels or theirs is None:
            continue
        diff = {p: v for p, v in props.items() if theirs.get(p) != v}
        if diff:
            updates.append(NodeRecord(label, {schema.node(label).key: key, **diff}))
    return updates


def _copy_derived(source_store: GraphStore, target_store: GraphStore) -> tuple[int, list[NodeRecord], bool]:
    """Make the target's derived nodes, relationships and changed node properties the source's.
    Returns (derived edges, node updates, whether anything was written)."""
    schema = source_store.schema
    source_nodes, target_nodes = _all_nodes(source_store), _all_nodes(target_store)
    derived_labels = set(schema.derived_labels)
    derived_nodes = [NodeRecord(label, props) for (label, _), props in source_nodes.items() if label in derived_labels]
    same_nodes = all(target_nodes.get(k) == v for k, v in source_nodes.items() if k[0] in derived_labels) and \
        sum(1 for k in target_nodes if k[0] in derived_labels) == len(derived_nodes)
    updates = _node_updates(schema, source_nodes, target_nodes)
    derived = _derived_edges(source_store)
    same_derived = Counter(map(_edge_key, derived)) == Counter(map(_edge_key, _derived_edges(target_store)))
    changed = bool(updates) or not same_derived or not same_nodes
    if changed:
        target_store.replace_derived([*updates, *derived], derived_nodes)
    return len(derived), updates, changed


def sync_to(source_store: GraphStore, target_store: GraphStore, progress: Progress | None = None, *, prune: bool = True) -> dict:
    """Make `target_store` hold the same graph as `source_store`; return what was done.

    `progress(done, total, source, status)` is called after each document. With `prune`, documents the
    source no longer has are deleted from the target."""
    documents, statuses, deleted = _copy_documents(source_store, target_store, progress, prune)
    # Derived relationships, and node properties that changed without a new fingerprint (e.g. Target.status).
    derived_edges, updates, changed = _copy_derived(source_store, target_store)
    return {
        "documents": documents,
        "added": statuses["added"],
        "replaced": statuses["replaced"],
        "unchanged": statuses["unchanged"],
        "deleted": deleted,
        "node_updates": len(updates),
        "derived_edges": derived_edges,
        "derived": "replaced" if changed else "unchanged",
    }
