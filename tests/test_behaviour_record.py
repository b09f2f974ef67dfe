"""Behaviour record: the seeds' exports and every named query's rows, kept byte for byte.

A refactoring must not change what policykg answers. `tests/behaviour/` holds the
JSON Lines that the seeds gave when the record was made; this test loads the seeds
again into a fresh embedded graph and compares every file byte for byte.

Regenerate only for a change that is meant to alter answers, and say so in the
commit:  python -m tests.test_behaviour_record
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from policykg.graph.exports import EXPORTS
from policykg.graph.ladybug_store import LadybugStore
from policykg.app import load_paths
from policykg.queries import list_queries, run_query

ROOT = Path(__file__).resolve().parent.parent
RECORD = Path(__file__).resolve().parent / "behaviour"
EXPORTED = ("documents", "sections", "tasks", "targets", "citations", "alignments")
# Named queries with their defaults, plus selective forms an analyst uses on the seeds.
QUERY_CASES = [
    ("alignment", {"indicator": "养老床位"}), ("alignment", {"district": "静安区"}),
    ("owner", {"keyword": "长者食堂"}), ("owner", {"source": "jinshan-2025"}),
    ("lineage", {"name": "jingan-2025"}), ("lineage", {"name": "shanghai-2024"}),
    ("lineage", {"name": "changning-2025"}), ("lineage", {"name": "老伙伴计划"}), ("lineage", {"name": "养老床位"}),
    ("search", {"keyword": "养老"}), ("search", {"keyword": "持证率"}),
    ("target-history", {"region": "长宁区"}), ("rollup", {"indicator": "社区长者食堂"}),
    ("department-load", {"include_inferred": False}), ("gaps", {"include_unmapped": True}),
]


def _line(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False, default=str)


def behaviour(workdir: Path) -> dict[str, str]:
    """File name → JSON Lines text of the seeds' exports and named-query rows."""
    cwd = os.getcwd()
    os.chdir(ROOT)   # documents record the path they were loaded from: load `seeds` as `make run` does
    try:
        store = LadybugStore(str(workdir / "graph.lbdb"))
        report = load_paths(["seeds"], store)
    finally:
        os.chdir(cwd)
    assert not report.failed, [o.message for o in report.failed]
    try:
        return answers(store)
    finally:
        store.close()


def answers(store) -> dict[str, str]:
    """File name → JSON Lines text of the exports and named-query rows of the graph in `store`."""
    out: dict[str, str] = {}
    for name in EXPORTED:
        out[f"export-{name}.jsonl"] = "".join(_line(r) + "\n" for r in EXPORTS[name](store))
    cases = [(q.name, {}) for q in list_queries() if not any(p.required for p in q.params)] + QUERY_CASES
    lines = []
    for name, params in cases:
        result = run_query(store, name, params)
        lines.append(_line({"query": name, "params": params, "columns": list(result.columns)}))
        lines.extend(_line(dict(zip(result.columns, row))) for row in result.rows)
    out["queries.jsonl"] = "".join(line + "\n" for line in lines)
    return out


def test_seed_exports_and_named_queries_are_byte_identical_to_the_record(tmp_path):
    got = behaviour(tmp_path)
    recorded = {p.name: p.read_text(encoding="utf-8") for p in RECORD.glob("*.jsonl")}
    assert sorted(got) == sorted(recorded)
    changed = [name for name in got if got[name] != recorded[name]]
    for name in changed:
        old, new = recorded[name].splitlines(), got[name].splitlines()
        first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        pytest.fail(f"{name} differs from the record at line {first + 1}:\n"
                    f"  recorded: {old[first] if first < len(old) else '<end>'}\n"
                    f"  now:      {new[first] if first < len(new) else '<end>'}")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, text in behaviour(Path(tmp)).items():
            (RECORD / name).write_text(text, encoding="utf-8")
            print(f"{RECORD / name}: {text.count(chr(10))} lines", file=sys.stderr)
