"""Terminal tables fit the terminal (COLUMNS) for every table command on the seeds; JSON and CSV stay complete."""
import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.app import load_paths
from policykg.cli import main
from policykg.graph.store import open_store
from policykg.queries import list_queries, run_query
from policykg.tables import draw_table

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

REQUIRED = {"name": "jingan-2025", "keyword": "养老"}    # values for the named queries' required parameters
# Every command that prints a table, with arguments that give rows on the seeds.
TABLE_COMMANDS = [
    ["stats"], ["align"], ["owner", "长者食堂"], ["lineage", "jingan-2025"], ["lineage", "养老床位"], ["check"],
    ["indicators"], ["indicators", "--unmapped"], ["query", "--list"],
    ["cypher", "MATCH (t:Target) RETURN t.indicator, t.value, t.unit, t.text, t.start_offset LIMIT 30"],
    ["cypher", "MATCH (d:Document) RETURN d.source, d.text"],
] + [["query", q.name, *[f"--param={p.name}={REQUIRED[p.name]}" for p in q.params if p.required]] for q in list_queries()]


def display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in line)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("tables") / "g.lbdb"
    with open_store("ladybug", db_path=str(db)) as store:
        assert not load_paths([str(SEEDS)], store).failed
    return db


def run(db, args, columns=None):
    env = {"COLUMNS": str(columns)} if columns else {}
    return CliRunner().invoke(main, ["--db", str(db), *args], env=env, catch_exceptions=False)


@pytest.mark.parametrize("width", [100, 80])
@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=lambda a: " ".join(a)[:40])
def test_every_table_fits_the_terminal(seeded, args, width):
    result = run(seeded, args, width)
    assert result.exit_code in (0, 1), result.output      # check exits 1 when there are conflicts
    lines = result.stdout.splitlines()
    assert lines, f"{args} printed no table"
    assert max(display_width(line) for line in lines) <= width
    assert "0.06166666666666667" not in result.stdout and '["' not in result.stdout   # rounded, lists as text


def test_tables_round_numbers_and_hide_evidence_unless_asked(seeded):
    sentence = json.loads(run(seeded, ["query", "alignment", "--param", "indicator=养老床位", "--format", "json"]).stdout)[0]["district_text"]
    plain = run(seeded, ["query", "alignment", "--param", "indicator=养老床位"], 100).stdout
    assert "0.15" in plain and sentence not in plain and "district_text" not in plain
    shown = run(seeded, ["query", "alignment", "--param", "indicator=养老床位", "--evidence"], 400).stdout
    assert sentence in shown and "district_text" in shown
    chosen = run(seeded, ["query", "alignment", "--param", "indicator=养老床位", "--columns", "district,district_text"], 100)
    header = chosen.stdout.splitlines()[0].split()
    assert header == ["district", "district_text"] and sentence in chosen.stdout


def test_query_list_shows_every_parameter_description_in_full(seeded):
    out = run(seeded, ["query", "--list"], 80).stdout
    squeezed = "".join(out.split())
    for q in list_queries():
        for p in q.params:
            # the description wraps inside its column: each of its words is there, none cut
            assert all(word in out or word in squeezed for word in p.doc.split()), (q.name, p.name)
    wide = run(seeded, ["query", "--list"], 400).stdout
    for q in list_queries():
        for p in q.params:
            if p.doc:
                assert f"{p.name} {p.type}" in wide and p.doc in wide


def test_json_and_csv_stay_complete(seeded):
    with open_store("ladybug", db_path=str(seeded), read_only=True) as store:
        expected = run_query(store, "alignment", {}).records()
    got = json.loads(run(seeded, ["query", "alignment", "--format", "json"], 80).stdout)
    assert got == expected and any(r["share"] == 0.06166666666666667 for r in got)
    csv_text = run(seeded, ["query", "alignment", "--format", "csv"], 80).stdout
    assert csv_text.splitlines()[0].split(",") == list(expected[0]) and "0.06166666666666667" in csv_text
    assert run(seeded, ["query", "alignment", "--format", "csv", "--bom"], 80).stdout.startswith("\ufeffindicator,")
    picked = json.loads(run(seeded, ["query", "alignment", "--format", "json", "--columns", "indicator,share"], 80).stdout)
    assert picked == [{"indicator": r["indicator"], "share": r["share"]} for r in expected]


def test_unknown_column_is_one_line(seeded):
    result = CliRunner().invoke(main, ["--db", str(seeded), "stats", "--columns", "nope"])
    assert result.exit_code != 0 and "no column 'nope'" in result.stderr and "Traceback" not in result.output


def test_a_table_with_more_columns_than_room_still_fits():
    columns = [f"column_number_{i}" for i in range(30)]
    out = draw_table(columns, [[f"值{i}" * 5 for i in range(30)]], width=80)
    assert max(display_width(line) for line in out.splitlines()) <= 80
