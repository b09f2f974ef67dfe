"""The storage interface every backend implements, and how to open one.

Backends: `ladybug` (embedded, on disk, the default) and `neo4j` (Bolt, the
official driver). Both are written from the same records and answer the same
named queries, so callers never branch on the backend.

Backends register themselves as entry points of the group `policykg.backends`
(pyproject.toml): `open_store` loads only the one asked for, so this module never
imports its subclasses and the embedded path never imports the Neo4j driver.
"""
from __future__ import annotations

import itertools
import os
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import entry_points
from typing import Any

from policykg.graph import statements
from policykg.graph.errors import QueryError, StoreError
from policykg.graph.results import QueryResult
from policykg.graph.schema import Schema, coerce, load_schema
from policykg.loaders.records import DOCUMENT_LINKS, DocumentGraph, EdgeRecord, NodeRecord

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "DERIVED_PER_TRANSACTION", "DerivedScope", "WriteResult", "GraphStore",
           "dedupe_by_key", "chunked", "derived_chunks", "backend_names", "open_store"]

BACKENDS = "policykg.backends"     # the entry-point group backends register under
DEFAULT_BACKEND = "ladybug"
# Derived edges (and node updates) written per transaction by `replace_derived`: one transaction for a
# whole derived layer (700,000 edges at 10,000 plans) held it all in the engine's memory until COMMIT.
DERIVED_PER_TRANSACTION = 50_000


@dataclass
class DerivedScope:
    """The part of the derived layer an incremental derivation rewrites.

    `from_docs`: derived relationship type → the documents whose nodes start the relationships
    dropped (a Document itself, or the Target/Task/Section it owns); `nodes`: derived label →
    (property, values) of the derived nodes dropped, with every relationship they have."""
    from_docs: dict[str, list[str]] = field(default_factory=dict)
    nodes: dict[str, tuple[str, list]] = field(default_factory=dict)


@dataclass
class WriteResult:
    source: str
    doc_id: str
    status: str            # added | replaced | unchanged
    nodes: int = 0
    edges: int = 0


class GraphStore(ABC):
    """A graph backend. Writes are per document and atomic; reads take parameters only."""

    name = "abstract"

    def __init__(self, schema: Schema | None = None):
        self.schema = schema or load_schema()

    @classmethod
    @abstractmethod
    def open(cls, *, db_path: str | None = None, read_only: bool = False, **options: Any) -> GraphStore:
        """Open the store from the configuration (`db_path` for an embedded one, `options` for a server)."""

    # -- writes -------------------------------------------------------------
    @abstractmethod
    def write_document(self, graph: DocumentGraph) -> WriteResult:
        """Replace the document with the same `source` by `graph`, in one transaction."""

    def write_documents(self, graphs: Iterable[DocumentGraph]) -> list[WriteResult]:
        """Write many documents, each as by `write_document`; the results in the order of `graphs`.

        The interface the loader calls with a batch of parsed plans. A backend may write a batch
        through a faster path (bulk copy, batched UNWIND) as long as the graph ends exactly as one by
        one and a failure leaves every document either wholly old or wholly new. After an exception,
        writing the documents again one by one says which one failed (a document written already is
        `unchanged`). This default writes them one by one."""
        return [self.write_document(g) for g in graphs]

    @abstractmethod
    def replace_derived(self, writes: Iterable[EdgeRecord | NodeRecord], nodes: list[NodeRecord] | None = None) -> None:
        """Replace everything derived across documents, in several transactions.

        The first marks the derived layer incomplete (`derived_layer_complete`), drops every
        derived relationship (alignment, lineage, citation resolution) and every node of a
        derived label (PolicyDocument), and writes `nodes` (of derived labels only). Then
        `writes`, which may be a generator consumed once, are written DERIVED_PER_TRANSACTION at a
        time (`derived_chunks`): each EdgeRecord a derived relationship, each NodeRecord properties
        set on an existing node (e.g. Target.status); the last transaction marks the layer complete.
        Cut short, the layer stays marked incomplete, and the next load or derivation recomputes all of it."""

    def replace_derived_for(self, scope: DerivedScope, edges: list[EdgeRecord],
                            node_updates: list[NodeRecord] | None = None, nodes: list[NodeRecord] | None = None) -> None:
        """Replace the part of the derived layer `scope` names, in one transaction (incremental derivation).

        Drops the derived relationships and nodes `scope` names, then writes `nodes` (of derived
        labels only), sets `node_updates` on existing nodes and writes `edges`; the rest of the
        derived layer stays as it is."""
        raise NotImplementedError(f"the {self.name} backend has no incremental derivation")

    @abstractmethod
    def delete_document(self, source: str) -> bool:
        """Remove a document's subgraph; False when no such document is loaded."""

    # -- reads --------------------------------------------------------------
    @abstractmethod
    def query(self, cypher: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run one Cypher statement with parameters and return plain values."""

    def derived_layer_complete(self) -> bool:
        """False when a full derivation was cut short (a crash, a kill): the links across documents are
        partly written. True on a new graph, and on one written before the layer had a state."""
        try:
            rows = self.query(statements.DERIVED_LAYER_STATE, {"id": statements.DERIVED_LAYER_KEY}).rows
        except QueryError:       # no state table: a graph of an earlier version, opened read-only
            return True
        return not rows or rows[0][0] is not False

    def unlinked_labels(self) -> list[str]:
        """The labels whose nodes lack their link to their document (SECTION_OF, TASK_OF, TARGET_OF): a
        graph written by a policykg before the links. Opening it for writing adds them (`link_statements`);
        the named queries follow them, so a read-only open refuses such a graph (`require_links`)."""
        out = []
        for label, rel in DOCUMENT_LINKS.items():
            has_nodes, has_links = statements.document_link_probe(label, rel)
            if not self.query(has_nodes).rows[0][0]:
                continue
            try:
                linked = self.query(has_links).rows[0][0]
            except QueryError:      # no such relationship table: LadybugDB, opened read-only
                linked = 0
            if not linked:
                out.append(label)
        return out

    def link_statements(self) -> list[str]:
        """The statements that add the missing document links, one per label (each one transaction)."""
        return [statements.link_to_documents(label, DOCUMENT_LINKS[label]) for label in self.unlinked_labels()]

    def require_links(self, where: str) -> None:
        if self.unlinked_labels():
            raise StoreError(f"the graph at {where} was written by an earlier policykg: run `policykg derive --all` "
                             "once to upgrade it (any command that writes to it does)")

    def document_hash(self, source: str) -> str | None:
        rows = self.query(statements.DOCUMENT_HASH, {"source": source}).rows
        return rows[0][0] if rows else None

    def counts(self) -> dict[str, int]:
        out = {}
        for label in self.schema.nodes:
            out[label] = self.query(statements.count_nodes(label)).rows[0][0]
        for rel in self.schema.relationships:
            out[rel] = self.query(statements.count_relationships(rel)).rows[0][0]
        return out

    @abstractmethod
    def close(self) -> None:
        """Release the database (and its lock or connections); closing twice is harmless."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- statements shared by backends (the common Cypher subset) -------------
    def derived_reset_statements(self, nodes: list[NodeRecord] | None) -> list[str]:
        """Statements that drop every derived relationship and node, before `replace_derived` rewrites them."""
        stray = {n.label for n in nodes or []} - set(self.schema.derived_labels)
        if stray:
            raise ValueError(f"replace_derived writes only derived labels, not {sorted(stray)}")
        return statements.derived_resets(self.schema)

    def derived_scope_statements(self, scope: DerivedScope, nodes: list[NodeRecord] | None,
                                 edges: list[EdgeRecord]) -> list[tuple[str, dict]]:
        """(statement, parameters) dropping the part of the derived layer `scope` names, before
        `replace_derived_for` rewrites it."""
        stray = {n.label for n in nodes or []} - set(self.schema.derived_labels)
        stray |= {e.type for e in edges} - set(self.schema.derived_relationships)
        stray |= set(scope.from_docs) - set(self.schema.derived_relationships)
        stray |= set(scope.nodes) - set(self.schema.derived_labels)
        if stray:
            raise ValueError(f"replace_derived_for writes only the derived layer, not {sorted(stray)}")
        out = [(statements.derived_resets_for(self.schema, rel), {"docs": sorted(set(docs))})
               for rel, docs in sorted(scope.from_docs.items()) if docs]
        out += [(statements.derived_node_resets_for(label, prop), {"values": sorted(set(values))})
                for label, (prop, values) in sorted(scope.nodes.items()) if values]
        return out

    def mark_derived_layer(self, complete: bool) -> tuple[str, dict]:
        """(statement, parameters) recording whether the derived layer is whole, for `replace_derived`."""
        return statements.MARK_DERIVED_LAYER, {"id": statements.DERIVED_LAYER_KEY, "complete": complete,
                                               "at": datetime.now(UTC).replace(microsecond=0).isoformat()}

    def node_update_statements(self, nodes: list[NodeRecord]) -> list[tuple[str, dict]]:
        """(statement, parameters) setting properties of existing nodes, one statement per label and property,
        with values typed by the schema."""
        grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for node in nodes:
            spec = self.schema.node(node.label)
            unknown = set(node.props) - set(spec.properties)
            if unknown:
                raise ValueError(f"{node.label} has properties not in the schema: {sorted(unknown)}")
            for prop, value in node.props.items():
                if prop != spec.key:
                    grouped[(node.label, prop)].append({"id": node.props[spec.key], "v": coerce(value, spec.properties[prop])})
        return [(statements.set_property(label, self.schema.node(label).key, prop), {"rows": rows})
                for (label, prop), rows in grouped.items()]

    # -- helpers shared by backends ------------------------------------------
    def orphan_candidates(self, read: Callable[[str, dict], list[list]], old_ids: list[str],
                          nodes: Iterable[NodeRecord] = ()) -> dict[str, list[str]]:
        """label -> keys of the shared nodes a write or delete may leave with nothing keeping them alive.

        Those the new version names (`nodes`), those the old versions `old_ids` point at, and, to a fixed
        point, the shared nodes those point at (a department's bureau and region). `read(statement,
        parameters)` returns rows; call this before the old versions are deleted. The orphan sweep then
        looks at these alone, not at every shared node of the graph."""
        found: dict[str, set[str]] = defaultdict(set)
        for node in nodes:
            spec = self.schema.node(node.label)
            if spec.shared:
                found[node.label].add(node.props[spec.key])
        if old_ids:
            for label, stmt in statements.shared_touched(self.schema):
                found[label] |= {row[0] for row in read(stmt, {"old": old_ids})}
        frontier = {label: set(keys) for label, keys in found.items()}
        neighbours = statements.shared_neighbours(self.schema)
        while frontier:
            reached: dict[str, set[str]] = defaultdict(set)
            for a, b, stmt in neighbours:
                if frontier.get(a):
                    reached[b] |= {row[0] for row in read(stmt, {"keys": sorted(frontier[a])})} - found[b]
            for label, keys in reached.items():
                found[label] |= keys
            frontier = {label: keys for label, keys in reached.items() if keys}
        return {label: sorted(keys) for label, keys in found.items() if keys}

    def orphan_sweep(self, candidates: dict[str, list[str]]) -> list[tuple[str, dict]]:
        """(statement, parameters) deleting those of `candidates` nothing keeps alive (two passes, see statements)."""
        return [(stmt, {"keys": candidates[label]}) for label, stmt in statements.orphan_deletes(self.schema)
                if candidates.get(label)]

    def node_rows(self, nodes: Iterable[NodeRecord]) -> dict[str, list[dict]]:
        """Group nodes by label, with every schema property present and typed."""
        grouped: dict[str, list[dict]] = defaultdict(list)
        for node in nodes:
            spec = self.schema.node(node.label)
            unknown = set(node.props) - set(spec.properties)
            if unknown:
                raise ValueError(f"{node.label} has properties not in the schema: {sorted(unknown)}")
            grouped[node.label].append({p: coerce(node.props.get(p), t) for p, t in spec.properties.items()})
        return grouped

    def edge_rows(self, edges: Iterable[EdgeRecord]) -> dict[tuple[str, str, str], list[dict]]:
        """Group edges by (type, from label, to label), with typed properties."""
        grouped: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        for edge in edges:
            spec = self.schema.rel(edge.type)
            if (edge.from_label, edge.to_label) not in spec.endpoints:
                raise ValueError(f"{edge.type} does not connect {edge.from_label} to {edge.to_label}")
            unknown = set(edge.props) - set(spec.properties)
            if unknown:
                raise ValueError(f"{edge.type} has properties not in the schema: {sorted(unknown)}")
            row = {"f": edge.from_id, "t": edge.to_id}
            row.update({p: coerce(edge.props.get(p), t) for p, t in spec.properties.items()})
            grouped[(edge.type, edge.from_label, edge.to_label)].append(row)
        return grouped


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Lists of `size` items (the last shorter) from any iterable, a generator consumed once.

    >>> list(chunked(iter(range(5)), 2)), list(chunked([], 3))
    ([[0, 1], [2, 3], [4]], [])
    """
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def derived_chunks(writes: Iterable[EdgeRecord | NodeRecord], size: int) -> Iterator[tuple[list[NodeRecord], list[EdgeRecord]]]:
    """(node updates, relationships) of each `size` writes in turn, from any iterable, a generator consumed once.

    >>> w = [NodeRecord("Target", {"id": "t1", "status": "new"}), EdgeRecord("SUCCEEDS", "Document", "b", "Document", "a", {})]
    >>> [(len(updates), len(edges)) for updates, edges in derived_chunks(iter(w * 3), 4)]
    [(2, 2), (1, 1)]
    """
    for chunk in chunked(writes, size):
        updates = [w for w in chunk if isinstance(w, NodeRecord)]
        yield updates, [w for w in chunk if not isinstance(w, NodeRecord)]


def dedupe_by_key(rows: list[dict], key: str) -> list[dict]:
    """The first row for each key (a shared node mentioned twice in one batch is written once).

    >>> dedupe_by_key([{"id": "a", "n": 1}, {"id": "b", "n": 2}, {"id": "a", "n": 3}], "id")
    [{'id': 'a', 'n': 1}, {'id': 'b', 'n': 2}]
    """
    seen: dict[str, dict] = {}
    for row in rows:
        seen.setdefault(row[key], row)
    return list(seen.values())


def backend_names() -> list[str]:
    """The installed backends (entry points of the group `policykg.backends`).

    >>> {"ladybug", "neo4j"} <= set(backend_names())
    True
    """
    return sorted({ep.name for ep in entry_points(group=BACKENDS)})


def open_store(backend: str | None = None, *, db_path: str | None = None, read_only: bool = False, **options) -> GraphStore:
    """Open the configured backend. `backend` defaults to $POLICYKG_BACKEND or `ladybug`."""
    name = (backend or os.environ.get("POLICYKG_BACKEND") or DEFAULT_BACKEND).lower()
    found = sorted(entry_points(group=BACKENDS, name=name), key=lambda ep: ep.value)
    if not found:
        names = backend_names()
        if not names:
            raise StoreError(f"no storage backend is installed (entry points {BACKENDS}): "
                             "reinstall policykg, e.g. pip install -e .")
        raise ValueError(f"unknown backend {name!r}: use {' or '.join(repr(n) for n in names)}")
    store_class = found[0].load()
    return store_class.open(db_path=db_path, read_only=read_only, **options)
