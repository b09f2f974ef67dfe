"""Turn backend-specific result values into plain, JSON-able Python values.

LadybugDB returns nodes as dicts with `_ID`/`_LABEL`; the neo4j driver returns
`Node`/`Relationship` objects. Everything above the store sees the same shape:
a node is `{"_label": L, **props}`, a relationship `{"_type": T, **props}`.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from neo4j.graph import Node, Path, Relationship


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def plain(value: Any) -> Any:
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
    neo = _neo4j_plain(value)
    if neo is not None:
        return neo
    return value


def _neo4j_plain(value: Any) -> Any:
    if isinstance(value, Node):
        labels = sorted(value.labels)
        return {"_label": labels[0] if labels else "", **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"_type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if hasattr(value, "iso_format"):   # neo4j temporal types
        return value.iso_format()
    return None
