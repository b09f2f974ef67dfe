#!/usr/bin/env python3
"""Dev check of the targets extractor on the seed plans (not a test).

For each seed: read, normalise, build the Doc with the shared pipeline, call
`extract_targets`, write one JSON line per target to --out, then score against the
gold copy in tests/gold/ with the scorer copy there.

    .venv/bin/python scripts/eval_targets.py                 # tasks=[] (each sentence its own context)
    .venv/bin/python scripts/eval_targets.py --tasks         # with loaders.structure tasks, if present
    .venv/bin/python scripts/eval_targets.py --golden        # also rewrite tests/golden/targets/<seed>.jsonl
    .venv/bin/python scripts/eval_targets.py --unmapped      # list metrics the catalogue does not map
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from policykg.loaders.extract.indicators import list_unmapped
from policykg.loaders.extract.run import get_nlp
from policykg.loaders.extract.targets import extract_targets, to_record
from policykg.loaders.metadata import parse_metadata
from policykg.loaders.model import ParsedDocument
from policykg.loaders.normalise import normalise
from policykg.loaders.read import read_source
from policykg.loaders.structure import parse_structure

ROOT = Path(__file__).resolve().parent.parent


def parse_seed(path: Path, with_tasks: bool) -> ParsedDocument:
    source = read_source(str(path))
    view = normalise(source.text)
    meta = parse_metadata(view, source.source, {})
    tasks = []
    if with_tasks:
        _, tasks = parse_structure(view)
    return ParsedDocument(source, view, meta, tasks=tasks)


def record(parsed: ParsedDocument, t, full: bool) -> dict:
    rec = {"source": parsed.source.source}
    if full:
        return {**rec, **to_record(t, parsed.view.text)}
    return {**rec, "value": t.value, "unit": t.unit, "metric": t.metric, "indicator": t.indicator}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--out", default=str(ROOT / "out" / "targets.jsonl"))
    ap.add_argument("--gold", default=str(ROOT / "tests" / "gold" / "targets.jsonl"))
    ap.add_argument("--tasks", action="store_true", help="assign tasks from loaders.structure")
    ap.add_argument("--golden", action="store_true", help="rewrite tests/golden/targets/<seed>.jsonl")
    ap.add_argument("--unmapped", action="store_true")
    a = ap.parse_args()

    nlp = get_nlp()
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    all_targets = []
    with out.open("w", encoding="utf-8") as fh:
        for path in sorted(Path(a.seeds).glob("*.txt")):
            parsed = parse_seed(path, a.tasks)
            targets = extract_targets(nlp(parsed.view.text), parsed)
            all_targets += targets
            for t in targets:
                fh.write(json.dumps(record(parsed, t, False), ensure_ascii=False) + "\n")
            if a.golden:
                golden = ROOT / "tests" / "golden" / "targets" / f"{path.stem}.jsonl"
                golden.parent.mkdir(parents=True, exist_ok=True)
                golden.write_text("".join(json.dumps(record(parsed, t, True), ensure_ascii=False) + "\n"
                                          for t in targets), encoding="utf-8")
    if a.unmapped:
        for row in list_unmapped(all_targets):
            print(f"unmapped: {row['metric']} [{row['unit']}] x{row['count']}")
    return subprocess.call([sys.executable, str(ROOT / "tests" / "gold" / "score.py"), "targets",
                            "--gold", a.gold, "--pred", str(out)])


if __name__ == "__main__":
    sys.exit(main())
