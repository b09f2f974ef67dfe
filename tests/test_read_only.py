"""Read-only means read-only, below the text: what `cypher`/`query` without --write may do, on both stores.

Each store plans the statement first (graph/read_only.py) and runs it only when the plan reads the
graph and nothing else. The statements below are the file-access, settings, checkpoint and write
statements a hostile or careless user can type; none may run, none may touch a file, and the graph
stays readable afterwards. tests/test_hostile.py covers hostile strings as parameters and names.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.graph.errors import QueryError, ReadOnlyViolation, StoreError
from policykg.graph.ladybug_store import LadybugStore
from tests.conftest_bolt import open_bolt_store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# {out} is a file the statement would write, {secret} one it would read, {dir} a folder it would fill.
LADYBUG_FILE_ACCESS = [
    "COPY (RETURN 'x' AS x) TO '{out}'",
    "copy (MATCH (d:Document) RETURN d.text) to '{out}'",
    "LOAD FROM '{secret}' (file_format='csv', delim=':') RETURN *",
    "LOAD WITH HEADERS (a STRING) FROM '{secret}' RETURN *",
    "MATCH (d:Document) WITH d LIMIT 1 LOAD FROM '{secret}' RETURN *",
    "UNWIND [1] AS x LOAD FROM '{secret}' RETURN *",
    "/* comment first */ LOAD FROM '{secret}' RETURN *",
    "COPY Document FROM '{secret}'",
    "CHECKPOINT",
    "checkpoint;",
    "INSTALL json",
    "LOAD EXTENSION '{secret}'",
    "LOAD json",
    "EXPORT DATABASE '{dir}'",
    "IMPORT DATABASE '{dir}'",
    "ATTACH '{dir}/other.lbdb' AS other (dbtype lbug)",
    "DETACH other",
    "USE other",
    "CALL threads=1",
    "CALL file_search_path='/etc'",
    "CALL home_directory='{dir}'",
    "CALL spill_to_disk=true",
    "BEGIN TRANSACTION",
    "COMMIT",
    "RETURN 1; COPY (RETURN 1 AS x) TO '{out}'",
    "MATCH (d:Document) RETURN count(d); CHECKPOINT",
    "PROFILE COPY (RETURN 1 AS x) TO '{out}'",
    "EXPLAIN COPY (RETURN 1 AS x) TO '{out}'",
    "CREATE MACRO leak(x) AS x",
    "CALL clear_warnings()",
]
LADYBUG_GRAPH_WRITES = [
    "CREATE (:Region {id: 'x', name: 'x'})",
    "MATCH (d:Document) SET d.title = 'x'",
    "MATCH (d:Document) DETACH DELETE d",
    "MERGE (r:Region {id: 'x'})",
    "MATCH (d:Document) WITH d CREATE (:Region {id: d.id})",
    "DROP TABLE Document",
    "ALTER TABLE Document ADD leak STRING",
    "CREATE NODE TABLE Leak(id STRING, PRIMARY KEY(id))",
]
READS = [
    ("MATCH (d:Document) RETURN count(d) AS n", None),
    ("match (d:Document) where d.source = $s return d.source", {"s": "jinshan-2025"}),
    ("// a comment\nMATCH (d:Document) WHERE d.title <> 'COPY (x) TO y; CHECKPOINT' RETURN count(*)", None),
    ("MATCH (d:Document) RETURN d.source AS `load from`, 'LOAD FROM x' AS s LIMIT 1", None),
    ("CALL show_tables() RETURN name", None),
    ("UNWIND [1, 2] AS x RETURN sum(x)", None),
    ("MATCH p = (d:Document)-[*1..2]->(x) RETURN count(p)", None),
    ("OPTIONAL MATCH (d:Document) RETURN d.source ORDER BY d.source SKIP 0 LIMIT 1", None),
]


def _write_seed_graph(path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(path), "load", str(SEEDS / "jinshan-2025.txt"), "--quiet"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def graph_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ro") / "g.lbdb"
    _write_seed_graph(path)
    return path


@pytest.fixture
def hostile(tmp_path, graph_template):
    """A copy of the graph, a secret file beside it and the names a statement could write to."""
    db = tmp_path / "g.lbdb"
    shutil.copy(graph_template, db)
    secret = tmp_path / "secret.csv"
    secret.write_text("root:SECRET-CANARY:0:0\n", encoding="utf-8")
    return {"db": db, "out": tmp_path / "out.csv", "secret": secret, "dir": tmp_path / "dump", "tmp": tmp_path}


def _fill(stmt: str, h: dict) -> str:
    return stmt.replace("{out}", str(h["out"])).replace("{secret}", str(h["secret"])).replace("{dir}", str(h["dir"]))


def _untouched(h: dict) -> None:
    assert not h["out"].exists() and not h["dir"].exists()
    assert sorted(p.name for p in h["tmp"].iterdir()) == ["g.lbdb", "g.lbdb.lock", "secret.csv"]


@pytest.mark.parametrize("stmt", LADYBUG_FILE_ACCESS + LADYBUG_GRAPH_WRITES)
def test_embedded_read_only_refuses_file_access_and_writes(hostile, stmt):
    with LadybugStore(str(hostile["db"]), read_only=True) as store:
        with pytest.raises((ReadOnlyViolation, QueryError)) as err:
            store.query(_fill(stmt, hostile))
        assert "SECRET-CANARY" not in str(err.value) and "\n" not in str(err.value)
        assert store.query("MATCH (d:Document) RETURN count(d)").rows == [[1]]
    _untouched(hostile)
    # the graph stays readable by the next read-only open, and unchanged
    with LadybugStore(str(hostile["db"]), read_only=True) as store:
        assert store.query("MATCH (d:Document) RETURN d.source").rows == [["jinshan-2025"]]
        assert store.query("MATCH (r:Region) WHERE r.id = 'x' RETURN count(r)").rows == [[0]]


def test_refusals_say_what_to_do(hostile):
    with LadybugStore(str(hostile["db"]), read_only=True) as store:
        with pytest.raises(ReadOnlyViolation, match="rerun with --write to allow it"):
            store.query("MATCH (d:Document) SET d.title = 'x'")
        with pytest.raises(ReadOnlyViolation, match=r"outside the graph \(COPY\)"):
            store.query(_fill(LADYBUG_FILE_ACCESS[0], hostile))
        with pytest.raises(ReadOnlyViolation, match="one at a time"):
            store.query("RETURN 1; RETURN 2")


@pytest.mark.parametrize("stmt, params", READS)
def test_embedded_read_only_still_reads(hostile, stmt, params):
    with LadybugStore(str(hostile["db"]), read_only=True) as store:
        assert store.query(stmt, params).rows
    _untouched(hostile)


def test_file_access_through_the_cli_exits_1_in_one_line(hostile):
    runner = CliRunner()
    for stmt in LADYBUG_FILE_ACCESS[:3] + ["CHECKPOINT"]:
        result = runner.invoke(main, ["--db", str(hostile["db"]), "cypher", _fill(stmt, hostile)])
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("policykg: error: ") and result.stderr.count("\n") == 1
        assert "SECRET-CANARY" not in result.output
    after = runner.invoke(main, ["--db", str(hostile["db"]), "stats", "--format", "json"])
    assert after.exit_code == 0 and json.loads(after.stdout)[0]["source"] == "jinshan-2025"
    _untouched(hostile)


def test_with_write_the_user_may_copy_out(hostile):
    """--write is the explicit opt-in: the same COPY runs there (so the refusal above is the read-only guard)."""
    result = CliRunner().invoke(main, ["--db", str(hostile["db"]), "cypher", "--write", _fill(LADYBUG_FILE_ACCESS[0], hostile)])
    assert result.exit_code == 0, result.output
    assert hostile["out"].read_text().strip() == "x"


def test_a_pending_checkpoint_no_longer_stops_reads(hostile):
    """An older policykg let CHECKPOINT through read-only, which left a recovery pending that every later
    read-only open failed on. A read-only open now completes it (when it may write there) and reads."""
    import ladybug

    db = ladybug.Database(str(hostile["db"]), read_only=True)
    conn = ladybug.Connection(db)
    with pytest.raises(RuntimeError):
        conn.execute("CHECKPOINT")
    conn.close()
    db.close()
    with pytest.raises(RuntimeError, match="recovery is pending"):
        ladybug.Database(str(hostile["db"]), read_only=True)
    with LadybugStore(str(hostile["db"]), read_only=True) as store:
        assert store.query("MATCH (d:Document) RETURN d.source").rows == [["jinshan-2025"]]


# -- the lock follows the real path; read-only folders -----------------------------------------------

def test_a_symlink_to_the_graph_is_locked_too(hostile):
    link = hostile["tmp"] / "alias.lbdb"
    link.symlink_to(hostile["db"])
    with LadybugStore(str(hostile["db"])):
        runner = CliRunner()
        for args in (["stats"], ["load", str(SEEDS / "jingan-2025.txt"), "--quiet"]):
            result = runner.invoke(main, ["--db", str(link), *args])
            assert result.exit_code == 1 and "in use by another policykg process" in result.stderr, result.output
    assert not (hostile["tmp"] / "alias.lbdb.lock").exists()


def _as_other_user() -> list[str]:
    """A prefix that runs a command as a user who cannot write the folder (root ignores permissions)."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot test a folder the user cannot write")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_reads_work_in_a_folder_the_user_cannot_write(graph_template):
    folder = Path(tempfile.mkdtemp(prefix="policykg-ro-"))
    try:
        shutil.copy(graph_template, folder / "g.lbdb")
        os.chmod(folder / "g.lbdb", 0o644)
        os.chmod(folder, 0o555)
        cli = [*_as_other_user(), sys.executable, "-m", "policykg", "--db", str(folder / "g.lbdb")]
        env = {**os.environ, "HOME": str(folder)}
        stats = subprocess.run([*cli, "stats", "--format", "json"], capture_output=True, text=True, env=env, timeout=120)
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)[0]["source"] == "jinshan-2025"
        assert sorted(os.listdir(folder)) == ["g.lbdb"]          # no lock file, no WAL left there
        load = subprocess.run([*cli, "load", str(SEEDS / "jingan-2025.txt"), "--quiet"], capture_output=True, text=True,
                              env=env, timeout=120)
        assert load.returncode == 1 and load.stderr.count("\n") == 1, load.stderr
        assert "policykg: error: cannot write beside the graph" in load.stderr
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


# -- Neo4j: the server's own verdict ------------------------------------------------------------------

NEO4J_REFUSED = [
    "CREATE (d:Document {id: 'x'})",
    "CALL db.`createLabel`('X')",
    "CALL `db`.createLabel('X')",
    "CALL db.createProperty('leak')",
    "CALL dbms.`setConfigValue`('db.logs.query.enabled', 'OFF')",
    "CALL `apoc`.export.csv.all('/tmp/x.csv', {})",
    "CALL apoc.load.json('file:///etc/passwd')",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "load csv from 'http://127.0.0.1:1/x' as row return row",
    "STOP DATABASE neo4j",
    "START DATABASE neo4j",
    "CREATE DATABASE leak",
    "DROP DATABASE neo4j",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "CREATE USER leak SET PASSWORD 'passw0rd-leak'",
    "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'",
    "CREATE INDEX leak FOR (n:Leak) ON (n.x)",
    "DROP CONSTRAINT document_id",
    "MATCH (d:Document) CALL db.createLabel('X') RETURN d",
    "CALL { CREATE (:Leak) } RETURN 1",
    "MATCH (n) FOREACH (x IN [1] | SET n.leak = x)",
    "USE system SHOW USERS",
    "SHOW TRANSACTIONS",
]


@pytest.fixture
def neo4j_read_only(bolt_server):
    writer = open_bolt_store(bolt_server)
    writer.query("MATCH (n) DETACH DELETE n")
    writer.query("CREATE (:Document {id: 'd@1', source: 'd', title: 'T'})")
    reader = open_bolt_store(bolt_server, read_only=True)
    yield writer, reader
    reader.close()
    writer.query("MATCH (n) DETACH DELETE n")
    writer.close()


def test_neo4j_read_only_refuses_on_the_servers_answer(neo4j_read_only):
    writer, reader = neo4j_read_only
    before = writer.query("CALL db.labels() YIELD label RETURN collect(label) AS l").rows
    for stmt in NEO4J_REFUSED:
        with pytest.raises(StoreError) as err:     # refused, or not even plannable: never run
            reader.query(stmt)
        assert "\n" not in str(err.value), stmt
        assert "root:" not in str(err.value), stmt
    assert writer.query("CALL db.labels() YIELD label RETURN collect(label) AS l").rows == before
    assert writer.query("SHOW DATABASES YIELD name, currentStatus WHERE name = 'neo4j' RETURN currentStatus").rows == [["online"]]
    assert writer.query("MATCH (n) RETURN count(n)").rows == [[1]]
    assert writer.query("SHOW INDEXES YIELD name WHERE name = 'leak' RETURN count(*)").rows == [[0]]


def test_neo4j_backticks_do_not_hide_a_write(neo4j_read_only):
    _, reader = neo4j_read_only
    with pytest.raises(ReadOnlyViolation, match="rerun with --write"):
        reader.query("CALL db.`createLabel`('X')")
    with pytest.raises(ReadOnlyViolation, match="outside the graph"):
        reader.query("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row")


def test_neo4j_read_only_still_reads(neo4j_read_only):
    _, reader = neo4j_read_only
    assert reader.query("MATCH (d:Document) WHERE d.title <> 'CREATE (x)' // DELETE\nRETURN d.source").rows == [["d"]]
    assert ["Document"] in reader.query("CALL db.labels() YIELD label RETURN label").rows
    assert reader.query("MATCH (n:`CREATE`) RETURN count(n) AS n").rows == [[0]]
