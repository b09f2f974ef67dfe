"""`GraphStore.write_documents`: a batch leaves exactly the graph that writing its documents one by one
leaves (LadybugDB's COPY path, Neo4j's batched UNWIND), a failure leaves each document wholly old or
wholly new, and the orphan sweep of a write looks only at the shared nodes it touched."""
from __future__ import annotations

from pathlib import Path

import ladybug
import pytest

from policykg.graph import neo4j_store, statements
from policykg.graph.errors import QueryError
from policykg.graph.exports import run_export
from policykg.graph.ladybug_store import LadybugStore
from policykg.graph.schema import load_schema
from policykg.loaders.build import build_records
from policykg.loaders.pipeline import fingerprint, parse_document
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord, document_links
from tests.cypher_lint import problems

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seed_graphs() -> list[DocumentGraph]:
    out = []
    for path in SEEDS:
        parsed = parse_document(str(path))
        out.append(build_records(parsed, fingerprint(parsed.source.text, None), "2025-01-01T00:00:00"))
    return out


def changed(graph: DocumentGraph, digest: str = "v2") -> DocumentGraph:
    """The same plan with another version: new id and fingerprint, one task fewer."""
    new_id = f"{graph.source}@{digest}"

    def swap(value):
        return value.replace(graph.doc_id, new_id) if isinstance(value, str) else value

    dropped = next(n.props["id"] for n in graph.nodes if n.label == "Task")
    nodes = [NodeRecord(n.label, {k: swap(v) for k, v in n.props.items()}) for n in graph.nodes
             if n.props.get("id") != dropped]
    for node in nodes:
        if node.label == "Document":
            node.props["fingerprint"] = digest
    edges = [EdgeRecord(e.type, e.from_label, swap(e.from_id), e.to_label, swap(e.to_id), dict(e.props))
             for e in graph.edges if dropped not in (e.from_id, e.to_id)]
    return DocumentGraph(graph.source, new_id, digest, nodes, edges)


def dump(store) -> dict:
    """Every node and relationship with every property, sorted: two graphs are equal when their dumps are."""
    schema = load_schema()
    out = {}
    for label in schema.nodes:
        out[label] = sorted(map(repr, store.query(statements.read_nodes(schema, label)).rows))
    for rel, spec in schema.relationships.items():
        for a, b in spec.endpoints:
            out[f"{rel}:{a}-{b}"] = sorted(map(repr, store.query(statements.read_edges(schema, rel, a, b)).rows))
    return out


def exports(store) -> dict:
    return {name: run_export(store, name) for name in load_schema().exports}


def one_by_one(store, graphs):
    return [store.write_document(g) for g in graphs]


# -- documents with shared nodes nothing keeps -------------------------------------------------------

def tiny(source: str, *, program_kind: str, keep_program: bool, orphan_department: bool = False) -> DocumentGraph:
    doc_id = f"{source}@1"
    tid = f"{doc_id}/t:1"
    nodes = [NodeRecord("Document", {"id": doc_id, "source": source, "fingerprint": "1", "region": "金山区"}),
             NodeRecord("Region", {"id": "金山区", "name": "金山区", "level": "district"}),
             NodeRecord("Task", {"id": tid, "doc_id": doc_id, "text": "任务"}),
             NodeRecord("Program", {"id": "老伙伴计划", "name": "老伙伴计划", "kind": program_kind})]
    edges = [EdgeRecord("IN_REGION", "Document", doc_id, "Region", "金山区"),
             EdgeRecord("HAS_TASK", "Document", doc_id, "Task", tid, {"ordinal": 1})]
    if keep_program:
        edges.append(EdgeRecord("RUNS_PROGRAM", "Task", tid, "Program", "老伙伴计划", {"written": "老伙伴计划"}))
    if orphan_department:   # a section, its bureau and their region, none of them owning or mentioned
        nodes += [NodeRecord("Department", {"id": "奉贤区:科", "name": "科", "region": "奉贤区"}),
                  NodeRecord("Department", {"id": "奉贤区:局", "name": "局", "region": "奉贤区", "kind": "bureau"}),
                  NodeRecord("Region", {"id": "奉贤区", "name": "奉贤区"})]
        edges += [EdgeRecord("PART_OF", "Department", "奉贤区:科", "Department", "奉贤区:局"),
                  EdgeRecord("IN_REGION", "Department", "奉贤区:科", "Region", "奉贤区"),
                  EdgeRecord("IN_REGION", "Department", "奉贤区:局", "Region", "奉贤区")]
    edges.append(EdgeRecord("HAS_TASK", "Document", doc_id, "Task", "nowhere", {"ordinal": 2}))   # an end that does not exist
    return DocumentGraph(source, doc_id, "1", nodes, edges + document_links(doc_id, nodes))


def unkept_then_kept() -> list[DocumentGraph]:
    return [tiny("a", program_kind="first", keep_program=False, orphan_department=True),
            tiny("b", program_kind="second", keep_program=True),
            tiny("c", program_kind="third", keep_program=True, orphan_department=True)]


# -- LadybugDB ------------------------------------------------------------------------------------------

@pytest.fixture
def open_store(tmp_path):
    opened = []

    def make(name: str) -> LadybugStore:
        opened.append(LadybugStore(str(tmp_path / f"{name}.lbdb")))
        return opened[-1]

    yield make
    for s in opened:
        s.close()


def test_a_first_load_batch_equals_one_by_one(open_store, seed_graphs):
    batch, single = open_store("batch"), open_store("single")
    results = batch.write_documents(seed_graphs)
    assert [(r.source, r.status, r.nodes, r.edges) for r in results] == \
           [(r.source, r.status, r.nodes, r.edges) for r in one_by_one(single, seed_graphs)]
    assert batch.counts() == single.counts() and sum(batch.counts().values()) > 1000
    assert dump(batch) == dump(single)
    assert exports(batch) == exports(single)


def test_a_mixed_batch_equals_one_by_one(open_store, seed_graphs):
    """Replacements, unchanged documents, a source twice and new documents, in one batch."""
    first, rest = seed_graphs[:2], seed_graphs[2:]
    batch_input = [changed(first[0]), *rest[:2], first[1], rest[2], changed(rest[2], "v3")]
    batch, single = open_store("batch"), open_store("single")
    for s in (batch, single):
        one_by_one(s, first)
    statuses = [r.status for r in batch.write_documents(batch_input)]
    assert statuses == [r.status for r in one_by_one(single, batch_input)]
    assert statuses == ["replaced", "added", "added", "unchanged", "added", "replaced"]
    assert dump(batch) == dump(single)
    assert exports(batch) == exports(single)


def test_shared_nodes_nothing_keeps_are_not_created_and_the_first_keeper_names_them(open_store):
    batch, single = open_store("batch"), open_store("single")
    batch.write_documents(unkept_then_kept())
    one_by_one(single, unkept_then_kept())
    assert dump(batch) == dump(single)
    assert batch.query("MATCH (p:Program) RETURN p.kind").rows == [["second"]]
    assert batch.query("MATCH (d:Department) RETURN count(d)").rows == [[0]]
    assert batch.query("MATCH (r:Region) RETURN r.id").rows == [["金山区"]]


def test_a_batch_on_top_of_a_graph_merges_the_stored_shared_nodes(open_store, seed_graphs):
    batch, single = open_store("batch"), open_store("single")
    for s in (batch, single):
        one_by_one(s, seed_graphs[:3])
    batch.write_documents(seed_graphs[3:])
    one_by_one(single, seed_graphs[3:])
    assert dump(batch) == dump(single)
    shared = batch.query("MATCH (d:Department) RETURN d.id, count(*) AS n ORDER BY n DESC LIMIT 1").rows
    assert shared[0][1] == 1


def test_a_graph_that_gained_properties_later_is_copied_into_the_right_columns(tmp_path, open_store, seed_graphs):
    """COPY fills columns by position: a table made by an earlier version, whose later properties were added
    at its end (ALTER TABLE ADD on open), takes the batch's values in its own column order."""
    old = ladybug.Database(str(tmp_path / "old.lbdb"))
    conn = ladybug.Connection(old)
    conn.execute("CREATE NODE TABLE Document(id STRING, title STRING, year INT64, source STRING, PRIMARY KEY(id))")
    conn.execute("CREATE NODE TABLE Region(id STRING, level STRING, PRIMARY KEY(id))")
    conn.close()
    old.close()
    upgraded = LadybugStore(str(tmp_path / "old.lbdb"))
    try:
        upgraded.write_documents(seed_graphs)
        reference = open_store("reference")
        one_by_one(reference, seed_graphs)
        assert dump(upgraded) == dump(reference)
    finally:
        upgraded.close()


def test_a_failed_copy_leaves_the_batch_unwritten_and_the_store_usable(open_store, seed_graphs, monkeypatch):
    store, reference = open_store("batch"), open_store("reference")
    for s in (store, reference):
        one_by_one(s, seed_graphs[:1])
    before = dump(store)
    copies = []
    real_copy = LadybugStore._copy

    def failing_copy(self, statement, table, path):
        copies.append(statement(path))
        if len(copies) == 12:     # past every node table, into the relationships
            raise QueryError("injected failure")
        real_copy(self, statement, table, path)

    monkeypatch.setattr(LadybugStore, "_copy", failing_copy)
    with pytest.raises(QueryError, match="injected"):
        store.write_documents(seed_graphs[1:])
    assert any(c.startswith("COPY HAS_") for c in copies)
    assert dump(store) == before
    monkeypatch.setattr(LadybugStore, "_copy", real_copy)
    assert [r.status for r in store.write_documents(seed_graphs[1:])] == ["added"] * (len(seed_graphs) - 1)
    one_by_one(reference, seed_graphs[1:])
    assert dump(store) == dump(reference)


def test_a_duplicate_key_in_one_document_fails_the_whole_run_of_first_loads(open_store, seed_graphs):
    store = open_store("batch")
    broken = changed(seed_graphs[1], "broken")
    task = next(n for n in broken.nodes if n.label == "Task")
    broken.nodes.append(NodeRecord("Task", dict(task.props)))
    with pytest.raises(QueryError, match="duplicated primary key"):
        store.write_documents([seed_graphs[0], broken, seed_graphs[2]])
    assert store.query("MATCH (n) RETURN count(n)").rows == [[0]]


def test_a_failure_among_replacements_leaves_each_document_old_or_new(open_store, seed_graphs, monkeypatch):
    store = open_store("batch")
    one_by_one(store, seed_graphs)
    new = [changed(g) for g in seed_graphs]
    writes = []
    real = LadybugStore.write_document

    def failing(self, graph):
        writes.append(graph.source)
        if len(writes) == 3:
            raise QueryError("injected failure")
        return real(self, graph)

    monkeypatch.setattr(LadybugStore, "write_document", failing)
    with pytest.raises(QueryError):
        store.write_documents(new)
    stored = dict(store.query("MATCH (d:Document) RETURN d.source, d.id").rows)
    assert [stored[g.source] for g in seed_graphs] == [n.doc_id for n in new[:2]] + [g.doc_id for g in seed_graphs[2:]]
    for graph in new[:2] + seed_graphs[2:]:
        tasks = store.query("MATCH (t:Task) WHERE t.doc_id = $d RETURN count(t)", {"d": graph.doc_id}).rows[0][0]
        assert tasks == graph.count("Task")


def test_the_orphan_sweep_looks_only_at_the_shared_nodes_a_write_touched(open_store, seed_graphs):
    """A shared node no document refers to (left by hand) survives a write that does not touch it, and the
    candidates of a replacement are the shared nodes of its old and new versions and their bureaus and regions."""
    store = open_store("g")
    one_by_one(store, seed_graphs[:2])
    store.query("CREATE (:Program {id: '孤儿计划', name: '孤儿计划'})")
    store.write_document(changed(seed_graphs[0]))
    store.delete_document(seed_graphs[1].source)
    assert store.query("MATCH (p:Program) WHERE p.id = '孤儿计划' RETURN count(p)").rows == [[1]]
    stored = changed(seed_graphs[0])
    candidates = store.orphan_candidates(lambda c, p: store.query(c, p).rows, [stored.doc_id])
    schema = load_schema()
    named = {(n.label, n.key) for n in stored.nodes if schema.node(n.label).shared
             and store.query(statements.stored_keys(schema, n.label), {"keys": [n.key]}).rows}
    assert len(named) > 20 and named <= {(label, k) for label, keys in candidates.items() for k in keys}
    assert "孤儿计划" not in candidates.get("Program", [])
    store.delete_document(seed_graphs[0].source)
    assert store.query("MATCH (n) RETURN count(n)").rows == [[1]]   # every shared node of the plans is gone


# -- Neo4j ------------------------------------------------------------------------------------------------

def wipe(store):
    store.query("MATCH (n) DETACH DELETE n")


def test_neo4j_batches_equal_one_by_one(bolt_store, seed_graphs):
    mixed_first, mixed = seed_graphs[:2], [changed(seed_graphs[0]), *seed_graphs[2:], seed_graphs[1]]
    runs = {}
    for way in ("single", "batch"):
        wipe(bolt_store)
        write = bolt_store.write_documents if way == "batch" else (lambda gs: one_by_one(bolt_store, gs))
        statuses = [r.status for r in write(seed_graphs)]
        first_load = (statuses, bolt_store.counts(), dump(bolt_store), exports(bolt_store))
        wipe(bolt_store)
        write(unkept_then_kept())
        orphans = dump(bolt_store)
        wipe(bolt_store)
        one_by_one(bolt_store, mixed_first)
        statuses = [r.status for r in write(mixed)]
        runs[way] = (first_load, orphans, statuses, dump(bolt_store), exports(bolt_store))
    assert runs["batch"] == runs["single"]
    assert runs["batch"][0][0] == ["added"] * len(seed_graphs)
    assert runs["batch"][2] == ["replaced", "added", "added", "added", "unchanged"]


def test_neo4j_batch_failure_rolls_the_whole_run_back(bolt_store, seed_graphs, monkeypatch):
    one_by_one(bolt_store, seed_graphs[:1])
    before = dump(bolt_store)
    monkeypatch.setattr(neo4j_store, "BATCH_ROWS", 50)    # many statements in the one transaction
    sent = []

    def failing_run_parts(self, tx, parts):
        for part in parts:
            if len(sent) == 40:
                raise QueryError("injected failure")
            sent.append(part.cypher)
            tx.run(part.cypher, part.params).consume()

    monkeypatch.setattr(neo4j_store.Neo4jStore, "_run_parts", failing_run_parts)
    with pytest.raises(QueryError, match="injected"):
        bolt_store.write_documents(seed_graphs[1:])
    assert len(set(sent)) > 5
    assert dump(bolt_store) == before


@pytest.mark.npm
def test_the_batch_and_sweep_statements_are_neo4j_5_cypher():
    """Neo4j's own front end (tests/cypher_lint) accepts every statement the batch path and the bounded sweep send."""
    schema = load_schema()
    sent = [("versions", statements.DOCUMENT_VERSIONS_OF, ["sources"])]
    sent += [(f"keys-{label}", statements.stored_keys(schema, label), ["keys"]) for label in schema.nodes]
    sent += [(f"edges-{rel}-{a}-{b}", statements.stored_edges(schema, rel, a, b), ["keys"])
             for rel, spec in schema.relationships.items() for a, b in spec.endpoints]
    sent += [(f"touched-{i}", stmt, ["old"]) for i, (_, stmt) in enumerate(statements.shared_touched(schema))]
    sent += [(f"neighbours-{i}", stmt, ["keys"]) for i, (_, _, stmt) in enumerate(statements.shared_neighbours(schema))]
    sent += [(f"sweep-{label}", stmt, ["keys"]) for label, stmt in dict(statements.orphan_deletes(schema)).items()]
    assert len(sent) > 30
    assert problems(sent) == []
