"""policykg command line: a thin layer over the library (loaders, graph, queries).

Data goes to stdout, messages to stderr. Every failure a user can cause is one
line on stderr and a non-zero exit; set POLICYKG_DEBUG=1 to see tracebacks.
"""
from __future__ import annotations

import functools
import json
import os
import sys

import click

from policykg.graph.errors import StoreError
from policykg.graph.tabular import render, render_records

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


def friendly(fn):
    """Turn known errors into one-line messages; unknown ones into a short internal-error line."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from policykg.loaders.errors import InputError

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


def _store(ctx, read_only: bool):
    from policykg.graph.store import open_store

    opts = ctx.find_root().params
    return open_store(opts.get("backend"), db_path=opts.get("db"), read_only=read_only)


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


format_option = click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True, help="Output format.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="policykg")
@click.option("--db", envvar="POLICYKG_DB", default=None, help=DB_HELP)
@click.option("--backend", envvar="POLICYKG_BACKEND", type=click.Choice(["ladybug", "neo4j"]), default=None,
              help="Storage backend (env POLICYKG_BACKEND). Neo4j reads NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE.")
def main(db, backend):
    """policykg — Chinese government work plans in, knowledge graph out.

    \b
    Examples:
      policykg load seeds/
      policykg stats
      policykg cypher "MATCH (t:Target) RETURN t.metric, t.value LIMIT 5"
      policykg export targets --format jsonl > targets.jsonl
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--region", help="Override the region of every loaded file (e.g. 静安区).")
@click.option("--year", type=int, help="Override the plan year of every loaded file.")
@click.option("--level", type=click.Choice(["city", "district", "town"]), help="Override the administrative level.")
@click.option("--title", help="Override the document title.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@friendly
def load(ctx, paths, region, year, level, title, quiet):
    """Load plan files, folders or globs (.txt .md .html .htm .docx .pdf) into the graph.

    Reloading an unchanged file changes nothing; a changed file replaces that
    document's subgraph in one transaction. A sidecar `<file>.meta.yaml` (or
    .json) beside a file overrides its parsed metadata.

    \b
    Examples:
      policykg load seeds/
      policykg load "plans/*.docx" --year 2025
      policykg load jinshan.pdf --region 金山区
    """
    from policykg.graph.exports import document_summary
    from policykg.loaders.pipeline import load_paths
    from policykg.loaders.read import iter_input_files

    overrides = {k: v for k, v in {"region": region, "year": year, "level": level, "title": title}.items() if v is not None}
    files, _ = iter_input_files(list(paths))
    outcomes = []
    with _store(ctx, read_only=False) as store:
        # The bar redraws one stderr line; the per-file result lines follow once it is done.
        with click.progressbar(length=len(files), label="loading", file=sys.stderr,
                               hidden=quiet or not files, show_pos=True) as bar:
            def on_file(outcome):
                outcomes.append(outcome)
                if outcome.ok or outcome.path in {str(f) for f in files}:
                    bar.update(1)
            report = load_paths(list(paths), store, overrides or None, on_file=on_file)
        if not quiet:
            for outcome in outcomes:
                click.echo(("  " if outcome.ok else "  FAILED ") + outcome.message, err=True)
        click.echo(render_records(document_summary(store)))
    ok, bad = len(report.loaded), len(report.failed)
    click.echo(f"loaded {ok} file(s), {bad} failed", err=True)
    if bad:
        for outcome in report.failed:
            click.echo(f"policykg: error: {outcome.message}", err=True)
        ctx.exit(1)


@main.command()
@format_option
@click.pass_context
@friendly
def stats(ctx, fmt):
    """Per-document counts: sections, tasks, targets, departments, leaders, citations.

    \b
    Example:
      policykg stats --format json
    """
    from policykg.graph.exports import document_summary

    with _store(ctx, read_only=True) as store:
        click.echo(render_records(document_summary(store), fmt, columns=["source", "region", "year", "sections", "tasks", "targets", "departments", "leaders", "citations"]))


@main.command()
@click.argument("query")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Query parameter (JSON values allowed); repeatable.")
@click.option("--write", is_flag=True, help="Allow the statement to change the graph.")
@format_option
@click.pass_context
@friendly
def cypher(ctx, query, params, write, fmt):
    """Run one Cypher statement. Read-only unless --write.

    \b
    Examples:
      policykg cypher "MATCH (t:Target) WHERE t.indicator = \\$i RETURN t.value, t.text" --param i=养老床位
      policykg cypher "MATCH (d:Document) RETURN d.source, d.year" --format csv
    """
    with _store(ctx, read_only=not write) as store:
        result = store.query(query, _parse_params(params))
        click.echo(render(result.columns, result.rows, fmt))


@main.command()
@click.argument("kind", type=click.Choice(["documents", "sections", "tasks", "targets", "citations", "alignments", "neo4j-import"]))
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "json"]), default="jsonl", show_default=True)
@click.pass_context
@friendly
def export(ctx, kind, directory, fmt):
    """Export one kind of record with its evidence (source, offsets, text).

    `neo4j-import DIRECTORY` instead writes node and relationship CSVs with header
    files, and the exact `neo4j-admin database import full` command (import.sh),
    for an initial bulk load of a Neo4j server.

    \b
    Examples:
      policykg export targets --format jsonl > targets.jsonl
      policykg export tasks --format csv > tasks.csv
      policykg export neo4j-import out/neo4j-import
    """
    from policykg.graph.exports import EXPORTS

    if kind == "neo4j-import":
        from policykg.graph.bulk_export import export_neo4j_import

        if not directory:
            raise UserError("export neo4j-import needs a DIRECTORY to write the CSV files to")
        with _store(ctx, read_only=True) as store:
            written = export_neo4j_import(store, directory)
        click.echo(f"wrote {len(written)} files to {directory}; run {os.path.join(directory, 'import.sh')} "
                   "with neo4j-admin (see the README)", err=True)
        return
    if directory:
        raise UserError(f"export {kind} writes to stdout; DIRECTORY is only for neo4j-import")
    with _store(ctx, read_only=True) as store:
        records = EXPORTS[kind](store)
    if not records:
        click.echo(f"no {kind} in the graph", err=True)
        return
    click.echo(render_records(records, fmt))


@main.command()
@click.option("--to", "target", type=click.Choice(["neo4j"]), required=True, help="Where to copy the embedded graph.")
@click.option("--keep-extra", is_flag=True, help="Keep documents on the target that the embedded graph no longer has.")
@click.pass_context
@friendly
def sync(ctx, target, keep_extra):
    """Copy the embedded graph (--db) to a Neo4j database, document by document.

    Each document is written atomically; running it again changes nothing.
    Connection settings: NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE.

    \b
    Example:
      policykg sync --to neo4j
    """
    from policykg.graph.store import open_store
    from policykg.graph.sync import sync_to

    opts = ctx.find_root().params
    with open_store("ladybug", db_path=opts.get("db"), read_only=True) as source, open_store(target) as dest:
        report = sync_to(source, dest, progress=lambda done, total, name, status: click.echo(f"  {name}: {status}", err=True),
                         prune=not keep_extra)
    click.echo(render_records([{k: (", ".join(v) if isinstance(v, list) else v) for k, v in report.items()}]))


@main.command()
@click.argument("document")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="Where to write the HTML page.")
@click.pass_context
@friendly
def review(ctx, document, out):
    """Write a self-contained HTML page of DOCUMENT (source name or id) with every extracted entity highlighted.

    \b
    Example:
      policykg review jingan-2025 --out review.html
    """
    from policykg.pages.review import review_page

    with _store(ctx, read_only=True) as store:
        page = review_page(store, document)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(page)
    click.echo(f"wrote {out}", err=True)


@main.command()
@click.option("--document", "source", help="Only this document (source name).")
@format_option
@click.pass_context
@friendly
def check(ctx, source, fmt):
    """List conflicts: one document stating two different values for the same indicator.

    Exits 1 when there is a conflict, so it can gate a pipeline.

    \b
    Example:
      policykg check --document jingan-2025
    """
    from policykg.queries import run_query

    with _store(ctx, read_only=True) as store:
        result = run_query(store, "conflicts", {"source": source})
    if not result.rows:
        click.echo("no conflicts", err=True)
        return
    click.echo(render(result.columns, result.rows, fmt))
    click.echo(f"{len(result.rows)} target(s) in conflict", err=True)
    ctx.exit(1)


@main.command()
@click.option("--unmapped", is_flag=True, help="List targets whose metric matched no catalogue indicator, for a curator.")
@format_option
@click.pass_context
@friendly
def indicators(ctx, unmapped, fmt):
    """List catalogue indicators with how many targets measure them (or the unmapped metrics).

    \b
    Examples:
      policykg indicators
      policykg indicators --unmapped --format csv
    """
    with _store(ctx, read_only=True) as store:
        if unmapped:
            result = store.query("""
                MATCH (d:Document), (g:Target) WHERE g.doc_id = d.id AND g.indicator = 'unmapped'
                RETURN d.source AS source, g.metric AS metric, g.value AS value, g.unit AS unit, g.text AS text
                ORDER BY metric, source""")
        else:
            result = store.query("""
                MATCH (g:Target)-[:MEASURES]->(i:Indicator)
                RETURN i.name AS indicator, i.theme AS theme, i.unit_family AS unit_family,
                       count(g) AS targets, count(DISTINCT g.doc_id) AS documents
                ORDER BY targets DESC, indicator""")
        click.echo(render(result.columns, result.rows, fmt))


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the named queries with their parameters.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Query parameter; repeatable.")
@format_option
@click.pass_context
@friendly
def query(ctx, name, list_, params, fmt):
    """Run a named query from queries/ (the questions analysts ask).

    \b
    Examples:
      policykg query --list
      policykg query alignment --param indicator=养老床位
      policykg query owner --param keyword=养老 --format csv
    """
    from policykg.queries import get_query, list_queries, run_query

    if list_ or not name:
        rows = [[q.name, q.purpose, ", ".join(f"{p.name} {p.type}" + ("" if p.required else f"={p.default}") for p in q.params)]
                for q in list_queries()]
        click.echo(render(["name", "purpose", "parameters"], rows, fmt))
        return
    get_query(name)
    with _store(ctx, read_only=True) as store:
        result = run_query(store, name, _parse_params(params))
    click.echo(render(result.columns, result.rows, fmt))


@main.command()
@click.option("--indicator", help="Only this indicator.")
@format_option
@click.pass_context
@friendly
def align(ctx, indicator, fmt):
    """The city–district alignment matrix: one row per indicator, one column per district plan.

    Cells show the district's value and its share of the city target (counts) or
    the gap to it (rates). Evidence: `policykg query alignment`.

    \b
    Example:
      policykg align --indicator 养老床位
    """
    from policykg.graph.derive import alignment_matrix

    with _store(ctx, read_only=True) as store:
        columns, rows = alignment_matrix(store, indicator)
    if not rows:
        click.echo("no alignment yet: load a city plan and district plans", err=True)
        return
    click.echo(render(columns, rows, fmt))


@main.command()
@click.argument("keyword")
@format_option
@click.pass_context
@friendly
def owner(ctx, keyword, fmt):
    """Which departments and leaders own the tasks that mention KEYWORD (explicit or inferred).

    \b
    Example:
      policykg owner 养老床位
    """
    from policykg.graph.derive import owner_lookup

    with _store(ctx, read_only=True) as store:
        records = owner_lookup(store, keyword)
    columns = ["source", "item", "title", "departments", "inferred_departments", "leaders", "start_offset", "end_offset", "text"]
    click.echo(render_records(records, fmt, columns=columns) if records else f"no task mentions {keyword}")


@main.command()
@click.argument("name")
@click.option("--depth", type=int, default=2, show_default=True, help="How many hops up- and downstream.")
@format_option
@click.pass_context
@friendly
def lineage(ctx, name, depth, fmt):
    """Upstream and downstream of a document, program, cited document or indicator (source name, id or title).

    \b
    Examples:
      policykg lineage changning-2025
      policykg lineage 老伙伴计划
    """
    from policykg.graph.derive import lineage_graph

    with _store(ctx, read_only=True) as store:
        g = lineage_graph(store, name, depth=depth)
    rows = []
    for a, b, d in g.edges(data=True):
        # The first piece of evidence leads back to the sentence; plan-to-plan links have none.
        ev = (d.get("evidence") or [{}])[0]
        rows.append([g.nodes[a].get("title") or a, d.get("type"), g.nodes[b].get("title") or b,
                     d.get("detail") or d.get("value"), ev.get("source"), ev.get("start_offset"), ev.get("end_offset"),
                     ev.get("text")])
    columns = ["from", "relationship", "to", "detail", "source", "start_offset", "end_offset", "text"]
    click.echo(render(columns, rows, fmt))


if __name__ == "__main__":
    main()
