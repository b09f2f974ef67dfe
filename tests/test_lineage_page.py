"""The lineage picture of the seeds: the page (real headless Chromium, file://, nothing fetched) and
its exports (read back by networkx, parsed by Graphviz and by Mermaid's own parser)."""
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.graph.ladybug_store import LadybugStore
from policykg.queries.views import lineage_graph

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
MERMAID = Path(__file__).resolve().parent / "mermaid_check" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"


def run(*args, db):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("lineage") / "g.lbdb"
    assert run("load", str(SEEDS), "--quiet", db=db).exit_code == 0
    return db


@pytest.fixture(scope="module")
def graph(seeded):
    store = LadybugStore(str(seeded), read_only=True)
    try:
        yield lineage_graph(store, details=True)
    finally:
        store.close()


@pytest.fixture(scope="module")
def page(seeded, tmp_path_factory):
    out = tmp_path_factory.mktemp("page") / "lineage.html"
    result = run("lineage", "--out", str(out), db=seeded)
    assert result.exit_code == 0, result.output
    return out


def page_state(opened) -> dict:
    return opened.page.evaluate("JSON.parse(document.getElementById('page-data').textContent)")


# -- the graph -------------------------------------------------------------------------------------

def test_the_whole_graph_holds_every_plan_with_its_level_year_and_targets(graph):
    plans = {d["source"]: d for _, d in graph.nodes(data=True) if d["label"] == "Document"}
    assert set(plans) == {p.stem for p in SEEDS.glob("*.txt")}
    assert {d["level"] for d in plans.values()} == {"city", "district"}
    assert all(isinstance(d["year"], int) and d["targets"] > 0 and d["themes"] for d in plans.values())
    edges = {(graph.nodes[u]["title"], d["type"], graph.nodes[v]["title"]) for u, v, d in graph.edges(data=True)}
    assert ("changning-2025", "IMPLEMENTS", "shanghai-2024") in edges
    assert ("changning-2025", "SUCCEEDS", "changning-2024") in edges
    assert {d["type"] for _, _, d in graph.edges(data=True)} >= {
        "IMPLEMENTS", "SUCCEEDS", "CITES", "RUNS_PROGRAM", "HAS_SECTION", "HAS_TARGET", "ALIGNS_WITH", "CONTINUES"}


def test_every_piece_of_evidence_leads_back_to_its_sentence_in_the_original_text(graph):
    from policykg.loaders.read import read_source

    original = {p.stem: read_source(str(p)).text for p in SEEDS.glob("*.txt")}
    pieces = [e for _, _, d in graph.edges(data=True) for e in d["evidence"]]
    pieces += [e for _, d in graph.nodes(data=True) for e in d.get("evidence") or []]
    located = [e for e in pieces if e["start_offset"] is not None]
    assert len(located) > 100
    for e in located:
        text = original[e["source"]]
        assert text[e["start_offset"]:e["end_offset"]] == e["text"]
        assert text[e["sentence_start"]:e["sentence_start"] + len(e["sentence"])] == e["sentence"]
        assert e["sentence_start"] <= e["start_offset"] and e["end_offset"] <= e["sentence_start"] + len(e["sentence"])


def test_a_target_hangs_under_its_top_level_section_of_its_own_plan(graph):
    targets = [(n, d) for n, d in graph.nodes(data=True) if d["label"] == "Target"]
    for node_id, data in targets:
        parent = graph.nodes[data["parent"]]
        plan = data["parent"] if parent["label"] == "Document" else parent["parent"]
        assert plan == data["document"] and graph.has_edge(data["parent"], node_id)
    aligned = [(u, v) for u, v, d in graph.edges(data=True) if d["type"] == "ALIGNS_WITH"]
    assert aligned and all(graph.nodes[graph.nodes[v]["document"]]["level"] == "city" for _, v in aligned)


def test_without_name_the_table_lists_the_whole_graphs_links_and_with_out_writes_the_page(seeded, tmp_path):
    rows = json.loads(run("lineage", "--format", "json", db=seeded).stdout)
    assert {r["from"] for r in rows if r["relationship"] == "IMPLEMENTS"} == {"changning-2024", "changning-2025",
                                                                               "jingan-2025", "jinshan-2025"}
    out = tmp_path / "one.html"
    result = run("lineage", "changning-2025", "--out", str(out), db=seeded)
    assert result.exit_code == 0 and str(out) in result.stderr
    assert "政策脉络图 · changning-2025" in out.read_text(encoding="utf-8")


# -- the page --------------------------------------------------------------------------------------

def test_the_page_opens_offline_without_errors_and_is_small(page, open_page):
    assert page.stat().st_size < 5 * 1024 * 1024
    opened = open_page(page, width=1440, height=1000)
    assert opened.refused == [] and opened.errors == [] and opened.console_errors == []
    assert opened.page.evaluate("document.querySelector('#chart canvas') !== null")


def test_the_pages_data_is_the_lineage_graph(page, graph, open_page):
    data = page_state(open_page(page))
    assert [n["id"] for n in data["nodes"]] == list(graph.nodes)
    assert [(e["source"], e["target"], e["type"]) for e in data["edges"]] == [
        (u, v, d["type"]) for u, v, d in graph.edges(data=True)]
    by_id = {n["id"]: n for n in data["nodes"]}
    for node_id, attrs in graph.nodes(data=True):
        assert {k: by_id[node_id][k] for k in attrs} == json.loads(json.dumps(attrs))


def test_the_picture_draws_plans_and_the_links_between_them_and_expands_a_plan(page, graph, open_page):
    opened = open_page(page)
    drawn = opened.page.evaluate("""() => {
        const s = policykgLineage.chart.getOption().series[0];
        return {nodes: s.data.map(d => d.id), links: s.links.map(l => [l.source, l.target])};
    }""")
    plans = [n for n, d in graph.nodes(data=True) if d["label"] == "Document"]
    assert set(plans) <= set(drawn["nodes"])
    assert not any(graph.nodes[n]["label"] == "Target" for n in drawn["nodes"] if n in graph)   # collapsed at first
    implements = [[u, v] for u, v, d in graph.edges(data=True) if d["type"] == "IMPLEMENTS"]
    assert implements and all(link in drawn["links"] for link in implements)
    opened.page.click("#expand-all")
    expanded = opened.page.evaluate("policykgLineage.chart.getOption().series[0].data.map(d => d.id)")
    assert {n for n, d in graph.nodes(data=True) if d["label"] in ("Section", "Target")} <= set(expanded)


def test_clicking_a_cited_document_opens_the_panel_with_the_citing_sentence(page, graph, open_page):
    opened = open_page(page, width=1440, height=1000)
    cited, evidence = next((v, d["evidence"][0]) for u, v, d in graph.edges(data=True)
                           if d["type"] == "CITES" and graph.nodes[u]["source"] == "jingan-2025")
    x, y = opened.page.evaluate("id => policykgLineage.pixelOf(id)", cited)
    opened.page.mouse.click(x, y)
    panel = opened.page.inner_text("#panel")
    assert graph.nodes[cited]["title"] in panel
    assert evidence["sentence"] in panel.replace("\n", "")
    assert f"第 {evidence['start_offset']}–{evidence['end_offset']} 字" in panel
    assert opened.page.inner_text("#panel mark") == evidence["text"] or evidence["text"] in opened.page.inner_text("#panel")


def test_clicking_a_link_opens_the_panel_with_its_relationship_and_value(page, graph, open_page):
    opened = open_page(page, width=1440, height=1000)
    u, v = next((u, v) for u, v, d in graph.edges(data=True) if d["type"] == "IMPLEMENTS")
    (ax, ay), (bx, by) = (opened.page.evaluate("id => policykgLineage.pixelOf(id)", n) for n in (u, v))
    for bend in (0.05, -0.05):   # the link is drawn as a slight curve (curveness 0.05): click its middle
        cx, cy = (ax + bx) / 2 - (ay - by) * bend, (ay + by) / 2 - (bx - ax) * bend
        opened.page.mouse.click(0.25 * ax + 0.5 * cx + 0.25 * bx, 0.25 * ay + 0.5 * cy + 0.25 * by)
        if "落实上级规划" in opened.page.inner_text("#panel h3"):
            break
    panel = opened.page.inner_text("#panel")
    assert f"{graph.nodes[u]['title']} → {graph.nodes[v]['title']}" in panel and "IMPLEMENTS" in panel
    assert f"{round(graph.edges[u, v]['value'] * 100, 1):g}%" in panel


def test_filters_and_search_narrow_the_picture(page, open_page):
    opened = open_page(page)
    shown = "policykgLineage.chart.getOption().series[0].data.filter(d => !d.id.startsWith('label:')).length"
    everything = opened.page.evaluate(shown)
    opened.page.select_option("#f-year", "2024")
    in_2024 = opened.page.evaluate(shown)
    opened.page.select_option("#f-year", "")
    opened.page.uncheck("[data-edge-type=RUNS_PROGRAM]")
    without_programs = opened.page.evaluate(shown)
    assert 0 < in_2024 < everything and 0 < without_programs < everything
    opened.page.fill("#f-search", "养老床位")
    assert "个匹配" in opened.page.inner_text("#f-count")
    opened.page.press("#f-search", "Enter")
    assert "养老床位" in opened.page.inner_text("#panel")


def test_a_screenshot_of_the_seeds_lineage_with_the_city_plan_selected(page, graph, open_page):
    opened = open_page(page, width=1440, height=1000)
    city = next(n for n, d in graph.nodes(data=True) if d["label"] == "Document" and d["level"] == "city")
    opened.page.mouse.click(*opened.page.evaluate("id => policykgLineage.pixelOf(id)", city))
    assert graph.nodes[city]["doc_title"] in opened.page.inner_text("#panel h3")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "lineage.png"
    opened.page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 20_000


# -- exports ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exported(seeded, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")

    def export(fmt, *extra):
        out = folder / f"lineage-{fmt}{'-'.join(extra)}.{fmt}"
        result = run("export", "lineage", "--format", fmt, "--out", str(out), *extra, db=seeded)
        assert result.exit_code == 0, result.output
        return out
    return export


@pytest.mark.parametrize("fmt, read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_read_back_with_networkx(exported, graph, fmt, read):
    back = read(exported(fmt, "--details"))
    assert set(back.nodes) == set(graph.nodes)
    assert {(u, v) for u, v in back.edges} == set(graph.edges)
    some_plan = next(n for n, d in graph.nodes(data=True) if d["label"] == "Document")
    assert back.nodes[some_plan]["label"] == graph.nodes[some_plan]["title"]
    assert back.nodes[some_plan]["node_type"] == "Document"
    u, v, d = next((u, v, d) for u, v, d in graph.edges(data=True) if d["type"] == "CITES")
    assert json.loads(back.edges[u, v]["evidence"])[0]["text"] == d["evidence"][0]["text"]


def test_json_is_the_pages_graph(exported, graph):
    data = json.loads(exported("json", "--details").read_text(encoding="utf-8"))
    assert [n["id"] for n in data["nodes"]] == list(graph.nodes)
    assert len(data["edges"]) == graph.number_of_edges()


@pytest.mark.parametrize("extra", [(), ("--details",)])
def test_dot_is_valid_graphviz(exported, extra):
    dot = shutil.which("dot")
    assert dot, "Graphviz's dot is missing: run `make dev` (as root it installs graphviz)"
    done = subprocess.run([dot, "-Tsvg", str(exported("dot", *extra))], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert b"warning" not in done.stderr.lower(), done.stderr.decode()
    assert ET.fromstring(done.stdout).tag.endswith("svg")


def test_svg_and_png_for_slides(exported):
    svg = exported("svg").read_bytes()
    assert ET.fromstring(svg).tag.endswith("svg") and "2024年上海民政工作要点".encode() in svg
    assert exported("png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_a_png_to_the_terminal_is_refused_in_one_line(seeded):
    result = run("export", "lineage", "--format", "png", db=seeded)
    assert result.exit_code != 0 and result.stderr.startswith("policykg: error:") and "--out" in result.stderr


@pytest.mark.npm
@pytest.mark.parametrize("extra", [(), ("--details",)])
def test_mermaid_is_valid_for_mermaids_own_parser(exported, open_page, tmp_path, extra):
    assert MERMAID.is_file(), "run `make dev` (npm ci in tests/mermaid_check)"
    host = tmp_path / "mermaid.html"
    host.write_text("<!DOCTYPE html><meta charset='utf-8'><script>" + MERMAID.read_text(encoding="utf-8")
                    .replace("</script", "<\\/script") + "</script>", encoding="utf-8")
    opened = open_page(host)
    text = exported("mermaid", *extra).read_text(encoding="utf-8")
    verdict = opened.page.evaluate("""async text => {
        try { const r = await mermaid.parse(text); return r ? r.diagramType : 'parsed'; }
        catch (e) { return 'error: ' + e.message; }
    }""", text)
    assert verdict == "flowchart-v2", verdict
    broken = opened.page.evaluate("""async text => {
        try { await mermaid.parse(text); return 'parsed'; } catch (e) { return 'error'; }
    }""", text.replace("-->", "--> -->", 1))
    assert broken == "error"   # the parser does reject what is not Mermaid


def test_the_lineage_formats_are_for_export_lineage_only_and_say_so(seeded):
    result = run("export", "targets", "--format", "graphml", db=seeded)
    assert result.exit_code != 0 and result.stderr.startswith("policykg: error:") and "export lineage" in result.stderr
    result = run("export", "lineage", "--format", "csv", db=seeded)
    assert result.exit_code != 0 and "graphml" in result.stderr
    result = run("export", "lineage", "--name", "no-such-plan", db=seeded)
    assert result.exit_code != 0 and result.stderr.startswith("policykg: error: nothing named 'no-such-plan'")
    assert json.loads(run("export", "lineage", "--name", "jingan-2025", db=seeded).stdout)["focus"].startswith("jingan-2025@")
