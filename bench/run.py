"""`make bench`: how policykg scales with the number of plans (figures, never pass/fail in tests).

Builds the deterministic corpus of bench/corpus.py (N = 100 and then 1,000 plans; BENCH_N=N for one N,
BENCH_FULL=1 for 10,000) and measures, each figure twice to show the noise (BENCH_RUNS=1: once):

- extraction: characters per CPU second (per core) through read → normalise → extract, no store;
- first load of the N plans into a fresh embedded store (LadybugDB), derivation included, in a
  child process: wall, CPU, peak RSS, nodes + relationships written per second;
- reload of one changed plan into the N-plan graph, derivation included: as `load` does it (incremental
  derivation of what changed) and, as the baseline, followed by the full recompute (`derive_all`);
  and `derive_all` alone;
- p50/p95 of every named query's first page (1,000 rows, as `policykg query` shows), with its defaults
  and with a selective parameter; the analyst's report on the default city plan (`report_data`); and the
  lineage picture (two hops) of the first city plan and of the program the most plans run;
- the write baselines, on the same parsed plans: LadybugDB's bulk path (`write_documents`: COPY from
  Arrow tables) against one MERGE statement per row (and against `write_document`, one transaction of
  UNWIND statements per plan), and on the Bolt server the tests use (tests/neo4j_server) batched
  UNWIND (`write_documents`) against one transaction per row. Per-row writes are timed on the first
  PER_ROW_PLANS plans (their rows/s on a small graph favours them, if anything).

Prints a table and writes build/bench/bench-N.json.
"""
from __future__ import annotations

import json
import logging
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402
from policykg.app import default_jobs, load_paths  # noqa: E402
from policykg.graph import statements  # noqa: E402
from policykg.graph.derive import derive_all  # noqa: E402
from policykg.graph.store import GraphStore, open_store  # noqa: E402
from policykg.loaders.build import build_records  # noqa: E402
from policykg.loaders.pipeline import fingerprint, parse_document  # noqa: E402
from policykg.loaders.records import DocumentGraph  # noqa: E402
from policykg.queries import list_queries, run_query  # noqa: E402
from policykg.queries.report import report_data  # noqa: E402
from policykg.queries.views import lineage_graph  # noqa: E402
from tests.conftest_bolt import Neo4jServer, open_bolt_store, server_jar  # noqa: E402

__all__ = ["main"]

BUILD = ROOT / "build" / "bench"
EXTRACTION_FILES = 40
PER_ROW_PLANS = 10      # plans written one row at a time (per-row MERGE, one Bolt transaction per row)
# Plans of the write baselines (bulk, per plan, per row): their ratios are the figures, and at 10,000
# plans the per-plan and Bolt runs alone would take most of an hour. The tests' Neo4j server runs in a
# 768 MB heap: clearing 1,000 plans between its runs overflowed its transaction memory.
WRITE_BASELINE_PLANS = 1_000
BOLT_BASELINE_PLANS = 100
WRITE_BATCH = 100       # plans per write_documents call
# How many times each figure is measured (two show the noise; BENCH_RUNS=1 halves a long BENCH_FULL run)
RUNS = int(os.environ.get("BENCH_RUNS", "2"))
QUERY_PAGE = 1_000      # rows a named query's figure reads: the CLI's default page (`query --limit`)
CHANGES = ["做好困难群众帮扶，新增养老床位12张。", "推进社区嵌入式服务设施建设，新增社区长者食堂3家。"]


def corpus_sizes() -> list[int]:
    """The Ns measured, one after the other: 100 and 1,000 by default, BENCH_N alone, or 10,000 with BENCH_FULL=1."""
    if os.environ.get("BENCH_FULL") == "1":
        return [10_000]
    if os.environ.get("BENCH_N"):
        return [int(os.environ["BENCH_N"])]
    return [100, 1_000]


# -- extraction -------------------------------------------------------------------------------

def bench_extraction(files: list[Path]) -> dict:
    """Characters per CPU second through parse_document, on files the process has not seen."""
    start = time.process_time()
    chars = sum(len(parse_document(str(f)).source.text) for f in files)
    seconds = time.process_time() - start
    return {"files": len(files), "chars": chars, "cpu_s": seconds, "chars_per_s": chars / seconds}


# -- first load, in a child process (its own peak RSS) -------------------------------------------

def _count(store: GraphStore, cypher: str) -> int:
    return int(store.query(cypher, {}).rows[0][0])


def load_child(db: str, folder: str) -> None:
    """Run in the child: load every plan of `folder` into a fresh store at `db`, print the figures as JSON."""
    store = open_store("ladybug", db_path=db)
    wall, cpu = time.perf_counter(), time.process_time()
    # As `policykg load` runs: extraction in one worker process per core, this process writing.
    report = load_paths([folder], store, jobs=default_jobs())
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu + children.ru_utime + children.ru_stime
    nodes = _count(store, "MATCH (n) RETURN count(n)")
    rels = _count(store, "MATCH ()-[r]->() RETURN count(r)")
    store.close()
    print(json.dumps({
        "plans": len(report.loaded), "failed": len(report.failed), "wall_s": wall, "cpu_s": cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_rss_mb": children.ru_maxrss / 1024, "jobs": default_jobs(),
        "nodes": nodes, "relationships": rels, "writes_per_s": (nodes + rels) / wall,
        "derive_s": report.derived.seconds if report.derived else None,
    }))


def bench_first_load(folder: Path, db: Path) -> dict:
    shutil.rmtree(db, ignore_errors=True)
    if db.exists():
        db.unlink()
    out = subprocess.run([sys.executable, __file__, "--load-child", str(db), str(folder)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# -- reload, derivation, queries on the loaded graph ----------------------------------------------

def bench_reload(store: GraphStore, plan: Path, change: str, *, full: bool = False) -> dict:
    """Reload one plan whose text changed (a sentence added), then put the original back.

    As `load` does it (the links of what changed derived incrementally), or with `full` the way it
    was done before incremental derivation: every link recomputed (`derive_all`)."""
    original = plan.read_text(encoding="utf-8")
    try:
        plan.write_text(original.rstrip("\n") + "\n" + change + "\n", encoding="utf-8")
        start = time.perf_counter()
        report = load_paths([str(plan)], store, derive=not full)
        derived = derive_all(store) if full else report.derived
        wall = time.perf_counter() - start
    finally:
        plan.write_text(original, encoding="utf-8")
    return {"wall_s": wall, "derive_s": derived.seconds if derived else None,
            "derive_scope": derived.scope if derived else None, "documents": derived.documents if derived else None}


def bench_derive(store: GraphStore) -> dict:
    start = time.perf_counter()
    report = derive_all(store)
    return {"wall_s": time.perf_counter() - start, "edges": sum(report.edges.values())}


def _sample_values(store: GraphStore) -> dict:
    """Values the selective forms of the queries filter on, taken from the loaded graph."""
    def first(cypher: str) -> str:
        rows = store.query(cypher, {}).rows
        return rows[0][0] if rows else ""
    return {
        "district": first("MATCH (d:Document) WHERE d.level = 'district' RETURN d.source AS s ORDER BY s LIMIT 1"),
        "city": first("MATCH (d:Document) WHERE d.level = 'city' RETURN d.source AS s ORDER BY s LIMIT 1"),
        "indicator": first("MATCH (t:Target) WHERE t.indicator IS NOT NULL AND t.indicator <> 'unmapped' "
                           "RETURN t.indicator AS i, count(*) AS n ORDER BY n DESC, i LIMIT 1"),
        "region": first("MATCH (d:Document) WHERE d.level = 'district' RETURN d.region AS r ORDER BY d.source LIMIT 1"),
        "theme": first("MATCH (s:Section) WHERE s.theme IS NOT NULL "
                       "RETURN s.theme AS t, count(*) AS n ORDER BY n DESC, t LIMIT 1"),
        "program": first("MATCH (d:Document)<-[:TASK_OF]-(:Task)-[:RUNS_PROGRAM]->(p:Program) "
                         "RETURN p.name AS p, count(DISTINCT d) AS n ORDER BY n DESC, p LIMIT 1"),
    }


def query_forms(sample: dict) -> dict[str, tuple[dict, dict]]:
    """Each named query's (default, selective) parameters; a required parameter gets a sample value in both."""
    d, c, i, r, t = sample["district"], sample["city"], sample["indicator"], sample["region"], sample["theme"]
    selective = {
        "alignment": {"district": d}, "citations": {"title": "养老"}, "conflicts": {"source": d},
        "department-load": {"region": r}, "gaps": {"source": d}, "lineage": {"name": d},
        "owner": {"source": d}, "reuse": {"source": d}, "rollup": {"source": c}, "scorecard": {"district": d},
        "search": {"keyword": "养老", "source": d}, "section-alignment": {"district": d, "theme": t},
        "target-history": {"indicator": i, "region": r},
    }
    required = {"lineage": {"name": d}, "search": {"keyword": "养老"}}
    return {q.name: (required.get(q.name, {}), selective.get(q.name, required.get(q.name, {}))) for q in list_queries()}


def bench_report(store: GraphStore) -> dict:
    """The data of `policykg report` on the default city plan (the one with the most district plans)."""
    start = time.perf_counter()
    report = report_data(store)
    return {"wall_s": time.perf_counter() - start, "city": report.city["source"], "districts": len(report.districts)}


def bench_lineage_picture(store: GraphStore, name: str) -> dict:
    """`policykg lineage NAME --out` without the HTML: the picture's graph, two hops up and down from `name`."""
    start = time.perf_counter()
    graph = lineage_graph(store, name, 2)
    return {"wall_s": time.perf_counter() - start, "name": name, "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges()}


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def bench_query(store: GraphStore, name: str, params: dict, repeat: int) -> dict:
    """p50/p95 of the query's first page, as `policykg query NAME` reads it; `more`: rows follow the page."""
    try:
        first = run_query(store, name, params, limit=QUERY_PAGE)     # warm-up
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            run_query(store, name, params, limit=QUERY_PAGE)
            times.append(time.perf_counter() - start)
    except Exception as exc:     # a query failing at scale is a finding, not a reason to stop the bench
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}
    return {"rows": len(first.rows), "more": first.more,
            "p50_ms": 1000 * statistics.median(times), "p95_ms": 1000 * _percentile(times, 0.95)}


# -- write baselines: bulk against per row, on both stores ----------------------------------------

def parse_graphs(files: list[Path]) -> list[DocumentGraph]:
    graphs = []
    for f in files:
        parsed = parse_document(str(f))
        graphs.append(build_records(parsed, fingerprint(parsed.source.text, None)))
    return graphs


def _rows_of(graphs: list[DocumentGraph]) -> int:
    return sum(len(g.nodes) + len(g.edges) for g in graphs)


def _timed(write, graphs: list[DocumentGraph]) -> dict:
    start = time.perf_counter()
    write(graphs)
    wall = time.perf_counter() - start
    return {"plans": len(graphs), "rows": _rows_of(graphs), "wall_s": wall, "rows_per_s": _rows_of(graphs) / wall}


def _batched(store: GraphStore):
    def write(graphs):
        for i in range(0, len(graphs), WRITE_BATCH):
            store.write_documents(graphs[i:i + WRITE_BATCH])
    return write


def _row_statements(store: GraphStore, graph: DocumentGraph):
    """(statement, parameters) writing `graph` one row at a time: a MERGE per node, a MERGE per relationship."""
    for label, rows in store.node_rows(graph.nodes).items():
        key = store.schema.node(label).key
        for row in rows:
            row = {k: v for k, v in row.items() if v is not None or k == key}   # an all-null column has no type
            yield statements.merge_nodes(label, key, list(row)), {"rows": [row]}
    for (rel, a, b), rows in store.edge_rows(graph.edges).items():
        for row in rows:
            row = {k: v for k, v in row.items() if v is not None or k in ("f", "t")}
            fields = [k for k in row if k not in ("f", "t")]
            yield statements.write_edges(store.schema, rel, a, b, fields).replace("CREATE (a)", "MERGE (a)"), {"rows": [row]}


def _per_row(store: GraphStore, run_one):
    def write(graphs):
        for graph in graphs:
            for cypher, params in _row_statements(store, graph):
                run_one(cypher, params)
    return write


def _fresh_ladybug(path: Path) -> GraphStore:
    shutil.rmtree(path, ignore_errors=True)
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return open_store("ladybug", db_path=str(path))


def bench_ladybug_writes(graphs: list[DocumentGraph]) -> dict:
    """Bulk (COPY) against per-row MERGE and per-plan UNWIND, each into a fresh embedded store, twice."""
    out: dict = {"bulk": [], "per_document": [], "per_row_merge": []}
    path = BUILD / "writes.lbdb"
    for _ in range(2):
        for way in out:
            store = _fresh_ladybug(path)
            try:
                if way == "bulk":
                    out[way].append(_timed(_batched(store), graphs))
                elif way == "per_document":
                    out[way].append(_timed(lambda gs, s=store: [s.write_document(g) for g in gs], graphs))
                else:
                    out[way].append(_timed(_per_row(store, store.query), graphs[:PER_ROW_PLANS]))
                out[way][-1]["graph"] = sum(store.counts().values())
            finally:
                store.close()
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return out


def bench_bolt_writes(graphs: list[DocumentGraph]) -> dict:
    """Batched UNWIND (write_documents) against one transaction per row, on the Neo4j the tests start."""
    if not shutil.which("java"):
        return {"skipped": "no java on PATH: install Java 17+ (and Maven, then `make dev`) for the Bolt baseline"}
    if not server_jar().exists():
        return {"skipped": f"{server_jar().relative_to(ROOT)} is not built: run `make dev`"}
    home = BUILD / "neo4j"
    shutil.rmtree(home, ignore_errors=True)
    server = Neo4jServer(home).start()
    out: dict = {"batched_unwind": [], "tx_per_row": [], "server": server.settings["version"]}
    try:
        store = open_bolt_store(server.settings)
        try:
            store.write_documents(graphs[:PER_ROW_PLANS])     # warm up: the server compiles its plans once
            for _ in range(2):
                for way in ("batched_unwind", "tx_per_row"):
                    store.query("MATCH (n) DETACH DELETE n")
                    if way == "batched_unwind":
                        out[way].append(_timed(_batched(store), graphs))
                    else:
                        out[way].append(_timed(_per_row(store, store.query), graphs[:PER_ROW_PLANS]))
                    out[way][-1]["graph"] = sum(store.counts().values())
        finally:
            store.close()
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
    return out


def bench_writes(files: list[Path]) -> dict:
    graphs = parse_graphs(files)
    return {"ladybug": bench_ladybug_writes(graphs), "bolt": bench_bolt_writes(graphs[:BOLT_BASELINE_PLANS])}


def _ratio(fast: list[dict], slow: list[dict]) -> str:
    return " / ".join(f"{f['rows_per_s'] / s['rows_per_s']:.1f}×" for f, s in zip(fast, slow))


def write_lines(writes: dict) -> list[str]:
    lady, bolt = writes["ladybug"], writes["bolt"]
    lines = [
        "",
        "| write baseline (rows = nodes + relationships) | plans | rows/s, two runs |",
        "| --- | --- | --- |",
        f"| LadybugDB bulk (write_documents: COPY) | {lady['bulk'][0]['plans']} | {_pair(lady['bulk'], 'rows_per_s', ',.0f')} |",
        f"| LadybugDB per plan (write_document: UNWIND, one transaction a plan) | {lady['per_document'][0]['plans']} "
        f"| {_pair(lady['per_document'], 'rows_per_s', ',.0f')} |",
        f"| LadybugDB per-row MERGE | {lady['per_row_merge'][0]['plans']} "
        f"| {_pair(lady['per_row_merge'], 'rows_per_s', ',.0f')} |",
        f"| ratio bulk : per-row MERGE (goal ≥ 20×) | | {_ratio(lady['bulk'], lady['per_row_merge'])} |",
        f"| ratio bulk : per plan | | {_ratio(lady['bulk'], lady['per_document'])} |",
    ]
    if "skipped" in bolt:
        return lines + [f"| Bolt baseline skipped: {bolt['skipped']} | | |"]
    return lines + [
        f"| Neo4j {bolt['server']} batched UNWIND (write_documents) | {bolt['batched_unwind'][0]['plans']} "
        f"| {_pair(bolt['batched_unwind'], 'rows_per_s', ',.0f')} |",
        f"| Neo4j one transaction per row | {bolt['tx_per_row'][0]['plans']} "
        f"| {_pair(bolt['tx_per_row'], 'rows_per_s', ',.0f')} |",
        f"| ratio batched : per row (goal ≥ 10×) | | {_ratio(bolt['batched_unwind'], bolt['tx_per_row'])} |",
    ]


# -- the table ------------------------------------------------------------------------------------

def _pair(runs: list[dict], key: str, fmt: str) -> str:
    return " / ".join("—" if r.get(key) is None else format(r[key], fmt) for r in runs)


def print_table(result: dict) -> None:
    n = result["n"]
    load, ext = result["first_load"], result["extraction"]
    lines = [
        f"policykg bench: N = {n} plans ({result['machine']}); two runs each: first / second",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| extraction, chars/s per core | {_pair(ext, 'chars_per_s', ',.0f')} |",
        f"| first load of {n} plans, wall s | {_pair(load, 'wall_s', '.1f')} |",
        f"| first load, CPU s (writer and workers) | {_pair(load, 'cpu_s', '.1f')} |",
        f"| first load, peak RSS MB: writer · largest worker | {_pair(load, 'peak_rss_mb', ',.0f')} · "
        f"{_pair(load, 'worker_peak_rss_mb', ',.0f')} |",
        f"| first load, nodes + relationships | {_pair(load, 'nodes', ',')} + {_pair(load, 'relationships', ',')} |",
        f"| first load, nodes + relationships/s | {_pair(load, 'writes_per_s', ',.0f')} |",
        f"| derivation inside the first load, s | {_pair(load, 'derive_s', '.1f')} |",
        f"| reload of one changed plan, s (incremental derivation incl.) | {_pair(result['reload'], 'wall_s', '.2f')} |",
        f"| … of which derivation, s (documents recomputed) | {_pair(result['reload'], 'derive_s', '.2f')} "
        f"({_pair(result['reload'], 'documents', 'd')}) |",
        f"| reload with the full recompute (before), s | {_pair(result['reload_full'], 'wall_s', '.2f')} |",
        f"| derive_all on the {n}-plan graph, s | {_pair(result['derive'], 'wall_s', '.2f')} |",
        f"| report on the default city plan, s (its district plans) | {_pair(result['report'], 'wall_s', '.2f')} "
        f"({_pair(result['report'], 'districts', 'd')}) |",
        *(f"| lineage picture of the {'first city plan' if kind == 'city' else 'program most plans run'}, s "
          f"(nodes) | {_pair(runs, 'wall_s', '.2f')} ({_pair(runs, 'nodes', ',')}) |"
          for kind, runs in result.get("pictures", {}).items()),
        "",
        "| query (first page; +: more rows follow) | rows (default) | default p50 / p95 ms | selective rows "
        "| selective p50 / p95 ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, forms in result["queries"].items():
        cells = []
        for form in ("default", "selective"):
            runs = forms[form]
            if any("error" in r for r in runs):
                cells += ["error", next(r["error"] for r in runs if "error" in r)]
                continue
            rows = f"{runs[0]['rows']:,}" + ("+" if runs[0].get("more") else "")    # +: a page cut from more
            cells += [rows, " · ".join(f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f}" for r in runs)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if "writes" in result:
        lines += write_lines(result["writes"])
    print("\n".join(lines))


def _progress(what: str, figures) -> None:
    """Say a phase is done, with its figures (a long run's partial results survive an interruption)."""
    print(f"{what} done: {json.dumps(figures, ensure_ascii=False, default=str)}", file=sys.stderr, flush=True)


def main() -> int:
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)   # counts of derived types not written here
    for n in corpus_sizes():
        bench_size(n)
    return 0


def bench_size(n: int) -> None:
    """Every figure for a corpus of `n` plans: printed as a table and written to build/bench/bench-N.json."""
    folder = BUILD / f"corpus-{n}"
    started = time.perf_counter()
    files = write_corpus(n, folder)
    print(f"corpus: {len(files)} plans in {folder} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    result: dict = {"n": n, "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}

    parse_document(str(files[0]))      # warm up: spaCy pipeline and vocabularies
    result["extraction"] = [bench_extraction(files[k::2][:EXTRACTION_FILES]) for k in (0, 1)]
    print("extraction done", file=sys.stderr)
    db = BUILD / f"graph-{n}.lbdb"
    result["first_load"] = [bench_first_load(folder, db) for _ in range(RUNS)]
    _progress("first loads", result["first_load"])
    result["writes"] = bench_writes(files[:WRITE_BASELINE_PLANS])
    _progress("write baselines", result["writes"])

    store = open_store("ladybug", db_path=str(db))
    try:
        district_plans = [f for f in files if f.suffix == ".txt" and not f.stem.split("-")[0].endswith("00")]
        plan = district_plans[len(district_plans) // 2]
        result["reload"] = [bench_reload(store, plan, c) for c in CHANGES]
        result["reload_full"] = [bench_reload(store, plan, c, full=True) for c in CHANGES]
        _progress("reloads", {"reload": result["reload"], "reload_full": result["reload_full"]})
        result["derive"] = [bench_derive(store) for _ in range(RUNS)]
        _progress("derivation", result["derive"])
        repeat = 10 if n <= 100 else 5
        result["sample_params"] = sample = _sample_values(store)
        result["queries"] = {
            name: {form: [bench_query(store, name, params, repeat) for _ in range(RUNS)]
                   for form, params in zip(("default", "selective"), pair)}
            for name, pair in query_forms(sample).items()
        }
        result["report"] = [bench_report(store) for _ in range(RUNS)]
        _progress("report", result["report"])
        result["pictures"] = {kind: [bench_lineage_picture(store, sample[kind]) for _ in range(RUNS)]
                              for kind in ("city", "program") if sample[kind]}
        _progress("lineage pictures", result["pictures"])
    finally:
        store.close()
    out = BUILD / f"bench-{n}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print_table(result)
    print(f"\n(written to {out.relative_to(ROOT)}; total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--load-child":
        load_child(sys.argv[2], sys.argv[3])
        sys.exit(0)
    sys.exit(main())
