"""Resolve the 《…》 citations of all loaded plans into PolicyDocument nodes.

Whether two cited titles name the same document depends on every plan that is
loaded (an issuer prefix written in one plan only, a scope known from another),
so the loader stores each citation as a `Citation` node of its document and this
step groups them (`loaders.extract.policy_identity.resolve_documents`) into
PolicyDocument nodes with REFERS_TO, CITES and WRAPS edges.
"""
from __future__ import annotations

from types import SimpleNamespace

from policykg.graph import statements
from policykg.graph.store import GraphStore
from policykg.loaders.extract.policy_identity import resolve_documents
from policykg.loaders.records import EdgeRecord, NodeRecord

__all__ = ["derive_policy_documents"]


def derive_policy_documents(store: GraphStore) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """PolicyDocument nodes for the cited documents, and their CITES, REFERS_TO and WRAPS edges."""
    rows = store.query(statements.CITATIONS).records()
    citations = []
    for r in rows:
        mention = SimpleNamespace(written=r["title"], row=r, props={
            "title": r["title"], "scope_hint": r["scope_hint"], "citing_region": r["citing_region"], "wraps": r["wraps"]})
        citations.append((r["source"], mention))
    groups = resolve_documents(citations)

    nodes, edges = [], []
    for group in groups:
        nodes.append(NodeRecord("PolicyDocument", {
            "id": group.id, "title": group.canonical, "variants": group.variants, "scope": group.scope,
            "cited_directly": group.cited_directly,
        }))
        if group.wraps:
            edges.append(EdgeRecord("WRAPS", "PolicyDocument", group.id, "PolicyDocument", group.wraps))
        cited_by_doc: set[str] = set()
        for _source, mention in group.members:
            r = mention.row
            edges.append(EdgeRecord("REFERS_TO", "Citation", r["id"], "PolicyDocument", group.id))
            if r["doc_id"] in cited_by_doc:     # one CITES edge per document; its first citation is the evidence
                continue
            cited_by_doc.add(r["doc_id"])
            edges.append(EdgeRecord("CITES", "Document", r["doc_id"], "PolicyDocument", group.id, {
                "title": r["title"], "task_id": r["task_id"], "start_offset": r["start_offset"],
                "end_offset": r["end_offset"], "text": r["text"],
            }))
    return nodes, edges
