"""Lineage over the years (SUCCEEDS, CONTINUES, Target.status) and the lineage picture, on hand-built plans."""
from __future__ import annotations

import pytest

from policykg.graph import statements
from policykg.graph.derive import derive_all
from policykg.graph.derive.lineage import change_label, derive_succession
from policykg.graph.derive.snapshot import Doc
from policykg.queries import views
from policykg.queries.views import lineage_graph
from tests.test_derive_builders import Plan, city_2024, district, load, store  # noqa: F401  (store is a fixture)


def changning_years():
    """Two years of one district: 认知障碍 100 → 50, 持证率 90% → 95%, 服务站 10 → 10; one target dropped, one new."""
    y24 = district("cn-2024", "长宁区", 2024, {
        "认知障碍照护床位": (100, "张", "认知障碍床位"),
        "养老护理员持证率": (90, "%", "持证率"),
        "家门口养老服务站": (10, "家", "家门口服务站"),
        "社区综合为老服务中心": (2, "家", "社区综合为老服务中心"),
    })
    y25 = district("cn-2025", "长宁区", 2025, {
        "认知障碍照护床位": (50, "张", "认知障碍床位"),
        "养老护理员持证率": (95, "%", "持证率"),
        "家门口养老服务站": (10, "个", "家门口服务站"),
        "家庭照护床位": (500, "张", "家庭照护床位"),
    })
    return y24, y25


def continuations(store):
    rows = store.query("""
        MATCH (later:Target)-[c:CONTINUES]->(earlier:Target)
        RETURN later.indicator AS indicator, earlier.value AS earlier, later.value AS later, c.label AS label,
               c.delta AS delta, later.region AS region""").records()
    return sorted(rows, key=lambda r: r["indicator"])


def statuses(store):
    return {(r[0], r[1], r[2]): r[3] for r in store.query(
        "MATCH (g:Target) RETURN g.region, g.year, g.indicator, g.status").rows}


@pytest.mark.parametrize("earlier, later, label, delta", [
    (100, 50, "lowered", -50), (90, 95, "raised", 5), (10, 10, "continued", 0), (None, 3, "continued", None)])
def test_change_labels(earlier, later, label, delta):
    assert change_label(earlier, later, 1e-4) == (label, delta)


def test_a_target_continues_the_same_regions_target_of_the_previous_year(store):
    load(store, *changning_years())
    assert [(r["indicator"], r["earlier"], r["later"], r["label"], r["delta"]) for r in continuations(store)] == [
        ("养老护理员持证率", 90, 95, "raised", 5),
        ("家门口养老服务站", 10, 10, "continued", 0),
        ("认知障碍照护床位", 100, 50, "lowered", -50),
    ]


def test_status_says_what_happened_year_over_year(store):
    load(store, *changning_years())
    assert statuses(store) == {
        ("长宁区", 2024, "认知障碍照护床位"): "continued",     # carried into 2025 (the change is on the 2025 target)
        ("长宁区", 2024, "养老护理员持证率"): "continued",
        ("长宁区", 2024, "家门口养老服务站"): "continued",
        ("长宁区", 2024, "社区综合为老服务中心"): "dropped",   # the 2025 plan is loaded and does not state it
        ("长宁区", 2025, "认知障碍照护床位"): "lowered",
        ("长宁区", 2025, "养老护理员持证率"): "raised",
        ("长宁区", 2025, "家门口养老服务站"): "continued",
        ("长宁区", 2025, "家庭照护床位"): "new",               # the 2024 plan is loaded and does not state it
    }


def test_no_status_without_an_adjacent_year_and_statuses_reset_when_a_year_goes(store):
    y24, y25 = changning_years()
    load(store, y24, y25, district("ja-2025", "静安区", 2025, {"养老床位": (600, "张", "养老床位")}))
    assert statuses(store)[("静安区", 2025, "养老床位")] is None
    store.delete_document("cn-2024")
    derive_all(store)
    assert set(statuses(store).values()) == {None}
    assert continuations(store) == []


def test_targets_of_different_regions_or_units_do_not_continue_each_other(store):
    y24 = district("cn-2024", "长宁区", 2024, {"养老护理员持证率": (90, "%", "持证率")})
    other_region = district("ja-2025", "静安区", 2025, {"养老护理员持证率": (95, "%", "持证率")})
    y25 = district("cn-2025", "长宁区", 2025, {"养老护理员持证率": (300, "名", "持证护理员")})
    load(store, y24, other_region, y25)
    assert continuations(store) == []
    assert statuses(store)[("长宁区", 2024, "养老护理员持证率")] == "dropped"


def test_continuation_pairs_targets_one_to_one_closest_value_first(store):
    y24 = district("cn-2024", "长宁区", 2024, {"养老护理员持证率": (90, "%", "持证率")})
    y25 = district("cn-2025", "长宁区", 2025, {"养老护理员持证率": (95, "%", "持证率")})
    extra = y25.task("一", "9", "中高级持证比例达到30%。")
    y25.target(extra, 30, "%", "持证比例", "养老护理员持证率", kind="ratio")
    load(store, y24, y25)
    assert [(r["earlier"], r["later"]) for r in continuations(store)] == [(90, 95)]
    assert statuses(store)[("长宁区", 2025, "养老护理员持证率")] in {"raised", "new"}
    assert sorted(r[0] for r in store.query(
        "MATCH (g:Target) WHERE g.year = 2025 RETURN g.status").rows) == ["new", "raised"]


def doc(id, region, year, level="district", title=None):
    return Doc(id, id, title, None, year, region, level, False)


def test_a_plan_succeeds_the_same_regions_plan_of_the_nearest_earlier_year():
    edges = derive_succession([doc("a23", "长宁区", 2023), doc("a25", "长宁区", 2025), doc("b24", "静安区", 2024),
                               doc("c24", "上海市", 2024, "city"), doc("a26", "长宁区", 2026)])
    assert sorted((e.from_id, e.to_id, e.props["year_gap"]) for e in edges) == [("a25", "a23", 2), ("a26", "a25", 1)]


def test_with_several_plans_in_the_earlier_year_the_closest_title_is_succeeded():
    edges = derive_succession([
        doc("plan24", "上海市", 2024, "city", "2024年上海民政工作要点"),
        doc("minxin24", "上海市", 2024, "city", "2024年上海市民心工程项目清单"),
        doc("plan25", "上海市", 2025, "city", "2025年上海民政工作要点"),
    ])
    assert [(e.from_id, e.to_id) for e in edges] == [("plan25", "plan24")]


def test_succeeds_edges_are_written(store):
    load(store, *changning_years())
    assert store.query("MATCH (a:Document)-[s:SUCCEEDS]->(b:Document) RETURN a.source, b.source, s.year_gap").rows == [
        ["cn-2025", "cn-2024", 1]]


# -- the lineage picture ----------------------------------------------------------------

def lineage_world(store):
    y24, y25 = changning_years()
    y25.program("一/1", "老伙伴计划")
    y25.cite("一/2", "上海市养老服务条例")
    load(store, city_2024(), y24, y25)


def test_lineage_graph_of_a_document_walks_upstream_and_downstream(store):
    lineage_world(store)
    g = lineage_graph(store, "cn-2025")
    by_title = {data["title"]: n for n, data in g.nodes(data=True)}
    assert g.nodes[by_title["cn-2025"]]["focus"] is True
    assert {(g.nodes[u]["title"], g.nodes[v]["title"], d["type"]) for u, v, d in g.edges(data=True)} == {
        ("cn-2025", "city-2024", "IMPLEMENTS"),
        ("cn-2025", "cn-2024", "SUCCEEDS"),
        ("cn-2025", "老伙伴计划", "RUNS_PROGRAM"),
        ("cn-2025", "上海市养老服务条例", "CITES"),
        ("cn-2024", "city-2024", "IMPLEMENTS"),        # two hops upstream: the previous plan's city plan
    }
    assert g.nodes[by_title["上海市养老服务条例"]]["label"] == "PolicyDocument"
    assert g.nodes[by_title["city-2024"]]["source"] == "city-2024"
    cites = g.edges[by_title["cn-2025"], by_title["上海市养老服务条例"]]
    [evidence] = cites["evidence"]
    assert (evidence["source"], evidence["text"]) == ("cn-2025", "新增持证率95%。")
    [[original]] = store.query("MATCH (d:Document) WHERE d.source = 'cn-2025' RETURN d.text").rows
    assert original[evidence["start_offset"]:evidence["end_offset"]] == evidence["text"]   # leads back to the sentence
    assert g.edges[by_title["cn-2025"], by_title["city-2024"]]["evidence"][0]["start_offset"] is None   # plan to plan


def test_the_walk_does_not_go_upstream_from_a_program(store, monkeypatch):
    """A program is only reached (plans run it): its links upstream would be every plan that runs it, all
    dropped by the walk, so it is not asked for them (2 s of one plan's picture at 10,000 plans)."""
    lineage_world(store)
    asked: list[tuple[str, str]] = []
    real = views._lineage_rows
    monkeypatch.setattr(views, "_lineage_rows", lambda s, nodes: asked.extend(nodes) or real(s, nodes))
    g = lineage_graph(store, "cn-2025")
    [program] = [n for n, label in g.nodes(data="label") if label == "Program"]
    [cited] = [n for n, label in g.nodes(data="label") if label == "PolicyDocument"]
    assert (program, "upstream") not in asked and (cited, "upstream") in asked   # a cited document can WRAP another


def test_the_walk_reads_each_hop_once(store, monkeypatch):
    """Past the focus, a hop is one read per direction, however many nodes it reaches (a program that
    thousands of plans run was thousands of queries)."""
    lineage_world(store)
    hops: list[list] = []
    real = views._lineage_rows
    monkeypatch.setattr(views, "_lineage_rows", lambda s, nodes: hops.append(list(nodes)) or real(s, nodes))
    asked: list[str] = []
    real_query = store.query
    monkeypatch.setattr(store, "query", lambda cypher, params=None: asked.append(cypher) or real_query(cypher, params))
    lineage_graph(store, "cn-2025", depth=3)
    assert len(hops[0]) >= 3                                  # the second hop goes on from several nodes
    walks = [c for c in asked if c in (statements.LINEAGE_UPSTREAM_OF, statements.LINEAGE_DOWNSTREAM_OF)]
    assert len(walks) == sum(len({way for _, way in nodes}) for nodes in hops if nodes)   # one read a direction


def test_lineage_graph_of_a_city_plan_lists_the_plans_implementing_it(store):
    lineage_world(store)
    g = lineage_graph(store, "city-2024", depth=1)
    assert sorted(g.nodes[u]["title"] for u, v, d in g.edges(data=True) if d["type"] == "IMPLEMENTS") == ["cn-2024", "cn-2025"]
    assert all(g.nodes[v]["title"] == "city-2024" for u, v in g.edges())


def test_lineage_graph_of_a_program_and_of_an_indicator(store):
    lineage_world(store)
    g = lineage_graph(store, "老伙伴计划", depth=1)
    assert [(g.nodes[u]["title"], g.nodes[v]["title"]) for u, v in g.edges()] == [("cn-2025", "老伙伴计划")]
    g = lineage_graph(store, "认知障碍照护床位")
    edges = {(g.nodes[u]["title"], g.nodes[v]["title"], d["type"]): d for u, v, d in g.edges(data=True)}
    assert set(edges) == {
        ("city-2024", "认知障碍照护床位", "MEASURES"), ("cn-2024", "认知障碍照护床位", "MEASURES"),
        ("cn-2025", "认知障碍照护床位", "MEASURES"),
        ("cn-2024", "city-2024", "ALIGNS_WITH"), ("cn-2025", "city-2024", "ALIGNS_WITH"),
        ("cn-2025", "cn-2024", "CONTINUES"),
    }
    assert edges[("cn-2025", "cn-2024", "CONTINUES")]["detail"] == "lowered"
    assert edges[("cn-2024", "city-2024", "ALIGNS_WITH")]["value"] == pytest.approx(100 / 3000)


def test_lineage_graph_of_an_unknown_name_is_a_one_line_error(store):
    lineage_world(store)
    with pytest.raises(ValueError, match="nothing named 'no-such-plan'"):
        lineage_graph(store, "no-such-plan")
