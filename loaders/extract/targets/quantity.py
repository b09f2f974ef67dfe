"""`Quantity`: one NUMBER UNIT of the text in its sentence, as the rules see it.

The grammar reads one NUMBER UNIT at a time (a match of `Grammar.quantity`). A `Quantity`
holds what was read (value, range, unit, modifiers written with it) and, computed on first
use, where its sentence, clause and enumeration item start, the words right before and after
it, and the table column it stands in. The rules of `exclusions` and the steps of `metrics`
read these instead of walking the text again.

Examples:
    >>> q = quantities("推进长者食堂建设，全年新增养老床位不少于1200张。")[0]
    >>> q.value, q.unit, q.modifiers
    (1200.0, '张', ['at_least'])
    >>> q.text[q.seg_start:q.start], q.core_before
    ('全年新增养老床位不少于', '全年新增养老床位')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from policykg.loaders import numbers
from policykg.loaders.extract.targets.grammar import (
    MASK,
    SENTENCE_REACH,
    Grammar,
    after_phrase,
    back,
    clause_year,
    cut_at_predicate,
    forward,
    grammar,
    leaves_the_next_verb,
    past_an_age_range,
    past_an_aside,
    through_shared_modifiers,
    years,
)
from policykg.loaders.extract.targets.model import Statement
from policykg.loaders.extract.targets.tables import Column, table_column

__all__ = ["Quantity", "read_quantity", "quantities"]


@dataclass(eq=False)
class Quantity:
    """One NUMBER UNIT of `text` (the match `match`) with the reading of the number before it."""
    g: Grammar
    text: str
    match: re.Match
    prev_end: int                  # where the NUMBER UNIT before this one ends (0 for the first)
    prev: Statement | None         # the target stated just before
    value: float
    lo: float | None               # the low end of a range (3至5家)
    unit: str
    written_modifiers: list[str]   # written with the number: 30余件, 95%以上
    counted: str | None            # a noun standing as the unit: 10万老年人
    chinese: bool                  # written in Chinese numerals

    @property
    def start(self) -> int:
        return self.match.start()

    @property
    def end(self) -> int:
        return self.match.end()

    @property
    def percent(self) -> bool:
        return self.g.is_percent(self.unit)

    # -- where things start and end ------------------------------------------------

    @cached_property
    def seg_start(self) -> int:
        """Start of the number's clause."""
        return back(self.text, self.start, self.g.clause)

    @cached_property
    def sent_start(self) -> int:
        """Start of the number's sentence."""
        return back(self.text, self.start, self.g.hard, reach=SENTENCE_REACH)

    @cached_property
    def opens(self) -> int:
        """Start of the clause, or of the marker before it: 其中，护理型床位200张 (a marker standing as a
        clause of its own opens the clause after it)."""
        g, text, seg_start = self.g, self.text, self.seg_start
        if seg_start > self.sent_start:
            marker_start = back(text, seg_start - 1, g.clause, self.sent_start)
            if text[marker_start:seg_start - 1].strip() in g.continuation:
                return marker_start
        return seg_start

    @cached_property
    def item_start(self) -> int:
        """Start of the number's enumeration item: 、 separates items each with its own number
        (新增2个A、2家B); before the first number of the clause it lists things counted together
        (新增A、B共10个). Inside brackets the item starts there: （其中护理型床位不低于60%）."""
        g, text, qs = self.g, self.text, self.start
        item_start = self.seg_start
        if self.seg_start < self.prev_end <= qs:
            item_start = max(self.prev_end, back(text, qs, g.item, self.prev_end))
        opened = max(text.rfind(o, item_start, qs) for o in g.open_brackets)
        if opened >= 0 and not any(text.find(c, opened, qs) >= 0 for c in g.close_brackets):
            item_start = opened + 1
        return item_start

    @cached_property
    def clause_end(self) -> int:
        return forward(self.text, self.end, self.g.clause)

    # -- the words around the number -------------------------------------------------

    @property
    def before_number(self) -> str:
        """The item's text before the number."""
        return self.text[self.item_start:self.start]

    @property
    def clause_before(self) -> str:
        """The clause's text before the number."""
        return self.text[self.seg_start:self.start]

    @cached_property
    def _trailing(self) -> tuple[str, list[str]]:
        return self.g.trailing_modifiers(self.before_number)

    @property
    def core_before(self) -> str:
        """The item's text before the number without the modifiers right before it (不少于, 约)."""
        return self._trailing[0]

    @cached_property
    def after_start(self) -> int:
        """Where the words after the unit start (past an aside in brackets: grammar.past_an_aside)."""
        return past_an_age_range(self.g, self.text, past_an_aside(self.g, self.text, self.end))

    @cached_property
    def raw_after(self) -> str:
        """The text after the unit up to a separator (see grammar.after_phrase)."""
        start = self.after_start
        g, text = self.g, self.text
        return leaves_the_next_verb(g, text, start, through_shared_modifiers(g, text, start, after_phrase(g, text, start)))

    @cached_property
    def after(self) -> str:
        """`raw_after` up to the predicate it may run into."""
        return cut_at_predicate(self.g, self.raw_after)

    @cached_property
    def _after_metric(self) -> tuple[str, bool]:
        cleaned = self.g.clean_metric(self.after.lstrip(self.g.possessive))
        if self.g.full_coverage_re.fullmatch(cleaned):
            return "", True
        return cleaned, False

    @property
    def after_clean(self) -> str:
        """The metric written after the unit, cleaned ('' when it only restates 全覆盖)."""
        return self._after_metric[0]

    @cached_property
    def modifiers(self) -> list[str]:
        """Every qualifier of the value: written with it, right before it, 力争 in its sentence, and
        全覆盖 restating it (实现精神障碍社区康复服务100%全覆盖)."""
        mods = self.written_modifiers + self._trailing[1]
        if self.g.aspirational_re.search(self.text, self.sent_start, self.start):   # 力争 scopes over its sentence
            mods.append("aspirational")
        if self._after_metric[1]:
            mods.append("full_coverage")
        return mods

    @property
    def together(self) -> bool:
        """新增社区长者食堂及老年助餐点共20个: the count is a total of several things."""
        return self.core_before.endswith(self.g.together_markers)

    @cached_property
    def about_money(self) -> bool:
        """A percentage in a clause about money or a standard (不低于30%的福彩公益金用于养老服务)."""
        return self.percent and any(
            w.group("money") for w in self.g.money_re.finditer(self.text, self.seg_start, self.clause_end))

    @cached_property
    def column(self) -> Column | None:
        """What the table the number stands in says of it (None outside tables)."""
        return table_column(self.g, self.text, self.start)

    # -- dates -------------------------------------------------------------------------

    @cached_property
    def looks_back(self) -> re.Match | None:
        """截至 / 过去一年 … in the sentence's first clause (before the number)."""
        return self.g.achieved_lead_re.search(
            self.text, self.sent_start, min(self.start, forward(self.text, self.sent_start, self.g.clause)))

    @cached_property
    def as_of(self) -> re.Match | None:
        """截至2024年底，…: the year a look back names (the sentence is dated by it)."""
        return self.g.leading_year_re.match(self.text, self.looks_back.end()) if self.looks_back else None

    @cached_property
    def years(self) -> tuple[int | None, int | None]:
        """The first and last year the statement is dated: 2024年，… / 截至2024年底，… (which may be
        before the plan's, see consolidate), a year in the clause before the number, or the
        table column's year."""
        g, text = self.g, self.text
        year = self.as_of or clause_year(g, text, self.sent_start, self.seg_start)
        first_year, last_year = years(year)
        if year is None:
            # 圆满完成2024年度新增养老床位500张的目标任务: a year in the clause before the number dates it
            # too (not one inside a title or brackets: 落实《…（2024—2027年）》).
            dated = g.clause_year_re.search(g.titles_re.sub(lambda t: MASK * len(t.group()), self.clause_before))
            if dated:
                first_year = last_year = int(dated.group(1))
        column = self.column
        if column is not None and column.last_year:  # | 2025年目标 |: the column's year
            first_year, last_year = column.first_year, column.last_year
        return first_year, last_year

    def prev_in_clause_before(self, clause_start: int) -> Statement | None:
        """The target stated just before, if it was stated in the clause just before the one
        starting at `clause_start` (same sentence)."""
        st = self.prev
        if st is None or clause_start <= self.sent_start:
            return None
        return st if back(self.text, clause_start - 1, self.g.clause, self.sent_start) <= st.at < clause_start else None


def read_quantity(g: Grammar, text: str, m: re.Match, prev_end: int = 0, prev: Statement | None = None) -> Quantity | None:
    """The Quantity of the match `m` (None when its numeral does not parse: 十四五个)."""
    mods: list[str] = []
    lo: float | None = None
    counted: str | None = None
    value: float | None
    if m.group("pct") is not None:
        pct = m.group("pct")
        value = 100.0 if pct == g.hundred else numbers.parse_number(pct)
        unit, chinese = "%", numbers.is_chinese_numeral(pct)
    else:
        unit = m.group("unit")
        if unit in g.counted_nouns:
            if text.startswith(tuple(g.counted_nouns), m.end()):
                return None                      # 10万学生家庭: a compound with no measure word, counted by neither
            counted, unit = unit, g.counted_nouns[unit]
        chinese = numbers.is_chinese_numeral(m.group("lo"))
        if m.group("hi"):
            rng = numbers.parse_range(m.group("lo"), m.group("hi"))
            if rng is None:
                return None
            lo, value = rng
        else:
            value = numbers.parse_number(m.group("lo"))
        if m.group("more"):
            mods.append(g.after_number[m.group("more")])
    if value is None:
        return None
    if m.group("mod"):
        mods.append(g.after_unit[m.group("mod")])
    return Quantity(g, text, m, prev_end, prev, value, lo, unit, mods, counted, chinese)


def quantities(text: str) -> list[Quantity]:
    """Every NUMBER UNIT of `text` that parses, each read as if no target were stated before it
    (for examples and tests; `statements.find_statements` passes the one before)."""
    g = grammar()
    out = []
    prev_end = 0
    for m in g.quantity.finditer(text):
        q = read_quantity(g, text, m, prev_end)
        prev_end = m.end()
        if q is not None:
            out.append(q)
    return out
