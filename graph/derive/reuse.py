"""Text reuse: a district task REUSES a city task when one of its sentences is a
near-duplicate of one of the city task's sentences.

Similarity is the Jaccard index of the two sentences' sets of character
shingles (punctuation dropped, so ，/, and spacing do not matter). A district plan
is compared with every city plan not later than itself (copying from a later
plan is impossible; a plan of unknown year is compared with all).

Finding the pairs is an all-pairs similarity join, done with prefix filtering
rather than comparing every pair: shingles are ordered globally by rarity, and
two sets with Jaccard ≥ t must share one of the first |x| − ⌈t·|x|⌉ + 1 shingles of
each. Only those prefixes are indexed and probed, so common shingles (推进,
加强…) never produce candidates on their own, and every candidate is verified exactly.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from policykg.graph.derive.alignment import BELOW_CITY, CITY
from policykg.graph.derive.rules import Rules
from policykg.graph.derive.snapshot import Snapshot
from policykg.graph.derive.text import content_only, sentences, shingles
from policykg.loaders.records import EdgeRecord

__all__ = ["derive_reuse"]


@dataclass
class _Sentence:
    task_id: str
    doc_id: str
    grams: frozenset[str]


def _prefix_length(size: int, threshold: float) -> int:
    return size - math.ceil(threshold * size - 1e-9) + 1


def derive_reuse(snapshot: Snapshot, rules: Rules) -> list[EdgeRecord]:
    conf = rules.reuse
    docs = snapshot.docs
    city_docs = {d.id for d in docs.values() if d.level == CITY}
    district_docs = {d.id for d in docs.values() if d.level in BELOW_CITY}    # a county plan is one too
    if not city_docs or not district_docs:
        return []

    def split(doc_ids: set[str]) -> list[_Sentence]:
        out = []
        for task in snapshot.tasks.values():
            if task.doc_id not in doc_ids:
                continue
            for sentence in sentences(task.text):
                if len(content_only(sentence)) >= conf.min_chars:
                    out.append(_Sentence(task.id, task.doc_id, frozenset(shingles(sentence, conf.ngram))))
        return out

    city = split(city_docs)
    if not city:
        return []
    rarity = Counter(g for s in city for g in s.grams)

    def order(g: str) -> tuple[int, str]:   # rare first; unseen shingles first of all (they match nothing)
        return (rarity.get(g, 0), g)

    t = conf.threshold
    index: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(city):
        for g in sorted(s.grams, key=order)[:_prefix_length(len(s.grams), t)]:
            index[g].append(i)

    best: dict[tuple[str, str], float] = {}
    for s in split(district_docs):
        year = docs[s.doc_id].year
        size = len(s.grams)
        candidates: set[int] = set()
        for g in sorted(s.grams, key=order)[:_prefix_length(size, t)]:
            candidates.update(index.get(g, ()))
        for i in candidates:
            c = city[i]
            city_year = docs[c.doc_id].year
            if year is not None and city_year is not None and city_year > year:
                continue
            if not (t * size <= len(c.grams) <= size / t):   # Jaccard ≥ t bounds the size ratio
                continue
            inter = len(s.grams & c.grams)
            similarity = inter / (size + len(c.grams) - inter)
            if similarity >= t:
                key = (s.task_id, c.task_id)
                best[key] = max(best.get(key, 0.0), similarity)
    return [EdgeRecord("REUSES", "Task", d, "Task", c, {"similarity": round(sim, 4)})
            for (d, c), sim in sorted(best.items())]
