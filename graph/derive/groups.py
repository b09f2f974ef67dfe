"""The full derivation a group of documents at a time, so that its working set does not grow with the graph.

Reading every target, section and task of the graph into one snapshot put the whole graph's text
in Python at once, and asked the embedded store for results larger than a small buffer pool holds
(at 1,000 plans a 512 MB pool was "full"). Every derived relationship depends only on a group of
documents, and is computed in the group that holds the document it starts from:

* alignment (ALIGNS_WITH, IMPLEMENTS), section alignment (SECTION_ALIGNS) and reuse (REUSES) of a
  district plan: its block (`sections.blocks_of`: the district plans compared with the same city
  plans, which share one TF-IDF weighting), and the city (province) plans it may be compared with
  or copy from (`alignment.uppers_of`);
* succession (SUCCEEDS), continuation (CONTINUES) and Target.status: the plans of one issuer's
  lineage (`lineage.lineage_key`), targets only.

Whole blocks, then whole lineages, are packed into groups of about `size` documents; each group's
snapshot is read, its relationships computed, and the snapshot dropped before the next. The
alignment groups' relationships (most of them) are yielded as each group ends, and written while
the next group is read, so that a whole graph's derived edges are never in Python at once.
Citation identity (PolicyDocument, CITES, REFERS_TO, WRAPS) reads the citations alone, whole.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from policykg.graph.derive.alignment import Partner, derive_alignment, upper_level, uppers_by_region, uppers_of
from policykg.graph.derive.lineage import derive_continuation, derive_succession, lineage_key
from policykg.graph.derive.reuse import derive_reuse
from policykg.graph.derive.rules import Rules
from policykg.graph.derive.sections import blocks_of, derive_section_alignment
from policykg.graph.derive.snapshot import Doc, read_snapshot
from policykg.graph.derive.text import forget_texts
from policykg.graph.store import GraphStore
from policykg.loaders.records import EdgeRecord, NodeRecord

__all__ = ["GROUP_DOCS", "pack", "alignment_groups", "lineage_groups", "alignment_edges", "lineage_edges"]

# Documents read at once: enough that a group's reads are few queries, few enough that a group's
# text is a few megabytes.
GROUP_DOCS = 200


def pack(units: Iterable[list[str]], size: int | None) -> Iterator[list[str]]:
    """Units (lists of ids that go together) packed in order into groups of at least one unit and,
    unless one unit alone is larger, at most `size` ids (None: everything in one group).

    >>> list(pack([["a", "b"], ["c"], ["d", "e", "f"], ["g"]], 3))
    [['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]
    >>> list(pack([["a"], ["b"]], None)), list(pack([], 2))
    ([['a', 'b']], [])
    """
    group: list[str] = []
    for unit in units:
        if group and size is not None and len(group) + len(unit) > size:
            yield group
            group = []
        group += unit
    if group:
        yield group


def alignment_groups(docs: dict[str, Doc], partners: dict[str, list[Partner]], size: int | None) -> list[list[str]]:
    """The documents that align with an upper level, in groups of whole blocks: those with partners by
    block, then each of the others alone (reuse still looks at their city's plans)."""
    blocks = [ids for _key, ids in sorted(blocks_of(partners).items())]
    alone = [[i] for i in sorted(docs) if i not in partners and upper_level(docs[i].level) is not None]
    return list(pack(blocks + alone, size))


def lineage_groups(docs: dict[str, Doc], size: int | None) -> list[list[str]]:
    """Every document, in groups of whole lineages (a document without a lineage key is one of its own)."""
    lineages: dict[tuple[str, str], list[str]] = defaultdict(list)
    alone: list[list[str]] = []
    for i in sorted(docs):
        key = lineage_key(docs[i])
        if key is None:
            alone.append([i])
        else:
            lineages[key].append(i)
    return list(pack([lineages[k] for k in sorted(lineages)] + alone, size))


def alignment_edges(store: GraphStore, docs: dict[str, Doc], partners: dict[str, list[Partner]], rules: Rules,
                    size: int | None = GROUP_DOCS) -> Iterator[EdgeRecord]:
    """Every alignment, section alignment and reuse relationship, group by group (`size` documents read
    at once; None: all in one group), yielded as each group is done so that none is kept longer."""
    uppers = uppers_by_region(docs.values())
    for group in alignment_groups(docs, partners, size):
        read = set(group) | {u.id for i in group for u in uppers_of(docs[i], uppers)}
        snapshot = read_snapshot(store, doc_ids=read, docs=docs)
        own = {i: partners[i] for i in group if i in partners}
        aligns, implements = derive_alignment(snapshot, rules, own)
        yield from aligns + implements + derive_section_alignment(snapshot, rules, own)
        yield from derive_reuse(snapshot, rules, lower=set(group))
        forget_texts()


def lineage_edges(store: GraphStore, docs: dict[str, Doc], rules: Rules,
                  size: int | None = GROUP_DOCS) -> tuple[list[EdgeRecord], list[NodeRecord]]:
    """Every succession and continuation relationship and every target's status, lineage group by group."""
    edges: list[EdgeRecord] = []
    status_updates: list[NodeRecord] = []
    for group in lineage_groups(docs, size):
        snapshot = read_snapshot(store, with_text=False, doc_ids=group, docs=docs)
        continues, status = derive_continuation(snapshot, rules)
        edges += derive_succession(snapshot.docs.values()) + continues
        status_updates += status
    return edges, status_updates
