"""Incremental derivation equals the full recompute.

Random sequences (a seeded generator, so a failure replays) of loads, reloads (other numbers,
other paragraph order, another year) and removals, one plan or a few at a time, over plans of two
cities and a province made from the seeds by the bench's corpus generator (bench/corpus.py). After
every step the derived layer that `derive_for` left — every derived relationship with its
properties, every PolicyDocument, every Target.status — is compared with what `derive_all` writes
on the same documents; `derive_all` then runs, so each step starts from a correct layer (a step
that is right from any correct layer keeps every sequence right).

Also here: partners across two cities and their province (item 1 of issue 11).
"""
from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.corpus import Plan, cities, render, write_plan
from policykg.app import GraphLocation, derive, load_paths
from policykg.cli import main
from policykg.graph import statements
from policykg.graph.derive import INCOMPLETE_NOTE, derive_all, derive_for, footprint, groups
from policykg.graph.derive.alignment import city_partners, parent_regions, upper_level
from policykg.graph.derive.rules import load_rules
from policykg.graph.derive.snapshot import Doc, read_documents
from policykg.graph import ladybug_store
from policykg.graph.ladybug_store import LadybugStore
from policykg.loaders.build import build_records
from policykg.loaders.divisions import gazetteer
from policykg.loaders.pipeline import fingerprint, parse_document
from policykg.loaders.records import EdgeRecord

SHANGHAI, SHIJIAZHUANG = 0, 3       # indexes in bench.corpus.cities(): a municipality, a city of 河北省


def _slots() -> dict[str, list[Plan]]:
    """Source (file stem) → the versions it is loaded as: the first, then reloads with other numbers and
    paragraph order (another generator seed) or another year."""
    table = cities()
    sh, sh_districts = table[SHANGHAI]
    sjz, sjz_districts = table[SHIJIAZHUANG]
    hebei = gazetteer().by_code[sjz.parent]
    city_seed, district_seeds = "shanghai-2024.txt", ["jingan-2025.txt", "changning-2025.txt", "jinshan-2025.txt"]

    def versions(stem, seed, years, city, district=None):
        return [Plan(f"{stem}~{k}", seed, year, city, district, "txt") for k, year in enumerate(years)]
    slots = {
        "sh-a": versions("sh-a", city_seed, [2024, 2024, 2023], sh),
        "sh-b": versions("sh-b", city_seed, [2025, 2025, 2024], sh),
        "hebei": versions("hebei", city_seed, [2024, 2024], hebei),
        "sjz-a": versions("sjz-a", city_seed, [2024, 2024, 2025], sjz),
    }
    for k, district in enumerate(sh_districts[:3]):
        slots[f"shd{k}-a"] = versions(f"shd{k}-a", district_seeds[k], [2024, 2024, 2025], sh, district)
        slots[f"shd{k}-b"] = versions(f"shd{k}-b", district_seeds[k], [2025, 2025, 2026], sh, district)
    for k, district in enumerate(sjz_districts[:2]):
        slots[f"sjzd{k}"] = versions(f"sjzd{k}", district_seeds[k], [2024, 2025, 2024], sjz, district)
    return slots


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    """(source, version) → its DocumentGraph, parsed once: a version is written under its source's stem."""
    root = tmp_path_factory.mktemp("versions")
    out = {}
    for source, plans in _slots().items():
        for k, plan in enumerate(plans):
            folder = root / str(k)
            folder.mkdir(exist_ok=True)
            parsed = parse_document(str(write_plan(folder / source, render(plan), plan.fmt)))
            out[(source, k)] = build_records(parsed, fingerprint(parsed.source.text, None), "2026-01-01T00:00:00+00:00")
    return out


def derived_layer(store) -> dict[str, list[str]]:
    """Every derived relationship (ends and properties), every derived node, every Target.status."""
    schema = store.schema
    layer: dict[str, list[str]] = {}
    for rel in schema.derived_relationships:
        rows = [row for a, b in schema.rel(rel).endpoints for row in store.query(statements.read_edges(schema, rel, a, b)).rows]
        layer[rel] = sorted(map(repr, rows))
    for label in schema.derived_labels:
        layer[label] = sorted(map(repr, store.query(statements.read_nodes(schema, label)).rows))
    layer["Target.status"] = sorted(map(repr, store.query("MATCH (t:Target) RETURN t.id, t.status").rows))
    return layer


def _differences(incremental: dict, full: dict) -> dict[str, tuple[list, list]]:
    """Per kind: (only after the incremental derivation, only after the full one), a few of each."""
    out = {}
    for kind in sorted(set(incremental) | set(full)):
        a, b = set(incremental.get(kind, [])), set(full.get(kind, []))
        if a != b:
            out[kind] = (sorted(a - b)[:3], sorted(b - a)[:3])
    return out


def _step(rng: random.Random, loaded: dict[str, int], slots: dict[str, int]) -> list[tuple[str, int | None]]:
    """One random step: (source, version to write, or None to remove) for one plan or a few."""
    changes: dict[str, int | None] = {}
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        absent = [s for s in slots if s not in loaded and s not in changes]
        present = [s for s in loaded if s not in changes]
        kind = rng.choices(["load", "reload", "remove"], [3 if absent else 0, 3 if present else 0, 1 if present else 0])[0]
        if kind == "load":
            changes[rng.choice(absent)] = 0
        elif kind == "reload":
            source = rng.choice(present)
            changes[source] = rng.choice([k for k in range(slots[source]) if k != loaded[source]])
        else:
            changes[rng.choice(present)] = None
    return sorted(changes.items())


def _apply(store, graphs, changes, loaded) -> list[str]:
    for source, version in changes:
        if version is None:
            assert store.delete_document(source)
            del loaded[source]
        else:
            store.write_document(graphs[(source, version)])
            loaded[source] = version
    return [source for source, _ in changes]


def run_sequence(store, graphs, seed: int, steps: int) -> dict:
    """Apply `steps` random steps to `store`; after each, incremental == full. Returns what was seen."""
    rng = random.Random(seed)
    slots = {source: 1 + max(k for s, k in graphs if s == source) for source, _ in graphs}
    loaded: dict[str, int] = {}
    seen = {"kinds": set(), "partial": 0, "identity kept": 0, "identity rewritten": 0}
    for step in range(steps):
        changes = _step(rng, loaded, slots)
        before = footprint(store, [source for source, _ in changes])
        sources = _apply(store, graphs, changes, loaded)
        report = derive_for(store, before, sources, full_above=None)
        incremental = derived_layer(store)
        derive_all(store)
        full = derived_layer(store)
        assert not _differences(incremental, full), (f"seed {seed}, step {step}: {changes}", _differences(incremental, full))
        seen["kinds"] |= {kind for kind, rows in full.items() if rows}
        seen["partial"] += report.scope == "incremental" and report.documents < len(loaded)
        # unchanged_identity: the cited policy documents kept as stored (only new links written), or rewritten
        if report.scope == "incremental" and full["PolicyDocument"]:
            seen["identity rewritten" if report.nodes.get("PolicyDocument") else "identity kept"] += 1
    return seen


def test_incremental_derivation_equals_the_full_recompute_on_random_sequences(graphs, tmp_path):
    seen_kinds, partial, identity = set(), 0, Counter()
    for seed in (11, 12, 13):
        with LadybugStore(str(tmp_path / f"graph-{seed}.lbdb")) as store:
            seen = run_sequence(store, graphs, seed, steps=12)
        seen_kinds |= seen["kinds"]
        partial += seen["partial"]
        identity.update({k: seen[k] for k in ("identity kept", "identity rewritten")})
    # The sequences exercised every kind of derived link, and most steps recomputed a part of the graph only.
    assert seen_kinds >= {"ALIGNS_WITH", "IMPLEMENTS", "SECTION_ALIGNS", "REUSES", "SUCCEEDS", "CONTINUES",
                          "CITES", "REFERS_TO", "PolicyDocument", "Target.status"}
    assert partial >= 10
    assert identity["identity kept"] >= 3 and identity["identity rewritten"] >= 3, identity


def test_incremental_derivation_equals_the_full_recompute_on_the_bolt_server(graphs, bolt_store):
    seen = run_sequence(bolt_store, graphs, seed=21, steps=4)
    assert "ALIGNS_WITH" in seen["kinds"]


@pytest.mark.parametrize("group_docs, workers, per_transaction", [(1, 0, None), (4, 0, None), (1, 2, None), (1, 0, 200)])
def test_the_full_recompute_in_groups_equals_one_read_of_the_whole_graph(graphs, tmp_path, monkeypatch,
                                                                          group_docs, workers, per_transaction):
    """derive_all reads the graph a group of documents at a time (whole blocks, whole lineages): with
    groups of one document, or of four, with the groups computed by two worker processes (as on a
    graph of over PARALLEL_ABOVE plans), and with target statuses and relationships mixed in transactions
    of 200 writes, it writes exactly what one read of the whole graph writes."""
    with LadybugStore(str(tmp_path / "g.lbdb")) as store:
        for (source, k), graph in sorted(graphs.items()):
            if k == (1 if source.endswith("-b") else 0):     # two years of some districts: lineage links too
                store.write_document(graph)
        derive_all(store, group_docs=None)
        whole = derived_layer(store)
        if workers:
            monkeypatch.setattr(groups, "PARALLEL_ABOVE", 0)
            assert groups.workers_for(len(graphs), workers) == workers
        chunks = []
        if per_transaction:
            monkeypatch.setattr(ladybug_store, "DERIVED_PER_TRANSACTION", per_transaction)
            real_chunks = ladybug_store.derived_chunks
            monkeypatch.setattr(ladybug_store, "derived_chunks", lambda writes, size: (
                chunks.append((len(u), len(e))) or (u, e) for u, e in real_chunks(writes, size)))
        derive_all(store, group_docs=group_docs, jobs=workers or 1)
        grouped = derived_layer(store)
    assert not _differences(grouped, whole), _differences(grouped, whole)
    if per_transaction:     # several transactions, some with statuses and relationships both
        assert len(chunks) > 2 and any(u and e for u, e in chunks), chunks
    assert all(whole[kind] for kind in ("ALIGNS_WITH", "IMPLEMENTS", "SECTION_ALIGNS", "REUSES", "SUCCEEDS",
                                          "CONTINUES", "CITES", "Target.status")), {k: len(v) for k, v in whole.items()}


def test_lineage_writes_are_yielded_a_group_at_a_time(graphs, tmp_path, monkeypatch):
    """The lineage relationships and target statuses of a group are handed on before the next group is read:
    the derivation never holds the whole graph's lineage in Python."""
    read = []
    real_read = groups.read_snapshot
    monkeypatch.setattr(groups, "read_snapshot", lambda *a, **k: read.append(k["doc_ids"]) or real_read(*a, **k))
    with LadybugStore(str(tmp_path / "g.lbdb")) as store:
        for key in [("sh-a", 0), ("sh-b", 0), ("shd0-a", 0), ("shd0-b", 0)]:     # two lineages of two years
            store.write_document(graphs[key])
        docs = read_documents(store)
        writes = groups.lineage_writes(store, docs, load_rules(), size=2)
        first = next(writes)
        assert len(read) == 1
        rest = list(writes)
    assert len(read) == 2
    kinds = Counter(w.type if isinstance(w, EdgeRecord) else w.label for w in [first, *rest])
    assert kinds["SUCCEEDS"] == 2 and kinds["CONTINUES"] > 0 and kinds["Target"] > 0, kinds


def test_a_reload_rewrites_only_its_partition(graphs, tmp_path):
    """A changed district plan's reload keeps the links of another city's plans as they were (not rewritten)."""
    with LadybugStore(str(tmp_path / "g.lbdb")) as store:
        for key in [("sh-a", 0), ("shd0-a", 0), ("shd1-a", 0), ("sjz-a", 0), ("sjzd0", 0), ("hebei", 0)]:
            store.write_document(graphs[key])
        derive_all(store)
        marker = "MATCH (a:Document)-[r:IMPLEMENTS]->(b:Document) WHERE a.source = $s SET r.coverage = -1.0"
        store.query(marker, {"s": "sjzd0"})       # a mark the full recompute would erase
        before = footprint(store, ["shd0-a"])
        store.write_document(graphs[("shd0-a", 1)])
        report = derive_for(store, before, ["shd0-a"], full_above=None)
        coverage = "MATCH (a:Document)-[r:IMPLEMENTS]->(b:Document) WHERE a.source = $s RETURN r.coverage"
        assert store.query(coverage, {"s": "sjzd0"}).rows == [[-1.0]]
        assert store.query(coverage, {"s": "shd0-a"}).rows[0][0] >= 0
        assert report.scope == "incremental" and report.documents < 6


def test_load_derives_what_changed_and_derive_all_is_the_command(graphs, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    plans = _slots()
    for source in ("sh-a", "shd0-a", "shd1-a"):
        write_plan(folder / source, render(plans[source][0]), "txt")
    db = str(tmp_path / "g.lbdb")
    with LadybugStore(db) as store:
        first = load_paths([str(folder)], store)
        assert first.derived.scope == "all"              # everything changed: one full recompute
        write_plan(folder / "shd0-a", render(plans["shd0-a"][1]), "txt")
        again = load_paths([str(folder)], store)
        assert again.derived.scope == "incremental" and again.derived.edges.get("IMPLEMENTS") == 1
        unchanged = load_paths([str(folder)], store)
        assert unchanged.derived is None                 # nothing changed, nothing derived
        layer = derived_layer(store)
    report = derive(GraphLocation("ladybug", db))
    assert report.scope == "all" and report.edges["IMPLEMENTS"] == 2
    with LadybugStore(db) as store:
        assert derived_layer(store) == layer
    with pytest.raises(ValueError, match="--all"):
        derive(GraphLocation("ladybug", db), all=False)


def test_a_load_after_a_derivation_cut_short_recomputes_every_link(graphs, tmp_path):
    """A full derivation killed past its first transaction leaves the layer marked incomplete: the next
    load, even with nothing changed, and the next reload recompute every link, not a part."""
    folder = tmp_path / "plans"
    folder.mkdir()
    plans = _slots()
    for source in ("sh-a", "shd0-a", "shd1-a"):
        write_plan(folder / source, render(plans[source][0]), "txt")
    with LadybugStore(str(tmp_path / "g.lbdb")) as store:
        load_paths([str(folder)], store)
        whole = derived_layer(store)
        for cut_short in (lambda: None, lambda: write_plan(folder / "shd0-a", render(plans["shd0-a"][1]), "txt")):
            # What a derivation killed after dropping the links and writing a few leaves behind
            store._transaction(lambda: [store._run(*store.mark_derived_layer(False)),
                                        store._run("MATCH ()-[r:ALIGNS_WITH]->() DELETE r")])
            assert not store.derived_layer_complete()
            cut_short()
            report = load_paths([str(folder)], store)
            assert report.derived is not None and report.derived.scope == "all"
            assert report.derived.notes[0] == INCOMPLETE_NOTE
            assert store.derived_layer_complete()
            layer = derived_layer(store)
            assert layer["ALIGNS_WITH"]
        assert load_paths([str(folder)], store).derived is None      # whole again: nothing to do
    assert whole["ALIGNS_WITH"] and layer != whole                   # the reload's links, not the first ones


def test_the_derive_command_recomputes_everything_and_without_all_says_what_to_do(graphs, tmp_path):
    db = str(tmp_path / "g.lbdb")
    with LadybugStore(db) as store:
        for source in ("sh-a", "shd0-a"):
            store.write_document(graphs[(source, 0)])
    done = CliRunner().invoke(main, ["--db", db, "derive", "--all"])
    assert done.exit_code == 0 and "(all): " in done.output and "IMPLEMENTS 1" in done.output
    refused = CliRunner().invoke(main, ["--db", db, "derive"])
    assert refused.exit_code == 1 and "policykg derive --all" in refused.output and "Traceback" not in refused.output


# -- partners: a district with its own city, a city with its own province (issue 11, item 1) --------

def _doc(id, level, year, region, chain=()):
    return Doc(id, id, None, None, year, region, level, False, list(chain))


def test_a_city_plan_pairs_with_its_own_province_and_a_district_with_its_own_city_only():
    docs = [_doc("hebei", "province", 2025, "河北省"), _doc("fujian", "province", 2025, "福建省"),
            _doc("sjz", "city", 2025, "石家庄市", ["河北省"]), _doc("qz", "city", 2025, "泉州市", ["福建省"]),
            _doc("sh", "city", 2025, "上海市"),
            _doc("ca", "district", 2025, "长安区", ["石家庄市", "河北省"]), _doc("lc", "district", 2025, "鲤城区", ["泉州市", "福建省"])]
    partners = {d: [p.city.id for p in plist] for d, plist in city_partners(docs).items()}
    assert partners == {"sjz": ["hebei"], "qz": ["fujian"], "ca": ["sjz"], "lc": ["qz"]}
    assert "sh" not in partners        # a municipality is its own province: no plan above it


def test_in_a_graph_of_two_cities_every_link_stays_within_its_own_city_and_province(graphs, tmp_path):
    with LadybugStore(str(tmp_path / "g.lbdb")) as store:
        for source in ("sh-a", "shd0-a", "hebei", "sjz-a", "sjzd0", "sjzd1"):
            store.write_document(graphs[(source, 0)])
        derive_all(store)
        docs = {r["id"]: Doc(**r) for r in store.query(statements.SNAPSHOT_DOCUMENTS).records()}
        pairs = store.query("MATCH (a:Document)-[:IMPLEMENTS]->(b:Document) RETURN a.id, b.id").rows
    names = sorted((docs[a].source, docs[b].source) for a, b in pairs)
    assert names == [("shd0-a", "sh-a"), ("sjz-a", "hebei"), ("sjzd0", "sjz-a"), ("sjzd1", "sjz-a")]
    for a, b in pairs:
        assert docs[b].region in parent_regions(docs[a]) and docs[b].level == upper_level(docs[a].level)
