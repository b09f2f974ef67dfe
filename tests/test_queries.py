"""The named-query registry and every named query, with concrete rows.

* On a hand-built world (a city plan, 静安 2025, 长宁 2024 and 2025) written
  through LadybugDB: each query's rows.
* The same world through the Bolt backend (the Neo4j 5.26 of tests/neo4j_server, or
  the Neo4j in NEO4J_URI): every query gives the same rows as on LadybugDB.
* The seed plans loaded end to end: concrete seed rows.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from policykg.graph.derive import derive_all
from policykg.graph.ladybug_store import LadybugStore
from policykg.graph.results import QueryResult, sort_value
from policykg.queries import PAGE_END_ALL, _checked, _sort_lists, bind_params, get_query, list_queries, parse_query_file, run_query
from policykg.queries import views
from policykg.queries.views import owner_lookup
from tests.test_derive_builders import city_2024, district, load

ROOT = Path(__file__).resolve().parents[1]
COPIED = "落实特殊儿童各项保障政策，确保特殊儿童基本生活费每月足额发放到位。"
REQUIRED_QUERIES = {"alignment", "scorecard", "gaps", "rollup", "owner", "department-load", "lineage", "target-history",
                    "citations", "reuse", "conflicts", "search"}


def world_plans():
    city = city_2024()
    city.target(city.task("二", "3", "新增30个社区长者食堂。"), 30, "个", "社区长者食堂", "社区长者食堂")
    city.cite("二/1", "上海市养老服务条例")
    ja = district("ja-2025", "静安区", 2025, {
        "养老床位": (600, "张", "养老床位"), "护理员持证率": (90, "%", "持证率"), "家庭照护床位": (200, "张", "家庭照护床位")},
        extra_sentence=COPIED)
    meals_text, meals_table = ja.task("一", "8", "新增2家社区长者食堂。"), ja.task("一", "9", "新增6个社区长者食堂。")
    ja.target(meals_text, 2, "家", "社区长者食堂", "社区长者食堂", conflict=True, evidence="2家社区长者食堂")
    ja.target(meals_table, 6, "个", "社区长者食堂", "社区长者食堂", conflict=True, evidence="6个社区长者食堂")
    ja.owner("一/1", "养老服务科", leader="王五")
    ja.owner("一/9", "养老服务科", inferred=True, rule="theme:养老服务")
    cn24 = district("cn-2024", "长宁区", 2024, {"认知障碍照护床位": (100, "张", "认知障碍床位"),
                                              "社区综合为老服务中心": (2, "家", "社区综合为老服务中心")})
    cn25 = district("cn-2025", "长宁区", 2025, {"认知障碍照护床位": (50, "张", "认知障碍床位"),
                                              "护理员持证率": (95, "%", "持证率")})
    cn25.program("一/1", "老伙伴计划")
    cn25.cite("一/2", "上海市养老服务条例")
    cn25.owner("一/1", "养老服务科", leader="张三")
    cn25.owner("一/2", "老龄工作科", inferred=True, rule="theme:养老服务")
    return [city, ja, cn24, cn25]


# Parameters each query is exercised with (the Bolt comparison runs all of them).
CASES = [
    ("alignment", {}), ("alignment", {"indicator": "养老床位"}), ("alignment", {"district": "静安区"}),
    ("scorecard", {}), ("scorecard", {"district": "cn-2025"}),
    ("gaps", {}), ("gaps", {"kind": "district_only"}), ("gaps", {"include_unmapped": True}), ("gaps", {"source": "ja-2025"}),
    ("rollup", {}), ("rollup", {"indicator": "社区长者食堂"}), ("rollup", {"source": "city-2024"}),
    ("owner", {"keyword": "认知"}), ("owner", {"keyword": "长者食堂"}), ("owner", {"indicator": "认知障碍照护床位"}),
    ("owner", {"source": "ja-2025"}), ("owner", {"source": "ja-2025", "keyword": "长者食堂"}),
    ("department-load", {}), ("department-load", {"include_inferred": False}), ("department-load", {"region": "长宁区"}),
    ("lineage", {"name": "cn-2025"}), ("lineage", {"name": "city-2024"}), ("lineage", {"name": "老伙伴计划"}),
    ("lineage", {"name": "认知障碍照护床位"}), ("lineage", {"name": "上海市养老服务条例"}),
    ("target-history", {}), ("target-history", {"indicator": "认知障碍照护床位"}), ("target-history", {"region": "长宁区"}),
    ("citations", {}), ("citations", {"title": "养老", "limit": 5}),
    ("reuse", {}), ("reuse", {"source": "cn-2025"}), ("reuse", {"source": "ja-2025"}),
    ("conflicts", {}), ("conflicts", {"source": "cn-2024"}),
    ("search", {"keyword": "持证率"}), ("search", {"keyword": "持证率", "source": "ja-2025", "limit": 1}),
    ("section-alignment", {}), ("section-alignment", {"theme": "社会救助"}), ("section-alignment", {"district": "静安区"}),
    ("section-alignment", {"district": "cn-2025", "theme": "养老服务"}),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    store = LadybugStore(str(tmp_path_factory.mktemp("world") / "graph.lbdb"))
    load(store, *world_plans())
    yield store
    store.close()


def rows(store, query_name, **params):
    return run_query(store, query_name, params).records()


# -- the registry -------------------------------------------------------------------

def test_every_question_has_a_query_file_with_a_full_header():
    queries = {q.name: q for q in list_queries()}
    assert REQUIRED_QUERIES <= set(queries)
    for q in queries.values():
        assert q.purpose and q.columns and q.cypher.startswith("MATCH"), q.name
        assert Path(q.path).stem == q.name, "one file per question, named after it"
        assert "$" not in q.purpose
        # A named query is a question one can read: keep it small (the largest, lineage, is a UNION of six
        # relations, two of them a branch per end for LadybugDB's planner).
        assert all(len(cypher.encode()) < 4500 for cypher in q.statements), q.name


def test_every_query_carries_its_evidence():
    evidence_text = ("text", "evidence", "title", "titles")
    for q in list_queries():
        assert any("source" in c for c in q.columns), q.name
        assert any(c == e or c.endswith("_" + e) for c in q.columns for e in evidence_text), q.name


def test_parameters_get_defaults_and_types():
    search = get_query("search")
    assert [(p.name, p.type, p.default, p.required) for p in search.params] == [
        ("keyword", "STRING", None, True), ("source", "STRING", None, False), ("theme", "STRING", None, False),
        ("limit", "INT64", 50, False)]
    assert bind_params(search, {"keyword": 600, "limit": "5"}) == {"keyword": "600", "source": None, "theme": None, "limit": 5}
    assert bind_params(get_query("gaps"), {"include_unmapped": "yes"})["include_unmapped"] is True
    assert bind_params(get_query("reuse"), {"min_similarity": 1})["min_similarity"] == 1.0


def test_bad_parameters_are_one_line_errors_naming_the_valid_ones(world):
    with pytest.raises(ValueError) as err:
        run_query(world, "alignment", {"indicatr": "养老床位"})
    assert str(err.value) == "query 'alignment' has no parameter 'indicatr'; valid: indicator, district"
    with pytest.raises(ValueError, match="needs parameter 'keyword'"):
        run_query(world, "search", {})
    with pytest.raises(ValueError, match="'limit' must be INT64"):
        run_query(world, "search", {"keyword": "x", "limit": "many"})
    with pytest.raises(ValueError, match="no query named 'nope'; known: alignment"):
        get_query("nope")
    for message in (str(err.value),):
        assert "\n" not in message


def test_every_query_runs_with_its_defaults_on_an_empty_graph(tmp_path):
    # Optional parameters left null must bind on LadybugDB (which types a parameter at its first use).
    with LadybugStore(str(tmp_path / "empty.lbdb")) as store:
        for q in list_queries():
            required = {p.name: "x" for p in q.params if p.required}
            result = run_query(store, q.name, required)
            assert result.rows == [] and result.columns == list(q.columns)


# -- each query on the hand-built world ---------------------------------------------

def test_alignment(world):
    all_rows = rows(world, "alignment")
    assert len(all_rows) == 8
    [beds] = rows(world, "alignment", indicator="养老床位")
    assert {k: beds[k] for k in ("district", "district_year", "district_value", "district_unit", "city", "city_year",
                                  "city_value", "share", "gap", "year_gap", "flagged", "district_source", "city_source",
                                  "district_text", "city_text")} == {
        "district": "静安区", "district_year": 2025, "district_value": 600.0, "district_unit": "张", "city": "上海市",
        "city_year": 2024, "city_value": 4000.0, "share": 0.15, "gap": None, "year_gap": 1, "flagged": True,
        "district_source": "ja-2025", "city_source": "city-2024", "district_text": "新增养老床位600张",
        "city_text": "4000张养老床位"}
    text = next(n.props["text"] for n in world_plans()[1].build().nodes if n.label == "Document")
    assert text[beds["district_start_offset"]:beds["district_end_offset"]] == beds["district_text"]
    rates = [(r["district_source"], r["gap"], r["gap_label"]) for r in all_rows if r["indicator"] == "护理员持证率"]
    assert rates == [("cn-2025", 15.0, "above"), ("ja-2025", 10.0, "above")]
    assert {r["district_source"] for r in rows(world, "alignment", district="静安区")} == {"ja-2025"}
    assert rows(world, "alignment", district="ja-2025") == rows(world, "alignment", district="静安区")


def test_scorecard(world):
    cards = {r["district_source"]: r for r in rows(world, "scorecard")}
    assert set(cards) == {"cn-2024", "cn-2025", "ja-2025"}
    ja = cards["ja-2025"]
    assert (ja["city_source"], ja["city_indicators"], ja["addressed_indicators"], ja["coverage"], ja["aligned_targets"]) == (
        "city-2024", 6, 3, 0.5, 4)
    assert sorted(ja["themes_covered"]) == ["养老服务", "社会救助"] and ja["themes_covered_count"] == 2
    assert sorted(ja["city_themes"]) == ["养老服务", "社会救助"]
    assert cards["cn-2024"]["year_gap"] == 0 and cards["cn-2025"]["year_gap"] == 1
    assert [r["district_source"] for r in rows(world, "scorecard", district="cn-2025")] == ["cn-2025"]


def test_gaps(world):
    assert [(r["kind"], r["source"], r["indicator"], r["value"], r["text"]) for r in rows(world, "gaps")] == [
        ("city_unaddressed", "city-2024", "护理员培训", 3000.0, "3000名中级以上技能等级护理员"),
        ("district_only", "ja-2025", "家庭照护床位", 200.0, "新增家庭照护床位200张"),
    ]
    assert [r["indicator"] for r in rows(world, "gaps", kind="district_only")] == ["家庭照护床位"]
    assert [(r["source"], r["indicator"]) for r in rows(world, "gaps", source="ja-2025")] == [("ja-2025", "家庭照护床位")]
    assert [r["source"] for r in rows(world, "gaps", source="city-2024")] == ["city-2024"]
    assert rows(world, "gaps", source="cn-2025") == []


def test_rollup(world):
    by_indicator = {r["indicator"]: r for r in rows(world, "rollup")}
    meals = by_indicator["社区长者食堂"]
    # 静安 states 2 and 6 (a conflict): the larger counts, and the region is listed.
    assert (meals["district_total"], meals["covered_share"], meals["conflicting_regions"]) == (6.0, 0.2, ["静安区"])
    rate = by_indicator["护理员持证率"]
    assert (rate["districts"], rate["district_total"], rate["lowest"], rate["highest"]) == (2, None, 90.0, 95.0)
    beds = by_indicator["认知障碍照护床位"]   # 长宁 counts once, with its same-year (2024) plan
    assert (beds["districts"], beds["district_sources"], beds["district_total"]) == (1, ["cn-2024"], 100.0)
    assert [r["indicator"] for r in rows(world, "rollup", indicator="社区长者食堂")] == ["社区长者食堂"]


def test_owner(world):
    [row] = [r for r in rows(world, "owner", keyword="认知") if r["department"]]
    assert (row["source"], row["item"], row["department"], row["inferred"], row["leaders"], row["text"]) == (
        "cn-2025", "1", "养老服务科", False, ["张三"], "新增认知障碍床位50张。")
    meals = [(r["source"], r["item"], r["department"], r["inferred"], r["rule"]) for r in rows(world, "owner", keyword="长者食堂")]
    assert ("ja-2025", "9", "养老服务科", True, "theme:养老服务") in meals
    by_indicator = rows(world, "owner", indicator="认知障碍照护床位")
    assert {r["source"] for r in by_indicator} == {"city-2024", "cn-2024", "cn-2025"}
    # 照护 is in the indicator the task's target measures, not in the task's text
    by_target = rows(world, "owner", keyword="照护")
    assert ("cn-2025", "新增认知障碍床位50张。") in {(r["source"], r["text"]) for r in by_target}
    # the two filters hold each on its own: text with 新增, and a target of the indicator
    both = rows(world, "owner", keyword="新增", indicator="认知障碍照护床位")
    assert ("cn-2025", "新增认知障碍床位50张。") in {(r["source"], r["text"]) for r in both}
    assert all(r["source"] in {"city-2024", "cn-2024", "cn-2025"} for r in both)


def test_owner_lookup_groups_departments_per_task(world):
    tasks = {(t["source"], t["item"]): t for t in owner_lookup(world, "长者食堂")}
    assert tasks[("ja-2025", "9")]["departments"] == []
    assert tasks[("ja-2025", "9")]["inferred_departments"] == [{"department": "养老服务科", "rule": "theme:养老服务"}]
    [cn] = [t for t in owner_lookup(world, "认知") if t["source"] == "cn-2025"]
    assert (cn["departments"], cn["leaders"], cn["text"]) == (["养老服务科"], ["张三"], "新增认知障碍床位50张。")


def test_department_load(world):
    load_rows = {(r["region"], r["department"]): r for r in rows(world, "department-load")}
    ja = load_rows[("静安区", "养老服务科")]
    assert (ja["tasks"], ja["explicit_tasks"], ja["inferred_tasks"], ja["sources"], sorted(ja["items"])) == (
        2, 1, 1, ["ja-2025"], ["1", "9"])
    assert load_rows[("长宁区", "老龄工作科")]["inferred_tasks"] == 1
    explicit_only = {(r["region"], r["department"]) for r in rows(world, "department-load", include_inferred=False)}
    assert explicit_only == {("静安区", "养老服务科"), ("长宁区", "养老服务科")}
    assert {r["region"] for r in rows(world, "department-load", region="长宁区")} == {"长宁区"}


def test_lineage(world):
    hops = {(r["direction"], r["relation"], r["from_name"], r["to_name"]) for r in rows(world, "lineage", name="cn-2025")}
    assert hops == {("upstream", "IMPLEMENTS", "cn-2025", "city-2024"), ("upstream", "SUCCEEDS", "cn-2025", "cn-2024"),
                    ("upstream", "RUNS_PROGRAM", "cn-2025", "老伙伴计划"),
                    ("upstream", "CITES", "cn-2025", "上海市养老服务条例")}
    city = rows(world, "lineage", name="city-2024")
    assert sorted(r["from_name"] for r in city if r["relation"] == "IMPLEMENTS") == ["cn-2024", "cn-2025", "ja-2025"]
    assert {r["direction"] for r in city if r["relation"] == "IMPLEMENTS"} == {"downstream"}
    cited = rows(world, "lineage", name="上海市养老服务条例")
    assert sorted((r["direction"], r["from_name"], r["text"]) for r in cited)[0][:2] == ("downstream", "city-2024")
    measures = rows(world, "lineage", name="认知障碍照护床位")
    assert sorted((r["from_name"], r["value"], r["detail"]) for r in measures) == [
        ("city-2024", 3000.0, "张"), ("cn-2024", 100.0, "张"), ("cn-2025", 50.0, "张")]


def test_target_history(world):
    history = rows(world, "target-history", indicator="认知障碍照护床位")
    assert [(r["region"], r["year"], r["value"], r["status"], r["change"], r["delta"], r["previous_value"],
             r["previous_source"]) for r in history] == [
        ("上海市", 2024, 3000.0, None, None, None, None, None),
        ("长宁区", 2024, 100.0, "continued", None, None, None, None),
        ("长宁区", 2025, 50.0, "lowered", "lowered", -50.0, 100.0, "cn-2024"),
    ]
    assert {r["region"] for r in rows(world, "target-history", region="长宁区")} == {"长宁区"}


def test_citations(world):
    [row] = rows(world, "citations")
    assert (row["title"], row["cited_by"], row["citations"], sorted(row["citing_sources"])) == (
        "上海市养老服务条例", 2, 2, ["city-2024", "cn-2025"])
    assert "新增持证率95%。" in row["evidence"]
    assert rows(world, "citations", title="婚姻") == []


def test_reuse(world):
    [row] = rows(world, "reuse")
    assert (row["district_source"], row["city_source"], row["similarity"], row["district_text"]) == (
        "ja-2025", "city-2024", 1.0, COPIED)
    assert COPIED in row["city_text"]
    assert rows(world, "reuse", source="cn-2025") == []


def test_conflicts(world):
    assert [(r["source"], r["indicator"], r["value"], r["unit"], r["text"]) for r in rows(world, "conflicts")] == [
        ("ja-2025", "社区长者食堂", 2.0, "家", "2家社区长者食堂"), ("ja-2025", "社区长者食堂", 6.0, "个", "6个社区长者食堂")]
    assert rows(world, "conflicts", source="cn-2024") == []


def test_search(world):
    assert [(r["source"], r["text"]) for r in rows(world, "search", keyword="持证率")] == [
        ("city-2024", "到年底全市护理员持证率达到80%，培训3000名中级以上技能等级护理员。"),
        ("cn-2025", "新增持证率95%。"), ("ja-2025", "新增持证率90%。")]
    assert len(rows(world, "search", keyword="持证率", source="ja-2025", limit=1)) == 1


def test_section_alignment(world):
    relief = rows(world, "section-alignment", theme="社会救助")
    assert [(r["district_source"], r["district_section"], r["city_section"]) for r in relief] == [
        ("ja-2025", "兜牢民生底线", "切实兜住兜准兜牢民生底线")]
    assert "落实特殊儿童各项保障政策" in relief[0]["shared"] and relief[0]["score"] > 0.3
    assert {r["district_source"] for r in rows(world, "section-alignment")} == {"cn-2024", "cn-2025", "ja-2025"}


def test_every_case_is_covered_by_a_concrete_test():
    assert {name for name, _ in CASES} == {q.name for q in list_queries()}


# -- paging ---------------------------------------------------------------------------

def test_pages_of_a_query_are_slices_of_its_sorted_rows(world):
    everything = run_query(world, "owner")
    total = len(everything.rows)
    assert (everything.total, everything.more) == (total, False) and total > 7, "the world needs a few pages of owner rows"
    first = run_query(world, "owner", limit=3)
    # The engine reads one row past the page: it knows more rows follow, not how many (that costs the whole query).
    assert (first.rows, first.more, first.total) == (everything.rows[:3], True, None)
    assert run_query(world, "owner", limit=0).rows == everything.rows      # 0: all rows
    starts = range(0, total + 3, 3)
    pages = [run_query(world, "owner", limit=3, offset=start) for start in starts]
    assert [row for page in pages for row in page.rows] == everything.rows  # no overlap, nothing missed
    assert [page.more for page in pages] == [start + 3 < total for start in starts]
    assert pages[(total - 1) // 3].total == total                           # the page that reaches the end counts
    assert (pages[-1].rows, pages[-1].total) == ([], None)                  # past the end: empty, count unknown
    assert (run_query(world, "owner", limit=total).more, run_query(world, "owner", limit=total).total) == (False, total)
    assert run_query(world, "owner", offset=total - 2).rows == everything.rows[-2:]


def test_the_engine_reads_the_page_itself(world):
    """SKIP/LIMIT go to the engine as parameters after the query's own ORDER BY."""
    sent = []

    class Spy:
        def query(self, cypher, params=None):
            sent.append((cypher, params))
            return world.query(cypher, params)

    run_query(Spy(), "owner", {"keyword": "养老"}, limit=3, offset=6)
    [(cypher, params)] = sent
    assert cypher == get_query("owner").cypher + "\nSKIP $page_skip\nLIMIT $page_limit"
    assert (params["page_skip"], params["page_limit"], params["keyword"]) == (6, 4, "养老")


@pytest.mark.parametrize("name", [q.name for q in list_queries() if q.cuts_early])
def test_a_query_cut_early_pages_as_its_whole_result(name, seeds):
    """A query that cuts its rows before the end (`LIMIT $page_end`) gives, page by page, the slices of
    what it gives unpaged (the seeds: several plans, rows of one task or target next to each other)."""
    everything = run_query(seeds, name).rows
    assert len(everything) >= 4, f"{name}: the seeds need a few rows of it"
    for size in (1, 3, len(everything) // 2):
        starts = list(range(0, len(everything), size))
        # Hundreds of one-row pages (owner) took 13 s: the first 60 pages and the last 10 show the cut.
        for start in starts[:60] + starts[60:][-10:]:
            assert run_query(seeds, name, limit=size, offset=start).rows == everything[start:start + size], (name, size, start)


# -- statements for selective parameters (// when:) ---------------------------------------

def test_a_when_line_names_optional_parameters_and_heads_a_statement(tmp_path):
    path = tmp_path / "q.cypher"
    header = "// name: q\n// purpose: p\n// param: a STRING = null\n// param: b STRING\n// columns: x\n"
    general, selective = "MATCH (n) RETURN n.id AS x ORDER BY x", "MATCH (n) WHERE n.id = $a RETURN n.id AS x ORDER BY x"
    path.write_text(f"{header}{general}\n\n// when: a\n// a comment\n{selective}\n")
    q = parse_query_file(path)
    selective = "// a comment\n" + selective     # comments go to the engine as in the general statement
    assert (q.cypher, q.variants, q.statements) == (general, ((("a",), selective),), [general, selective])
    assert (q.statement_for({"a": "1", "b": "2"}), q.statement_for({"a": None, "b": "2"})) == (selective, general)
    for when, message in (("b", "must name optional parameters"), ("c", "must name optional parameters"),
                          ("", "must name optional parameters")):
        path.write_text(f"{header}{general}\n// when: {when}\n{selective}\n")
        with pytest.raises(ValueError, match=message):
            parse_query_file(path)
    path.write_text(f"{header}{general}\n// when: a\n")
    with pytest.raises(ValueError, match="has no statement after it"):
        parse_query_file(path)
    path.write_text(f"{header}{general}\n// when: a\n{selective} LIMIT 5\n")
    with pytest.raises(ValueError, match="must end as the general one does"):
        parse_query_file(path)
    path.write_text(f"{header}{general}\n// when: a\nMATCH (n) RETURN n.id AS x\n")
    with pytest.raises(ValueError, match="every statement needs a final ORDER BY"):
        parse_query_file(path)


def test_run_query_sends_the_statement_of_the_parameters_given(world):
    sent = []

    class Spy:
        def query(self, cypher, params=None):
            sent.append(cypher)
            return world.query(cypher, params)

    owner = get_query("owner")
    assert owner.variants, "owner has a statement for one plan"
    run_query(Spy(), "owner", {"source": "ja-2025"})
    run_query(Spy(), "owner", {"keyword": "养老"})
    assert sent == [owner.variants[0][1], owner.cypher]


def _selective_values(store) -> dict[str, list]:
    """Values of the parameters `// when:` statements name, taken from the loaded documents."""
    docs = store.query("MATCH (d:Document) RETURN d.source, d.region ORDER BY d.source").rows
    return {"source": [source for source, _ in docs], "district": sorted({v for row in docs for v in row if v})}


@pytest.mark.parametrize("name", [q.name for q in list_queries() if q.variants])
def test_a_when_statement_gives_the_general_statements_rows(name, seeds):
    """The statement run for a selective parameter is only faster: on every document (and region) of the seeds,
    alone and with the query's other parameters, it returns the general statement's rows, in its order."""
    query = get_query(name)
    values = _selective_values(seeds)
    others = [{}] + [{p: v} for p, v in (("keyword", "养老"), ("theme", "养老服务"), ("min_similarity", 0.5),
                                         ("indicator", "养老床位")) if p in query.param_names]
    required = {p.name: "养老" for p in query.params if p.required}

    def rows_of(cypher: str, bound: dict) -> list:
        # as run_query returns them: the declared columns, lists that are sets sorted (// sorted:)
        return _checked(query, seeds.query(cypher, bound)).rows

    compared = 0
    for names, cypher in query.variants:
        for value in sorted({v for n in names for v in values[n]}):
            for extra in others:
                bound = bind_params(query, {**required, **extra, **{n: value for n in names}})
                if query.cuts_early:
                    bound["page_end"] = PAGE_END_ALL
                general = rows_of(query.cypher, bound)
                assert rows_of(cypher, bound) == general, (name, bound)
                compared += len(general)
    assert compared > 0, f"{name}: the seeds give no rows to compare"


@pytest.mark.parametrize("way", ["upstream", "downstream"])
def test_the_lineage_walks_reads_give_the_lineage_querys_rows(way, seeds):
    """The lineage picture reads a hop of many nodes at once (graph/statements.py LINEAGE_UPSTREAM_OF,
    LINEAGE_DOWNSTREAM_OF): for every node of the seeds the walk goes on from, they give the rows the
    `lineage` query gives for it in that direction, in its order."""
    nodes = [node for label in sorted(views._WALKED_ON[way])
             for [node] in seeds.query(f"MATCH (n:{label}) RETURN n.id ORDER BY n.id").rows]
    walked = views._lineage_rows(seeds, [(node, way) for node in nodes])
    compared = 0
    for node in nodes:
        expected = [r for r in run_query(seeds, "lineage", {"name": node}).records() if r["direction"] == way]
        assert walked.get((node, way), []) == expected, node
        compared += len(expected)
    assert compared > 0 and set(walked) <= {(node, way) for node in nodes}


# List columns collected in a stated order: at scale the engines collect in parallel, and a list that follows
# the plan the engine chose comes back in another order from one run (or page) to the next. A group of lists
# that pair up by position is sorted together, so its pairs still line up.
ORDERED_LISTS = [("scorecard", {}, [("city_themes",), ("themes_covered",)]), ("citations", {"limit": 100}, [("citing_sources",)]),
                 ("department-load", {}, [("sources",), ("items", "titles")]),
                 ("rollup", {}, [("regions", "district_sources", "district_values")])]


def test_a_sorted_list_header_names_returned_columns(tmp_path):
    path = tmp_path / "q.cypher"
    path.write_text("// name: q\n// purpose: p\n// columns: a, b, c\n// sorted: b, a + c\n"
                    "MATCH (n) RETURN [] AS a, [] AS b, [] AS c ORDER BY a\n")
    assert parse_query_file(path).sorted_lists == (("b",), ("a", "c"))
    path.write_text(path.read_text().replace("// sorted: b, a + c", "// sorted: b + d"))
    with pytest.raises(ValueError, match="sorted: names columns it does not return"):
        parse_query_file(path)


@pytest.mark.parametrize("name, params, groups", ORDERED_LISTS)
def test_a_list_column_comes_in_its_stated_order(name, params, groups, seeds):
    paired = [list(zip(*(row[c] for c in group))) for row in run_query(seeds, name, params).records() for group in groups]
    assert any(len(pairs) > 1 for pairs in paired), f"{name}: the seeds need lists to order"
    assert all(pairs == sorted(pairs, key=lambda pair: tuple(map(sort_value, pair))) for pairs in paired), name


def test_lists_that_pair_up_must_have_one_length():
    """A group of lists sorted together pairs them by position: lists of other lengths are a query's mistake."""
    result = QueryResult(["items", "titles"], [[["2", "1"], ["乙", "甲", "丙"]]])
    with pytest.raises(ValueError, match=r"columns \['items', 'titles'\] pair up by position"):
        _sort_lists(result, [[0, 1]])


def test_lists_that_pair_up_keep_their_pairs_when_sorted(seeds):
    """rollup's regions, sources and values are sorted together: each value stays with its region's source."""
    for row in run_query(seeds, "rollup").records():
        stated = [r for r in run_query(seeds, "alignment", {"indicator": row["indicator"]}).records()
                  if r["city_source"] == row["city_source"]]
        for region, source, value in zip(row["regions"], row["district_sources"], row["district_values"]):
            assert (region, source) in {(r["district"], r["district_source"]) for r in stated}, (row["indicator"], region)
            assert value in {r["district_value"] for r in stated if r["district"] == region}, (row["indicator"], region)


def test_a_query_cut_early_gets_the_end_of_its_page():
    sent = []

    class Spy:
        def __init__(self, name):
            self.columns = list(get_query(name).columns)

        def query(self, cypher, params=None):
            sent.append(params)
            return QueryResult(self.columns, [])

    for name, page in [("owner", {"limit": 3, "offset": 6}), ("owner", {}), ("alignment", {"limit": 3})]:
        run_query(Spy(name), name, **page)
    assert [p.get("page_end") for p in sent] == [10, PAGE_END_ALL, None]   # 6 + 3, plus the row that says more follow
    assert get_query("owner").cuts_early and not get_query("alignment").cuts_early


def test_a_union_is_sorted_and_paged_here_and_knows_its_total(world):
    everything = run_query(world, "lineage", {"name": "cn-2025"})
    total = len(everything.rows)
    assert total > 3 and everything.total == total
    page = run_query(world, "lineage", {"name": "cn-2025"}, limit=2, offset=1)
    assert (page.rows, page.total, page.more) == (everything.rows[1:3], total, True)
    assert not get_query("lineage").pages_in_engine and not get_query("search").pages_in_engine   # its own LIMIT


# Values of the types an ORDER BY key of a named query holds, as stored properties of Target (the
# property of each type below). Strings probe code-point order: '' first, capitals before small letters,
# then CJK, then U+E000..U+FFFF (full-width forms such as （ and ｆ), and 𠀀 (U+20000) last, where UTF-16
# order (surrogates D800..DFFF) would put it before U+E000; long strings too (Neo4j keeps those apart).
ORDERED_VALUES = {
    "text": ["养老", "社区", "静安区", "长宁区", "金山区", "", "a", "B", "中a", "a中", "é", "𠀀", "𠀀a", "\ue000",
             "ｆ", "\uffff", "（注）", "养老床位", "养", "养老" * 30 + "𠀀", "养老" * 30 + "ｆ"],
    "start_offset": [3, -1, 10, 0, 2],
    "value": [1.5, -2.0, 0.25, 1e10, 3.0],
    "conflict": [True, False],
}


@pytest.mark.parametrize("backend", ["ladybug", "bolt"])
def test_both_engines_order_values_as_python_does(backend, request, tmp_path):
    """What lets run_query page in the engine: both order stored values as Python's sorted(), nulls last
    ascending; descending both put nulls FIRST, hence `x IS NULL, x DESC` for a DESC key that can be null.
    (Neo4j orders strings made in the statement, parameters or concatenations, by UTF-16 unit instead:
    the named queries order by stored values, or by ASCII literals.)"""
    store = LadybugStore(str(tmp_path / "graph.lbdb")) if backend == "ladybug" else request.getfixturevalue("bolt_store")
    try:
        for prop, values in ORDERED_VALUES.items():
            for k, value in enumerate(values):
                store.query(f"CREATE (:Target {{id: $id, metric: $m, {prop}: $v}})", {"id": f"{prop}{k}", "m": prop, "v": value})
            store.query("CREATE (:Target {id: $id, metric: $m})", {"id": f"{prop}-null", "m": prop})

            def ordered(order_by):
                return [row[0] for row in store.query(f"MATCH (g:Target) WHERE g.metric = $m RETURN g.{prop} AS x "
                                                      f"ORDER BY {order_by}", {"m": prop}).rows]
            assert ordered("x") == sorted(values) + [None], prop
            assert ordered("x DESC") == [None] + sorted(values, reverse=True), prop
            assert ordered("x IS NULL, x DESC") == sorted(values, reverse=True) + [None], prop
    finally:
        if backend == "ladybug":
            store.close()


def test_a_negative_limit_or_offset_is_a_one_line_error(world):
    with pytest.raises(ValueError, match="must not be negative"):
        run_query(world, "owner", limit=-1)
    with pytest.raises(ValueError, match="must not be negative"):
        run_query(world, "owner", offset=-5)


# -- the same rows over Bolt ----------------------------------------------------------

def comparable(result_rows):
    """Rows in order, as text: doubles are rounded to 4 significant digits (sums of doubles may differ
    in the last bits between engines); collect() gives no order, so lists are compared sorted. (Row order itself must agree:
    each query's ORDER BY is total, and both engines order values alike.)"""
    def norm(v):
        if isinstance(v, float):
            return float(f"{v:.4g}")
        if isinstance(v, list):
            return sorted((norm(x) for x in v), key=lambda x: json.dumps(x, ensure_ascii=False, default=str))
        return v
    return [json.dumps([norm(v) for v in row], ensure_ascii=False, default=str) for row in result_rows]


def test_every_named_query_gives_the_same_rows_over_bolt(world, bolt_store):
    for plan in world_plans():
        bolt_store.write_document(plan.build())
    derive_all(bolt_store)
    mismatches = []
    for name, params in CASES:
        expected = run_query(world, name, params).rows
        got = run_query(bolt_store, name, params).rows
        # a page from the middle: the engine's own SKIP/LIMIT, the same rows on both
        page = run_query(bolt_store, name, params, limit=2, offset=1).rows
        if comparable(page) != comparable(expected[1:3]):
            mismatches.append(f"{name} {params}: the page of rows 2-3 differs over bolt")
        if comparable(expected) != comparable(got):
            same_rows = sorted(comparable(expected)) == sorted(comparable(got))
            mismatches.append(f"{name} {params}: ladybug {len(expected)} rows, bolt {len(got)} rows"
                              + (" (same rows, different order)" if same_rows else ""))
    assert not mismatches, "\n".join(mismatches)


# -- the seed plans, loaded end to end -----------------------------------------------

@pytest.fixture(scope="session")
def seeds(tmp_path_factory):
    from policykg.app import load_paths

    store = LadybugStore(str(tmp_path_factory.mktemp("seeds") / "graph.lbdb"))
    report = load_paths([str(ROOT / "seeds")], store)
    assert not report.failed, [o.message for o in report.failed]
    yield store
    store.close()


def test_seeds_jingan_aligns_its_600_beds_with_the_citys_4000(seeds):
    [row] = [r for r in rows(seeds, "alignment", indicator="养老床位", district="jingan-2025")]
    assert (row["district_value"], row["city_value"], row["city_source"], row["share"], row["flagged"], row["year_gap"]) == (
        600.0, 4000.0, "shanghai-2024", pytest.approx(0.15), True, 1)


def test_seeds_changning_targets_continue_year_over_year(seeds):
    history = {(r["indicator"], r["year"]): r for r in rows(seeds, "target-history", region="长宁区")}
    dementia = history[("认知障碍照护床位", 2025)]
    assert (dementia["previous_value"], dementia["value"], dementia["change"], dementia["status"]) == (100.0, 50.0, "lowered", "lowered")
    certified = history[("养老护理员持证率", 2025)]
    assert (certified["previous_value"], certified["value"], certified["change"]) == (90.0, 95.0, "raised")
    stations = history[("家门口养老服务站", 2025)]
    assert (stations["previous_value"], stations["value"], stations["change"]) == (10.0, 10.0, "continued")
    succeeds = seeds.query("MATCH (a:Document)-[s:SUCCEEDS]->(b:Document) RETURN a.source, b.source, s.year_gap").rows
    assert succeeds == [["changning-2025", "changning-2024", 1]]


def test_seeds_rollup_of_community_centres(seeds):
    [centres] = rows(seeds, "rollup", indicator="社区综合为老服务中心")
    # 静安 2 + 金山 2 + 长宁 2 (its 2024 plan) of the city's 40.
    assert (centres["city_value"], centres["districts"], centres["district_total"]) == (40.0, 3, 6.0)
    assert centres["covered_share"] == pytest.approx(0.15)
    assert sorted(centres["district_sources"]) == ["changning-2024", "jingan-2025", "jinshan-2025"]


def test_seeds_alignments_match_the_gold_answers(seeds):
    from policykg.graph.exports import EXPORTS

    gold = [json.loads(line) for line in (ROOT / "tests" / "gold" / "alignment.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    predicted = EXPORTS["alignments"](seeds)

    def names(record, side, cue):
        return cue in f"{record[side + '_metric']}|{record[side + '_indicator']}" or (
            len(record[side + "_metric"] or "") >= 2 and record[side + "_metric"] in cue)

    def matches(p, g):
        return (p["district_source"] == g["district_doc"] and p["city_source"] == g["city_doc"]
                and p["district_value"] == g["district_value"] and p["city_value"] == g["city_value"]
                and names(p, "district", g["district_cue"]) and names(p, "city", g["city_cue"]))

    missing = [g for g in gold if g["expected"] is True and not any(matches(p, g) for p in predicted)]
    wrong = [g for g in gold if g["expected"] is False and any(matches(p, g) for p in predicted)]
    assert missing == [] and wrong == []


def test_seeds_every_district_implements_the_city_plan_and_has_section_links(seeds):
    implements = seeds.query("MATCH (d:Document)-[i:IMPLEMENTS]->(c:Document) RETURN d.source, c.source, i.year_gap").rows
    assert sorted(implements) == [["changning-2024", "shanghai-2024", 0], ["changning-2025", "shanghai-2024", 1],
                                  ["jingan-2025", "shanghai-2024", 1], ["jinshan-2025", "shanghai-2024", 1]]
    with_sections = {r["district_source"] for r in rows(seeds, "section-alignment")}
    assert with_sections == {"changning-2024", "changning-2025", "jingan-2025", "jinshan-2025"}
    copied = rows(seeds, "reuse", min_similarity=0.99)
    assert any("落实特殊儿童各项保障政策" in r["district_text"] for r in copied)


def test_seeds_every_named_query_runs(seeds):
    for name, params in CASES:
        if name == "lineage":
            params = {"name": "jingan-2025"}
        run_query(seeds, name, params)


def test_seeds_lineage_evidence_leads_back_to_the_sentence(seeds):
    texts = dict(seeds.query("MATCH (d:Document) RETURN d.source, d.text").rows)
    lineage = rows(seeds, "lineage", name="jingan-2025") + rows(seeds, "lineage", name="养老床位")
    with_offsets = [r for r in lineage if r["start_offset"] is not None]
    assert {r["relation"] for r in with_offsets} >= {"CITES", "RUNS_PROGRAM", "MEASURES"}
    assert all(texts[r["source"]][r["start_offset"]:r["end_offset"]] == r["text"] for r in with_offsets)
    assert all(r["relation"] in ("IMPLEMENTS", "SUCCEEDS", "WRAPS") for r in lineage if r["start_offset"] is None)


def test_a_loaded_task_lists_the_indicators_of_its_targets(seeds):
    """Task.indicators, which `owner` filters on, is what the task's HAS_TARGET links say."""
    stated = seeds.query("MATCH (t:Task)-[:HAS_TARGET]->(g:Target) RETURN t.id, g.indicator", {}).rows
    expected: dict[str, set] = {}
    for task_id, indicator in stated:
        expected.setdefault(task_id, set()).add(indicator)
    stored = {task_id: names for task_id, names in seeds.query("MATCH (t:Task) RETURN t.id, t.indicators", {}).rows}
    assert len(expected) > 10
    assert {t: stored[t] for t in expected} == {t: sorted(names) for t, names in expected.items()}
    assert all(names is None for t, names in stored.items() if t not in expected)   # null, not [], costs nothing to write
