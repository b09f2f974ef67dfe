"""Everything policykg sends to Neo4j is Cypher that Neo4j 5 accepts, by Neo4j's own front end.

The Bolt tests run on a real Neo4j 5.26, which only says whether a statement runs; the
front end also warns (deprecations, unknown labels). So the statements the Bolt backend sends during a whole
session of work (loading the seeds, reloading a changed plan, deriving links, syncing,
every named query and CLI command) are recorded as Neo4j would receive them, with
their parameters, and checked by Neo4j 5's parser and semantic analysis
(`tests/cypher_lint`): no errors and no warnings, schema-aware (labels, types and
property keys of graph/schema.yaml), functions and procedures from Neo4j 5's catalogue.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.graph.neo4j_store import Neo4jStore
from policykg.graph.statements import neo4j_schema_ddl
from policykg.graph.schema import load_schema
from policykg.queries import list_queries, run_query
from tests.cypher_lint import neo4j_diagnostics, problems
from tests.test_queries import CASES

pytestmark = pytest.mark.npm   # every test here asks Neo4j's Cypher front end (node, tests/cypher_lint)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

# -- the checker itself can fail ------------------------------------------------------------------

def test_the_checker_rejects_what_neo4j_5_rejects():
    bad = [
        ("removed-exists", "MATCH (n:Task) WHERE exists(n.title) RETURN n", []),
        ("ladybug-label", "MATCH (n:Task) RETURN label(n)", []),
        ("undeclared-param", "MATCH (n:Task) WHERE n.id = $id RETURN n", []),
        ("unknown-label", "MATCH (n:Tusk) RETURN n.id", []),
        ("unknown-property", "MATCH (n:Task) RETURN n.titel", []),
        ("unknown-type", "MATCH (:Task)-[r:OWNS]->(:Department) RETURN r", []),
        ("deprecated-id", "MATCH (n:Task) RETURN id(n)", []),
        ("unknown-procedure", "CALL db.indexes() YIELD label RETURN label", []),
    ]
    good = [("fine", "MATCH (n:Task) WHERE n.id = $id RETURN n.title, labels(n), elementId(n)", ["id"])]
    found = neo4j_diagnostics(bad + good)
    assert [sid for sid, diags in found.items() if not diags] == ["fine"]
    assert any(d.severity == "error" for d in found["ladybug-label"])
    assert any("no longer supported" in d.message for d in found["removed-exists"])


def test_only_the_accepted_notification_is_let_through():
    product = ("join", "MATCH (t:Task), (d:Document) WHERE d.id = t.doc_id RETURN t.id", [])
    assert [d.message[:40] for d in neo4j_diagnostics([product])["join"]] == ["If a part of a query contains multiple d"]
    assert problems([product]) == []
    assert len(problems([product, ("typo", "MATCH (t:Task) RETURN t.titel", [])])) == 1


# -- statements we write down ---------------------------------------------------------------------

def test_schema_constraints_and_indexes_are_neo4j_5_ddl():
    ddl = neo4j_schema_ddl(load_schema())
    assert len(ddl) > len(load_schema().nodes)
    assert problems([(f"ddl-{i}", stmt, []) for i, stmt in enumerate(ddl)]) == []


def test_every_named_query_is_neo4j_5_cypher():
    statements = [(q.name, cypher, q.param_names + ["page_end"] * q.cuts_early)
                  for q in list_queries() for cypher in q.statements]
    assert len(statements) > len(list_queries()) >= 13
    assert problems(statements) == []


def readme_cypher() -> list[str]:
    """The Cypher the README tells people to run: ```cypher blocks (statements end with `;`) and `policykg cypher "…"`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```cypher\n(.*?)```", readme, re.S):
        out += [s.strip() for s in block.split(";") if s.strip()]
    for command in re.findall(r'policykg cypher "((?:[^"\\]|\\.)*)"', readme, re.S):
        out.append(" ".join(command.replace("\\$", "$").split()))
    return out


def test_the_readmes_cypher_is_neo4j_5_cypher():
    statements = [(f"readme-{i}", s, re.findall(r"\$(\w+)", s)) for i, s in enumerate(readme_cypher())]
    assert len(statements) >= 3
    assert problems(statements) == []


# -- everything sent over Bolt during a session of work -------------------------------------------

@pytest.fixture
def sent(monkeypatch):
    """{cypher: parameter names} of every statement the Bolt backend sends, in the form Neo4j receives it.

    One parameterised statement per part, and the constraint DDL sent through execute_query."""
    seen: dict[str, set[str]] = {}

    def record(cypher, params):
        seen.setdefault(cypher, set()).update(params or {})

    tx_run, run_parts, ensure_schema = Neo4jStore._tx_run, Neo4jStore._run_parts, Neo4jStore._ensure_schema
    session_run = neo4j.Session.run

    def recording_tx_run(self, tx, cypher, params):
        record(cypher, params)
        return tx_run(self, tx, cypher, params)

    def recording_run_parts(self, tx, parts):
        for part in parts:
            record(part.cypher, part.params)
        return run_parts(self, tx, parts)

    def recording_ensure_schema(self):
        for stmt in neo4j_schema_ddl(self.schema):
            record(stmt, {})
        return ensure_schema(self)

    def recording_session_run(self, query, parameters=None, **kwargs):
        record(query, parameters)        # the connection probes (RETURN 1, dbms.components)
        return session_run(self, query, parameters, **kwargs)

    monkeypatch.setattr(Neo4jStore, "_tx_run", recording_tx_run)
    monkeypatch.setattr(Neo4jStore, "_run_parts", recording_run_parts)
    monkeypatch.setattr(Neo4jStore, "_ensure_schema", recording_ensure_schema)
    monkeypatch.setattr(neo4j.Session, "run", recording_session_run)
    return seen


def test_every_statement_a_session_of_work_sends_is_neo4j_5_cypher(tmp_path, bolt_store, bolt_server, sent):
    env = {"NEO4J_URI": bolt_server["uri"], "NEO4J_USERNAME": bolt_server["user"],
           "NEO4J_PASSWORD": bolt_server["password"], "NEO4J_DATABASE": bolt_server["database"] or ""}
    runner = CliRunner()

    def cli(*args, backend=True, exit_codes=(0,)):
        result = runner.invoke(main, (["--backend", "neo4j"] if backend else []) + list(args), env=env, catch_exceptions=False)
        assert result.exit_code in exit_codes, (args, result.output)
        return result

    plans = tmp_path / "plans"
    shutil.copytree(SEEDS, plans)
    cli("load", str(plans), "--quiet")
    # A changed plan replaces its document (delete, write, orphan clean-up), then derivation runs again.
    changed = sorted(plans.glob("*.txt"))[-1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n九、新增10张家庭照护床位。\n", encoding="utf-8")
    cli("load", str(changed), "--quiet")
    for name, params in CASES:
        run_query(bolt_store, name, params)
    for args in (["stats"], ["align"], ["owner", "养老"], ["lineage", changed.stem], ["indicators", "--unmapped"],
                 ["review", changed.stem, "--out", str(tmp_path / "review.html")],
                 ["lineage", "--out", str(tmp_path / "lineage.html")],
                 ["report", "--out", str(tmp_path / "report.html")],
                 ["export", "report", "--format", "xlsx", "--out", str(tmp_path / "report.xlsx")],
                 ["cypher", "MATCH (t:Target) WHERE t.value > $v RETURN count(t) AS n", "--param", "v=10"]):
        cli(*args)
    cli("check", exit_codes=(0, 1))      # 1: it found conflicting values, as it should on the seeds
    for kind in ("documents", "sections", "tasks", "targets", "citations", "alignments"):
        cli("export", kind)
    # The laptop-to-server move: sync an embedded graph that lacks the changed plan (it is pruned there).
    db = str(tmp_path / "embedded.lbdb")
    changed.unlink()
    cli("--db", db, "load", str(plans), "--quiet", backend=False)
    cli("--db", db, "sync", "--to", "neo4j", backend=False)

    statements = [(f"s{i}", cypher, sorted(params)) for i, (cypher, params) in enumerate(sorted(sent.items()))]
    text = "\n".join(sent)
    # The recording saw every kind of statement, so a clean result means something.
    for needle in ("CREATE CONSTRAINT", "dbms.components", "UNWIND $rows AS r CREATE", "UNWIND $rows AS r MERGE",
                   "DETACH DELETE", "SET n.", "ALIGNS_WITH"):
        assert needle in text, needle
    assert {q.cypher for q in list_queries()} <= set(sent)
    assert len(statements) > 100
    assert problems(statements) == []
