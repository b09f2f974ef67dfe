"""Score what policykg says a document is (kind, region, level, year) against gold.

    python scripts/eval_documents.py --gold tests/realdocs/gold/documents.jsonl --pred documents.jsonl

`pred` is `policykg export documents` (JSON Lines). A field the export does not carry is
reported as not measured rather than wrong.
"""
from __future__ import annotations

import argparse
import json
import sys

FIELDS = ("region", "year", "level", "kind")


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", required=True)
    parser.add_argument("--pred", required=True)
    args = parser.parse_args(argv)
    gold = {g["doc"]: g for g in read_jsonl(args.gold)}
    pred = {p["source"]: p for p in read_jsonl(args.pred)}
    carried = {f for p in pred.values() for f in p}
    print(f"documents: {len(gold)} in gold, {len(set(gold) & set(pred))} loaded")
    for field in FIELDS:
        if field not in carried:
            print(f"  {field:7s} not measured (the export has no `{field}`)")
            continue
        wrong = [(doc, g.get(field), pred.get(doc, {}).get(field)) for doc, g in sorted(gold.items())
                 if pred.get(doc, {}).get(field) != g.get(field)]
        print(f"  {field:7s} {len(gold) - len(wrong)}/{len(gold)} right")
        for doc, want, got in wrong:
            print(f"      {doc}: gold {want!r}, got {got!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
