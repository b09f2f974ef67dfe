"""The target statements of a text: every NUMBER UNIT read, judged by the rules, and kept or dropped.

For each number the grammar reads (`quantity`), the rules of `exclusions.NOT_A_TARGET` run in
order; a number none of them drops becomes one `Statement` per metric it counts (`metrics`),
unless a rule of `NOT_A_COUNTED_THING` drops that metric, and the statement is matched to
the indicator catalogue (`NOT_A_TARGET_BY_INDICATOR` may drop it then). Numbers alone in a
table cell (`tables`) and 全覆盖 without a number (`full_coverage`) add their statements.

Examples:
    >>> explain("新增3个社区综合为老服务中心、4家社区长者食堂，排名前10名。")
    [('3个', '社区综合为老服务中心'), ('4家', '社区长者食堂'), ('10名', 'is_rank')]
    >>> [(st.value, name) for st, name in find_statements("新建家门口服务站200个。")]
    [(200.0, '家门口养老服务站')]
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from policykg.loaders.extract.indicators import UNMAPPED
from policykg.loaders.extract.targets.exclusions import (
    NOT_A_COUNTED_THING,
    NOT_A_TARGET,
    NOT_A_TARGET_BY_INDICATOR,
    first_rule,
)
from policykg.loaders.extract.targets.grammar import Grammar, back, balance_quotes, grammar, sentence
from policykg.loaders.extract.targets.metrics import reading_of
from policykg.loaders.extract.targets.model import Statement
from policykg.loaders.extract.targets.quantity import Quantity, read_quantity
from policykg.loaders.extract.targets.tables import table_cells

__all__ = ["Verdict", "verdicts", "explain", "find_statements", "as_written", "full_coverage"]


@dataclass
class Verdict:
    """What became of one number (or of one item of a number that counts several):
    a statement with its indicator, or the name of the rule that dropped it."""
    written: str
    statement: Statement | None = None
    indicator: str = UNMAPPED
    rule: str | None = None


def verdicts(text: str) -> Iterator[Verdict]:
    """The verdict on every number the grammar reads in `text`, in text order."""
    g = grammar()
    prev_end = 0
    prev: tuple[Statement, str] | None = None
    for m in g.quantity.finditer(text):
        q = read_quantity(g, text, m, prev_end, prev[0] if prev else None)
        prev_end = m.end()
        if q is None:
            continue
        rule = first_rule(NOT_A_TARGET, q)
        if rule:
            yield Verdict(m.group(), rule=rule)
            continue
        for metric, mstart in reading_of(q).items:
            verdict = _verdict(q, metric, mstart, prev)
            if verdict.statement is not None:
                prev = (verdict.statement, verdict.indicator)
            yield verdict


def _verdict(q: Quantity, metric: str, mstart: int, prev: tuple[Statement, str] | None) -> Verdict:
    rule = first_rule(NOT_A_COUNTED_THING, q, metric)
    if rule:
        return Verdict(q.match.group(), rule=rule)
    st = _statement(q, metric, mstart)
    name = _indicator(q, st, prev)
    rule = first_rule(NOT_A_TARGET_BY_INDICATOR, st, name, q.text)
    if rule:
        return Verdict(q.match.group(), rule=rule)
    return Verdict(q.match.group(), st, name)


def _statement(q: Quantity, metric: str, mstart: int) -> Statement:
    """The statement of `q` counting `metric` (starting at `mstart`)."""
    r = reading_of(q)
    action = r.action
    mend = r.end if r.end is not None and r.each is None else mstart + len(metric)
    # Evidence: this item's verb (if inside the item), metric and number.
    start = min(q.start, mstart, r.lead, action.start if action and action.start >= q.item_start else q.start)
    start, end = balance_quotes(q.g, q.text, start, max(q.end, mend))
    first_year, last_year = q.years
    return Statement(
        value=q.value, value_max=q.value if q.lo is not None else None, value_min=q.lo,
        unit=q.unit, metric=metric, metric_span=(mstart, mend), action=action,
        modifiers=q.modifiers + ([q.g.verb_bounds[action.written]] if action and action.written in q.g.verb_bounds else []),
        span=(start, end), written=q.match.group(0), chinese=q.chinese,
        counted=q.counted, as_of_year=last_year, from_year=first_year, cumulative=r.cumulative,
        each=[x for x, _ in r.each] if r.each else None, at=q.start, needs_catalogue=r.needs_catalogue,
        part_of=r.part_of, together=q.together)


def _indicator(q: Quantity, st: Statement, prev: tuple[Statement, str] | None) -> str:
    """The catalogued indicator `st` states (UNMAPPED for none)."""
    g = q.g
    # 新增社区长者食堂、助餐点共10个 / 长者食堂及助餐点共10个 counts several things
    # together: no one indicator (及以上 joins nothing).
    words = st.metric
    for w in sorted(g.after_unit, key=len, reverse=True):
        words = words.replace(w, "")
    joined = any(mark in st.metric for mark in g.item_marks) or (st.together and any(j in words for j in g.joiners))
    name = UNMAPPED if joined else g.catalogue.match(st.metric, st.unit, sentence(g, q.text, q.start, q.end))
    if st.part_of is not None and prev and st.part_of is prev[0] and name == prev[1]:
        name = UNMAPPED                          # a part of a catalogued target is a subtype of it, not it
    return name


def explain(text: str) -> list[tuple[str, str]]:
    """Each number the grammar reads in `text`, as written, with the metric of the target it
    states, or the name of the rule that says it states none (tables and 全覆盖 aside).

    >>> explain("新增养老床位100张，已建成长者食堂5家。")
    [('100张', '养老床位'), ('5家', 'is_already_achieved')]
    """
    return [(v.written, v.statement.metric if v.statement is not None else v.rule or "") for v in verdicts(text)]


def full_coverage(g: Grammar, text: str) -> list[tuple[Statement, str]]:
    """实现精神障碍社区康复服务街镇全覆盖 → 100% of a catalogued coverage indicator.

    >>> [(st.value, name) for st, name in full_coverage(grammar(), "实现精神障碍社区康复服务街镇全覆盖。")]
    [(100.0, '精神障碍社区康复服务街镇覆盖率')]
    >>> full_coverage(grammar(), "实现养老服务全覆盖。")
    []
    """
    out = []
    percent = tuple(u for u, c in g.unit_class.items() if c == "percent")
    for m in g.full_coverage_re.finditer(text):
        if text[max(0, m.start() - 4):m.start()].rstrip().endswith(percent):
            continue                             # 100%全覆盖: the number is read by the grammar
        seg_start = back(text, m.start(), g.item)
        verbs = g.verbs_in(text[seg_start:m.start()], seg_start)
        if not verbs:
            continue
        action = verbs[-1]
        np = g.clean_metric(text[action.end:m.start()])
        if not np:
            continue
        name = g.catalogue.match(np, "%", sentence(g, text, m.start(), m.end()))
        if name == UNMAPPED:
            continue
        mstart = text.index(np, action.end)
        out.append((Statement(
            value=100.0, value_max=None, value_min=None, unit="%", metric=np + m.group(),
            metric_span=(mstart, m.end()), action=action, modifiers=["full_coverage"],
            span=(action.start, m.end()), written=m.group(), chinese=False), name))
    return out


def find_statements(text: str) -> list[tuple[Statement, str]]:
    """Every target statement of a normalised text, with its indicator, in text order. A text in
    traditional script is read in simplified script (one character for one, `Grammar.to_simplified`),
    and its statements keep the words as written (`as_written`).

    >>> [(st.value, st.unit, st.metric, name) for st, name in find_statements("新增養老床位100張。")]
    [(100.0, '張', '養老床位', '养老床位')]
    """
    g = grammar()
    simplified = text.translate(g.to_simplified) if g.traditional_re.search(text) else text
    out = [(v.statement, v.indicator) for v in verdicts(simplified) if v.statement is not None]
    for st in table_cells(g, simplified):
        name = g.catalogue.match(st.metric, st.unit, sentence(g, simplified, *st.span))
        if st.action is not None or name != UNMAPPED:   # a table of what is planned, or of known things
            out.append((st, name))
    out += full_coverage(g, simplified)
    out.sort(key=lambda pair: pair[0].span)
    if simplified != text:
        for st, _ in out:
            as_written(st, text, simplified)
    return out


def as_written(st: Statement, text: str, simplified: str) -> None:
    """Give `st`, read in `simplified`, the metric, unit and number as `text` writes them (the
    same positions; a metric made of words from elsewhere stays as read).

    >>> st = find_statements("新增养老床位100张。")[0][0]
    >>> as_written(st, "新增養老床位100張。", "新增养老床位100张。")
    >>> st.metric, st.unit, st.written
    ('養老床位', '張', '100張')
    >>> as_written(st, "新增養老床位100張。", "新增养老床位100张。")
    >>> st.metric
    '養老床位'
    """
    fold = grammar().to_simplified
    start, end = st.metric_span
    if simplified[start:end] == st.metric.translate(fold):
        st.metric = text[start:end]
    written = st.written.translate(fold)
    at = simplified.find(written, st.at if st.at >= 0 else st.span[0])
    if at < 0:
        return
    st.written = text[at:at + len(written)]
    unit_at = written.rfind(st.unit.translate(fold))
    if unit_at >= 0:
        st.unit = st.written[unit_at:unit_at + len(st.unit)]
