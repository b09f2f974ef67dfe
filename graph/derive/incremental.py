"""Incremental derivation: after some plans are loaded, replaced or removed, recompute only the
derived links those plans take part in, and replace only those, in one transaction.

The caller reads a `footprint` of the plans it is about to write or delete (what they were:
their metadata and the title keys they cite — the write deletes both), writes, then calls
`derive_incremental(store, footprint, sources)`. The partition recomputed is, for the changed
plans (old and new versions):

* alignment (IMPLEMENTS, ALIGNS_WITH) and reuse (REUSES): every changed district plan, and every
  district plan whose own city's plans changed (a city plan of its year or earlier: it may be
  the one compared with, or copied from) — all their outgoing edges;
* section alignment (SECTION_ALIGNS): all district plans of every block (the district plans
  compared with the same city plans, `sections.blocks_of`) any of those belonged to before or
  belongs to now, as a block shares one TF-IDF weighting;
* lineage (SUCCEEDS, CONTINUES, Target.status): every plan of the issuer's lineage
  (`lineage.lineage_key`) of a changed plan;
* citation identity (PolicyDocument, CITES, REFERS_TO, WRAPS): every policy document of the
  title keys the changed plans cite or cited, closed over notices (a notice's key and the key of
  the document it issues go together), re-resolved from all citations of those keys.

Every relationship kind is owned by its start node's document (a district target's ALIGNS_WITH,
a later plan's SUCCEEDS), so "the edges of a partition" is "the edges starting in its documents";
policy documents are replaced by title key. Only the partition's text is read; the documents'
metadata (no text) is read whole to find the partition, whose partners and blocks are matched among
the plans in and under the changed plans' regions (`near`).
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from policykg.graph import statements
from policykg.graph.batch import edge_row, hashable
from policykg.graph.derive.alignment import (
    CITY,
    PROVINCE,
    Partner,
    city_partners,
    derive_alignment,
    parent_regions,
    upper_level,
    uppers_by_region,
    uppers_of,
)
from policykg.graph.derive.citations import policy_documents, title_keys
from policykg.graph.derive.lineage import derive_continuation, derive_succession, lineage_key
from policykg.graph.derive.report import DeriveReport, partner_notes, report_of
from policykg.graph.derive.reuse import derive_reuse, may_copy
from policykg.graph.derive.rules import load_rules
from policykg.graph.derive.sections import blocks_of, derive_section_alignment
from policykg.graph.derive.snapshot import Doc, Snapshot, read_documents, read_snapshot
from policykg.graph.schema import coerce
from policykg.graph.store import DerivedScope, GraphStore
from policykg.loaders.records import EdgeRecord, NodeRecord

__all__ = ["Footprint", "Partition", "footprint", "regions_of", "near", "partition", "unchanged_identity",
           "derive_incremental"]

ALIGNMENT_RELS = ("ALIGNS_WITH", "IMPLEMENTS", "REUSES")
LINEAGE_RELS = ("SUCCEEDS", "CONTINUES")
UPPER_LEVELS = (CITY, PROVINCE)
POLICY_DOCUMENT = "PolicyDocument"


@dataclass
class Footprint:
    """What some plans were before a write or delete: their documents' metadata and the title keys they cite."""
    docs: dict[str, Doc] = field(default_factory=dict)
    title_keys: set[str] = field(default_factory=set)


def footprint(store: GraphStore, sources: Iterable[str]) -> Footprint:
    """Read the footprint of the stored versions of `sources` (none stored: an empty one)."""
    rows = store.query(statements.DOCUMENTS_OF_SOURCES, {"sources": sorted(set(sources))}).records()
    docs = {r["id"]: Doc(**r) for r in rows}
    if not docs:
        return Footprint()
    return Footprint(docs, title_keys(store.query(statements.CITATIONS_OF, {"docs": sorted(docs)}).records()))


@dataclass
class Partition:
    """The documents whose outgoing derived links are recomputed, per kind, and the title keys re-resolved."""
    aligned: set[str]         # ALIGNS_WITH, IMPLEMENTS, REUSES
    sections: set[str]        # SECTION_ALIGNS
    lineage: set[str]         # SUCCEEDS, CONTINUES, Target.status
    read: set[str]            # every document whose targets, sections and tasks the derivations read
    partners: dict[str, list[Partner]]


def partition(docs: dict[str, Doc], before: dict[str, Doc], changed: set[str]) -> Partition:
    """The partition of an incremental derivation.

    `docs`: every loaded document now; `before`: the replaced or removed versions of the changed
    plans; `changed`: the ids of the new versions (in `docs`)."""
    versions = list(before.values()) + [docs[i] for i in changed]
    was = {i: d for i, d in docs.items() if i not in changed} | before
    regions = regions_of(versions)
    near_now, near_was = near(docs.values(), regions), near(was.values(), regions)
    partners_now, partners_was = city_partners(near_now), city_partners(near_was)

    uppers = uppers_by_region(docs.values())
    changed_uppers = uppers_by_region(versions)
    aligned = {i for i in changed if upper_level(docs[i].level) is not None}
    for d in near_now:
        if any(may_copy(d.year, u.year) for u in uppers_of(d, changed_uppers)):
            aligned.add(d.id)

    blocks = set(blocks_of({i: partners_now[i] for i in aligned if i in partners_now}))
    blocks |= set(blocks_of({i: partners_was[i] for i in aligned | set(before) if i in partners_was}))
    sections = aligned | {i for ids in (ids for b, ids in blocks_of(partners_now).items() if b in blocks) for i in ids}

    keys = {lineage_key(d) for d in versions} - {None}
    lineage = {d.id for d in docs.values() if lineage_key(d) in keys} | changed

    read = aligned | sections | lineage
    read |= {u.id for i in aligned | sections for u in uppers_of(docs[i], uppers)}
    return Partition(aligned, sections, lineage, read, partners_now)


def regions_of(versions: Iterable[Doc]) -> set[str]:
    """The regions of some documents and every region above them.

    >>> regions_of([Doc("d", "ja", None, None, 2025, "静安区", "district", False, ["上海市"])]) == {"静安区", "上海市"}
    True
    """
    return {r for v in versions for r in (v.region, *parent_regions(v)) if r}


def near(docs: Iterable[Doc], regions: set[str]) -> list[Doc]:
    """The documents a change in `regions` (`regions_of` the changed plans) can touch: those in or under
    one of them, and every city and province plan (the partners of those).

    Partners and blocks are computed over these alone, not over the whole graph: a plan's partners are
    plans of its own parent regions, and the plans of one block share them, so every plan whose
    partners or block a change touches lies in or under the changed plans' regions (at 10,000 plans,
    matching partners across the whole graph twice was a fifth of a reload).

    >>> ja = Doc("j", "ja", None, None, 2025, "静安区", "district", False, ["上海市"])
    >>> xh = Doc("x", "xh", None, None, 2025, "西湖区", "district", False, ["杭州市", "浙江省"])
    >>> hz = Doc("h", "hz", None, None, 2025, "杭州市", "city", False, ["浙江省"])
    >>> [d.id for d in near([ja, xh, hz], {"静安区", "上海市"})]
    ['j', 'h']
    """
    return [d for d in docs if d.level in UPPER_LEVELS or d.region in regions or regions.intersection(parent_regions(d))]


def _closed_keys(store: GraphStore, keys: set[str]) -> set[str]:
    """`keys` with the keys of the notices issuing their documents and of the documents their notices issue."""
    closed, frontier = set(keys), set(keys)
    while frontier:
        found: set[str] = set()
        for stmt in (statements.WRAPPED_KEYS, statements.WRAPPING_KEYS):
            found |= {r["k"] for r in store.query(stmt, {"keys": sorted(frontier)}).records() if r["k"]}
        frontier = found - closed
        closed |= frontier
    return closed


def _citation_identity(store: GraphStore, before: Footprint, changed: set[str]):
    rows = store.query(statements.CITATIONS_OF, {"docs": sorted(changed)}).records() if changed else []
    keys = _closed_keys(store, before.title_keys | title_keys(rows))
    if not keys:
        return keys, [], []
    rows += store.query(statements.CITATIONS_OF_KEYS, {"keys": sorted(keys)}).records()
    nodes, edges = policy_documents(rows, keys)
    return keys, nodes, edges


def _stored_links(store: GraphStore, ids: list[str]) -> Counter:
    """The stored links of the policy documents `ids`, as (type, *`edge_row`) (a WRAPS between two of them once)."""
    found: Counter = Counter()
    for rel in store.schema.derived_relationships:
        for a, b in store.schema.rel(rel).endpoints:
            rows: set[tuple] = set()
            for end, label in (("a", a), ("b", b)):
                if label == POLICY_DOCUMENT:
                    stmt = statements.read_edges(store.schema, rel, a, b, end=end, keys=True)
                    rows |= {tuple(map(hashable, row)) for row in store.query(stmt, {"keys": ids}).rows}
            found.update((rel, *row) for row in rows)
    return found


def unchanged_identity(store: GraphStore, keys: set[str], nodes: list[NodeRecord],
                       edges: list[EdgeRecord]) -> tuple[set[str], list[NodeRecord], list[EdgeRecord]]:
    """(title keys to drop, policy documents to write, links to write) once the policy documents of
    `keys` are re-resolved into `nodes` and `edges`.

    When every one of them comes out as it is stored and every stored link of theirs is among the new
    ones (a reloaded plan that cites what it cited), nothing is dropped and only the links not stored
    yet are written: a title cited by thousands of plans (a city's 养老服务条例) is not deleted and
    written again with its thousands of links, which was most of a reload at 10,000 plans. Otherwise
    the whole part is dropped and written again.
    """
    schema = store.schema
    spec = schema.node(POLICY_DOCUMENT)
    ids = sorted(n.props[spec.key] for n in nodes)
    if not keys or not ids:
        return keys, nodes, edges
    stored_ids = {row[0] for row in store.query(statements.POLICY_DOCUMENTS_OF_KEYS, {"values": sorted(keys)}).rows}
    if stored_ids != set(ids):
        return keys, nodes, edges
    key_at = list(spec.properties).index(spec.key)
    stored = {row[key_at]: tuple(map(hashable, row))
              for row in store.query(statements.read_nodes(schema, POLICY_DOCUMENT, keys=True), {"keys": ids}).rows}
    for node in nodes:
        now = tuple(hashable(coerce(node.props.get(p), t)) for p, t in spec.properties.items())
        if now != stored.get(node.props[spec.key]):
            return keys, nodes, edges
    keyed = [((e.type, *edge_row(schema, e)), e) for e in edges]
    new = Counter(key for key, _ in keyed)
    links = _stored_links(store, ids)
    if links - new:
        return keys, nodes, edges
    missing, out = new - links, []
    for key, edge in keyed:
        if missing[key] > 0:
            missing[key] -= 1
            out.append(edge)
    return set(), [], out


def derive_incremental(store: GraphStore, before: Footprint, sources: Iterable[str]) -> DeriveReport:
    """Recompute the derived layer around the plans of `sources` (loaded, replaced or removed since
    `before` was read) and replace that part of it in one transaction."""
    started = time.perf_counter()
    rules = load_rules()
    docs = read_documents(store)
    wanted = set(sources)
    changed = {i for i, d in docs.items() if d.source in wanted}
    part = partition(docs, before.docs, changed)
    keys, policy_nodes, citation_edges = unchanged_identity(store, *_citation_identity(store, before, changed))

    snapshot = read_snapshot(store, doc_ids=part.read, docs=docs)
    aligns, implements = derive_alignment(snapshot, rules, {i: part.partners[i] for i in part.aligned
                                                            if i in part.partners})
    section_edges = derive_section_alignment(snapshot, rules, {i: part.partners[i] for i in part.sections
                                                               if i in part.partners})
    reuse_edges = derive_reuse(snapshot, rules, lower=part.aligned)
    lineage = Snapshot({i: docs[i] for i in sorted(part.lineage)},
                       [t for t in snapshot.targets if t.doc_id in part.lineage], {}, {})
    succeeds = derive_succession(lineage.docs.values())
    continues, status_updates = derive_continuation(lineage, rules)

    edges = citation_edges + aligns + implements + succeeds + continues + section_edges + reuse_edges
    scope = DerivedScope(
        from_docs={**{rel: sorted(part.aligned) for rel in ALIGNMENT_RELS}, "SECTION_ALIGNS": sorted(part.sections),
                   **{rel: sorted(part.lineage) for rel in LINEAGE_RELS}},
        nodes={"PolicyDocument": ("title_key", sorted(keys))},
    )
    store.replace_derived_for(scope, edges, status_updates, nodes=policy_nodes)

    report = report_of(policy_nodes, edges, status_updates)
    report.notes = partner_notes(docs, part.partners, changed)
    report.scope, report.documents = "incremental", len(part.aligned | part.sections | part.lineage)
    report.seconds = time.perf_counter() - started
    return report
