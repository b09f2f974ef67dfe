"""The analyst's report on one city plan and the district plans that implement it (read side only).

    report_data   everything the report page and the workbook show, each value with its evidence
    choose_city_plan   which city plan a report is about (--city, --year, or the default)

Built from named queries (alignment, rollup, gaps, target-history, owner, conflicts) and the
views of queries/views.py; the numbers are the ones `policykg align` and `policykg query` print,
filtered to the city plan and its district plans. Every value carries its evidence: the source
(document file stem), offsets into that document's original text, and the text.

The queries are asked for the report's plans one at a time (their `source` or `district` filter),
not for the whole graph and then filtered: on a 10,000-plan graph, a report on a city plan and its
12 district plans read every alignment, gap, conflict and owned task of the graph, and took 56 s.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from operator import itemgetter

from policykg.graph import statements
from policykg.graph.derive.rules import load_rules
from policykg.graph.exports import EXPORTS, run_export
from policykg.graph.store import GraphStore
from policykg.queries import run_query
from policykg.queries.views import alignment_cell, owner_lookup, rollup

__all__ = ["CHANGE_STATUSES", "Report", "evidence", "choose_city_plan", "report_data"]

# The year-over-year statuses a report lists (`continued` at the same value is no change).
CHANGE_STATUSES = ("raised", "lowered", "new", "dropped")


@dataclass
class Report:
    """One city plan, its district plans, and what the report shows about them.

    `rows` are the city plan's targets of catalogue indicators (the heatmap's rows, in `align`'s
    order); `cells` one per (row, district plan) pair that has an alignment, with `measure`
    'share' (counts: the district's share of the city target) or 'gap' (rates: points above or
    below it) and `value` the number coloured, `text` the cell as `policykg align` prints it."""
    city: dict
    districts: list[dict]
    rows: list[dict] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)
    rollup: list[dict] = field(default_factory=list)
    gaps: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    workload: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return [self.city["source"]] + [d["source"] for d in self.districts]

    def to_dict(self) -> dict:
        return asdict(self)


def evidence(record: dict, prefix: str = "", source: str | None = None) -> dict:
    """The evidence of a row: source, offsets and text (columns named with `prefix`, e.g. `district_`).

    >>> evidence({"district_source": "jingan-2025", "district_text": "新增600张养老床位",
    ...           "district_start_offset": 5, "district_end_offset": 16}, "district_")
    {'source': 'jingan-2025', 'start_offset': 5, 'end_offset': 16, 'text': '新增600张养老床位'}
    >>> evidence({"text": "x", "start_offset": None, "end_offset": None}, source="a")["source"]
    'a'
    """
    return {"source": source if source is not None else record.get(f"{prefix}source"),
            "start_offset": record.get(f"{prefix}start_offset"), "end_offset": record.get(f"{prefix}end_offset"),
            "text": record.get(f"{prefix}text")}


def choose_city_plan(documents: list[dict], district_plans: list[dict],
                     city: str | None = None, year: int | None = None) -> dict:
    """The city plan a report is about: of `city` (a region such as 上海市, or a plan's source) and
    `year`; by default the city with the most district plans implementing its plans, its latest year.

    >>> docs = [{"id": "a", "source": "sh-2024", "region": "上海市", "year": 2024, "level": "city"},
    ...         {"id": "b", "source": "sh-2025", "region": "上海市", "year": 2025, "level": "city"},
    ...         {"id": "c", "source": "bj-2025", "region": "北京市", "year": 2025, "level": "city"}]
    >>> choose_city_plan(docs, [{"city_id": "a", "id": "d1"}, {"city_id": "b", "id": "d2"}])["source"]
    'sh-2025'
    >>> choose_city_plan(docs, [], city="北京市")["source"]
    'bj-2025'
    >>> choose_city_plan(docs, [], city="上海市", year=2023)
    Traceback (most recent call last):
    ...
    ValueError: no 2023 city plan of 上海市 is loaded; loaded: 上海市 2024, 上海市 2025, 北京市 2025
    """
    cities = [d for d in documents if d.get("level") == "city"]
    if not cities:
        raise ValueError("no city plan is loaded: load a city plan (level city) and the district plans that implement it")
    if city is None:
        region_of = {d["id"]: d["region"] for d in cities}
        plans_per_city = Counter(region_of.get(p["city_id"]) for p in district_plans)
        # Ties (and cities no district implements) go to the region named first in code-point order.
        city = min({d["region"] for d in cities}, key=lambda r: (-plans_per_city.get(r, 0), r or ""))
    chosen = [d for d in cities if city in (d["region"], d["source"], d["id"]) and (year is None or d["year"] == year)]
    if not chosen:
        loaded = ", ".join(sorted(f"{d['region']} {d['year']}" for d in cities))
        what = f"{year} city plan of {city}" if year is not None else f"city plan of {city}"
        raise ValueError(f"no {what} is loaded; loaded: {loaded}")
    return max(chosen, key=lambda d: (d["year"] or 0, d["source"]))


def report_data(store: GraphStore, city: str | None = None, year: int | None = None) -> Report:
    """Everything the report shows about a city plan (see `choose_city_plan`) and its district plans."""
    documents = EXPORTS["documents"](store)
    implementing = store.query(statements.DISTRICT_PLANS, {}).records()
    plan = choose_city_plan(documents, implementing, city, year)
    by_id = {d["id"]: d for d in documents}
    districts = sorted(
        ({"source": p["source"], "id": p["id"], "region": p["region"], "year": p["year"],
          "title": by_id.get(p["id"], {}).get("title"), "year_gap": p["year_gap"],
          "column": p["source"] + (f" (vs {p['city_year']})" if p["year_gap"] else "")}
         for p in implementing if p["city_id"] == plan["id"]),
        key=lambda d: (d["region"] or "", d["year"] or 0, d["source"]))
    report = Report(city={k: plan.get(k) for k in ("source", "id", "region", "year", "title")}, districts=districts)
    sources = set(report.sources)
    report.targets = _targets(store, {by_id[d]["id"]: by_id[d]["source"] for d in by_id if by_id[d]["source"] in sources})
    _matrix(store, report)
    report.rollup = _rollup(store, report)
    # gaps orders by kind, then source: the plans' rows one after another, then a stable sort by kind.
    report.gaps = [dict(g, evidence=evidence(g)) for g in sorted(_rows_of_plans(store, "gaps", sources), key=itemgetter("kind"))
                   if (g["kind"] == "city_unaddressed" and g["source"] == plan["source"])
                   or (g["kind"] == "district_only" and g["source"] != plan["source"])]
    report.changes = _changes(store, districts)
    report.workload = _workload(store, report)
    report.conflicts = [dict(c, evidence=evidence(c)) for c in _rows_of_plans(store, "conflicts", sources)]
    unmapped = sorted(_rows_of_plans(store, "gaps", sources, include_unmapped=True), key=itemgetter("kind"))
    report.unmapped = [dict(u, evidence=evidence(u)) for u in unmapped if u["indicator"] == "unmapped"]
    return report


def _rows_of_plans(store: GraphStore, name: str, sources: set[str], **params) -> list[dict]:
    """A named query's rows for each plan of `sources` (its `source` parameter), one plan after another in
    the order of their sources, which is the query's order when it orders by source first."""
    return [r for source in sorted(sources) for r in run_query(store, name, {**params, "source": source}).records()]


def _targets(store: GraphStore, sources_by_doc: dict[str, str]) -> list[dict]:
    """Every target of the report's plans with its source: the evidence sheet."""
    return [dict(t, source=sources_by_doc[t["doc_id"]]) for t in run_export(store, "targets", list(sources_by_doc))]


def _matrix(store: GraphStore, report: Report) -> None:
    """The heatmap's rows (the city plan's mapped targets) and cells (one per row and district plan)."""
    rules = load_rules()
    city_targets = sorted((t for t in report.targets if t["doc_id"] == report.city["id"] and rules.is_mapped(t["indicator"])),
                          key=lambda t: (t["indicator"] or "", t["start_offset"] or 0))
    twice = {i for i, n in Counter(t["indicator"] for t in city_targets).items() if n > 1}
    district_sources = {d["source"]: d for d in report.districts}
    aligned: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for source in district_sources:
        for a in run_query(store, "alignment", {"district": source}).records():
            # `district` also matches a region named as the source is: keep this plan's rows only.
            if a["city_source"] == report.city["source"] and a["district_source"] == source:
                aligned[(a["city_target_id"], source)].append(a)
    for t in city_targets:
        label = t["indicator"] + (f" ({_number(t['value'])}{t['unit'] or ''})" if t["indicator"] in twice else "")
        measure = "gap" if t["unit"] == "%" else "share"
        report.rows.append({"id": t["id"], "indicator": t["indicator"], "label": label, "measure": measure,
                            "city_value": t["value"], "city_unit": t["unit"], "evidence": evidence(t)})
        for d in report.districts:
            rows = aligned.get((t["id"], d["source"]))
            if rows:
                report.cells.append(_cell(t["id"], d, rows))


def _cell(row_id: str, district: dict, alignments: list[dict]) -> dict:
    """One heatmap cell: coloured by the share (counts) or gap (rates) of the district's larger value,
    as the roll-up counts a plan that states two values; every alignment is listed with its evidence."""
    main = max(alignments, key=lambda a: (a["district_value"] or 0))
    measure = "share" if main["share"] is not None else "gap"
    return {"row": row_id, "district": district["source"], "column": district["column"], "region": district["region"],
            "measure": measure, "value": main[measure], "text": "; ".join(alignment_cell(a) for a in alignments),
            "alignments": [{"district_value": a["district_value"], "district_unit": a["district_unit"],
                            "share": a["share"], "gap": a["gap"], "basis": a["basis"], "flagged": a["flagged"],
                            "evidence": evidence(a, "district_"), "city_evidence": evidence(a, "city_")}
                           for a in alignments]}


def _rollup(store: GraphStore, report: Report) -> list[dict]:
    """The districts' sum against each city target (counts) or their range (rates), with each district's part."""
    district_evidence: dict[tuple[str | None, str], dict] = {}
    for cell in report.cells:
        for a in cell["alignments"]:
            district_evidence.setdefault((cell["row"], cell["district"]), a["evidence"])
    rows_by_text = {(r["indicator"], r["evidence"]["start_offset"]): r["id"] for r in report.rows}
    out = []
    for r in rollup(store, source=report.city["source"]):
        row_id = rows_by_text.get((r["indicator"], r["city_start_offset"]))
        parts = [{"source": s, "region": region, "value": v,
                  "share": (v / r["city_value"]) if r["city_unit"] != "%" and r["city_value"] else None,
                  "evidence": district_evidence.get((row_id, s))}
                 for s, region, v in zip(r["district_sources"], r["regions"], r["district_values"])]
        out.append(dict(r, row=row_id, parts=parts, evidence=evidence(r, "city_", source=r["city_source"])))
    return out


def _changes(store: GraphStore, districts: list[dict]) -> list[dict]:
    """Year-over-year changes of the district plans' targets: raised, lowered, new (against the region's
    previous plan) and dropped (stated in the previous plan, not in the report's one)."""
    report_years: dict[str, set[int]] = defaultdict(set)
    for d in districts:
        report_years[d["region"]].add(d["year"])
    sources = {d["source"] for d in districts}
    out = []
    for region in sorted(report_years):
        history = run_query(store, "target-history", {"region": region}).records()
        regions_years = {h["year"] for h in history}
        if len(regions_years) < 2:
            continue        # one plan of the region: nothing to compare with
        for h in history:
            if h["status"] not in CHANGE_STATUSES:
                continue
            earlier_of_a_report_plan = h["status"] == "dropped" and any(y > h["year"] for y in report_years[region])
            if h["source"] in sources or earlier_of_a_report_plan:
                out.append(dict(h, evidence=evidence(h)))
    return out


def _workload(store: GraphStore, report: Report) -> list[dict]:
    """Per department of the report's plans: tasks it owns as the plan writes it and by inference from the theme."""
    region_of = {report.city["source"]: report.city["region"], **{d["source"]: d["region"] for d in report.districts}}
    load: dict[tuple[str, str], dict] = {}
    for source in sorted(region_of):        # owner orders by source first: the plans in that order
        for task in owner_lookup(store, source=source):
            ev = {"source": source, "item": task["item"], "title": task["title"], "start_offset": task["start_offset"],
                  "end_offset": task["end_offset"], "text": task["text"]}
            owners = [(d, "explicit", None) for d in task["departments"]]
            owners += [(i["department"], "inferred", i["rule"]) for i in task["inferred_departments"]]
            for department, how, rule in owners:
                entry = load.setdefault((region_of[source], department), {
                    "region": region_of[source], "department": department, "explicit": 0, "inferred": 0,
                    "rules": [], "tasks": []})
                entry[how] += 1
                if rule and rule not in entry["rules"]:
                    entry["rules"].append(rule)
                entry["tasks"].append(dict(ev, how=how))
    return sorted(load.values(), key=lambda e: (-(e["explicit"] + e["inferred"]), e["region"] or "", e["department"]))


def _number(value) -> str:
    return "?" if value is None else (str(int(value)) if float(value).is_integer() else f"{value:g}")
