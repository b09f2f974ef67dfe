"""kill -9 on the embedded store, during a document's write and during derivation.

A child process opens the graph, and dies by SIGKILL at a chosen statement inside the transaction
(the crash point: after the old version's delete, after some nodes, after the edges, right
before COMMIT …). Afterwards the graph must hold the previous complete state (the counts and the
derived links from before, no half-written document), open normally (no lock left behind, WAL
replayed), and converge: writing the same thing again gives the counts of a run that never crashed.
"""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.graph.ladybug_store import LadybugStore
from policykg.loaders.records import EdgeRecord, NodeRecord
from tests.test_ladybug_store import make_doc

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import os, signal, sys
sys.path.insert(0, {root!r})
from policykg.graph import statements
from policykg.graph.ladybug_store import LadybugStore
from policykg.loaders.records import EdgeRecord, NodeRecord
from tests.test_ladybug_store import make_doc
from tests.test_crash import derived_writes

crash_at, seen, commits = {crash_at}, [0], [0]
store = LadybugStore({db!r})
run = store._run

def counting_run(cypher, params=None):
    if cypher not in (statements.BEGIN, statements.COMMIT) and seen[0] >= 0:
        seen[0] += 1
        if seen[0] == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)
    if cypher == statements.COMMIT:
        commits[0] += 1
        if crash_at == -commits[0]:
            os.kill(os.getpid(), signal.SIGKILL)     # the transaction written, its COMMIT not sent
    return run(cypher, params)

store._run = counting_run
{work}
print("finished")
"""
WRITE = 'store.write_document(make_doc("plan-a", digest="h2", tasks=5))'
DERIVE = 'store.replace_derived(derived_writes("second"))'

# A crash point: the n-th statement inside a transaction (n > 0), or the n-th COMMIT, not sent (-n).
# A changed document's write is one transaction of about 15 statements.
WRITE_CRASH_POINTS = [1, 2, 3, 5, 8, 11, 14, -1]
# A derivation's first transaction marks the layer incomplete and drops it (11 statements); the status
# update, the edges and the final mark follow, a transaction each (statements 12 and 13, COMMITs 2–4).
DERIVE_CRASH_POINTS = [1, 2, 4, 7, 10, -1]
DERIVE_LATER_CRASH_POINTS = [-2, 12, 13, -3, -4]


def derived_writes(which: str):
    a, b = "plan-a@h1/t:0#1", "plan-b@h1/t:0#1"
    if which == "first":
        return [NodeRecord("Target", {"id": a, "status": "new"}),
                EdgeRecord("ALIGNS_WITH", "Target", a, "Target", b, {"share": 1.0, "basis": "养老床位"})]
    return [NodeRecord("Target", {"id": a, "status": "raised"}),
            EdgeRecord("ALIGNS_WITH", "Target", b, "Target", a, {"share": 0.5}),
            EdgeRecord("ALIGNS_WITH", "Target", a, "Target", b, {"share": 0.25})]


def snapshot(path: str) -> dict:
    with LadybugStore(path, read_only=True) as store:
        return {
            "counts": store.counts(),
            "documents": store.query("MATCH (d:Document) RETURN d.id ORDER BY d.id").rows,
            "aligned": store.query("MATCH (x:Target)-[r:ALIGNS_WITH]->(y:Target) RETURN x.id, y.id, r.share "
                                   "ORDER BY x.id, y.id").rows,
            "status": store.query("MATCH (t:Target) RETURN t.id, t.status ORDER BY t.id").rows,
        }


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """The graph before the crash (template), and what a write or a derivation gives without one."""
    folder = tmp_path_factory.mktemp("crash")
    before = str(folder / "before.lbdb")
    with LadybugStore(before) as store:
        store.write_document(make_doc("plan-a"))
        store.write_document(make_doc("plan-b"))
        store.replace_derived(derived_writes("first"))
    expected = {"before": snapshot(before)}
    for name, work in (("write", lambda s: s.write_document(make_doc("plan-a", digest="h2", tasks=5))),
                       ("derive", lambda s: s.replace_derived(derived_writes("second")))):
        path = str(folder / f"{name}.lbdb")
        _copy(before, path)
        with LadybugStore(path) as store:
            work(store)
        expected[name] = snapshot(path)
    assert expected["write"] != expected["before"] and expected["derive"] != expected["before"]
    return before, expected


def _copy(source: str, target: str) -> None:
    for suffix in ("", ".wal"):
        if Path(source + suffix).exists():
            Path(target + suffix).write_bytes(Path(source + suffix).read_bytes())


def _crash(db: str, crash_at: int, work: str) -> None:
    code = CHILD.format(root=str(ROOT), crash_at=crash_at, db=db, work=work)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stdout, done.stderr[-1500:])
    assert "finished" not in done.stdout


@pytest.mark.parametrize("crash_at", WRITE_CRASH_POINTS)
def test_kill_during_a_documents_write_leaves_the_previous_version(states, tmp_path, crash_at):
    before, expected = states
    db = str(tmp_path / "g.lbdb")
    _copy(before, db)
    _crash(db, crash_at, WRITE)
    assert snapshot(db) == expected["before"]
    with LadybugStore(db) as store:              # the writer's lock went with the process
        store.write_document(make_doc("plan-a", digest="h2", tasks=5))
    assert snapshot(db) == expected["write"]


@pytest.mark.parametrize("crash_at", DERIVE_CRASH_POINTS)
def test_kill_during_derivation_leaves_the_previous_links(states, tmp_path, crash_at):
    before, expected = states
    db = str(tmp_path / "g.lbdb")
    _copy(before, db)
    _crash(db, crash_at, DERIVE)
    assert snapshot(db) == expected["before"]
    with LadybugStore(db) as store:
        assert store.derived_layer_complete()
        store.replace_derived(derived_writes("second"))
    assert snapshot(db) == expected["derive"]


@pytest.mark.parametrize("crash_at", DERIVE_LATER_CRASH_POINTS)
def test_kill_after_a_derivations_first_commit_leaves_the_layer_marked_incomplete(states, tmp_path, crash_at):
    """Past its first transaction a derivation has dropped the old links: the documents are as they were,
    the layer says it is not whole, and deriving again gives the graph of a run that never crashed."""
    before, expected = states
    db = str(tmp_path / "g.lbdb")
    _copy(before, db)
    _crash(db, crash_at, DERIVE)
    after = snapshot(db)
    assert after["documents"] == expected["before"]["documents"]
    assert after["counts"]["Target"] == expected["before"]["counts"]["Target"]
    with LadybugStore(db) as store:
        assert not store.derived_layer_complete()
        store.replace_derived(derived_writes("second"))
        assert store.derived_layer_complete()
    assert snapshot(db) == expected["derive"]
