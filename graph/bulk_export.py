"""CSV files for `neo4j-admin database import full` (Neo4j 5), from any GraphStore.

The fastest way to put a large graph into Neo4j: export here, stop the server,
run the generated `import.sh` (or the command it contains), start the server.
Every label has its own ID space (`id:ID(Task)`), so relationships name their
endpoints' labels (`:START_ID(Task)`, `:END_ID(Department)`); headers are in
separate files so data files can be split or regenerated.

Values: strings are always quoted (RFC 4180, quotes doubled; newlines kept,
hence `--multiline-fields=true`); a missing property is an empty unquoted field
(no property after import); numbers and booleans are unquoted; STRING[] values
are joined with the array delimiter (`;` unless an item contains one).
"""
from __future__ import annotations

import csv
import os
import shlex
from pathlib import Path

from policykg.graph import statements
from policykg.graph.schema import Schema
from policykg.graph.store import GraphStore

__all__ = ["NEO4J_TYPES", "DELIMITER_CANDIDATES", "export_neo4j_import", "import_command"]

NEO4J_TYPES = {"STRING": "string", "INT64": "long", "DOUBLE": "double", "BOOLEAN": "boolean", "STRING[]": "string[]"}
DELIMITER_CANDIDATES = (";", "|", "\u001f")


class _Raw:
    """A field the csv module writes unquoted (it counts as a number under QUOTE_NONNUMERIC)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __float__(self) -> float:   # makes csv treat it as numeric, i.e. unquoted
        return 0.0


NULL = _Raw("")


def _writer(fh):
    return csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")


def _field(value, typ: str, array_delimiter: str):
    """A CSV field for neo4j-admin: strings quoted, everything else (and a missing value) unquoted.

    >>> [str(_field(v, t, ";")) for v, t in ((None, "STRING"), (True, "BOOLEAN"), (3.0, "INT64"), (["a", "b"], "STRING[]"))]
    ['', 'true', '3', 'a;b']
    """
    if value is None:
        return NULL
    if typ == "BOOLEAN":
        return _Raw("true" if value else "false")
    if typ == "INT64":
        return _Raw(str(int(value)))
    if typ == "DOUBLE":
        return _Raw(repr(float(value)))
    if typ == "STRING[]":
        return array_delimiter.join(str(v) for v in value)
    return str(value)


def _header(name: str, typ: str) -> str:
    return f"{name}:{NEO4J_TYPES[typ]}"


def _choose_delimiter(arrays: list[list], requested: str | None) -> str:
    items = [str(v) for values in arrays for v in (values or [])]
    if requested is not None:
        clash = next((v for v in items if requested in v), None)
        if clash is not None:
            raise ValueError(f"array value {clash[:60]!r} contains the array delimiter {requested!r}: choose another one")
        return requested
    for candidate in DELIMITER_CANDIDATES:
        if not any(candidate in v for v in items):
            return candidate
    raise ValueError("every candidate array delimiter occurs in some STRING[] value; pass array_delimiter=")


def _delimiter_option(delimiter: str) -> str:
    return f"U+{ord(delimiter):04X}" if not delimiter.isprintable() else delimiter


NodeData = dict[str, list[list]]                      # label → rows (properties in schema order)
RelData = dict[tuple[str, str, str], list[list]]      # (type, from label, to label) → rows (from key, to key, properties)
Group = tuple[str, str, str]                          # (label or type, header file name, data file name)


def _read_graph(store: GraphStore) -> tuple[NodeData, RelData]:
    """Every node and relationship of the store, sorted by key, leaving out empty labels and types."""
    schema = store.schema
    node_data: NodeData = {}
    for label in schema.nodes:
        rows = store.query(statements.read_nodes(schema, label, ordered=True)).rows
        if rows:
            node_data[label] = rows
    rel_data: RelData = {}
    for rel, spec in schema.relationships.items():
        for a, b in spec.endpoints:
            rows = store.query(statements.read_edges(schema, rel, a, b, ordered=True)).rows
            if rows:
                rel_data[(rel, a, b)] = rows
    return node_data, rel_data


def _array_values(schema: Schema, node_data: NodeData, rel_data: RelData) -> list[list]:
    """Every STRING[] value, to choose an array delimiter none of them contains."""
    arrays = []
    for label, rows in node_data.items():
        for i, typ in enumerate(schema.node(label).properties.values()):
            if typ == "STRING[]":
                arrays += [row[i] for row in rows]
    for (rel, _, _), rows in rel_data.items():
        for i, typ in enumerate(schema.rel(rel).properties.values()):
            if typ == "STRING[]":
                arrays += [row[2 + i] for row in rows]
    return arrays


def _write_nodes(schema: Schema, node_data: NodeData, out: Path, delimiter: str) -> list[Group]:
    groups = []
    for label, rows in node_data.items():
        spec = schema.node(label)
        header = [f"{p}:ID({label})" if p == spec.key else _header(p, t) for p, t in spec.properties.items()] + [":LABEL"]
        types = list(spec.properties.values())
        hpath, dpath = out / f"{label}.header.csv", out / f"{label}.csv"
        _write(hpath, [header], header=True)
        _write(dpath, ([_field(v, t, delimiter) for v, t in zip(row, types)] + [label] for row in rows))
        groups.append((label, hpath.name, dpath.name))
    return groups


def _write_relationships(schema: Schema, rel_data: RelData, out: Path, delimiter: str) -> list[Group]:
    groups = []
    for (rel, a, b), rows in rel_data.items():
        spec = schema.rel(rel)
        header = [f":START_ID({a})", f":END_ID({b})"] + [_header(p, t) for p, t in spec.properties.items()] + [":TYPE"]
        types = list(spec.properties.values())
        stem = f"{rel}.{a}-{b}"
        hpath, dpath = out / f"{stem}.header.csv", out / f"{stem}.csv"
        _write(hpath, [header], header=True)
        _write(dpath, ([row[0], row[1]] + [_field(v, t, delimiter) for v, t in zip(row[2:], types)] + [rel] for row in rows))
        groups.append((rel, hpath.name, dpath.name))
    return groups


def export_neo4j_import(store: GraphStore, out_dir: str | os.PathLike, *, array_delimiter: str | None = None,
                        database: str = "neo4j") -> list[Path]:
    """Write node and relationship CSVs (+ header files) and `import.sh` to `out_dir`; return the paths written.

    Reads through `store.query` only, so any GraphStore (LadybugDB, Neo4j) can be the source."""
    schema: Schema = store.schema
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    node_data, rel_data = _read_graph(store)
    delimiter = _choose_delimiter(_array_values(schema, node_data, rel_data), array_delimiter)
    node_groups = _write_nodes(schema, node_data, out, delimiter)
    rel_groups = _write_relationships(schema, rel_data, out, delimiter)
    written = [out / name for _, header, data in node_groups + rel_groups for name in (header, data)]
    script = out / "import.sh"
    script.write_text(_import_script(node_groups, rel_groups, delimiter, database), encoding="utf-8")
    os.chmod(script, 0o755)
    written.append(script)
    return written


def _write(path: Path, rows, header: bool = False) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        # headers unquoted (plain names), data with every string quoted
        w = csv.writer(fh, lineterminator="\n") if header else _writer(fh)
        for row in rows:
            w.writerow(row)


def import_command(node_groups, rel_groups, delimiter: str, database: str = "neo4j", import_dir: str = "import") -> list[str]:
    """The neo4j-admin argv. The database name comes right after `full` (required since Neo4j 5.19)."""
    argv = ["neo4j-admin", "database", "import", "full", database]
    argv += [f"--nodes={label}={import_dir}/{h},{import_dir}/{d}" for label, h, d in node_groups]
    argv += [f"--relationships={rel}={import_dir}/{h},{import_dir}/{d}" for rel, h, d in rel_groups]
    argv += [f"--array-delimiter={_delimiter_option(delimiter)}", "--multiline-fields=true", "--overwrite-destination=true"]
    return argv


def _import_script(node_groups, rel_groups, delimiter: str, database: str) -> str:
    argv = import_command(node_groups, rel_groups, delimiter, '"$DB"', '"$D"')
    lines = [argv[0] + " " + " ".join(argv[1:4]) + ' "$DB" \\']
    for arg in argv[5:]:
        if arg.startswith(("--nodes=", "--relationships=")):
            opt, rest = arg.split("=", 1)
            name, files = rest.split("=", 1)
            lines.append(f"  {opt}={name}={files} \\")
        else:
            lines.append(f"  {shlex.quote(arg) if '$' not in arg else arg} \\")
    lines[-1] = lines[-1].rstrip(" \\")
    compose = [shlex.quote(a) for a in import_command(node_groups, rel_groups, delimiter, database, "/import")]
    return (
        "#!/bin/sh\n"
        "# Generated by policykg (graph/bulk_export.py): load these CSVs into Neo4j 5 with neo4j-admin.\n"
        "# The database must be STOPPED; its previous contents are REPLACED (--overwrite-destination).\n"
        "# Usage: sh import.sh [database]    (IMPORT_DIR: where the CSVs are, default: this directory)\n"
        "#\n"
        "# With the docker compose service (it mounts ./out/neo4j-import at /import: export there):\n"
        "#   docker compose stop neo4j\n"
        "#   docker compose run --rm neo4j " + " ".join(compose[:5]) + " \\\n#     " + " \\\n#     ".join(compose[5:]) + "\n"
        "#   docker compose start neo4j\n"
        "set -eu\n"
        'D="${IMPORT_DIR:-$(cd "$(dirname "$0")" && pwd)}"\n'
        f'DB="${{1:-${{NEO4J_DATABASE:-{database}}}}}"\n'
        "exec " + "\n".join(lines) + "\n"
    )
