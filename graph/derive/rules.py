"""The derivation rules, read from loaders/vocab/alignment.yaml (data, not code).

Unit families come from the indicator catalogue (loaders/vocab/indicators.yaml), the
one place that says which units count the same kind of thing; alignment.yaml says
how values in a family compare (share of a count, gap between rates) and holds the
similarity thresholds.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from policykg.loaders.extract.indicators import load_catalogue
from policykg.loaders.vocabulary import read_vocab, vocab_path

__all__ = ["RULES_PATH", "SectionRules", "ReuseRules", "UnitMatch", "Rules", "load_rules"]

RULES_PATH = vocab_path("alignment")


@dataclass(frozen=True)
class SectionRules:
    ngram: int = 2
    top_k: int = 3
    min_score: float = 0.05
    shared_min_chars: int = 4
    shared_max: int = 5


@dataclass(frozen=True)
class ReuseRules:
    ngram: int = 4
    threshold: float = 0.6
    min_chars: int = 12


@dataclass(frozen=True)
class UnitMatch:
    """How two units relate: the unit families that make them comparable and how values compare."""
    families: frozenset[str]     # empty when the units are only written identically
    compare: str | None          # share | gap | None (comparable, but no arithmetic)
    approximate: bool = False    # different families the indicator is counted in (户 vs 人 users)

    @property
    def family(self) -> str:
        return ("~" if self.approximate else "+").join(sorted(self.families)) or "same-unit"


@dataclass(frozen=True)
class Rules:
    compare: dict[str, str] = field(default_factory=lambda: {"percent": "gap"})
    default_compare: str = "share"
    unmapped: frozenset[str] = frozenset({"unmapped", ""})
    gap_equal_tolerance: float = 1e-4
    continuation_tolerance: float = 1e-4
    sections: SectionRules = field(default_factory=SectionRules)
    reuse: ReuseRules = field(default_factory=ReuseRules)
    families_of: Callable[[str], frozenset[str]] = field(default=lambda unit: frozenset(), compare=False)
    indicator_families: Callable[[str], frozenset[str]] = field(default=lambda name: frozenset(), compare=False)

    def is_mapped(self, indicator: str | None) -> bool:
        return indicator is not None and indicator.strip() not in self.unmapped

    def how(self, family: str) -> str:
        return self.compare.get(family, self.default_compare)

    def match_units(self, a: str | None, b: str | None, indicator: str | None = None) -> UnitMatch | None:
        """How units `a` and `b` of two targets of `indicator` compare; None when they measure
        different kinds of quantity (a 30% ratio vs a count of 3000 people).

        Comparable are units of one family (名/人/位), identically written units, and units of
        two families the catalogue counts this indicator in (一键通 users in 户 or in 人) when
        both families compare the same way; the last is marked approximate."""
        a, b = (a or "").strip(), (b or "").strip()
        fam_a, fam_b = self.families_of(a), self.families_of(b)
        shared = fam_a & fam_b
        if shared:
            compares = {self.how(f) for f in shared}
            # A unit pair in a rate family and a count family at once cannot be told apart: no arithmetic.
            return UnitMatch(frozenset(shared), compares.pop() if len(compares) == 1 else None)
        if a and a == b:
            return UnitMatch(frozenset(), None)
        admitted = self.indicator_families(indicator) if indicator else frozenset()
        in_a, in_b = fam_a & admitted, fam_b & admitted
        if in_a and in_b:
            compares = {self.how(f) for f in in_a | in_b}
            if len(compares) == 1:
                return UnitMatch(frozenset(in_a | in_b), compares.pop(), approximate=True)
        return None


def _catalogue() -> tuple[Callable[[str], frozenset[str]], Callable[[str], frozenset[str]]]:
    """(unit → its unit families, indicator → the families it is counted in), from the indicator catalogue."""
    catalogue = load_catalogue()

    def indicator_families(name: str) -> frozenset[str]:
        entry = catalogue.indicators.get(name)
        return frozenset(entry.units) if entry else frozenset()

    return catalogue.families_of, indicator_families


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> Rules:
    """The rules of loaders/vocab/alignment.yaml (or of `path`), with the catalogue's unit families.

    >>> rules = load_rules()
    >>> rules.is_mapped("养老床位"), rules.is_mapped("unmapped")
    (True, False)
    >>> rules.match_units("张", "张", "养老床位") is not None, rules.match_units("%", "张", "养老床位")
    (True, None)
    """
    raw = read_vocab(path or RULES_PATH) or {}
    compare = {str(k): str(v) for k, v in (raw.get("compare") or {}).items()}
    default_compare = str(raw.get("default_compare", "share"))
    families_of, indicator_families = _catalogue()
    for family, how in list(compare.items()) + [("default_compare", default_compare)]:
        if how not in ("share", "gap"):
            raise ValueError(f"alignment.yaml: {family} compares by {how!r}; use share or gap")
    return Rules(
        compare=compare,
        default_compare=default_compare,
        unmapped=frozenset(str(x) for x in raw.get("unmapped_indicators", ["unmapped", ""])),
        gap_equal_tolerance=float(raw.get("gap_equal_tolerance", 1e-4)),
        continuation_tolerance=float(raw.get("continuation_tolerance", 1e-4)),
        sections=SectionRules(**(raw.get("sections") or {})),
        reuse=ReuseRules(**(raw.get("reuse") or {})),
        families_of=families_of,
        indicator_families=indicator_families,
    )
