"""Named programs (“老伙伴计划”, 民心工程 …) versus slogans and reforms."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from policykg.loaders.extract import programs
from policykg.loaders.model import DocumentMeta, ParsedDocument, SourceText, Task
from policykg.loaders.textview import TextView

SEEDS = {p.stem: p for p in (Path(__file__).resolve().parent.parent / "seeds").glob("*.txt")}


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("zh")
    programs.add_to_pipeline(nlp)
    return nlp


def find(nlp, text, tasks=(), view=None):
    view = view or TextView.identity(text)
    parsed = ParsedDocument(SourceText("t.txt", "t", text, "txt"), view, DocumentMeta(), tasks=list(tasks))
    return programs.extract_programs(nlp(view.text), parsed)


def names(mentions):
    return [m.name for m in mentions]


# ----------------------------------------------------------------------------- what is a program

@pytest.mark.parametrize("text,name,kind", [
    ("继续开展“老伙伴计划”结对关爱。", "老伙伴计划", "brand"),
    ("持续深化“老伙伴”计划、“爱心点名”工作。", "老伙伴计划", "brand"),
    ("继续开展“桥计划”综合服务项目。", "桥计划", "brand"),
    ("深入推进“阳光慈善工程”落地实施。", "阳光慈善工程", "brand"),
    ("开展“八项提升行动”，提升质量。", "八项提升行动", "brand"),
    ("实施小蓝花“十百千”行动。", "十百千行动", "brand"),
    ("大力发展“慈善+”系列项目。", "慈善+项目", "project"),
    ("持续深化“九九购物节”品牌。", "九九购物节", "brand"),
    ("深化“静邻餐厅”品牌化建设。", "静邻餐厅", "brand"),
    ("持续开展“启航星光”孤独症儿童家庭支持项目。", "启航星光", "brand"),
    ("擦亮“‘暑’你最棒”未保工作品牌。", "暑你最棒", "brand"),
    ("持续开展“鑫童心、爱同行”流动儿童关爱服务项目。", "鑫童心、爱同行", "brand"),
    ("组织开展“敬老月”系列活动。", "敬老月", "campaign"),
    ("举办“上海慈善周”活动。", "上海慈善周", "campaign"),
    ("持续擦亮“艺术护照”。", "艺术护照", "brand"),
    ("新增“一键通”用户。", "一键通", "brand"),
    ("开展为老服务“一键通”“智能水表”等线上关爱服务。", "一键通", "brand"),
    ("继续开展“为义务教育阶段家庭监护缺失(或不当)的儿童提供支持服务”项目。",
     "为义务教育阶段家庭监护缺失（或不当）的儿童提供支持服务项目", "project"),
])
def test_programs(nlp, text, name, kind):
    ms = find(nlp, text)
    assert name in names(ms), names(ms)
    m = next(m for m in ms if m.name == name)
    assert m.label == "Program" and m.props["kind"] == kind
    assert text[m.span[0]:m.span[1]] == m.written


def test_people_projects_quoted_or_not_and_their_aliases(nlp):
    ms = find(nlp, "完成“民心工程”“为民办实事”等养老项目。扎实完成市级、区级民心工程、实事项目。高质量完成民心工程和为民办实事项目。")
    assert names(ms) == ["民心工程", "为民办实事项目", "民心工程", "为民办实事项目", "民心工程", "为民办实事项目"]
    assert {m.props["kind"] for m in ms} == {"people_project"}


def test_the_same_program_has_one_name_however_written(nlp):
    written = ["开展“老伙伴计划”。", "深化“老伙伴”计划。", "推进老伙伴计划。"]
    assert {n for t in written for n in names(find(nlp, t))} == {"老伙伴计划"}


@pytest.mark.parametrize("text", [
    "做到“应保尽保、应退尽退”。",
    "坚持“人民至上、生命至上”。",
    "落实“三管三必须”要求。",
    "深化“放管服”改革。",
    "纠治“四风”问题。",
    "实现“十四五”规划目标，编制“十五五”规划，迎接“十五五规划”开局。",
    "推进“一网通办”改革，实现“一件事”办理。",
    "深化“政策找人”工作机制。",
    "发挥“专项基金”作用。",
    "依托“数字民政”平台摸清项目服务对象底数。",
    "深入开展“假如我是”项目化调研。",
    "深化“党建引领‘宁’心聚力，推动社会组织高质量发展”区域化党建共建项目。",
    "推动“五社联动”机制应用，做好“两床融合”。",
    "秉承“扶老、助残、救孤、济困”的宗旨。",
    "完成“重点项目”和“公益项目”。",
    "开展“不忘初心、牢记使命”主题活动。",
])
def test_slogans_reforms_and_shorthands_are_not_programs(nlp, text):
    assert find(nlp, text) == []


def test_component_sets_doc_spans(nlp):
    doc = nlp("继续开展“老伙伴计划”和“桥计划”。")
    spans = doc.spans["programs"]
    assert [s._.program_name for s in spans] == ["老伙伴计划", "桥计划"]
    assert [s.label_ for s in spans] == ["brand", "brand"]


def test_task_assignment(nlp):
    text = "一、养老\n1. 开展“老伙伴计划”。\n2. 举办“上海慈善周”活动。"
    second = text.index("2.")
    tasks = [Task("一/1", "1", "开展", "item", (text.index("1."), second), "一")]
    assert [m.task for m in find(nlp, text, tasks)] == ["一/1", None]


def test_quote_broken_across_lines(nlp):
    (m,) = find(nlp, "继续开展“老伙\n伴计划”。")
    assert m.name == "老伙伴计划" and m.written == "“老伙伴计划”"


# ----------------------------------------------------------------------------- seeds

EXPECTED = {
    "changning-2024": {"艺术护照", "民心工程", "为民办实事项目", "一键通", "尖兵计划", "上海慈善周"},
    "changning-2025": {"老伙伴计划", "十百千行动", "小蓝花记忆课堂", "一键通", "邻距离", "慈善+项目"},
    "jingan-2025": {"老伙伴计划", "桥计划", "一键通", "民心工程", "静邻餐厅", "八项提升行动", "蓝天下的至爱"},
    "jinshan-2025": {"老伙伴计划", "百花计划", "一键通", "民心工程", "为民办实事项目", "银龄行动", "敬老月"},
    "shanghai-2024": {"桥计划", "一键通", "阳光慈善工程", "民心工程", "为民办实事项目", "上海慈善周"},
}
NEVER = {"应保尽保、应退尽退", "应补尽补、应退尽退", "人民至上、生命至上", "坚持人民至上、生命至上", "三管三必须",
         "放管服", "四风", "十四五", "十五五", "十五五规划", "一网通办", "一网通", "政策找人", "五社联动", "两床融合",
         "五床联动", "数字民政", "假如我是", "专项基金", "一件事"}


def _views():
    views = {"original": TextView.identity}
    try:
        from policykg.loaders.normalise import normalise
        views["normalised"] = normalise
    except ImportError:
        pass
    return views


@pytest.mark.parametrize("view_name", sorted(_views()))
@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_seed_programs(nlp, stem, view_name):
    text = SEEDS[stem].read_text(encoding="utf-8")
    found = set(names(find(nlp, text, view=_views()[view_name](text))))
    assert EXPECTED[stem] <= found, EXPECTED[stem] - found
    assert not (found & NEVER), found & NEVER


def test_programs_are_shared_across_seed_plans(nlp):
    by_name = {}
    for stem, path in SEEDS.items():
        text = path.read_text(encoding="utf-8")
        for n in names(find(nlp, text)):
            by_name.setdefault(n, set()).add(stem)
    assert by_name["老伙伴计划"] == {"changning-2025", "jingan-2025", "jinshan-2025"}
    assert len(by_name["一键通"]) == 5


@pytest.mark.parametrize("text", ["设立“专项基金”项目。", "推进“一网通办”项目。", "坚持“一户一档，一人一策”项目。"])
def test_the_first_rule_with_a_verdict_decides(text):
    # a generic quoted head, a listed non-program, a quoted sentence: no later rule
    # (a head after the quote) makes them programs
    start = text.index("“")
    assert programs.classify_quote(text, start, text.index("”") + 1) is None


def test_a_slogan_is_a_program_only_with_a_project_or_brand_head_after_a_descriptor():
    text = "开展“鑫童心、爱同行”流动儿童关爱服务项目和“人民至上、生命至上”宣传教育活动。"
    assert [(f.name, f.kind) for f in programs.find_programs(text)] == [("鑫童心、爱同行", "brand")]
