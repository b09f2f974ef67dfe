"""`make bench-pathological`: 1 MB of each pathological pattern through the whole parse, timed.

Each pattern is text a hostile or broken input can hold and that once made a regular expression
or a scan super-linear (a run of Chinese numerals: 60 KB took 49 s; blank lines: 13 s; repeated
`（牵头领导：`: over 60 s for 180 KB; a target on every line: 5 minutes for 2 million characters), or
is like them (、、、, nested brackets, 《《《, quoted programs). Every
pattern runs in its own child process (read → normalise → metadata → structure → owners →
extraction, `parse_document`) and the table shows the CPU seconds of the parse at 250 KB and
at 1 MB: linear work takes about four times as long for four times the text.

    python bench/pathological.py [--size BYTES] [--only NAME ...] [--timeout S]

tests/test_pathological.py feeds the same patterns, smaller, and asserts only that they finish
and that every offset still reproduces the text.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["PATTERNS", "pathological_text", "parse_and_check"]

# name -> the unit repeated (after a first heading, so the structure parser has a plan to read)
PATTERNS = {
    "numerals": "一二三四五六七八九十百千万亿",
    "blank-lines": "\n",
    "leader-annotations": "（牵头领导：",
    "department-annotations": "责任部门：",
    "enumeration-commas": "、",
    "nested-brackets": "（【《「",
    "book-title-marks": "《",
    "closing-brackets": "）】》」",
    "written-percent": "百分之",
    "semicolons": "；",
    "numbered-items": "（一）1.",
    "digits-and-units": "1万2千",
    "spaces": " \u3000\t",
    # a numbered task per line, each with a target and a body: finding each mention's task scanned
    # every task before it (2 million characters took 5 minutes)
    "target-lines": "1.新增养老床位100张，由区民政局负责。\n",
    "quoted-programs": "推进“老伙伴计划”和老伙伴计划。",
}


def pathological_text(name: str, size: int) -> str:
    """About `size` characters: a plan heading, then the pattern repeated.

    >>> pathological_text("enumeration-commas", 12)
    '一、总体要求\\n、、、、、、\\n'
    """
    unit = PATTERNS[name]
    head = "一、总体要求\n"
    return head + unit * max(1, (size - len(head)) // len(unit)) + "\n"


def parse_and_check(path: str) -> dict:
    """Parse one file as a load does and check every offset against the text; the counts found."""
    from policykg.loaders.pipeline import parse_document

    parsed = parse_document(path)
    view = parsed.view
    assert view.original == parsed.source.text
    spans = [s.span for s in parsed.sections] + [t.span for t in parsed.tasks] + [o.span for o in parsed.owners]
    spans += [m.span for m in parsed.mentions] + [t.span for t in parsed.targets]
    for item in spans:
        start, end = item
        assert 0 <= start <= end <= len(view.text), item
        o_start, o_end = view.to_original(start, end)
        assert 0 <= o_start <= o_end <= len(view.original), item
    return {"sections": len(parsed.sections), "tasks": len(parsed.tasks), "targets": len(parsed.targets)}


def _child(name: str, size: int, timeout: float) -> tuple[float | None, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.txt"
        path.write_text(pathological_text(name, size), encoding="utf-8")
        # CPU seconds of the parse alone: on a shared machine wall time mostly measures the neighbours.
        code = ("import json, sys, time; sys.path.insert(0, sys.argv[2]); from bench.pathological import parse_and_check; "
                "t = time.process_time(); r = parse_and_check(sys.argv[1]); "
                "print(json.dumps({'s': time.process_time() - t, **r}))")
        try:
            done = subprocess.run([sys.executable, "-c", code, str(path), str(ROOT)], capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"> {timeout:.0f} s"
        if done.returncode != 0:
            return None, (done.stderr.strip().splitlines() or ["failed"])[-1]
        result = json.loads(done.stdout.strip().splitlines()[-1])
        return result["s"], f"{result['sections']} sections, {result['tasks']} tasks, {result['targets']} targets"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1_000_000, help="characters per pattern (default 1 MB)")
    ap.add_argument("--only", nargs="*", choices=sorted(PATTERNS), help="these patterns only")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds before a pattern counts as hung")
    args = ap.parse_args(argv)
    print(f"{'pattern':<24} {'CPU s at ' + format(args.size // 4, ','):>16} {'CPU s at ' + format(args.size, ','):>18}  found")
    worst = 0.0
    for name in args.only or PATTERNS:
        quarter, _ = _child(name, args.size // 4, args.timeout)
        full, note = _child(name, args.size, args.timeout)
        cells = [f"{t:.2f}" if t is not None else "—" for t in (quarter, full)]
        print(f"{name:<24} {cells[0]:>16} {cells[1]:>18}  {note}", flush=True)
        worst = max(worst, full if full is not None else float("inf"))
    return 0 if worst != float("inf") else 1


if __name__ == "__main__":
    sys.exit(main())
