"""Target alignment (ALIGNS_WITH), IMPLEMENTS coverage, roll-up and the alignment matrix, on hand-built plans."""
from __future__ import annotations

import pytest

from policykg.queries.views import alignment_matrix, rollup
from policykg.graph.derive.alignment import city_partners, compare_targets
from policykg.graph.derive.rules import load_rules
from policykg.graph.derive.snapshot import Doc, Tgt
from policykg.graph.exports import EXPORTS
from policykg.queries import run_query
from tests.test_derive_builders import Plan, city_2024, district, load, store  # noqa: F401  (store is a fixture)


def aligned(store, district_source=None):
    rows = store.query("""
        MATCH (a:Target)-[r:ALIGNS_WITH]->(b:Target), (dd:Document), (cd:Document)
        WHERE dd.id = a.doc_id AND cd.id = b.doc_id
        RETURN dd.source AS district, a.indicator AS indicator, a.value AS dv, cd.source AS city, b.value AS cv,
               r.share AS share, r.gap AS gap, r.gap_label AS gap_label, r.year_gap AS year_gap,
               r.flagged AS flagged, r.basis AS basis, r.rule AS rule
        """).records()
    rows.sort(key=lambda r: (r["district"], r["indicator"], r["city"], r["dv"]))
    return [r for r in rows if district_source is None or r["district"] == district_source]


def tgt(indicator, value, unit, kind="increment", id="t"):
    return Tgt(id, "d", None, value, unit, indicator, indicator, kind, None, False, None, None)


# -- the comparison rule ------------------------------------------------------------

def test_count_targets_get_their_share_of_the_city_value():
    props = compare_targets(tgt("养老床位", 600, "张"), tgt("养老床位", 4000, "张"), load_rules())
    assert props["share"] == pytest.approx(0.15)
    assert props["gap"] is None and props["gap_label"] is None
    assert "养老床位" in props["basis"] and "15.0%" in props["basis"]
    assert props["rule"].endswith("/share")


@pytest.mark.parametrize("district_value, gap, label", [(90, 10, "above"), (80, 0, "equal"), (65, -15, "below")])
def test_rate_targets_get_their_gap_to_the_city_rate(district_value, gap, label):
    props = compare_targets(tgt("护理员持证率", district_value, "%", "ratio"), tgt("护理员持证率", 80, "%", "ratio"), load_rules())
    assert props["share"] is None
    assert props["gap"] == pytest.approx(gap)
    assert props["gap_label"] == label


def test_units_of_one_family_compare():
    # 个 and 家 both count facilities; 名 and 人 both count people.
    assert compare_targets(tgt("社区综合为老服务中心", 2, "个"), tgt("社区综合为老服务中心", 40, "家"), load_rules())["share"] == pytest.approx(0.05)
    assert compare_targets(tgt("护理员培训", 185, "名"), tgt("护理员培训", 3000, "人"), load_rules()) is not None


def test_different_indicators_never_align_however_alike_their_words():
    rules = load_rules()
    assert compare_targets(tgt("家庭照护床位", 25, "张"), tgt("养老床位", 4000, "张"), rules) is None
    assert compare_targets(tgt("智慧养老院", 2, "家"), tgt("养老院+互联网医院", 50, "家"), rules) is None


def test_a_ratio_never_aligns_with_a_count_even_under_one_indicator():
    assert compare_targets(tgt("护理员", 30, "%", "ratio"), tgt("护理员", 3000, "名"), load_rules()) is None


def test_unmapped_targets_never_align():
    rules = load_rules()
    assert compare_targets(tgt("unmapped", 5, "家"), tgt("unmapped", 30, "家"), rules) is None
    assert compare_targets(tgt(None, 5, "家"), tgt(None, 30, "家"), rules) is None


def test_an_indicator_counted_in_two_unit_families_compares_across_them_approximately():
    # The catalogue counts 一键通 users in people or in households: 2000户 against 10万人 is still a share.
    props = compare_targets(tgt("为老服务一键通", 2000, "户"), tgt("为老服务一键通", 100000, "人"), load_rules())
    assert props["share"] == pytest.approx(0.02)
    assert "approximate" in props["basis"]
    # … but an indicator counted in one family only does not.
    assert compare_targets(tgt("养老床位", 600, "户"), tgt("养老床位", 4000, "张"), load_rules()) is None


# -- the year rule ------------------------------------------------------------------

def doc(id, level, year, region="R", chain=("R",)):
    """A document of region `region`; a district's region belongs to the regions `chain` names."""
    return Doc(id, id, None, None, year, region, level, False, list(chain))


def test_a_district_plan_aligns_with_the_city_plans_of_its_own_year_when_loaded():
    docs = [doc("c23", "city", 2023), doc("c24", "city", 2024), doc("d24", "district", 2024)]
    [partner] = city_partners(docs)["d24"]
    assert (partner.city.id, partner.year_gap, partner.flagged) == ("c24", 0, False)


def test_without_a_same_year_city_plan_the_latest_earlier_year_is_used_and_flagged():
    docs = [doc("c22", "city", 2022), doc("c24", "city", 2024), doc("d25", "district", 2025), doc("d21", "district", 2021)]
    partners = city_partners(docs)
    [partner] = partners["d25"]
    assert (partner.city.id, partner.year_gap, partner.flagged) == ("c24", 1, True)
    assert "d21" not in partners       # a later city plan is never what a plan implements


# -- end to end on a store ----------------------------------------------------------

def test_district_targets_align_with_the_city_targets_of_their_indicator(store):
    ja = district("ja-2025", "静安区", 2025, {"养老床位": (600, "张", "养老床位"), "护理员持证率": (90, "%", "持证率"),
                                            "家庭照护床位": (200, "张", "家庭照护床位")})
    report = load(store, city_2024(), ja)
    rows = aligned(store)
    assert [(r["indicator"], r["dv"], r["cv"]) for r in rows] == [("养老床位", 600, 4000), ("护理员持证率", 90, 80)]
    beds, rate = rows
    assert beds["share"] == pytest.approx(0.15) and beds["year_gap"] == 1 and beds["flagged"] is True
    assert "no 2025 city plan is loaded" in beds["basis"]
    assert rate["gap"] == pytest.approx(10) and rate["gap_label"] == "above" and rate["share"] is None
    assert report.edges["ALIGNS_WITH"] == 2
    assert any("ja-2025" in note for note in report.notes)


def test_a_same_year_city_plan_wins_over_an_earlier_one(store):
    city_2025 = Plan("city-2025", region="上海市", year=2025, level="city", title="2025年上海民政工作要点")
    city_2025.section("一", "养老", theme="养老服务")
    task = city_2025.task("一", "1", "新增5000张养老床位。")
    city_2025.target(task, 5000, "张", "养老床位", "养老床位")
    ja = district("ja-2025", "静安区", 2025, {"养老床位": (600, "张", "养老床位")})
    cn = district("cn-2024", "长宁区", 2024, {"养老床位": (300, "张", "养老床位")})
    load(store, city_2024(), city_2025, ja, cn)
    rows = aligned(store)
    assert [(r["district"], r["city"], r["share"], r["flagged"], r["year_gap"]) for r in rows] == [
        ("cn-2024", "city-2024", pytest.approx(0.075), False, 0),
        ("ja-2025", "city-2025", pytest.approx(0.12), False, 0),
    ]


def test_every_city_document_of_the_year_is_aligned_with(store):
    notice = Plan("city-2024-minxin", region="上海市", year=2024, level="city", title="2024年市民心工程")
    notice.section("一", "民心工程", theme="养老服务")
    task = notice.task("一", "1", "新增4000张养老床位。")
    notice.target(task, 4000, "张", "养老床位", "养老床位")
    ja = district("ja-2024", "静安区", 2024, {"养老床位": (600, "张", "养老床位")})
    load(store, city_2024(), notice, ja)
    assert [(r["city"], r["flagged"]) for r in aligned(store)] == [("city-2024", False), ("city-2024-minxin", False)]
    implements = store.query("""
        MATCH (d:Document)-[i:IMPLEMENTS]->(c:Document)
        RETURN d.source, c.source, i.coverage, i.year_gap ORDER BY c.source""").rows
    # The work plan names 5 indicators, the notice 1: 养老床位 covers 1/5 of one and all of the other.
    assert implements == [["ja-2024", "city-2024", pytest.approx(0.2), 0], ["ja-2024", "city-2024-minxin", 1.0, 0]]


def test_implements_links_a_district_plan_even_when_nothing_aligns(store):
    ja = district("ja-2025", "静安区", 2025, {"家庭照护床位": (200, "张", "家庭照护床位")})
    load(store, city_2024(), ja)
    assert aligned(store) == []
    assert store.query("MATCH (d:Document)-[i:IMPLEMENTS]->(c:Document) RETURN d.source, c.source, i.coverage").rows == [
        ["ja-2025", "city-2024", 0.0]]


def test_a_district_plan_older_than_every_city_plan_aligns_with_nothing(store):
    old = district("ja-2023", "静安区", 2023, {"养老床位": (600, "张", "养老床位")})
    report = load(store, city_2024(), old)
    assert aligned(store) == []
    assert any("ja-2023" in note and "no city plan" in note for note in report.notes)


def test_reloading_and_deleting_documents_recomputes_the_links(store):
    from policykg.graph.derive import derive_all

    ja = district("ja-2025", "静安区", 2025, {"养老床位": (600, "张", "养老床位")})
    load(store, city_2024(), ja)
    assert len(aligned(store)) == 1
    store.delete_document("city-2024")
    derive_all(store)
    assert aligned(store) == []
    assert store.query("MATCH ()-[i:IMPLEMENTS]->() RETURN count(i)").rows == [[0]]


def test_two_values_for_one_indicator_in_a_district_plan_each_align(store):
    ja = district("ja-2025", "静安区", 2025, {"社区长者食堂": (2, "家", "社区长者食堂")})
    task = ja.task("一", "9", "新增6个社区长者食堂。")
    ja.target(task, 6, "个", "社区长者食堂", "社区长者食堂", conflict=True)
    city = city_2024()
    t = city.task("二", "3", "新增30个社区长者食堂。")
    city.target(t, 30, "个", "社区长者食堂", "社区长者食堂")
    load(store, city, ja)
    assert [(r["dv"], r["share"]) for r in aligned(store)] == [(2, pytest.approx(2 / 30)), (6, pytest.approx(0.2))]


def test_export_alignments_has_the_fields_the_scorer_reads(store):
    load(store, city_2024(), district("ja-2025", "静安区", 2025, {"养老床位": (600, "张", "养老床位")}))
    [record] = EXPORTS["alignments"](store)
    assert {k: record[k] for k in ("district_source", "district_value", "district_indicator", "city_source",
                                  "city_value", "city_indicator", "share", "flagged")} == {
        "district_source": "ja-2025", "district_value": 600.0, "district_indicator": "养老床位",
        "city_source": "city-2024", "city_value": 4000.0, "city_indicator": "养老床位", "share": 0.15, "flagged": True}
    assert record["district_metric"] == "养老床位" and record["city_metric"] == "养老床位"


# -- roll-up and matrix -----------------------------------------------------------------

def rollup_world(store):
    """Three districts with 2 centres each against the city's 40; 长宁 has two plans, the same-year one counts."""
    centres = {"社区综合为老服务中心": (2, "家", "社区综合为老服务中心")}
    ja = district("ja-2025", "静安区", 2025, centres)
    js = district("js-2025", "金山区", 2025, {"社区综合为老服务中心": (2, "个", "社区综合为老服务中心")})
    cn24 = district("cn-2024", "长宁区", 2024, centres)
    cn25 = district("cn-2025", "长宁区", 2025, {"社区综合为老服务中心": (5, "家", "社区综合为老服务中心"),
                                              "护理员持证率": (95, "%", "持证率")})
    ja_rate = ja.task("一", "8", "持证率达到90%。")
    ja.target(ja_rate, 90, "%", "持证率", "护理员持证率", kind="ratio")
    load(store, city_2024(), ja, js, cn24, cn25)


def test_rollup_sums_one_plan_per_district_against_the_city_target(store):
    rollup_world(store)
    rows = {r["indicator"]: r for r in rollup(store)}
    centres = rows["社区综合为老服务中心"]
    assert centres["districts"] == 3
    assert centres["district_total"] == 6           # 2 + 2 + 2: 长宁's 2024 plan, nearest the 2024 city plan
    assert centres["covered_share"] == pytest.approx(0.15)
    assert sorted(centres["regions"]) == ["金山区", "长宁区", "静安区"]
    assert "cn-2024" in centres["district_sources"] and "cn-2025" not in centres["district_sources"]
    assert centres["city_text"] == "40家社区综合为老服务中心"
    rate = rows["护理员持证率"]
    assert rate["district_total"] is None and rate["covered_share"] is None   # rates are not summed
    assert (rate["lowest"], rate["highest"]) == (90, 95)


def test_rollup_filters_by_indicator_and_reports_conflicting_values(store):
    ja = district("ja-2025", "静安区", 2025, {"社区长者食堂": (2, "家", "社区长者食堂")})
    t = ja.task("一", "9", "新增6个社区长者食堂。")
    ja.target(t, 6, "个", "社区长者食堂", "社区长者食堂", conflict=True)
    city = city_2024()
    city.target(city.task("二", "3", "新增30个社区长者食堂。"), 30, "个", "社区长者食堂", "社区长者食堂")
    load(store, city, ja)
    [row] = rollup(store, "社区长者食堂")
    assert row["district_total"] == 6 and row["conflicting_regions"] == ["静安区"]


def test_alignment_matrix_has_indicator_rows_and_district_columns(store):
    rollup_world(store)
    columns, rows = alignment_matrix(store)
    # District columns by region (金山区, 长宁区, 静安区), a region's plans by year.
    assert columns == ["indicator", "city_source", "city", "js-2025 (vs 2024)", "cn-2024", "cn-2025 (vs 2024)", "ja-2025 (vs 2024)"]
    by_indicator = {r[0]: r for r in rows}
    assert by_indicator["社区综合为老服务中心"] == ["社区综合为老服务中心", "city-2024", "40家", "2个 (5%)", "2家 (5%)", "5家 (12.5%)", "2家 (5%)"]
    assert by_indicator["护理员持证率"][2:] == ["80%", "", "", "95% (+15 pt)", "90% (+10 pt)"]
    assert by_indicator["养老床位"][3:] == ["", "", "", ""]     # a city target no district addresses


# -- its own city, through the region chain (issue 10) ------------------------------------

def test_a_district_plan_pairs_with_its_own_city_never_another_citys():
    docs = [doc("sh", "city", 2025, "上海市"), doc("qz", "city", 2025, "泉州市"),
            doc("lc", "district", 2025, "鲤城区", ("泉州市", "福建省")), doc("ja", "district", 2025, "静安区", ("上海市",))]
    partners = city_partners(docs)
    assert [p.city.id for p in partners["lc"]] == ["qz"]
    assert [p.city.id for p in partners["ja"]] == ["sh"]


def test_a_district_without_a_chain_takes_the_division_tables_and_an_ambiguous_one_pairs_with_nothing():
    docs = [doc("sh", "city", 2025, "上海市"), doc("bj", "city", 2025, "北京市"),
            doc("cn", "district", 2025, "长宁区", ()), doc("cy", "district", 2025, "朝阳区", ())]
    partners = city_partners(docs)
    assert [p.city.id for p in partners["cn"]] == ["sh"]
    assert "cy" not in partners                              # 朝阳区 of 北京 or of 长春: unknown


def test_a_county_plan_pairs_with_its_city():
    docs = [doc("sz", "city", 2025, "苏州市"), doc("tc", "county", 2025, "太仓市", ("苏州市", "江苏省"))]
    assert [p.city.id for p in city_partners(docs)["tc"]] == ["sz"]


# -- a county-level plan is a district plan under its city (issue 10) ------------------------

def as_level(plan, level):
    plan.meta["level"] = level
    return plan


def test_a_county_plan_implements_its_citys_plan_and_aligns_like_a_district_plan(store):
    county = as_level(district("ja-2024", "静安区", 2024, {"养老床位": (600, "张", "养老床位")}), "county")
    load(store, city_2024(), county)
    assert [(r["district"], r["indicator"], r["city"]) for r in aligned(store)] == [("ja-2024", "养老床位", "city-2024")]
    assert store.query("MATCH (d:Document)-[i:IMPLEMENTS]->(c:Document) RETURN d.source, c.source").rows == [
        ["ja-2024", "city-2024"]]


def test_a_county_plan_without_a_city_plan_is_noted_and_a_town_plan_is_not(store):
    county = as_level(district("ja-2023", "静安区", 2023, {"养老床位": (600, "张", "养老床位")}), "county")
    town = as_level(district("town-2023", "静安区", 2023, {"养老床位": (60, "张", "养老床位")}), "town")
    report = load(store, city_2024(), county, town)
    assert any("ja-2023" in note and "no city plan" in note for note in report.notes)
    assert not any("town-2023" in note for note in report.notes)


def test_the_gaps_query_lists_a_county_plans_unaligned_targets_as_district_only(store):
    county = as_level(district("ja-2024", "静安区", 2024, {"家庭照护床位": (200, "张", "家庭照护床位")}), "county")
    town = as_level(district("town-2024", "静安区", 2024, {"家庭照护床位": (20, "张", "家庭照护床位")}), "town")
    load(store, city_2024(), county, town)
    gaps = run_query(store, "gaps", {"kind": "district_only"}).records()
    assert [(r["source"], r["indicator"]) for r in gaps] == [("ja-2024", "家庭照护床位")]
