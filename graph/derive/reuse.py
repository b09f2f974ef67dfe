"""Text reuse: a district task REUSES a city task when one of its sentences is a
near-duplicate of one of the city task's sentences.

Similarity is the Jaccard index of the two sentences' sets of character
shingles (punctuation dropped, so ，/, and spacing do not matter). A district plan
is compared with its own city's plans (the cities its `region_chain` names, as in target
alignment; a city plan with its province's) not later than itself (copying from a later plan is impossible; a plan of unknown
year is compared with all of them), never with another city's.

Finding the pairs is a similarity join per city (blocking by region, then year), done with
prefix filtering rather than comparing every pair: shingles are ordered by rarity, and
two sets with Jaccard ≥ t must share one of the first |x| − ⌈t·|x|⌉ + 1 shingles of
each. Only those prefixes are indexed and probed, so common shingles (推进,
加强…) never produce candidates on their own, and every candidate is verified exactly.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from policykg.graph.derive.alignment import CITY, PROVINCE, parent_regions, upper_level
from policykg.graph.derive.rules import ReuseRules, Rules
from policykg.graph.derive.snapshot import Snapshot, Tsk
from policykg.graph.derive.text import content_only, sentences, shingles
from policykg.loaders.records import EdgeRecord

__all__ = ["derive_reuse", "may_copy"]


@dataclass
class _Sentence:
    task_id: str
    doc_id: str
    grams: frozenset[str]


def _prefix_length(size: int, threshold: float) -> int:
    return size - math.ceil(threshold * size - 1e-9) + 1


def _split(tasks_of: dict[str, list[Tsk]], doc_ids: set[str], conf: ReuseRules) -> list[_Sentence]:
    """The sentences (long enough to count) of the tasks of some documents, as shingle sets."""
    out = []
    for task in (t for doc_id in sorted(doc_ids) for t in tasks_of.get(doc_id, ())):
        for sentence in sentences(task.text):
            if len(content_only(sentence)) >= conf.min_chars:
                out.append(_Sentence(task.id, task.doc_id, frozenset(shingles(sentence, conf.ngram))))
    return out


def may_copy(district_year: int | None, city_year: int | None) -> bool:
    """A district plan can copy a city plan not later than itself (either year unknown: it can).

    >>> may_copy(2025, 2024), may_copy(2025, 2025), may_copy(2023, 2024), may_copy(None, 2024)
    (True, True, False, True)
    """
    return district_year is None or city_year is None or city_year <= district_year


class _CityIndex:
    """The prefix-filter index of one city's sentences (the block a district plan is joined with)."""

    def __init__(self, city: list[_Sentence], threshold: float) -> None:
        self.city, self.threshold = city, threshold
        self.rarity = Counter(g for s in city for g in s.grams)
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(city):
            for g in self.prefix(s.grams):
                self.postings[g].append(i)

    def prefix(self, grams: frozenset[str]) -> list[str]:
        # rare first; unseen shingles first of all (they match nothing). Any fixed order keeps the
        # join exact; rarity only makes the prefixes selective.
        return sorted(grams, key=lambda g: (self.rarity.get(g, 0), g))[:_prefix_length(len(grams), self.threshold)]

    def matches(self, s: _Sentence, year: int | None, years: dict[str, int | None]) -> list[tuple[_Sentence, float]]:
        t, size = self.threshold, len(s.grams)
        candidates: set[int] = set()
        for g in self.prefix(s.grams):
            candidates.update(self.postings.get(g, ()))
        out = []
        for i in candidates:
            c = self.city[i]
            if not may_copy(year, years[c.doc_id]):
                continue
            if not (t * size <= len(c.grams) <= size / t):   # Jaccard ≥ t bounds the size ratio
                continue
            inter = len(s.grams & c.grams)
            similarity = inter / (size + len(c.grams) - inter)
            if similarity >= t:
                out.append((c, similarity))
        return out


def derive_reuse(snapshot: Snapshot, rules: Rules, lower: set[str] | None = None) -> list[EdgeRecord]:
    """REUSES edges from the tasks of the district documents (all, or those in `lower`) to their own
    city's tasks (a city plan's to its province's)."""
    conf = rules.reuse
    docs = snapshot.docs
    years = {d.id: d.year for d in docs.values()}
    upper_docs_of: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for d in docs.values():
        if d.level in (CITY, PROVINCE):
            upper_docs_of[(d.level, d.region)].add(d.id)
    lower_docs_of: dict[tuple[str, str], set[str]] = defaultdict(set)     # city (level, region) → its district plans
    for d in docs.values():
        upper = upper_level(d.level)                         # a county plan is a district plan too
        if upper is None or (lower is not None and d.id not in lower):
            continue
        for region in dict.fromkeys(parent_regions(d)):
            if (upper, region) in upper_docs_of:
                lower_docs_of[(upper, region)].add(d.id)

    tasks_of: dict[str, list[Tsk]] = defaultdict(list)
    for task in snapshot.tasks.values():
        tasks_of[task.doc_id].append(task)
    best: dict[tuple[str, str], float] = {}
    for block in sorted(lower_docs_of):
        city = _split(tasks_of, upper_docs_of[block], conf)
        if not city:
            continue
        index = _CityIndex(city, conf.threshold)
        for s in _split(tasks_of, lower_docs_of[block], conf):
            for c, similarity in index.matches(s, years[s.doc_id], years):
                key = (s.task_id, c.task_id)
                best[key] = max(best.get(key, 0.0), similarity)
    return [EdgeRecord("REUSES", "Task", d, "Task", c, {"similarity": round(sim, 4)})
            for (d, c), sim in sorted(best.items())]
