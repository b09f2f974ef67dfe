"""neo4j-admin import CSVs: headers, counts, quoting, the import command (parsed back), and the real import
through Neo4j's own neo4j-admin into a fresh database, served and queried like LadybugDB."""
from __future__ import annotations

import csv
import shlex
from pathlib import Path

import pytest

from policykg.graph.bulk_export import export_neo4j_import
from policykg.graph.ladybug_store import LadybugStore
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord, document_links
from policykg.queries import run_query
from tests.conftest_bolt import Neo4jServer, neo4j_admin, open_bolt_store
from tests.test_queries import CASES, comparable, world  # noqa: F401 - world is a fixture

TRICKY = '第一行 "引号", 逗号\n第二行 \'单引号\' \\ 反斜杠\r\n第三行'


def plan(source="plan-a", warnings=("w1", "w2")):
    doc_id = f"{source}@h1"
    nodes = [NodeRecord("Document", {"id": doc_id, "source": source, "fingerprint": "h1", "title": "标题, 带逗号",
                                     "year": 2025, "is_notice": True, "warnings": list(warnings), "text": TRICKY})]
    edges = []
    for i in range(3):
        tid = f"{doc_id}/t:{i}"
        nodes.append(NodeRecord("Task", {"id": tid, "doc_id": doc_id, "path": str(i), "ordinal": i, "text": TRICKY if i == 1 else f"任务{i}"}))
        nodes.append(NodeRecord("Target", {"id": f"{tid}#1", "doc_id": doc_id, "value": 2.5 * i, "conflict": i == 2, "unit": "张"}))
        edges.append(EdgeRecord("HAS_TASK", "Document", doc_id, "Task", tid, {"ordinal": i}))
        edges.append(EdgeRecord("HAS_TARGET", "Task", tid, "Target", f"{tid}#1"))
        edges.append(EdgeRecord("OWNED_BY", "Task", tid, "Department", "d1", {"inferred": i == 0, "written": "科, \"室\"", "start_offset": i}))
    nodes.append(NodeRecord("Department", {"id": "d1", "name": "局养老服务科", "generic": False}))
    return DocumentGraph(source, doc_id, "h1", nodes, edges + document_links(doc_id, nodes))


@pytest.fixture
def store(tmp_path):
    s = LadybugStore(str(tmp_path / "g.lbdb"))
    s.write_document(plan())
    s.write_document(plan("plan-b"))
    yield s
    s.close()


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_headers_counts_and_values(store, tmp_path):
    out = tmp_path / "import"
    paths = export_neo4j_import(store, out)
    names = {p.name for p in paths}
    assert {"Task.header.csv", "Task.csv", "OWNED_BY.Task-Department.header.csv", "import.sh"} <= names
    assert all(p.exists() for p in paths)

    assert read_csv(out / "Task.header.csv") == [[
        "id:ID(Task)", "doc_id:string", "source:string", "path:string", "item:string", "kind:string", "ordinal:long", "title:string",
        "theme:string", "start_offset:long", "end_offset:long", "text:string", "indicators:string[]", ":LABEL"]]
    doc_header = read_csv(out / "Document.header.csv")[0]
    assert doc_header[0] == "id:ID(Document)" and "year:long" in doc_header and "is_notice:boolean" in doc_header
    assert "warnings:string[]" in doc_header and doc_header[-1] == ":LABEL"
    assert read_csv(out / "Target.header.csv")[0][3] == "value:double"
    assert read_csv(out / "OWNED_BY.Task-Department.header.csv") == [[
        ":START_ID(Task)", ":END_ID(Department)", "role:string", "source_column:string", "written:string", "inferred:boolean",
        "rule:string", "start_offset:long", "end_offset:long", "text:string", ":TYPE"]]

    counts = store.counts()
    for label in ("Document", "Task", "Target", "Department"):
        assert len(read_csv(out / f"{label}.csv")) == counts[label], label
    for rel, pair in (("HAS_TASK", "Document-Task"), ("HAS_TARGET", "Task-Target"), ("OWNED_BY", "Task-Department")):
        assert len(read_csv(out / f"{rel}.{pair}.csv")) == counts[rel], rel
    assert not (out / "Section.csv").exists()       # labels without nodes get no files

    tasks = {row[0]: row for row in read_csv(out / "Task.csv")}
    assert tasks["plan-a@h1/t:1"][11] == TRICKY       # quotes, commas, newlines, \r\n and backslashes survive
    assert tasks["plan-a@h1/t:1"][-1] == "Task"
    docs = read_csv(out / "Document.csv")
    row = dict(zip(doc_header, docs[0]))
    assert row["warnings:string[]"] == "w1;w2" and row["is_notice:boolean"] == "true" and row["year:long"] == "2025"
    assert row["text:string"] == TRICKY and row["title:string"] == "标题, 带逗号"
    targets = {r[0]: r for r in read_csv(out / "Target.csv")}
    assert float(targets["plan-a@h1/t:2#1"][3]) == 5.0
    owned = read_csv(out / "OWNED_BY.Task-Department.csv")
    assert owned[0][:2] == ["plan-a@h1/t:0", "d1"] and owned[0][4] == '科, "室"' and owned[0][5] == "true"


def test_missing_values_are_unquoted_empty_fields(store, tmp_path):
    export_neo4j_import(store, tmp_path)
    raw = (tmp_path / "Task.csv").read_text(encoding="utf-8").splitlines()[0]
    # id, doc_id, path quoted; item, kind missing → ,, (no property after import); ordinal a bare number
    assert raw == '"plan-a@h1/t:0","plan-a@h1",,"0",,,0,,,,,"任务0",,"Task"'


def test_import_command(store, tmp_path):
    export_neo4j_import(store, tmp_path, database="policykg")
    script = (tmp_path / "import.sh").read_text(encoding="utf-8")
    command = script[script.index("exec ") + 5:].replace("\\\n", " ")
    argv = shlex.split(command)
    assert argv[:5] == ["neo4j-admin", "database", "import", "full", "$DB"]   # database first (Neo4j ≥ 5.19)
    assert 'DB="${1:-${NEO4J_DATABASE:-policykg}}"' in script
    assert "--nodes=Task=$D/Task.header.csv,$D/Task.csv" in argv
    assert "--relationships=OWNED_BY=$D/OWNED_BY.Task-Department.header.csv,$D/OWNED_BY.Task-Department.csv" in argv
    assert {"--array-delimiter=;", "--multiline-fields=true", "--overwrite-destination=true"} <= set(argv)
    assert (tmp_path / "import.sh").stat().st_mode & 0o111


def test_array_delimiter_is_chosen_so_values_survive(tmp_path):
    with LadybugStore(str(tmp_path / "g.lbdb")) as s:
        s.write_document(plan(warnings=["a;b", "c"]))
        export_neo4j_import(s, tmp_path / "auto")
        assert "'--array-delimiter=|'" in (tmp_path / "auto" / "import.sh").read_text(encoding="utf-8")
        header = read_csv(tmp_path / "auto" / "Document.header.csv")[0]
        row = dict(zip(header, read_csv(tmp_path / "auto" / "Document.csv")[0]))
        assert row["warnings:string[]"].split("|") == ["a;b", "c"]
        with pytest.raises(ValueError, match="contains the array delimiter"):
            export_neo4j_import(s, tmp_path / "forced", array_delimiter=";")


def test_same_files_from_the_bolt_store(store, bolt_store, tmp_path):
    """The export reads through queries only: a Neo4j (here: Bolt) store gives byte-identical files."""
    bolt_store.write_document(plan())
    bolt_store.write_document(plan("plan-b"))
    a = export_neo4j_import(store, tmp_path / "ladybug")
    b = export_neo4j_import(bolt_store, tmp_path / "bolt")
    assert [p.name for p in a] == [p.name for p in b]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name


def test_import_sh_runs_the_exact_command_on_files_that_exist(store, tmp_path):
    """import.sh, run by sh with a stand-in neo4j-admin that prints its arguments, from a folder whose
    name has a space: the argv is the documented command, and every file it names exists."""
    import os
    import subprocess

    out = tmp_path / "neo4j import"
    export_neo4j_import(store, out)
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "neo4j-admin").write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', encoding="utf-8")
    (stub / "neo4j-admin").chmod(0o755)
    env = {"PATH": f"{stub}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["sh", str(out / "import.sh"), "scratch"], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    argv = done.stdout.splitlines()
    assert argv[:4] == ["database", "import", "full", "scratch"]
    files = [f for arg in argv if arg.startswith(("--nodes=", "--relationships="))
             for f in arg.split("=", 2)[2].split(",")]
    assert files and all(Path(f).is_file() and Path(f).parent == out for f in files)
    assert {p.name for p in out.glob("*.csv")} == {Path(f).name for f in files}      # nothing exported is left out


# -- the real import: Neo4j's own neo4j-admin, then the server on the imported database ------------------

def test_neo4j_admin_import_gives_ladybugs_counts_and_query_rows(world, neo4j_factory, tmp_path):
    """`policykg export neo4j-import`, `neo4j-admin database import full` (Neo4j's own tool, run from the jars on
    Maven Central) into a fresh DBMS folder, the server started on it: same counts and named-query rows as LadybugDB."""
    out = tmp_path / "csv"
    export_neo4j_import(world, out)
    command = shlex.split(" ".join(line.rstrip("\\").strip() for line in (out / "import.sh").read_text(encoding="utf-8")
                                   .split("exec neo4j-admin ", 1)[1].splitlines()))
    command = [arg.replace("$DB", "neo4j").replace("$D", str(out)) for arg in command]   # import.sh's variables
    home = tmp_path / "imported"
    done = neo4j_admin(home, *command)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "IMPORT DONE" in done.stdout
    server = Neo4jServer(home).start()
    store = open_bolt_store(server.settings, read_only=True)
    try:
        assert {k: v for k, v in store.counts().items() if v} == {k: v for k, v in world.counts().items() if v}
        for name, params in CASES:
            assert comparable(run_query(store, name, params).rows) == comparable(run_query(world, name, params).rows), name
    finally:
        store.close()
        server.discard()
