"""The embedded backend: LadybugDB (the maintained Kùzu fork), on disk, in process.

LadybugDB allows one read-write `Database` per process and documents concurrent
read-only opens as unsafe, so access is serialised with an advisory lock file
beside the database: writers take it exclusively, readers shared. A second
process gets a one-line `StoreLocked` error instead of a corrupted read.

A document is written with `UNWIND $rows … CREATE|MERGE` statements in one
transaction. A batch of documents new to the graph (`write_documents`) goes
through LadybugDB's bulk path instead: one `COPY` per label and relationship
type from an Arrow table, in one transaction, with the shared nodes and edges
`graph.batch.plan_batch` says the batch creates (COPY cannot MERGE).
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import itertools
import os
import tempfile
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

# Imported at the top: this module is loaded only when the embedded backend is opened
# (graph.store.open_store finds it through its entry point).
import ladybug
import pyarrow
import pyarrow.parquet

from policykg.graph import statements
from policykg.graph.batch import hashable, plan_batch, runs_of_first_loads
from policykg.graph.config import buffer_pool_bytes
from policykg.graph.errors import QueryError, ReadOnlyViolation, StoreError, StoreLocked, StoreMissing
from policykg.graph.read_only import READ_ONLY_MESSAGE, ladybug_refusal
from policykg.graph.results import QueryResult, plain
from policykg.graph.schema import Schema, coerce
from policykg.graph.store import (
    DERIVED_PER_TRANSACTION,
    DerivedScope,
    GraphStore,
    WriteResult,
    chunked,
    dedupe_by_key,
    derived_chunks,
)
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord

__all__ = ["DEFAULT_DB", "LadybugStore"]

DEFAULT_DB = os.path.join("data", "policykg.lbdb")
# Rows of one UNWIND statement (derived edges): see _write_edges.
STATEMENT_ROWS = 5000
# Result columns Arrow hands over as plain Python values (and lists of them): such a result is read
# column by column, twice as fast as row by row for 100,000 rows of target-history; nodes, decimals
# and dates go row by row through plain().
PLAIN_COLUMN_TYPES = frozenset({"STRING", "BOOL", "DOUBLE", "FLOAT", "INT64", "INT32", "INT16", "INT8",
                                "UINT64", "UINT32", "UINT16", "UINT8"})
# Schema types as Arrow types: a COPY takes its column types from the table, and an all-null column
# must still carry the property's type.
ARROW_TYPES = {"STRING": pyarrow.string(), "INT64": pyarrow.int64(), "DOUBLE": pyarrow.float64(),
               "BOOLEAN": pyarrow.bool_(), "STRING[]": pyarrow.list_(pyarrow.string())}


class LadybugStore(GraphStore):
    """A LadybugDB database in a folder on disk, opened by one process at a time."""

    name = "ladybug"

    def __init__(self, path: str, *, read_only: bool = False, schema: Schema | None = None):
        super().__init__(schema)
        self._conn: ladybug.Connection | None = None
        self._db: ladybug.Database | None = None
        self.path = path
        self.read_only = read_only
        self._column_order: dict[str, list[tuple[str, str]]] = {}
        exists = os.path.exists(path)
        if read_only and not exists:
            raise StoreMissing(f"no graph at {path}: load plans first with `policykg load PATH`, "
                               "or point --db at an existing graph")
        # Cached verdicts of the read-only check (statement text -> refusal or None).
        self._verdicts: dict[str, str | None] = {}
        self._lock_fh = _lock_file(path, read_only)
        self._take_lock(read_only)
        try:
            self._db = _open_database(path, read_only, self._lock_fh)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as exc:
            self._release()
            if "lock" in str(exc).lower():
                raise StoreLocked(f"the graph at {path} is held by another process; "
                                  "close it and retry, or use another --db") from None
            raise StoreError(f"cannot open the graph at {path}: {_first_line(exc)}") from None
        if not read_only:
            for stmt in statements.ladybug_schema_ddl(self.schema):
                self._connection().execute(stmt)
            for stmt in statements.ladybug_missing_columns_ddl(self.schema, self._columns_of):
                self._connection().execute(stmt)
            for stmt in self.link_statements():
                self._connection().execute(stmt)
        else:
            try:
                self.require_links(path)
            except StoreError:
                self.close()
                raise

    def _columns_of(self, table: str) -> set[str]:
        return {row[0] for row in self.query(statements.ladybug_table_columns(table)).rows}

    def _take_lock(self, read_only: bool) -> None:
        if self._lock_fh is None:
            return
        try:
            fcntl.flock(self._lock_fh, (fcntl.LOCK_SH if read_only else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_fh.close()
            raise StoreLocked(f"the graph at {self.path} is in use by another policykg process; "
                              "wait for it to finish or use another --db") from None

    @classmethod
    def open(cls, *, db_path: str | None = None, read_only: bool = False, **options: Any) -> LadybugStore:
        """The graph at `db_path`, else $POLICYKG_DB, else data/policykg.lbdb (server `options` do not apply)."""
        return cls(db_path or os.environ.get("POLICYKG_DB") or DEFAULT_DB, read_only=read_only)

    # -- low level ------------------------------------------------------------
    def _connection(self) -> ladybug.Connection:
        if self._conn is None:
            raise StoreError(f"the graph at {self.path} is closed")
        return self._conn

    def _run(self, cypher: str, params: dict[str, Any] | None = None):
        try:
            return self._connection().execute(cypher, params or {})
        except RuntimeError as exc:
            raise _query_error(_first_line(exc)) from None

    def query(self, cypher: str, params: dict[str, Any] | None = None) -> QueryResult:
        if self.read_only:
            self._check_reads_only(cypher, params or {})
        result = self._run(cypher, params)
        if isinstance(result, list):   # several statements: keep the last result
            result = result[-1]
        return QueryResult(result.get_column_names(), _rows(result))

    def _check_reads_only(self, cypher: str, params: dict[str, Any]) -> None:
        """Refuse, before it runs, a statement whose plan does more than read the graph (graph/read_only.py)."""
        if cypher not in self._verdicts:
            refusal = ladybug_refusal(cypher, None)
            if refusal is None:
                refusal = ladybug_refusal(cypher, self._plan(cypher, params))
            self._verdicts[cypher] = refusal
        refusal = self._verdicts[cypher]
        if refusal is not None:
            raise ReadOnlyViolation(refusal)

    def _plan(self, cypher: str, params: dict[str, Any]) -> str:
        """LadybugDB's own physical plan of ONE statement (a prepared statement holds exactly one)."""
        conn = self._connection()
        with warnings.catch_warnings():
            # Connection.prepare is marked deprecated in favour of execute(), but execute() runs every
            # statement of a multi-statement text, and only prepare refuses more than one.
            warnings.simplefilter("ignore", DeprecationWarning)
            prepared = conn.prepare("EXPLAIN " + cypher, params)
        if not prepared.is_success():
            message = _first_line(Exception(prepared.get_error_message()))
            if "multiple statements" in message:
                raise ReadOnlyViolation("several statements at once are not allowed read-only: send one at a time")
            raise _query_error(message)
        try:
            result = conn.execute(prepared, params)
        except RuntimeError as exc:
            raise _query_error(_first_line(exc)) from None
        assert not isinstance(result, list)
        return "\n".join(str(row[0]) for row in result.get_all() if isinstance(row, (list, tuple)))

    def _transaction(self, work: Callable[[], Any]) -> Any:
        self._run(statements.BEGIN)
        try:
            out = work()
        except BaseException:
            # A failed statement already aborts LadybugDB's transaction; roll back only if one is open.
            try:
                self._connection().execute(statements.ROLLBACK)
            except RuntimeError:
                pass
            raise
        self._run(statements.COMMIT)
        return out

    # -- writes ---------------------------------------------------------------
    def write_document(self, graph: DocumentGraph) -> WriteResult:
        previous = self.query(statements.DOCUMENT_VERSIONS, {"s": graph.source}).rows
        if previous and previous[0][1] == graph.fingerprint and previous[0][0] == graph.doc_id:
            return WriteResult(graph.source, graph.doc_id, "unchanged")
        old_ids = [old_id for old_id, _ in previous]

        def work():
            candidates = self.orphan_candidates(self._rows, old_ids, graph.nodes)
            self._delete_documents(old_ids)
            self._write_nodes(graph.nodes)
            self._write_edges(graph.edges)
            self._sweep(candidates)

        self._transaction(work)
        return WriteResult(graph.source, graph.doc_id, "replaced" if previous else "added", len(graph.nodes), len(graph.edges))

    def write_documents(self, graphs: Iterable[DocumentGraph]) -> list[WriteResult]:
        """Runs of documents whose sources are not stored yet (a first load) go through LadybugDB's bulk
        path, one transaction a run; the others are replaced one by one, each in its own transaction."""
        graphs = list(graphs)
        sources = sorted({g.source for g in graphs})
        stored = {row[0] for row in self._rows(statements.DOCUMENT_VERSIONS_OF, {"sources": sources})}
        results: list[WriteResult] = []
        for first_loads, run in runs_of_first_loads(graphs, stored):
            if first_loads:
                self._run(statements.CHECKPOINT)
                self._transaction(functools.partial(self._copy_first_loads, run))
                results += [WriteResult(g.source, g.doc_id, "added", len(g.nodes), len(g.edges)) for g in run]
            else:
                results += [self.write_document(g) for g in run]
        return results

    def delete_document(self, source: str) -> bool:
        previous = self.query(statements.DOCUMENT_VERSIONS, {"s": source}).rows
        if not previous:
            return False
        old_ids = [old_id for old_id, _ in previous]

        def work():
            candidates = self.orphan_candidates(self._rows, old_ids)
            self._delete_documents(old_ids)
            self._sweep(candidates)

        self._transaction(work)
        return True

    def replace_derived(self, writes: Iterable[EdgeRecord | NodeRecord], nodes: list[NodeRecord] | None = None) -> None:
        resets = self.derived_reset_statements(nodes)

        def drop():
            self._run(*self.mark_derived_layer(False))
            for stmt in resets:
                self._run(stmt)
            self._write_nodes(nodes or [])

        self._transaction(drop)
        # `writes` may be a generator (derive_all yields them group by group): written a chunk at a
        # time, they are never all in Python, nor in one transaction, at once.
        for updates, edges in derived_chunks(writes, DERIVED_PER_TRANSACTION):
            for stmt, params in self.node_update_statements(updates):
                self._transaction(functools.partial(self._run, stmt, params))
            if not edges:
                continue
            self._run(statements.CHECKPOINT)       # before a transaction that COPYs: see statements.CHECKPOINT
            try:
                self._transaction(functools.partial(self._copy_new_edges, edges))
            except QueryError:
                # COPY refuses a whole file for one link whose end is not stored, where write_edges skips
                # that link (what every backend does): this part is written again that way.
                self._transaction(functools.partial(self._write_edges, edges))
        self._transaction(functools.partial(self._run, *self.mark_derived_layer(True)))

    def replace_derived_for(self, scope: DerivedScope, edges: list[EdgeRecord],
                            node_updates: list[NodeRecord] | None = None, nodes: list[NodeRecord] | None = None) -> None:
        resets = self.derived_scope_statements(scope, nodes, edges)
        updates = self.node_update_statements(node_updates or [])

        def work():
            for stmt, params in resets:
                self._run(stmt, params)
            self._write_nodes(nodes or [])
            for stmt, params in updates:
                self._run(stmt, params)
            self._write_edges(edges)

        self._transaction(work)

    def _delete_documents(self, doc_ids: list[str]) -> None:
        if doc_ids:
            for stmt in statements.delete_document(self.schema):
                self._run(stmt, {"old": doc_ids})

    def _rows(self, cypher: str, params: dict[str, Any]) -> list[list]:
        return self.query(cypher, params).rows

    def _sweep(self, candidates: dict[str, list[str]]) -> None:
        for stmt, params in self.orphan_sweep(candidates):
            self._run(stmt, params)

    # -- the bulk path: COPY from Arrow tables ----------------------------------
    def _copy_first_loads(self, graphs: list[DocumentGraph]) -> None:
        """Write documents none of which is stored, leaving what writing them one by one would leave."""
        plan = plan_batch(self.schema, graphs, self._stored_keys, self._stored_edges)
        nodes: dict[str, list[NodeRecord]] = defaultdict(list)
        for node in plan.nodes:
            nodes[node.label].append(node)
        with _parquet_files() as files:
            for label in self.schema.nodes:       # every node before any edge: COPY needs both ends
                if nodes.get(label):
                    self._copy(functools.partial(statements.ladybug_copy_nodes, label),
                               self._node_table(label, nodes[label]), next(files))
            for (rel, a, b), group in _edges_by_kind(plan.edges).items():
                self._copy(functools.partial(statements.ladybug_copy_edges, rel, a, b),
                           self._edge_table(rel, a, b, group), next(files))

    def _copy_new_edges(self, edges: list[EdgeRecord]) -> None:
        """Write edges none of which is stored (the derived layer after its drop) through the bulk path,
        but those between two shared nodes, which are MERGEd (`write_edges`): the same link may come twice."""
        with _parquet_files() as files:
            for (rel, a, b), group in _edges_by_kind(edges).items():
                if self.schema.node(a).shared and self.schema.node(b).shared:
                    self._write_edges(group)
                else:
                    self._copy(functools.partial(statements.ladybug_copy_edges, rel, a, b),
                               self._edge_table(rel, a, b, group), next(files))

    def _copy(self, statement: Callable[[str], str], table: pyarrow.Table, path: str) -> None:
        # From a Parquet file, not from the Arrow table as a parameter: LadybugDB 0.22 keeps memory of
        # every Arrow table a COPY scanned (17 MB for 5,000 rows), so a writer grew by 170 MB every batch
        # of 32 plans and a 512 MB buffer pool was full after 256 plans; a file's COPY keeps nothing.
        # (A fresh file for every COPY: it also crashed when one Arrow table was copied again after a
        # rolled-back COPY of it; and see statements.CHECKPOINT.)
        pyarrow.parquet.write_table(table, path, compression="none")
        self._run(statement(path))

    def _node_table(self, label: str, nodes: list[NodeRecord]) -> pyarrow.Table:
        """The Arrow table of `nodes`, checked and typed as by `node_rows`, its columns in the table's order."""
        props = self.schema.node(label).properties
        unknown = set().union(*(n.props for n in nodes)) - set(props)
        if unknown:
            raise ValueError(f"{label} has properties not in the schema: {sorted(unknown)}")
        return pyarrow.table({p: _column([n.props.get(p) for n in nodes], t) for p, t in self._columns(label)})

    def _edge_table(self, rel: str, a: str, b: str, edges: list[EdgeRecord]) -> pyarrow.Table:
        """The Arrow table of `edges`: from key, to key, then the properties as by `edge_rows`, in the table's order."""
        spec = self.schema.rel(rel)
        if (a, b) not in spec.endpoints:
            raise ValueError(f"{rel} does not connect {a} to {b}")
        unknown = set().union(*(e.props for e in edges)) - set(spec.properties)
        if unknown:
            raise ValueError(f"{rel} has properties not in the schema: {sorted(unknown)}")
        columns = {"from": _column([e.from_id for e in edges], "STRING"), "to": _column([e.to_id for e in edges], "STRING")}
        columns.update({p: _column([e.props.get(p) for e in edges], t) for p, t in self._columns(rel)})
        return pyarrow.table(columns)

    def _columns(self, table: str) -> list[tuple[str, str]]:
        """(property, schema type) of a table in its stored order, read once: a COPY fills columns by position,
        and a graph that gained properties later (ALTER TABLE ADD on open) has them last, not in schema order."""
        if table not in self._column_order:
            types = (self.schema.nodes[table] if table in self.schema.nodes else self.schema.rel(table)).properties
            names = [row[0] for row in self.query(statements.ladybug_table_columns(table)).rows]
            stray = [name for name in names if name not in types]
            if stray:
                raise StoreError(f"the graph at {self.path} has properties policykg does not know ({table}: "
                                 f"{', '.join(stray)}): load into a new --db")
            self._column_order[table] = [(name, types[name]) for name in names]
        return self._column_order[table]

    def _stored_keys(self, label: str, keys: set[str]) -> set[str]:
        return {row[0] for row in self._rows(statements.stored_keys(self.schema, label), {"keys": sorted(keys)})}

    def _stored_edges(self, kind: tuple[str, str, str], keys: set[str]) -> set[tuple]:
        rows = self._rows(statements.stored_edges(self.schema, *kind), {"keys": sorted(keys)})
        return {tuple(map(hashable, row)) for row in rows}

    def _write_nodes(self, nodes: list[NodeRecord]) -> None:
        for label, rows in self.node_rows(nodes).items():
            spec = self.schema.node(label)
            rows = _drop_null_columns(rows, keep=(spec.key,))
            present = list(rows[0])
            if not spec.shared:
                self._run(statements.create_nodes(label, present), {"rows": rows})
            else:
                # Shared nodes: first writer creates, later documents only fill gaps.
                self._run(statements.merge_nodes(label, spec.key, present), {"rows": dedupe_by_key(rows, spec.key)})

    def _write_edges(self, edges: list[EdgeRecord]) -> None:
        for (rel, a, b), rows in self.edge_rows(edges).items():
            rows = _drop_null_columns(rows, keep=("f", "t"))
            fields = [p for p in rows[0] if p not in ("f", "t")]
            stmt = statements.write_edges(self.schema, rel, a, b, fields)
            # A few thousand rows a statement: one parameter of a whole derivation's rows (hundreds of
            # thousands at 10,000 plans) is converted whole into the engine's values before it runs.
            for part in chunked(rows, STATEMENT_ROWS):
                self._run(stmt, {"rows": part})

    # -- lifecycle ------------------------------------------------------------
    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._db is not None:
            self._db.close()
            self._db = None
        self._release()

    def _release(self) -> None:
        fh = getattr(self, "_lock_fh", None)
        if fh is not None and not fh.closed:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()


def _edges_by_kind(edges: Iterable[EdgeRecord]) -> dict[tuple[str, str, str], list[EdgeRecord]]:
    """Edges grouped by (type, from label, to label): one COPY each."""
    groups: dict[tuple[str, str, str], list[EdgeRecord]] = defaultdict(list)
    for edge in edges:
        groups[(edge.type, edge.from_label, edge.to_label)].append(edge)
    return groups


@contextlib.contextmanager
def _parquet_files() -> Iterator[Iterator[str]]:
    """Fresh file paths for COPY, in a folder removed afterwards (a fresh file every COPY: see `_copy`)."""
    with tempfile.TemporaryDirectory(prefix="policykg-copy-") as folder:
        yield (os.path.join(folder, f"{k}.parquet") for k in itertools.count())


def _lock_file(path: str, read_only: bool):
    """The advisory lock file beside the database's real path (a symlink to it locks the same file).

    A reader in a folder it cannot write to opens an existing lock file read-only, or goes
    without one (no lock file means no policykg writer has used that folder); a writer needs it."""
    real = os.path.realpath(path)
    if not read_only:
        os.makedirs(os.path.dirname(real) or ".", exist_ok=True)
    try:
        return open(real + ".lock", "a+")
    except OSError as exc:
        if not read_only:
            raise StoreError(f"cannot write beside the graph at {path} ({exc.strerror}): "
                             "loading needs a folder you can write to; use another --db") from None
    try:
        return open(real + ".lock")
    except OSError:
        return None


def _open_database(path: str, read_only: bool, lock) -> ladybug.Database:
    """Open the database; a read-only open finishes a checkpoint left pending (by a crash or an old
    policykg that let CHECKPOINT through read-only) when it can, instead of failing every read."""
    pool = buffer_pool_bytes()
    try:
        return ladybug.Database(path, read_only=read_only, buffer_pool_size=pool)
    except RuntimeError as exc:
        if not (read_only and lock is not None and "recovery is pending" in str(exc)
                and os.access(os.path.realpath(path), os.W_OK)):
            raise
    try:   # our shared lock becomes exclusive for the repair, then shared again
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise StoreLocked(f"the graph at {path} is in use by another policykg process; "
                          "wait for it to finish or use another --db") from None
    try:
        ladybug.Database(path, buffer_pool_size=pool).close()   # a read-write open completes the pending recovery
    finally:
        fcntl.flock(lock, fcntl.LOCK_SH)
    return ladybug.Database(path, read_only=True, buffer_pool_size=pool)


def _drop_null_columns(rows: list[dict], keep: tuple[str, ...]) -> list[dict]:
    """Leave out properties that are null in every row of a batch.

    LadybugDB types a parameter column from its values; an all-null column comes
    out as STRING and cannot be assigned to an INT64/DOUBLE/BOOLEAN property."""
    present = [k for k in rows[0] if k in keep or any(r.get(k) is not None for r in rows)]
    return [{k: r.get(k) for k in present} for r in rows]


def _query_error(message: str) -> StoreError:
    """The engine's refusal to write through a read-only open says so; any other failure is the statement's."""
    if "read-only" in message.lower() or "read only" in message.lower():
        return ReadOnlyViolation(READ_ONLY_MESSAGE)
    return QueryError(message)


def _column(values: list, typ: str) -> pyarrow.Array:
    """An Arrow column of the schema type `typ`; values Arrow does not take as they are go through `coerce`."""
    try:
        return pyarrow.array(values, ARROW_TYPES[typ])
    except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError):
        return pyarrow.array([coerce(v, typ) for v in values], ARROW_TYPES[typ])


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _rows(result) -> list[list]:
    """Every row of a LadybugDB result as plain values."""
    if result.get_num_tuples() and all(t.removesuffix("[]") in PLAIN_COLUMN_TYPES for t in result.get_column_data_types()):
        table = result.get_as_arrow(0)    # 0: one chunk
        return [list(row) for row in zip(*(column.to_pylist() for column in table.columns))]
    rows = []
    while result.has_next():
        rows.append([plain(v) for v in result.get_next()])
    return rows
