"""From statements to the document's targets: TargetMentions, their kind and modifier, merging
repeats, and the filters of the document (dated elsewhere, under a review heading).

Examples:
    >>> [(t.value, t.metric, t.kind) for t in find_targets("新增养老床位100张，护理员持证率达到80%。")]
    [(100.0, '养老床位', 'increment'), (80.0, '护理员持证率', 'ratio')]
    >>> merged = consolidate(find_targets("新增养老床位100张。") + find_targets("全年新增养老床位100张。"))
    >>> [(t.value, len(t.props["evidence"])) for t in merged]
    [(100.0, 2)]
"""
from __future__ import annotations

from policykg.loaders.extract.indicators import UNMAPPED, normalise_metric
from policykg.loaders.extract.targets.exclusions import is_a_report_of_progress, is_dated_elsewhere, review_spans
from policykg.loaders.extract.targets.grammar import Grammar, grammar
from policykg.loaders.extract.targets.model import Statement
from policykg.loaders.extract.targets.statements import find_statements
from policykg.loaders.intervals import Enclosing
from policykg.loaders.model import ParsedDocument, TargetMention

__all__ = ["find_targets", "consolidate", "to_record", "document_targets"]


def _kind(g: Grammar, st: Statement) -> str:
    if g.unit_class.get(st.unit) in ("percent", "points"):
        return "ratio"
    if st.cumulative:
        return "cumulative"
    if st.action is not None and st.action.kind == "level":
        return "level"
    return "increment"


def _modifier(g: Grammar, mods: list[str]) -> str | None:
    for kind in g.modifier_priority:
        if kind in mods:
            return kind
    return None


def _props(g: Grammar, st: Statement, indicator: str) -> dict:
    """What a TargetMention keeps of its statement besides the fields (see extract_targets)."""
    props = {
        "written": st.written,
        "metric_span": list(st.metric_span),
        "unit_class": g.unit_class.get(st.unit, st.unit),
        "theme": g.catalogue.theme(indicator),
        "modifiers": sorted(set(st.modifiers)),
        "evidence": [list(st.span)],
    }
    if st.value_min is not None:
        props["range"] = [st.value_min, st.value]
    if st.action is not None:
        props["action_group"] = st.action.group
    if st.counted:
        props["counted"] = st.counted
    if st.each:
        props["each"] = st.each
    if st.as_of_year:
        props["as_of_year"] = st.as_of_year
    if st.from_year and st.from_year != st.as_of_year:
        props["from_year"] = st.from_year
    comparator = _modifier(g, [m for m in st.modifiers if m in g.comparators])
    if comparator:
        props["comparator"] = g.comparators[comparator]
    return props


def _mention(g: Grammar, st: Statement, indicator: str) -> TargetMention:
    return TargetMention(
        task=None, value=st.value, value_max=st.value_max, unit=st.unit, metric=st.metric,
        indicator=indicator, action=st.action.written if st.action else None, kind=_kind(g, st),
        modifier=_modifier(g, st.modifiers), span=st.span, props=_props(g, st, indicator))


def find_targets(text: str) -> list[TargetMention]:
    """One TargetMention per statement in `text` (not merged; task=None)."""
    g = grammar()
    return [_mention(g, st, name) for st, name in find_statements(text)]


def _add_evidence(kept: TargetMention, t: TargetMention) -> None:
    kept.props["evidence"].append(list(t.span))
    if t.metric != kept.metric:
        kept.props.setdefault("also_written", [])
        if t.metric not in kept.props["also_written"]:
            kept.props["also_written"].append(t.metric)
    for mod in t.props.get("modifiers", []):
        if mod not in kept.props["modifiers"]:
            kept.props["modifiers"].append(mod)


def consolidate(mentions: list[TargetMention]) -> list[TargetMention]:
    """One target per distinct target: repeats add evidence; different values of one
    indicator stated with the same action are all kept and flagged `conflict`."""
    merged: dict[tuple, TargetMention] = {}
    for t in mentions:
        thing = t.indicator if t.indicator != UNMAPPED else normalise_metric(t.metric)
        key = (thing, t.value, t.value_max, t.props.get("unit_class"), t.kind)
        if key in merged:
            _add_evidence(merged[key], t)
        else:
            merged[key] = t
    out = list(merged.values())
    by_indicator: dict[tuple, list[TargetMention]] = {}
    for t in out:
        if t.indicator != UNMAPPED:
            by_indicator.setdefault((t.indicator, t.props.get("unit_class"), t.props.get("action_group"), t.kind), []).append(t)
    for group in by_indicator.values():
        if len({(t.value, t.value_max) for t in group}) > 1:
            for t in group:
                t.props["conflict"] = True
                t.props["conflicting_values"] = sorted({t2.value for t2 in group})
    return out


def _assign_tasks(targets: list[TargetMention], parsed: ParsedDocument | None) -> None:
    """Each target goes to the smallest task whose span holds its first evidence; a target
    stated in several tasks (body text and key-project table) lists them all in props["tasks"]."""
    tasks = sorted(getattr(parsed, "tasks", None) or [], key=lambda t: t.span[0])
    if not tasks:
        return
    enclosing = Enclosing([t.span for t in tasks])

    def task_at(pos: int) -> str | None:
        holding = [tasks[i] for i in enclosing.containing(pos, pos + 1)]
        return min(holding, key=lambda t: t.span[1] - t.span[0]).path if holding else None

    for target in targets:
        paths = [task_at(start) for start, _ in target.props["evidence"]]
        target.task = paths[0]
        if len(set(paths)) > 1:
            target.props["tasks"] = paths


def document_targets(mentions: list[TargetMention], parsed: ParsedDocument | None) -> list[TargetMention]:
    """The document's distinct targets from its mentions: none in a progress or completion report
    (exclusions.is_a_report_of_progress); those dated in another period than the plan's year
    (exclusions.is_dated_elsewhere) or under a heading that reviews the past
    (exclusions.review_spans) dropped; repeats merged, tasks assigned."""
    if is_a_report_of_progress(parsed):
        return []
    year = getattr(getattr(parsed, "meta", None), "year", None)
    if year:
        mentions = [t for t in mentions if not is_dated_elsewhere(t, year)]
    reviews = review_spans(parsed, year)
    mentions = [t for t in mentions if not any(s <= t.span[0] < e for s, e in reviews)]
    targets = consolidate(mentions)
    _assign_tasks(targets, parsed)
    return targets


def to_record(t: TargetMention, text: str) -> dict:
    """A target as a reviewable record (the golden files): the fields a reader checks,
    with the evidence as text of the normalised view.

    >>> text = "新增养老床位100张。"
    >>> to_record(find_targets(text)[0], text)["text"]
    '新增养老床位100张'
    """
    rec = {"value": t.value, "unit": t.unit, "metric": t.metric, "indicator": t.indicator,
           "action": t.action, "kind": t.kind, "modifier": t.modifier, "text": text[t.span[0]:t.span[1]]}
    if "range" in t.props:
        rec["range"] = t.props["range"]
    if t.props.get("conflict"):
        rec["conflict"] = True
    if len(t.props["evidence"]) > 1:
        rec["evidence"] = [text[s:e] for s, e in t.props["evidence"]]
    if t.task:
        rec["task"] = t.task
    return rec
