"""Themes: section titles and task texts of civil-affairs plans, and the owner table."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from policykg.loaders.model import Section
from policykg.loaders.normalise import normalise
from policykg.loaders.structure import parse_structure
from policykg.loaders.themes import (
    THEMES, classify_theme, owning_section, section_themes, task_theme, theme_scores,
)
from policykg.loaders.vocabulary import load_vocab

ROOT = Path(__file__).resolve().parent.parent
VOCAB = load_vocab("themes")

EXPECTED_THEMES = {"养老服务", "社会救助", "儿童福利", "残疾人福利", "慈善", "社会组织", "婚姻登记", "殡葬",
                   "区划地名", "社区治理", "社区事务受理", "社会事务", "自身建设"}


def test_theme_list():
    assert set(THEMES) == EXPECTED_THEMES


def test_every_theme_has_owners_for_both_levels():
    assert set(VOCAB["owners"]) == set(THEMES)
    for theme in THEMES:
        assert owning_section(theme, "district").endswith(("科", "办公室"))
        assert owning_section(theme, "city").endswith(("处", "办公室"))


@pytest.mark.parametrize("theme, district, city", [
    ("养老服务", "养老服务科", "养老服务处"),
    ("社会救助", "社会救助科", "社会救助处"),
    ("儿童福利", "社会救助科", "儿童福利处"),
    ("残疾人福利", "社会救助科", "社会事务处"),
    ("社会组织", "社会组织管理科", "社会组织管理处"),
    ("慈善", "社会组织管理科", "慈善事业促进和社会工作处"),
    ("婚姻登记", "社会事务科", "社会事务处"),
    ("殡葬", "社会事务科", "社会事务处"),
    ("区划地名", "社会事务科", "区划地名处"),
    ("自身建设", "办公室", "办公室"),
])
def test_owning_section(theme, district, city):
    assert owning_section(theme, "district") == district
    assert owning_section(theme, "city") == city
    assert owning_section(theme, None) == district         # unknown level: a district bureau's
    assert owning_section(theme, "town") is None           # towns organise differently


# Every top-level section title of the seed plans, and a selection of second-level ones
# (`None`: the title says nothing; the section takes its parent's theme).
SECTION_TITLES = [
    # shanghai-2024 (city)
    ("切实兜住兜准兜牢民生底线", "社会救助"),
    ("推进养老服务和老龄事业高质量发展", "养老服务"),
    ("更好发挥社会组织和公益慈善事业积极作用", "社会组织"),
    ("推进专项社会事务不断提升服务品质", "社会事务"),
    ("依法依规做好行政区划管理", "区划地名"),
    ("全面加强民政自身建设", "自身建设"),
    ("深化“政策找人”工作机制", "社会救助"),
    ("强化各类特殊困难群体保障", "社会救助"),
    ("不折不扣完成民心工程和为民办实事项目", None),
    ("推动开创老龄工作新局面", "养老服务"),
    ("推动社会组织以自身高质量发展更好服务经济社会高质量发展", "社会组织"),
    ("积极推进慈善事业发展", "慈善"),
    ("进一步提升婚姻服务水平", "婚姻登记"),
    ("深化殡葬服务和改革", "殡葬"),
    ("切实加强全面从严治党", "自身建设"),
    ("推进民政数字化转型和政务改革", "自身建设"),
    ("抓好民政干部人才队伍建设", "自身建设"),
    ("统筹民政事业发展与安全", "自身建设"),
    ("提升民政基础能力", "自身建设"),
    # jingan-2025
    ("聚焦积极应对人口老龄化，切实提高养老服务质量", "养老服务"),
    ("聚焦民生兜底保障，持续加强社会救助体系建设", "社会救助"),
    ("聚焦关心关爱关注，切实做好儿童福利和残疾人福利工作", "儿童福利"),
    ("聚焦管理职能优化，持续提升社会事务服务水平", "社会事务"),
    ("聚焦培育监管并重，助推社会组织健康有序发展", "社会组织"),
    ("聚焦履职尽责能力提升，全面加强民政自身建设", "自身建设"),
    ("深化医养融合服务", "养老服务"),
    ("促进银发经济发展", "养老服务"),
    ("营造尊老敬老氛围", "养老服务"),
    ("提升综合救助服务能级", "社会救助"),
    ("有效履行遗产管理人职责", "社会事务"),
    ("推动慈善工作创新提质", "慈善"),
    ("加强特殊儿童关爱保障", "儿童福利"),
    ("完善残疾人服务保障", "残疾人福利"),
    ("提升婚姻登记服务水平", "婚姻登记"),
    ("持续深化殡葬服务改革", "殡葬"),
    ("深化社区事务受理服务标准化建设", "社区事务受理"),
    ("加强民政服务站建设", "社会事务"),
    ("加强行政区划和地名管理", "区划地名"),
    ("加强社会组织执法监察", "社会组织"),
    ("推进民政法治建设", "自身建设"),
    ("提升民政综合能力", None),
    ("2025年静安民政重点工作项目", None),
    # jinshan-2025
    ("聚焦“多元”，全面提升养老服务和老龄工作水平", "养老服务"),
    ("聚焦“精准”，持续推动社会救助工作提质增效", "社会救助"),
    ("聚焦“关爱”，切实加强儿童和残疾人群体服务保障", "儿童福利"),
    ("聚焦“赋能”，持续优化社会事务管理服务能力", "社会事务"),
    ("聚焦“活力”，汇聚社会力量推进社会治理", "社会组织"),
    ("聚焦“高效”，切实推动民政事业高质量发展", "自身建设"),
    ("聚焦“关键”，切实加强民政系统全面从严治党", "自身建设"),
    # changning-2024
    ("健全分层分类的社会救助体系", "社会救助"),
    ("推动养老服务提质增效", "养老服务"),
    ("深化推进基层社区治理", "社区治理"),
    ("引领社会组织健康有序发展", "社会组织"),
    ("民政自身建设方面", "自身建设"),
    ("落实儿童福利和权益保障举措", "儿童福利"),
    ("做好基层减负增能下半篇文章", "社区治理"),
    ("深化全过程人民民主基层实践", "社区治理"),
    ("健全社区工作者队伍体系", "社区治理"),
    ("加强社会组织党建引领", "社会组织"),
    ("全面加强党的领导", "自身建设"),
    ("增强公共服务能力", None),
    ("推动数字化转型", "自身建设"),
    ("推动民政系统安全运行", "自身建设"),
    # changning-2025
    ("切实兜准兜牢民生底线", "社会救助"),
    ("不断提升社区事务服务质量", "社会事务"),
    ("更好发挥社会组织积极作用", "社会组织"),
    ("完善特殊困难群体社会保障", "社会救助"),
    ("积极推进慈善事业规范发展", "慈善"),
    ("加强行政区划管理", "区划地名"),
    ("落实老龄相关重点工作", "养老服务"),
    ("完成为民办实事等重点项目", None),
]


@pytest.mark.parametrize("title, theme", SECTION_TITLES)
def test_section_titles(title, theme):
    assert classify_theme(title) == theme


@pytest.mark.parametrize("text, theme", [
    ("新增4000张养老床位、改建3000张认知障碍照护床位。", "养老服务"),
    ("积极精准落实各项救助政策，及时足额发放救助补贴。", "社会救助"),
    ("加强低收入人口动态监测，做到应保尽保、应退尽退。", "社会救助"),
    ("落实好孤弃儿童集中养育和政府兜底监护工作，做好成年孤儿回归社会安置工作。", "儿童福利"),
    ("精准实施残疾人“两项补贴”制度，持续优化补贴流程。", "残疾人福利"),
    ("扎实推进精神障碍社区康复服务。", "残疾人福利"),
    ("深化慈善超市建设，举办“上海慈善周”活动。", "慈善"),
    ("做好福彩销售站点招募，积极筹集福利彩票公益金。", "慈善"),
    ("做好2024年度社会组织年度检查，强化年检结果运用。", "社会组织"),
    ("持续推进行业协会商会服务高质量发展专项行动。", "社会组织"),
    ("平稳推进涉外婚姻登记下放试点改革，加强婚介机构监管。", "婚姻登记"),
    ("严密组织清明、冬至祭扫安全防范和服务保障工作。", "殡葬"),
    ("持续做好界线界桩维护管理，做好国家地名信息库数据录入。", "区划地名"),
    ("推进居委会规范化建设，提升社区工作者持证率。", "社区治理"),
    ("指导各社区事务受理服务中心做好“远程虚拟窗口”服务。", "社区事务受理"),
    ("进一步排摸梳理遗产无主人员情况，履行遗产管理人职责。", "社会事务"),
    ("严格落实党风廉政主体责任，做实做细党组理论中心组学习。", "自身建设"),
    ("落实网络安全责任，提升民政网络安全防范能力。", "自身建设"),
    ("做好信访和12345服务热线工单办理。", "自身建设"),
    ("继续做好相关工作，确保取得实效。", None),
    ("", None),
])
def test_task_texts(text, theme):
    assert classify_theme(text) == theme


def test_longest_keyword_counts_once():
    scores = theme_scores("社会救助")
    assert scores == {"社会救助": (4.0, 0)}


def test_ties_go_to_the_theme_named_first():
    assert classify_theme("推动慈善事业和残疾人福利保障") == "慈善"
    assert classify_theme("切实做好残疾人福利和慈善工作") == "残疾人福利"


def test_section_theme_breaks_ties():
    text = "促进社会救助和慈善帮扶的有效衔接。"
    assert classify_theme(text) == "社会救助"
    assert classify_theme(text, prior="慈善") == "慈善"
    assert task_theme(text, "慈善") == "慈善"


def test_weak_hints_do_not_move_a_task_out_of_its_section():
    assert classify_theme("深化执法监督，发挥信用惩戒功能。") == "自身建设"
    assert task_theme("深化执法监督，发挥信用惩戒功能。", "社会组织") == "社会组织"
    # a clear cue does
    assert task_theme("加强婚姻登记管理，规范婚介行业。", "自身建设") == "婚姻登记"
    # and a task that names nothing takes its section's theme
    assert task_theme("完成年度重点项目。", "养老服务") == "养老服务"
    assert task_theme("完成年度重点项目。", None) is None


def test_section_themes_inherit_from_parents():
    def section(path, title, level, parent=None, theme=None):
        return Section(path=path, marker="", level=level, title=title, span=(0, 0), body_span=(0, 0),
                       parent=parent, theme=theme)

    sections = [section("一/（一）", "完成为民办实事等重点项目", 2, "一"),
                section("一", "推进养老服务和老龄事业高质量发展", 1),
                section("一/（二）", "加强社会救助", 2, "一"),
                section("二", "其他工作", 1, theme="自身建设")]   # a theme already set wins
    assert section_themes(sections) == {"一": "养老服务", "一/（一）": "养老服务",
                                        "一/（二）": "社会救助", "二": "自身建设"}




@lru_cache(maxsize=None)
def seed_sections(name: str):
    view = normalise((ROOT / "seeds" / f"{name}.txt").read_text(encoding="utf-8"))
    return parse_structure(view)[0]


@pytest.mark.parametrize("name, expected", [
    ("shanghai-2024", ["社会救助", "养老服务", "社会组织", "社会事务", "区划地名", "自身建设"]),
    ("jingan-2025", ["养老服务", "社会救助", "儿童福利", "社会事务", "社会组织", "自身建设", None]),
    ("jinshan-2025", ["养老服务", "社会救助", "儿童福利", "社会事务", "社会组织", "自身建设", "自身建设"]),
    ("changning-2024", ["社会救助", "养老服务", "社区治理", "社会组织", "自身建设"]),
    ("changning-2025", ["养老服务", "社会救助", "社会事务", "社会组织", "自身建设"]),
])
def test_seed_top_level_sections(name, expected):
    top = [s for s in seed_sections(name) if s.level == 1]
    assert [classify_theme(s.title) for s in top] == expected


@pytest.mark.parametrize("name", ["shanghai-2024", "jingan-2025", "changning-2024", "changning-2025"])
def test_seed_every_section_gets_a_theme(name):
    """Every section of a plan's outline has a theme (its own or its parent's); only a
    trailing project table without a heading theme may have none."""
    sections = seed_sections(name)
    themes = section_themes(sections)
    missing = [s.title for s in sections if themes[s.path] is None]
    assert all("项目" in title for title in missing)
