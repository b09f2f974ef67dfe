"""LadybugDB on disk: atomic per-document replacement, idempotence, locks, read-only."""
import multiprocessing
import os

import pytest

from policykg.graph.errors import QueryError, ReadOnlyViolation, StoreError, StoreLocked, StoreMissing
from policykg.graph.ladybug_store import LadybugStore
from policykg.loaders.records import DOCUMENT_LINKS, DocumentGraph, EdgeRecord, NodeRecord, document_links
from policykg.queries import run_query
from tests.test_derive_builders import city_2024, district, load


def make_doc(source="plan-a", digest="h1", tasks=2, department="金山区:局养老服务科"):
    doc_id = f"{source}@{digest}"
    nodes = [NodeRecord("Document", {"id": doc_id, "source": source, "fingerprint": digest, "title": "T", "year": 2025, "warnings": ["w"], "is_notice": False})]
    edges = []
    for i in range(tasks):
        tid = f"{doc_id}/t:{i}"
        nodes.append(NodeRecord("Task", {"id": tid, "doc_id": doc_id, "path": str(i), "text": f"任务{i}\n第二行", "start_offset": i, "end_offset": i + 1}))
        nodes.append(NodeRecord("Target", {"id": f"{tid}#1", "doc_id": doc_id, "value": 600, "unit": "张", "indicator": "养老床位"}))
        edges.append(EdgeRecord("HAS_TASK", "Document", doc_id, "Task", tid, {"ordinal": i}))
        edges.append(EdgeRecord("HAS_TARGET", "Task", tid, "Target", f"{tid}#1"))
        edges.append(EdgeRecord("OWNED_BY", "Task", tid, "Department", department, {"inferred": False, "written": "局养老服务科"}))
    nodes.append(NodeRecord("Department", {"id": department, "name": department.split(":")[1], "generic": False}))
    return DocumentGraph(source, doc_id, digest, nodes, edges + document_links(doc_id, nodes))


@pytest.fixture
def store(tmp_path):
    s = LadybugStore(str(tmp_path / "g.lbdb"))
    yield s
    s.close()


def nonzero(counts):
    return {k: v for k, v in counts.items() if v}


def test_write_then_rewrite_is_unchanged(store):
    assert store.write_document(make_doc()).status == "added"
    before = nonzero(store.counts())
    assert store.write_document(make_doc()).status == "unchanged"
    assert nonzero(store.counts()) == before
    assert before == {"Document": 1, "Task": 2, "Target": 2, "Department": 1, "HAS_TASK": 2, "HAS_TARGET": 2, "OWNED_BY": 2,
                      "TASK_OF": 2, "TARGET_OF": 2}


def test_changed_document_replaces_only_its_subgraph(store):
    store.write_document(make_doc("plan-a"))
    store.write_document(make_doc("plan-b", department="静安区:局养老服务科"))
    result = store.write_document(make_doc("plan-a", digest="h2", tasks=3))
    assert result.status == "replaced"
    rows = store.query("MATCH (t:Task) RETURN t.doc_id AS d, count(t) AS n ORDER BY d").rows
    assert rows == [["plan-a@h2", 3], ["plan-b@h1", 2]]
    assert store.query("MATCH (d:Document) RETURN count(d)").rows == [[2]]


def test_failed_write_rolls_back(store):
    store.write_document(make_doc("plan-a"))
    broken = make_doc("plan-a", digest="h2", tasks=3)
    broken.edges.append(EdgeRecord("HAS_TASK", "Document", broken.doc_id, "Task", "x", {"ordinal": 1}))
    broken.nodes.append(NodeRecord("Task", {"id": f"{broken.doc_id}/t:0", "doc_id": broken.doc_id}))  # duplicate key
    with pytest.raises(QueryError):
        store.write_document(broken)
    rows = store.query("MATCH (t:Task) RETURN t.doc_id, count(t)").rows
    assert rows == [["plan-a@h1", 2]]


def test_delete_document_removes_orphan_shared_nodes(store):
    store.write_document(make_doc("plan-a"))
    assert store.delete_document("plan-a") is True
    assert nonzero(store.counts()) == {}
    assert store.delete_document("plan-a") is False


def test_query_returns_plain_values(store):
    store.write_document(make_doc())
    row = store.query("MATCH (t:Task)-[o:OWNED_BY]->(d:Department) RETURN t, o, d.name ORDER BY t.path LIMIT 1").rows[0]
    assert row[0]["_label"] == "Task" and row[0]["text"] == "任务0\n第二行"
    assert row[1]["_type"] == "OWNED_BY" and row[1]["written"] == "局养老服务科"
    assert row[2] == "局养老服务科"


def test_parameters_are_never_interpolated(store):
    store.write_document(make_doc())
    hostile = "x' OR 1=1 //"
    assert store.query("MATCH (d:Document) WHERE d.source = $s RETURN d.id", {"s": hostile}).rows == []


def test_syntax_error_is_a_query_error(store):
    with pytest.raises(QueryError, match="Parser exception"):
        store.query("MATC (n) RETURN n")


def test_read_only_refuses_writes(tmp_path):
    path = str(tmp_path / "g.lbdb")
    with LadybugStore(path) as s:
        s.write_document(make_doc())
    with LadybugStore(path, read_only=True) as ro:
        with pytest.raises(ReadOnlyViolation):
            ro.query("CREATE (d:Document {id: 'x'})")
        assert ro.query("MATCH (d:Document) RETURN count(d)").rows == [[1]]


def test_read_only_on_missing_graph_says_load_first(tmp_path):
    with pytest.raises(StoreMissing, match="policykg load"):
        LadybugStore(str(tmp_path / "none.lbdb"), read_only=True)


def _hold(path, ready, release):
    s = LadybugStore(path)
    ready.set()
    release.wait(20)
    s.close()


def test_second_process_gets_a_clear_lock_error(tmp_path):
    path = str(tmp_path / "g.lbdb")
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(path, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(StoreLocked, match="in use by another"):
            LadybugStore(path)
        with pytest.raises(StoreLocked):
            LadybugStore(path, read_only=True)
    finally:
        release.set()
        holder.join(30)
    with LadybugStore(path) as s:   # free again
        assert s.counts()["Document"] == 0


def test_replace_derived_swaps_edges_and_updates_nodes(store):
    store.write_document(make_doc("plan-a"))
    store.write_document(make_doc("plan-b"))
    a, b = "plan-a@h1/t:0#1", "plan-b@h1/t:0#1"
    store.replace_derived([NodeRecord("Target", {"id": a, "status": "new"}),
                           EdgeRecord("ALIGNS_WITH", "Target", a, "Target", b, {"share": 1.0, "basis": "养老床位"})])
    store.replace_derived([EdgeRecord("ALIGNS_WITH", "Target", b, "Target", a, {"share": 1.0})])
    rows = store.query("MATCH (x:Target)-[r:ALIGNS_WITH]->(y:Target) RETURN x.id, y.id").rows
    assert rows == [[b, a]]
    assert store.query("MATCH (t:Target {id: $i}) RETURN t.status", {"i": a}).rows == [["new"]]


def test_paths_come_back_as_nodes_and_relationships(store):
    store.write_document(make_doc())
    path = store.query("MATCH p = (d:Document)-[:HAS_TASK]->(t:Task) RETURN p ORDER BY t.path LIMIT 1").rows[0][0]
    assert [n["_label"] for n in path["nodes"]] == ["Document", "Task"]
    assert [r["_type"] for r in path["relationships"]] == ["HAS_TASK"]


def test_shared_edges_are_not_duplicated_and_orphans_go(store):
    doc = make_doc("plan-a")
    doc.nodes.append(NodeRecord("Department", {"id": "金山区:金山区民政局", "name": "金山区民政局"}))
    doc.edges.append(EdgeRecord("PART_OF", "Department", "金山区:局养老服务科", "Department", "金山区:金山区民政局"))
    store.write_document(doc)
    doc2 = make_doc("plan-a", digest="h2")
    doc2.nodes, doc2.edges = doc2.nodes + doc.nodes[-1:], doc2.edges + doc.edges[-1:]
    store.write_document(doc2)
    assert store.query("MATCH ()-[r:PART_OF]->() RETURN count(r)").rows == [[1]]
    store.delete_document("plan-a")
    assert store.query("MATCH (d:Department) RETURN count(d)").rows == [[0]]


def test_node_updates_are_checked_against_the_schema(store):
    store.write_document(make_doc())
    with pytest.raises(ValueError, match="not in the schema"):
        store.replace_derived([NodeRecord("Target", {"id": "plan-a@h1/t:0#1", "colour": "red"})])
    with pytest.raises(ValueError, match="only derived labels"):
        store.replace_derived([], nodes=[NodeRecord("Task", {"id": "x"})])


def test_a_graph_made_before_a_property_existed_gains_it_on_open(tmp_path):
    import ladybug

    path = str(tmp_path / "old.lbdb")
    db = ladybug.Database(path)
    conn = ladybug.Connection(db)
    # The Document table as an earlier version made it: no `url`, no `kind`.
    conn.execute("CREATE NODE TABLE Document(id STRING, source STRING, title STRING, PRIMARY KEY(id))")
    conn.execute("CREATE (:Document {id: 'old@1', source: 'old', title: '旧计划'})")
    conn.close()
    db.close()
    with LadybugStore(path) as s:
        s.write_document(make_doc())
        rows = s.query("MATCH (d:Document) RETURN d.source, d.title, d.url, d.kind ORDER BY d.source").rows
    assert rows[0] == ["old", "旧计划", None, None]
    assert rows[1][0] == "plan-a"


def _written_before_document_links(path: str) -> None:
    """A graph as a policykg before the document links wrote it: a district and its city, no link tables."""
    with LadybugStore(path) as s:
        load(s, city_2024(), district("jingan-2024", "静安区", 2024, {"养老床位": (600, "张", "养老床位")}))
        for rel in DOCUMENT_LINKS.values():
            s.query(f"MATCH ()-[r:{rel}]->() DELETE r")
            s.query(f"DROP TABLE {rel}")


def test_a_graph_written_before_document_links_is_refused_read_only(tmp_path):
    path = str(tmp_path / "old.lbdb")
    _written_before_document_links(path)
    with pytest.raises(StoreError, match="written by an earlier policykg: run `policykg derive --all` once"):
        LadybugStore(path, read_only=True)
    with LadybugStore(path) as s:           # the refusal released the graph
        assert s.unlinked_labels() == []


def test_a_graph_written_before_document_links_gains_them_on_open(tmp_path):
    path = str(tmp_path / "old.lbdb")
    _written_before_document_links(path)
    with LadybugStore(path) as s:
        for label, rel in DOCUMENT_LINKS.items():
            assert s.query(f"MATCH (n:{label})-[:{rel}]->(d:Document) WHERE d.id = n.doc_id RETURN count(*)").rows == \
                s.query(f"MATCH (n:{label}) RETURN count(*)").rows != [[0]]
    with LadybugStore(path, read_only=True) as s:
        rows = run_query(s, "alignment", {"district": "jingan-2024"}).records()
    assert [(r["district_value"], r["city_value"]) for r in rows] == [(600.0, 4000.0)]
