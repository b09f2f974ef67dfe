"""What each command does, as plain functions: load and derive, export, sync, query, review.

The command line (cli.py) parses options and calls one function here; a notebook or
another program can call the same functions. Each command function takes a
`GraphLocation` (which backend, which embedded database) and opens, uses and closes
the store itself.

Loading drives a store: every file is parsed by the loaders and built into records
(`pipeline.extract_file`, in worker processes with `jobs`) and written as one atomic
document, in batches, by this process; when anything was loaded, the links
across documents are derived again (`graph.derive.derive_all`), here and not in the
loaders, which never see a store. The loaders' pipeline (spaCy, the document readers) is
imported at the first load, so the other commands start without spaCy (see `_pipeline`).
"""
from __future__ import annotations

import datetime as _dt
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from policykg.graph import statements
from policykg.graph.bulk_export import export_neo4j_import
from policykg.graph.derive import DeriveReport, Footprint, derive_all, derive_for, footprint
from policykg.graph.errors import StoreLocked, StoreMissing, StoreUnavailable
from policykg.graph.exports import EXPORTS, document_summary
from policykg.graph.results import QueryResult
from policykg.graph.store import GraphStore, WriteResult, open_store
from policykg.graph.sync import Progress, sync_to
from policykg.pages.lineage import lineage_page as render_lineage_page
from policykg.pages.lineage_export import FORMATS as LINEAGE_FORMATS
from policykg.pages.lineage_export import render_lineage
from policykg.pages.report import lineage_picture, report_page
from policykg.pages.review import review_page
from policykg.pages.workbook import write_workbook
from policykg.queries import QueryParam, get_query, list_queries, run_query
from policykg.queries.report import report_data
from policykg.queries.views import alignment_matrix, lineage_graph, owner_lookup

__all__ = [
    "GraphLocation", "FileOutcome", "LoadReport", "WRITE_BATCH", "default_jobs", "load_paths", "extract_files",
    "derive_links", "derive_changes", "derive",
    "STATS_COLUMNS", "OWNER_COLUMNS", "LINEAGE_COLUMNS",
    "load", "stats", "run_cypher", "export", "bulk_export", "sync", "review", "conflicts",
    "indicators", "named_queries", "named_query", "align", "owners", "lineage", "lineage_page", "export_lineage",
    "LINEAGE_FORMATS", "export_report", "report",
]


# -- where the graph is ----------------------------------------------------------------------------

@dataclass(frozen=True)
class GraphLocation:
    """Which backend holds the graph, and where the embedded one is (None: from the environment, then the default)."""
    backend: str | None = None
    db_path: str | None = None

    def open(self, *, read_only: bool) -> GraphStore:
        return open_store(self.backend, db_path=self.db_path, read_only=read_only)


# -- loading ---------------------------------------------------------------------------------------

# Documents handed to `GraphStore.write_documents` at a time: enough for a backend's bulk path to pay
# off, few enough that the progress bar moves and memory stays bounded (about 0.4 MB a plan). A LadybugDB
# COMMIT of a bulk transaction costs about a second whatever its size (more as the graph grows): 32
# plans a batch spent 30 ms a plan in COMMITs, 256 spend 4.
WRITE_BATCH = 256
# Errors of the store itself, not of one document: the load stops on them (the next file would fail too).
_STORE_FAILURES = (StoreLocked, StoreMissing, StoreUnavailable)


@dataclass
class FileOutcome:
    """What became of one input: a one-line message and, for a loaded file, the store's result
    (the parsed document is not kept, so a load's memory does not grow with the files it reads)."""
    path: str
    ok: bool
    message: str
    result: WriteResult | None = None
    bug: bool = False               # failed on an unexpected exception: a bug in policykg, not bad input
    traceback: str | None = None    # of that exception; the command line prints it with POLICYKG_DEBUG=1


@dataclass
class LoadReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    derived: DeriveReport | None = None     # the links derived after the load (None when no document changed)
    notes: list[str] = field(default_factory=list)    # one-line warnings about the load as a whole

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def loaded(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.ok]


# Imported at first use, not with this module: the loaders' pipeline (`_pipeline`: spaCy, the
# extractors, the document readers python-docx, pypdf and BeautifulSoup). It costs about a second,
# which every command that does not load (--help, stats, cypher, query, export, align, owner,
# lineage, check, review, report) would pay at start-up. This is the package's only import inside
# a function, for start-up time alone: app sits above the loaders either way, there is no cycle to
# dodge. tests/test_backends.py checks that --help and stats never import spaCy or the readers.
def _pipeline() -> ModuleType:
    """`policykg.loaders.pipeline`, imported at the first load (see above)."""
    from policykg.loaders import pipeline
    return pipeline


def default_jobs() -> int:
    """How many worker processes `policykg load` extracts in by default: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def load_paths(
    paths: list[str],
    store: GraphStore,
    overrides: dict | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    derive: bool = True,
    on_start: Callable[[list[str]], None] | None = None,
    jobs: int = 0,
    batch: int = WRITE_BATCH,
) -> LoadReport:
    """Load files, folders and globs into `store`; one bad file does not stop the others.

    Each file is read, extracted and written on its own: whatever goes wrong with one (bad input, or
    an unexpected exception, which is reported as a bug with the file's name) becomes its outcome, and
    the others load. `jobs` worker processes extract (0: in this process) while this process writes,
    `batch` documents at a time through `store.write_documents`; outcomes come in the order of the
    files whatever `jobs` is. Only an error of the store itself (locked, unreachable) stops the load.

    `on_start(files)` is told the plan files found before any is read, `on_file(outcome)` each outcome
    (a path that named no plan file is an outcome too). With `derive` (the default), the links across
    documents are derived again around the documents that changed (`derive_changes`). Workers are
    spawned, not forked: a script calling this with `jobs` guards its entry point with
    `if __name__ == "__main__":`, as for any multiprocessing."""
    pipeline = _pipeline()
    plans, errors = pipeline.list_plan_files(paths)
    if on_start:
        on_start([p.path for p in plans])
    report = LoadReport()

    def tell(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)

    for message in errors:
        tell(FileOutcome(message.path, False, str(message)))
    loaded_at = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
    writer = _BatchWriter(store, pipeline, tell, batch, remember_footprints=derive)
    # workers extract a whole batch ahead while this process writes the one before
    for got in extract_files(plans, overrides, loaded_at, jobs, note=report.notes.append, ahead=batch):
        writer.add(got)
    writer.flush()
    changed = sorted({o.result.source for o in report.loaded if o.result and o.result.status != "unchanged"})
    # Nothing changed, but a derivation was cut short: this load finishes it (derive_for recomputes all).
    if derive and (changed or not store.derived_layer_complete()):
        before = writer.footprints or {}
        report.derived = derive_changes(store, [before[s] for s in changed if s in before], changed)
    return report


def derive_changes(store: GraphStore, before: list[Footprint], sources: list[str]) -> DeriveReport:
    """Recompute the cross-document links around the documents of `sources`, loaded, replaced or removed
    since their footprints `before` were read (all links, when most documents changed)."""
    merged = Footprint()
    for f in before:
        merged.docs.update(f.docs)
        merged.title_keys |= f.title_keys
    return derive_for(store, merged, sources)


def extract_files(plans: list, overrides: dict | None, loaded_at: str, jobs: int,
                  note: Callable[[str], None] | None = None, ahead: int = 0) -> Iterator:
    """`pipeline.extract_file` of each plan, in order: in this process (`jobs` 0, or a single file,
    which is not worth starting a process for) or in `jobs` worker processes, which run up to `ahead`
    files (at least 4 a worker) ahead of the caller. `note` is told, in one line, when worker processes
    could not start and the files were extracted in this process instead."""
    pipeline = _pipeline()
    if jobs <= 0 or len(plans) <= 1:
        for plan in plans:
            yield pipeline.extract_file(plan, overrides, loaded_at)
        return
    yield from _WorkerPool(pipeline, min(jobs, len(plans)), overrides, loaded_at, note, window=ahead).run(plans)


class _WorkerPool:
    """Worker processes extracting plans while the caller writes: a window of files in flight, results
    handed back in the order of the files. A worker that dies (a crash, the out-of-memory killer) breaks
    the pool and every file in flight with it; those files are then run again one at a time, each in a
    process of its own, so that only the file that kills its process fails. When no worker process can
    start at all, the files are extracted in this process rather than each failing."""

    def __init__(self, pipeline: ModuleType, jobs: int, overrides: dict | None, loaded_at: str,
                 note: Callable[[str], None] | None = None, window: int = 0):
        self.pipeline, self.jobs, self.note = pipeline, jobs, note
        self.overrides, self.loaded_at = overrides, loaded_at
        # Files in flight (submitted, their results not yet taken). Workers stay busy while the caller
        # writes a batch only if a batch's worth can be in flight: with 4 a worker, they stopped after
        # 8 files of a 256-plan batch, and a 1,000-plan load took 57–60 s where it takes 48.
        self.window = max(window, 4 * jobs)
        self.here = False           # set once worker processes turned out not to start

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        # spawn, not fork: the writer holds an open database (and its threads), which a fork would copy
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=self.pipeline.start_worker)

    def _submit(self, pool: ProcessPoolExecutor, plan) -> Future:
        return pool.submit(self.pipeline.extract_file, plan, self.overrides, self.loaded_at)

    def _in_this_process(self, plan):
        return self.pipeline.extract_file(plan, self.overrides, self.loaded_at)

    def run(self, plans: list) -> Iterator:
        todo = deque(plans)
        while todo and not self.here:
            pool = self._pool(self.jobs)
            try:
                in_flight: deque = deque()
                broken = False
                while (todo or in_flight) and not broken:
                    while todo and len(in_flight) < self.window:
                        plan = todo.popleft()
                        in_flight.append((plan, self._submit(pool, plan)))
                    plan, future = in_flight[0]
                    try:
                        got = future.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that could not be sent back
                        got = self.pipeline.failure(plan.path, exc)
                    in_flight.popleft()
                    yield got
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            if broken:
                yield from self._one_by_one(in_flight)
        for plan in todo:
            yield self._in_this_process(plan)

    def _one_by_one(self, in_flight: deque) -> Iterator:
        """The files a broken pool had in flight: those it finished as they are, the others each alone in
        a worker (a new one after a worker dies), so that the file that kills its process is known."""
        pool = None
        try:
            for plan, future in in_flight:
                if future.done() and not future.cancelled() and future.exception() is None:
                    yield future.result()
                    continue
                pool = pool or self._started_pool()
                if pool is None:
                    yield self._in_this_process(plan)
                    continue
                try:
                    got = self._submit(pool, plan).result()
                except BrokenProcessPool:
                    pool.shutdown(wait=True)
                    pool = None
                    got = self.pipeline.Failure(plan.path, (
                        f"{plan.path}: the process reading it died (a crash, or out of memory); "
                        "please report it with this file (the other files go on loading)"), bug=True)
                except Exception as exc:  # noqa: BLE001
                    got = self.pipeline.failure(plan.path, exc)
                yield got
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    def _started_pool(self) -> ProcessPoolExecutor | None:
        """A pool of one worker that has shown it starts, or None (and `here` set) when none does: then no
        file is to blame, e.g. a script that spawns workers without an `if __name__ == "__main__":` guard."""
        if self.here:
            return None
        pool = self._pool(1)
        try:
            pool.submit(os.getpid).result()
            return pool
        except BrokenProcessPool:
            pool.shutdown(wait=True)
        self.here = True
        if self.note:
            self.note("worker processes could not start (each stopped as it started); "
                      "the files were extracted in the policykg process instead")
        return None


class _BatchWriter:
    """Writes what the extraction hands it, `size` documents at a time, and tells each file's outcome in
    the order the files came. A batch the store refuses is written again one document at a time, each
    atomic, so that only the document at fault fails (those the batch had written come back unchanged)."""

    def __init__(self, store: GraphStore, pipeline: ModuleType, tell: Callable[[FileOutcome], None], size: int,
                 remember_footprints: bool = False):
        self.store, self.pipeline, self.tell, self.size = store, pipeline, tell, max(1, size)
        self.queue: list = []       # Extracted and Failure, in the order of the files
        self.documents = 0          # how many of the queue are Extracted
        # What the stored versions of the batch's sources were, read before each batch is written,
        # for the incremental derivation after the load (None: not wanted).
        self.footprints: dict[str, Footprint] | None = {} if remember_footprints else None

    def add(self, got) -> None:
        self.queue.append(got)
        if isinstance(got, self.pipeline.Extracted):
            self.documents += 1
            if self.documents >= self.size:
                self.flush()

    def flush(self) -> None:
        queue, self.queue, self.documents = self.queue, [], 0
        documents = [got for got in queue if isinstance(got, self.pipeline.Extracted)]
        results = iter(self._write(documents))
        for got in queue:
            if isinstance(got, self.pipeline.Extracted):
                result = next(results)
                self.tell(_loaded(got, result) if isinstance(result, WriteResult) else _failed(result))
            else:
                self.tell(_failed(got))

    def _write(self, documents: list) -> list:
        if not documents:
            return []
        if self.footprints is not None:
            new = sorted({d.graph.source for d in documents} - set(self.footprints))
            # one query for which are stored: a first load reads no footprint at all
            stored = {row[0] for row in self.store.query(statements.DOCUMENT_VERSIONS_OF, {"sources": new}).rows}
            for source in new:
                self.footprints[source] = footprint(self.store, [source]) if source in stored else Footprint()
        try:
            return list(self.store.write_documents([d.graph for d in documents]))
        except _STORE_FAILURES:
            raise
        except Exception:  # noqa: BLE001 - which document is at fault is unknown: each on its own
            return [self._write_one(d) for d in documents]

    def _write_one(self, document):
        try:
            return self.store.write_document(document.graph)
        except _STORE_FAILURES:
            raise
        except Exception as exc:  # noqa: BLE001 - this document's failure, reported with its file
            return self.pipeline.failure(document.path, exc, "writing")


def _loaded(got, result: WriteResult) -> FileOutcome:
    message = (f"{got.path}: {result.status} ({got.graph.source}: {got.sections} sections, "
               f"{got.tasks} tasks, {got.targets} targets)")
    if got.warnings:
        message += " — warning: " + "; ".join(got.warnings)
    return FileOutcome(got.path, True, message, result)


def _failed(failure) -> FileOutcome:
    return FileOutcome(failure.path, False, failure.message, bug=failure.bug, traceback=failure.traceback)


def derive_links(store: GraphStore) -> DeriveReport:
    """Recompute cross-document links (citations, alignment, lineage) over every loaded document."""
    return derive_all(store)


# -- the commands ----------------------------------------------------------------------------------

STATS_COLUMNS = ["source", "region", "year", "sections", "tasks", "targets", "departments", "leaders", "citations"]
OWNER_COLUMNS = ["source", "item", "title", "departments", "inferred_departments", "leaders",
                 "start_offset", "end_offset", "text"]
LINEAGE_COLUMNS = ["from", "relationship", "to", "detail", "source", "start_offset", "end_offset", "text"]


def _table(records: list[dict], columns: list[str]) -> QueryResult:
    return QueryResult(columns, [[r.get(c) for c in columns] for r in records])


def load(where: GraphLocation, paths: list[str], overrides: dict | None = None,
         on_file: Callable[[FileOutcome], None] | None = None,
         on_start: Callable[[list[str]], None] | None = None,
         jobs: int | None = None) -> tuple[LoadReport, list[dict]]:
    """`policykg load`: load the files, extracting in `jobs` worker processes (None: one per core), derive
    the links; return the report and the per-document summary."""
    with where.open(read_only=False) as store:
        report = load_paths(paths, store, overrides, on_file=on_file, on_start=on_start,
                            jobs=default_jobs() if jobs is None else jobs)
        return report, document_summary(store)


def derive(where: GraphLocation, all: bool = True) -> DeriveReport:     # `all`: the command's --all
    """`policykg derive --all`: recompute every cross-document link and Target.status (loads derive
    only around what they changed; this is the full recompute)."""
    if not all:
        raise ValueError("loads already derive the links of what they change; "
                         "use `policykg derive --all` to recompute every link")
    with where.open(read_only=False) as store:
        return derive_all(store)


def stats(where: GraphLocation) -> QueryResult:
    """`policykg stats`: per document, how many sections, tasks, targets, departments, leaders and citations."""
    with where.open(read_only=True) as store:
        return _table(document_summary(store), STATS_COLUMNS)


def run_cypher(where: GraphLocation, cypher: str, params: dict | None = None, *, write: bool = False) -> QueryResult:
    """`policykg cypher`: one statement, read-only unless `write`."""
    with where.open(read_only=not write) as store:
        return store.query(cypher, params or {})


def export(where: GraphLocation, kind: str) -> list[dict]:
    """`policykg export KIND`: the records of one export of graph/schema.yaml."""
    with where.open(read_only=True) as store:
        return EXPORTS[kind](store)


def bulk_export(where: GraphLocation, directory: str) -> list[Path]:
    """`policykg export neo4j-import DIR`: CSVs and import.sh for `neo4j-admin database import full`."""
    with where.open(read_only=True) as store:
        return export_neo4j_import(store, directory)


def sync(where: GraphLocation, target: str, progress: Progress | None = None, *, prune: bool = True) -> dict:
    """`policykg sync --to TARGET`: copy the embedded graph to the `target` backend, document by document."""
    with open_store("ladybug", db_path=where.db_path, read_only=True) as source, open_store(target) as dest:
        return sync_to(source, dest, progress=progress, prune=prune)


def review(where: GraphLocation, document: str, out: str) -> None:
    """`policykg review`: write the HTML review page of `document` (source name or id) to `out`
    (its folder is created when missing)."""
    with where.open(read_only=True) as store:
        page = review_page(store, document)
    _write_file(out, page)


def conflicts(where: GraphLocation, source: str | None = None) -> QueryResult:
    """`policykg check`: targets of one document stating two values for the same indicator
    (an unknown `source` is an error, not "no conflicts")."""
    with where.open(read_only=True) as store:
        if source is not None:
            _require_document(store, source)
        return run_query(store, "conflicts", {"source": source})


def _require_document(store: GraphStore, source: str) -> None:
    names = [row[0] for row in store.query(statements.DOCUMENT_NAMES).rows]
    if source not in names:
        raise ValueError(f"no document named {source!r} in the graph; loaded: {_some(names) or 'none'}")


def _some(names: list[str], shown: int = 10) -> str:
    """The first names, joined, saying how many more there are."""
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def indicators(where: GraphLocation, unmapped: bool = False) -> QueryResult:
    """`policykg indicators`: catalogue indicators with their targets, or (`unmapped`) the metrics that matched none."""
    with where.open(read_only=True) as store:
        return store.query(statements.UNMAPPED_TARGETS if unmapped else statements.INDICATOR_COUNTS)


def named_queries() -> QueryResult:
    """`policykg query --list`: every named query with its purpose and parameters."""
    rows = [[q.name, q.purpose, "\n".join(_param_line(p) for p in q.params)] for q in list_queries()]
    return QueryResult(["name", "purpose", "parameters"], rows)


def _param_line(p: QueryParam) -> str:
    """One parameter of `query --list`: name, type, default and its description in full.

    >>> _param_line(QueryParam("indicator", "STRING", None, False, "only this canonical indicator"))
    'indicator STRING = null: only this canonical indicator'
    >>> _param_line(QueryParam("include_inferred", "BOOLEAN", True)), _param_line(QueryParam("name", "STRING", required=True))
    ('include_inferred BOOLEAN = true', 'name STRING (required)')
    """
    # defaults as the query files and --param write them (null, true), not as Python does
    default = " (required)" if p.required else " = " + json.dumps(p.default, ensure_ascii=False).strip('"')
    return f"{p.name} {p.type}{default}" + (f": {p.doc}" if p.doc else "")


def named_query(where: GraphLocation, name: str, params: dict | None = None,
                limit: int | None = None, offset: int = 0) -> QueryResult:
    """`policykg query NAME`: run a named query, one page of its rows when `limit`/`offset` are given
    (an unknown name fails before the graph is opened)."""
    get_query(name)
    with where.open(read_only=True) as store:
        return run_query(store, name, params, limit=limit, offset=offset)


def align(where: GraphLocation, indicator: str | None = None) -> QueryResult:
    """`policykg align`: the city–district alignment matrix."""
    with where.open(read_only=True) as store:
        if indicator is not None and not store.query(statements.INDICATOR_TARGETS, {"i": indicator}).rows[0][0]:
            names = [row[0] for row in store.query(statements.INDICATOR_NAMES).rows]
            raise ValueError(f"no target measures an indicator named {indicator!r}; indicators in the graph: "
                             f"{_some(names) or 'none'} (see `policykg indicators`)")
        columns, rows = alignment_matrix(store, indicator)
    return QueryResult(columns, rows)


def owners(where: GraphLocation, keyword: str, source: str | None = None) -> QueryResult:
    """`policykg owner KEYWORD [--source SOURCE]`: the tasks that mention it (in one plan, or in every
    plan), with their owners and leaders."""
    with where.open(read_only=True) as store:
        return _table(owner_lookup(store, keyword, source=source), OWNER_COLUMNS)


def lineage(where: GraphLocation, name: str | None = None, depth: int = 2) -> QueryResult:
    """`policykg lineage [NAME]`: one row per link of the lineage picture (of the whole graph without
    NAME), with its first piece of evidence."""
    with where.open(read_only=True) as store:
        g = lineage_graph(store, name, depth=depth)
    rows = []
    for a, b, d in g.edges(data=True):
        # The first piece of evidence leads back to the sentence; plan-to-plan links have none.
        ev = (d.get("evidence") or [{}])[0]
        rows.append([g.nodes[a].get("title") or a, d.get("type"), g.nodes[b].get("title") or b,
                     d.get("detail") or d.get("value"), ev.get("source"), ev.get("start_offset"), ev.get("end_offset"),
                     ev.get("text")])
    return QueryResult(LINEAGE_COLUMNS, rows)


def lineage_page(where: GraphLocation, name: str | None, out: str, depth: int = 2) -> Path:
    """`policykg lineage [NAME] --out FILE`: write the interactive lineage page (whole graph without NAME)."""
    with where.open(read_only=True) as store:
        g = lineage_graph(store, name, depth=depth, details=True)
    path = Path(out)
    path.write_text(render_lineage_page(g), encoding="utf-8")
    return path


def export_lineage(where: GraphLocation, fmt: str, name: str | None = None, *, depth: int = 2,
                   details: bool = False, out: str | None = None) -> bytes:
    """`policykg export lineage --format FMT`: the lineage graph (of NAME, else the whole graph; with each
    plan's sections and targets if `details`) as graphml, gexf, mermaid, dot, json, svg or png; written
    to `out` when given, and returned."""
    with where.open(read_only=True) as store:
        g = lineage_graph(store, name, depth=depth, details=details)
    data = render_lineage(g, fmt)
    if out:
        Path(out).write_bytes(data)
    return data


def export_report(where: GraphLocation, out: str, city: str | None = None, year: int | None = None) -> str:
    """`policykg export report --format xlsx --out PATH`: the report's workbook; returns the city plan's source."""
    with where.open(read_only=True) as store:
        report = report_data(store, city, year)
    _write_file(out, write=lambda path: write_workbook(report, path))
    return report.city["source"]


def report(where: GraphLocation, out: str, city: str | None = None, year: int | None = None, lang: str = "zh") -> str:
    """`policykg report --out PATH`: the analyst's report page on a city plan and its district plans;
    returns the city plan's source."""
    with where.open(read_only=True) as store:
        data = report_data(store, city, year)
        # depth 2: the district plans implementing the city plan, and the plans they succeed
        picture = lineage_picture(lineage_graph(store, data.city["source"], depth=2), data)
    _write_file(out, report_page(data, lang, picture))
    return data.city["source"]


def _write_file(out: str, text: str | None = None, write: Callable[[str], None] | None = None) -> None:
    """Write `text` (or call `write(out)`) to the file `out`; a path that cannot be written is a user's
    mistake (a one-line ValueError naming it), not a crash. A missing folder is created."""
    folder = os.path.dirname(os.path.abspath(out))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"{out}: cannot create the folder {folder} ({exc.strerror}); choose another --out") from None
    try:
        if write is not None:
            write(out)
            return
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text or "")
    except OSError as exc:
        raise ValueError(f"cannot write {out}: {exc.strerror or exc}; check the --out path") from None
