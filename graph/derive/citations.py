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

__all__ = ["derive_policy_documents", "policy_documents", "title_keys"]


def derive_policy_documents(store: GraphStore) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """PolicyDocument nodes for the cited documents, and their CITES, REFERS_TO and WRAPS edges."""
    return policy_documents(store.query(statements.CITATIONS).records())


def _citations(rows: list[dict]) -> list[tuple[str, SimpleNamespace]]:
    # One order for a whole graph's citations and a partition's: document, then place in it (nulls last).
    ordered = sorted({r["id"]: r for r in rows}.values(),
                     key=lambda r: (r["doc_id"], r["start_offset"] is None, r["start_offset"] or 0, r["id"]))
    citations = []
    for r in ordered:
        mention = SimpleNamespace(written=r["title"], row=r, props={
            "title": r["title"], "scope_hint": r["scope_hint"], "citing_region": r["citing_region"], "wraps": r["wraps"]})
        citations.append((r["source"], mention))
    return citations


def title_keys(rows: list[dict]) -> set[str]:
    """The title keys (`PolicyDocumentGroup.key`) the citation `rows` of some whole documents name,
    a cited notice's inner documents included. A key depends only on the citing plan's own citations."""
    return {group.key for group in resolve_documents(_citations(rows))}


def policy_documents(rows: list[dict], keys: set[str] | None = None) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """PolicyDocument nodes and their edges for the citation `rows` (every citation of each title key
    they name; `keys`: write only the documents of those keys)."""
    nodes, edges = [], []
    for group in resolve_documents(_citations(rows)):
        if keys is not None and group.key not in keys:
            continue
        nodes.append(NodeRecord("PolicyDocument", {
            "id": group.id, "title": group.canonical, "variants": group.variants, "scope": group.scope,
            "cited_directly": group.cited_directly, "title_key": group.key,
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
