"""Themes of civil-affairs work (养老服务, 社会救助, … 自身建设) and who owns them.

`classify_theme(text)` scores the weighted keywords of vocab/themes.yaml found in a
section title or a task's text; it is also what aligns a district's sections with the
city's. `owning_section(theme, level)` is the bureau section (district 科 / city 处)
that usually owns a theme, used to infer owners of tasks a plan assigns to nobody.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from policykg.loaders.vocabulary import alternation, load_vocab

__all__ = ["THEMES", "theme_scores", "classify_theme", "task_theme", "section_themes", "owning_section"]


@dataclass(frozen=True)
class _Themes:
    names: tuple[str, ...]
    keywords: re.Pattern
    weights: dict                 # keyword → ((theme, weight), …)
    owners: dict                  # theme → {level: section}
    section_prior: float
    min_override: float
    fallback_level: str
    no_inference_levels: frozenset


@lru_cache(maxsize=1)
def _themes() -> _Themes:
    v = load_vocab("themes")
    weights: dict[str, list[tuple[str, float]]] = {}
    for theme, keywords in v["themes"].items():
        for word, weight in keywords.items():
            weights.setdefault(word, []).append((theme, float(weight)))
    pattern = re.compile(alternation(weights))
    return _Themes(tuple(v["themes"]), pattern, {w: tuple(ts) for w, ts in weights.items()},
                   v.get("owners") or {}, float(v.get("section_prior", 0)), float(v.get("min_override_score", 0)),
                   v.get("fallback_level", "district"), frozenset(v.get("no_inference_levels") or ()))


THEMES: tuple[str, ...] = _themes().names


def theme_scores(text: str) -> dict[str, tuple[float, int]]:
    """theme → (score, position of its first keyword) for the keywords found in `text`.

    Examples:
        >>> theme_scores("推进养老服务，完善社会救助")
        {'养老服务': (3.0, 2), '社会救助': (4.0, 9)}
        >>> theme_scores("加强学习")
        {}
    """
    t = _themes()
    scores: dict[str, tuple[float, int]] = {}
    for m in t.keywords.finditer(text):
        for theme, weight in t.weights[m.group()]:
            score, first = scores.get(theme, (0.0, m.start()))
            scores[theme] = (score + weight, first)
    return scores


def classify_theme(text: str, prior: str | None = None) -> str | None:
    """The theme of a title or task text; None when it names none.

    `prior` (the enclosing section's theme) gets a bonus when the text names it too,
    so a task that mentions its own theme and another one as often stays in its own.
    Ties go to the theme named first.

    Examples:
        >>> classify_theme("完善社会救助体系")
        '社会救助'
        >>> classify_theme("完成为民办实事等重点项目") is None
        True
    """
    return _best(text, prior)[0]


def _best(text: str, prior: str | None) -> tuple[str | None, float]:
    scores = theme_scores(text) if text else {}
    if not scores:
        return None, 0.0
    bonus = _themes().section_prior
    best = min(scores, key=lambda th: (-(scores[th][0] + (bonus if th == prior else 0)), scores[th][1]))
    return best, scores[best][0]


def task_theme(text: str, section_theme: str | None) -> str | None:
    """A task's theme: its own text's (its section's theme breaking ties), else its section's.

    Only a clear cue (vocab `min_override_score`) takes a task out of its section's
    theme: 深化执法监督 under 社会组织 stays 社会组织 although 执法 hints at 自身建设.

    Examples:
        >>> task_theme("新增养老床位300张", "社会救助")
        '养老服务'
        >>> task_theme("完成全年目标", "社会救助")
        '社会救助'
    """
    own, score = _best(text, section_theme)
    if own is None or (section_theme and own != section_theme and score < _themes().min_override):
        return section_theme
    return own


def section_themes(sections) -> dict[str, str | None]:
    """path → theme for Sections: `Section.theme` where set, else the title's theme, else
    the parent's (a title such as 完成为民办实事等重点项目 says nothing on its own).

    Examples:
        >>> from policykg.loaders.model import Section
        >>> sections = [Section("一", "一、", 1, "推进养老服务", (0, 6), (0, 20)),
        ...             Section("一/（一）", "（一）", 2, "完成重点项目", (8, 14), (8, 20), parent="一")]
        >>> section_themes(sections)
        {'一': '养老服务', '一/（一）': '养老服务'}
    """
    out: dict[str, str | None] = {}
    for section in sorted(sections, key=lambda s: s.level):
        own = section.theme or classify_theme(section.title)
        out[section.path] = own or (out.get(section.parent) if section.parent else None)
    return out


def owning_section(theme: str, level: str | None) -> str | None:
    """The bureau section that usually owns `theme` in a plan of `level` (city | district …).

    Examples:
        >>> owning_section("社会救助", "district")
        '社会救助科'
        >>> owning_section("社会救助", "town") is None
        True
    """
    t = _themes()
    if level in t.no_inference_levels:
        return None
    columns = t.owners.get(theme) or {}
    return columns.get(level) or columns.get(t.fallback_level)
