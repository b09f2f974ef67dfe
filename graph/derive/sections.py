"""Section alignment: a district section SECTION_ALIGNS with city sections of its theme.

Candidates are the city documents the district plan is compared with (the same
year-aware choice as target alignment) and, within them, the sections whose
`theme` equals the district section's. Each pair is scored by the TF-IDF cosine
of the character bigrams of the two sections' text (heading + every task under
it), and carries a few of the longest phrases the two texts share. Only the
`top_k` best city sections per district section are kept, and pairs scoring
below `min_score` are dropped (two sections can share a theme and nothing else);
a city section is skipped when its parent or child is already kept, so the
matches are different places in the city plan rather than one place twice.
"""
from __future__ import annotations

from collections import defaultdict

from policykg.graph.derive.alignment import Partner
from policykg.graph.derive.rules import Rules
from policykg.graph.derive.snapshot import Snapshot
from policykg.graph.derive.text import cosine, shared_phrases, tfidf_vectors
from policykg.loaders.records import EdgeRecord

__all__ = ["derive_section_alignment"]


def derive_section_alignment(snapshot: Snapshot, rules: Rules, partners: dict[str, list[Partner]]) -> list[EdgeRecord]:
    conf = rules.sections
    involved = set(partners) | {p.city.id for plist in partners.values() for p in plist}
    themed = [s for s in snapshot.sections.values() if s.theme and s.doc_id in involved]
    if not themed:
        return []
    texts = {s.id: snapshot.section_text(s.id) for s in themed}
    # IDF over every section of the involved documents, so that words common to all plans weigh little.
    vectors = dict(zip(texts, tfidf_vectors(list(texts.values()), conf.ngram)))
    lineage = {s.id: snapshot.ancestors(s.id) for s in themed}
    city_by_doc_theme: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for s in themed:
        city_by_doc_theme[(s.doc_id, s.theme)].append(s.id)

    edges: list[EdgeRecord] = []
    for s in themed:
        if s.doc_id not in partners:
            continue
        scored = []
        for partner in partners[s.doc_id]:
            for cid in city_by_doc_theme.get((partner.city.id, s.theme), []):
                score = cosine(vectors[s.id], vectors[cid])
                if score >= conf.min_score:
                    scored.append((score, cid))
        scored.sort(key=lambda x: (-x[0], x[1]))
        kept: list[tuple[float, str]] = []
        for score, cid in scored:
            if len(kept) == conf.top_k:
                break
            # A city section and its parent say the same thing twice: keep the better of the two.
            if any(cid in lineage[k] or k in lineage[cid] for _, k in kept):
                continue
            kept.append((score, cid))
        for score, cid in kept:
            shared = shared_phrases(texts[s.id], texts[cid], conf.shared_min_chars, conf.shared_max)
            edges.append(EdgeRecord("SECTION_ALIGNS", "Section", s.id, "Section", cid,
                                    {"theme": s.theme, "score": round(score, 4), "shared": shared}))
    return edges
