"""Section alignment: a district section SECTION_ALIGNS with city sections of its theme.

Candidates are the city documents the district plan is compared with (its own city's
plans of the year target alignment chooses, `alignment.city_partners`) and, within them,
the sections whose `theme` equals the district section's. Each pair is scored by the TF-IDF
cosine of the character bigrams of the two sections' text (heading + every task under
it), with IDF over the sections of one block: the district plans compared with the same city
plans, and those city plans (`blocks_of`). It carries a few of the longest phrases the two texts share. Only the
`top_k` best city sections per district section are kept, and pairs scoring
below `min_score` are dropped (two sections can share a theme and nothing else);
a city section is skipped when its parent or child is already kept, so the
matches are different places in the city plan rather than one place twice.

Cost. Nothing is compared across blocks: a district section only meets the sections of one
theme in its partner documents (blocking by region, year and theme), and within a block an
inverted index of bigrams yields only the city sections that share a bigram with it (any
other pair scores 0, below `min_score`). The cost grows with the plans involved and the size
of their blocks, not with the square of the corpus.
"""
from __future__ import annotations

from collections import defaultdict

from policykg.graph.derive.alignment import Partner
from policykg.graph.derive.rules import Rules
from policykg.graph.derive.snapshot import Sec, Snapshot
from policykg.graph.derive.text import cosine, shared_phrases, tfidf_vectors
from policykg.loaders.records import EdgeRecord

__all__ = ["derive_section_alignment", "blocks_of", "BlockIndex"]

Block = tuple[str, str | None]     # (city document id, theme)


class BlockIndex:
    """City sections grouped by (document, theme), each group with an inverted index of its vector terms.

    >>> index = BlockIndex({"c1": {"养老": 0.8, "床位": 0.6}, "c2": {"婚姻": 1.0}}, [("c", "x", ["c1", "c2"])])
    >>> index.candidates(("c", "x"), {"床位": 1.0}, min_score=0.05)
    ['c1']
    >>> index.candidates(("c", "x"), {"殡葬": 1.0}, min_score=0.05), index.candidates(("c", "y"), {"床位": 1.0}, 0.05)
    ([], [])
    """

    def __init__(self, vectors: dict[str, dict[str, float]], blocks: list[tuple[str, str | None, list[str]]]) -> None:
        self._members: dict[Block, list[str]] = {}
        self._postings: dict[Block, dict[str, list[str]]] = {}
        for doc_id, theme, section_ids in blocks:
            postings: dict[str, list[str]] = defaultdict(list)
            for sid in section_ids:
                for gram in vectors[sid]:
                    postings[gram].append(sid)
            self._members[(doc_id, theme)] = section_ids
            self._postings[(doc_id, theme)] = postings

    def candidates(self, block: Block, vector: dict[str, float], min_score: float) -> list[str]:
        """The block's sections whose cosine with `vector` can reach `min_score`, in the block's order."""
        members = self._members.get(block, [])
        if min_score <= 0:      # a pair sharing nothing scores 0, which is then kept too
            return list(members)
        postings = self._postings[block] if members else {}
        hits = {sid for gram in vector for sid in postings.get(gram, ())}
        return [sid for sid in members if sid in hits]


def blocks_of(partners: dict[str, list[Partner]]) -> dict[tuple[str, ...], list[str]]:
    """The district documents grouped by the city documents they are compared with (sorted ids).

    A block is what one TF-IDF weighting covers: the district plans compared with the same city
    plans, and those city plans. Its scores depend on nothing outside it, so incremental
    derivation recomputes the blocks a change touches and no others.

    >>> from policykg.graph.derive.snapshot import Doc
    >>> c = Doc("c", "c", None, None, 2024, "上海市", "city", False)
    >>> blocks_of({"d1": [Partner(c, 0, False)], "d2": [Partner(c, 0, False)], "d3": []})
    {('c',): ['d1', 'd2'], (): ['d3']}
    """
    out: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for district_id in sorted(partners):
        out[tuple(sorted(p.city.id for p in partners[district_id]))].append(district_id)
    return dict(out)


def _themed_sections(snapshot: Snapshot, partners: dict[str, list[Partner]]) -> list[Sec]:
    involved = set(partners) | {p.city.id for plist in partners.values() for p in plist}
    return [s for s in snapshot.sections.values() if s.theme and s.doc_id in involved]


def _keep_best(scored: list[tuple[float, str]], top_k: int, snapshot: Snapshot) -> list[tuple[float, str]]:
    """The top_k best city sections, skipping one whose parent or child is already kept."""
    scored.sort(key=lambda x: (-x[0], x[1]))
    kept: list[tuple[float, str]] = []
    for score, cid in scored:
        if len(kept) == top_k:
            break
        # A city section and its parent say the same thing twice: keep the better of the two.
        if any(cid in snapshot.ancestors(k) or k in snapshot.ancestors(cid) for _, k in kept):
            continue
        kept.append((score, cid))
    return kept


def derive_section_alignment(snapshot: Snapshot, rules: Rules, partners: dict[str, list[Partner]]) -> list[EdgeRecord]:
    """SECTION_ALIGNS edges of the district documents of `partners`, block by block (`blocks_of`)."""
    edges: list[EdgeRecord] = []
    for district_ids in blocks_of(partners).values():
        edges += _align_block(snapshot, rules, {d: partners[d] for d in district_ids})
    return edges


def _align_block(snapshot: Snapshot, rules: Rules, partners: dict[str, list[Partner]]) -> list[EdgeRecord]:
    conf = rules.sections
    themed = _themed_sections(snapshot, partners)
    if not themed:
        return []
    texts = {s.id: snapshot.section_text(s.id) for s in themed}
    # IDF over every section of the block's documents, so that words common to the plans compared weigh little.
    vectors = dict(zip(texts, tfidf_vectors(list(texts.values()), conf.ngram)))
    city_by_doc_theme: dict[Block, list[str]] = defaultdict(list)
    for s in themed:
        city_by_doc_theme[(s.doc_id, s.theme)].append(s.id)
    wanted = {(p.city.id, s.theme) for s in themed for p in partners.get(s.doc_id, ())}
    index = BlockIndex(vectors, [(d, t, ids) for (d, t), ids in city_by_doc_theme.items() if (d, t) in wanted])

    edges: list[EdgeRecord] = []
    for s in themed:
        if s.doc_id not in partners:
            continue
        scored = []
        for partner in partners[s.doc_id]:
            for cid in index.candidates((partner.city.id, s.theme), vectors[s.id], conf.min_score):
                score = cosine(vectors[s.id], vectors[cid])
                if score >= conf.min_score:
                    scored.append((score, cid))
        for score, cid in _keep_best(scored, conf.top_k, snapshot):
            shared = shared_phrases(texts[s.id], texts[cid], conf.shared_min_chars, conf.shared_max)
            edges.append(EdgeRecord("SECTION_ALIGNS", "Section", s.id, "Section", cid,
                                    {"theme": s.theme, "score": round(score, 4), "shared": shared}))
    return edges
