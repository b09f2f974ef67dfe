"""The Neo4j backend against a real Neo4j 5 (tests/neo4j_server from Maven Central, or NEO4J_URI).

Every semantic test runs the same DocumentGraphs through a LadybugStore and the
Neo4jStore and expects the same statuses, counts and values.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest

from policykg.graph.config import neo4j_settings, safe_uri
from policykg.graph.errors import QueryError, ReadOnlyViolation, StoreError, StoreUnavailable
from policykg.graph.ladybug_store import LadybugStore
from policykg.graph.neo4j_store import Neo4jStore
from policykg.loaders.records import DOCUMENT_LINKS, DocumentGraph, EdgeRecord, NodeRecord, document_links
from tests.conftest_bolt import open_bolt_store

SECRET = "s3cret-Pa55word"


def make_doc(source="plan-a", digest="h1", tasks=2, department="金山区:局养老服务科", text_size=0):
    doc_id = f"{source}@{digest}"
    nodes = [NodeRecord("Document", {
        "id": doc_id, "source": source, "fingerprint": digest, "title": "T", "year": 2025, "warnings": ["w1", "w;2"],
        "is_notice": False, "text": "全文\n" + "正文" * text_size,
    })]
    edges = []
    for i in range(tasks):
        tid = f"{doc_id}/t:{i}"
        nodes.append(NodeRecord("Task", {
            "id": tid, "doc_id": doc_id, "path": str(i), "text": f"任务{i}\n第二行 \"引号\" 'x' \\ 反斜杠" + "字" * text_size,
            "start_offset": i, "end_offset": i + 1,
        }))
        nodes.append(NodeRecord("Target", {"id": f"{tid}#1", "doc_id": doc_id, "value": 600, "value_max": 1.5, "unit": "张",
                                           "indicator": "养老床位", "conflict": i % 2 == 0}))
        edges.append(EdgeRecord("HAS_TASK", "Document", doc_id, "Task", tid, {"ordinal": i}))
        edges.append(EdgeRecord("HAS_TARGET", "Task", tid, "Target", f"{tid}#1"))
        edges.append(EdgeRecord("OWNED_BY", "Task", tid, "Department", department, {"inferred": False, "written": "局养老服务科"}))
    nodes.append(NodeRecord("Department", {"id": department, "name": department.split(":")[1], "generic": False}))
    nodes.append(NodeRecord("Region", {"id": department.split(":")[0], "name": department.split(":")[0]}))
    edges.append(EdgeRecord("IN_REGION", "Document", doc_id, "Region", department.split(":")[0]))
    return DocumentGraph(source, doc_id, digest, nodes, edges + document_links(doc_id, nodes))


def nonzero(counts):
    return {k: v for k, v in counts.items() if v}


@pytest.fixture
def ladybug(tmp_path):
    store = LadybugStore(str(tmp_path / "mirror.lbdb"))
    yield store
    store.close()


def both(ladybug, bolt, op):
    """Apply `op` to both stores; return both results."""
    return op(ladybug), op(bolt)


# -- semantics mirrored from LadybugStore ------------------------------------------------------------

def test_write_replace_unchanged_delete_mirror_ladybug(ladybug, bolt_store):
    steps = [
        ("write a", lambda s: s.write_document(make_doc("plan-a")).status),
        ("rewrite a", lambda s: s.write_document(make_doc("plan-a")).status),
        ("write b", lambda s: s.write_document(make_doc("plan-b", department="静安区:局养老服务科")).status),
        ("replace a", lambda s: s.write_document(make_doc("plan-a", digest="h2", tasks=3)).status),
        ("same fingerprint, other id", lambda s: s.write_document(
            DocumentGraph("plan-a", "plan-a@h3", "h2", make_doc("plan-a", digest="h3").nodes, make_doc("plan-a", digest="h3").edges)).status),
        ("delete a", lambda s: s.delete_document("plan-a")),
        ("delete a again", lambda s: s.delete_document("plan-a")),
    ]
    for name, op in steps:
        expected, got = both(ladybug, bolt_store, op)
        assert got == expected, name
        assert nonzero(bolt_store.counts()) == nonzero(ladybug.counts()), name
    assert bolt_store.delete_document("plan-b") is True
    assert nonzero(bolt_store.counts()) == {}


def test_statuses_and_counts(bolt_store):
    assert bolt_store.write_document(make_doc()).status == "added"
    before = nonzero(bolt_store.counts())
    assert bolt_store.write_document(make_doc()).status == "unchanged"
    assert nonzero(bolt_store.counts()) == before
    assert before == {"Document": 1, "Task": 2, "Target": 2, "Department": 1, "Region": 1,
                      "HAS_TASK": 2, "HAS_TARGET": 2, "OWNED_BY": 2, "IN_REGION": 1,
                      "TASK_OF": 2, "TARGET_OF": 2}
    result = bolt_store.write_document(make_doc(digest="h2", tasks=3))
    assert (result.status, result.nodes, result.edges) == ("replaced", 9, 16)
    rows = bolt_store.query("MATCH (t:Task) RETURN t.doc_id AS d, count(t) AS n ORDER BY d").rows
    assert rows == [["plan-a@h2", 3]]


def test_values_and_nodes_come_back_like_ladybug(ladybug, bolt_store):
    for store in (ladybug, bolt_store):
        store.write_document(make_doc())
    q = ("MATCH (d:Document)-[h:HAS_TASK]->(t:Task)-[:HAS_TARGET]->(g:Target) "
         "RETURN d, h, t, g, d.warnings, d.year, g.value, g.conflict, d.issuer ORDER BY t.path")
    expected, got = ladybug.query(q), bolt_store.query(q)
    assert got.columns == expected.columns
    assert got.rows == expected.rows
    doc, _, task, target = got.rows[0][:4]
    assert doc["warnings"] == ["w1", "w;2"] and doc["issuer"] is None          # missing property → None
    assert task["text"].startswith("任务0\n第二行 \"引号\" 'x' \\ 反斜杠")
    assert isinstance(target["value"], float) and target["value"] == 600.0
    assert isinstance(doc["year"], int) and doc["is_notice"] is False


def test_query_columns_without_rows(bolt_store):
    result = bolt_store.query("MATCH (d:Document) WHERE d.source = $s RETURN d.id AS id, d.title AS title", {"s": "none"})
    assert result.columns == ["id", "title"] and result.rows == []


def test_hostile_parameters_are_values_not_cypher(bolt_store):
    bolt_store.write_document(make_doc())
    for hostile in ["x' OR 1=1 //", "x\\' }] MATCH (n) DETACH DELETE n //", "'; DROP", "$s", "a\nb\r\tc \"q\" `b`"]:
        assert bolt_store.query("MATCH (d:Document) WHERE d.source = $s RETURN d.id", {"s": hostile}).rows == []
        assert bolt_store.query("RETURN $s AS s, [$s] AS l, {k: $s} AS m", {"s": hostile}).rows == [[hostile, [hostile], {"k": hostile}]]
    assert bolt_store.counts()["Document"] == 1


def test_duplicate_key_fails_and_keeps_the_previous_version(ladybug, bolt_store):
    broken = make_doc("plan-a", digest="h2", tasks=3)
    broken.nodes.append(NodeRecord("Task", {"id": f"{broken.doc_id}/t:0", "doc_id": broken.doc_id}))
    for store in (ladybug, bolt_store):
        store.write_document(make_doc("plan-a"))
        with pytest.raises(QueryError):
            store.write_document(broken)
    q = "MATCH (t:Task) RETURN t.doc_id, count(t)"
    assert bolt_store.query(q).rows == ladybug.query(q).rows == [["plan-a@h1", 2]]


def test_replace_derived_mirrors_ladybug(ladybug, bolt_store):
    a, b = "plan-a@h1/t:0#1", "plan-b@h1/t:0#1"
    for store in (ladybug, bolt_store):
        store.write_document(make_doc("plan-a"))
        store.write_document(make_doc("plan-b"))
        store.replace_derived([NodeRecord("Target", {"id": a, "status": "new"}),
                               EdgeRecord("ALIGNS_WITH", "Target", a, "Target", b, {"share": 1.0, "basis": "养老床位"})])
        store.replace_derived([EdgeRecord("ALIGNS_WITH", "Target", b, "Target", a, {"share": 1.0}),
                               EdgeRecord("SECTION_ALIGNS", "Section", "nope", "Section", "nope2", {"shared": ["x"]})])
    q = "MATCH (x:Target)-[r:ALIGNS_WITH]->(y:Target) RETURN x.id, y.id, r.share, r.basis"
    assert bolt_store.query(q).rows == ladybug.query(q).rows == [[b, a, 1.0, None]]
    q = "MATCH (t:Target) WHERE t.id = $i RETURN t.status"
    assert bolt_store.query(q, {"i": a}).rows == ladybug.query(q, {"i": a}).rows == [["new"]]
    assert nonzero(bolt_store.counts()) == nonzero(ladybug.counts())


def test_big_document(ladybug, bolt_store):
    # ~250 KB of text: one transaction of batched, parameterised statements.
    big = make_doc("big", tasks=120, text_size=400)
    for store in (ladybug, bolt_store):
        assert store.write_document(big).status == "added"
    assert nonzero(bolt_store.counts()) == nonzero(ladybug.counts())
    q = "MATCH (t:Task) WHERE t.path = '7' RETURN t.text"
    assert bolt_store.query(q).rows == ladybug.query(q).rows


def test_syntax_error_is_a_query_error(bolt_store):
    with pytest.raises(QueryError):
        bolt_store.query("MATC (n) RETURN n")


def test_a_graph_written_before_document_links_is_refused_read_only_and_upgraded_on_open(bolt_server, bolt_store):
    bolt_store.write_document(make_doc())
    for rel in DOCUMENT_LINKS.values():
        bolt_store.query(f"MATCH ()-[r:{rel}]->() DELETE r")
    with pytest.raises(StoreError, match="written by an earlier policykg: run `policykg derive --all` once"):
        open_bolt_store(bolt_server, read_only=True)
    open_bolt_store(bolt_server).close()
    store = open_bolt_store(bolt_server, read_only=True)
    try:
        linked = store.query("MATCH (n)-[r]->(d:Document) WHERE d.id = n.doc_id RETURN type(r) AS t, count(*) AS n ORDER BY t")
    finally:
        store.close()
    assert linked.rows == [["TARGET_OF", 2], ["TASK_OF", 2]]


# -- read-only -----------------------------------------------------------------------------------

@pytest.fixture
def read_only_store(bolt_server, bolt_store):
    bolt_store.write_document(make_doc())
    store = open_bolt_store(bolt_server, read_only=True)
    yield store
    store.close()


def test_read_only_refuses_writes_and_allows_reads(read_only_store, bolt_store):
    for stmt in ["CREATE (d:Document {id: 'x'})", "MATCH (d:Document) SET d.title = 'x'",
                 "MATCH (n) DETACH DELETE n", "MERGE (r:Region {id: 'x'})", "match (d:Document) remove d.title",
                 "LOAD CSV FROM 'file:///x.csv' AS row RETURN row"]:
        # (file access, procedures and administration commands: tests/test_read_only.py)
        with pytest.raises(ReadOnlyViolation, match="rerun with --write"):
            read_only_store.query(stmt)
    with pytest.raises(ReadOnlyViolation):
        read_only_store.write_document(make_doc("other"))
    assert read_only_store.query("MATCH (d:Document) RETURN count(d)").rows == [[1]]
    # the word in a string literal or a comment is not a clause
    rows = read_only_store.query("MATCH (d:Document) WHERE d.title <> 'CREATE (x)' // DELETE everything\nRETURN d.title AS t, 'MERGE' AS w").rows
    assert rows == [["T", "MERGE"]]
    assert bolt_store.counts()["Document"] == 1


# -- errors: one line, no password ----------------------------------------------------------------

def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_unreachable_server_is_one_line_without_password():
    uri = f"bolt://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as err:
        Neo4jStore.from_config(uri=uri, user="neo4j", password=SECRET, database="neo4j")
    message = str(err.value)
    assert message == f"cannot reach Neo4j at {uri}: is the server running? check NEO4J_URI"
    assert SECRET not in message and "\n" not in message
    assert err.value.__cause__ is None and err.value.__suppress_context__
    assert time.monotonic() - started < 10


def test_bad_uri_scheme():
    with pytest.raises(StoreError, match="not a Bolt URI"):
        Neo4jStore.from_config(uri="http://localhost:7474", password=SECRET)


def _server_error(code, message):
    from neo4j.exceptions import Neo4jError

    hydrate = getattr(Neo4jError, "_hydrate_neo4j", None)
    if hydrate is None:
        pytest.skip("this neo4j driver cannot build server errors")
    return hydrate(code=code, message=message)


def test_server_errors_become_one_line_hints(bolt_server):
    # Built with the driver's own exception types from a server FAILURE's code and message
    # (the real server's errors are checked end to end below).
    store = open_bolt_store(bolt_server)
    try:
        object.__setattr__(store.settings, "password", SECRET)   # frozen dataclass; only for the scrubbing check
        auth = store._translate(_server_error("Neo.ClientError.Security.Unauthorized", "The client is unauthorized due to authentication failure."))
        assert isinstance(auth, StoreUnavailable)
        assert str(auth) == f"Neo4j refused the credentials for user {store.settings.user!r}: check NEO4J_USERNAME/NEO4J_PASSWORD"
        db = store._translate(_server_error("Neo.ClientError.Database.DatabaseNotFound", "Database does not exist. Database name: 'x'."))
        assert str(db) == f"database {store.database!r} does not exist on the server: check NEO4J_DATABASE"
        echoed = store._translate(_server_error("Neo.ClientError.Statement.SyntaxError", f"Invalid input '{SECRET}'"))
        assert isinstance(echoed, QueryError) and SECRET not in str(echoed)
        assert isinstance(store._translate(_server_error("Neo.ClientError.Statement.AccessMode", "Writing in read access mode not allowed.")), ReadOnlyViolation)
    finally:
        store.close()


def test_real_neo4j_credentials_and_database_messages(bolt_server):
    with pytest.raises(StoreUnavailable, match="refused the credentials") as err:
        Neo4jStore.from_config(uri=bolt_server["uri"], user=bolt_server["user"], password=SECRET + "-wrong", database=bolt_server["database"])
    assert SECRET not in str(err.value)
    with pytest.raises(StoreUnavailable, match="does not exist on the server: check NEO4J_DATABASE"):
        Neo4jStore.from_config(uri=bolt_server["uri"], user=bolt_server["user"], password=bolt_server["password"], database="policykgnosuchdb")


def test_settings_precedence_and_no_password_in_repr(tmp_path):
    toml = tmp_path / "policykg.toml"
    toml.write_text('[neo4j]\nuri = "bolt://file-host:7687"\nusername = "fileuser"\npassword = "file-pw-123"\n', encoding="utf-8")
    env = {"NEO4J_URI": "bolt://env-host:7687", "NEO4J_PASSWORD": SECRET}
    s = neo4j_settings(env=env, paths=[toml])
    assert (s.uri, s.user, s.password, s.database) == ("bolt://env-host:7687", "fileuser", SECRET, "neo4j")
    assert s.origin["user"].endswith("[neo4j].username") and s.origin["password"] == "NEO4J_PASSWORD"
    s = neo4j_settings(uri="bolt://arg:1", database="db", env=env, paths=[toml])
    assert (s.uri, s.database) == ("bolt://arg:1", "db")
    s = neo4j_settings(env={}, paths=[tmp_path / "missing.toml"])
    assert (s.uri, s.user, s.password, s.database) == ("bolt://localhost:7687", "neo4j", "", "neo4j")
    assert SECRET not in repr(neo4j_settings(env=env, paths=[]))
    assert safe_uri("bolt://u:pw@h:7687") == "bolt://h:7687"
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[neo4j]\npassword = "{SECRET}\n', encoding="utf-8")
    with pytest.raises(StoreError) as err:
        neo4j_settings(env={}, paths=[bad])
    assert SECRET not in str(err.value)


def test_store_repr_has_no_password(bolt_server):
    store = open_bolt_store(bolt_server)
    try:
        text = repr(store) + repr(store.settings)
        assert "password=" in repr(store.settings)
        if bolt_server["password"]:
            assert bolt_server["password"] not in text
    finally:
        store.close()


# -- losing the connection or the server in the middle of a load --------------------------------------

class CuttingProxy:
    """A TCP proxy in front of the Bolt server that can drop the connection in the middle of a message."""

    def __init__(self, port: int):
        self.target = ("127.0.0.1", port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.cut_after: int | None = None    # bytes client→server after arming, then cut
        self.sent = 0
        self.refuse = False                  # drop every new connection
        self.refuse_after = False            # refuse once cut
        self.cuts = 0
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def arm(self, cut_after: int, refuse_after: bool) -> None:
        with self.lock:
            self.cut_after, self.sent, self.refuse_after = cut_after, 0, refuse_after

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refuse:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src, dst, to_server):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if to_server:
                    with self.lock:
                        if self.cut_after is not None and self.sent + len(data) > self.cut_after:
                            dst.sendall(data[: self.cut_after - self.sent])   # half a message reaches the server
                            self.cut_after = None
                            self.cuts += 1
                            self.refuse = self.refuse_after
                            self._cut_all()
                            return
                        if self.cut_after is not None:
                            self.sent += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _cut_all(self):
        for s in self.sockets:
            try:
                # shutdown() first: a bare close() leaves the connection open while the other pump thread is
                # blocked in recv() on it, and the server would keep the half-written transaction (and its locks)
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass
        self.sockets = []

    def close(self):
        self.refuse = True
        self.listener.close()
        self._cut_all()


@pytest.fixture
def proxy(bolt_server):
    port = int(bolt_server["uri"].rsplit(":", 1)[1])
    p = CuttingProxy(port)
    yield p
    p.close()


def proxied_store(bolt_server, proxy, **options):
    settings = dict(bolt_server, uri=proxy.uri)
    return open_bolt_store(settings, max_retry_time=1.0, **options)


@pytest.mark.parametrize("retry_succeeds", [False, True])
def test_connection_lost_mid_write_leaves_no_half_written_document(bolt_server, bolt_store, ladybug, proxy, retry_succeeds):
    old, new = make_doc("plan-a"), make_doc("plan-a", digest="h2", tasks=20, text_size=20)
    ladybug.write_document(old)
    store = proxied_store(bolt_server, proxy)
    try:
        store.write_document(old)
        store.write_document(make_doc("plan-b", department="静安区:局养老服务科"))
        ladybug.write_document(make_doc("plan-b", department="静安区:局养老服务科"))
        # Cut 8 KB into the writes: past the deletes of the old version and the first batches, inside the
        # ~22 KB of statements, several in one transaction.
        armed = []

        def arm_once():
            if not armed:
                armed.append(True)
                proxy.arm(8000, refuse_after=not retry_succeeds)

        store._before_write = arm_once
        if retry_succeeds:
            # the driver retries the whole transaction function on a new connection: written exactly once
            assert store.write_document(new).status == "replaced"
            ladybug.write_document(new)
        else:
            with pytest.raises(StoreUnavailable) as err:
                store.write_document(new)
            assert str(err.value) == f"cannot reach Neo4j at {proxy.uri}: is the server running? check NEO4J_URI"
        assert proxy.cuts == 1
    finally:
        store._before_write = None
        store.close()
    # checked on the server directly, not through the proxy
    assert nonzero(bolt_store.counts()) == nonzero(ladybug.counts())
    q = "MATCH (t:Task) RETURN t.doc_id, count(t) ORDER BY t.doc_id"
    assert bolt_store.query(q).rows == ladybug.query(q).rows
    assert bolt_store.query("MATCH (n) RETURN count(n)").rows == ladybug.query("MATCH (n) RETURN count(n)").rows


def test_server_killed_mid_load_leaves_the_previous_version(neo4j_factory):
    """SIGKILL the server inside the write transaction of a changed document, right before the write statements.

    The write raises StoreUnavailable (one line, no password) within the retry budget instead of hanging;
    after a restart on the same data folder Neo4j has recovered from its transaction log: the previous
    version of the document is there, whole, and the same store writes the new one."""
    server = neo4j_factory()
    store = open_bolt_store(server.settings, max_retry_time=1.0)
    old, new = make_doc("plan-a"), make_doc("plan-a", digest="h2", tasks=5)
    tasks = "MATCH (d:Document)-[:HAS_TASK]->(t:Task) RETURN d.id, t.id ORDER BY t.id"
    try:
        store.write_document(old)
        before = store.query(tasks).rows
        store._before_write = server.kill
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as err:
            store.write_document(new)
        assert time.monotonic() - started < 30
        assert str(err.value) == f"cannot reach Neo4j at {server.uri}: is the server running? check NEO4J_URI"
        assert not server.alive()
        store._before_write = None
        server.restart()
        assert store.query(tasks).rows == before and len(before) == 2
        assert store.query("MATCH (d:Document) RETURN d.id").rows == [[old.doc_id]]
        assert store.write_document(new).status == "replaced"
        assert len(store.query(tasks).rows) == 5
    finally:
        store.close()


# -- deployment files -----------------------------------------------------------------------------

def test_docker_compose_and_env_example():
    # docker-compose.yml itself is checked by the real Docker Compose in tests/test_compose.py.
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = dict(line.split("=", 1) for line in (root / ".env.example").read_text(encoding="utf-8").splitlines()
               if line and not line.startswith("#"))
    assert set(env) >= {"NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_URI", "NEO4J_DATABASE"}
    assert len(env["NEO4J_PASSWORD"]) >= 8 and "change-me" in env["NEO4J_PASSWORD"]   # a placeholder, not a secret
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=root).returncode
    assert ignored == 0, ".env must stay git-ignored"


# -- the schema on the server -----------------------------------------------------------------------

def test_constraints_and_indexes_from_the_schema_are_on_the_server(bolt_store):
    """Every key of graph/schema.yaml is a uniqueness constraint, and the lookups are indexes, in SHOW CONSTRAINTS / INDEXES."""
    schema = bolt_store.schema
    constraints = bolt_store.query("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
                                   "RETURN name, type, labelsOrTypes, properties").rows
    unique = {(labels[0], props[0]) for _, kind, labels, props in constraints if kind == "UNIQUENESS"}
    assert unique >= {(spec.label, spec.key) for spec in schema.nodes.values()}
    indexes = {row[0] for row in bolt_store.query("SHOW INDEXES YIELD name RETURN name").rows}
    assert "policykg_Document_source" in indexes
    assert {f"policykg_{s.label}_doc_id" for s in schema.nodes.values() if s.owned_by_document and "doc_id" in s.properties} <= indexes
    with pytest.raises(QueryError, match="already exists"):   # the server itself refuses a second node with the same key
        bolt_store.query("CREATE (:Region {id: 'r'}) CREATE (:Region {id: 'r'})")
