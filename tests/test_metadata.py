"""Metadata of the five seed plans, of made-up plans of other shapes, overrides and sidecars."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.loaders.errors import InputError
from policykg.loaders.metadata import parse_date, parse_metadata, read_sidecar
from policykg.loaders.normalise import normalise
from policykg.loaders.read import read_source

ROOT = Path(__file__).resolve().parent.parent

EXPECTED = {
    "changning-2024": dict(title="2024年长宁民政工作要点", issuer="上海市长宁区民政局", doc_number="长民〔2024〕1号",
                           issue_date="2024-02-28", year=2024, region="长宁区", level="district",
                           is_notice=False, wrapped_title=None),
    "changning-2025": dict(title="2025年长宁民政工作要点", issuer="上海市长宁区民政局", doc_number="长民〔2025〕1号",
                           issue_date="2025-02-18", year=2025, region="长宁区", level="district",
                           is_notice=False, wrapped_title=None),
    "jingan-2025": dict(title="静安区民政局2025年工作要点", issuer="静安区民政局", doc_number=None,
                        issue_date="2025-03-20", year=2025, region="静安区", level="district",
                        is_notice=True, wrapped_title="静安区民政局2025年工作要点"),
    "jinshan-2025": dict(title="2025年金山民政工作要点及任务分解", issuer="上海市金山区民政局", doc_number="金民〔2025〕6号",
                         issue_date="2025-02-17", year=2025, region="金山区", level="district",
                         is_notice=True, wrapped_title="2025年金山民政工作要点及任务分解"),
    "shanghai-2024": dict(title="2024年上海民政工作要点", issuer="上海市民政局", doc_number=None,
                          issue_date="2024-02-05", year=2024, region="上海市", level="city",
                          is_notice=False, wrapped_title=None),
}


def parse_seed(name: str, overrides: dict | None = None):
    source = read_source(ROOT / "seeds" / f"{name}.txt")
    view = normalise(source.text)
    return view, parse_metadata(view, source.source, overrides)


def parse_text(text: str, overrides: dict | None = None):
    view = normalise(text)
    return view, parse_metadata(view, "sample", overrides)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_metadata(name):
    view, meta = parse_seed(name)
    for field, value in EXPECTED[name].items():
        assert getattr(meta, field) == value, field
    start, end = meta.title_span
    assert view.text[start:end] == meta.title
    # the title span is a line of its own (or the start of one, before a web date)
    assert start == 0 or view.text[start - 1] == "\n"


def test_seed_warnings():
    assert parse_seed("changning-2025")[1].warnings == []
    _, shanghai = parse_seed("shanghai-2024")
    assert len(shanghai.warnings) == 1 and "issuer" in shanghai.warnings[0] and "inferred" in shanghai.warnings[0]


def test_notice_without_the_plan_is_titled_by_the_notice():
    _, meta = parse_text("某市某区民政局关于印发《2026年某区养老服务工作计划》的通知\n各街道：\n现印发给你们，请遵照执行。\n")
    assert meta.is_notice and meta.wrapped_title == "2026年某区养老服务工作计划"
    assert meta.title == "某市某区民政局关于印发《2026年某区养老服务工作计划》的通知"
    assert meta.issuer == "某市某区民政局" and meta.region == "某区" and meta.level == "district"
    assert meta.year == 2026


def test_plan_of_another_city_with_chinese_date_and_bracket_variant():
    text = ("杭州市西湖区民政局\n西民[2026]12号\n2026年西湖区民政工作要点\n"
            "一、总体要求\n（一）推进养老服务。新增床位100张。\n杭州市西湖区民政局\n二〇二六年一月十八日\n")
    _, meta = parse_text(text)
    assert (meta.issuer, meta.doc_number, meta.issue_date, meta.year) == ("杭州市西湖区民政局", "西民〔2026〕12号", "2026-01-18", 2026)
    assert (meta.region, meta.level) == ("西湖区", "district")
    assert meta.title == "2026年西湖区民政工作要点" and not meta.is_notice


def test_full_width_square_brackets_and_town_level():
    _, meta = parse_text("上海市某区某某镇人民政府\n某府［2025］3号\n2025年某某镇民政工作要点\n一、总体要求\n")
    assert meta.doc_number == "某府〔2025〕3号"
    assert (meta.region, meta.level) == ("某某镇", "town")


def test_title_broken_over_two_lines():
    view, meta = parse_text("2025年某区民政\n工作要点\n一、总体要求\n")
    assert meta.title == "2025年某区民政工作要点"
    assert view.text[slice(*meta.title_span)] == "2025年某区民政\n工作要点"


def test_missing_region_and_year_warn_instead_of_guessing():
    _, meta = parse_text("民政工作要点\n一、推进养老服务。\n")
    assert meta.region is None and meta.year is None and meta.level == "unknown"
    assert any("region not found" in w for w in meta.warnings)
    assert any("year not found" in w for w in meta.warnings)


def test_region_from_the_running_text_is_flagged():
    _, meta = parse_text("2025年民政工作要点\n一、推进静安区养老服务。\n二、完善静安区救助体系，对接黄浦区。\n三、静安区社区治理。\n")
    assert (meta.region, meta.level) == ("静安区", "district")
    assert any("guessed from the text" in w for w in meta.warnings)


def test_year_from_the_issue_date_is_flagged():
    _, meta = parse_text("某区民政局\n民政工作要点\n一、推进养老服务。\n某区民政局\n2025年1月5日\n")
    assert meta.year == 2025
    assert any("issue date" in w for w in meta.warnings)


def test_overrides_win_and_level_follows_the_region():
    view, meta = parse_seed("shanghai-2024", {"region": "浦东新区", "issuer": "上海市民政局", "year": "2025",
                                              "title": "2024年上海民政工作要点"})
    assert (meta.region, meta.level, meta.year, meta.issuer) == ("浦东新区", "district", 2025, "上海市民政局")
    assert view.text[slice(*meta.title_span)] == "2024年上海民政工作要点"
    assert meta.warnings == []       # the issuer given, nothing inferred is reported


def test_override_fills_a_missing_region_without_warning():
    _, meta = parse_text("民政工作要点\n一、推进养老服务。\n", {"region": "长宁区", "year": 2025})
    assert (meta.region, meta.level, meta.year) == ("长宁区", "district", 2025)
    assert not any("region" in w or "year" in w for w in meta.warnings)


def test_bad_override_is_an_input_error():
    with pytest.raises(InputError) as exc:
        parse_text("x\n", {"regoin": "长宁区"})
    assert str(exc.value).startswith("sample:") and "regoin" in str(exc.value)


# -- sidecars ----------------------------------------------------------------------------------

def test_read_sidecar_yaml_json_and_none(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("x", encoding="utf-8")
    assert read_sidecar(plan) == {}

    (tmp_path / "plan.txt.meta.yaml").write_text("region: 静安区\nyear: 2025\nissue_date: 2025-03-20\n", encoding="utf-8")
    assert read_sidecar(plan) == {"region": "静安区", "year": 2025, "issue_date": "2025-03-20"}

    other = tmp_path / "other.docx"
    (tmp_path / "other.meta.json").write_text(json.dumps({"issuer": "某区民政局", "is_notice": True}), encoding="utf-8")
    assert read_sidecar(other) == {"issuer": "某区民政局", "is_notice": True}


@pytest.mark.parametrize("content,problem", [
    ("region: [静安区\n", "cannot read"),
    ("- 静安区\n", "mapping"),
    ("regoin: 静安区\n", "unknown metadata field"),
    ("year: twenty\n", "not a number"),
    ("level: prefecture\n", "not one of"),     # county and province are levels since issue 10
])
def test_bad_sidecar_is_an_input_error(tmp_path, content, problem):
    plan = tmp_path / "plan.txt"
    sidecar = tmp_path / "plan.meta.yaml"
    sidecar.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_sidecar(plan)
    message = str(exc.value)
    assert message.startswith(f"{sidecar}:") and problem in message and "\n" not in message


@pytest.mark.parametrize("text,iso", [
    ("2025年2月17日", "2025-02-17"),
    ("2025 年 2月 18 日", "2025-02-18"),
    ("二〇二五年十二月三十一日", "2025-12-31"),
    ("( 2024-02-05 )", "2024-02-05"),
    ("2025年2月30日", None),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("title, year", [
    ("某区民政局二〇二六年工作要点", 2026),                       # the year in Chinese digits
    ("某区民政局2025年工作总结和2026年工作计划", 2026),            # the year whose words name a plan
    ("2025年工作回顾及2026年工作要点", 2026),
    ("2026年某区民政工作要点", 2026),
])
def test_plan_year_from_the_title(title, year):
    _, meta = parse_text(f"{title}\n一、养老服务\n（一）推进养老服务。新增床位100张。\n")
    assert meta.year == year


@pytest.mark.parametrize("verb", ["印发", "转发", "下发"])
def test_a_notice_by_any_notice_verb_wraps_the_plan(verb):
    _, meta = parse_text(f"某区民政局关于{verb}《2026年某区民政工作要点》的通知\n"
                         "2026年某区民政工作要点\n一、养老服务\n（一）推进养老服务。\n")
    assert meta.is_notice and meta.wrapped_title == "2026年某区民政工作要点"


def test_a_web_pages_rows_give_the_doc_number_and_the_date():
    _, meta = parse_text("文件编号：金民〔2025〕6号 | 发布日期：2025-02-17\n"
                         "2025年金山民政工作要点\n一、养老服务\n（一）推进养老服务。\n")
    assert (meta.doc_number, meta.issue_date) == ("金民〔2025〕6号", "2025-02-17")


@pytest.mark.parametrize("module", ["policykg.loaders.metadata", "policykg.loaders.numbers"])
def test_reading_metadata_or_numbers_does_not_load_spacy(module, tmp_path):
    # A fresh interpreter outside the checkout: what the module itself imports, nothing a test loaded.
    check = f"import {module}, sys; assert 'spacy' not in sys.modules, 'spacy was imported'"
    run = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


# -- any plan, any place (issue 10): divisions, kinds, titles in web furniture ------------------

@pytest.mark.parametrize("issuer, region, level, chain", [
    ("北京市东城区民政局", "东城区", "district", ["北京市"]),          # ends like 城区, is a district
    ("杭州市上城区民政局", "上城区", "district", ["杭州市", "浙江省"]),
    ("郑州市上街区民政局", "上街区", "district", ["郑州市", "河南省"]),   # ends like 街区
    ("厦门市民政局", "厦门市", "city", ["福建省"]),                     # ends like 门市
    ("太仓市发展和改革委员会", "太仓市", "county", ["苏州市", "江苏省"]),
    ("吉林省民政厅", "吉林省", "province", []),                         # not 吉林市
])
def test_regions_of_the_whole_country_with_their_parents(issuer, region, level, chain):
    _, meta = parse_text(f"{issuer}\n2025年民政工作要点\n一、养老服务\n")
    assert (meta.region, meta.level, meta.region_chain) == (region, level, chain)


def test_a_name_several_places_share_takes_the_parent_the_text_names():
    _, changchun = parse_text("长春市朝阳区民政局\n2025年民政工作要点\n一、养老服务\n")
    assert (changchun.region, changchun.region_chain) == ("朝阳区", ["长春市", "吉林省"])
    _, unknown = parse_text("朝阳区民政局\n2025年民政工作要点\n一、养老服务\n")
    assert (unknown.region, unknown.region_code, unknown.region_chain) == ("朝阳区", None, [])


def test_generic_words_ending_like_a_region_are_still_no_region():
    _, meta = parse_text("2025年社区民政工作要点\n一、全面提升城区防洪能力。\n")
    assert meta.region is None


@pytest.mark.parametrize("title, year", [
    ("2024年全市民政工作要点", 2024),
    ("二○二五年民政工作要点", 2025),                        # ○ (white circle), not 〇
    ("2026年河北省政府工作报告", 2026),
])
def test_years_in_every_form(title, year):
    _, meta = parse_text(f"{title}\n一、养老服务\n")
    assert meta.year == year


def test_a_title_saying_this_year_takes_the_year_of_the_opening():
    _, meta = parse_text("沙河口区确定今年10项重点民生实事\n近日,沙河口区确定2024年10项重点民生实事。\n")
    assert (meta.year, meta.kind, meta.region) == (2024, "project list", "沙河口区")
    _, other = parse_text("沙河口区确定10项重点民生实事\n近日,沙河口区确定10项重点民生实事。\n")
    assert other.year is None


@pytest.mark.parametrize("title, kind", [
    ("2025年全区民政工作要点", "work plan"),
    ("2025年鲤城区为民办实事项目清单", "project list"),
    ("2025年区十大民生实事项目进展表", "progress report"),
    ("关于2024年阳东区十件民生实事完成情况的通报", "progress report"),
    ("2021年区政府工作报告目标任务分解方案", "task decomposition"),
    ("2026年山东省政府工作报告", "government work report"),
    ("2025年1-6月新吳區為民辦實事項目進展情況", "progress report"),
])
def test_document_kind_from_the_title(title, kind):
    _, meta = parse_text(f"{title}\n一、养老服务\n")
    assert meta.kind == kind


def test_a_notice_naming_no_other_kind_is_a_notice_and_a_plain_title_no_kind():
    _, notice = parse_text("某区民政局关于印发《某区养老服务补贴办法》的通知\n各街道：\n现印发给你们。\n")
    assert notice.kind == "notice"
    _, plain = parse_text("养老服务条例\n第一条 为了规范养老服务。\n")
    assert plain.kind is None


def test_web_furniture_is_never_the_title():
    text = ("当前位置：首页 >> 信息公开 >> 工作计划\n名 称： 2025年某区民政工作要点\n"
            "截至6月底进展 | 7月工作计划 |\n2025年某区民政工作要点\n一、养老服务\n")
    _, meta = parse_text(text)
    assert meta.title == "2025年某区民政工作要点" and meta.region == "某区"


def test_a_web_pages_issuer_row_and_index_code_name_the_region():
    _, by_row = parse_text("发文单位: 咸宁市民政局\n2020年全市民政工作要点\n一、养老服务\n")
    assert (by_row.region, by_row.level) == ("咸宁市", "city")
    _, by_index = parse_text("索引号: 11500106009290497H/2024-00376\n2024年全区民政工作要点\n一、养老服务\n")
    assert by_index.region == "沙坪坝区"
    _, neither = parse_text("发布机构 区政府办公室\n2024年全区民政工作要点\n一、养老服务\n")
    assert neither.region is None


def test_a_doc_number_opening_with_a_short_name_names_the_region():
    _, meta = parse_text("涪陵民政发〔2025〕51号\n2025年全区民政工作要点\n一、养老服务\n")
    assert meta.region == "涪陵区"
    _, shanghai = parse_text("上海市民政局\n金民〔2025〕6号\n2025年民政工作要点\n一、养老服务\n")
    assert shanghai.region == "金山区"                      # the one Shanghai district opening with 金


def test_a_cover_letter_sentence_is_never_the_title_the_plan_it_issues_is():
    _, meta = parse_text("各区民政局： 现将《2024年全市民政工作要点》印发给你们，请认真贯彻执行。 武汉市民政局 2024年3月7日 "
                         "2024年全市民政工作要点 2024年是关键一年。\n")
    assert meta.title == "2024年全市民政工作要点" and meta.is_notice
    assert (meta.issuer, meta.region, meta.level) == ("武汉市民政局", "武汉市", "city")   # the signature run into the line


def test_a_page_without_a_title_line_is_titled_by_its_title_row():
    _, meta = parse_text("| 內容概述 | 2025年1-6月新吳區(qū)為民辦實事項目進展情況 |\n2025年,新吳區(qū)項目共50個。\n")
    assert meta.title == "2025年1-6月新吳區為民辦實事項目進展情況"
    assert (meta.region, meta.year, meta.kind) == ("新吴区", 2025, "progress report")
    _, none = parse_text("| 主题分类 | 民政 |\n2025年,项目共50个。\n")
    assert none.title is None


def test_a_wechat_mirrors_bar_is_not_part_of_the_title():
    _, meta = parse_text("查看原文\n其他\n龙岗2024年十大民生实事项目出炉！\n1月27日下午\n")
    assert meta.title == "龙岗2024年十大民生实事项目出炉！" and meta.region == "龙岗区"


def test_a_retired_index_code_names_the_one_division_of_its_city_the_text_names():
    # 330283 was 奉化市; it is 330213 奉化区 since 2016, still in 宁波市 (3302)
    _, meta = parse_text("索引号 11330283002979996P/2024-152907\n2024年十大民生实事项目出炉\n建设奉化高级中学教学楼。\n")
    assert (meta.region, meta.level, meta.region_chain) == ("奉化区", "district", ["宁波市", "浙江省"])
    _, other = parse_text("索引号 11330283002979996P/2024-152907\n2024年十大民生实事项目出炉\n建设中学教学楼。\n")
    assert other.region is None


# -- the region a government site's address names ------------------------------------------------

PAGE_WITHOUT_PLACE = "2025年全市民政工作要点\n一、工作思路\n紧紧锚定“一个目标”，跑出赶超发展加速度。\n"


def test_region_from_the_sidecar_url_of_a_government_site():
    _, meta = parse_text(PAGE_WITHOUT_PLACE, {"url": "http://mzj.jinhua.gov.cn/art/2025/4/30/art_1.html"})
    assert (meta.region, meta.level, meta.region_chain, meta.url) == (
        "金华市", "city", ["浙江省"], "http://mzj.jinhua.gov.cn/art/2025/4/30/art_1.html")
    assert not any("region" in w for w in meta.warnings)


def test_region_from_a_saved_pages_own_address_line():
    _, meta = parse_text(PAGE_WITHOUT_PLACE + "原文链接：http://www.xihu.hangzhou.gov.cn/art/1.html\n")
    assert (meta.region, meta.region_code, meta.url) == ("西湖区", "330106", "http://www.xihu.hangzhou.gov.cn/art/1.html")


def test_an_address_that_is_no_government_site_or_names_several_places_gives_no_region():
    for url in ("http://www.jinhua-news.com/art/1.html", "http://www.chaoyang.gov.cn/1.html", "http://mzj.hz.gov.cn/1.html"):
        _, meta = parse_text(PAGE_WITHOUT_PLACE, {"url": url})
        assert meta.region is None, url


def test_the_issuer_named_in_the_text_wins_over_the_address():
    _, meta = parse_text("2025年全市民政工作要点\n发布机构：咸宁市民政局\n一、工作思路\n", {"url": "http://mzj.jinhua.gov.cn/1.html"})
    assert meta.region == "咸宁市"


def test_a_sidecar_url_must_be_a_web_address(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(PAGE_WITHOUT_PLACE, encoding="utf-8")
    (tmp_path / "plan.meta.yaml").write_text("url: mzj.jinhua.gov.cn\n", encoding="utf-8")
    with pytest.raises(InputError, match="url 'mzj.jinhua.gov.cn' is not a web address"):
        read_sidecar(plan)
