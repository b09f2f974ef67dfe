"""Every case the hostile-input issue found, as a test: what stopped a batch, what exhausted memory,
what produced invalid output or misleading exit codes, and hostile strings through every command.

Read-only file access and the lock are in tests/test_read_only.py, quadratic patterns in
tests/test_pathological.py, kill -9 in tests/test_crash.py, fuzzing in tests/test_fuzz.py.
"""
from __future__ import annotations

import json
import math
import resource
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.loaders.errors import InputError
from policykg.loaders.pipeline import parse_document
from policykg.loaders.read import read_source

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PLAN = "2025年测试区民政工作要点\n一、养老服务\n1.新增养老床位100张。（牵头领导：张三，责任部门：养老服务科）\n"

# The 452-byte YAML alias bomb ("billion laughs"): 9 levels of 9 aliases.
ALIAS_BOMB = "a: &a [" + ",".join(["lol"] * 9) + "]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)) + "year: *i\n"


def run(*args, db=None, env=None):
    argv = (["--db", str(db)] if db else []) + [str(a) for a in args]
    return CliRunner().invoke(main, argv, catch_exceptions=False, env=env)


def one_line_error(result) -> str:
    errors = [line for line in result.stderr.splitlines() if line.startswith("policykg: error:")]
    assert errors and "Traceback" not in result.output, result.output
    return errors[0]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "g.lbdb"
    assert run("load", SEEDS, "--quiet", db=db).exit_code == 0
    return db


# -- what once stopped a batch: each such file now loads, or fails in one line, and the others load ---

def _load_with_a_good_plan(tmp_path, bad: Path, env=None):
    good = tmp_path / "good.txt"
    good.write_text(PLAN, encoding="utf-8")
    db = tmp_path / "g.lbdb"
    result = run("load", good, bad, "--quiet", db=db, env=env)
    assert "Traceback" not in result.output and result.exit_code in (0, 1), result.output
    stats = json.loads(run("stats", "--format", "json", db=db).stdout)
    assert "good" in {row["source"] for row in stats}
    return result, {row["source"] for row in stats}


def test_html_nested_a_thousand_deep_loads(tmp_path):
    bad = tmp_path / "deep.html"
    bad.write_text("<p>一、养老服务</p>" + "<div>" * 1000 + "新增养老床位100张。" + "</div>" * 1000, encoding="utf-8")
    result, loaded = _load_with_a_good_plan(tmp_path, bad)
    assert result.exit_code == 0 and "deep" in loaded


def test_a_lone_surrogate_from_a_pdf_becomes_a_replacement_character(tmp_path, monkeypatch):
    import policykg.loaders.read as read

    bad = tmp_path / "surrogate.pdf"
    bad.write_bytes(b"%PDF-1.4 stand-in")
    monkeypatch.setattr(read, "pdf_to_text", lambda path, name: (f"一、养老服务\n新增养老{chr(0xD800)}床位100张。\n", []))
    # The stand-in reader is patched in this process: the file is loaded on its own, which `load`
    # extracts here rather than in a worker process.
    db = tmp_path / "g.lbdb"
    result = run("load", bad, "--quiet", db=db)
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "surrogate" in {row["source"] for row in json.loads(run("stats", "--format", "json", db=db).stdout)}
    source = read_source(bad)
    assert "\ufffd" in source.text and any("surrogate" in w for w in source.warnings)


@pytest.mark.parametrize("numeral", ["一" + "亿" * 40, "9" * 400, "1" + "0" * 20])
def test_numbers_no_float_holds_are_no_target_and_exports_stay_strict_json(tmp_path, numeral):
    bad = tmp_path / "huge.txt"
    bad.write_text(f"一、养老服务\n新增养老床位{numeral}张，新增长者食堂3个。\n", encoding="utf-8")
    result, _ = _load_with_a_good_plan(tmp_path, bad)
    assert result.exit_code == 0
    db = tmp_path / "g.lbdb"
    for kind in ("targets", "tasks", "documents"):
        out = run("export", kind, "--format", "jsonl", db=db).stdout
        for line in out.splitlines():
            json.loads(line, parse_constant=lambda c: pytest.fail(f"{kind} export has {c}"))
    values = json.loads(run("cypher", "MATCH (t:Target) RETURN t.value AS v", "--format", "json", db=db).stdout)
    assert all(v["v"] is None or math.isfinite(v["v"]) for v in values)
    assert 3.0 in {v["v"] for v in values}      # the rest of the sentence still reads


def test_cypher_json_output_has_no_infinity(seeded):
    out = run("cypher", "RETURN 1e308 * 10 AS x, [0.0 / 0.0] AS l", "--format", "json", db=seeded)
    assert out.exit_code == 0
    assert json.loads(out.stdout, parse_constant=lambda c: pytest.fail(c)) == [{"x": None, "l": [None]}]


REALDOCS = sorted((ROOT / "tests" / "realdocs" / "docs").glob("*.*"))
PLANS = sorted(SEEDS.glob("*.txt")) + [p for p in REALDOCS if not p.name.endswith((".meta.yaml", ".md"))]


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_a_text_read_in_chunks_gives_what_one_doc_gives(path, monkeypatch):
    """Long texts go through spaCy a piece at a time; in pieces of 400 characters (or three), every seed and
    real plan gives the targets, mentions and owners that one Doc of the whole text gives."""
    from policykg.loaders.extract import run as extract_run

    whole = parse_document(str(path))
    monkeypatch.setattr(extract_run, "CHUNK_CHARS", min(400, len(whole.view.text) // 3))
    chunked = parse_document(str(path))
    assert chunked.targets == whole.targets
    assert chunked.mentions == whole.mentions
    assert chunked.owners == whole.owners


def test_a_text_over_a_million_characters_goes_through_the_pipeline(tmp_path):
    """spaCy refused texts over its default max_length (1,000,000) after minutes of work; a long text now
    goes through spaCy a piece at a time, and what the last piece holds is found at its place."""
    from policykg.loaders.extract import run as extract_run

    text = "2025年民政工作要点\n一、养老服务\n" + "推进养老服务。\n" * 130_000 + "1.实施“老伙伴计划”，新增养老床位100张。\n"
    assert len(text) > 1_000_000 > extract_run.CHUNK_CHARS
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_document(str(path))
    [target] = parsed.targets
    assert target.value == 100 and parsed.view.text[target.span[0]:target.span[1]].endswith("100张")
    [program] = [m for m in parsed.mentions if m.label == "Program"]
    assert program.name == "老伙伴计划" and program.span[0] > len(text) - 40


@pytest.mark.parametrize("sidecar, needle", [
    ("year: .inf\n", "year"), ("year: 99999999999999999999\n", "year"), ("year: 1066\n", "1949"),
    (ALIAS_BOMB, "alias"), ("region: 静安区\n" + "# padding\n" * 10_000, "limit"),
])
def test_bad_sidecars_fail_in_one_line_and_the_others_load(tmp_path, sidecar, needle):
    bad = tmp_path / "plan.txt"
    bad.write_text(PLAN, encoding="utf-8")
    (tmp_path / "plan.meta.yaml").write_text(sidecar, encoding="utf-8")
    started, peak = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result, loaded = _load_with_a_good_plan(tmp_path, bad)
    assert result.exit_code == 1 and "plan" not in loaded
    assert needle in one_line_error(result).lower() or needle in one_line_error(result)
    # the alias bomb is refused before it expands (it used 13.6 GB): no growth to speak of
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 200_000
    assert time.monotonic() - started < 60


def test_alias_bomb_is_452_bytes():
    assert len(ALIAS_BOMB.encode()) < 600


@pytest.mark.parametrize("year", ["99999999999999999999", "1948", "2101", "-1"])
def test_year_option_out_of_range_is_refused_before_loading(tmp_path, year):
    good = tmp_path / "good.txt"
    good.write_text(PLAN, encoding="utf-8")
    result = run("load", good, "--year", year, db=tmp_path / "g.lbdb")
    assert result.exit_code == 2 and "1949<=x<=2100" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "g.lbdb").exists()


def test_lineage_depth_must_be_at_least_one(seeded):
    result = run("lineage", "jingan-2025", "--depth", "0", db=seeded)
    assert result.exit_code == 2 and "x>=1" in result.output


# -- resource limits -------------------------------------------------------------------------------

def _zip_bomb(path: Path, unpacked_mb: int) -> None:
    """A .docx-shaped archive whose document.xml inflates to `unpacked_mb` MB (a few hundred KB packed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"<w:t>" + b"0" * (1024 * 1024 - 5)
            for _ in range(unpacked_mb):
                member.write(chunk)


def test_a_docx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.docx"
    _zip_bomb(bomb, 300)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    started, peak = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match="unpacked .docx of 300.0 MB is over the limit of 200.0 MB") as err:
        read_source(bomb)
    assert "POLICYKG_MAX_DOCX_UNPACKED_MB" in str(err.value) and "\n" not in str(err.value)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 100_000     # KB: nothing was inflated
    assert time.monotonic() - started < 10


def test_text_limit_is_configurable_and_names_its_variable(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(PLAN * 2000, encoding="utf-8")
    result, loaded = _load_with_a_good_plan(tmp_path, big, env={"POLICYKG_MAX_TEXT_MB": "0.1"})
    assert result.exit_code == 1 and "big" not in loaded
    assert "over the limit of 0.1 MB" in one_line_error(result) and "POLICYKG_MAX_TEXT_MB" in one_line_error(result)
    result = run("load", big, "--quiet", db=tmp_path / "g.lbdb", env={"POLICYKG_MAX_TEXT_MB": "many"})
    assert result.exit_code == 1 and "POLICYKG_MAX_TEXT_MB='many' is not a positive number" in one_line_error(result)


# -- exit codes a pipeline can trust --------------------------------------------------------------

@pytest.mark.parametrize("args, needle", [
    (["check", "--document", "jingan-2O25"], "no document named 'jingan-2O25'"),
    (["align", "--indicator", "不存在的指标"], "no target measures an indicator named '不存在的指标'"),
    (["review", "nosuch", "--out", "x.html"], "no document named 'nosuch'"),
    (["lineage", "nosuch"], "nothing named 'nosuch'"),
    (["query", "nosuch"], "nosuch"),
])
def test_unknown_names_fail_with_exit_1_in_one_line(seeded, args, needle):
    result = run(*args, db=seeded)
    assert result.exit_code == 1
    assert needle in one_line_error(result) and result.stderr.count("\n") == 1


def test_known_names_still_answer(seeded):
    assert run("check", "--document", "jinshan-2025", db=seeded).exit_code in (0, 1)
    assert run("align", "--indicator", "养老床位", db=seeded).exit_code == 0


def test_review_out_into_a_missing_folder_creates_it(seeded, tmp_path):
    out = tmp_path / "not" / "yet" / "review.html"
    result = run("review", "jingan-2025", "--out", out, db=seeded)
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<")


def test_review_out_where_no_folder_can_be_made_is_one_line(seeded, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("review", "jingan-2025", "--out", blocker / "sub" / "r.html", db=seeded)
    assert result.exit_code == 1 and "cannot create the folder" in one_line_error(result)


def test_pypdf_log_lines_stay_off_stderr(tmp_path):
    from tests.test_read import load_fixture_script

    pdf = load_fixture_script().make_pdf(tmp_path / "broken.pdf")
    data = Path(pdf).read_bytes()
    Path(pdf).write_bytes(data[:data.rfind(b"startxref")] + b"startxref\n12\n%%EOF\n")   # pypdf logs a repair
    result = run("load", pdf, "--quiet", db=tmp_path / "g.lbdb")
    assert result.exit_code == 0, result.output
    assert "startxref" not in result.stderr and "Object Streams" not in result.stderr
    warnings = run("cypher", "MATCH (d:Document) RETURN d.warnings AS w", "--format", "json", db=tmp_path / "g.lbdb").stdout
    assert "PDF reader reported" in warnings


# -- hostile strings through every command -----------------------------------------------------------

HOSTILE = [
    "x' OR 1=1 //", "x\\' }] MATCH (n) DETACH DELETE n //", "'; DROP TABLE Document; --", "$s", "{s}",
    "a\nb\r\tc \"q\" `b`", "`) DETACH DELETE n //", "*/ MATCH (n) DELETE n /*", "\u202e反向\x00nul", "../../etc/passwd",
    "COPY (RETURN 1) TO '/tmp/x.csv'", "<script>alert(1)</script>" + "养老" * 500 + "'" * 50 + "\\",
]
COMMANDS = [
    lambda s: ["owner", s], lambda s: ["lineage", s], lambda s: ["check", "--document", s],
    lambda s: ["align", "--indicator", s], lambda s: ["query", "owner", "--param", f"keyword={s}"],
    lambda s: ["query", "alignment", "--param", f"indicator={s}"], lambda s: ["query", "search", "--param", f"keyword={s}"],
    lambda s: ["cypher", "MATCH (d:Document) WHERE d.source = $s RETURN d.id", "--param", f"s={s}"],
    lambda s: ["review", s, "--out", "/dev/null"],
]


def test_hostile_strings_through_every_command_change_nothing(seeded):
    before = run("cypher", "MATCH (n) RETURN count(n) AS n", "--format", "json", db=seeded).stdout
    tried = 0
    for hostile in HOSTILE:
        for command in COMMANDS:
            result = run(*command(hostile), db=seeded)
            tried += 1
            assert result.exit_code in (0, 1), (hostile, command(hostile), result.output)
            assert "Traceback" not in result.output and "internal error" not in result.stderr, (hostile, result.output)
    assert tried == len(HOSTILE) * len(COMMANDS)
    assert run("cypher", "MATCH (n) RETURN count(n) AS n", "--format", "json", db=seeded).stdout == before


def test_hostile_strings_are_values_on_neo4j(bolt_server):
    from policykg.queries import run_query
    from tests.conftest_bolt import open_bolt_store

    with open_bolt_store(bolt_server) as writer:
        writer.query("MATCH (n) DETACH DELETE n")
        writer.query("CREATE (:Document {id: 'd@1', source: 'd', title: 'T'})")
        with open_bolt_store(bolt_server, read_only=True) as reader:
            for hostile in HOSTILE:
                assert reader.query("MATCH (d:Document) WHERE d.source = $s RETURN d.id", {"s": hostile}).rows == []
                assert reader.query("RETURN $s AS s", {"s": hostile}).rows == [[hostile]]
                for name, param in (("owner", "keyword"), ("alignment", "indicator"), ("search", "keyword")):
                    run_query(reader, name, {param: hostile})
        assert writer.query("MATCH (n) RETURN count(n)").rows == [[1]]
        writer.query("MATCH (n) DETACH DELETE n")


def test_output_is_not_a_terminal_escape_vector(seeded):
    """A hostile string echoed in a message stays one line (newlines in names would forge extra lines)."""
    result = run("check", "--document", "a\nb\npolicykg: fake line", db=seeded)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1


