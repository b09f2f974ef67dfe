"""Neo4j 5's own Cypher front end, for the tests: is a statement Cypher that Neo4j 5 accepts?

The Bolt tests run against a real Neo4j (tests/neo4j_server); this check adds what a
running server does not tell: warnings, and statements the tests never execute. Every
statement policykg sends to a Bolt server is checked by the parser and semantic analysis
of Neo4j itself, as compiled to JavaScript by Neo4j's `@neo4j-cypher/language-support` (pinned in
package.json next to this file; `make dev` runs `npm ci` here). `lint.cjs` runs it.

The check is schema-aware: labels, relationship types and property keys come from
graph/schema.yaml, so a named query that misspells one gets a warning, and functions
and procedures must exist in Neo4j 5 (LadybugDB-only ones such as `label()` are errors).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from policykg.graph.schema import Schema, load_schema

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "lint.cjs"
PACKAGE = HERE / "node_modules" / "@neo4j-cypher" / "language-support"
# Keys of the UNWIND rows our write statements read (`r.f`, `r.t`, `r.v`, `r.id`): map keys, which the
# linter cannot tell from node properties.
ROW_KEYS = ("f", "t", "v", "id")
# A statement with a semantic error, sent with every batch: the package swallows exceptions of its
# semantic analysis, and a silent analyser must fail the tests, not pass them.
CANARY = ("canary", "MATCH (n) RETURN m")


@dataclass(frozen=True)
class Diagnostic:
    severity: str        # error | warning
    message: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.severity} at {self.line}:{self.column}: {self.message}"


def schema_vocabulary(schema: Schema | None = None) -> dict[str, list[str]]:
    schema = schema or load_schema()
    keys = set(ROW_KEYS)
    for node in [*schema.nodes.values(), *schema.state.values()]:
        keys.update(node.properties)
    for rel in schema.relationships.values():
        keys.update(rel.properties)
    return {"labels": sorted([*schema.nodes, *schema.state]), "relationshipTypes": sorted(schema.relationships),
            "propertyKeys": sorted(keys)}


def neo4j_diagnostics(statements: list[tuple[str, str, list[str]]], schema: Schema | None = None,
                      timeout: float = 120) -> dict[str, list[Diagnostic]]:
    """{id: diagnostics} for (id, cypher, parameter names) statements, checked as Neo4j 5 Cypher."""
    node = shutil.which("node")
    if node is None:
        raise AssertionError("node is not installed: the Neo4j Cypher check needs Node.js (apt-get install nodejs npm)")
    if not PACKAGE.is_dir():
        raise AssertionError(f"{PACKAGE.relative_to(HERE.parent.parent)} is missing: run `make dev` (npm ci --prefix tests/cypher_lint)")
    batch = [{"id": CANARY[0], "cypher": CANARY[1], "parameters": []}]
    batch += [{"id": sid, "cypher": cypher, "parameters": sorted(params)} for sid, cypher, params in statements]
    proc = subprocess.run([node, str(SCRIPT)], input=json.dumps({"schema": schema_vocabulary(schema), "statements": batch}),
                          capture_output=True, text=True, timeout=timeout, cwd=HERE)
    if proc.returncode != 0:
        raise AssertionError(f"lint.cjs failed ({proc.returncode}): {proc.stderr.strip()}")
    out = {entry["id"]: [Diagnostic(**d) for d in entry["diagnostics"]] for entry in json.loads(proc.stdout)}
    canary = out.pop(CANARY[0])
    if not any("not defined" in d.message for d in canary):
        raise AssertionError(f"Neo4j's semantic analysis did not flag the canary {CANARY[1]!r}: {canary}")
    return out


# Notifications we accept, with the reason. Joins on `doc_id` are written as disconnected patterns with an
# equality (`MATCH (t:Task), (d:Document) WHERE d.id = t.doc_id`) because that is the form LadybugDB and
# Neo4j both run; Neo4j plans it as a seek on the Document.id uniqueness constraint, not a product.
ACCEPTED = {
    "If a part of a query contains multiple disconnected patterns, this will build a cartesian product":
        "doc_id joins are value joins, planned as index seeks",
}


def problems(statements: list[tuple[str, str, list[str]]], schema: Schema | None = None) -> list[str]:
    """One line per diagnostic, errors and warnings alike, except ACCEPTED ones, with the statement: empty when clean."""
    cypher = {sid: text for sid, text, _ in statements}
    return [f"{sid}: {d}\n    {cypher[sid][:600]}"
            for sid, diagnostics in neo4j_diagnostics(statements, schema).items() for d in diagnostics
            if not any(d.message.startswith(prefix) for prefix in ACCEPTED)]
