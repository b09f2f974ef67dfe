"""Pathological text finishes: each pattern of bench/pathological.py (the three that were quadratic and
those like them) goes through the whole parse in a child process that must end within 60 s, with every
offset inside the text. Timing figures come from `python bench/pathological.py`, never from a test."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.pathological import PATTERNS, pathological_text

ROOT = Path(__file__).resolve().parent.parent
# The sizes the issue measured (60 KB of numerals: 49 s; of blank lines: 13 s;
# 180 KB of （牵头领导： > 60 s), and 30 KB of each pattern like them.
SIZES = {"numerals": 60_000, "blank-lines": 60_000, "leader-annotations": 180_000}
DEFAULT_SIZE = 30_000
TIMEOUT = 60


def test_every_pattern_finishes_and_keeps_offsets_in_the_text(tmp_path):
    paths = []
    for name in PATTERNS:
        path = tmp_path / f"{name}.txt"
        path.write_text(pathological_text(name, SIZES.get(name, DEFAULT_SIZE)), encoding="utf-8")
        paths.append(str(path))
    # One child parses them all: one start-up; the timeout is per pattern.
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from bench.pathological import parse_and_check; "
            "[print(json.dumps([p, parse_and_check(p)]), flush=True) for p in sys.argv[2:]]")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT), *paths], capture_output=True, text=True,
                          timeout=TIMEOUT * len(paths))
    assert done.returncode == 0, done.stderr[-2000:]
    results = dict(json.loads(line) for line in done.stdout.splitlines())
    assert set(results) == set(paths)
