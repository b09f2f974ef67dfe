"""Section tree and tasks.

Golden files in tests/golden/structure/<seed>.json hold the parsed tree of each seed
plan; they were reviewed by eye against the seed text. Regenerate them with
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_structure.py
and review the diff before keeping it.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pytest

from policykg.loaders.annotations import owner_annotations
from policykg.loaders.normalise import normalise
from policykg.loaders.structure import (
    closes_with_one_annotation,
    find_tables,
    heading_context,
    heading_is_task,
    owns_its_sub_items,
    parse_structure,
    read_heading,
    read_lines,
    section_styles,
    split_sentences,
)
from policykg.loaders.tables import category_heading, is_category_row, row_cell_spans, row_groups, table_header
from policykg.loaders.textview import TextView

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
GOLDEN = Path(__file__).parent / "golden" / "structure"


@lru_cache(maxsize=None)
def seed_view(name: str) -> TextView:
    return normalise((ROOT / "seeds" / f"{name}.txt").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def seed_structure(name: str):
    return parse_structure(seed_view(name))


def parse(text: str):
    view = TextView.identity(text)
    sections, tasks = parse_structure(view)
    return view, sections, tasks


def task_text(view: TextView, task) -> str:
    return view.text[task.span[0]:task.span[1]]


# --------------------------------------------------------------------------- golden files


def tree_of(name: str) -> dict:
    sections, tasks = seed_structure(name)
    per_section: dict[str | None, int] = {}
    for task in tasks:
        per_section[task.section] = per_section.get(task.section, 0) + 1
    return {
        "sections": [{"path": s.path, "marker": s.marker, "level": s.level, "ordinal": s.ordinal,
                      "title": s.title, "tasks": per_section.get(s.path, 0)} for s in sections],
        "tasks": [{"path": t.path, "kind": t.kind, "item": t.item, "title": t.title} for t in tasks],
    }


@pytest.mark.parametrize("name", SEEDS)
def test_golden_tree(name):
    path = GOLDEN / f"{name}.json"
    tree = tree_of(name)
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(tree, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert tree == json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- spans on every seed


@pytest.mark.parametrize("name", SEEDS)
def test_spans_map_to_original(name):
    view = seed_view(name)
    sections, tasks = seed_structure(name)
    assert sections and tasks
    for section in sections:
        s, e = section.span
        assert view.text[s:e] == section.title
        assert section.title, section.path
        assert view.original_slice(s, e).strip()
        bs, be = section.body_span
        assert bs <= s <= e <= be
        assert view.original_slice(bs, be).strip()
        if section.marker:
            assert view.text[bs:].startswith(section.marker)
    by_path = {s.path: s for s in sections}
    for task in tasks:
        s, e = task.span
        text = view.text[s:e]
        assert text.strip() == text and text, task.path
        assert view.original_slice(s, e).strip()
        if task.section:
            bs, be = by_path[task.section].body_span
            assert bs <= s < e <= be, task.path
        if task.kind in ("item", "row"):
            assert text.lstrip("（(").startswith(task.item.strip("（）")), task.path
        elif task.kind == "point":
            assert text.startswith(task.item)
        else:
            assert text.startswith(task.title[:4]), task.path


@pytest.mark.parametrize("name", SEEDS)
def test_paths_unique_and_ordinals(name):
    sections, tasks = seed_structure(name)
    paths = [s.path for s in sections] + [t.path for t in tasks]
    assert len(paths) == len(set(paths))
    for section in sections:
        siblings = [s for s in sections if s.parent == section.parent]
        assert section.ordinal == siblings.index(section) + 1
    for task in tasks:
        assert task.path.startswith(task.section + "/") if task.section else True


def test_jinshan_items_are_tasks():
    sections, tasks = seed_structure("jinshan-2025")
    items = [t for t in tasks if t.kind == "item"]
    assert [t.item for t in items] == [str(n) for n in range(1, 33)]
    assert [s.path for s in sections] == list("一二三四五六七")
    assert items[0].path == "一/1" and items[0].title == "高质量完成民心工程和为民办实事项目"
    assert items[12].title == "做好流浪乞讨、临时遇困人员救助工作"


def test_jingan_table():
    view = seed_view("jingan-2025")
    sections, tasks = seed_structure("jingan-2025")
    table = [s for s in sections if s.title == "2025年静安民政重点工作项目"]
    assert len(table) == 1 and table[0].parent is None
    rows = [t for t in tasks if t.section == table[0].path]
    assert [t.item for t in rows] == [str(n) for n in range(1, 22)]
    assert all(t.kind == "row" for t in rows)
    assert rows[1].columns["项目"].startswith("新增600张养老床位")
    assert rows[1].title == "新增600张养老床位"
    # The caption is the table's title, not a sentence of the section above it.
    assert not any("重点工作项目" in task_text(view, t) for t in tasks if t.kind == "sentence")


# --------------------------------------------------------------------------- synthetic texts

NOTICE = "各科室：\n现将《2025年工作要点》印发给你们。\n2025年工作要点\n2025年是关键一年。\n"


def test_preamble_and_closing_are_not_tasks():
    view, sections, tasks = parse(NOTICE + "一、养老服务\n新增床位。\n某区民政局\n2025年1月1日\n")
    assert [s.path for s in sections] == ["一"]
    assert [task_text(view, t) for t in tasks] == ["新增床位。"]
    assert sections[0].body_span[1] == view.text.index("新增床位。") + len("新增床位。")


def test_heading_styles_nest():
    text = ("一、总体要求\n（一）加强养老服务\n1.完善制度\n建立健全制度。\n2、强化监管\n"
            "（1）开展检查。\n（2）开展评估。\n(二)推进救助\n做好救助。\n二、保障措施\n加强领导。\n")
    view, sections, tasks = parse(text)
    assert [(s.path, s.level, s.marker, s.title, s.ordinal) for s in sections] == [
        ("一", 1, "一、", "总体要求", 1),
        ("一/（一）", 2, "（一）", "加强养老服务", 1),
        ("一/（一）/1", 3, "1.", "完善制度", 1),
        ("一/（一）/2", 3, "2、", "强化监管", 2),
        ("一/（二）", 2, "(二)", "推进救助", 2),
        ("二", 1, "二、", "保障措施", 2),
    ]
    assert [(t.path, t.kind, t.item) for t in tasks] == [
        ("一/（一）/1/s1", "sentence", ""),
        ("一/（一）/2/（1）", "item", "（1）"),
        ("一/（一）/2/（2）", "item", "（2）"),
        ("一/（二）/s1", "sentence", ""),
        ("二/s1", "sentence", ""),
    ]
    assert sections[0].body_span == (0, text.index("二、") - 1)


def test_heading_with_body_on_same_line():
    view, sections, tasks = parse("一、社会救助\n（一）推进社会救助规范化建设。深化“政策找人”。开展百户调查。\n")
    sub = sections[1]
    assert sub.path == "一/（一）" and sub.title == "推进社会救助规范化建设"
    assert view.text[sub.span[0]:sub.span[1]] == sub.title
    assert [(t.path, task_text(view, t)) for t in tasks] == [
        ("一/（一）/s1", "深化“政策找人”。"), ("一/（一）/s2", "开展百户调查。")]


def test_half_width_brackets_and_markers():
    view, sections, tasks = parse("一、养老\n(一)补齐短板\n新增床位。\n(二)提升能级\n1．新增食堂。\n(1)a项。\n")
    assert [s.path for s in sections] == ["一", "一/（一）", "一/（二）"]
    assert [(t.path, t.kind, t.item) for t in tasks] == [
        ("一/（一）/s1", "sentence", ""), ("一/（二）/1", "item", "1")]
    # An inner marker inside an item is part of the item.
    assert task_text(view, tasks[1]) == "1．新增食堂。\n(1)a项。"


def test_numbered_items_with_body_are_tasks():
    text = ("一、聚焦“多元”，全面提升养老服务\n"
            "1. 高质量完成民心工程。新建中心2家。（牵头领导：徐敏，责任部门：局养老服务科）\n"
            "2. 大力推动银发经济发展。成立专班。\n二、救助\n3. 推动政策落实。落实救助。\n")
    view, sections, tasks = parse(text)
    assert [s.title for s in sections] == ["聚焦“多元”，全面提升养老服务", "救助"]
    assert [(t.path, t.kind, t.item, t.title, t.ordinal) for t in tasks] == [
        ("一/1", "item", "1", "高质量完成民心工程", 1),
        ("一/2", "item", "2", "大力推动银发经济发展", 2),
        ("二/3", "item", "3", "推动政策落实", 1),
    ]
    assert task_text(view, tasks[0]).endswith("局养老服务科）")


def test_one_line_numbered_list_items_are_tasks():
    view, sections, tasks = parse("一、重点项目\n1. 新增养老床位600张\n2. 新建长者食堂6家\n")
    assert [s.path for s in sections] == ["一"]
    assert [(t.path, t.kind, t.title) for t in tasks] == [
        ("一/1", "item", "新增养老床位600张"), ("一/2", "item", "新建长者食堂6家")]


def test_points():
    text = "一、养老\n重点抓好三项工作：一是加强床位建设；二是推进助餐服务，提升质量；三是完善监管。此外，要做好宣传。\n"
    view, sections, tasks = parse(text)
    assert [(t.path, t.kind, t.item, t.title, task_text(view, t)) for t in tasks] == [
        ("一/s1", "sentence", "", "重点抓好三项工作", "重点抓好三项工作："),
        ("一/一是", "point", "一是", "加强床位建设", "一是加强床位建设；"),
        ("一/二是", "point", "二是", "推进助餐服务", "二是推进助餐服务，提升质量；"),
        ("一/三是", "point", "三是", "完善监管", "三是完善监管。"),
        ("一/s2", "sentence", "", "此外", "此外，要做好宣传。"),
    ]


def test_points_on_separate_lines_and_lone_marker():
    view, sections, tasks = parse("一、养老\n一是加强床位建设。\n二是推进助餐服务。\n二、救助\n统一是关键。一是落实。\n")
    assert [(t.path, t.kind) for t in tasks] == [
        ("一/一是", "point"), ("一/二是", "point"), ("二/s1", "sentence"), ("二/s2", "sentence")]


def test_table_with_caption_and_columns():
    text = ("一、养老\n新增床位。\n2025年重点工作项目\n序号 | 工作内容 | 责任部门 | 完成时限 |\n"
            "1 | 新增600张养老床位。 | 局养老服务科 | 12月 |\n2 | 新建长者食堂。 | |\n")
    view, sections, tasks = parse(text)
    assert [(s.path, s.title, s.level, s.parent) for s in sections] == [
        ("一", "养老", 1, None), ("表1", "2025年重点工作项目", 1, None)]
    assert sections[0].body_span[1] == text.index("新增床位。") + 5
    rows = [t for t in tasks if t.kind == "row"]
    assert [(t.path, t.item, t.title) for t in rows] == [
        ("表1/1", "1", "新增600张养老床位"), ("表1/2", "2", "新建长者食堂")]
    assert rows[0].columns == {"序号": "1", "工作内容": "新增600张养老床位。", "责任部门": "局养老服务科", "完成时限": "12月"}
    assert task_text(view, rows[0]) == "1 | 新增600张养老床位。 | 局养老服务科 | 12月"
    assert task_text(view, rows[1]) == "2 | 新建长者食堂。"


def test_markdown_table_without_caption_stays_in_section():
    text = "一、养老\n新增床位。\n| 编号 | 任务 | 牵头单位 |\n|---|---|---|\n| 1 | 助餐 | 区民政局 |\n"
    view, sections, tasks = parse(text)
    assert [(s.path, s.parent) for s in sections] == [("一", None), ("一/表1", "一")]
    row = tasks[-1]
    assert (row.path, row.item, row.title, row.columns["牵头单位"]) == ("一/表1/1", "1", "助餐", "区民政局")


def test_non_table_pipe_lines_are_text():
    view, sections, tasks = parse("一、养老\n索取号: | 发布机构: |\n")
    assert not any(t.kind == "row" for t in tasks)


def test_sentence_splitting():
    text = "落实《关于A；B的意见》要求。开展“一网通办；好办”工作（含试点；推广）！是否可行？推进落实（牵头单位：局办公室；配合部门：各科室）。"
    assert [text[s:e] for s, e in split_sentences(text, 0, len(text))] == [
        "落实《关于A；B的意见》要求。",
        "开展“一网通办；好办”工作（含试点；推广）！",
        "是否可行？",
        "推进落实（牵头单位：局办公室；配合部门：各科室）。",
    ]


def test_sentence_keeps_trailing_annotation():
    text = "新增床位。（牵头领导：徐敏；责任部门：局养老服务科）建设食堂。牵头单位：区民政局；配合单位：各街镇"
    assert [text[s:e] for s, e in split_sentences(text, 0, len(text))] == [
        "新增床位。（牵头领导：徐敏；责任部门：局养老服务科）",
        "建设食堂。牵头单位：区民政局；配合单位：各街镇",
    ]


def test_no_heading_no_structure():
    assert parse("只有一段话。没有标题。\n") [1:] == ([], [])


def test_owner_line_joins_the_task_above():
    # Two annotations: each owns the sentences before it, the heading stays a section.
    view, sections, tasks = parse("一、养老\n（一）加强服务\n新增床位。（牵头单位：局办公室）建设食堂。\n（牵头单位：局养老服务科）\n")
    assert [s.path for s in sections] == ["一", "一/（一）"]
    assert [task_text(view, t) for t in tasks] == ["新增床位。（牵头单位：局办公室）", "建设食堂。\n（牵头单位：局养老服务科）"]


def test_heading_title_without_annotation_and_marker_alone():
    view, sections, tasks = parse("一、\n总体要求\n（一）推进救助（牵头单位：局社会救助科）\n1. 做好救助。\n"
                                  "（二）加强监管（牵头单位：局办公室）\n做好监管。\n第二部分 保障措施\n加强领导。\n")
    assert [(s.path, s.title) for s in sections] == [
        ("一", "总体要求"), ("一/（一）", "推进救助"), ("第二部分", "保障措施")]
    # （二）'s one annotation is written for all of it: the heading and its text are one task.
    assert [(t.path, t.title) for t in tasks] == [
        ("一/（一）/1", "做好救助"), ("一/（二）", "加强监管"), ("第二部分/s1", "加强领导")]


def test_table_rows_that_look_like_headings():
    # A row that looks like a heading stays in its table: there it heads the rows below
    # it (a category row, see test_table_category_rows_head_the_rows_below), not the plan.
    view, sections, tasks = parse("重点项目\n序号 | 任务 | 责任部门 |\n一、养老 | | |\n1. | 新增床位 | 局养老服务科 |\n")
    assert [(s.path, s.title) for s in sections] == [("表1", "重点项目"), ("表1/一", "养老")]
    assert [(t.path, t.item, t.title) for t in tasks] == [("表1/一/1.", "1.", "新增床位")]


def test_circled_items_under_a_numbered_subsection():
    view, sections, tasks = parse("一、监管\n1、开展质量监测\n①每季度监测一次；\n②公布监测结果。\n2、开展信用评价\n按年度开展。\n")
    assert [s.path for s in sections] == ["一", "一/1", "一/2"]
    assert [(t.path, t.kind, t.item, t.title) for t in tasks] == [
        ("一/1/①", "item", "①", "每季度监测一次"), ("一/1/②", "item", "②", "公布监测结果"),
        ("一/2/s1", "sentence", "", "按年度开展")]


def test_numbers_at_line_start_are_not_markers():
    view, sections, tasks = parse("一、养老\n新增床位。\n1.5万名老人受益。\n3、4月份开展检查。\n")
    assert [s.path for s in sections] == ["一"]
    assert [t.kind for t in tasks] == ["sentence"] * 3


# --------------------------------------------------------------------------- other numbering styles


def test_symbol_and_half_bracket_markers_are_items():
    for marker in ("⑴", "⒈", "1）", "1)"):
        second = {"⑴": "⑵", "⒈": "⒉", "1）": "2）", "1)": "2)"}[marker]
        view, sections, tasks = parse(f"一、社会救助\n{marker}健全救助体系。完善认定。\n{second}加强临时救助。\n")
        assert [(t.kind, t.title) for t in tasks] == [("item", "健全救助体系"), ("item", "加强临时救助")], marker
    _, _, tasks = parse("一、社会救助\n⑴健全救助体系。\n2）加强临时救助。\n")
    assert [t.item for t in tasks] == ["⑴", "2"]


def test_ordinal_headings_when_they_open_the_outline():
    view, sections, tasks = parse("第一，强化党建引领\n落实从严治党责任。\n第二、提升养老服务\n新增床位。\n")
    assert [(s.path, s.title) for s in sections] == [("第一", "强化党建引领"), ("第二", "提升养老服务")]
    assert [t.path for t in tasks] == ["第一/s1", "第二/s1"]
    # Under 第一部分 they are still the outline's next level.
    _, sections, _ = parse("第一部分 重点任务\n第一，加强床位建设\n新增床位。\n")
    assert [s.path for s in sections] == ["第一部分", "第一部分/第一"]


def test_ordinal_lines_inside_sections_are_points_not_headings():
    view, sections, tasks = parse("一、养老服务\n第一，加强床位建设。\n第二，推进助餐服务。\n"
                                  "二、社会救助\n完善救助。第一，健全体系；第二，加强临时救助。\n")
    assert [s.path for s in sections] == ["一", "二"]
    assert [(t.path, t.kind, t.item, t.title) for t in tasks] == [
        ("一/第一", "point", "第一", "加强床位建设"), ("一/第二", "point", "第二", "推进助餐服务"),
        ("二/s1", "sentence", "", "完善救助"),
        ("二/第一", "point", "第一", "健全体系"), ("二/第二", "point", "第二", "加强临时救助")]


def test_ordinal_words_in_prose_are_not_markers():
    view, sections, tasks = parse("一、养老服务\n排名全市第一，获得表彰。\n第二、三季度开展检查。\n")
    assert [s.path for s in sections] == ["一"]
    assert [t.kind for t in tasks] == ["sentence", "sentence"]


def test_item_title_stops_at_a_colon_and_at_its_line_end():
    view, sections, tasks = parse("一、养老\n1.推进床位建设：新增床位300张，完善布局。\n"
                                  "2.落实《规划（2025：试行）》要求。\n")
    assert [t.title for t in tasks] == ["推进床位建设", "落实《规划（2025：试行）》要求"]
    # A bare numbered title whose text below carries its annotation: the title is the line.
    view, sections, tasks = parse("一、养老\n1. 推进床位建设\n新增床位300张，完善布局。\n（责任部门：养老服务科）\n"
                                  "2. 推进助餐服务\n新增助餐点5个。\n（责任部门：养老服务科）\n")
    assert [(t.path, t.kind, t.title) for t in tasks] == [
        ("一/1", "item", "推进床位建设"), ("一/2", "item", "推进助餐服务")]


# --------------------------------------------------------------------------- annotated headings


def test_heading_and_text_with_one_closing_annotation_are_one_task():
    view, sections, tasks = parse(
        "一、养老\n（一）加强床位建设。新增床位300张。改造床位100张。（牵头领导：赵刚；责任部门：养老服务科）\n"
        "（二）推进助餐服务\n新增助餐点。建设食堂。\n（责任部门：养老服务科）\n"
        "（三）推进助浴服务（责任部门：养老服务科）\n新增助浴点。\n")
    assert [s.path for s in sections] == ["一"]
    assert [(t.path, t.kind, t.item, t.title) for t in tasks] == [
        ("一/（一）", "item", "（一）", "加强床位建设"),
        ("一/（二）", "item", "（二）", "推进助餐服务"),
        ("一/（三）", "item", "（三）", "推进助浴服务")]
    assert task_text(view, tasks[1]).endswith("（责任部门：养老服务科）")


def test_headings_with_several_or_inner_annotations_stay_sections():
    view, sections, tasks = parse(
        "一、养老\n（一）加强床位建设。新增床位（责任部门：养老服务科）。\n"       # inside the last sentence
        "（二）推进助餐服务\n新增助餐点。（责任部门：养老服务科）\n建设食堂。（责任部门：区中心）\n"  # two
        "（三）推进助浴服务（牵头领导：赵刚）\n1. 新增助浴点。\n"                # inner items
        "（四）加强监管\n做好监管。\n")                                       # no annotation
    assert [s.path for s in sections] == ["一", "一/（一）", "一/（二）", "一/（三）", "一/（四）"]
    assert [t.kind for t in tasks] == ["sentence", "sentence", "sentence", "item", "sentence"]


def test_annotation_lines_under_a_heading_are_not_tasks():
    view, sections, tasks = parse("一、养老服务\n牵头领导：赵刚；\n责任部门：养老服务科\n1.推进床位建设。\n2.推进助餐。\n")
    assert [t.path for t in tasks] == ["一/1", "一/2"]
    assert sections[0].body_span[1] == len(view.text) - 1


def test_unbracketed_annotation_on_a_heading_line():
    view, sections, tasks = parse("一、养老\n（一）完善救助 牵头领导：孙丽；责任部门：社会救助科\n1.健全体系。\n2.加强救助。\n")
    assert [(s.path, s.title) for s in sections] == [("一", "养老"), ("一/（一）", "完善救助")]
    assert [t.path for t in tasks] == ["一/（一）/1", "一/（一）/2"]


# --------------------------------------------------------------------------- task tables


def test_merged_cell_rows_continue_the_task_above():
    text = ("任务分解\n| 序号 | 工作任务 | 具体措施 | 责任部门 |\n"
            "| 1 | 推进床位建设 | 新增床位 | 养老服务科 |\n"
            "| | | 改造床位 | 区养老服务中心 |\n"
            "| 2 | 推进助餐 | 新增助餐点 | 养老服务科 |\n"
            "| 2 | 推进助餐 | 提升质量 | 养老服务科 |\n"
            "| | 完善救助 | 健全体系 | 社会救助科 |\n")
    view, sections, tasks = parse(text)
    assert [(t.item, t.title) for t in tasks] == [("1", "推进床位建设"), ("2", "推进助餐"), ("", "完善救助")]
    assert tasks[0].columns["具体措施"] == "新增床位\n改造床位"
    assert tasks[1].columns["责任部门"] == "养老服务科"
    assert task_text(view, tasks[0]).endswith("区养老服务中心")


def test_table_category_rows_head_the_rows_below():
    text = ("重点工作任务\n| 序号 | 工作任务 | 牵头单位 | 完成时限 |\n"
            "| 一、养老服务 | | | |\n| 1 | 新增养老床位300张 | 养老服务科 | 12月 |\n| 2 | 建设长者食堂5家 | | 6月 |\n"
            "| 二 | 社会救助 | 社会救助科 | |\n| 1 | 完善救助体系 | | 全年 |\n")
    view, sections, tasks = parse(text)
    assert [(s.path, s.marker, s.title, s.parent) for s in sections] == [
        ("表1", "", "重点工作任务", None), ("表1/一", "一、", "养老服务", "表1"), ("表1/二", "二", "社会救助", "表1")]
    # Numbering restarts per category: the paths stay apart, the items are as printed.
    assert [(t.path, t.item, t.title, t.section) for t in tasks] == [
        ("表1/一/1", "1", "新增养老床位300张", "表1/一"), ("表1/一/2", "2", "建设长者食堂5家", "表1/一"),
        ("表1/二/1", "1", "完善救助体系", "表1/二")]
    # A category column (no number column) works the same way.
    _, sections, tasks = parse("重点任务\n| 类别 | 工作任务 | 牵头单位 |\n| 养老服务 | | |\n"
                               "| | 新增养老床位300张 | 养老服务科 |\n")
    assert [s.path for s in sections] == ["表1", "表1/类1"]
    assert [(t.path, t.title) for t in tasks] == [("表1/类1/1", "新增养老床位300张")]


def test_table_rows_that_are_not_category_rows():
    # Numbered in Chinese numerals throughout: every row is a task.
    _, sections, tasks = parse("重点任务\n| 序号 | 工作任务 | 牵头单位 |\n| 一 | 新增养老床位300张 | 养老服务科 |\n"
                               "| 二 | 建设长者食堂5家 | |\n")
    assert [s.path for s in sections] == ["表1"]
    assert [(t.item, t.title) for t in tasks] == [("一", "新增养老床位300张"), ("二", "建设长者食堂5家")]
    # No number column, the task first: a row with only its task filled is a task.
    _, _, tasks = parse("重点任务\n| 工作任务 | 牵头单位 | 完成时限 |\n| 新增养老床位300张 | 养老服务科 | 12月 |\n"
                        "| 建设长者食堂5家 | | |\n")
    assert [t.title for t in tasks] == ["新增养老床位300张", "建设长者食堂5家"]
    # A row that fills another column (a deadline) is a task, whatever its number.
    _, sections, tasks = parse("重点任务\n| 序号 | 工作任务 | 完成时限 |\n| 甲 | | 12月 |\n| 1 | 新增床位 | 6月 |\n")
    assert [s.path for s in sections] == ["表1"] and [t.item for t in tasks] == ["甲", "1"]


def test_year_right_after_an_item_marker():
    view, sections, tasks = parse("一、重点工作\n1.2025年底前建成社区食堂10家。\n2、2025年6月底前完成评估。\n"
                                  "3.推进助餐服务。\n")
    assert [(t.kind, t.item, t.title) for t in tasks] == [
        ("item", "1", "2025年底前建成社区食堂10家"), ("item", "2", "2025年6月底前完成评估"), ("item", "3", "推进助餐服务")]
    # Numbers stay numbers: 1.5万, 3、4月, and digits that are no year.
    _, _, tasks = parse("一、养老\n新增床位。\n1.5万名老人受益。\n3、4月份开展检查。\n2.2025万元用于补贴。\n")
    assert [t.kind for t in tasks] == ["sentence"] * 4


def test_bare_item_title_over_sub_items_with_one_annotation_is_one_task():
    view, sections, tasks = parse(
        "一、养老服务\n1.推进床位建设\n（牵头领导：赵刚；责任部门：养老服务科）\n（1）新增床位300张。\n（2）改造床位100张。\n"
        "2.推进助餐服务\n（1）新增食堂5家。\n（2）新增助餐点10个。\n（牵头领导：钱伟）\n"
        "3.推进助浴服务\n（1）新增助浴点。\n（2）开展培训。（责任部门：区养老服务中心）\n"
        "4.推进康复服务\n（1）新增康复点。（责任部门：养老服务科）\n（2）开展培训。（责任部门：区养老服务中心）\n"
        "5.推进医养结合\n（1）签约医疗机构。\n（2）开展巡诊。\n")
    assert [s.path for s in sections] == ["一", "一/4", "一/5"]
    assert [(t.path, t.title) for t in tasks] == [
        ("一/1", "推进床位建设"), ("一/2", "推进助餐服务"), ("一/3", "推进助浴服务"),
        # Several annotations: several owned pieces. None: the sub-items are the tasks.
        ("一/4/（1）", "新增康复点"), ("一/4/（2）", "开展培训"),
        ("一/5/（1）", "签约医疗机构"), ("一/5/（2）", "开展巡诊")]
    assert task_text(view, tasks[1]).endswith("（牵头领导：钱伟）")


def test_attachment_list_is_closing_matter():
    for attachments in ("附件：1.2025年重点工作任务分解表\n2.2025年民生实事项目清单\n",
                        "附件：\n1.重点工作任务分解表\n2.民生实事项目清单\n"):
        view, sections, tasks = parse("一、养老服务\n1.推进床位建设。\n2.推进助餐服务。\n\n" + attachments +
                                      "\n某区民政局\n2025年1月10日\n")
        assert [(t.path, t.title) for t in tasks] == [("一/1", "推进床位建设"), ("一/2", "推进助餐服务")]
    # Short numbered lines at the end without an 附件 line above them are the plan's own.
    view, sections, tasks = parse("一、养老服务\n做好养老服务。\n二、保障措施\n1.加强组织领导\n2.强化督查考核\n\n"
                                  "某区民政局\n2025年1月10日\n")
    assert [(t.path, t.title) for t in tasks] == [("一/s1", "做好养老服务"), ("二/1", "加强组织领导"), ("二/2", "强化督查考核")]


def test_plain_prose_plan_without_annotations():
    text = ("某区民政局2025年工作要点\n2025年是“十四五”规划收官之年。区民政局将做好以下工作。\n"
            "一、提升养老服务水平\n1.推进养老床位建设。全年新增养老床位300张。\n2.发展社区助餐服务。新增社区长者食堂5家。\n"
            "10个街镇全部完成试点工作。\n"
            "二、兜牢社会救助底线\n（一）完善救助体系\n1.健全分层分类救助制度。\n2.推进低保扩围增效。\n"
            "（二）加强儿童福利\n做好困境儿童保障工作。落实孤儿基本生活保障标准。\n"
            "三、加强自身建设\n坚持党建引领。一是加强理论学习；二是强化廉政建设。\n"
            "某区民政局\n2025年1月10日\n")
    view, sections, tasks = parse(text)
    assert [s.path for s in sections] == ["一", "二", "二/（一）", "二/（二）", "三"]
    assert [(t.path, t.kind, t.title) for t in tasks] == [
        ("一/1", "item", "推进养老床位建设"), ("一/2", "item", "发展社区助餐服务"),
        ("二/（一）/1", "item", "健全分层分类救助制度"), ("二/（一）/2", "item", "推进低保扩围增效"),
        ("二/（二）/s1", "sentence", "做好困境儿童保障工作"), ("二/（二）/s2", "sentence", "落实孤儿基本生活保障标准"),
        ("三/s1", "sentence", "坚持党建引领"), ("三/一是", "point", "加强理论学习"), ("三/二是", "point", "强化廉政建设")]
    assert task_text(view, tasks[1]).endswith("10个街镇全部完成试点工作。")


# --------------------------------------------------------------------------- the named rules, one by one


def line_spans(lines) -> list[tuple[int, int]]:
    return [(line.start, line.end) for line in lines]


@pytest.mark.parametrize("text, one_task", [
    ("（一）完善救助体系\n加强兜底保障。（牵头领导：孙丽）", True),       # closes the text after a sentence end
    ("（一）完善救助体系（牵头领导：孙丽）\n加强兜底保障。", True),       # written right on the heading
    ("（一）完善救助体系\n牵头领导：孙丽\n责任部门：救助科\n加强保障。", True),  # annotation lines under it: one
    ("（一）完善救助体系\n加强保障（牵头领导：孙丽）。提升水平（牵头领导：赵刚）。", False),  # two owned pieces
    ("（一）完善救助体系\n加强兜底保障（牵头领导：孙丽），提升水平。", False),  # mid-sentence: the clause's
    ("（一）完善救助体系\n加强兜底保障。", False),                        # no annotation at all
])
def test_rule_an_annotated_heading_block_is_one_task(text, one_task):
    heading, *below = read_lines(text)
    title_end = read_heading(text, heading).title[1]
    assert closes_with_one_annotation(text, title_end, heading.end, line_spans(below)) is one_task


def test_rule_a_bare_item_title_owns_its_sub_items_only_with_one_annotation():
    owned = "1.推进床位建设\n（1）新增床位。\n（2）改造床位。（牵头单位：区民政局）"
    heading, *below = read_lines(owned)
    assert owns_its_sub_items(owned, read_heading(owned, heading).title[1], heading.end, line_spans(below))
    assert not owns_its_sub_items(owned, read_heading(owned, heading).title[1], heading.end, [])
    split = "1.推进床位建设\n（1）新增床位。（牵头单位：区民政局）\n（2）改造床位。（牵头单位：区财政局）"
    heading, *below = read_lines(split)
    assert not owns_its_sub_items(split, read_heading(split, heading).title[1], heading.end, line_spans(below))
    # The parser agrees: one item task with its points, and a sub-section of two tasks.
    assert [(t.path, t.kind) for t in parse("一、养老\n" + owned)[2]] == [("一/1", "item")]
    assert [(t.path, t.kind) for t in parse("一、养老\n" + split)[2]] == [("一/1/（1）", "item"), ("一/1/（2）", "item")]


@pytest.mark.parametrize("text, decided", [
    ("一、养老\n1.推进床位建设。新增300张。\n2.建设食堂", [False, True, True]),  # text on its line; nothing after
    ("一、养老\n1.推进床位建设\n新增300张。\n2.建设食堂", [False, False, True]),  # a bare title over its own text
])
def test_heading_is_task_decides_item_or_section(text, decided):
    lines = read_lines(text)
    tables, in_table = find_tables(text, lines)
    assert [heading_is_task(text, read_heading(text, line), heading_context(lines, k, tables, in_table), 60)
            for k, line in enumerate(lines) if line.kind == "heading"] == decided


def test_tables_are_found_with_their_caption():
    text = "一、养老\n重点项目\n| 序号 | 项目 |\n|---|---|\n| 1 | 新增床位 |\n\n加强保障。\n| 新增 | 300张 |"
    lines = read_lines(text)
    tables, in_table = find_tables(text, lines)
    assert list(tables) == [1]
    caption, header, rows = tables[1]
    assert text[caption.start:caption.end] == "重点项目"
    assert [text[r.start:r.end] for r in rows] == ["| 1 | 新增床位 |"]   # the markdown rule row is no row
    assert sorted(in_table) == [1, 2, 3, 4, 5]   # a `|` line without a header is no table


@pytest.mark.parametrize("row, numbered, category", [
    ("| 一、养老服务 | | 养老服务科 | |", True, ("一", "一、", "养老服务")),
    ("| 二 | 社会救助 | | |", True, ("二", "二", "社会救助")),
    ("| 养老服务 | | | |", True, ("", "", "养老服务")),
    ("| 一、养老服务 | | | 12月 |", True, None),     # fills a deadline: a task
    ("| 二 | 社会救助 | | |", False, None),          # a table numbered in Chinese numerals: a task
    ("| 3 | 社会救助 | | |", True, None),            # an Arabic number: a task
    ("| 甲 | 新增床位 | | |", True, None),            # an odd number, but a task cell: a task
])
def test_rule_table_category_rows_head_sub_sections(row, numbered, category):
    head = table_header(["序号", "工作任务", "牵头单位", "完成时限"])
    cells = row_cell_spans(row, 0, len(row))
    found = is_category_row(row, head, cells, numbered) and category_heading(row, head, cells, section_styles())
    if category is None:
        assert not found
    else:
        segment, marker, (s, e) = found
        assert (segment, marker, row[s:e]) == category


def test_word_exports_repeat_merged_cells_on_every_row():
    text = "| 1 | 推进助餐 | 新增 |\n| 1 | 推进助餐 | 提升 |\n| 2 | 推进助浴 | 新增 |"
    head = table_header(["序号", "工作任务", "具体措施"])
    rows = [line for line in read_lines(text) if line.kind == "table"]
    assert [[text[r.start:r.start + 3] for r in group] for group in row_groups(text, head, rows)] == [
        ["| 1", "| 1"], ["| 2"]]


def test_sentences_never_split_inside_an_owner_annotation():
    text = "新增床位。牵头领导：孙丽；责任部门：救助科。建设食堂。"
    sentences = [text[s:e] for s, e in split_sentences(text, 0, len(text))]
    # An unbracketed annotation runs over the `；` between its fields, to the `。`.
    assert [text[s:e] for s, e in owner_annotations(text, 0, len(text))] == ["牵头领导：孙丽；责任部门：救助科"]
    # The annotation stays with the sentence before it (and what follows it on the line stays with both).
    assert sentences == ["新增床位。牵头领导：孙丽；责任部门：救助科。建设食堂。"]


# --------------------------------------------------------------------------- schedules (issue 10)


@pytest.mark.parametrize("header", [
    # a reader repeats the header cells merged over two rows; a copied page leaves them out
    "| 序号 | 工作任务 | 牵头单位 | ①1-3月 | ②4-6月 | ③7-9月 | ④10-12月 |",
    "| ①1-3月 | ②4-6月 | ③7-9月 | ④10-12月 |",
])
def test_schedule_columns_under_a_merged_header_cell_are_columns_not_tasks(header):
    text = ("重点任务\n| 序号 | 工作任务 | 牵头单位 | 时间进度安排 | | | |\n" + header + "\n"
            "| 1 | 新建助餐点5个 | 养老服务科 | 选址 | 开工 | 建设 | 投用 |\n")
    _, _, tasks = parse(text)
    assert [(t.item, t.title) for t in tasks] == [("1", "新建助餐点5个")]
    assert tasks[0].columns["①1-3月"] == "选址" and tasks[0].columns["④10-12月"] == "投用"


def test_a_first_row_with_a_number_is_a_row_not_a_sub_header():
    _, _, tasks = parse("重点任务\n| 序号 | 工作任务 | 牵头单位 |\n| 1 | 工作任务 | 养老服务科 |\n")
    assert [(t.item, t.title) for t in tasks] == [("1", "工作任务")]


def test_schedule_lines_under_a_heading_are_its_points():
    _, sections, tasks = parse("一、养老服务\n1.新建助餐点5个\n①1-3月：完成选址；\n②4-12月：建成投用。\n"
                               "（二）改造床位\n①在甲街道改造100张；\n②在乙镇改造200张。\n")
    assert [(t.path, t.title) for t in tasks][:1] == [("一/1", "新建助餐点5个")]
    # twin: sub-items with work of their own are tasks under their heading
    assert [(t.path, t.title) for t in tasks][1:] == [("一/（二）/①", "在甲街道改造100张"), ("一/（二）/②", "在乙镇改造200张")]
    assert [s.path for s in sections] == ["一", "一/（二）"]


def test_a_heading_stating_a_task_with_its_owner_note_keeps_that_task():
    view, sections, tasks = parse("一、养老服务\n（一）新建助餐点5个。（责任科室：养老服务科）\n1.在甲街道新建3个。\n2.在乙镇新建2个。\n")
    assert [s.path for s in sections] == ["一", "一/（一）"]
    first = tasks[0]
    assert (first.path, first.title) == ("一/（一）/s1", "新建助餐点5个")
    assert task_text(view, first) == "新建助餐点5个。（责任科室：养老服务科）"   # the target and the owner are in it


def test_a_heading_with_text_after_its_title_keeps_only_that_text():
    _, _, tasks = parse("一、养老服务\n（一）推进助餐服务。深化改革（责任科室：养老服务科）\n1.在甲街道新建3个。\n")
    assert [(t.path, t.title) for t in tasks] == [("一/（一）/s1", "深化改革"), ("一/（一）/1", "在甲街道新建3个")]


def test_a_number_and_a_space_mark_an_item():
    view = normalise("一、养老服务\n1 推进助餐服务，新建助餐点5个。\n2 改造床位300张。\n")
    _, tasks = parse_structure(view)
    assert [(t.path, t.kind, t.title) for t in tasks] == [
        ("一/1", "item", "推进助餐服务，新建助餐点5个"), ("一/2", "item", "改造床位300张")]


def test_a_number_and_a_space_before_a_measure_word_is_a_number():
    view = normalise("一、养老服务\n推进助餐服务。\n3 个街道完成试点。\n12 月底前建成。\n")
    _, tasks = parse_structure(view)
    assert [(t.kind, t.title) for t in tasks] == [
        ("sentence", "推进助餐服务"), ("sentence", "3个街道完成试点"), ("sentence", "12月底前建成")]
