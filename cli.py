"""policykg command line: a thin layer over the application (policykg.app).

Each command parses its options, calls one function of `policykg.app` and prints
what it returns. Data goes to stdout, messages to stderr. Every failure a user can
cause is one line on stderr and a non-zero exit; set POLICYKG_DEBUG=1 to see tracebacks.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from dataclasses import dataclass
from typing import Any

import click

from policykg import app
from policykg.graph.errors import StoreError
from policykg.graph.exports import EXPORTS
from policykg.graph.results import QueryResult
from policykg.graph.store import backend_names
from policykg.graph.tabular import render, render_records
from policykg.loaders.errors import InputError
from policykg.loaders.limits import FIRST_YEAR, LAST_YEAR
from policykg.tables import choose_columns, draw_table

__all__ = ["main", "UserError", "InternalError", "UsageLine", "OneLineGroup", "friendly", "Output", "output_options", "show",
           "page_note"]

VERSION = "0.1.0"
DB_HELP = "Graph database path (embedded LadybugDB). Env: POLICYKG_DB. Default: data/policykg.lbdb."


class UserError(click.ClickException):
    def show(self, file=None):
        click.echo(f"policykg: error: {self.format_message()}", err=True)


class InternalError(click.ClickException):
    """A bug, not a user mistake: still one line, with how to get the details."""
    exit_code = 3

    def show(self, file=None):
        click.echo(f"policykg: internal error: {self.format_message()} "
                   "(rerun with POLICYKG_DEBUG=1 for the traceback and please report it)", err=True)


class UsageLine(click.ClickException):
    """A bad option, value or command (click's usage error), told in one line like every other error."""
    exit_code = 2

    def __init__(self, error: click.UsageError):
        super().__init__(error.format_message())
        self.command_path = error.ctx.command_path if error.ctx else "policykg"

    def show(self, file=None):
        click.echo(f"policykg: error: {self.format_message().rstrip('.')}; see `{self.command_path} --help`", err=True)


class OneLineGroup(click.Group):
    """The `policykg` group: its own and its commands' usage errors become one line (`UsageLine`)."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise UsageLine(exc) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise UsageLine(exc) from None


def friendly(fn):
    """Turn known errors into one-line messages; unknown ones into a short internal-error line."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (InputError, StoreError, ValueError, KeyError) as exc:
            if os.environ.get("POLICYKG_DEBUG"):
                raise
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            raise UserError(str(message).splitlines()[0] if str(message) else type(exc).__name__) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the user gets one line, developers the traceback
            if os.environ.get("POLICYKG_DEBUG"):
                raise
            raise InternalError(f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}") from None
    return wrapper


def _parse_params(pairs: tuple[str, ...]) -> dict:
    params = {}
    for pair in pairs:
        if "=" not in pair:
            raise UserError(f"--param {pair!r} is not of the form name=value")
        key, raw = pair.split("=", 1)
        try:
            params[key] = json.loads(raw)   # numbers, booleans, lists, "quoted strings"
        except json.JSONDecodeError:
            params[key] = raw
    return params


@dataclass(frozen=True)
class Output:
    """How a tabular command prints: the format, and for tables the columns; for CSV a byte-order mark."""
    fmt: str = "table"
    evidence: bool = False
    columns: tuple[str, ...] = ()
    bom: bool = False


def output_options(fn):
    """The output options every tabular command shares, passed on as one `output` (an Output):
    `--format table|json|csv`, `--evidence` and `--columns` (which columns a table shows; JSON and
    CSV always have every column unless --columns names some), `--bom` (CSV for Excel)."""
    @functools.wraps(fn)
    def wrapper(*args, fmt, evidence, columns, bom, **kwargs):
        wanted = tuple(c.strip() for c in (columns or "").split(",") if c.strip())
        return fn(*args, output=Output(fmt, evidence, wanted, bom), **kwargs)
    for option in reversed([
        click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
                     help="Output format. Tables fit the terminal (COLUMNS); json and csv are complete."),
        click.option("--evidence", is_flag=True, help="Tables also show the evidence columns (text, offsets, ids)."),
        click.option("--columns", metavar="A,B,…", help="Only these columns, in this order (any format)."),
        click.option("--bom", is_flag=True, help="CSV starts with a UTF-8 byte-order mark (for Excel on Chinese Windows)."),
    ]):
        wrapper = option(wrapper)
    return wrapper


def show(result: QueryResult, output: Output = Output()) -> None:
    """Print results on stdout: a table that fits the terminal, or complete JSON or CSV."""
    columns, rows = list(result.columns), result.rows
    if output.columns and output.fmt != "table":
        keep = choose_columns(columns, wanted=output.columns)
        columns, rows = [columns[i] for i in keep], [[r[i] for i in keep] for r in rows]
    if output.fmt == "table":
        text = draw_table(columns, rows, evidence=output.evidence, wanted=output.columns or None)
    else:
        text = render(columns, rows, output.fmt)
    click.echo(("\ufeff" if output.bom and output.fmt == "csv" else "") + text)


class _LoadProgress:
    """The progress bar of `load`: drawn once the plan files are listed, one step per file read.

    The bar redraws one stderr line; the per-file result lines follow once it is done."""

    def __init__(self, stack: contextlib.ExitStack, quiet: bool):
        self.stack, self.quiet = stack, quiet
        self.bar: Any = None        # click's ProgressBar, once the files are listed
        self.listed: set[str] = set()
        self.outcomes: list[app.FileOutcome] = []

    def start(self, files: list[str]) -> None:
        self.listed = set(files)
        self.bar = self.stack.enter_context(click.progressbar(length=len(files), label="loading", file=sys.stderr,
                                                              hidden=self.quiet or not files, show_pos=True))

    def file(self, outcome: app.FileOutcome) -> None:
        self.outcomes.append(outcome)
        if self.bar is not None and (outcome.ok or outcome.path in self.listed):
            self.bar.update(1)


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="policykg")
@click.option("--db", envvar="POLICYKG_DB", default=None, help=DB_HELP)
@click.option("--backend", envvar="POLICYKG_BACKEND", type=click.Choice(backend_names()), default=None,
              help="Storage backend (env POLICYKG_BACKEND). "
                   "Neo4j reads NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE.")
@click.pass_context
def main(ctx, db, backend):
    """policykg — Chinese government work plans in, knowledge graph out.

    \b
    Examples:
      policykg load seeds/
      policykg stats
      policykg cypher "MATCH (t:Target) RETURN t.metric, t.value LIMIT 5"
      policykg export targets --format jsonl > targets.jsonl
    """
    ctx.obj = app.GraphLocation(backend, db)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--region", help="Override the region of every loaded file (e.g. 静安区).")
@click.option("--year", type=click.IntRange(FIRST_YEAR, LAST_YEAR), help="Override the plan year of every loaded file.")
@click.option("--level", type=click.Choice(["province", "city", "district", "county", "town"]),
              help="Override the administrative level.")
@click.option("--title", help="Override the document title.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, show_default="the number of cores",
              help="Worker processes extracting plans while one writes them.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@friendly
def load(ctx, paths, region, year, level, title, jobs, quiet):
    """Load plan files, folders or globs (.txt .md .html .htm .docx .pdf) into the graph.

    Reloading an unchanged file changes nothing; a changed file replaces that
    document's subgraph in one transaction. A sidecar `<file>.meta.yaml` (or
    .json) beside a file overrides its parsed metadata. A document is named by
    its file name without suffix, or for a file in a subfolder of a loaded
    folder by its path below that folder (a/plan.txt → a/plan).

    A file that cannot be loaded is reported on one line and the others load;
    the command then exits 1 (3 when a file hit a bug in policykg).

    \b
    Examples:
      policykg load seeds/
      policykg load "plans/*.docx" --year 2025
      policykg load jinshan.pdf --region 金山区
      policykg load province/ --jobs 4
    """
    overrides = {k: v for k, v in {"region": region, "year": year, "level": level, "title": title}.items() if v is not None}
    with contextlib.ExitStack() as stack:
        progress = _LoadProgress(stack, quiet)
        report, summary = app.load(ctx.obj, list(paths), overrides or None, on_file=progress.file,
                                   on_start=progress.start, jobs=jobs)
    if not quiet:
        for outcome in progress.outcomes:
            click.echo(("  " if outcome.ok else "  FAILED ") + outcome.message, err=True)
    show(QueryResult(list(summary[0]) if summary else [], [list(r.values()) for r in summary]))
    for note in report.notes:
        click.echo(f"policykg: warning: {note}", err=True)
    ok, bad = len(report.loaded), len(report.failed)
    click.echo(f"loaded {ok} file(s), {bad} failed", err=True)
    for outcome in report.failed:
        click.echo(f"policykg: error: {outcome.message}", err=True)
        if outcome.traceback and os.environ.get("POLICYKG_DEBUG"):
            click.echo(outcome.traceback.rstrip(), err=True)
    if bad:
        ctx.exit(InternalError.exit_code if any(o.bug for o in report.failed) else 1)


@main.command()
@click.option("--all", "everything", is_flag=True,
              help="Recompute every derived link (alignment, lineage, reuse, citations) and Target.status.")
@click.pass_obj
@friendly
def derive(where, everything):
    """Recompute the links across documents. Loads already do this for what they change.

    \b
    Example:
      policykg derive --all
    """
    report = app.derive(where, all=everything)
    for note in report.notes:
        click.echo(f"  note: {note}", err=True)
    click.echo(report.summary())


@main.command()
@output_options
@click.pass_obj
@friendly
def stats(where, output):
    """Per-document counts: sections, tasks, targets, departments, leaders, citations.

    \b
    Example:
      policykg stats --format json
    """
    show(app.stats(where), output)


@main.command()
@click.argument("query")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Query parameter (JSON values allowed); repeatable.")
@click.option("--write", is_flag=True, help="Allow the statement to change the graph.")
@output_options
@click.pass_obj
@friendly
def cypher(where, query, params, write, output):
    """Run one Cypher statement. Read-only unless --write.

    \b
    Examples:
      policykg cypher "MATCH (t:Target) WHERE t.indicator = \\$i RETURN t.value, t.text" --param i=养老床位
      policykg cypher "MATCH (d:Document) RETURN d.source, d.year" --format csv
    """
    show(app.run_cypher(where, query, _parse_params(params), write=write), output)


@main.command()
@click.argument("kind", type=click.Choice([*EXPORTS, "neo4j-import", "lineage", "report"]))
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--format", "fmt",
              type=click.Choice(["jsonl", "csv", "json", "xlsx", *[f for f in app.LINEAGE_FORMATS if f != "json"]]),
              default=None, help="jsonl (default), csv or json; report: xlsx; "
                                 "lineage: json (default), graphml, gexf, mermaid, dot, svg, png.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Write to this file instead of stdout (report and png need it).")
@click.option("--bom", is_flag=True, help="Start CSV with a UTF-8 byte-order mark, for Excel on Chinese Windows.")
@click.option("--name", help="lineage: the document, program, cited document or indicator at the centre (default: all).")
@click.option("--depth", type=click.IntRange(min=1), default=2, show_default=True,
              help="lineage with --name: hops up- and downstream.")
@click.option("--details", is_flag=True, help="lineage: each plan's sections and targets too (ALIGNS_WITH, CONTINUES).")
@click.option("--city", help="report: the city (region such as 上海市, or a plan's source). "
                             "Default: the city with the most district plans.")
@click.option("--year", type=int, help="report: the city plan's year. Default: its latest.")
@click.pass_obj
@friendly
def export(where, kind, directory, fmt, out, bom, name, depth, details, city, year):
    """Export one kind of record with its evidence (source, offsets, text).

    `report --format xlsx --out FILE` writes the analyst's workbook for a city plan
    and the district plans that implement it: alignment matrix (coloured), roll-up,
    gaps, owners, year-over-year changes, conflicts, unmapped metrics, evidence.

    `neo4j-import DIRECTORY` instead writes node and relationship CSVs with header
    files, and the exact `neo4j-admin database import full` command (import.sh),
    for an initial bulk load of a Neo4j server.

    `lineage` writes the lineage picture's graph (the one `policykg lineage --out` draws)
    for Gephi and yEd (graphml, gexf), Markdown (mermaid), Graphviz (dot), as json, or drawn
    for slides (svg, png: need Graphviz's dot).

    \b
    Examples:
      policykg export targets --format jsonl > targets.jsonl
      policykg export tasks --format csv --bom --out tasks.csv
      policykg export report --format xlsx --out report.xlsx
      policykg export neo4j-import out/neo4j-import
      policykg export lineage --format graphml --out lineage.graphml
      policykg export lineage --name changning-2025 --format mermaid
    """
    if kind == "lineage":
        _export_lineage(where, fmt or "json", name, depth, details, out, directory)
        return
    if kind == "report":
        if fmt not in (None, "xlsx") or not out or directory:
            raise UserError("export report writes a workbook: give --format xlsx --out FILE.xlsx")
        source = app.export_report(where, out, city, year)
        click.echo(f"wrote {out} (report on {source})", err=True)
        return
    fmt = fmt or "jsonl"
    if fmt not in ("jsonl", "csv", "json") or name or details:
        raise UserError(f"export {kind} takes --format jsonl|csv|json; --name, --details and the other formats "
                        "are for export lineage, xlsx for export report")
    if kind == "neo4j-import":
        if not directory:
            raise UserError("export neo4j-import needs a DIRECTORY to write the CSV files to")
        written = app.bulk_export(where, directory)
        click.echo(f"wrote {len(written)} files to {directory}; run {os.path.join(directory, 'import.sh')} "
                   "with neo4j-admin (see the README)", err=True)
        return
    if directory:
        raise UserError(f"export {kind} takes no DIRECTORY (only neo4j-import does); use --out FILE to write a file")
    records = app.export(where, kind)
    if not records:
        click.echo(f"no {kind} in the graph", err=True)
        return
    _emit(render_records(records, fmt), out, bom=bom and fmt == "csv")


def _emit(text: str, out: str | None, *, bom: bool = False) -> None:
    """Data to stdout or to `out`; with `bom`, led by the UTF-8 byte-order mark Excel looks for."""
    text = ("\ufeff" if bom else "") + text
    if out is None:
        click.echo(text)
        return
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write(text + "\n")
    click.echo(f"wrote {out}", err=True)


def _export_lineage(where, fmt, name, depth, details, out, directory) -> None:
    if fmt not in app.LINEAGE_FORMATS:
        raise UserError(f"export lineage takes --format {'|'.join(app.LINEAGE_FORMATS)}")
    if directory:
        raise UserError("export lineage writes to stdout or --out FILE, not to a DIRECTORY")
    if fmt == "png" and not out:
        raise UserError("--format png is binary: give --out FILE")
    data = app.export_lineage(where, fmt, name, depth=depth, details=details, out=out)
    if out:
        click.echo(f"wrote {out}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@main.command()
@click.option("--to", "target", type=click.Choice(["neo4j"]), required=True, help="Where to copy the embedded graph.")
@click.option("--keep-extra", is_flag=True, help="Keep documents on the target that the embedded graph no longer has.")
@click.pass_obj
@friendly
def sync(where, target, keep_extra):
    """Copy the embedded graph (--db) to a Neo4j database, document by document.

    Each document is written atomically; running it again changes nothing.
    Connection settings: NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE.

    \b
    Example:
      policykg sync --to neo4j
    """
    report = app.sync(where, target, progress=lambda done, total, name, status: click.echo(f"  {name}: {status}", err=True),
                      prune=not keep_extra)
    click.echo(render_records([{k: (", ".join(v) if isinstance(v, list) else v) for k, v in report.items()}]))


@main.command()
@click.argument("document")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="Where to write the HTML page.")
@click.pass_obj
@friendly
def review(where, document, out):
    """Write a self-contained HTML page of DOCUMENT (source name or id) with every extracted entity highlighted.

    \b
    Example:
      policykg review jingan-2025 --out review.html
    """
    app.review(where, document, out)
    click.echo(f"wrote {out}", err=True)


@main.command()
@click.option("--city", help="The city: a region such as 上海市, or a city plan's source. "
                             "Default: the city with the most district plans.")
@click.option("--year", type=int, help="The city plan's year. Default: its latest.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the page.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="Where to write the HTML page.")
@click.pass_obj
@friendly
def report(where, city, year, lang, out):
    """Write the analyst's report on a city plan and the district plans that implement it (self-contained HTML).

    An alignment heatmap (indicators × district plans), roll-up, gaps, year-over-year
    changes, department workload, conflicts and unmapped metrics, and the plans'
    lineage; every number leads to its sentence. Opens offline; prints on A4.
    The same numbers as a workbook: `policykg export report --format xlsx`.

    \b
    Examples:
      policykg report --out report.html
      policykg report --city 上海市 --year 2024 --lang en --out report-en.html
    """
    source = app.report(where, out, city, year, lang)
    click.echo(f"wrote {out} (report on {source})", err=True)


@main.command()
@click.option("--document", "source", help="Only this document (source name).")
@output_options
@click.pass_context
@friendly
def check(ctx, source, output):
    """List conflicts: one document stating two different values for the same indicator.

    Exits 1 when there is a conflict, so it can gate a pipeline.

    \b
    Example:
      policykg check --document jingan-2025
    """
    result = app.conflicts(ctx.obj, source)
    if not result.rows:
        click.echo("no conflicts", err=True)
        return
    show(result, output)
    click.echo(f"{len(result.rows)} target(s) in conflict", err=True)
    ctx.exit(1)


@main.command()
@click.option("--unmapped", is_flag=True, help="List targets whose metric matched no catalogue indicator, for a curator.")
@output_options
@click.pass_obj
@friendly
def indicators(where, unmapped, output):
    """List catalogue indicators with how many targets measure them (or the unmapped metrics).

    \b
    Examples:
      policykg indicators
      policykg indicators --unmapped --format csv
    """
    show(app.indicators(where, unmapped), output)


def page_note(shown: int, offset: int, total: int | None, more: bool = False) -> str | None:
    """The stderr line saying a page of rows was cut from more (None when every row is shown). When
    more rows follow the page, their number is said only if known: counting them costs what the whole
    query costs (a UNION, sorted here, knows it).

    >>> page_note(1000, 0, None, more=True)
    'showing the first 1,000 rows; more from --offset 1,000'
    >>> page_note(20, 0, 45, more=True)
    'showing the first 20 of 45 rows; more from --offset 20'
    >>> page_note(10, 20, None, more=True)
    'showing rows 21-30; more from --offset 30'
    >>> page_note(10, 20, 30)
    'showing rows 21-30 of 30'
    >>> page_note(0, 50, None)
    'showing no rows: --offset 50 is past the last row'
    >>> page_note(12, 0, 12) is None
    True
    """
    if more:
        of = f" of {total:,}" if total is not None else ""
        where = f"the first {shown:,}{of} rows" if offset == 0 else f"rows {offset + 1:,}-{offset + shown:,}{of}"
        return f"showing {where}; more from --offset {offset + shown:,}"
    if shown == 0 and offset:
        past = f"the {total:,} rows" if total is not None else "the last row"
        return f"showing no rows: --offset {offset:,} is past {past}"
    if offset and total is not None:
        return f"showing rows {offset + 1:,}-{offset + shown:,} of {total:,}"
    return None


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the named queries with their parameters.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Query parameter; repeatable.")
@click.option("--limit", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Show at most this many rows (0: all), in every --format.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
              help="Skip this many rows of the sorted result first (pages are stable).")
@output_options
@click.pass_obj
@friendly
def query(where, name, list_, params, limit, offset, output):
    """Run a named query from queries/ (the questions analysts ask).

    Rows come sorted and paged: at most --limit rows (default 1,000; --limit 0
    for all) from --offset on, the same page in table, json and csv output. When
    rows were cut, a note on stderr says where the next page starts.

    \b
    Examples:
      policykg query --list
      policykg query alignment --param indicator=养老床位
      policykg query owner --param keyword=养老 --format csv
      policykg query owner --limit 100 --offset 100
      policykg query gaps --limit 0 --format json
    """
    if list_ or not name:
        show(app.named_queries(), output)
        return
    result = app.named_query(where, name, _parse_params(params), limit=limit, offset=offset)
    show(result, output)
    note = page_note(len(result.rows), offset, result.total, result.more)
    if note:
        click.echo(note, err=True)


@main.command()
@click.option("--indicator", help="Only this indicator.")
@output_options
@click.pass_obj
@friendly
def align(where, indicator, output):
    """The city–district alignment matrix: one row per indicator, one column per district plan.

    Cells show the district's value and its share of the city target (counts) or
    the gap to it (rates). Evidence: `policykg query alignment`.

    \b
    Example:
      policykg align --indicator 养老床位
    """
    result = app.align(where, indicator)
    if not result.rows:
        click.echo("no alignment yet: load a city plan and district plans", err=True)
        return
    show(result, output)


@main.command()
@click.argument("keyword")
@click.option("--source", metavar="SOURCE", help="Only the tasks of this plan (a document source, e.g. jingan-2025).")
@output_options
@click.pass_obj
@friendly
def owner(where, keyword, source, output):
    """Which departments and leaders own the tasks that mention KEYWORD (explicit or inferred).

    \b
    Example:
      policykg owner 养老床位
      policykg owner 长者食堂 --source jingan-2025
    """
    result = app.owners(where, keyword, source)
    if not result.rows:
        click.echo(f"no task mentions {keyword}" + (f" in {source}" if source else ""))
        return
    show(result, output)


@main.command()
@click.argument("name", required=False)
@click.option("--depth", type=click.IntRange(min=1), default=2, show_default=True,
              help="How many hops up- and downstream of NAME.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the interactive lineage page (HTML) here.")
@output_options
@click.pass_obj
@friendly
def lineage(where, name, depth, out, output):
    """Upstream and downstream of a document, program, cited document or indicator (source name, id or title);
    without NAME, the whole graph.

    With --out, writes a self-contained page instead of the table: levels top-down, years left
    to right, filters, search, and each link's evidence on a click (opens offline).

    \b
    Examples:
      policykg lineage changning-2025
      policykg lineage 老伙伴计划
      policykg lineage --out lineage.html
    """
    if out:
        path = app.lineage_page(where, name, out, depth=depth)
        click.echo(f"wrote {path}", err=True)
        return
    show(app.lineage(where, name, depth=depth), output)


if __name__ == "__main__":
    main()
