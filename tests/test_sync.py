"""LadybugDB → Neo4j over Bolt (tests/neo4j_server, or NEO4J_URI): same graph afterwards; a second run changes nothing."""
from __future__ import annotations

from collections import Counter

import pytest

from policykg.graph.ladybug_store import LadybugStore
from policykg.graph.sync import read_document_graph, sync_to
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord, document_links


def plan(source, digest="h1", region="金山区", tasks=3, extra_department=False):
    doc_id = f"{source}@{digest}"
    nodes = [
        NodeRecord("Document", {"id": doc_id, "source": source, "fingerprint": digest, "title": f"{source} 工作要点",
                                "year": 2025, "is_notice": False, "warnings": ["w"], "text": "一、总体\n正文"}),
        NodeRecord("Section", {"id": f"{doc_id}/一", "doc_id": doc_id, "path": "一", "level": 1, "title": "总体", "start_offset": 0, "end_offset": 9}),
        NodeRecord("Region", {"id": region, "name": region, "level": "district"}),
        NodeRecord("Department", {"id": f"{region}:民政局", "name": "民政局", "region": region, "kind": "bureau"}),
        NodeRecord("Department", {"id": f"{region}:养老服务科", "name": "养老服务科", "region": region, "kind": "section"}),
        NodeRecord("Indicator", {"id": "养老床位", "name": "养老床位", "unit_family": "count"}),
    ]
    edges = [
        EdgeRecord("HAS_SECTION", "Document", doc_id, "Section", f"{doc_id}/一", {"ordinal": 0}),
        EdgeRecord("IN_REGION", "Document", doc_id, "Region", region),
        # shared → shared: belong to no document
        EdgeRecord("PART_OF", "Department", f"{region}:养老服务科", "Department", f"{region}:民政局"),
        EdgeRecord("IN_REGION", "Department", f"{region}:民政局", "Region", region),
    ]
    for i in range(tasks):
        tid = f"{doc_id}/一/{i}"
        nodes.append(NodeRecord("Task", {"id": tid, "doc_id": doc_id, "path": f"一/{i}", "ordinal": i, "text": f"任务{i}\n“引号”"}))
        nodes.append(NodeRecord("Target", {"id": f"{tid}#1", "doc_id": doc_id, "task_id": tid, "value": 100.0 + i, "unit": "张",
                                           "indicator": "养老床位", "year": 2025, "region": region}))
        edges += [
            EdgeRecord("HAS_TASK", "Section", f"{doc_id}/一", "Task", tid, {"ordinal": i}),
            EdgeRecord("HAS_TARGET", "Task", tid, "Target", f"{tid}#1"),
            EdgeRecord("MEASURES", "Target", f"{tid}#1", "Indicator", "养老床位"),
            EdgeRecord("OWNED_BY", "Task", tid, "Department", f"{region}:养老服务科", {"role": "lead", "inferred": i == 1}),
        ]
    if extra_department:
        nodes.append(NodeRecord("Department", {"id": f"{region}:老龄办", "name": "老龄办", "region": region}))
        edges.append(EdgeRecord("MENTIONS", "Task", f"{doc_id}/一/0", "Department", f"{region}:老龄办", {"written": "区老龄办"}))
    return DocumentGraph(source, doc_id, digest, nodes, edges + document_links(doc_id, nodes))


def derive(store, status="new"):
    a, b = "jinshan-2025@h1/一/0#1", "shanghai-2025@h1/一/0#1"
    store.replace_derived([
        NodeRecord("Target", {"id": a, "status": status}),
        EdgeRecord("ALIGNS_WITH", "Target", a, "Target", b, {"share": 0.5, "basis": "养老床位", "flagged": False}),
        EdgeRecord("IMPLEMENTS", "Document", "jinshan-2025@h1", "Document", "shanghai-2025@h1", {"coverage": 1.0, "year_gap": 0}),
    ])


def snapshot(store):
    """Every node with its properties and every relationship (multiset), by schema."""
    schema = store.schema
    nodes = {}
    for label, spec in schema.nodes.items():
        cols = ", ".join(f"n.{p}" for p in spec.properties)
        for row in store.query(f"MATCH (n:{label}) RETURN {cols}").rows:
            nodes[(label, row[list(spec.properties).index(spec.key)])] = tuple(tuple(v) if isinstance(v, list) else v for v in row)
    edges = Counter()
    for rel, spec in schema.relationships.items():
        for a, b in spec.endpoints:
            cols = ", ".join(["a.id", "b.id"] + [f"r.{p}" for p in spec.properties])
            for row in store.query(f"MATCH (a:{a})-[r:{rel}]->(b:{b}) WITH a, b, r RETURN {cols}").rows:
                edges[(rel, a, b) + tuple(tuple(v) if isinstance(v, list) else v for v in row)] += 1
    return nodes, edges


@pytest.fixture
def source(tmp_path):
    store = LadybugStore(str(tmp_path / "source.lbdb"))
    store.write_document(plan("jinshan-2025", extra_department=True))
    store.write_document(plan("shanghai-2025", region="上海市"))
    store.write_document(plan("jingan-2025", region="静安区", tasks=2))
    derive(store)
    yield store
    store.close()


def test_read_document_graph_round_trips(source):
    graph = read_document_graph(source, "jinshan-2025@h1")
    original = plan("jinshan-2025", extra_department=True)
    assert graph.source == "jinshan-2025" and graph.fingerprint == "h1"
    # 民政局 is reached only through PART_OF (shared → shared): it travels with the document, as the loader builds it
    assert Counter(n.label for n in graph.nodes) == Counter(n.label for n in original.nodes)
    assert sorted(e.type for e in graph.edges) == sorted(e.type for e in original.edges)


def test_rewriting_documents_never_duplicates_shared_edges(source):
    source.write_document(plan("jinshan-2025", digest="h2", extra_department=True))
    source.write_document(plan("jinshan-2025", digest="h3"))
    part_of = source.query("MATCH (a:Department)-[r:PART_OF]->(b:Department) RETURN a.id, b.id, count(r)").rows
    assert sorted(part_of) == [["上海市:养老服务科", "上海市:民政局", 1], ["金山区:养老服务科", "金山区:民政局", 1],
                               ["静安区:养老服务科", "静安区:民政局", 1]]
    # 老龄办 was only mentioned by the replaced version: nothing keeps it any more
    assert source.query("MATCH (d:Department {id: '金山区:老龄办'}) RETURN count(d)").rows == [[0]]


def test_sync_to_bolt_equal_and_idempotent(source, bolt_store):
    seen = []
    report = sync_to(source, bolt_store, progress=lambda *a: seen.append(a))
    assert report["added"] == 3 and report["unchanged"] == 0 and report["derived"] == "replaced"
    assert seen == [(1, 3, "jingan-2025", "added"), (2, 3, "jinshan-2025", "added"), (3, 3, "shanghai-2025", "added")]
    assert bolt_store.counts() == source.counts()
    assert snapshot(bolt_store) == snapshot(source)

    before = snapshot(bolt_store)
    again = sync_to(source, bolt_store)
    assert again == {"documents": 3, "added": 0, "replaced": 0, "unchanged": 3, "deleted": [],
                     "node_updates": 0, "derived_edges": 2, "derived": "unchanged"}
    assert snapshot(bolt_store) == before

    # the source moves on: one plan reloaded, one removed, derivations redone
    source.write_document(plan("jinshan-2025", digest="h2", tasks=4))
    source.delete_document("jingan-2025")
    source.replace_derived([NodeRecord("Target", {"id": "shanghai-2025@h1/一/1#1", "status": "raised"}),
                            EdgeRecord("SUCCEEDS", "Document", "jinshan-2025@h2", "Document", "shanghai-2025@h1", {"year_gap": 1})])
    third = sync_to(source, bolt_store)
    assert (third["replaced"], third["unchanged"], third["deleted"], third["derived"]) == (1, 1, ["jingan-2025"], "replaced")
    assert bolt_store.counts() == source.counts()
    assert snapshot(bolt_store) == snapshot(source)
    assert sync_to(source, bolt_store)["derived"] == "unchanged"


def test_sync_between_two_ladybug_graphs(source, tmp_path):
    with LadybugStore(str(tmp_path / "copy.lbdb")) as target:
        sync_to(source, target)
        assert snapshot(target) == snapshot(source)
        assert sync_to(source, target)["unchanged"] == 3
