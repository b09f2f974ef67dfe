"""End to end against the gold answers: load seeds/, export, score with the scorer.

The bars are the issues' acceptance bars; a regression in any step (reading,
normalising, structure, extraction, building, storing, deriving, exporting)
shows up here.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.graph.exports import EXPORTS
from policykg.graph.store import open_store
from policykg.app import load_paths

ROOT = Path(__file__).resolve().parent.parent
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("eval")
    store = open_store("ladybug", db_path=str(out / "g.lbdb"))
    report = load_paths([str(ROOT / "seeds")], store)
    assert not report.failed
    for kind in ["targets", "tasks", "citations", "alignments"]:
        with open(out / f"{kind}.jsonl", "w", encoding="utf-8") as fh:
            for record in EXPORTS[kind](store):
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    store.close()
    return out


def score(kind: str, gold: str, pred: Path) -> dict:
    out = subprocess.run([sys.executable, str(GOLD / "score.py"), kind, "--gold", str(GOLD / gold), "--pred", str(pred)],
                         capture_output=True, text=True, check=True).stdout
    last = out.strip().splitlines()[-1]
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", last)} | {"report": out}


def test_targets_meet_the_bar(exported):
    s = score("targets", "targets.jsonl", exported / "targets.jsonl")
    assert s["precision"] >= 0.95 and s["f1"] >= 0.95, s["report"]


def test_owners_are_exact(exported):
    s = score("owners", "owners.jsonl", exported / "tasks.jsonl")
    assert s["accuracy"] == 1.0, s["report"]


def test_citations_meet_the_bar(exported):
    s = score("citations", "citations.jsonl", exported / "citations.jsonl")
    assert s["f1"] >= 0.95, s["report"]


def test_alignments_meet_the_bar(exported):
    s = score("alignments", "alignment.jsonl", exported / "alignments.jsonl")
    assert s["f1"] >= 0.95 and s["wrong_negatives"] == 0, s["report"]
