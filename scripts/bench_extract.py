#!/usr/bin/env python3
"""Throughput of target extraction on the seed plans, spaCy tokenisation included (not a test).

Prints chars/s for: tokenisation alone (nlp.make_doc), tokenisation + the targets
component + extract_targets, and the whole shared pipeline (get_nlp()) + extract_targets.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from policykg.loaders.extract import targets
from policykg.loaders.extract.run import get_nlp
from policykg.loaders.normalise import normalise
from policykg.loaders.read import read_source

ROOT = Path(__file__).resolve().parent.parent


def rate(texts: list[str], fn, repeat: int) -> float:
    fn(texts[0])                                   # warm up (compiles the grammars)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - t0)
    return sum(map(len, texts)) / best


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    texts = [normalise(read_source(str(p)).text).text for p in sorted((ROOT / "seeds").glob("*.txt"))]
    nlp = get_nlp()
    component = nlp.get_pipe(targets.COMPONENT)
    print(f"{sum(map(len, texts))} chars in {len(texts)} seeds, best of {repeat}")
    print(f"tokenise only                      : {rate(texts, nlp.make_doc, repeat):>10,.0f} chars/s")
    print(f"tokenise + targets + extract       : "
          f"{rate(texts, lambda t: targets.extract_targets(component(nlp.make_doc(t)), None), repeat):>10,.0f} chars/s")
    print(f"targets only (no tokenisation)     : {rate(texts, targets.find_targets, repeat):>10,.0f} chars/s")
    print(f"whole shared pipeline + extract    : "
          f"{rate(texts, lambda t: targets.extract_targets(nlp(t), None), repeat):>10,.0f} chars/s")


if __name__ == "__main__":
    main()
