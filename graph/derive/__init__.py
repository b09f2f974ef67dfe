"""Cross-document links, recomputed after each load for what it changed.

`derive_all(store)` reads the graph a group of documents at a time (groups.py), computes every
derived node and relationship declared in graph/schema.yaml (`derived: true`) plus
Target.status, and writes them through one `replace_derived` call as each group is computed, so
the derived layer is always consistent with the documents currently loaded (a reload or delete never leaves
stale links behind; a derivation cut short leaves the layer marked incomplete, and the next
`derive_for` recomputes all of it). `derive_for(store, footprint, sources)` gives the same layer by
recomputing only the partition the changed plans take part in (incremental.py), replaced
with one `replace_derived_for` call; a load uses it, `policykg derive --all` the former.

    citations.py  PolicyDocument nodes, CITES, REFERS_TO, WRAPS (citations resolved across plans)
    alignment.py  ALIGNS_WITH (target ↔ target), IMPLEMENTS (district plan → city plan)
    lineage.py    SUCCEEDS (plan → previous plan), CONTINUES (target → previous year's), Target.status
    sections.py   SECTION_ALIGNS (district section → city section of the same theme)
    reuse.py      REUSES (district task → city task it copies a sentence of)
    incremental.py  the partition a change touches, and its recomputation
    groups.py     the full derivation, read and computed in groups of whole blocks and lineages
    report.py     DeriveReport: what a derivation wrote, and notes for the user

Rules and thresholds live in loaders/vocab/alignment.yaml. The read side (the alignment
matrix, the roll-up, owners, the lineage picture) is in `policykg.queries.views`.
"""
from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Iterator

from policykg.graph import statements
from policykg.graph.derive.alignment import city_partners
from policykg.graph.derive.citations import derive_policy_documents
from policykg.graph.derive.groups import GROUP_DOCS, alignment_edges, lineage_writes
from policykg.graph.derive.incremental import Footprint, derive_incremental, footprint
from policykg.graph.derive.report import DeriveReport, partner_notes, report_of
from policykg.graph.derive.rules import load_rules
from policykg.graph.derive.snapshot import read_documents
from policykg.graph.store import GraphStore
from policykg.loaders.records import EdgeRecord, NodeRecord

__all__ = ["derive_all", "derive_for", "footprint", "Footprint", "DeriveReport", "FULL_ABOVE", "INCOMPLETE_NOTE"]

INCOMPLETE_NOTE = ("the links across plans were left incomplete by a derivation cut short (a crash or a kill): "
                   "every link recomputed")
# Above this share of the loaded documents changed, one full recompute is cheaper than a partition
# that covers most of the graph anyway (a first load of a folder).
FULL_ABOVE = 0.5


def derive_all(store: GraphStore, *, group_docs: int | None = GROUP_DOCS, jobs: int | None = None) -> DeriveReport:
    """Recompute every derived relationship and Target.status across all loaded documents, reading
    `group_docs` documents at a time (groups.py; None: the whole graph at once), and replace the
    derived layer (`replace_derived`: marked incomplete until its last transaction), each group's
    relationships and target statuses written as they are computed (the alignment groups, on a graph of
    over PARALLEL_ABOVE documents, by `jobs` worker processes; None: one per core)."""
    started = time.perf_counter()
    rules = load_rules()
    policy_nodes, citation_edges = derive_policy_documents(store)
    docs = read_documents(store)
    partners = city_partners(docs.values())
    counts: Counter[str] = Counter()
    statuses: Counter[str] = Counter()

    def every_write() -> Iterator[EdgeRecord | NodeRecord]:
        lineage = lineage_writes(store, docs, rules, group_docs)
        for write in itertools.chain(citation_edges, lineage, alignment_edges(store, docs, partners, group_docs, jobs)):
            if isinstance(write, EdgeRecord):
                counts[write.type] += 1
            elif write.props.get("status"):
                statuses[write.props["status"]] += 1
            yield write
    store.replace_derived(every_write(), nodes=policy_nodes)

    report = report_of(policy_nodes, [], [])
    report.edges, report.statuses = dict(counts), dict(statuses)
    report.notes = partner_notes(docs, partners, docs)
    report.documents = len(docs)
    report.seconds = time.perf_counter() - started
    return report


def derive_for(store: GraphStore, before: Footprint, sources: list[str], *,
               full_above: float | None = FULL_ABOVE) -> DeriveReport:
    """Recompute the derived layer around the documents of `sources`, which were loaded, replaced or
    removed since `before = footprint(store, sources)` was read (see `incremental`).

    When more than `full_above` of the loaded documents changed, everything is recomputed
    (`derive_all`) instead; None: always incrementally. So it is when a full derivation was cut
    short (`GraphStore.derived_layer_complete`): a part of the layer cannot be patched onto a
    layer that is not whole."""
    if not store.derived_layer_complete():
        report = derive_all(store)
        report.notes.insert(0, INCOMPLETE_NOTE)
        return report
    if full_above is not None:
        total = store.query(statements.count_nodes("Document")).rows[0][0]
        if len(set(sources)) > full_above * max(total, 1):
            return derive_all(store)
    return derive_incremental(store, before, sources)
