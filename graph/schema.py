"""Load the graph schema (graph/schema.yaml) into typed objects.

Backends, record builders, exports and docs read the schema from here, so a
label or property is declared in exactly one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

__all__ = ["SCHEMA_PATH", "PROPERTY_TYPES", "NodeType", "RelType", "ExportSpec", "Schema", "load_schema", "coerce"]

SCHEMA_PATH = Path(__file__).with_name("schema.yaml")
PROPERTY_TYPES = {"STRING", "INT64", "DOUBLE", "BOOLEAN", "STRING[]"}


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str
    properties: dict[str, str]
    owned_by_document: bool = False
    derived: bool = False     # recomputed across all documents after each load
    doc: str = ""
    kept_by: tuple[str, ...] = ()   # shared nodes: incoming relationship types that keep them alive

    @property
    def shared(self) -> bool:
        """Merged by key across documents (departments, leaders, programs …)."""
        return not (self.owned_by_document or self.derived or self.label == "Document")


@dataclass(frozen=True)
class RelType:
    name: str
    endpoints: tuple[tuple[str, str], ...]
    properties: dict[str, str]
    derived: bool = False
    doc: str = ""


@dataclass(frozen=True)
class ExportSpec:
    """One flat export: a record per node of `label` (or per relationship of `relationship`)."""
    name: str
    label: str | None
    relationship: str | None
    columns: tuple[tuple[str, str, str], ...]   # (column, end, property); end is "node" for a node export
    order: tuple[str, ...] = ()
    source: bool = False               # the record starts with its document's `source`
    one_per: tuple[str, ...] = ()      # keep the first record of each combination of these columns
    extras: tuple[str, ...] = ()       # columns filled by the export's join

    @property
    def keys(self) -> list[str]:
        """The record's keys, in order."""
        return (["source"] if self.source else []) + [c for c, _, _ in self.columns] + list(self.extras)


@dataclass(frozen=True)
class Schema:
    nodes: dict[str, NodeType] = field(default_factory=dict)
    relationships: dict[str, RelType] = field(default_factory=dict)
    exports: dict[str, ExportSpec] = field(default_factory=dict)
    state: dict[str, NodeType] = field(default_factory=dict)   # the store's bookkeeping (`state:`), not the graph

    def node(self, label: str) -> NodeType:
        try:
            return self.nodes[label]
        except KeyError:
            raise KeyError(f"unknown node label {label!r}; known: {', '.join(self.nodes)}") from None

    def rel(self, name: str) -> RelType:
        try:
            return self.relationships[name]
        except KeyError:
            raise KeyError(f"unknown relationship type {name!r}; known: {', '.join(self.relationships)}") from None

    @property
    def document_owned_labels(self) -> list[str]:
        return [n.label for n in self.nodes.values() if n.owned_by_document]

    @property
    def derived_labels(self) -> list[str]:
        return [n.label for n in self.nodes.values() if n.derived]

    @property
    def derived_relationships(self) -> list[str]:
        return [r.name for r in self.relationships.values() if r.derived]


def _parse(raw: dict) -> Schema:
    nodes = {}
    for label, spec in raw["nodes"].items():
        props = dict(spec["properties"])
        _check_types(label, props)
        if spec["key"] not in props:
            raise ValueError(f"schema: {label} key {spec['key']!r} is not a property")
        nodes[label] = NodeType(label, spec["key"], props, bool(spec.get("owned_by_document")),
                                bool(spec.get("derived")), spec.get("doc", ""), tuple(spec.get("kept_by") or ()))
    rels = {}
    for name, spec in raw["relationships"].items():
        if name in nodes:
            raise ValueError(f"schema: {name} is both a label and a relationship type")
        props = dict(spec.get("properties") or {})
        _check_types(name, props)
        endpoints = tuple((a, b) for a, b in spec["endpoints"])
        for a, b in endpoints:
            if a not in nodes or b not in nodes:
                raise ValueError(f"schema: {name} endpoint {a}->{b} names an undeclared label")
        rels[name] = RelType(name, endpoints, props, bool(spec.get("derived")), spec.get("doc", ""))
    for node in nodes.values():
        for rel in node.kept_by:
            if rel not in rels or not any(b == node.label for _, b in rels[rel].endpoints):
                raise ValueError(f"schema: {node.label} is kept_by {rel}, which does not point at it")
    exports = {name: _parse_export(name, spec, nodes, rels) for name, spec in (raw.get("exports") or {}).items()}
    state = {}
    for label, spec in (raw.get("state") or {}).items():
        if label in nodes or label in rels:
            raise ValueError(f"schema: {label} is both a state table and a label or relationship type")
        props = dict(spec["properties"])
        _check_types(label, props)
        state[label] = NodeType(label, spec["key"], props, doc=spec.get("doc", ""))
    return Schema(nodes, rels, exports, state)


def _parse_export(name: str, spec: dict, nodes: dict[str, NodeType], rels: dict[str, RelType]) -> ExportSpec:
    """An `exports:` entry, with every column checked against the properties it reads."""
    label, relationship = spec.get("label"), spec.get("relationship")
    if (label is None) == (relationship is None):
        raise ValueError(f"schema: export {name} needs one of label and relationship")
    if label is not None:
        if label not in nodes:
            raise ValueError(f"schema: export {name} names the undeclared label {label}")
        columns = tuple((c, "node", c) for c in spec["columns"])
        owners = {"node": nodes[label].properties}
    else:
        if relationship not in rels:
            raise ValueError(f"schema: export {name} names the undeclared relationship {relationship}")
        a, b = rels[relationship].endpoints[0]
        columns = tuple((c, *where.split(".", 1)) for c, where in spec["columns"].items())
        owners = {"from": nodes[a].properties, "to": nodes[b].properties, "rel": rels[relationship].properties,
                  "from_document": nodes["Document"].properties, "to_document": nodes["Document"].properties}
    for column, end, prop in columns:
        if prop not in owners.get(end, {}):
            raise ValueError(f"schema: export {name} column {column} reads {end}.{prop}, which is not declared")
    export = ExportSpec(name, label, relationship, columns, tuple(spec.get("order") or ()), bool(spec.get("source")),
                        tuple(spec.get("one_per") or ()), tuple(spec.get("extras") or ()))
    unknown = [c for c in export.order + export.one_per if c not in export.keys]
    if unknown:
        raise ValueError(f"schema: export {name} orders or groups by {unknown}, which it does not have")
    return export


def _check_types(owner: str, props: dict[str, str]) -> None:
    for prop, typ in props.items():
        if typ not in PROPERTY_TYPES:
            raise ValueError(f"schema: {owner}.{prop} has unknown type {typ!r}")


@lru_cache(maxsize=1)
def load_schema(path: str | None = None) -> Schema:
    with open(path or SCHEMA_PATH, encoding="utf-8") as fh:
        return _parse(yaml.safe_load(fh))


def coerce(value, typ: str):
    """Coerce a Python value to a schema type (None stays None).

    >>> coerce("2025", "INT64"), coerce(3, "DOUBLE"), coerce(None, "STRING"), coerce(("a", 1), "STRING[]")
    (2025, 3.0, None, ['a', '1'])
    """
    if value is None:
        return None
    if typ == "STRING":
        return str(value)
    if typ == "INT64":
        return int(value)
    if typ == "DOUBLE":
        return float(value)
    if typ == "BOOLEAN":
        return bool(value)
    if typ == "STRING[]":
        return [str(v) for v in value]
    raise ValueError(typ)
