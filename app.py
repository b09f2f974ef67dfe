"""What each command does, as plain functions: load and derive, export, sync, query, review.

The command line (cli.py) parses options and calls one function here; a notebook or
another program can call the same functions. Each command function takes a
`GraphLocation` (which backend, which embedded database) and opens, uses and closes
the store itself.

Loading drives a store: every file is parsed by the loaders (`parse_document`), built
into records and written as one atomic document; when anything was loaded, the links
across documents are derived again (`graph.derive.derive_all`), here and not in the
loaders, which never see a store. The loaders' pipeline (spaCy, the document readers) is
imported at the first load, and the review page (displaCy) at the first review, so the
other commands start without spaCy (see `_pipeline`).
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from policykg.graph import statements
from policykg.graph.bulk_export import export_neo4j_import
from policykg.graph.derive import DeriveReport, Footprint, derive_all, derive_for, footprint
from policykg.graph.exports import EXPORTS, document_summary
from policykg.graph.results import QueryResult
from policykg.graph.store import GraphStore, WriteResult, open_store
from policykg.graph.sync import Progress, sync_to
from policykg.loaders.build import build_records
from policykg.loaders.errors import InputError
from policykg.loaders.model import ParsedDocument
from policykg.queries import get_query, list_queries, run_query
from policykg.queries.views import alignment_matrix, lineage_graph, owner_lookup

__all__ = [
    "GraphLocation", "FileOutcome", "LoadReport", "load_one", "load_paths", "derive_links", "derive_changes", "derive",
    "STATS_COLUMNS", "OWNER_COLUMNS", "LINEAGE_COLUMNS",
    "load", "stats", "run_cypher", "export", "bulk_export", "sync", "review", "conflicts",
    "indicators", "named_queries", "named_query", "align", "owners", "lineage",
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

@dataclass
class FileOutcome:
    path: str
    ok: bool
    message: str
    result: WriteResult | None = None
    parsed: ParsedDocument | None = None


@dataclass
class LoadReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    derived: DeriveReport | None = None     # the links derived after the load (None when no document changed)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def loaded(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.ok]


# Imported at first use, not with this module: the loaders' pipeline (`_pipeline`: spaCy, the
# extractors, the document readers python-docx, pypdf and BeautifulSoup) and the review page
# (`review`: spaCy's displaCy). Each costs about a second, which every command that needs neither
# (--help, stats, cypher, query, export, align, owner, lineage, check) would pay at start-up. These
# are the package's only imports inside a function, for start-up time alone: app sits above both
# either way, there is no cycle to dodge. tests/test_backends.py checks that --help and stats never
# import spaCy or the readers.
def _pipeline() -> ModuleType:
    """`policykg.loaders.pipeline`, imported at the first load (see above)."""
    from policykg.loaders import pipeline
    return pipeline


def load_one(path: str, store: GraphStore, overrides: dict | None = None, loaded_at: str | None = None,
             footprints: dict[str, Footprint] | None = None) -> FileOutcome:
    """Parse one file and write it to `store` as one document (skipped when its fingerprint is unchanged).

    `footprints`: source → what the stored document was, read before the write (once per source),
    for the incremental derivation after the load."""
    pipeline = _pipeline()
    try:
        parsed = pipeline.parse_document(path, overrides)
        graph = build_records(parsed, pipeline.fingerprint(parsed.source.text, overrides), loaded_at)
        if footprints is not None and graph.source not in footprints:
            footprints[graph.source] = footprint(store, [graph.source])
        result = store.write_document(graph)
    except InputError as exc:
        return FileOutcome(path, False, str(exc))
    warnings = parsed.meta.warnings + parsed.source.warnings
    message = (f"{path}: {result.status} ({parsed.source.source}: {len(parsed.sections)} sections, "
               f"{len(parsed.tasks)} tasks, {len(parsed.targets)} targets)")
    if warnings:
        message += " — warning: " + "; ".join(warnings)
    return FileOutcome(path, True, message, result, parsed)


def load_paths(
    paths: list[str],
    store: GraphStore,
    overrides: dict | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    derive: bool = True,
    on_start: Callable[[list[str]], None] | None = None,
) -> LoadReport:
    """Load files, folders and globs into `store`; one bad file does not stop the others.

    `on_start(files)` is told the plan files found before any is read, `on_file(outcome)` each outcome
    (a path that named no plan file is an outcome too). With `derive` (the default), the links across
    documents are derived again for the documents that changed (`derive_changes`)."""
    files, errors = _pipeline().iter_input_files(paths)
    if on_start:
        on_start([str(f) for f in files])
    report = LoadReport()
    for message in errors:
        outcome = FileOutcome(message.path, False, str(message))
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    loaded_at = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
    footprints: dict[str, Footprint] = {}
    for path in files:
        outcome = load_one(str(path), store, overrides, loaded_at, footprints if derive else None)
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    changed = sorted({o.result.source for o in report.loaded if o.result and o.result.status != "unchanged"})
    if derive and changed:
        report.derived = derive_changes(store, [footprints[s] for s in changed if s in footprints], changed)
    return report


def derive_changes(store: GraphStore, before: list[Footprint], sources: list[str]) -> DeriveReport:
    """Recompute the cross-document links around the documents of `sources`, loaded, replaced or removed
    since their footprints `before` were read (all links, when most documents changed)."""
    merged = Footprint()
    for f in before:
        merged.docs.update(f.docs)
        merged.title_keys |= f.title_keys
    return derive_for(store, merged, sources)


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
         on_start: Callable[[list[str]], None] | None = None) -> tuple[LoadReport, list[dict]]:
    """`policykg load`: load the files, derive the links; return the report and the per-document summary."""
    with where.open(read_only=False) as store:
        report = load_paths(paths, store, overrides, on_file=on_file, on_start=on_start)
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
    """`policykg review`: write the HTML review page of `document` (source name or id) to `out`."""
    from policykg.pages.review import review_page  # imported at first use: it imports spaCy (see `_pipeline`)
    with where.open(read_only=True) as store:
        page = review_page(store, document)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(page)


def conflicts(where: GraphLocation, source: str | None = None) -> QueryResult:
    """`policykg check`: targets of one document stating two values for the same indicator."""
    with where.open(read_only=True) as store:
        return run_query(store, "conflicts", {"source": source})


def indicators(where: GraphLocation, unmapped: bool = False) -> QueryResult:
    """`policykg indicators`: catalogue indicators with their targets, or (`unmapped`) the metrics that matched none."""
    with where.open(read_only=True) as store:
        return store.query(statements.UNMAPPED_TARGETS if unmapped else statements.INDICATOR_COUNTS)


def named_queries() -> QueryResult:
    """`policykg query --list`: every named query with its purpose and parameters."""
    rows = [[q.name, q.purpose, ", ".join(f"{p.name} {p.type}" + ("" if p.required else f"={p.default}") for p in q.params)]
            for q in list_queries()]
    return QueryResult(["name", "purpose", "parameters"], rows)


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
        columns, rows = alignment_matrix(store, indicator)
    return QueryResult(columns, rows)


def owners(where: GraphLocation, keyword: str) -> QueryResult:
    """`policykg owner KEYWORD`: the tasks that mention it, with their owners and leaders."""
    with where.open(read_only=True) as store:
        return _table(owner_lookup(store, keyword), OWNER_COLUMNS)


def lineage(where: GraphLocation, name: str, depth: int = 2) -> QueryResult:
    """`policykg lineage NAME`: one row per link of the lineage picture, with its first piece of evidence."""
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
