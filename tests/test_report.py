"""The analyst's report: its data (queries/report.py), the workbook (export report --format xlsx),
CSV with a byte-order mark, and the report page in a real headless Chromium."""
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from policykg.app import GraphLocation, align, load_paths
from policykg.cli import main
from policykg.graph.store import open_store
from policykg.queries import run_query
from policykg.queries.report import choose_city_plan, report_data

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def run(*args, db):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("report") / "g.lbdb"
    with open_store("ladybug", db_path=str(db)) as store:
        assert not load_paths([str(SEEDS)], store).failed
    return db


@pytest.fixture(scope="module")
def report(seeded):
    with open_store("ladybug", db_path=str(seeded), read_only=True) as store:
        return report_data(store)


@pytest.fixture(scope="module")
def texts(seeded):
    with open_store("ladybug", db_path=str(seeded), read_only=True) as store:
        return {r["source"]: r["text"] for r in store.query("MATCH (d:Document) RETURN d.source AS source, d.text AS text").records()}


def align_cells(seeded, city_source):
    """(indicator, district column) → cell text, as `policykg align` prints them, for one city plan's rows."""
    result = align(GraphLocation(None, str(seeded)))
    cells = {}
    for row in result.rows:
        if row[1] != city_source:
            continue
        for column, text in zip(result.columns[3:], row[3:]):
            if text:
                cells[(row[0], column)] = text
    return cells


def test_default_report_is_the_city_with_the_most_district_plans(report, seeded):
    with open_store("ladybug", db_path=str(seeded), read_only=True) as store:
        implementing = store.query("MATCH (d:Document)-[:IMPLEMENTS]->(c:Document) RETURN d.source AS d, c.source AS c").records()
    assert report.city["source"] == "shanghai-2024"
    assert sorted(d["source"] for d in report.districts) == sorted(r["d"] for r in implementing if r["c"] == "shanghai-2024")


def test_heatmap_cells_are_the_alignment_matrix(report, seeded):
    """One cell per (indicator, district) pair that `align` shows, with its text; coloured by the
    share (counts) or gap (rates) the alignment query returns."""
    expected = align_cells(seeded, report.city["source"])
    labels = {r["id"]: r["indicator"] for r in report.rows}
    got = {(labels[c["row"]], c["column"]): c["text"] for c in report.cells}
    assert got == expected and len(got) == len(report.cells) > 20
    with open_store("ladybug", db_path=str(seeded), read_only=True) as store:
        rows = run_query(store, "alignment", {}).records()
    for cell in report.cells:
        values = [a["share"] if cell["measure"] == "share" else a["gap"] for a in rows
                  if a["city_target_id"] == cell["row"] and a["district_source"] == cell["district"]]
        assert cell["value"] in values
        assert len(cell["alignments"]) == len(values)


def test_every_value_has_its_evidence_in_the_original_text(report, texts):
    evidences = [r["evidence"] for r in report.rows]
    evidences += [a["evidence"] for c in report.cells for a in c["alignments"]]
    evidences += [part["evidence"] for r in report.rollup for part in r["parts"]] + [r["evidence"] for r in report.rollup]
    for part in ("gaps", "changes", "conflicts", "unmapped"):
        evidences += [x["evidence"] for x in getattr(report, part)]
    evidences += [t for w in report.workload for t in w["tasks"]]
    assert len(evidences) > 200
    for ev in evidences:
        assert ev and texts[ev["source"]][ev["start_offset"]:ev["end_offset"]] == ev["text"], ev


def test_report_parts_are_filled_from_the_seeds(report):
    assert {g["kind"] for g in report.gaps} == {"city_unaddressed", "district_only"}
    assert {c["status"] for c in report.changes} == {"raised", "lowered", "new", "dropped"}
    assert all(c["region"] == "长宁区" for c in report.changes)      # the only district with two plan years
    assert any(w["explicit"] for w in report.workload) and any(w["inferred"] for w in report.workload)
    assert {c["source"] for c in report.conflicts} <= set(report.sources) and report.conflicts
    rollup = {r["indicator"]: r for r in report.rollup}
    assert rollup["养老床位"]["district_total"] == sum(p["value"] for p in rollup["养老床位"]["parts"])


def test_the_report_reads_its_plans_not_the_whole_graph(seeded, report):
    """Every read the report makes past the list of documents names its plans (a source, district, region
    or document ids): on a 10,000-plan graph, reading every alignment, gap and owned task took 56 s."""
    sent = []
    with open_store("ladybug", db_path=str(seeded), read_only=True) as store:
        class Spy:
            schema = store.schema

            def query(self, cypher, params=None):
                sent.append((cypher, params or {}))
                return store.query(cypher, params)

        assert report_data(Spy()).to_dict() == report.to_dict()
    plans = set(report.sources) | {d["region"] for d in report.districts} | {report.city["region"]}

    def names_plans(params: dict) -> bool:
        ids = params.get("documents")
        return (isinstance(ids, list) and 0 < len(ids) <= len(report.sources)) or any(
            params.get(p) in plans for p in ("source", "district", "region"))

    whole = [cypher for cypher, params in sent if not names_plans(params)]
    # What is left reads documents (which plan is the city's, and each document's source), never their contents.
    assert whole and all(cypher.lstrip().startswith(("MATCH (d:Document)", "MATCH (n:Document)")) for cypher in whole), whole
    assert len(sent) - len(whole) >= 3 * len(report.sources)


def test_choosing_the_city_plan():
    docs = [{"id": "a", "source": "sh-2024", "region": "上海市", "year": 2024, "level": "city"},
            {"id": "d", "source": "ja-2025", "region": "静安区", "year": 2025, "level": "district"}]
    assert choose_city_plan(docs, [], "sh-2024")["id"] == "a"
    with pytest.raises(ValueError, match="no city plan of 北京市 is loaded; loaded: 上海市 2024"):
        choose_city_plan(docs, [], "北京市")
    with pytest.raises(ValueError, match="no city plan is loaded"):
        choose_city_plan(docs[1:], [])


# -- the workbook --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workbook(seeded, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    result = run("export", "report", "--format", "xlsx", "--out", str(path), db=seeded)
    assert result.exit_code == 0 and "shanghai-2024" in result.stderr
    return openpyxl.load_workbook(path)


def sheet_records(ws):
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_workbook_has_every_sheet(workbook):
    assert workbook.sheetnames == ["alignment", "rollup", "gaps", "owners", "owner_tasks", "changes", "conflicts",
                                   "unmapped", "evidence"]


def test_workbook_matrix_has_aligns_numbers_coloured(workbook, seeded, report):
    ws = workbook["alignment"]
    header = [c.value for c in ws[1]]
    with open_store("ladybug", db_path=str(seeded), read_only=True) as store:
        rows = run_query(store, "alignment", {}).records()
    district_columns = {d["column"]: d["source"] for d in report.districts}
    assert header[4:] == list(district_columns) == [c for c in align(GraphLocation(None, str(seeded))).columns[3:]
                                                    if c in district_columns]
    expected = align_cells(seeded, report.city["source"])
    seen = 0
    for row in ws.iter_rows(min_row=2):
        indicator = row[0].value
        for cell, column in zip(row[4:], header[4:]):
            if cell.value is None:
                assert (indicator, column) not in expected
                continue
            seen += 1
            assert cell.comment.text.startswith(expected[(indicator, column)])
            measured = [a["share"] if a["share"] is not None else a["gap"] for a in rows
                        if a["indicator"] == indicator and a["district_source"] == district_columns[column]]
            # xlsx keeps 15-17 significant digits of a float
            assert any(cell.value == pytest.approx(m, rel=1e-12) for m in measured)
            assert cell.fill.fgColor.rgb not in (None, "00000000")
    assert seen == len(expected)


def test_workbook_rollup_and_evidence_sheets(workbook, seeded, texts, report):
    rollup = {r["indicator"]: r for r in sheet_records(workbook["rollup"])}
    for r in report.rollup:
        assert rollup[r["indicator"]]["district_total"] == r["district_total"]
        if r["covered_share"] is None:      # a rate: the range of the districts' values, no share
            assert rollup[r["indicator"]]["covered_share"] is None and rollup[r["indicator"]]["lowest"] == r["lowest"]
        else:
            assert rollup[r["indicator"]]["covered_share"] == pytest.approx(r["covered_share"], rel=1e-12)
    evidence = sheet_records(workbook["evidence"])
    assert len(evidence) == sum(1 for t in report.targets) > 50
    assert {e["source"] for e in evidence} == set(report.sources)
    assert all(texts[e["source"]][e["start_offset"]:e["end_offset"]] == e["text"] for e in evidence)
    owners = sheet_records(workbook["owners"])
    assert all(o["tasks"] == o["explicit"] + o["inferred"] for o in owners)


def test_export_report_needs_an_xlsx_file_and_a_known_city(seeded, tmp_path):
    result = run("export", "report", db=seeded)
    assert result.exit_code != 0 and "--format xlsx --out" in result.stderr
    result = run("export", "report", "--format", "xlsx", "--out", str(tmp_path / "r.xlsx"), "--city", "北京市", db=seeded)
    assert result.exit_code != 0 and "loaded: 上海市 2024" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "r.xlsx").exists()


# -- CSV for Excel ------------------------------------------------------------------------------

def test_csv_byte_order_mark_only_when_asked(seeded, tmp_path):
    plain = run("export", "targets", "--format", "csv", db=seeded).stdout
    assert plain.startswith("source,") or plain.startswith("doc_id,")
    out = tmp_path / "t.csv"
    assert run("export", "targets", "--format", "csv", "--bom", "--out", str(out), db=seeded).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data[3:].decode("utf-8").rstrip("\n") == plain.rstrip("\n")
    # A byte-order mark is a CSV thing: JSON stays plain.
    assert json.loads(run("export", "targets", "--format", "json", "--bom", db=seeded).stdout)


# -- the report page, in a real headless Chromium ---------------------------------------------------

@pytest.fixture(scope="module")
def report_html(seeded, tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "report.html"
    result = run("report", "--out", str(path), db=seeded)
    assert result.exit_code == 0 and "shanghai-2024" in result.stderr
    return path


HEATMAP = """() => {
  const option = echarts.getInstanceByDom(document.getElementById('heatmap-chart')).getOption();
  const data = JSON.parse(document.getElementById('page-data').textContent).report;
  return {columns: option.xAxis[0].data, rows: option.yAxis[0].data,
          cells: option.series.flatMap(s => s.data.map(d => ({x: d.value[0], y: d.value[1], value: d.value[2],
                                                               text: data.cells[d.cell].text}))),
          indicators: data.rows.map(r => r.indicator)};
}"""


def test_report_page_opens_offline_with_one_heatmap_cell_per_aligned_pair(report_html, seeded, open_page, report):
    assert report_html.stat().st_size < 5_000_000
    opened = open_page(report_html)
    page = opened.page
    assert opened.refused == [] and opened.errors == [] and opened.console_errors == []
    assert page.evaluate("document.documentElement.lang") == "zh" and "对标分析报告" in page.title()
    heat = page.evaluate(HEATMAP)
    got = {(heat["indicators"][c["y"]], heat["columns"][c["x"]]): c for c in heat["cells"]}
    expected = align_cells(seeded, report.city["source"])
    assert {k: c["text"] for k, c in got.items()} == expected and len(heat["cells"]) == len(expected)
    with open_store("ladybug", db_path=str(seeded), read_only=True) as store:
        rows = run_query(store, "alignment", {}).records()
    sources = {d["column"]: d["source"] for d in report.districts}
    for (indicator, column), cell in got.items():
        measured = [a["share"] if a["share"] is not None else a["gap"] for a in rows
                    if a["indicator"] == indicator and a["district_source"] == sources[column]
                    and a["city_source"] == report.city["source"]]
        assert cell["value"] in measured
    # every section is there, and tables carry their evidence with offsets
    for section in ("heatmap", "rollup", "gaps", "changes", "workload", "conflicts", "unmapped", "lineage"):
        assert page.locator(f"#{section}").count() == 1
    assert page.locator("#rollup-table tbody tr").count() == sum(1 for r in report.rollup if r["city_unit"] != "%")
    assert page.locator("#gaps-city .rp-ev").count() == sum(1 for g in report.gaps if g["kind"] == "city_unaddressed")
    assert page.locator("#conflicts-table .rp-ev").count() == len(report.conflicts)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000


def test_a_click_on_a_heatmap_cell_shows_its_evidence(report_html, open_page, report, texts):
    page = open_page(report_html).page
    cell = next(c for c in report.cells if c["measure"] == "share")
    row = next(i for i, r in enumerate(report.rows) if r["id"] == cell["row"])
    column = next(i for i, d in enumerate(report.districts) if d["source"] == cell["district"])
    x, y = page.evaluate("""([x, y]) => echarts.getInstanceByDom(document.getElementById('heatmap-chart'))
                              .convertToPixel({seriesIndex: 0}, [x, y])""", [column, row])
    box = page.locator("#heatmap-chart").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    panel = page.locator("#heatmap-panel")
    ev = cell["alignments"][0]["evidence"]
    shown = panel.locator(".rp-ev").first
    assert shown.get_attribute("data-source") == ev["source"] and int(shown.get_attribute("data-start")) == ev["start_offset"]
    assert "".join(ev["text"].split()) in "".join(panel.inner_text().split())
    assert texts[ev["source"]][ev["start_offset"]:ev["end_offset"]] == ev["text"]


def test_report_in_english_and_on_a4(seeded, tmp_path, open_page):
    path = tmp_path / "report-en.html"
    assert run("report", "--lang", "en", "--out", str(path), db=seeded).exit_code == 0
    opened = open_page(path)
    assert opened.refused == [] and opened.errors == [] and opened.console_errors == []
    page = opened.page
    assert page.evaluate("document.documentElement.lang") == "en" and "Alignment report" in page.title()
    page.emulate_media(media="print")
    assert page.locator(".pk-nav").is_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2


def test_report_of_an_unknown_city_is_one_line(seeded, tmp_path):
    result = run("report", "--city", "北京市", "--out", str(tmp_path / "r.html"), db=seeded)
    assert result.exit_code != 0 and "no city plan of 北京市" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("args", [["report"], ["export", "report", "--format", "xlsx"], ["review", "jingan-2025"]])
def test_an_unwritable_out_path_is_one_line(seeded, tmp_path, args):
    (tmp_path / "a-file").write_text("x")
    out = tmp_path / "a-file" / "file"          # a folder that cannot be made: a file has its name
    result = run(*args, "--out", str(out), db=seeded)
    assert result.exit_code == 1 and f"{out}: cannot create the folder" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["report"], ["export", "report", "--format", "xlsx"], ["review", "jingan-2025"]])
def test_out_into_a_missing_folder_creates_it(seeded, tmp_path, args):
    out = tmp_path / "new" / "folder" / "file"
    result = run(*args, "--out", str(out), db=seeded)
    assert result.exit_code == 0 and out.stat().st_size > 0
