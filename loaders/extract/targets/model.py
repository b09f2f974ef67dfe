"""`Statement`: one NUMBER UNIT of the text read as a target, before document-level merging (the record
the package passes between its modules)."""
from __future__ import annotations

from dataclasses import dataclass

from policykg.loaders.extract.targets.grammar import Verb

__all__ = ["Statement"]


@dataclass
class Statement:
    """One NUMBER UNIT of the text read as a target (before document-level merging)."""
    value: float
    value_max: float | None
    value_min: float | None
    unit: str
    metric: str
    metric_span: tuple[int, int]
    action: Verb | None
    modifiers: list[str]
    span: tuple[int, int]
    written: str
    chinese: bool
    counted: str | None = None
    as_of_year: int | None = None         # the year a statement is dated (a range's last year)
    from_year: int | None = None          # a range's first year (2025—2027年，…)
    each: list[str] | None = None
    cumulative: bool = False
    at: int = -1                          # where the number starts
    # Kept only when its metric is a catalogued indicator (a verbless table row, an item after
    # a comma that borrows the verb of the clause before).
    needs_catalogue: bool = False
    # The target stated just before that a 其中 clause is a part of (never the same indicator).
    part_of: Statement | None = None
    together: bool = False                # 新增A及B共20个: several things counted as one
