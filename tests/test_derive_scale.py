"""Section alignment and reuse at scale: the blocked, indexed derivations find exactly the edges
a straightforward all-pairs comparison finds, on a few dozen plans of three cities (the bench
corpus generator: seeds rewritten for other regions and years, numbers varied, paragraphs shuffled)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from bench.corpus import Plan, cities, render, write_plan
from policykg.app import load_paths
from policykg.graph.derive.alignment import city_partners, parent_regions
from policykg.graph.derive.reuse import derive_reuse, may_copy
from policykg.graph.derive.rules import load_rules
from policykg.graph.derive.sections import derive_section_alignment
from policykg.graph.derive.snapshot import read_snapshot
from policykg.graph.derive.text import content_only, cosine, jaccard, sentences, shared_phrases, shingles, tfidf_vectors
from policykg.graph.ladybug_store import LadybugStore
from policykg.loaders.records import EdgeRecord

# (city index in cities(), district indexes, years of the city plans, years of the district plans)
ROOT = Path(__file__).resolve().parents[1]

LAYOUT = [
    (0, [1, 2, 5, 9], [2022, 2024], [2022, 2023, 2024]),   # 上海: 2023 districts compare with the 2022 city plan
    (1, [0, 3, 4], [2023, 2024], [2023, 2024, 2025]),      # 北京: same text, other names — never matched with 上海
    (3, [1, 2], [2024], [2023, 2024]),                     # a third city: 2023 districts have no city plan
]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    table = cities()
    paths = []
    for city_index, district_indexes, city_years, district_years in LAYOUT:
        city, districts = table[city_index]
        for year in city_years:
            plan = Plan(f"{city.code}-{year}", "shanghai-2024.txt", year, city, None, "txt")
            paths.append(write_plan(folder / plan.name, render(plan), plan.fmt))
        for k, i in enumerate(district_indexes):
            seed = ["jingan-2025.txt", "changning-2025.txt", "jinshan-2025.txt"][k % 3]
            for year in district_years:
                d = districts[i]
                plan = Plan(f"{d.code}-{year}", seed, year, city, d, ("txt", "html", "docx")[(k + year) % 3])
                paths.append(write_plan(folder / plan.name, render(plan), plan.fmt))
    store = LadybugStore(str(tmp_path_factory.mktemp("graph") / "graph.lbdb"))
    report = load_paths([str(p) for p in paths], store, derive=False)
    assert len(report.loaded) == len(paths) >= 30
    snap = read_snapshot(store)
    store.close()
    return snap


def _key(edges: list[EdgeRecord]) -> list[tuple]:
    return sorted((e.type, e.from_id, e.to_id, sorted(e.props.items())) for e in edges)


def reference_section_alignment(snapshot, rules, partners) -> list[EdgeRecord]:
    """Every themed section against every other, kept when the pair passes the rules (no blocking, no index);
    IDF over the district plans compared with the same city plans, and those city plans."""
    by_partners = defaultdict(dict)
    for district_id, plist in partners.items():
        by_partners[frozenset(p.city.id for p in plist)][district_id] = plist
    return [e for block in by_partners.values() for e in _reference_block(snapshot, rules, block)]


def _reference_block(snapshot, rules, partners) -> list[EdgeRecord]:
    conf = rules.sections
    involved = set(partners) | {p.city.id for plist in partners.values() for p in plist}
    themed = [s for s in snapshot.sections.values() if s.theme and s.doc_id in involved]
    texts = {s.id: snapshot.section_text(s.id) for s in themed}
    vectors = dict(zip(texts, tfidf_vectors(list(texts.values()), conf.ngram)))
    parent_of = {c: s.id for s in snapshot.sections.values() for c in s.children}

    def ancestors(sid):
        out = set()
        while sid in parent_of:
            sid = parent_of[sid]
            out.add(sid)
        return out

    edges = []
    for s in themed:
        if s.doc_id not in partners:
            continue
        partner_docs = {p.city.id for p in partners[s.doc_id]}
        scored = []
        for c in themed:
            if c.doc_id in partner_docs and c.theme == s.theme:
                score = cosine(vectors[s.id], vectors[c.id])
                if score >= conf.min_score:
                    scored.append((score, c.id))
        scored.sort(key=lambda x: (-x[0], x[1]))
        kept = []
        for score, cid in scored:
            if len(kept) == conf.top_k:
                break
            if not any(cid in ancestors(k) or k in ancestors(cid) for _, k in kept):
                kept.append((score, cid))
        for score, cid in kept:
            shared = shared_phrases(texts[s.id], texts[cid], conf.shared_min_chars, conf.shared_max)
            edges.append(EdgeRecord("SECTION_ALIGNS", "Section", s.id, "Section", cid,
                                    {"theme": s.theme, "score": round(score, 4), "shared": shared}))
    return edges


def reference_reuse(snapshot, rules) -> list[EdgeRecord]:
    """Every district sentence against every sentence of its own city's plans not later than it."""
    conf = rules.reuse
    docs = snapshot.docs
    by_doc = defaultdict(list)
    for task in snapshot.tasks.values():
        for sentence in sentences(task.text):
            if len(content_only(sentence)) >= conf.min_chars:
                by_doc[task.doc_id].append((task.id, shingles(sentence, conf.ngram)))
    best = {}
    for d in docs.values():
        if d.level != "district":
            continue
        for c in docs.values():
            if c.level != "city" or c.region not in parent_regions(d) or not may_copy(d.year, c.year):
                continue
            for dt, a in by_doc[d.id]:
                for ct, b in by_doc[c.id]:
                    similarity = jaccard(a, b)
                    if similarity >= conf.threshold:
                        best[(dt, ct)] = max(best.get((dt, ct), 0.0), similarity)
    return [EdgeRecord("REUSES", "Task", d, "Task", c, {"similarity": round(s, 4)}) for (d, c), s in sorted(best.items())]


def _city_of(snapshot, doc_id):
    doc = snapshot.docs[doc_id]
    return doc.region if doc.level == "city" else parent_regions(doc)[0]


def test_the_corpus_spans_three_cities_and_their_partners_are_their_own(snapshot):
    partners = city_partners(snapshot.docs.values())
    assert len({_city_of(snapshot, d) for d in snapshot.docs}) == 3
    assert partners and all(_city_of(snapshot, d) == p.city.region for d, plist in partners.items() for p in plist)
    assert any(p.flagged for plist in partners.values() for p in plist)


def test_section_alignment_finds_exactly_the_all_pairs_edges(snapshot):
    rules = load_rules()
    partners = city_partners(snapshot.docs.values())
    found = derive_section_alignment(snapshot, rules, partners)
    assert _key(found) == _key(reference_section_alignment(snapshot, rules, partners))
    assert len(found) >= 50
    assert all(_city_of(snapshot, snapshot.sections[e.from_id].doc_id) == _city_of(snapshot, snapshot.sections[e.to_id].doc_id)
               for e in found)


def test_reuse_finds_exactly_the_all_pairs_edges_and_never_another_city(snapshot):
    rules = load_rules()
    found = derive_reuse(snapshot, rules)
    assert _key(found) == _key(reference_reuse(snapshot, rules))
    assert len(found) >= 10
    cities_of = {(_city_of(snapshot, snapshot.tasks[e.from_id].doc_id), _city_of(snapshot, snapshot.tasks[e.to_id].doc_id))
                 for e in found}
    assert all(a == b for a, b in cities_of) and len(cities_of) >= 2


def test_a_partition_reads_what_the_whole_graph_holds_of_it(tmp_path):
    """read_snapshot of some documents (their tasks read through the sections and documents holding
    them) gives those documents' part of the whole graph's snapshot, in the same order."""
    flat = tmp_path / "flat-2025.txt"      # numbered tasks under no heading: held by the document itself
    flat.write_text("金山区民政局2025年工作要点\n\n1. 新增养老床位100张，推进社区长者食堂建设。\n"
                    "2. 完善社会救助体系，开展低收入人口动态监测。\n3. 深化婚姻登记便民服务。\n", encoding="utf-8")
    store = LadybugStore(str(tmp_path / "graph.lbdb"))
    try:
        load_paths([str(ROOT / "seeds"), str(flat)], store, derive=False)
        whole = read_snapshot(store)
        flat_id = next(i for i, d in whole.docs.items() if d.source == "flat-2025")
        part = sorted(set(sorted(whole.docs)[2:5]) | {flat_id})
        snap = read_snapshot(store, doc_ids=part, docs=whole.docs)
    finally:
        store.close()
    assert sorted(snap.docs) == sorted(part)
    assert [t.doc_id for t in snap.tasks.values()].count(flat_id) == 3
    assert snap.targets == [t for t in whole.targets if t.doc_id in part] != []
    assert snap.sections == {k: s for k, s in whole.sections.items() if s.doc_id in part} != {}
    assert list(snap.tasks.items()) == [(k, t) for k, t in whole.tasks.items() if t.doc_id in part] != []
    assert sum(len(s.tasks) for s in snap.sections.values()) > len(snap.tasks) / 2
