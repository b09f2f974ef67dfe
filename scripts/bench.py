"""Benchmarks (run by `make bench`; targets are checked here, never in tests).

- extraction: characters per second per core for parse_document on the seeds
  (target ≥ 200,000 chars/s, reading from memory, without the store);
- load: documents per second into a fresh LadybugDB.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policykg.app import load_paths  # noqa: E402
from policykg.graph.store import open_store  # noqa: E402
from policykg.loaders.pipeline import parse_document  # noqa: E402

EXTRACTION_TARGET = 200_000


def _variants(paths: list[Path], rounds: int, folder: Path) -> list[Path]:
    """Distinct copies of the plans (a different first line each round), so that no
    per-text cache makes a repeated document look faster than a new one."""
    out = []
    for r in range(rounds):
        for p in paths:
            target = folder / f"r{r}-{p.name}"
            target.write_text(f"（基准第{r + 1}轮）\n" + p.read_text(encoding="utf-8"), encoding="utf-8")
            out.append(target)
    return out


def bench_extraction(paths: list[Path], rounds: int = 5) -> float:
    """Characters per CPU second through read → normalise → structure → extraction."""
    with tempfile.TemporaryDirectory() as tmp:
        parse_document(str(paths[0]))   # warm up: build the spaCy pipeline and vocabularies once
        variants = _variants(paths, rounds, Path(tmp))
        chars = sum(len(p.read_text(encoding="utf-8")) for p in variants)
        start = time.process_time()
        for p in variants:
            parse_document(str(p))
        return chars / (time.process_time() - start)


def bench_load(paths: list[Path]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store("ladybug", db_path=os.path.join(tmp, "g.lbdb"))
        start = time.perf_counter()
        load_paths([str(p) for p in paths], store)
        elapsed = time.perf_counter() - start
        store.close()
    return len(paths) / elapsed


def main() -> int:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    rate = bench_extraction(seeds)
    print(f"extraction: {rate:,.0f} chars/s per core (target ≥ {EXTRACTION_TARGET:,})")
    print(f"load: {bench_load(seeds):.1f} documents/s into LadybugDB (incl. alignment)")
    return 0 if rate >= EXTRACTION_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
