"""The embedded backend: LadybugDB (the maintained Kùzu fork), on disk, in process.

LadybugDB allows one read-write `Database` per process and documents concurrent
read-only opens as unsafe, so access is serialised with an advisory lock file
beside the database: writers take it exclusively, readers shared. A second
process gets a one-line `StoreLocked` error instead of a corrupted read.
"""
from __future__ import annotations

import fcntl
import os
import warnings
from collections.abc import Callable
from typing import Any

# Imported at the top: this module is loaded only when the embedded backend is opened
# (graph.store.open_store finds it through its entry point).
import ladybug

from policykg.graph import statements
from policykg.graph.errors import QueryError, ReadOnlyViolation, StoreError, StoreLocked, StoreMissing
from policykg.graph.read_only import READ_ONLY_MESSAGE, ladybug_refusal
from policykg.graph.results import QueryResult, plain
from policykg.graph.schema import Schema
from policykg.graph.store import DerivedScope, GraphStore, WriteResult, dedupe_by_key
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord

__all__ = ["DEFAULT_DB", "LadybugStore"]

DEFAULT_DB = os.path.join("data", "policykg.lbdb")


class LadybugStore(GraphStore):
    """A LadybugDB database in a folder on disk, opened by one process at a time."""

    name = "ladybug"

    def __init__(self, path: str, *, read_only: bool = False, schema: Schema | None = None):
        super().__init__(schema)
        self._conn: ladybug.Connection | None = None
        self._db: ladybug.Database | None = None
        self.path = path
        self.read_only = read_only
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
        columns = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append([plain(v) for v in result.get_next()])
        return QueryResult(columns, rows)

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

        def work():
            self._delete_documents([old_id for old_id, _ in previous])
            self._write_nodes(graph.nodes)
            self._write_edges(graph.edges)
            self._delete_orphans()

        self._transaction(work)
        return WriteResult(graph.source, graph.doc_id, "replaced" if previous else "added", len(graph.nodes), len(graph.edges))

    def delete_document(self, source: str) -> bool:
        previous = self.query(statements.DOCUMENT_VERSIONS, {"s": source}).rows
        if not previous:
            return False

        def work():
            self._delete_documents([old_id for old_id, _ in previous])
            self._delete_orphans()

        self._transaction(work)
        return True

    def replace_derived(self, edges: list[EdgeRecord], node_updates: list[NodeRecord] | None = None,
                        nodes: list[NodeRecord] | None = None) -> None:
        resets = self.derived_reset_statements(nodes)
        updates = self.node_update_statements(node_updates or [])

        def work():
            for stmt in resets:
                self._run(stmt)
            self._write_nodes(nodes or [])
            for stmt, params in updates:
                self._run(stmt, params)
            self._write_edges(edges)

        self._transaction(work)

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

    def _delete_orphans(self) -> None:
        for stmt in statements.orphan_deletes(self.schema):
            self._run(stmt)

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
            self._run(statements.write_edges(self.schema, rel, a, b, fields), {"rows": rows})

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
    try:
        return ladybug.Database(path, read_only=read_only)
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
        ladybug.Database(path).close()   # a read-write open completes the pending recovery
    finally:
        fcntl.flock(lock, fcntl.LOCK_SH)
    return ladybug.Database(path, read_only=True)


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


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
