"""Cross-document links, recomputed over every loaded document after each load.

`derive_all(store)` reads a snapshot of the graph, computes every derived node
and relationship declared in graph/schema.yaml (`derived: true`) plus
Target.status, and writes them with one `replace_derived` call, so the derived layer is always
consistent with the documents currently loaded (a reload or delete never leaves
stale links behind).

    citations.py  PolicyDocument nodes, CITES, REFERS_TO, WRAPS (citations resolved across plans)
    alignment.py  ALIGNS_WITH (target ↔ target), IMPLEMENTS (district plan → city plan)
    lineage.py    SUCCEEDS (plan → previous plan), CONTINUES (target → previous year's), Target.status
    sections.py   SECTION_ALIGNS (district section → city section of the same theme)
    reuse.py      REUSES (district task → city task it copies a sentence of)

Rules and thresholds live in loaders/vocab/alignment.yaml. The read side (the alignment
matrix, the roll-up, owners, the lineage picture) is in `policykg.queries.views`.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from policykg.graph.derive.alignment import BELOW_CITY, city_partners, derive_alignment
from policykg.graph.derive.citations import derive_policy_documents
from policykg.graph.derive.lineage import derive_continuation, derive_succession
from policykg.graph.derive.reuse import derive_reuse
from policykg.graph.derive.rules import load_rules
from policykg.graph.derive.sections import derive_section_alignment
from policykg.graph.derive.snapshot import read_snapshot
from policykg.graph.store import GraphStore

__all__ = ["derive_all", "DeriveReport"]


@dataclass
class DeriveReport:
    nodes: dict[str, int] = field(default_factory=dict)    # derived node label → count written
    edges: dict[str, int] = field(default_factory=dict)    # derived relationship type → count written
    statuses: dict[str, int] = field(default_factory=dict)  # Target.status value → count
    notes: list[str] = field(default_factory=list)          # e.g. plans compared with an earlier city year
    seconds: float = 0.0


def derive_all(store: GraphStore) -> DeriveReport:
    """Recompute every derived relationship and Target.status across all loaded documents."""
    started = time.perf_counter()
    rules = load_rules()
    policy_nodes, citation_edges = derive_policy_documents(store)
    snapshot = read_snapshot(store)
    partners = city_partners(snapshot.docs.values())

    aligns, implements = derive_alignment(snapshot, rules, partners)
    succeeds = derive_succession(snapshot.docs.values())
    continues, status_updates = derive_continuation(snapshot, rules)
    section_edges = derive_section_alignment(snapshot, rules, partners)
    reuse_edges = derive_reuse(snapshot, rules)

    edges = citation_edges + aligns + implements + succeeds + continues + section_edges + reuse_edges
    store.replace_derived(edges, status_updates, nodes=policy_nodes)

    report = DeriveReport(
        nodes=dict(Counter(n.label for n in policy_nodes)),
        edges=dict(Counter(e.type for e in edges)),
        statuses=dict(Counter(u.props["status"] for u in status_updates if u.props["status"])),
        seconds=time.perf_counter() - started,
    )
    for district_id, plist in sorted(partners.items()):
        district = snapshot.docs[district_id]
        for p in plist:
            if p.flagged:
                report.notes.append(f"{district.name} ({district.year}) is compared with {p.city.name} "
                                    f"({p.city.year}): no {district.year} city plan is loaded")
    for d in sorted(snapshot.docs.values(), key=lambda d: d.name):
        if d.level in BELOW_CITY and d.id not in partners:
            report.notes.append(f"{d.name}: no city plan of its year or earlier is loaded; its targets are not aligned")
    return report
