"""The analyst's report page: one city plan and the district plans that implement it, on one page.

An ECharts heatmap of indicators × district plans (colour: a count's share of the city target, a
rate's gap to it in points; hover shows the values, a click the evidence sentences), roll-up bars
(the districts' parts of each city target), gaps, year-over-year changes, department workload,
conflicts and unmapped metrics, and a small lineage picture (city plan ← district plans, year →
year). Every number leads to its evidence: tables show the sentence with its source and offsets,
charts show it on click. Chinese by default (`lang="en"` for English); prints on A4.

Built on the shared look (pages/render.py, templates/base.html, policykg.css); the data is the
report of queries/report.py, embedded as JSON for assets/report.js.
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx
import yaml

from policykg.pages.lineage import EDGE_STYLES, NODE_STYLES
from policykg.pages.render import VENDOR_SCRIPTS, render_page
from policykg.queries.report import Report

__all__ = ["LANGS", "LABELS", "page_data", "lineage_picture", "report_page"]

# Every word the page shows, per language: data (templates/report-labels.yaml), the numbers and the
# evidence being the plans' own.
LABELS: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).resolve().parent / "templates" / "report-labels.yaml").read_text(encoding="utf-8"))
LANGS = tuple(LABELS)        # zh (the default) and en


def lineage_picture(graph: nx.DiGraph, report: Report) -> dict:
    """The small lineage picture's nodes and edges: the report's plans, IMPLEMENTS and SUCCEEDS between them.

    >>> g = nx.DiGraph()
    >>> g.add_edge("d1", "c", type="IMPLEMENTS"); g.add_edge("d2", "d1", type="SUCCEEDS"); g.add_edge("d1", "p", type="CITES")
    >>> r = Report(city={"id": "c", "source": "sh-2024", "region": "上海市", "year": 2024},
    ...            districts=[{"id": "d1", "source": "cn-2024", "region": "长宁区", "year": 2024},
    ...                       {"id": "d2", "source": "cn-2025", "region": "长宁区", "year": 2025}])
    >>> [(e["from"], e["to"], e["type"]) for e in lineage_picture(g, r)["edges"]]
    [('cn-2024', 'sh-2024', 'IMPLEMENTS'), ('cn-2025', 'cn-2024', 'SUCCEEDS')]
    """
    plans = {report.city["id"]: dict(report.city, level="city")}
    plans.update({d["id"]: dict(d, level="district") for d in report.districts})
    # The lineage page's colours and names (pages/lineage.py), so the small picture reads like the big one.
    edges = [{"from": plans[a]["source"], "to": plans[b]["source"], "type": d.get("type"),
              "name": EDGE_STYLES[d["type"]][0], "color": EDGE_STYLES[d["type"]][1], "dashed": EDGE_STYLES[d["type"]][2]}
             for a, b, d in graph.edges(data=True)
             if a in plans and b in plans and d.get("type") in ("IMPLEMENTS", "SUCCEEDS")]
    nodes = [{"source": p["source"], "region": p["region"], "year": p["year"], "level": p["level"],
              "color": NODE_STYLES["plan-upper" if p["level"] == "city" else "plan-lower"][1]} for p in plans.values()]
    return {"nodes": nodes, "edges": sorted(edges, key=lambda e: (e["type"], e["from"], e["to"]))}


def page_data(report: Report, lineage: dict | None = None) -> dict:
    """What the page's script draws: the report without the evidence sheet of every target (the tables carry theirs)."""
    data = report.to_dict()
    data.pop("targets")
    data["lineage"] = lineage or {"nodes": [], "edges": []}
    return data


def report_page(report: Report, lang: str = "zh", lineage: dict | None = None) -> str:
    """The report as one self-contained HTML page (see the module docstring)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    t = LABELS[lang]
    city = report.city
    heading = f"{t['title']} · {city['title'] or city['source']}"
    regions = {d["region"] for d in report.districts}
    changes_by_region: dict[str, list[dict]] = {}
    for change in report.changes:
        changes_by_region.setdefault(change["region"], []).append(change)
    return render_page(
        "report.html", title=heading, lang=lang, scripts=[*VENDOR_SCRIPTS, "report.js"],
        data={"labels": t, "report": page_data(report, lineage)},
        t=t, report=report, city=city, regions=sorted(regions), changes_by_region=changes_by_region,
        counts=[r for r in report.rollup if r["city_unit"] != "%"], rates=[r for r in report.rollup if r["city_unit"] == "%"],
        unaddressed=[g for g in report.gaps if g["kind"] == "city_unaddressed"],
        district_only=[g for g in report.gaps if g["kind"] == "district_only"],
        number=number, percent=percent, generated_note=t["generated"])


def number(value) -> str:
    """A figure as the page prints it: whole numbers without decimals, thousands separated.

    >>> number(100000.0), number(2.5), number(None)
    ('100,000', '2.5', '')
    """
    if value is None:
        return ""
    value = float(value)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(share) -> str:
    """A share as a percentage with one decimal at most.

    >>> percent(0.15), percent(0.06166666666666667), percent(None)
    ('15%', '6.2%', '')
    """
    if share is None:
        return ""
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%"
