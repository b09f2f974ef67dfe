"""The full derivation a group of documents at a time, so that its working set does not grow with the graph.

Reading every target, section and task of the graph into one snapshot put the whole graph's text
in Python at once (at 1,000 plans `derive --all` peaked at 1.42 GB; read in groups, 790 MB).
Every derived relationship depends only on a group of documents, and is computed in the group that
holds the document it starts from:

* alignment (ALIGNS_WITH, IMPLEMENTS), section alignment (SECTION_ALIGNS) and reuse (REUSES) of a
  district plan: its block (`sections.blocks_of`: the district plans compared with the same city
  plans, which share one TF-IDF weighting), and the city (province) plans it may be compared with
  or copy from (`alignment.uppers_of`);
* succession (SUCCEEDS), continuation (CONTINUES) and Target.status: the plans of one issuer's
  lineage (`lineage.lineage_key`), targets only.

Whole blocks, then whole lineages, are packed into groups of about `size` documents; each group's
snapshot is read, its relationships computed, and the snapshot dropped before the next. The
relationships (and the lineages' target statuses) are yielded as each group ends, and written while
the next group is read, so that a whole graph's derived edges are never in Python at once.
Citation identity (PolicyDocument, CITES, REFERS_TO, WRAPS) reads the citations alone, whole.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from policykg.graph.derive.alignment import Partner, derive_alignment, upper_level, uppers_by_region, uppers_of
from policykg.graph.derive.lineage import derive_continuation, derive_succession, lineage_key
from policykg.graph.derive.reuse import derive_reuse
from policykg.graph.derive.rules import Rules, load_rules
from policykg.graph.derive.sections import blocks_of, derive_section_alignment
from policykg.graph.derive.snapshot import Doc, Snapshot, read_snapshot
from policykg.graph.derive.text import forget_texts
from policykg.graph.store import GraphStore
from policykg.loaders.records import EdgeRecord, NodeRecord

__all__ = ["GROUP_DOCS", "PARALLEL_ABOVE", "pack", "alignment_groups", "lineage_groups", "workers_for", "alignment_edges",
           "lineage_writes"]

# Documents read at once: enough that a group's reads are few queries, few enough that a group's
# text is a few megabytes.
GROUP_DOCS = 200
# Above this many documents, worker processes (one per core) compute the alignment groups while this
# process reads the next groups and writes: a full derivation is mostly text similarity in Python (at
# 1,000 plans on 2 cores: 21 s in one process, 13 s with two workers; starting them costs about a second).
PARALLEL_ABOVE = 200


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


def _align_group(snapshot: Snapshot, own: dict[str, list[Partner]], group: list[str]) -> list[EdgeRecord]:
    """One alignment group's relationships (in a worker process, or in this one)."""
    rules = load_rules()
    aligns, implements = derive_alignment(snapshot, rules, own)
    edges = aligns + implements + derive_section_alignment(snapshot, rules, own)
    edges += derive_reuse(snapshot, rules, lower=set(group))
    forget_texts()
    return edges


def workers_for(documents: int, jobs: int | None) -> int:
    """How many worker processes compute the alignment groups: none (0) for a graph of up to
    PARALLEL_ABOVE documents, where starting them costs more than they save; else `jobs` (None: the
    cores this process may use).

    >>> workers_for(50, None), workers_for(20_000, 1), workers_for(20_000, 3)
    (0, 0, 3)
    """
    if documents <= PARALLEL_ABOVE:
        return 0
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return jobs if jobs > 1 else 0


def alignment_edges(store: GraphStore, docs: dict[str, Doc], partners: dict[str, list[Partner]],
                    size: int | None = GROUP_DOCS, jobs: int | None = None) -> Iterator[EdgeRecord]:
    """Every alignment, section alignment and reuse relationship, group by group (`size` documents read
    at once; None: all in one group), yielded in the groups' order as each is done so that none is kept
    longer. This process reads the groups; on a large graph, `workers_for` processes compute them."""
    uppers = uppers_by_region(docs.values())

    def work() -> Iterator[tuple[Snapshot, dict[str, list[Partner]], list[str]]]:
        for group in alignment_groups(docs, partners, size):
            read = set(group) | {u.id for i in group for u in uppers_of(docs[i], uppers)}
            yield read_snapshot(store, doc_ids=read, docs=docs), {i: partners[i] for i in group if i in partners}, group

    workers = workers_for(len(docs), jobs)
    if not workers:
        for item in work():
            yield from _align_group(*item)
        return
    # spawn, not fork: this process holds an open database (and its threads)
    pool: ProcessPoolExecutor | None = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        pending: deque = deque()
        for item in work():
            future = None
            if pool is not None:
                try:
                    future = pool.submit(_align_group, *item)
                except BrokenProcessPool:       # workers that cannot start (or died): go on here
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = None
            pending.append((item, future))
            while len(pending) > (workers if pool is not None else 0):   # a snapshot or two in flight per worker
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _result(submitted: tuple[tuple, Future | None]) -> list[EdgeRecord]:
    """A group's relationships from its worker; computed here when there is none or it died (e.g. out of
    memory, or workers that cannot start: a script spawning them without a `__main__` guard)."""
    item, future = submitted
    if future is None:
        return _align_group(*item)
    try:
        return future.result()
    except BrokenProcessPool:
        return _align_group(*item)


def lineage_writes(store: GraphStore, docs: dict[str, Doc], rules: Rules,
                   size: int | None = GROUP_DOCS) -> Iterator[EdgeRecord | NodeRecord]:
    """Every succession and continuation relationship (EdgeRecord) and every target's status (a NodeRecord
    updating the target), lineage group by group, yielded as each group is done so that none is kept longer."""
    for group in lineage_groups(docs, size):
        snapshot = read_snapshot(store, with_text=False, doc_ids=group, docs=docs)
        continues, status = derive_continuation(snapshot, rules)
        yield from derive_succession(snapshot.docs.values())
        yield from continues
        yield from status
