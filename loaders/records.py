"""Graph records: what the loaders build and the backends write."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["NodeRecord", "EdgeRecord", "DocumentGraph"]


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
