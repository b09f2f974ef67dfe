"""The indicator catalogue (`loaders/vocab/indicators.yaml`) and metric → indicator matching.

A target's metric is the plan's own wording (`社区长者食堂`, `“养老院+互联网”医院`,
`全区护理员技能等级证书持证率`); `match_indicator` maps it to a canonical indicator:

* every synonym and pattern of every indicator is looked for inside the metric
  (quotes and spaces ignored; a bracketed part tried both kept and dropped);
* the match ending furthest right wins (the head of a Chinese noun phrase is on its
  right), then the longest; contextual synonyms count only when the sentence around
  the target names their context;
* the indicator must be counted in a unit family that admits the target's unit
  (护理员 counted in 张 is not the 养老护理员 indicator), and the words after the match
  must not end with a head noun of their own (`other_heads`: 居民区“美丽家园”示范项目
  counts projects, not 居民区); otherwise the next match is tried, and with none left
  the metric is `unmapped`.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from policykg.loaders.vocabulary import alternation, load_vocab, read_vocab

__all__ = ["UNMAPPED", "normalise_metric", "Indicator", "Catalogue", "load_catalogue", "match_indicator", "list_unmapped"]

UNMAPPED = "unmapped"

_IGNORED = re.compile(r"[\s“”‘’\"'「」『』《》]")
_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)")


def normalise_metric(text: str) -> str:
    """The form metrics and synonyms are compared in: no quotes or spaces, ASCII plus.

    Examples:
        >>> normalise_metric("“养老院＋互联网” 医院")
        '养老院+互联网医院'
    """
    return _IGNORED.sub("", text or "").replace("＋", "+")


@dataclass(frozen=True)
class Indicator:
    name: str
    theme: str
    units: tuple[str, ...]                # unit families
    synonyms: tuple[str, ...]
    patterns: tuple[str, ...]
    context_synonyms: tuple[str, ...] = ()
    context_requires: tuple[str, ...] = ()


class Catalogue:
    """The indicators of a catalogue file, compiled for matching metrics (see the module doc)."""

    def __init__(self, data: dict):
        self.unit_families: dict[str, frozenset[str]] = {
            family: frozenset(str(u) for u in units) for family, units in data["unit_families"].items()}
        self.indicators: dict[str, Indicator] = {}
        literal: dict[str, str] = {}
        contextual: dict[str, list[str]] = {}
        patterns: list[tuple[re.Pattern, str]] = []
        for raw in data["indicators"]:
            ctx = raw.get("contextual") or {}
            ind = Indicator(
                name=raw["name"], theme=raw["theme"], units=tuple(raw["units"]),
                synonyms=tuple(normalise_metric(s) for s in raw.get("synonyms") or ()),
                patterns=tuple(raw.get("patterns") or ()),
                context_synonyms=tuple(normalise_metric(s) for s in ctx.get("synonyms") or ()),
                context_requires=tuple(ctx.get("requires") or ()),
            )
            if ind.name in self.indicators:
                raise ValueError(f"indicator {ind.name} is listed twice")
            unknown = set(ind.units) - set(self.unit_families)
            if unknown:
                raise ValueError(f"indicator {ind.name}: unknown unit families {sorted(unknown)}")
            self.indicators[ind.name] = ind
            for syn in ind.synonyms:
                if literal.setdefault(syn, ind.name) != ind.name:
                    raise ValueError(f"synonym {syn} names both {literal[syn]} and {ind.name}")
            for syn in ind.context_synonyms:
                contextual.setdefault(syn, []).append(ind.name)
            patterns.extend((re.compile(p), ind.name) for p in ind.patterns)
        self._literal = literal
        self._contextual = contextual
        self._patterns = patterns
        self.other_heads = tuple(normalise_metric(h) for h in data.get("other_heads") or ())
        # A zero-width lookahead finds the longest synonym starting at every position,
        # so overlapping synonyms (养老护理员 / 护理员持证率) are all seen.
        self._literal_re = re.compile(f"(?=({alternation(literal)}))")
        self._contextual_re = re.compile(f"(?=({alternation(contextual)}))") if contextual else None
        # Non-overlapping, longest-first: marks catalogue names inside running text.
        self.names_re = re.compile(alternation(literal))
        self._unit_to_families: dict[str, frozenset[str]] = {}
        for family, units in self.unit_families.items():
            for u in units:
                self._unit_to_families[u] = self._unit_to_families.get(u, frozenset()) | {family}

    # -- matching ---------------------------------------------------------------

    def families_of(self, unit: str | None) -> frozenset[str]:
        """The unit families that count in `unit`.

        Examples:
            >>> sorted(load_catalogue().families_of("个"))
            ['count_facilities', 'count_items', 'count_teams']
            >>> load_catalogue().families_of("吨")
            frozenset()
        """
        return self._unit_to_families.get(unit or "", frozenset())

    def _candidates(self, metric: str, context: str | None) -> list[tuple[int, int, str, str]]:
        """(distance of the match's end from the metric's end, -length, name, words after it)
        for each match."""
        found = []
        for m in self._literal_re.finditer(metric):
            end = m.start() + len(m.group(1))
            found.append((len(metric) - end, -len(m.group(1)), self._literal[m.group(1)], metric[end:]))
        for rx, name in self._patterns:
            for m in rx.finditer(metric):
                found.append((len(metric) - m.end(), -(m.end() - m.start()), name, metric[m.end():]))
        if context and self._contextual_re is not None:
            for m in self._contextual_re.finditer(metric):
                for name in self._contextual[m.group(1)]:
                    if any(word in context for word in self.indicators[name].context_requires):
                        end = m.start() + len(m.group(1))
                        found.append((len(metric) - end, -len(m.group(1)), name, metric[end:]))
        return found

    def match(self, metric: str, unit: str | None = None, context: str | None = None) -> str:
        """The canonical indicator named by `metric` counted in `unit`, or `unmapped`."""
        text = normalise_metric(metric)
        if not text:
            return UNMAPPED
        found = self._candidates(text, context)
        bare = _BRACKETED.sub("", text)
        if bare != text:
            found += self._candidates(bare, context)
        families = self.families_of(unit) if unit else None
        for _, _, name, after in sorted(found):
            if after.endswith(self.other_heads):
                continue                         # 孵化基地入驻组织: the organisations are counted
            if families is None or families & set(self.indicators[name].units):
                return name
        return UNMAPPED

    def theme(self, name: str) -> str | None:
        ind = self.indicators.get(name)
        return ind.theme if ind else None


@lru_cache(maxsize=4)
def load_catalogue(path: str | None = None) -> Catalogue:
    """Load (once) and compile the indicator catalogue."""
    return Catalogue(read_vocab(path) if path else load_vocab("indicators"))


def match_indicator(metric: str, unit: str | None = None, context: str | None = None) -> str:
    """Canonical indicator for a metric counted in `unit` (None: any unit); `unmapped` if none fits.

    `context` is the sentence around the target; it enables contextual synonyms
    (a bare 街镇覆盖率 is the 精神障碍社区康复服务 coverage only next to those words).

    Examples:
        >>> match_indicator("新增养老床位", "张"), match_indicator("智慧养老院", "家")
        ('养老床位', '智慧养老院')
        >>> match_indicator("护理员", "张")
        'unmapped'
    """
    return load_catalogue().match(metric, unit, context)


def list_unmapped(targets: Iterable) -> list[dict]:
    """Distinct unmapped metrics (with unit and how often seen), most frequent first.

    Accepts TargetMention objects or exported dicts; for curating the catalogue.

    Examples:
        >>> list_unmapped([{"metric": "某某指标", "unit": "个"}, {"metric": "养老床位", "unit": "张", "indicator": "养老床位"}])
        [{'metric': '某某指标', 'unit': '个', 'count': 1}]
    """
    counts: Counter = Counter()
    for t in targets:
        get = t.get if isinstance(t, dict) else (lambda k, _t=t: getattr(_t, k, None))
        if (get("indicator") or UNMAPPED) == UNMAPPED:
            counts[(normalise_metric(get("metric") or ""), get("unit") or "")] += 1
    return [{"metric": m, "unit": u, "count": n}
            for (m, u), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
