"""Graph records: what the loaders build and the backends write."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["NodeRecord", "EdgeRecord", "DocumentGraph", "DOCUMENT_LINKS", "document_links"]


@dataclass
class NodeRecord:
    label: str
    props: dict[str, Any]

    @property
    def key(self) -> str:
        return self.props["id"]


@dataclass
class EdgeRecord:
    type: str
    from_label: str
    from_id: str
    to_label: str
    to_id: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class DocumentGraph:
    """One document's subgraph plus the shared nodes it refers to."""
    source: str
    doc_id: str
    fingerprint: str        # changes when the text, the extractors or their vocabularies change
    nodes: list[NodeRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)

    def count(self, label: str) -> int:
        return sum(1 for n in self.nodes if n.label == label)


# The relationship that links a node of each label to its document, beside its `doc_id` property
# (graph/schema.yaml says why: queries that start from one document follow it).
DOCUMENT_LINKS = {"Section": "SECTION_OF", "Task": "TASK_OF", "Target": "TARGET_OF"}


def document_links(doc_id: str, nodes: list[NodeRecord]) -> list[EdgeRecord]:
    """The edges from each section, task and target of `nodes` to the document `doc_id`.

    Examples:
        >>> nodes = [NodeRecord("Task", {"id": "d/t:1"}), NodeRecord("Department", {"id": "金山区:区民政局"})]
        >>> [(e.type, e.from_id, e.to_id) for e in document_links("d", nodes)]
        [('TASK_OF', 'd/t:1', 'd')]
    """
    return [EdgeRecord(DOCUMENT_LINKS[n.label], n.label, n.key, "Document", doc_id)
            for n in nodes if n.label in DOCUMENT_LINKS]
