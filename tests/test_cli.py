"""The CLI through click's CliRunner: load, stats, cypher, export and every bad input."""
import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main
from tests.test_ladybug_store import _written_before_document_links

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def run(*args, db=None, **kw):
    runner = CliRunner()
    argv = (["--db", str(db)] if db else []) + list(args)
    return runner.invoke(main, argv, catch_exceptions=False, **kw)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "g.lbdb"
    result = run("load", str(SEEDS), "--quiet", db=db)
    assert result.exit_code == 0, result.output
    return db


def counts(db):
    out = run("cypher", "MATCH (n) RETURN count(n) AS n", "--format", "json", db=db)
    nodes = json.loads(out.stdout)[0]["n"]
    out = run("cypher", "MATCH ()-[r]->() RETURN count(r) AS n", "--format", "json", db=db)
    return nodes, json.loads(out.stdout)[0]["n"]


def test_load_prints_summary_per_document(seeded):
    result = run("stats", "--format", "json", db=seeded)
    rows = {r["source"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"shanghai-2024", "jingan-2025", "jinshan-2025", "changning-2024", "changning-2025"}
    assert rows["jinshan-2025"]["tasks"] >= 32 and rows["jinshan-2025"]["leaders"] == 4
    assert all(r["sections"] > 0 and r["tasks"] > 0 for r in rows.values())


def test_loading_twice_gives_identical_counts(seeded):
    before = counts(seeded)
    result = run("load", str(SEEDS), "--quiet", db=seeded)
    assert result.exit_code == 0
    assert "unchanged" in result.stderr or counts(seeded) == before
    assert counts(seeded) == before


def test_every_node_offset_reproduces_its_text(seeded):
    docs = json.loads(run("cypher", "MATCH (d:Document) RETURN d.id AS id, d.text AS text", "--format", "json", db=seeded).stdout)
    texts = {d["id"]: d["text"] for d in docs}
    for label in ["Section", "Task", "Target"]:
        rows = json.loads(run("cypher", f"MATCH (n:{label}) RETURN n.doc_id AS d, n.start_offset AS s, n.end_offset AS e, n.text AS t",
                              "--format", "json", db=seeded).stdout)
        assert rows or label == "Target"
        for r in rows:
            assert texts[r["d"]][r["s"]:r["e"]] == r["t"], (label, r)
    for rel in ["OWNED_BY", "LED_BY", "CITES"]:
        rows = json.loads(run("cypher", f"MATCH (a)-[r:{rel}]->(b) RETURN r.start_offset AS s, r.end_offset AS e, r.text AS t, "
                              "coalesce(a.doc_id, a.id) AS d", "--format", "json", db=seeded).stdout)
        for r in rows:
            assert texts[r["d"]][r["s"]:r["e"]] == r["t"], (rel, r)


def test_cypher_with_parameters_and_formats(seeded):
    result = run("cypher", "MATCH (d:Document) WHERE d.source = $s RETURN d.region AS region, d.year AS year",
                 "--param", "s=jinshan-2025", "--format", "csv", db=seeded)
    assert result.exit_code == 0
    assert result.stdout.strip().splitlines() == ["region,year", "金山区,2025"]


def test_cypher_is_read_only_without_write(seeded):
    result = run("cypher", "CREATE (r:Region {id: 'x', name: 'x'})", db=seeded)
    assert result.exit_code != 0 and "--write" in result.stderr
    assert "Traceback" not in result.output
    assert json.loads(run("cypher", "MATCH (r:Region {id: 'x'}) RETURN count(r) AS n", "--format", "json", db=seeded).stdout)[0]["n"] == 0


def test_cypher_write_with_flag(tmp_path):
    db = tmp_path / "w.lbdb"
    assert run("load", str(SEEDS / "jingan-2025.txt"), "--quiet", db=db).exit_code == 0
    assert run("cypher", "CREATE (r:Region {id: 'x', name: 'x'})", "--write", db=db).exit_code == 0
    assert json.loads(run("cypher", "MATCH (r:Region {id: 'x'}) RETURN count(r) AS n", "--format", "json", db=db).stdout)[0]["n"] == 1


def test_cypher_syntax_error_is_one_line(seeded):
    result = run("cypher", "MATC (n) RETURN n", db=seeded)
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("policykg: error:")


def test_export_tasks_has_owner_fields(seeded):
    result = run("export", "tasks", "--format", "jsonl", db=seeded)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    jinshan = [r for r in rows if r["source"] == "jinshan-2025" and r["item"] == "1"]
    assert jinshan and jinshan[0]["leaders"] == ["徐敏"]
    assert jinshan[0]["departments"] == ["局养老服务科", "区养老服务发展中心", "区社会福利院"]
    assert {"source", "item", "title", "start_offset", "end_offset", "text", "path"} <= set(rows[0])
    assert jinshan[0]["inferred_departments"] == []          # explicit owners win
    # A task the plan names no owner for: departments stay as written (none); the inference is apart, with its rule.
    unowned = [r for r in rows if r["inferred_departments"]]
    assert unowned and all(r["departments"] == [] for r in unowned)
    assert all(i["rule"].startswith("theme:") and i["department"] for r in unowned for i in r["inferred_departments"])


@pytest.mark.parametrize("kind", ["documents", "sections", "tasks", "targets", "citations"])
def test_export_formats(seeded, kind):
    for fmt in ["jsonl", "csv", "json"]:
        result = run("export", kind, "--format", fmt, db=seeded)
        assert result.exit_code == 0, result.stderr


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name,data,needle", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n ", "empty"),
    ("binary.txt", b"\x00\x01\x02\x03PK\x00\x00" * 50, "binary"),
    ("plan.xls", "2025年工作要点".encode(), "unsupported"),
])
def test_bad_input_is_one_line_and_changes_nothing(seeded, tmp_path, name, data, needle):
    before = counts(seeded)
    bad = write(tmp_path / name, data)
    result = run("load", str(bad), "--quiet", db=seeded)
    assert result.exit_code != 0
    errors = [l for l in result.stderr.splitlines() if l.startswith("policykg: error:")]
    assert len(errors) == 1 and name in errors[0] and needle in errors[0].lower()
    assert "Traceback" not in result.output
    assert counts(seeded) == before


def test_missing_path_and_empty_folder(tmp_path):
    db = tmp_path / "g.lbdb"
    result = run("load", str(tmp_path / "nope.txt"), "--quiet", db=db)
    assert result.exit_code != 0 and "nope.txt" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.xls").write_text("x")
    result = run("load", str(empty), "--quiet", db=db)
    assert result.exit_code != 0 and "no supported file" in result.stderr.lower()


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(SEEDS / "jingan-2025.txt", folder)
    write(folder / "broken.txt", b"\x00\xff\x00\xfe" * 100)
    db = tmp_path / "g.lbdb"
    result = run("load", str(folder), "--quiet", db=db)
    assert result.exit_code != 0
    assert "broken.txt" in result.stderr
    rows = json.loads(run("stats", "--format", "json", db=db).stdout)
    assert [r["source"] for r in rows] == ["jingan-2025"]


def test_changed_file_replaces_its_document_only(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for name in ["jingan-2025.txt", "jinshan-2025.txt"]:
        shutil.copy(SEEDS / name, folder)
    db = tmp_path / "g.lbdb"
    assert run("load", str(folder), "--quiet", db=db).exit_code == 0
    stats = {r["source"]: r for r in json.loads(run("stats", "--format", "json", db=db).stdout)}
    text = (folder / "jingan-2025.txt").read_text(encoding="utf-8")
    cut = text.index("二、聚焦民生兜底保障")
    (folder / "jingan-2025.txt").write_text(text[:cut], encoding="utf-8")
    result = run("load", str(folder / "jingan-2025.txt"), db=db)
    assert result.exit_code == 0 and "replaced" in result.stderr
    after = {r["source"]: r for r in json.loads(run("stats", "--format", "json", db=db).stdout)}
    assert after["jingan-2025"]["tasks"] < stats["jingan-2025"]["tasks"]
    assert after["jinshan-2025"] == stats["jinshan-2025"]
    ids = json.loads(run("cypher", "MATCH (d:Document) RETURN count(d) AS n", "--format", "json", db=db).stdout)
    assert ids[0]["n"] == 2


def test_region_override_and_warning(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("工作要点\n一、加强养老服务\n新增10张养老床位。\n", encoding="utf-8")
    db = tmp_path / "g.lbdb"
    result = run("load", str(plan), db=db)
    assert result.exit_code == 0 and "warning" in result.stderr.lower()
    result = run("load", str(plan), "--region", "徐汇区", "--year", "2026", db=db)
    rows = json.loads(run("cypher", "MATCH (d:Document) RETURN d.region AS r, d.year AS y", "--format", "json", db=db).stdout)
    assert rows == [{"r": "徐汇区", "y": 2026}]


def test_version_and_help():
    assert run("--version").stdout.startswith("policykg, version")
    for cmd in ["load", "stats", "cypher", "export", "review", "check", "indicators", "query", "align", "owner", "lineage", "sync"]:
        out = run(cmd, "--help").stdout
        assert "Example" in out, cmd


def test_check_lists_conflicting_values(seeded):
    result = run("check", "--format", "json", db=seeded)
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    jingan = {(r["indicator"], r["value"]) for r in rows if r["source"] == "jingan-2025"}
    assert {("社区长者食堂", 2), ("社区长者食堂", 6)} <= jingan
    assert run("check", "--document", "jinshan-2025", db=seeded).exit_code == 0


def test_indicators_lists_catalogue_counts_and_unmapped(seeded):
    rows = json.loads(run("indicators", "--format", "json", db=seeded).stdout)
    beds = next(r for r in rows if r["indicator"] == "养老床位")
    assert beds["targets"] == 2 and beds["theme"] == "养老服务"
    assert run("indicators", "--unmapped", db=seeded).exit_code == 0


def test_load_shows_result_lines_and_summary(tmp_path):
    result = run("load", str(SEEDS / "jinshan-2025.txt"), db=tmp_path / "g.lbdb")
    assert result.exit_code == 0
    assert "jinshan-2025.txt: added" in result.stderr and "loaded 1 file(s), 0 failed" in result.stderr
    assert result.stdout.splitlines()[0].split()[:3] == ["source", "region", "year"]


def test_database_held_by_another_process(tmp_path):
    from policykg.graph.ladybug_store import LadybugStore

    db = tmp_path / "g.lbdb"
    holder = LadybugStore(str(db))   # same process, separate lock file handle: flock conflicts
    try:
        result = run("load", str(SEEDS / "jinshan-2025.txt"), "--quiet", db=db)
        assert result.exit_code != 0 and "in use" in result.stderr
    finally:
        holder.close()


def test_unexpected_failure_is_one_line_without_traceback(seeded, monkeypatch):
    import policykg.graph.exports

    def boom(store):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(policykg.graph.exports.EXPORTS, "targets", boom)
    result = run("export", "targets", db=seeded)
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert result.stderr.startswith("policykg: internal error: ZeroDivisionError")


def test_align_matrix_shows_share_of_city_target(seeded):
    result = run("align", "--format", "json", db=seeded)
    rows = {r["indicator"]: r for r in json.loads(result.stdout)}
    beds = rows["养老床位"]
    assert beds["city"] == "4000张"
    assert any(k.startswith("jingan-2025") and v == "600张 (15%)" for k, v in beds.items())


def test_owner_lists_explicit_and_inferred_owners(seeded):
    rows = json.loads(run("owner", "民心工程", "--format", "json", db=seeded).stdout)
    jinshan = [r for r in rows if r["source"] == "jinshan-2025" and r["item"] == "1"]
    assert jinshan and jinshan[0]["leaders"] == ["徐敏"] and "局养老服务科" in jinshan[0]["departments"]
    assert any(r["inferred_departments"] for r in rows)
    original = original_texts()
    assert all(original[r["source"]][r["start_offset"]:r["end_offset"]] == r["text"] for r in rows)
    # --source: one plan's tasks, the same records
    assert json.loads(run("owner", "民心工程", "--source", "jinshan-2025", "--format", "json", db=seeded).stdout) == [
        r for r in rows if r["source"] == "jinshan-2025"]
    assert run("owner", "民心工程", "--source", "nowhere-2025", db=seeded).stdout.strip() == "no task mentions 民心工程 in nowhere-2025"


def original_texts() -> dict[str, str]:
    """Each seed's original text (what every evidence offset points into), by source."""
    from policykg.loaders.read import read_source

    return {p.stem: read_source(str(p)).text for p in SEEDS.glob("*.txt")}


def test_lineage_of_a_district_plan(seeded):
    rows = json.loads(run("lineage", "changning-2025", "--format", "json", db=seeded).stdout)
    relations = {(r["from"], r["relationship"], r["to"]) for r in rows}
    assert ("changning-2025", "IMPLEMENTS", "shanghai-2024") in relations
    assert ("changning-2025", "SUCCEEDS", "changning-2024") in relations
    # Each link leads back to its sentence: source, offsets into the original text, and that text.
    original = original_texts()
    cited = [r for r in rows if r["relationship"] in ("CITES", "RUNS_PROGRAM")]
    assert {r["source"] for r in cited} >= {"changning-2025", "shanghai-2024"}      # two hops: the city plan's too
    assert all(original[r["source"]][r["start_offset"]:r["end_offset"]] == r["text"] for r in cited)
    result = run("lineage", "no-such-plan", db=seeded)
    assert result.exit_code != 0 and result.stderr.startswith("policykg: error:")


@pytest.fixture(scope="module")
def doubled(tmp_path_factory):
    """The seeds loaded twice over (each under a second name): over 1,000 `owner` rows, past the default page."""
    plans = tmp_path_factory.mktemp("doubled-plans")
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, plans / path.name)
        shutil.copy(path, plans / f"{path.stem}-copy{path.suffix}")
    db = plans.parent / "doubled.lbdb"
    assert run("load", str(plans), "--quiet", db=db).exit_code == 0
    return db


def test_query_shows_the_first_1000_rows_by_default_and_says_where_more_start(doubled):
    everything = run("query", "owner", "--limit", "0", "--format", "json", db=doubled)
    total = len(json.loads(everything.stdout))
    assert total > 1000 and "showing" not in everything.stderr
    page = run("query", "owner", "--format", "json", db=doubled)
    assert json.loads(page.stdout) == json.loads(everything.stdout)[:1000]
    assert page.stderr.strip() == "showing the first 1,000 rows; more from --offset 1,000"
    assert "default: 1000" in run("query", "--help").stdout


def test_query_pages_with_limit_and_offset_cover_every_row_once(seeded):
    everything = json.loads(run("query", "gaps", "--format", "json", "--limit", "0", db=seeded).stdout)
    assert len(everything) > 10
    pages = [run("query", "gaps", "--format", "json", "--limit", "10", "--offset", str(start), db=seeded)
             for start in range(0, len(everything), 10)]
    assert [row for page in pages for row in json.loads(page.stdout)] == everything
    # The note says where the next page starts; the page reaching the end knows how many rows there are.
    n, last = len(everything), 10 * (len(pages) - 1)
    assert pages[0].stderr.strip() == "showing the first 10 rows; more from --offset 10"
    assert pages[-1].stderr.strip() == f"showing rows {last + 1}-{n} of {n}"
    past = run("query", "gaps", "--limit", "10", "--offset", str(n + 5), db=seeded)
    assert past.stderr.strip() == f"showing no rows: --offset {n + 5} is past the last row"
    # csv pages the same way: the header, then rows 11-20
    csv_page = list(csv.reader(io.StringIO(run("query", "gaps", "--format", "csv", "--limit", "10", "--offset", "10",
                                               db=seeded).stdout)))
    csv_all = list(csv.reader(io.StringIO(run("query", "gaps", "--format", "csv", "--limit", "0", db=seeded).stdout)))
    assert csv_page == csv_all[:1] + csv_all[11:21]
    assert run("query", "gaps", "--limit", "-1", db=seeded).exit_code != 0


def test_query_list_and_named_query_with_params(seeded):
    names = [r["name"] for r in json.loads(run("query", "--list", "--format", "json", db=seeded).stdout)]
    assert {"alignment", "scorecard", "gaps", "rollup", "owner", "lineage", "target-history", "citations"} <= set(names)
    rows = json.loads(run("query", "alignment", "--param", "indicator=养老床位", "--format", "json", db=seeded).stdout)
    assert [(r["district_source"], r["district_value"], r["city_value"]) for r in rows] == [("jingan-2025", 600, 4000)]
    bad = run("query", "alignment", "--param", "nope=1", db=seeded)
    assert bad.exit_code != 0 and "indicator" in bad.stderr


@pytest.mark.parametrize("argv, says", [
    (["load", "x.txt", "--year", "99999"], "Invalid value for '--year'"),
    (["lineage", "x", "--depth", "0"], "Invalid value for '--depth'"),
    (["no-such-command"], "No such command 'no-such-command'"),
    (["--no-such-option"], "No such option '--no-such-option'"),
    (["owner"], "Missing argument 'KEYWORD'"),
])
def test_a_usage_error_is_one_line_with_where_to_look(argv, says, tmp_path):
    result = run(*argv, db=tmp_path / "g.lbdb")
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and says in lines[0] and "--help`" in lines[0], result.stderr
    assert not (tmp_path / "g.lbdb").exists()          # nothing was opened, let alone written


def test_a_bad_buffer_pool_setting_is_one_line(seeded):
    result = run("stats", db=seeded, env={"POLICYKG_BUFFER_POOL_MB": "lots"})
    assert result.exit_code == 1 and "POLICYKG_BUFFER_POOL_MB='lots'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_embedded_store_runs_in_a_bounded_buffer_pool(seeded):
    assert run("stats", db=seeded, env={"POLICYKG_BUFFER_POOL_MB": "64"}).exit_code == 0


def test_a_graph_from_before_the_document_links_is_one_line_until_derive_all_upgrades_it(tmp_path):
    db = tmp_path / "old.lbdb"
    _written_before_document_links(str(db))
    refused = run("query", "alignment", db=db)
    assert refused.exit_code != 0 and refused.stderr.count("\n") == 1, refused.output
    assert "written by an earlier policykg: run `policykg derive --all` once" in refused.stderr
    assert run("derive", "--all", db=db).exit_code == 0
    rows = json.loads(run("query", "alignment", "--param", "district=jingan-2024", "--format", "json", db=db).stdout)
    assert [(r["district_value"], r["city_value"]) for r in rows] == [(600.0, 4000.0)]
