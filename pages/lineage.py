"""The lineage picture: `policykg lineage [NAME] --out lineage.html`.

One self-contained page (pages/templates/lineage.html on the shared base) drawing the networkx
graph of `queries.views.lineage_graph` with Apache ECharts (vendored, inlined): levels top-down
(national and provincial → city → district), years left to right; cited documents above the
plans, programs below. Plans expand into their sections and targets (ALIGNS_WITH, CONTINUES);
filters by year, region, theme and link type; a search box; a side panel with the properties
and the evidence (source, offsets, sentence) of whatever is clicked. The page's data is the
graph itself (`page_data`), so what the page shows is what the exports write.
"""
from __future__ import annotations

from collections import Counter

import networkx as nx

from policykg.pages.render import VENDOR_SCRIPTS, render_page

__all__ = ["NODE_STYLES", "EDGE_STYLES", "LEVELS", "node_category", "page_data", "lineage_page"]

# Node category → (Chinese name, colour). Plans are split by level so the two bands read apart.
NODE_STYLES = {
    "plan-upper": ("市级及以上规划", "#1f3a5f"),
    "plan-lower": ("区县规划", "#4a86c5"),
    "PolicyDocument": ("引用文件", "#7b5ea7"),
    "Program": ("项目", "#3c9a5f"),
    "Indicator": ("指标", "#d98b00"),
    "Section": ("章节", "#9aa5b1"),
    "Target": ("目标", "#e3a21a"),
}
# Relationship type → (Chinese name, colour, dashed, width)
EDGE_STYLES = {
    "IMPLEMENTS": ("落实上级规划", "#1f5fa8", False, 3.0),
    "SUCCEEDS": ("接续上年规划", "#4d5866", True, 2.5),
    "CITES": ("引用", "#a08bc4", False, 1.0),
    "WRAPS": ("印发", "#a08bc4", True, 1.0),
    "RUNS_PROGRAM": ("实施项目", "#6cb383", False, 1.0),
    "MEASURES": ("衡量指标", "#d98b00", False, 1.2),
    "ALIGNS_WITH": ("目标对标", "#e07b39", False, 1.6),
    "CONTINUES": ("目标延续", "#2a9d8f", True, 1.6),
    "HAS_SECTION": ("包含章节", "#c9d0d8", False, 1.0),
    "HAS_TARGET": ("提出目标", "#c9d0d8", False, 1.0),
}
# Document.level, top to bottom, with its Chinese name; the first three are "upper" plans.
LEVELS = {"national": "国家级", "province": "省级", "city": "市级", "district": "区级", "county": "县级",
          "town": "镇级", "unknown": "层级不详"}
_UPPER = ("national", "province", "city")
_DETAIL_TYPES = {"HAS_SECTION", "HAS_TARGET", "ALIGNS_WITH", "CONTINUES"}


def node_category(data: dict) -> str:
    """The legend entry a node is drawn as: plans by level, everything else by label.

    >>> node_category({"label": "Document", "level": "city"}), node_category({"label": "Document", "level": None})
    ('plan-upper', 'plan-lower')
    >>> node_category({"label": "Program"})
    'Program'
    """
    if data["label"] == "Document":
        return "plan-upper" if data.get("level") in _UPPER else "plan-lower"
    return data["label"]


def page_data(graph: nx.DiGraph) -> dict:
    """What the page's script draws: the graph's nodes (id + attributes + category) and edges
    (source, target + attributes), in the graph's order, and the vocabulary of names and colours."""
    nodes = [{"id": node_id, **data, "category": node_category(data)} for node_id, data in graph.nodes(data=True)]
    edges = [{"source": u, "target": v, **data} for u, v, data in graph.edges(data=True)]
    return {
        "focus": graph.graph.get("focus"),
        "nodes": nodes,
        "edges": edges,
        "vocab": {
            "categories": {key: {"name": name, "color": colour} for key, (name, colour) in NODE_STYLES.items()},
            "edges": {key: {"name": name, "color": colour, "dashed": dashed, "width": width}
                      for key, (name, colour, dashed, width) in EDGE_STYLES.items()},
            "levels": LEVELS,
            "detail_types": sorted(_DETAIL_TYPES),
        },
    }


def _summary(graph: nx.DiGraph) -> dict:
    """The figures and filter choices the page shows above the picture."""
    plans = [d for _, d in graph.nodes(data=True) if d["label"] == "Document"]
    labels = Counter(d["label"] for _, d in graph.nodes(data=True))
    types = Counter(d["type"] for _, _, d in graph.edges(data=True))
    years = sorted({d["year"] for d in plans if d.get("year") is not None})
    # regions top-down like the picture: by their plans' level, then by name
    level_of = {d["region"]: min((list(LEVELS).index(p.get("level")) if p.get("level") in LEVELS else len(LEVELS))
                                 for p in plans if p.get("region") == d["region"])
                for d in plans if d.get("region")}
    regions = sorted(level_of, key=lambda r: (level_of[r], r))
    themes = sorted({t for d in plans for t in d.get("themes") or []})
    kpis = [("规划", len(plans)), ("引用文件", labels["PolicyDocument"]), ("项目", labels["Program"]),
            ("目标", labels["Target"]), ("落实关系", types["IMPLEMENTS"]), ("目标对标", types["ALIGNS_WITH"])]
    if labels["Indicator"]:
        kpis.insert(1, ("指标", labels["Indicator"]))
    return {"years": years, "regions": regions, "themes": themes, "kpis": [k for k in kpis if k[1] or k[0] == "规划"],
            "edge_types": [(t, EDGE_STYLES[t]) for t in EDGE_STYLES if types[t]],
            "node_types": [(c, NODE_STYLES[c]) for c in NODE_STYLES
                           if any(node_category(d) == c for _, d in graph.nodes(data=True))]}


def lineage_page(graph: nx.DiGraph) -> str:
    """The lineage page of `graph` (from `lineage_graph(…, details=True)`), as one HTML string."""
    focus = graph.graph.get("focus")
    summary = _summary(graph)
    title = "政策脉络图" if focus is None else f"政策脉络图 · {graph.nodes[focus].get('title') or focus}"
    span = f"{summary['years'][0]}–{summary['years'][-1]} 年" if summary["years"] else "年份不详"
    subtitle = f"{len(summary['regions'])} 个地区 · {span} · 上下为层级，左右为年份"
    return render_page("lineage.html", title=title, subtitle=subtitle, scripts=[*VENDOR_SCRIPTS, "lineage.js"],
                       data=page_data(graph), **summary)
