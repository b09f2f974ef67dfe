"""The server backend: Neo4j 5 over Bolt, with the official driver.

Same semantics as `LadybugStore`: a document is replaced as a whole (its owned
nodes and its Document node are deleted, the new subgraph written, shared nodes
no document refers to any more removed) in ONE managed transaction, and skipped
when its fingerprint is unchanged.

All writes of a document run in ONE transaction function passed to
`session.execute_write` (database always named): the read of the stored
version, then per label / relationship type a batched `UNWIND $rows …
CREATE|MERGE` statement, then the orphan clean-up. On Neo4j that transaction is
atomic, and the driver retries the whole function on transient errors and lost
connections (it is idempotent: it re-reads the stored version first). A batch of
documents new to the graph (`write_documents`) is written the same way in one
transaction, as `UNWIND` statements of up to BATCH_ROWS rows.

Values always travel as parameters, one statement per part, through the
driver's public API. The statements come from graph/statements.py, in the
subset LadybugDB and Neo4j 5 both accept (no `EXISTS {}` subqueries, no
`SET +=`, no `CALL {}`); this module only sends them. On connecting it creates
the uniqueness constraints and indexes graph/schema.yaml asks for.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

# Imported at the top: this module is loaded only when the Neo4j backend is opened (graph.store.open_store
# finds it through its entry point), so the embedded path never imports the driver.
import neo4j
import neo4j.exceptions
import neo4j.graph

from policykg.graph import statements
from policykg.graph.batch import hashable, plan_batch, runs_of_first_loads
from policykg.graph.config import Neo4jSettings, neo4j_settings
from policykg.graph.errors import QueryError, ReadOnlyViolation, StoreError, StoreUnavailable
from policykg.graph.read_only import READ_ONLY_MESSAGE, neo4j_refusal
from policykg.graph.results import QueryResult, plain
from policykg.graph.schema import Schema
from policykg.graph.store import DERIVED_PER_TRANSACTION, DerivedScope, GraphStore, WriteResult, dedupe_by_key, derived_chunks
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord

__all__ = [
    "BATCH_ROWS", "BOLT_SCHEMES", "READ_ONLY_MESSAGE", "Neo4jStore", "Part",
]

log = logging.getLogger(__name__)

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
# Rows per UNWIND statement of a batch write: thousands per round trip, few enough to keep each
# statement's parameters a few MB.
BATCH_ROWS = 5000


# -- the store ----------------------------------------------------------------------------------

class Neo4jStore(GraphStore):
    """A Neo4j 5 database over Bolt."""

    name = "neo4j"

    def __init__(
        self,
        settings: Neo4jSettings,
        *,
        read_only: bool = False,
        schema: Schema | None = None,
        max_retry_time: float = 30.0,
        connection_timeout: float = 15.0,
    ):
        super().__init__(schema)
        self.settings = settings
        self.read_only = read_only
        self.database = settings.database
        self.server_agent = ""
        self.server_version = ""
        self.edition = ""
        # Test seam for fault injection: called inside the write transaction, right before the write statement.
        self._before_write: Callable[[], None] | None = None
        self._driver: neo4j.Driver | None = None
        scheme = settings.uri.split("://", 1)[0].lower() if "://" in settings.uri else ""
        if scheme not in BOLT_SCHEMES:
            raise StoreError(
                f"NEO4J_URI {settings.safe_uri!r} is not a Bolt URI: "
                "use bolt://host:7687 (one server) or neo4j://host:7687 (cluster)"
            )
        try:
            self._driver = neo4j.GraphDatabase.driver(
                settings.uri,
                auth=neo4j.basic_auth(settings.user, settings.password or ""),
                max_transaction_retry_time=max_retry_time,
                connection_timeout=connection_timeout,
                telemetry_disabled=True,
                user_agent="policykg",
            )
        except (neo4j.exceptions.ConfigurationError, ValueError):
            raise StoreError(
                f"NEO4J_URI {settings.safe_uri!r} is not a Bolt URI: "
                "use bolt://host:7687 (one server) or neo4j://host:7687 (cluster)"
            ) from None
        try:
            self._connect()
            if not read_only:
                self._ensure_schema()
                for stmt in self.link_statements():
                    self._write_parts([Part(stmt)])
            else:
                self.require_links(f"{settings.safe_uri} (database {self.database!r})")
        except BaseException:
            self.close()
            raise

    @classmethod
    def open(cls, *, db_path: str | None = None, read_only: bool = False, **options: Any) -> Neo4jStore:
        """The database of the configured settings (`options`: uri, user, password, database …); `db_path` does not apply."""
        return cls.from_config(read_only=read_only, **options)

    @classmethod
    def from_config(
        cls,
        read_only: bool = False,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        **options: Any,
    ) -> Neo4jStore:
        """Open the database named by arguments, else NEO4J_* variables, else policykg.toml / ~/.config/policykg/config.toml."""
        settings = neo4j_settings(uri=uri, user=user, password=password, database=database)
        return cls(settings, read_only=read_only, **options)

    def __repr__(self) -> str:
        return (
            f"Neo4jStore(uri={self.settings.safe_uri!r}, user={self.settings.user!r}, database={self.database!r}, "
            f"read_only={self.read_only})"
        )

    # -- connection ---------------------------------------------------------------------------
    def _live_driver(self) -> neo4j.Driver:
        if self._driver is None:
            raise StoreError("the Neo4j store is closed")
        return self._driver

    def _connect(self) -> None:
        driver = self._live_driver()
        try:
            driver.verify_connectivity()
            info = driver.get_server_info()
            self.server_agent = info.agent or ""
            with driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
                session.run(statements.NEO4J_PROBE).consume()     # fails here when the database does not exist
                rows = session.run(statements.NEO4J_COMPONENTS).data()
        except Exception as exc:   # noqa: BLE001 - translated into one line
            raise self._translate(exc) from None
        if rows:
            self.server_version = (rows[0].get("versions") or [""])[0]
            self.edition = rows[0].get("edition") or ""

    def _ensure_schema(self) -> None:
        """The uniqueness constraints and indexes of graph/schema.yaml (`IF NOT EXISTS`: idempotent)."""
        for stmt in statements.neo4j_schema_ddl(self.schema):
            try:
                self._live_driver().execute_query(stmt, database_=self.database, routing_=neo4j.RoutingControl.WRITE)
            except Exception as exc:   # noqa: BLE001
                err = self._translate(exc)
                if isinstance(err, StoreUnavailable):
                    raise err from None
                raise StoreError(f"cannot create the policykg constraints and indexes "
                                 f"in database {self.database!r}: {err}") from None

    def close(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            try:
                driver.close()
            finally:
                self._driver = None

    # -- error translation --------------------------------------------------------------------
    def _scrub(self, text: str) -> str:
        pw = self.settings.password
        if pw and len(pw) >= 4:
            text = text.replace(pw, "***")
        return text

    def _translate(self, exc: BaseException) -> StoreError:
        """One line that says what to check; never the password."""
        if isinstance(exc, StoreError):
            return exc
        ex = neo4j.exceptions
        uri = self.settings.safe_uri
        code = getattr(exc, "code", None) or ""
        message = self._scrub(_first_line(getattr(exc, "message", None) or str(exc) or type(exc).__name__))
        if (isinstance(exc, ex.AuthError) or code.startswith("Neo.ClientError.Security.Unauthorized")
                or "AuthenticationRateLimit" in code):
            return StoreUnavailable(
                f"Neo4j refused the credentials for user {self.settings.user!r}: check NEO4J_USERNAME/NEO4J_PASSWORD"
            )
        if code == "Neo.ClientError.Database.DatabaseNotFound":
            return StoreUnavailable(f"database {self.database!r} does not exist on the server: check NEO4J_DATABASE")
        if isinstance(exc, ex.IncompleteCommit):
            return StoreUnavailable(
                f"lost the connection to Neo4j at {uri} while committing: the write may or may not have been applied; "
                "rerun it (loads are idempotent)"
            )
        if isinstance(exc, ex.TransientError) and "DatabaseUnavailable" in code:
            return StoreUnavailable(
                f"database {self.database!r} at {uri} is not available yet ({message}): "
                "wait until the server has started, then retry"
            )
        if isinstance(exc, (ex.ServiceUnavailable, ex.SessionExpired, OSError)):
            return StoreUnavailable(f"cannot reach Neo4j at {uri}: is the server running? check NEO4J_URI")
        if isinstance(exc, ex.ForbiddenOnReadOnlyDatabase) or code in (
            "Neo.ClientError.Statement.AccessMode",
            "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
        ):
            return ReadOnlyViolation(READ_ONLY_MESSAGE)
        if isinstance(exc, ex.Neo4jError):
            return QueryError(f"{message} ({code})" if code else message)
        if isinstance(exc, ex.DriverError):
            return StoreError(f"Neo4j driver error talking to {uri}: {message}")
        return StoreError(f"{type(exc).__name__}: {message}")

    # -- low level ----------------------------------------------------------------------------
    def _session(self, write: bool) -> neo4j.Session:
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        return self._live_driver().session(database=self.database, default_access_mode=mode)

    def _execute(self, work: Callable, *, write: bool):
        try:
            with self._session(write) as session:
                return session.execute_write(work) if write else session.execute_read(work)
        except StoreError:
            raise
        except Exception as exc:   # noqa: BLE001
            raise self._translate(exc) from None

    def _result(self, result) -> QueryResult:
        columns = list(result.keys())
        rows = [[self._plain(v) for v in record.values()] for record in result]
        return QueryResult(columns, rows)

    def _plain(self, value: Any) -> Any:
        """Plain values; nodes and relationships carry every schema property (None when missing), like LadybugDB."""
        graph = neo4j.graph
        if isinstance(value, graph.Node):
            labels = sorted(value.labels)
            label = next((name for name in labels if name in self.schema.nodes), labels[0] if labels else "")
            props = dict(value.items())
            out = {"_label": label}
            spec = self.schema.nodes.get(label)
            if spec:
                out.update({p: plain(props.pop(p, None)) for p in spec.properties})
            out.update({k: plain(v) for k, v in props.items()})
            return out
        if isinstance(value, graph.Relationship):
            props = dict(value.items())
            out = {"_type": value.type}
            rel_spec = self.schema.relationships.get(value.type)
            if rel_spec:
                out.update({p: plain(props.pop(p, None)) for p in rel_spec.properties})
            out.update({k: plain(v) for k, v in props.items()})
            return out
        if isinstance(value, graph.Path):
            return {"nodes": [self._plain(n) for n in value.nodes],
                    "relationships": [self._plain(r) for r in value.relationships]}
        if isinstance(value, dict):
            return {k: self._plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._plain(v) for v in value]
        if hasattr(value, "iso_format"):   # the driver's temporal types
            return value.iso_format()
        return plain(value)

    # -- reads --------------------------------------------------------------------------------
    def query(self, cypher: str, params: dict[str, Any] | None = None) -> QueryResult:
        if self.read_only:
            self._check_reads_only(cypher, params or {})
        # Read-only stores read in READ access mode (a cluster routes to followers and refuses writes there);
        # a single Community server does not enforce it, hence the server's own verdict above.
        return self._execute(lambda tx: self._tx_run(tx, cypher, params or {}), write=not self.read_only)

    def _check_reads_only(self, cypher: str, params: dict[str, Any]) -> None:
        """Ask the server what the statement does (`EXPLAIN`: query type and plan) and refuse all but reads
        (graph/read_only.py). Administration commands cannot be explained, so they fail here, unrun."""
        def explain(tx):
            summary = tx.run("EXPLAIN " + cypher, params).consume()
            return summary.query_type, list(_plan_operators(summary.plan or {}))

        query_type, operators = self._execute(explain, write=False)
        refusal = neo4j_refusal(query_type, operators)
        if refusal is not None:
            raise ReadOnlyViolation(refusal)

    # -- writes -------------------------------------------------------------------------------
    def _require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyViolation(READ_ONLY_MESSAGE)

    def _previous(self, tx, source: str) -> list[tuple[str, str | None]]:
        result = self._tx_run(tx, statements.DOCUMENT_VERSIONS, {"s": source})
        return [(row[0], row[1]) for row in result.rows]

    def _hook(self) -> None:
        if self._before_write is not None:
            self._before_write()

    def _tx_run(self, tx, cypher: str, params: dict) -> QueryResult:
        """Run one statement in `tx`, return plain values."""
        return self._result(tx.run(cypher, params))

    def _run_parts(self, tx, parts: list[Part]) -> None:
        """The write statements of one transaction: one statement per part, with parameters (atomic together)."""
        for part in parts:
            tx.run(part.cypher, part.params).consume()

    def write_document(self, graph: DocumentGraph) -> WriteResult:
        self._require_writable()
        node_rows = self.node_rows(graph.nodes)
        edge_rows = self.edge_rows(graph.edges)
        self._check_duplicates(graph, node_rows)
        write_parts = self._node_parts(node_rows) + self._edge_parts(edge_rows)

        def work(tx):
            previous = self._previous(tx, graph.source)
            if previous and previous[0][1] == graph.fingerprint and previous[0][0] == graph.doc_id:
                return "unchanged"
            old_ids = [p[0] for p in previous]
            candidates = self.orphan_candidates(self._reader(tx), old_ids, graph.nodes)
            parts = self._delete_parts(old_ids) + write_parts + self._sweep_parts(candidates)
            self._hook()
            self._run_parts(tx, parts)
            return "replaced" if previous else "added"

        status = self._execute(work, write=True)
        if status == "unchanged":
            return WriteResult(graph.source, graph.doc_id, "unchanged")
        return WriteResult(graph.source, graph.doc_id, status, len(graph.nodes), len(graph.edges))

    def write_documents(self, graphs: Iterable[DocumentGraph]) -> list[WriteResult]:
        """Runs of documents whose sources are not stored yet (a first load) are written in one transaction
        a run, as batched `UNWIND $rows` statements of up to BATCH_ROWS rows; the others are replaced one
        by one, each in its own transaction."""
        self._require_writable()
        graphs = list(graphs)
        for graph in graphs:      # refuse a malformed document before anything is sent
            self._check_duplicates(graph, self.node_rows(graph.nodes))
            self.edge_rows(graph.edges)
        sources = sorted({g.source for g in graphs})
        stored = {row[0] for row in self.query(statements.DOCUMENT_VERSIONS_OF, {"sources": sources}).rows}
        results: list[WriteResult] = []
        for first_loads, run in runs_of_first_loads(graphs, stored):
            if first_loads and self._execute(lambda tx, run=run: self._write_first_loads(tx, run), write=True):
                results += [WriteResult(g.source, g.doc_id, "added", len(g.nodes), len(g.edges)) for g in run]
            else:
                results += [self.write_document(g) for g in run]
        return results

    def _write_first_loads(self, tx, graphs: list[DocumentGraph]) -> bool:
        """In `tx`: write documents none of which is stored; False (nothing written) when another writer
        stored one of them meanwhile, and they are written one by one instead."""
        sources = sorted({g.source for g in graphs})
        if self._tx_run(tx, statements.DOCUMENT_VERSIONS_OF, {"sources": sources}).rows:
            return False
        read = self._reader(tx)

        def stored_keys(label: str, keys: set[str]) -> set[str]:
            return {row[0] for row in read(statements.stored_keys(self.schema, label), {"keys": sorted(keys)})}

        def stored_edges(kind: tuple[str, str, str], keys: set[str]) -> set[tuple]:
            rows = read(statements.stored_edges(self.schema, *kind), {"keys": sorted(keys)})
            return {tuple(map(hashable, row)) for row in rows}

        plan = plan_batch(self.schema, graphs, stored_keys, stored_edges)
        parts = self._node_parts(self.node_rows(plan.nodes)) + self._edge_parts(self.edge_rows(plan.edges))
        self._hook()
        self._run_parts(tx, [chunk for part in parts for chunk in part.chunks(BATCH_ROWS)])
        return True

    def delete_document(self, source: str) -> bool:
        self._require_writable()

        def work(tx):
            old_ids = [p[0] for p in self._previous(tx, source)]
            if not old_ids:
                return False
            candidates = self.orphan_candidates(self._reader(tx), old_ids)
            self._hook()
            self._run_parts(tx, self._delete_parts(old_ids) + self._sweep_parts(candidates))
            return True

        return self._execute(work, write=True)

    def _reader(self, tx) -> Callable[[str, dict], list[list]]:
        """`read(statement, parameters)` -> rows, inside `tx`."""
        return lambda cypher, params: self._tx_run(tx, cypher, params).rows

    def replace_derived(self, writes: Iterable[EdgeRecord | NodeRecord], nodes: list[NodeRecord] | None = None) -> None:
        self._require_writable()
        drop = [Part(*self.mark_derived_layer(False))] + [Part(stmt) for stmt in self.derived_reset_statements(nodes)]
        self._write_parts(drop + self._node_parts(self.node_rows(nodes or [])))
        # A transaction per chunk: the server holds a transaction's changes in its heap.
        for updates, edges in derived_chunks(writes, DERIVED_PER_TRANSACTION):
            parts = [Part(stmt, params) for stmt, params in self.node_update_statements(updates)]
            self._write_parts(parts + self._edge_parts(self.edge_rows(edges)))
        self._write_parts([Part(*self.mark_derived_layer(True))])

    def replace_derived_for(self, scope: DerivedScope, edges: list[EdgeRecord],
                            node_updates: list[NodeRecord] | None = None, nodes: list[NodeRecord] | None = None) -> None:
        resets = [Part(stmt, params) for stmt, params in self.derived_scope_statements(scope, nodes, edges)]
        self._write_derived(resets, edges, node_updates, nodes)

    def _write_derived(self, resets: list[Part], edges: Iterable[EdgeRecord], node_updates: list[NodeRecord] | None,
                       nodes: list[NodeRecord] | None) -> None:
        """In one transaction: `resets` (what is dropped), then the derived nodes, updates and edges."""
        self._require_writable()
        parts = resets + self._node_parts(self.node_rows(nodes or []))
        parts += [Part(stmt, params) for stmt, params in self.node_update_statements(node_updates or [])]
        parts += self._edge_parts(self.edge_rows(edges))
        self._write_parts(parts)

    def _write_parts(self, parts: list[Part]) -> None:
        """`parts` in one write transaction."""
        def work(tx):
            self._hook()
            self._run_parts(tx, parts)

        self._execute(work, write=True)

    # -- statement parts ----------------------------------------------------------------------
    def _delete_parts(self, old_ids: list[str]) -> list[Part]:
        if not old_ids:
            return []
        return [Part(stmt, {"old": old_ids}) for stmt in statements.delete_document(self.schema)]

    def _sweep_parts(self, candidates: dict[str, list[str]]) -> list[Part]:
        return [Part(stmt, params) for stmt, params in self.orphan_sweep(candidates)]

    def _node_parts(self, node_rows: dict[str, list[dict]]) -> list[Part]:
        parts = []
        # The Document first, then the labels in schema order: the same statements every time.
        order = list(self.schema.nodes)
        for label in sorted(node_rows, key=lambda name: (name != "Document", order.index(name))):
            rows = node_rows[label]
            spec = self.schema.node(label)
            if not spec.shared:
                parts.append(Part(statements.create_nodes(label, list(spec.properties)), {"rows": rows}))
            else:
                # Shared nodes: first writer creates, later documents only fill gaps (as in LadybugStore).
                parts.append(Part(statements.merge_nodes(label, spec.key, list(spec.properties)),
                                  {"rows": dedupe_by_key(rows, spec.key)}))
        return parts

    def _edge_parts(self, edge_rows: dict) -> list[Part]:
        parts = []
        for (rel, a, b), rows in edge_rows.items():
            spec = self.schema.rel(rel)
            parts.append(Part(statements.write_edges(self.schema, rel, a, b, list(spec.properties)), {"rows": rows}))
        return parts

    def _check_duplicates(self, graph: DocumentGraph, node_rows: dict[str, list[dict]]) -> None:
        # Neo4j's uniqueness constraints would refuse these too, with a message naming neither document nor key.
        for label, rows in node_rows.items():
            spec = self.schema.node(label)
            if not (spec.owned_by_document or label == "Document"):
                continue
            dup = [k for k, c in Counter(r[spec.key] for r in rows).items() if c > 1]
            if dup:
                raise QueryError(f"document {graph.source!r} has {len(dup)} duplicate {label} {spec.key}(s), e.g. {dup[0]!r}")


# -- statement parts ------------------------------------------------------------------------------

class Part:
    """One statement of a write: `cypher` with its `$name` parameters."""

    __slots__ = ("cypher", "params")

    def __init__(self, cypher: str, params: dict | None = None):
        self.cypher = cypher
        self.params = params or {}

    def __repr__(self) -> str:
        return f"Part({self.cypher!r}, {sorted(self.params)})"

    def chunks(self, size: int) -> list[Part]:
        """The same statement over `$rows` cut into pieces of at most `size` rows (other parts unchanged).

        >>> [len(p.params["rows"]) for p in Part("UNWIND $rows AS r CREATE (:X {id: r.id})", {"rows": [{}] * 5}).chunks(2)]
        [2, 2, 1]
        """
        rows = self.params.get("rows")
        if not isinstance(rows, list) or len(rows) <= size:
            return [self]
        return [Part(self.cypher, {**self.params, "rows": rows[i:i + size]}) for i in range(0, len(rows), size)]


def _plan_operators(plan: dict):
    """(operator type, details) of every operator in a plan from the driver's ResultSummary.plan."""
    yield plan.get("operatorType", ""), str((plan.get("args") or {}).get("Details", ""))
    for child in plan.get("children") or []:
        yield from _plan_operators(child)


def _first_line(text: str) -> str:
    return (str(text).strip().splitlines() or [""])[0]
