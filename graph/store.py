"""The storage interface every backend implements, and how to open one.

Backends: `ladybug` (embedded, on disk, the default) and `neo4j` (Bolt, the
official driver). Both are written from the same records and answer the same
named queries, so callers never branch on the backend.
"""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from policykg.graph.results import QueryResult
from policykg.graph.schema import Schema, coerce, load_schema
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord

DEFAULT_DB = os.path.join("data", "policykg.lbdb")


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

    # -- writes -------------------------------------------------------------
    @abstractmethod
    def write_document(self, graph: DocumentGraph) -> WriteResult:
        """Replace the document with the same `source` by `graph`, in one transaction."""

    @abstractmethod
    def replace_derived(self, edges: list[EdgeRecord], node_updates: list[NodeRecord] | None = None,
                        nodes: list[NodeRecord] | None = None) -> None:
        """Replace everything derived across documents, in one transaction.

        Drops every derived relationship (alignment, lineage, citation resolution) and
        every node of a derived label (PolicyDocument), then writes `nodes` (of derived
        labels only), sets `node_updates` properties on existing nodes (e.g.
        Target.status) and writes `edges`."""

    @abstractmethod
    def delete_document(self, source: str) -> bool:
        """Remove a document's subgraph; False when no such document is loaded."""

    # -- reads --------------------------------------------------------------
    @abstractmethod
    def query(self, cypher: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run one Cypher statement with parameters and return plain values."""

    def document_hash(self, source: str) -> str | None:
        rows = self.query("MATCH (d:Document) WHERE d.source = $source RETURN d.content_hash", {"source": source}).rows
        return rows[0][0] if rows else None

    def counts(self) -> dict[str, int]:
        out = {}
        for label in self.schema.nodes:
            out[label] = self.query(f"MATCH (n:{label}) RETURN count(n)").rows[0][0]
        for rel in self.schema.relationships:
            out[rel] = self.query(f"MATCH ()-[r:{rel}]->() RETURN count(r)").rows[0][0]
        return out

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- statements shared by backends (the common Cypher subset) -------------
    def orphan_statements(self) -> list[str]:
        """Delete shared nodes that nothing keeps alive any more (see `kept_by` in the schema).

        Run twice: a bureau is kept by its sections' PART_OF edges until they go.
        `NOT ()-[:T]->(n)` runs on LadybugDB, Neo4j 5 and FalkorDB alike."""
        stmts = []
        for spec in self.schema.nodes.values():
            if spec.shared:
                keep = " AND ".join(f"NOT ()-[:{rel}]->(n)" for rel in spec.kept_by) or "NOT ()-->(n)"
                stmts.append(f"MATCH (n:{spec.label}) WHERE {keep} DETACH DELETE n")
        return stmts + stmts

    def derived_reset_statements(self, nodes: list[NodeRecord] | None) -> list[str]:
        """Statements that drop every derived relationship and node, before `replace_derived` rewrites them."""
        derived_labels = set(self.schema.derived_labels)
        stray = {n.label for n in nodes or []} - derived_labels
        if stray:
            raise ValueError(f"replace_derived writes only derived labels, not {sorted(stray)}")
        return ([f"MATCH ()-[r:{rel}]->() DELETE r" for rel in self.schema.derived_relationships]
                + [f"MATCH (n:{label}) DETACH DELETE n" for label in sorted(derived_labels)])

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
        return [(f"UNWIND $rows AS r MATCH (n:{label} {{{self.schema.node(label).key}: r.id}}) SET n.{prop} = r.v", {"rows": rows})
                for (label, prop), rows in grouped.items()]

    def edge_statement(self, rel: str, a: str, b: str, fields: list[str]) -> str:
        """UNWIND $rows (f, t, properties) into relationships.

        An edge between two shared nodes (a section PART_OF its bureau) is MERGEd: it
        is written again by every document that mentions them and must stay single."""
        props = ", ".join(f"{p}: r.{p}" for p in fields)
        props = f" {{{props}}}" if props else ""
        ka, kb = self.schema.node(a).key, self.schema.node(b).key
        verb = "MERGE" if self.schema.node(a).shared and self.schema.node(b).shared else "CREATE"
        return f"UNWIND $rows AS r MATCH (a:{a} {{{ka}: r.f}}) MATCH (b:{b} {{{kb}: r.t}}) {verb} (a)-[:{rel}{props}]->(b)"

    # -- helpers shared by backends ------------------------------------------
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


def dedupe_by_key(rows: list[dict], key: str) -> list[dict]:
    """The first row for each key (a shared node mentioned twice in one batch is written once)."""
    seen: dict[str, dict] = {}
    for row in rows:
        seen.setdefault(row[key], row)
    return list(seen.values())


def open_store(backend: str | None = None, *, db_path: str | None = None, read_only: bool = False, **options) -> GraphStore:
    """Open the configured backend. `backend` defaults to $POLICYKG_BACKEND or `ladybug`."""
    backend = (backend or os.environ.get("POLICYKG_BACKEND") or "ladybug").lower()
    if backend == "ladybug":
        from policykg.graph.ladybug_store import LadybugStore

        return LadybugStore(db_path or os.environ.get("POLICYKG_DB") or DEFAULT_DB, read_only=read_only)
    if backend == "neo4j":
        from policykg.graph.neo4j_store import Neo4jStore

        return Neo4jStore.from_config(read_only=read_only, **options)
    raise ValueError(f"unknown backend {backend!r}: use 'ladybug' or 'neo4j'")
