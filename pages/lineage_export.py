"""The lineage picture as files: `policykg export lineage --format graphml|gexf|mermaid|dot|json|svg|png`.

Every format is written from the same networkx graph as the page (`queries.views.lineage_graph`):
GraphML and GEXF for Gephi and yEd (networkx's writers; lists and evidence as JSON text, since
both formats hold scalars only), Mermaid for Markdown, DOT for Graphviz, JSON as the page embeds
it, and SVG/PNG for slides drawn by Graphviz's `dot` from the DOT text (levels as ranks, top-down).
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess

import networkx as nx

from policykg.pages.lineage import EDGE_STYLES, LEVELS, NODE_STYLES, node_category, page_data

__all__ = ["FORMATS", "GraphvizMissing", "flat_graph", "to_graphml", "to_gexf", "to_mermaid", "to_dot", "to_json",
           "to_svg", "to_png", "render_lineage"]


class GraphvizMissing(ValueError):
    """SVG and PNG need Graphviz's `dot` on PATH."""


def flat_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy GraphML and GEXF can hold: node `label` is the title (what Gephi and yEd show) and
    `node_type` the graph label; edge `label` and `relation` are the relationship type; lists and
    evidence become JSON text; None values are left out."""
    flat = nx.DiGraph(focus=graph.graph.get("focus") or "")
    for node_id, data in graph.nodes(data=True):
        attrs = {"label": data.get("title") or node_id, "node_type": data["label"], "category": node_category(data)}
        attrs.update(_scalars({k: v for k, v in data.items() if k not in ("label", "title")}, rename={"parent": "parent_id"}))
        flat.add_node(node_id, **attrs)
    for u, v, data in graph.edges(data=True):
        attrs = {"label": data["type"], "relation": data["type"]}
        attrs.update(_scalars({k: v for k, v in data.items() if k != "type"}))
        flat.add_edge(u, v, **attrs)
    return flat


def _scalars(data: dict, rename: dict | None = None) -> dict:
    """Attributes as GraphML/GEXF scalars.

    >>> _scalars({"a": None, "b": [], "themes": ["养老", "救助"], "n": 3, "evidence": [{"text": "x"}]})
    {'themes': '["养老", "救助"]', 'n': 3, 'evidence': '[{"text": "x"}]'}
    """
    out: dict = {}
    for key, value in data.items():
        if value is None or value == [] or value == {}:
            continue
        key = (rename or {}).get(key, key)
        out[key] = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value
    return out


def to_graphml(graph: nx.DiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(flat_graph(graph), out, encoding="utf-8", named_key_ids=True)
    return out.getvalue()


def to_gexf(graph: nx.DiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_gexf(flat_graph(graph), out, encoding="utf-8")
    return out.getvalue()


def to_json(graph: nx.DiGraph) -> bytes:
    """The nodes and edges as the page embeds them (`pages.lineage.page_data`, without the vocabulary)."""
    data = page_data(graph)
    data.pop("vocab")
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# -- Mermaid and DOT: one subgraph per band, top-down ----------------------------------------------

def _band(data: dict) -> str:
    """Which band (top to bottom) a node is drawn in.

    >>> _band({"label": "Document", "level": "district"}), _band({"label": "Program"}), _band({"label": "Target", "level": None})
    ('district', 'Program', 'details')
    """
    if data["label"] == "Document":
        level = data.get("level")
        return level if isinstance(level, str) and level in LEVELS else "unknown"
    return "details" if data["label"] in ("Section", "Target") else str(data["label"])


_BAND_ORDER = ["PolicyDocument", "Indicator", *LEVELS, "details", "Program"]
_BAND_NAMES = {"PolicyDocument": "引用文件", "Indicator": "指标", "details": "章节与目标", "Program": "项目", **LEVELS}


def _bands(graph: nx.DiGraph) -> list[tuple[str, list[str]]]:
    members: dict[str, list[str]] = {band: [] for band in _BAND_ORDER}
    for node_id, data in graph.nodes(data=True):
        members[_band(data)].append(node_id)
    for ids in members.values():   # years left to right inside a band
        ids.sort(key=lambda n: (graph.nodes[n].get("year") or 0, graph.nodes[n].get("region") or "", n))
    return [(band, ids) for band, ids in members.items() if ids]


def _node_text(data: dict) -> str:
    if data["label"] == "Document":
        return f"{data.get('doc_title') or data.get('title')}\n{data.get('region') or ''} {data.get('year') or ''}".strip()
    return str(data.get("title") or "")


def _mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: quotes and angle brackets as Mermaid's entity codes.

    >>> _mermaid_text('关于"养老"的<通知>\\n2024')
    '关于#quot;养老#quot;的#lt;通知#gt;<br/>2024'
    """
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, code)
    return text.replace("\n", "<br/>")


def to_mermaid(graph: nx.DiGraph) -> bytes:
    """A Mermaid flowchart: one subgraph per band, arrows as in the graph, labelled in Chinese."""
    ids = {node_id: f"n{i}" for i, node_id in enumerate(graph.nodes)}
    lines = ["flowchart TB"]
    for band, members in _bands(graph):
        lines.append(f'  subgraph band_{_safe_key(band)}["{_mermaid_text(_BAND_NAMES.get(band, band))}"]')
        lines += [f'    {ids[n]}["{_mermaid_text(_node_text(graph.nodes[n]))}"]' for n in members]
        lines.append("  end")
    for u, v, data in graph.edges(data=True):
        name, _, dashed, _ = EDGE_STYLES.get(data["type"], (data["type"], "", False, 1.0))
        arrow = "-.->" if dashed else "-->"
        lines.append(f'  {ids[u]} {arrow}|"{_mermaid_text(name)}"| {ids[v]}')
    for key, (_, colour) in NODE_STYLES.items():
        lines.append(f"  classDef {_safe_key(key)} fill:{colour},color:#fff,stroke:#fff")
    for node_id, data in graph.nodes(data=True):
        lines.append(f"  class {ids[node_id]} {_safe_key(node_category(data))}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _safe_key(key: str) -> str:
    """
    >>> _safe_key("plan-upper")
    'plan_upper'
    """
    return key.replace("-", "_")


def _dot_quote(text: object) -> str:
    """A DOT double-quoted string.

    >>> _dot_quote('a "b" \\\\ c\\nd')
    '"a \\\\"b\\\\" \\\\\\\\ c\\\\nd"'
    """
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_DOT_LABELLED = {"IMPLEMENTS", "SUCCEEDS", "WRAPS", "CONTINUES"}
_DOT_ROW = 6   # nodes a band's row holds before it wraps
_DOT_LABEL = 16   # characters of a cited document's, program's or target's name on the drawing (the tooltip has all)


def _dot_label(data: dict) -> str:
    """What a box says: a plan its title, region and year; anything else its name, shortened.

    >>> _dot_label({"label": "PolicyDocument", "title": "上海市推进养老科技创新发展行动方案（2024—2027年）"})
    '上海市推进养老科技创新发展行动…'
    >>> _dot_label({"label": "Program", "title": "老伙伴计划"})
    '老伙伴计划'
    """
    text = _node_text(data)
    if data["label"] == "Document" or len(text) <= _DOT_LABEL:
        return text
    return text[:_DOT_LABEL - 1] + "…"


_DOT_FONT = "Noto Sans CJK SC,Microsoft YaHei,PingFang SC,sans-serif"


def to_dot(graph: nx.DiGraph) -> bytes:
    """A Graphviz digraph: one cluster per band, the bands' nodes on one rank each, top-down.

    Arrows point as in the graph (up the hierarchy, back in time); an edge pointing up is written
    the other way round with `dir=back`, so that Graphviz ranks the bands top-down, and links inside
    a band do not pull on the ranks."""
    ids = {node_id: f"n{i}" for i, node_id in enumerate(graph.nodes)}
    rank = {n: i for i, (_, members) in enumerate(_bands(graph)) for n in members}
    lines = ["digraph lineage {",
             f"  graph [rankdir=TB, newrank=true, nodesep=0.25, ranksep=0.7, fontname={_dot_quote(_DOT_FONT)}, "
             f"label={_dot_quote('政策脉络图')}, labelloc=t];",
             f"  node [shape=box, style=\"rounded,filled\", fontname={_dot_quote(_DOT_FONT)}, fontsize=10, fontcolor=white];",
             f"  edge [fontname={_dot_quote(_DOT_FONT)}, fontsize=8];"]
    for band, members in _bands(graph):
        lines.append(f"  subgraph cluster_{_safe_key(band)} {{")
        lines.append(f"    label={_dot_quote(_BAND_NAMES.get(band, band))}; style=\"rounded\"; color=\"#d9dee5\";")
        for n in members:
            data = graph.nodes[n]
            colour = NODE_STYLES[node_category(data)][1]
            lines.append(f"    {ids[n]} [label={_dot_quote(_dot_label(data))}, tooltip={_dot_quote(_node_text(data))}, "
                         f"fillcolor={_dot_quote(colour)}];")
        # a band of many nodes wraps into rows (one rank each, kept in order by invisible edges), so a
        # slide is not one very long line of cited documents
        rows = [members[i:i + _DOT_ROW] for i in range(0, len(members), _DOT_ROW)]
        lines += [f"    {{rank=same; {'; '.join(ids[n] for n in row)};}}" for row in rows]
        lines += [f"    {ids[a[0]]} -> {ids[b[0]]} [style=invis];" for a, b in zip(rows, rows[1:])]
        lines.append("  }")
    for u, v, data in graph.edges(data=True):
        name, colour, dashed, width = EDGE_STYLES.get(data["type"], (data["type"], "#999999", False, 1.0))
        # the many cite/run/contain links are told apart by colour; only the few plan-to-plan links say what they are
        shown = "label" if data["type"] in _DOT_LABELLED else "tooltip"
        attrs = [f"{shown}={_dot_quote(name)}", f"color={_dot_quote(colour)}", f"penwidth={width}"]
        if dashed:
            attrs.append("style=dashed")
        tail, head = ids[u], ids[v]
        if rank[u] > rank[v]:   # pointing up (district → city plan): written head first, arrow drawn back
            tail, head = head, tail
            attrs.append("dir=back")
        elif rank[u] == rank[v]:   # inside a band: no pull on the ranks
            attrs.append("constraint=false")
        lines.append(f"  {tail} -> {head} [{', '.join(attrs)}];")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _graphviz(graph: nx.DiGraph, output: str) -> bytes:
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissing(f"--format {output} needs Graphviz's dot on PATH (Debian: apt-get install graphviz); "
                              "or export --format dot and draw it elsewhere")
    done = subprocess.run([dot, f"-T{output}"], input=to_dot(graph), capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"dot -T{output} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def to_svg(graph: nx.DiGraph) -> bytes:
    return _graphviz(graph, "svg")


def to_png(graph: nx.DiGraph) -> bytes:
    return _graphviz(graph, "png")


FORMATS = {"json": to_json, "graphml": to_graphml, "gexf": to_gexf, "mermaid": to_mermaid, "dot": to_dot,
           "svg": to_svg, "png": to_png}


def render_lineage(graph: nx.DiGraph, fmt: str) -> bytes:
    """`graph` in export format `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"no lineage format {fmt!r}: use one of {', '.join(FORMATS)}")
    return FORMATS[fmt](graph)
