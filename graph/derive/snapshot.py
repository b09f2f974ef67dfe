"""Read what the derivations need out of a store, with a few plain Cypher reads.

Derivations are computed in Python over this snapshot (year choice, unit rules,
text similarity are easier and faster there than in portable Cypher) and written
back in one `replace_derived` call.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from policykg.graph import statements
from policykg.graph.store import GraphStore

__all__ = ["Doc", "Tgt", "Sec", "Tsk", "Snapshot", "read_documents", "read_snapshot"]


@dataclass
class Doc:
    id: str
    source: str
    title: str | None
    issuer: str | None
    year: int | None
    region: str | None
    level: str | None
    is_notice: bool | None
    region_chain: list[str] | None = None     # the region's parents, nearest first (静安区: 上海市)

    @property
    def name(self) -> str:
        return self.source or self.id


@dataclass
class Tgt:
    id: str
    doc_id: str
    task_id: str | None
    value: float | None
    unit: str | None
    metric: str | None
    indicator: str | None
    kind: str | None
    modifier: str | None
    conflict: bool | None
    status: str | None
    text: str | None


@dataclass
class Sec:
    id: str
    doc_id: str
    level: int | None
    title: str | None
    theme: str | None
    text: str | None
    start_offset: int | None
    children: list[str] = field(default_factory=list)   # child section ids
    tasks: list[str] = field(default_factory=list)      # task ids directly under the section


@dataclass
class Tsk:
    id: str
    doc_id: str
    text: str | None
    start_offset: int | None


@dataclass
class Snapshot:
    docs: dict[str, Doc]
    targets: list[Tgt]
    sections: dict[str, Sec]
    tasks: dict[str, Tsk]
    # Section id → its parent's id, built on the first `ancestors` call: the snapshot's structure is
    # complete once read, and rebuilding the map per call made section alignment quadratic.
    _parent_of: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    def targets_of(self) -> dict[str, list[Tgt]]:
        out: dict[str, list[Tgt]] = defaultdict(list)
        for t in self.targets:
            out[t.doc_id].append(t)
        return out

    def section_text(self, section_id: str) -> str:
        """A section's heading plus the text of every task in its subtree, in document order."""
        parts: list[tuple[int, str]] = []
        stack = [section_id]
        while stack:
            sec = self.sections[stack.pop()]
            if sec.text:
                parts.append((sec.start_offset or 0, sec.text))
            for tid in sec.tasks:
                task = self.tasks.get(tid)
                if task and task.text:
                    parts.append((task.start_offset or 0, task.text))
            stack.extend(c for c in sec.children if c in self.sections)
        parts.sort(key=lambda p: p[0])
        # A sentence break, not a newline: whitespace inside plans is often layout and is dropped
        # when comparing, and a heading must not run on into the first task.
        return "。".join(text for _, text in parts)

    def ancestors(self, section_id: str) -> set[str]:
        """The ids of a section's parent, grandparent, … (empty for a top-level section).

        >>> top = Sec("a", "d", 1, "一", None, None, 0, children=["b"])
        >>> snap = Snapshot({}, [], {"a": top, "b": Sec("b", "d", 2, "（一）", None, None, 5)}, {})
        >>> snap.ancestors("b"), snap.ancestors("a")
        ({'a'}, set())
        """
        if self._parent_of is None:
            self._parent_of = {c: s.id for s in self.sections.values() for c in s.children}
        parent_of = self._parent_of
        out, current = set(), section_id
        while current in parent_of:
            current = parent_of[current]
            out.add(current)
        return out


def _records(store: GraphStore, cypher: str, params: dict | None = None) -> list[dict]:
    return store.query(cypher, params or {}).records()


def _tasks(store: GraphStore, params: dict | None) -> list[tuple[str, Tsk]]:
    """(the id of the section or document holding it, the task) for every task of the documents of
    `params["docs"]` (None: of the graph), in document order."""
    if params is None:
        holder = {r["task"]: r["section"] for r in _records(store, statements.SECTION_TASKS)}
        return [(holder.get(r["id"], r["doc_id"]), Tsk(**r)) for r in _records(store, statements.SNAPSHOT_TASKS)]
    rows = _records(store, statements.SECTION_TASKS_OF, params) + _records(store, statements.DOCUMENT_TASKS_OF, params)
    rows.sort(key=lambda r: (r["doc_id"], r["start_offset"] is None, r["start_offset"] or 0, r["id"]))   # as ORDER BY
    return [(r.pop("section"), Tsk(**r)) for r in rows]


def read_documents(store: GraphStore) -> dict[str, Doc]:
    """Every loaded document's metadata (no text): what partners and partitions are computed from."""
    return {r["id"]: Doc(**r) for r in _records(store, statements.SNAPSHOT_DOCUMENTS)}


def read_snapshot(store: GraphStore, *, with_text: bool = True, doc_ids: Iterable[str] | None = None,
                  docs: dict[str, Doc] | None = None) -> Snapshot:
    """The documents and targets (and, `with_text`, the sections and tasks) the derivations work on.

    `doc_ids`: only those documents (a partition, for incremental derivation), their metadata taken
    from `docs` when given; None: every loaded document."""
    if doc_ids is None:
        docs = read_documents(store) if docs is None else docs
        targets_q, sections_q, children_q = statements.SNAPSHOT_TARGETS, statements.SNAPSHOT_SECTIONS, statements.SECTION_CHILDREN
        params: dict = {}
    else:
        wanted = sorted(set(doc_ids))
        everything = read_documents(store) if docs is None else docs
        docs = {d: everything[d] for d in wanted if d in everything}
        targets_q, sections_q, children_q = (statements.SNAPSHOT_TARGETS_OF, statements.SNAPSHOT_SECTIONS_OF,
                                             statements.SECTION_CHILDREN_OF)
        params = {"docs": list(docs)}
    targets = [Tgt(**r) for r in _records(store, targets_q, params)]
    sections: dict[str, Sec] = {}
    tasks: dict[str, Tsk] = {}
    if with_text:
        for r in _records(store, sections_q, params):
            sections[r["id"]] = Sec(**r)
        for r in _records(store, children_q, params):
            if r["parent"] in sections:
                sections[r["parent"]].children.append(r["child"])
        for holder, task in _tasks(store, params if doc_ids is not None else None):
            tasks[task.id] = task
            if holder in sections:
                sections[holder].tasks.append(task.id)
    return Snapshot(docs, targets, sections, tasks)
