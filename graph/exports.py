"""Flat exports of the graph (documents, sections, tasks, targets, citations …).

What each export holds, in which order, is declared in the `exports:` section of
graph/schema.yaml; this module reads it, runs the read that graph/statements.py
builds from it (plain Cypher that works on every backend) and adds the joins done
in Python. Every record carries `source` (the file stem) and its evidence (offsets
into the document's original text and the text itself).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import partial
from operator import itemgetter

from policykg.graph import statements
from policykg.graph.results import sort_rows
from policykg.graph.schema import ExportSpec, load_schema
from policykg.graph.store import GraphStore

__all__ = ["EXPORTS", "run_export", "document_summary", "task_owners", "citation_documents"]

Join = Callable[[GraphStore, list[dict]], dict[str, dict]]


def _rows(store: GraphStore, cypher: str, params: dict | None = None) -> list[dict]:
    return store.query(cypher, params or {}).records()


def task_owners(store: GraphStore, tasks: list[dict]) -> dict[str, dict]:
    """Per task id: `leaders` and `departments` as written in the plan, `generic` (the written owners that
    name no particular body), and `inferred_departments` (each with its rule) for a task whose plan names none.

    A reader (or the owners scorer) never takes an inference for what the plan says."""
    leaders: dict[str, list] = defaultdict(list)
    departments: dict[str, list] = defaultdict(list)
    inferred: dict[str, list] = defaultdict(list)
    generic: dict[str, list] = defaultdict(list)
    for r in _rows(store, statements.TASK_LEADERS):
        leaders[r["task"]].append(r["written"] or r["name"])
    for r in _rows(store, statements.TASK_OWNERS):
        name = r["written"] or r["name"]
        if r["inferred"]:
            inferred[r["task"]].append({"department": name, "rule": r["rule"]})
        else:
            departments[r["task"]].append(name)
            if r["generic"]:
                generic[r["task"]].append(name)
    return {t["id"]: {"leaders": leaders[t["id"]], "departments": departments[t["id"]],
                      "inferred_departments": inferred[t["id"]] if not departments[t["id"]] else [],
                      "generic": generic[t["id"]]} for t in tasks}


def citation_documents(store: GraphStore, citations: list[dict]) -> dict[str, dict]:
    """Per citation id: the PolicyDocument it resolves to (`policy_document`, `canonical_title`; None when unresolved)."""
    resolved = {r["c"]: r for r in _rows(store, statements.CITATION_DOCUMENTS)}
    return {c["id"]: {"policy_document": resolved.get(c["id"], {}).get("policy_document"),
                      "canonical_title": resolved.get(c["id"], {}).get("canonical_title")} for c in citations}


JOINS: dict[str, Join] = {"tasks": task_owners, "citations": citation_documents}


def run_export(store: GraphStore, name: str, documents: list[str] | None = None) -> list[dict]:
    """The records of the export `name` of graph/schema.yaml, keys in the declared order; with `documents`
    (document ids), only theirs, read by the label's link to its document rather than the whole graph."""
    spec: ExportSpec = store.schema.exports[name]
    params = None if documents is None else {"documents": list(documents)}
    statement = statements.export_statement(store.schema, spec, of_documents=params is not None)
    # Ordered as declared, ties broken by the whole row: the same records in the same order every run.
    rows = sort_rows(_rows(store, statement, params),
                     [(itemgetter(column), False) for column in spec.order])
    if spec.one_per:
        seen: set[tuple] = set()
        kept = []
        for r in rows:
            group = tuple(r[c] for c in spec.one_per)
            if group not in seen:
                seen.add(group)
                kept.append(r)
        rows = kept
    if spec.source:
        sources = {r["id"]: r["source"] for r in _rows(store, statements.DOCUMENT_SOURCES)}
        rows = [{"source": sources.get(r["doc_id"]), **r} for r in rows]
    if spec.extras:
        extra = JOINS[name](store, rows)
        rows = [{**r, **{c: extra[r["id"]][c] for c in spec.extras}} for r in rows]
    return rows


def document_summary(store: GraphStore) -> list[dict]:
    """Per document: how many sections, tasks, targets, departments, leaders and citations it has."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for column, cypher in statements.DOCUMENT_COUNTS.items():
        for r in _rows(store, cypher):
            counts[r["doc"]][column] = r["n"]
    return [{"source": d["source"], "region": d["region"], "year": d["year"],
             **{c: counts[d["id"]].get(c, 0) for c in statements.DOCUMENT_COUNTS}}
            for d in _rows(store, statements.DOCUMENT_SUMMARY)]


# export name → function(store) → records, for every export of graph/schema.yaml; `policykg export NAME` runs one.
EXPORTS: dict[str, Callable[[GraphStore], list[dict]]] = {name: partial(run_export, name=name) for name in load_schema().exports}
