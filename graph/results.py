"""Turn backend-specific result values into plain, JSON-able Python values.

LadybugDB returns nodes as dicts with `_ID`/`_LABEL`; everything above the store sees
one shape: a node is `{"_label": L, **props}`, a relationship `{"_type": T, **props}`.
The Neo4j driver's `Node`/`Relationship`/`Path` objects are turned into the same shape
by the Neo4j backend itself (graph/neo4j_store.py), so this module never imports it.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["QueryResult", "plain", "sort_value", "sort_rows"]


@dataclass
class QueryResult:
    """The columns and rows of one statement. For a page of a named query, `more` says whether rows
    follow it and `total` how many rows there are in all when known without reading them all
    (None: not counted, as for raw Cypher or a page cut from more).

    >>> QueryResult(["a", "b"], [[1, 2]]).records()
    [{'a': 1, 'b': 2}]
    >>> QueryResult(["a"], [[1]], total=3).total
    3
    """
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    total: int | None = None
    more: bool = False

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def plain(value: Any) -> Any:
    """A plain value: LadybugDB nodes, relationships and paths as dicts, decimals as numbers, dates as ISO text.

    >>> plain({"_ID": {"offset": 0, "table": 1}, "_LABEL": "Region", "id": "r1", "name": "静安区"})
    {'_label': 'Region', 'id': 'r1', 'name': '静安区'}
    >>> plain([Decimal("3"), Decimal("0.5"), _dt.date(2025, 1, 2)])
    [3, 0.5, '2025-01-02']
    """
    if isinstance(value, dict):
        if "_LABEL" in value and "_SRC" in value:
            return {"_type": value["_LABEL"], **{k: plain(v) for k, v in value.items() if not k.startswith("_")}}
        if "_LABEL" in value:
            return {"_label": value["_LABEL"], **{k: plain(v) for k, v in value.items() if not k.startswith("_")}}
        if "_NODES" in value and "_RELS" in value:   # a LadybugDB path
            return {"nodes": [plain(n) for n in value["_NODES"]], "relationships": [plain(r) for r in value["_RELS"]]}
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):   # LadybugDB sums integer CASE expressions as DECIMAL
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def sort_value(value: Any) -> tuple:
    """A key that orders any result value: numbers before strings (by code point, as LadybugDB and
    Neo4j both order strings; see queries/__init__.py), lists and maps by their text.

    >>> sorted([["b"], "养老", 2, True, "社区", 1.5], key=sort_value)
    [True, 1.5, 2, '养老', '社区', ['b']]
    """
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    return (2, repr(value))


def sort_rows(rows: Sequence, keys: Sequence[tuple[Callable[[Any], Any], bool]]) -> list:
    """`rows` sorted by `keys` ((getter, descending), most significant first), nulls last either way
    as Neo4j and LadybugDB do ascending, and rows equal under `keys` by their whole content, so the
    order is the same on every backend and every run (an engine scanning in parallel returns tied
    rows in any order).

    >>> rows = [{"d": "a", "v": 2}, {"d": None, "v": 1}, {"d": "a", "v": 1}]
    >>> sort_rows(rows, [(lambda r: r["d"], False)])
    [{'d': 'a', 'v': 1}, {'d': 'a', 'v': 2}, {'d': None, 'v': 1}]
    """
    def whole(row: Any) -> tuple:
        return tuple(sort_value(v) for v in (row.values() if isinstance(row, dict) else row))

    out = sorted(rows, key=whole)
    for get, descending in reversed(keys):
        present = [r for r in out if get(r) is not None]
        missing = [r for r in out if get(r) is None]
        present.sort(key=lambda r: sort_value(get(r)), reverse=descending)
        out = present + missing
    return out
