"""What a batch of first loads leaves in the graph, worked out before anything is written.

`write_document` writes a document's nodes and edges (shared nodes merged by key: the first writer
creates them, later documents leave them as they are) and then deletes the shared nodes nothing keeps
alive any more. A backend that writes many new documents at once (`GraphStore.write_documents`:
LadybugDB's `COPY`, Neo4j's batched `UNWIND`) must leave exactly the graph that writing them one by
one leaves. `plan_batch` computes that graph from the records alone, in the batch's order:

- a shared node is created with the properties of the first document that keeps it (an incoming
  `kept_by` edge from a node alive at that point), unless it is already stored; a shared node no
  document keeps is never created (one by one, it would be created and swept straight away);
- an edge is written when both its ends are alive after its document (ends that are neither written by
  the batch nor stored are dropped, as a MATCH that finds nothing drops them); an edge between two
  shared nodes (MERGEd one by one) is written once, and not at all when it is stored already.

What is stored comes from the backend through two callables, so this module sends no Cypher.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from policykg.graph.schema import Schema, coerce
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord

__all__ = ["BatchPlan", "StoredKeys", "StoredEdges", "plan_batch", "runs_of_first_loads", "edge_row", "hashable"]

# (label, keys) -> the keys of that label that are stored
StoredKeys = Callable[[str, set[str]], set[str]]
# ((type, from label, to label), from keys) -> the stored edges (from key, to key, properties …) of that kind
StoredEdges = Callable[[tuple[str, str, str], set[str]], set[tuple]]


@dataclass
class BatchPlan:
    """The nodes to create and the edges to write for a batch of documents none of which is stored."""
    nodes: list[NodeRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)


def runs_of_first_loads(graphs: list[DocumentGraph], stored_sources: set[str]) -> list[tuple[bool, list[DocumentGraph]]]:
    """Split a batch, in order, into runs of first loads (True) and runs of documents to write one by one.

    A document is a first load when no version of its source is stored and no earlier document of the
    batch has its source; keeping the order keeps "first writer creates" exactly as one by one.

    >>> g = lambda s: DocumentGraph(s, s + "@1", "1")
    >>> [(first, [d.source for d in run]) for first, run in runs_of_first_loads([g("a"), g("b"), g("a"), g("c")], {"c"})]
    [(True, ['a', 'b']), (False, ['a', 'c'])]
    >>> runs_of_first_loads([], set())
    []
    """
    runs: list[tuple[bool, list[DocumentGraph]]] = []
    seen = set(stored_sources)
    for graph in graphs:
        first = graph.source not in seen
        seen.add(graph.source)
        if runs and runs[-1][0] == first:
            runs[-1][1].append(graph)
        else:
            runs.append((first, [graph]))
    return runs


class _Planner:
    """Walks the batch in order, tracking which keys are alive (stored, or written by an earlier document)."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self.alive: dict[str, set[str]] = defaultdict(set)
        self.keys = {label: spec.key for label, spec in schema.nodes.items()}
        self.shared = {label for label, spec in schema.nodes.items() if spec.shared}

    def _key(self, node: NodeRecord) -> str:
        return node.props[self.keys[node.label]]

    def read_stored(self, graphs: list[DocumentGraph], stored_keys: StoredKeys) -> None:
        """Which keys the batch names are stored already, one read per label: every shared node, and edge
        ends the batch does not write (a first load's own nodes are new: their keys carry its document id)."""
        written = {(n.label, self._key(n)) for g in graphs for n in g.nodes if n.label not in self.shared}
        named: dict[str, set[str]] = defaultdict(set)
        for graph in graphs:
            for node in graph.nodes:
                if node.label in self.shared:
                    named[node.label].add(self._key(node))
            for edge in graph.edges:
                for end in ((edge.from_label, edge.from_id), (edge.to_label, edge.to_id)):
                    if end not in written:
                        named[end[0]].add(end[1])
        for label, keys in named.items():
            self.alive[label] |= stored_keys(label, keys)

    def document(self, graph: DocumentGraph, plan: BatchPlan) -> None:
        """Add what `graph`, written after the documents before it, leaves in the graph."""
        shared = [n for n in graph.nodes if n.label in self.shared]
        for node in graph.nodes:
            if node.label not in self.shared:
                plan.nodes.append(node)
                self.alive[node.label].add(self._key(node))
        for node in self._kept(graph, shared):
            self.alive[node.label].add(self._key(node))
            plan.nodes.append(node)
        plan.edges += [e for e in graph.edges
                       if e.from_id in self.alive[e.from_label] and e.to_id in self.alive[e.to_label]]

    def _kept(self, graph: DocumentGraph, shared: list[NodeRecord]) -> list[NodeRecord]:
        """The shared nodes `graph` creates: not alive yet, and kept by an edge from a live node (to a
        fixed point: a bureau is kept by a section that is itself kept). The first record of a key wins."""
        new: dict[tuple[str, str], NodeRecord] = {}
        for node in shared:
            if self._key(node) not in self.alive[node.label]:
                new.setdefault((node.label, self._key(node)), node)
        keeping = [e for e in graph.edges
                   if (e.to_label, e.to_id) in new and e.type in self.schema.node(e.to_label).kept_by]
        kept: dict[tuple[str, str], NodeRecord] = {}
        changed = True
        while changed:
            changed = False
            for edge in keeping:
                end = (edge.to_label, edge.to_id)
                if end not in kept and (edge.from_id in self.alive[edge.from_label] or (edge.from_label, edge.from_id) in kept):
                    kept[end] = new[end]
                    changed = True
        return [node for key, node in new.items() if key in kept]


def plan_batch(schema: Schema, graphs: Iterable[DocumentGraph], stored_keys: StoredKeys,
               stored_edges: StoredEdges) -> BatchPlan:
    """The nodes to create and edges to write so the graph ends as writing `graphs` one by one would leave it.

    `graphs` are first loads (no version of their sources is stored; see `runs_of_first_loads`)."""
    graphs = list(graphs)
    planner = _Planner(schema)
    planner.read_stored(graphs, stored_keys)
    plan = BatchPlan()
    for graph in graphs:
        planner.document(graph, plan)
    plan.edges = _merged_once(schema, plan.edges, stored_edges)
    return plan


def edge_row(schema: Schema, edge: EdgeRecord) -> tuple:
    """(from key, to key, properties typed by the schema, in its order, lists as tuples): what a stored edge reads as."""
    spec = schema.rel(edge.type)
    return (edge.from_id, edge.to_id) + tuple(hashable(coerce(edge.props.get(p), t)) for p, t in spec.properties.items())


def hashable(value):
    """A stored value as a set member: a list (STRING[]) as a tuple."""
    return tuple(value) if isinstance(value, list) else value


def _merged_once(schema: Schema, edges: list[EdgeRecord], stored_edges: StoredEdges) -> list[EdgeRecord]:
    """Edges between two shared nodes are MERGEd one by one: keep the first of equal ones, none that is stored."""
    merged = {(e.type, e.from_label, e.to_label) for e in edges
              if schema.node(e.from_label).shared and schema.node(e.to_label).shared}
    stored: dict[tuple[str, str, str], set[tuple]] = {}
    for kind in merged:
        stored[kind] = stored_edges(kind, {e.from_id for e in edges if (e.type, e.from_label, e.to_label) == kind})
    out = []
    for edge in edges:
        kind = (edge.type, edge.from_label, edge.to_label)
        if kind in stored:
            row = edge_row(schema, edge)
            if row in stored[kind]:
                continue
            stored[kind].add(row)
        out.append(edge)
    return out
