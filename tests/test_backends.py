"""Backends register themselves; the embedded path never imports the Neo4j driver, and the commands
that never load a file never import spaCy or the document readers."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from policykg import app
from policykg.graph.ladybug_store import LadybugStore
from policykg.graph.neo4j_store import Neo4jStore
from policykg.graph.store import GraphStore, backend_names, open_store

SEED = Path(__file__).resolve().parent.parent / "seeds" / "jinshan-2025.txt"

# Run in a fresh interpreter: the test process itself has imported the driver long ago.
EMBEDDED_SESSION = """
import sys
from policykg.cli import main

for argv in (["--db", DB, "load", SEED, "--quiet"], ["--db", DB, "stats"], ["--db", DB, "export", "targets"]):
    try:
        main(argv, prog_name="policykg")
    except SystemExit as done:
        assert not done.code, (argv, done.code)
print(sorted(m for m in sys.modules if m == "neo4j" or m.startswith("neo4j.")))
"""


def test_backends_are_found_through_their_entry_points(tmp_path):
    assert {"ladybug", "neo4j"} <= set(backend_names())
    with open_store("ladybug", db_path=str(tmp_path / "g.lbdb")) as store:
        assert isinstance(store, LadybugStore)
    assert issubclass(Neo4jStore, GraphStore)
    with pytest.raises(ValueError, match="unknown backend 'nope': use 'ladybug' or 'neo4j'"):
        open_store("nope")


def test_loading_and_reading_the_embedded_graph_never_imports_the_neo4j_driver(tmp_path):
    code = f"DB, SEED = {str(tmp_path / 'g.lbdb')!r}, {str(SEED)!r}\n" + EMBEDDED_SESSION
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_opening_the_embedded_store_through_the_application_never_imports_the_neo4j_driver(tmp_path):
    code = ("import sys\nfrom policykg import app\n"
            f"with app.GraphLocation('ladybug', {str(tmp_path / 'g.lbdb')!r}).open(read_only=False) as store:\n"
            "    store.counts()\n"
            "print('neo4j' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"


# Run in a fresh interpreter, like EMBEDDED_SESSION: the commands that never load a file start fast.
QUICK_SESSION = """
import sys
from policykg.cli import main

for argv in (["--help"], ["--db", DB, "stats"]):
    try:
        main(argv, prog_name="policykg")
    except SystemExit as done:
        assert not done.code, (argv, done.code)
print(sorted(m for m in ("spacy", "docx", "pypdf", "bs4") if m in sys.modules))
"""


def test_help_and_stats_never_import_spacy_or_the_document_readers(tmp_path):
    where = app.GraphLocation("ladybug", str(tmp_path / "g.lbdb"))
    report, _summary = app.load(where, [str(SEED)])
    assert not report.failed
    code = f"DB = {where.db_path!r}\n" + QUICK_SESSION
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "jinshan-2025" in done.stdout          # stats read the loaded graph
    assert done.stdout.strip().splitlines()[-1] == "[]"
