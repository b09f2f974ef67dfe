"""Explicit owners: annotations in task text and owner columns of task tables.

tests/gold/owners.jsonl is a copy of the hand-made Jinshan owners gold; the test
scores our records the way the project's scorer does (same item, same sets).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from policykg.loaders.annotations import heading_owner_spans
from policykg.loaders.normalise import normalise
from policykg.loaders.owners import annotation_fields, extract_explicit_owners, owner_names
from policykg.loaders.structure import parse_structure
from policykg.loaders.textview import TextView

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
GOLD = Path(__file__).parent / "gold" / "owners.jsonl"


@lru_cache(maxsize=None)
def seed_owners(name: str):
    view = normalise((ROOT / "seeds" / f"{name}.txt").read_text(encoding="utf-8"))
    sections, tasks = parse_structure(view)
    return view, tasks, extract_explicit_owners(view, tasks)


def owners_of(text: str):
    view = TextView.identity(text)
    _, tasks = parse_structure(view)
    return tasks, extract_explicit_owners(view, tasks)


def records(name: str) -> list[dict]:
    """One record per numbered task, as exported for the owners scorer."""
    _, tasks, owners = seed_owners(name)
    out = []
    for task in tasks:
        if task.kind != "item":
            continue
        mine = [o for o in owners if o.task == task.path]
        out.append({"source": name, "item": task.item, "title": task.title,
                    "leaders": [o.name for o in mine if o.role == "leader"],
                    "departments": [o.name for o in mine if o.role == "department"],
                    "generic": [o.name for o in mine if o.generic]})
    return out


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_jinshan_owners_match_gold():
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    pred = records("jinshan-2025")
    norm = lambda names: {squash(n) for n in names}
    wrong = []
    for g in gold:
        cands = [p for p in pred if p["source"] == g["doc"] and (
            str(p["item"]) == str(g["item"]) or squash(g["title"]) in squash(p["title"]))]
        if not any(norm(p["leaders"]) == norm(g["leaders"]) and norm(p["departments"]) == norm(g["departments"])
                   and norm(p["generic"]) == norm(g["generic"]) for p in cands):
            wrong.append((g["item"], [(p["leaders"], p["departments"]) for p in cands]))
    assert not wrong
    assert len(pred) == len(gold)


@pytest.mark.parametrize("name", SEEDS)
def test_owner_spans_are_written_text(name):
    view, tasks, owners = seed_owners(name)
    by_path = {t.path: t for t in tasks}
    for owner in owners:
        s, e = owner.span
        assert view.text[s:e] == owner.written
        assert owner.name == squash(owner.written) and owner.name
        task = by_path[owner.task]
        assert task.span[0] <= s < e <= task.span[1]
        assert view.original_slice(s, e).replace(" ", "") == owner.name.replace(" ", "")


def test_jinshan_mentions_detail():
    _, tasks, owners = seed_owners("jinshan-2025")
    first = [(o.role, o.name, o.column, o.kind) for o in owners if o.task == "一/1"]
    assert first == [("leader", "徐敏", "牵头领导", None),
                     ("department", "局养老服务科", "责任部门", "section"),
                     ("department", "区养老服务发展中心", "责任部门", "unit"),
                     ("department", "区社会福利院", "责任部门", "unit")]
    marriage = [o for o in owners if o.name == "区婚姻（收养）登记中心"]
    assert len(marriage) == 2 and not any(o.generic for o in marriage)
    generic = {o.name for o in owners if o.generic}
    assert generic == {"相关科室和局属单位", "各基层党支部", "相关科室和单位"}
    assert all(o.kind == "generic" and o.role == "department" for o in owners if o.generic)


def test_half_width_annotation_with_semicolons():
    tasks, owners = owners_of(
        "一、养老\n1. 新增床位。建设食堂。(牵头领导:徐 敏;责任部门:局养老服务科,区婚姻(收养)登记中心、区民政局和区卫健委)\n")
    assert [(o.role, o.name, o.written) for o in owners] == [
        ("leader", "徐敏", "徐 敏"),
        ("department", "局养老服务科", "局养老服务科"),
        ("department", "区婚姻(收养)登记中心", "区婚姻(收养)登记中心"),
        ("department", "区民政局", "区民政局"),
        ("department", "区卫健委", "区卫健委"),
    ]
    assert tasks[0].title == "新增床位"


def test_unbracketed_annotation_and_prose_labels():
    tasks, owners = owners_of(
        "一、养老\n1. 明确责任部门：落实到人。牵头单位：区民政局；配合单位：各街镇、有关部门和单位\n")
    assert [(o.role, o.name, o.column, o.generic) for o in owners] == [
        ("department", "区民政局", "牵头单位", False),
        ("department", "各街镇", "配合单位", True),
        ("department", "有关部门和单位", "配合单位", True),
    ]


def test_other_annotation_fields_end_the_owner_field():
    tasks, owners = owners_of(
        "一、养老\n1、新增床位500张。（责任部门：养老服务科；完成时限：2025年12月底；配合单位：各街镇）\n"
        "2、推进助餐。（牵头领导：赵强，时间节点：6月底前）\n")
    assert [(o.task, o.role, o.name) for o in owners] == [
        ("一/1", "department", "养老服务科"), ("一/1", "department", "各街镇"), ("一/2", "leader", "赵强")]


def test_conjunction_inside_one_name_is_kept():
    tasks, owners = owners_of("一、养老\n1. 推进。（责任单位：区民政和退役军人事务局、局党群办公室和各基层党支部）\n")
    assert [o.name for o in owners] == ["区民政和退役军人事务局", "局党群办公室", "各基层党支部"]


def test_sentence_tasks_get_their_annotations():
    tasks, owners = owners_of("一、养老\n（一）加强服务。新增床位。（牵头领导：张三）建设食堂。\n")
    assert [(o.task, o.name) for o in owners] == [("一/（一）/s1", "张三")]


def test_table_owner_columns():
    text = ("一、养老\n新增床位。\n2025年重点工作项目\n"
            "序号 | 工作内容 | 牵头单位 | 负责人 | 完成时限 |\n"
            "1 | 新增床位。 | 局养老服务科、区民政局 | 张三 | 12月 |\n"
            "2 | 新建食堂。 | 相关科室和单位 | | |\n")
    tasks, owners = owners_of(text)
    assert [(o.task, o.role, o.name, o.column, o.rule, o.generic) for o in owners] == [
        ("表1/1", "department", "局养老服务科", "牵头单位", "table_column", False),
        ("表1/1", "department", "区民政局", "牵头单位", "table_column", False),
        ("表1/1", "leader", "张三", "负责人", "table_column", False),
        ("表1/2", "department", "相关科室和单位", "牵头单位", "table_column", True),
    ]
    for o in owners:
        assert text[o.span[0]:o.span[1]] == o.written


def roles(owners, task=None):
    """{task path: (leaders, departments)} of a parse, names as written (squashed)."""
    out: dict[str, tuple[list, list]] = {}
    for o in owners:
        leaders, departments = out.setdefault(o.task, ([], []))
        (leaders if o.role == "leader" else departments).append(o.name)
    return out if task is None else out.get(task, ([], []))


def test_more_owner_labels():
    tasks, owners = owners_of(
        "一、养老\n1.推进。（责任领导：赵刚；责任科室：养老服务科；协办单位：区卫健委）\n"
        "2.推进。（责任主体：各街镇；主要责任人：钱伟）\n"
        "3.推进。（分管副局长：郑华，负责部门：福彩科，协同处室：规划财务处）\n"
        "4.推进。（牵头：社会组织管理科；配合：各街镇）\n"
        "5.推进。【牵头领导：赵刚 责任部门：养老服务科】\n"
        "6.推进。[分管领导：孙丽；主办单位：区民政局]\n")
    assert roles(owners) == {
        "一/1": (["赵刚"], ["养老服务科", "区卫健委"]),
        "一/2": (["钱伟"], ["各街镇"]),
        "一/3": (["郑华"], ["福彩科", "规划财务处"]),
        "一/4": ([], ["社会组织管理科", "各街镇"]),
        "一/5": (["赵刚"], ["养老服务科"]),
        "一/6": (["孙丽"], ["区民政局"]),
    }


def test_annotation_on_its_own_lines_and_labels_run_together():
    tasks, owners = owners_of(
        "一、养老\n1.推进床位建设。\n新增床位300张。\n牵头领导：赵刚\n责任部门：养老服务科、各街镇\n"
        "2.推进助餐。\n牵头领导：钱伟责任部门：养老服务科\n")
    assert roles(owners) == {"一/1": (["赵刚"], ["养老服务科", "各街镇"]), "一/2": (["钱伟"], ["养老服务科"])}


def test_labels_run_together_only_inside_an_annotation():
    tasks, owners = owners_of("一、养老\n1.推进。（牵头领导：赵刚）明确责任部门：各科室。\n2.推进。要明确牵头领导：各分管领导。\n")
    assert roles(owners) == {"一/1": (["赵刚"], [])}


def test_unknown_field_label_ends_the_owner_value():
    tasks, owners = owners_of("一、养老\n1.推进。（牵头领导：赵刚；协调机制：联席会议；责任部门：养老服务科 工作标准：达标）\n")
    assert roles(owners) == {"一/1": (["赵刚"], ["养老服务科"])}


def test_space_separated_names():
    tasks, owners = owners_of(
        "一、养老\n1.推进。（牵头领导：赵刚 钱伟；责任部门：养老服务科 社会救助科）\n"
        "2.推进。（牵头领导：徐 敏；责任部门：区 民政局）\n"
        "3.推进。（牵头领导：局长 张三）\n")
    assert roles(owners) == {
        "一/1": (["赵刚", "钱伟"], ["养老服务科", "社会救助科"]),
        "一/2": (["徐敏"], ["区民政局"]),
        "一/3": (["局长张三"], []),
    }


def test_lists_closed_by_deng():
    tasks, owners = owners_of(
        "一、养老\n1.推进。（责任部门：区民政局、区财政局等）\n2.推进。（责任部门：区民政局等相关部门）\n"
        "3.推进。（责任部门：区民政局等部门）\n4.推进。（责任部门：区社会组织等级评估中心）\n")
    assert roles(owners) == {
        "一/1": ([], ["区民政局", "区财政局"]),
        "一/2": ([], ["区民政局", "相关部门"]),
        "一/3": ([], ["区民政局"]),
        "一/4": ([], ["区社会组织等级评估中心"]),
    }
    assert [o.generic for o in owners if o.task == "一/2"] == [False, True]


def test_place_word_completes_a_generic_owner():
    tasks, owners = owners_of("一、养老\n1.推进。（责任部门：各街道、镇）\n2.推进。（责任部门：区民政局、街道）\n")
    assert roles(owners) == {"一/1": ([], ["各街道、镇"]), "一/2": ([], ["区民政局", "街道"])}
    assert [o.generic for o in owners if o.task == "一/1"] == [True]


def test_heading_owners_apply_to_the_tasks_under_it():
    text = ("一、养老服务（牵头领导：赵刚；责任部门：养老服务科）\n1.推进床位建设。\n"
            "2.推进助餐服务。（责任部门：区养老服务中心）\n3.推进助浴服务。（牵头领导：钱伟）\n"
            "二、社会救助\n牵头领导：孙丽\n（一）完善救助体系（责任部门：社会救助科）\n4.健全体系。\n"
            "（二）加强儿童福利\n5.加强保障。\n")
    tasks, owners = owners_of(text)
    assert roles(owners) == {
        "一/1": (["赵刚"], ["养老服务科"]),
        "一/2": (["赵刚"], ["区养老服务中心"]),          # its own department wins, role by role
        "一/3": (["钱伟"], ["养老服务科"]),
        "二/（一）/4": (["孙丽"], ["社会救助科"]),        # inner and outer headings combine
        "二/（二）/5": (["孙丽"], []),
    }
    inherited = [o for o in owners if o.rule == "section_heading"]
    assert inherited and all(text[o.span[0]:o.span[1]] == o.written for o in inherited)


def test_owners_at_the_end_of_a_paragraph_are_not_the_headings():
    tasks, owners = owners_of("一、养老服务\n做好床位建设。（责任部门：养老服务科）\n做好助餐服务。\n1.推进助浴。\n"
                              "二、社会救助。完善救助体系。（牵头领导：孙丽）\n1.健全体系。\n")
    assert roles(owners) == {"一/s1": ([], ["养老服务科"]), "二/s1": (["孙丽"], [])}


def test_annotated_numbered_heading_is_one_owned_task():
    tasks, owners = owners_of("一、养老\n（一）加强床位建设。新增床位。改造床位。（牵头领导：赵刚；责任部门：养老服务科）\n"
                              "（二）推进助餐服务\n新增助餐点。\n（责任部门：养老服务科）\n")
    assert [(t.item, t.title) for t in tasks] == [("（一）", "加强床位建设"), ("（二）", "推进助餐服务")]
    assert roles(owners) == {"一/（一）": (["赵刚"], ["养老服务科"]), "一/（二）": ([], ["养老服务科"])}


def test_table_rows_of_one_task_share_their_owners():
    text = ("任务分解\n| 序号 | 工作任务 | 具体措施 | 分管领导 | 责任部门 | 配合部门 |\n"
            "| 1 | 推进床位建设 | 新增床位 | 赵刚 | 养老服务科 | 各街镇 |\n"
            "| | | 改造床位 | | 区养老服务中心 | |\n"
            "| 2 | 推进助餐 | 新增助餐点 | 钱伟 | 养老服务科 | |\n"
            "| 2 | 推进助餐 | 提升质量 | 钱伟 | 养老服务科 | 区市场监管局 |\n")
    tasks, owners = owners_of(text)
    assert roles(owners) == {
        "表1/1": (["赵刚"], ["养老服务科", "各街镇", "区养老服务中心"]),
        "表1/2": (["钱伟"], ["养老服务科", "区市场监管局"]),
    }
    for o in owners:
        assert text[o.span[0]:o.span[1]] == o.written


def test_owner_columns_in_any_order():
    text = ("任务分解\n| 工作任务 | 序号 | 责任单位（部门） | 牵头领导 | 完成时间 |\n"
            "| 推进床位建设 | 1 | 区婚姻（收养）登记中心和社会事务科 | 赵刚、钱伟 | 12月 |\n"
            "| 推进助餐 | 2 | — | / | 6月 |\n")
    tasks, owners = owners_of(text)
    assert [(t.item, t.title) for t in tasks] == [("1", "推进床位建设"), ("2", "推进助餐")]
    assert roles(owners) == {"表1/1": (["赵刚", "钱伟"], ["区婚姻（收养）登记中心", "社会事务科"])}


def test_names_first_verb_after_annotations():
    tasks, owners = owners_of(
        "一、养老\n1.推进。（区民政局牵头，区财政局、各街镇配合）\n2.推进。（由养老服务科负责）\n"
        "3.推进。（区民政局牵头；区卫健委参与）\n")
    assert roles(owners) == {"一/1": ([], ["区民政局", "区财政局", "各街镇"]), "一/2": ([], ["养老服务科"]),
                             "一/3": ([], ["区民政局", "区卫健委"])}
    assert [o.column for o in owners if o.task == "一/1"] == ["牵头", "配合", "配合"]


def test_verb_groups_that_are_prose_name_no_owner():
    tasks, owners = owners_of("一、养老\n1.推进。（含各街镇负责的项目）\n2.推进。（社区负责）\n3.推进。（2025年完成）\n"
                              "4.落实《关于做好（区委牵头）工作的通知》。\n5.推进（区民政局牵头的项目除外）。\n"
                              "6.推行“街镇负责”模式。\n")
    assert owners == []


def test_annotations_inside_table_cells():
    tasks, owners = owners_of("任务\n| 序号 | 工作内容 | 完成时限 |\n| 1 | 推进床位建设（责任部门：养老服务科） | 12月 |\n"
                              "| 2 | 推进助餐（区民政局牵头） | 6月 |\n")
    assert roles(owners) == {"表1/1": ([], ["养老服务科"]), "表1/2": ([], ["区民政局"])}


def test_label_with_a_bracketed_qualifier():
    tasks, owners = owners_of("一、养老\n1.推进。（牵头领导：赵刚；责任单位（部门）：区民政局）\n2.推进。责任部门(科室)：养老服务科\n")
    assert roles(owners) == {"一/1": (["赵刚"], ["区民政局"]), "一/2": ([], ["养老服务科"])}
    assert [o.column for o in owners] == ["牵头领导", "责任单位", "责任部门"]


# --------------------------------------------------------------------------- precision: what names no owner


def test_prose_and_asides_name_no_owner():
    tasks, owners = owners_of(
        "一、区社会福利院建设\n1.推进养老床位建设。会同区财政局、区卫健委等部门，完善补贴政策。\n"
        "2.落实属地责任。由各街镇负责落实，压实属地责任，明确责任部门。\n"
        "3.健全联席会议制度。发挥区民政局牵头的联席会议作用。邀请专家张某某开展培训。\n"
        "二、区婚姻和收养登记中心标准化建设\n1.完善救助体系（含各街镇）。\n2.制定《社会救助实施办法（试行）》。\n"
        "3.编制《养老服务发展规划（2024—2026年）》。\n4.推进社区救助顾问（以下简称“救助顾问”）全覆盖。\n"
        "5.推进养老服务，由区民政局负责。\n6.开展议事协商（居委会参与）工作。\n")
    assert owners == []
    # The twins: the same words as an annotation closing what it annotates.
    tasks, owners = owners_of("一、养老\n1.开展议事协商（居委会参与）。\n2.推进项目（区民政局牵头）、加强督查（区财政局牵头）。\n")
    assert roles(owners) == {"一/1": ([], ["居委会"]), "一/2": ([], ["区民政局", "区财政局"])}


def test_placeholders_name_no_one():
    tasks, owners = owners_of("一、养老\n1.推进。（牵头领导：赵刚；配合部门：无）\n2.推进。（责任部门：暂无）\n"
                              "重点项目\n| 序号 | 工作任务 | 牵头单位 | 配合单位 | 负责人 |\n"
                              "| 1 | 新增床位 | 养老服务科 | 无 | 无 |\n| 2 | 建设食堂 | 养老服务科 | / | — |\n")
    assert roles(owners) == {"一/1": (["赵刚"], []), "表1/1": ([], ["养老服务科"]), "表1/2": ([], ["养老服务科"])}


def test_a_time_after_the_names_ends_the_value():
    tasks, owners = owners_of(
        "一、养老\n1.推进。（责任部门：养老服务科，12月底前完成）\n2.推进。（牵头领导：赵刚；责任部门：养老服务科2025年12月）\n"
        "3.推进。（责任部门：养老服务科，年底前完成）\n4.推进。责任部门：养老服务科，持续推进\n"
        "5.推进。（牵头领导：赵刚，持续推进）\n6.推进。（责任部门：区12345热线办、养老服务科）\n")
    assert roles(owners) == {
        "一/1": ([], ["养老服务科"]), "一/2": (["赵刚"], ["养老服务科"]), "一/3": ([], ["养老服务科"]),
        "一/4": ([], ["养老服务科"]), "一/5": (["赵刚"], []),
        "一/6": ([], ["区12345热线办", "养老服务科"]),   # digits without a time unit are part of a name
    }


def test_a_bracketed_duty_time_or_post_after_a_name_is_not_part_of_it():
    tasks, owners = owners_of(
        "一、养老\n1.推进。（牵头领导：徐敏（副局长）；责任部门：局养老服务科（牵头）、区养老服务发展中心（配合）、"
        "区社会福利院（6月底前））\n2.推进。（责任部门：区民政局（区老龄办）、区婚姻（收养）登记中心）\n")
    assert roles(owners) == {
        "一/1": (["徐敏"], ["局养老服务科", "区养老服务发展中心", "区社会福利院"]),
        "一/2": ([], ["区民政局（区老龄办）", "区婚姻（收养）登记中心"]),   # brackets that are part of a name
    }
    assert [o.written for o in owners][:2] == ["徐敏", "局养老服务科"]


def test_a_duty_written_after_a_listed_name():
    tasks, owners = owners_of("一、养老\n1.推进。（责任部门：区民政局牵头，各街镇负责落实）\n"
                              "2.推进。（责任部门：区城市更新推进中心、养老服务科）\n")
    assert roles(owners) == {"一/1": ([], ["区民政局", "各街镇"]), "一/2": ([], ["区城市更新推进中心", "养老服务科"])}


def test_a_space_after_a_bare_ending_is_inside_one_name():
    tasks, owners = owners_of(
        "一、养老\n1.推进。（牵头领导：徐敏；责任部门：局 养老服务科、局 社会救助科）\n"
        "2.推进。（责任部门：区养老服务 发展中心 区社会 福利院）\n"
        "3.推进。（责任部门：区民政局 养老服务科）\n")
    assert roles(owners) == {
        "一/1": (["徐敏"], ["局养老服务科", "局社会救助科"]),
        "一/2": ([], ["区养老服务发展中心", "区社会福利院"]),
        "一/3": ([], ["区民政局", "养老服务科"]),       # two whole names: two owners
    }
    assert [o.written for o in owners if o.task == "一/1"][1] == "局 养老服务科"


def test_short_forms_and_conjunctions_inside_names():
    tasks, owners = owners_of(
        "一、残疾人服务\n1.推进。（责任部门：区残疾人联合会、区老年人和残疾人服务中心、区婚姻和收养登记中心及社会事务科）\n"
        "2.推进。（责任单位：区卫健委和区残联以及各街镇）\n3.推进。（责任部门：区残联、区妇联和区科协）\n"
        "4.推进。（责任部门：区人力资源和社会保障局和区退役军人事务局）\n")
    assert roles(owners) == {
        "一/1": ([], ["区残疾人联合会", "区老年人和残疾人服务中心", "区婚姻和收养登记中心", "社会事务科"]),
        "一/2": ([], ["区卫健委", "区残联", "各街镇"]),
        "一/3": ([], ["区残联", "区妇联", "区科协"]),
        "一/4": ([], ["区人力资源和社会保障局", "区退役军人事务局"]),
    }


def test_place_word_completes_only_a_generic_name_of_places():
    tasks, owners = owners_of("一、养老\n1.推进。（责任部门：相关部门、街道）\n2.推进。（配合单位：各委办局、镇）\n"
                              "3.推进。（配合单位：各居、村）\n")
    assert roles(owners) == {"一/1": ([], ["相关部门", "街道"]), "一/2": ([], ["各委办局", "镇"]),
                             "一/3": ([], ["各居、村"])}


def test_deng_before_a_count_of_bodies():
    tasks, owners = owners_of("一、养老\n1.推进。（责任部门：区民政局、区财政局等10个部门）\n2.推进。（责任部门：区民政局等多家单位）\n")
    assert roles(owners) == {"一/1": ([], ["区民政局", "区财政局"]), "一/2": ([], ["区民政局"])}


def test_heading_owners_reach_a_task_duty_by_duty():
    text = ("一、养老服务（分管领导：赵刚；牵头部门：养老服务科；配合部门：各街镇）\n"
            "1.推进床位建设。（配合部门：区卫健委）\n2.推进助餐服务。（责任部门：区养老服务中心）\n"
            "3.推进助浴服务。\n4.推进康复服务。（牵头领导：钱伟；责任部门：区康复中心；配合单位：区残联）\n")
    tasks, owners = owners_of(text)
    assert roles(owners) == {
        "一/1": (["赵刚"], ["区卫健委", "养老服务科"]),            # it names who assists: the heading's lead stays
        "一/2": (["赵刚"], ["区养老服务中心", "各街镇"]),          # it names who leads: the heading's support stays
        "一/3": (["赵刚"], ["养老服务科", "各街镇"]),
        "一/4": (["钱伟"], ["区康复中心", "区残联"]),              # it names every duty: nothing inherited
    }


def test_numbering_restarts_per_section_without_owners_leaking():
    text = ("一、养老服务（牵头领导：赵刚）\n1.推进床位建设。（责任部门：养老服务科）\n2.推进助餐服务。\n"
            "二、社会救助\n1.完善救助体系。（牵头领导：孙丽；责任部门：社会救助科）\n2.推进低保扩围。\n")
    tasks, owners = owners_of(text)
    assert [(t.path, t.item) for t in tasks] == [("一/1", "1"), ("一/2", "2"), ("二/1", "1"), ("二/2", "2")]
    assert roles(owners) == {"一/1": (["赵刚"], ["养老服务科"]), "一/2": (["赵刚"], []),
                             "二/1": (["孙丽"], ["社会救助科"])}


def test_same_as_above_cells_repeat_the_row_above():
    text = ("重点项目\n| 序号 | 工作任务 | 责任部门 | 分管领导 |\n"
            "| 1 | 新增养老床位300张 | 养老服务科、各街镇 | 赵刚 |\n| 2 | 建设长者食堂5家 | 同上 | 同上 |\n"
            "| 3 | 推进助浴服务 | 同上 | 钱伟 |\n")
    tasks, owners = owners_of(text)
    assert roles(owners) == {"表1/1": (["赵刚"], ["养老服务科", "各街镇"]), "表1/2": (["赵刚"], ["养老服务科", "各街镇"]),
                             "表1/3": (["钱伟"], ["养老服务科", "各街镇"])}
    assert {o.rule for o in owners if o.task != "表1/1" and o.name != "钱伟"} == {"same_as_above"}
    # No row above: 同上 names no one.
    tasks, owners = owners_of("重点项目\n| 序号 | 工作任务 | 责任部门 |\n| 1 | 新增床位 | 同上 |\n")
    assert owners == []


def test_category_row_owners_are_the_rows_below_it():
    text = ("重点工作任务\n| 序号 | 工作任务 | 牵头单位 | 配合单位 |\n"
            "| 一、养老服务 | | | |\n| 1 | 新增养老床位300张 | 养老服务科 | 各街镇 |\n"
            "| 二 | 社会救助 | 社会救助科 | |\n| 1 | 完善救助体系 | | 区财政局 |\n| 2 | 推进低保扩围 | 区医保局 | |\n")
    tasks, owners = owners_of(text)
    assert roles(owners) == {"表1/一/1": ([], ["养老服务科", "各街镇"]),
                             "表1/二/1": ([], ["区财政局", "社会救助科"]),
                             "表1/二/2": ([], ["区医保局"])}
    # A table's header line names columns, not owners: rows of a table without
    # category rows inherit nothing from it.
    tasks, owners = owners_of("一、养老服务\n| 序号 | 工作任务 | 牵头单位 |\n| 1 | 新增床位 | |\n")
    assert owners == []


def test_bare_item_title_with_one_annotation_owns_its_sub_items():
    tasks, owners = owners_of(
        "一、养老服务\n1.推进床位建设\n（牵头领导：赵刚；责任部门：养老服务科）\n（1）新增床位300张。\n（2）改造床位100张。\n"
        "2.推进助餐服务\n（1）新增食堂5家。\n（2）新增助餐点10个。\n（牵头领导：钱伟）\n"
        "3.推进助浴服务\n（1）新增助浴点。（责任部门：养老服务科）\n（2）开展培训。（责任部门：区养老服务中心）\n")
    assert roles(owners) == {"一/1": (["赵刚"], ["养老服务科"]), "一/2": (["钱伟"], []),
                             "一/3/（1）": ([], ["养老服务科"]), "一/3/（2）": ([], ["区养老服务中心"])}


def test_remarks_cell_next_to_an_owner_column():
    text = ("重点项目\n| 序号 | 工作任务 | 责任部门 | 完成时限 | 备注 |\n"
            "| 1 | 新增床位 | 养老服务科 | 12月 | 配合单位：各街镇 |\n"                          # adds who assists
            "| 2 | 建设食堂 | 养老服务科 | 6月 | 会同区财政局推进；责任部门：区中心 |\n"            # the column wins
            "| 3 | 推进助浴 | 养老服务科 | 6月 | 由各街镇负责落实，会同区卫健委等部门 |\n")      # prose
    tasks, owners = owners_of(text)
    assert roles(owners) == {"表1/1": ([], ["养老服务科", "各街镇"]), "表1/2": ([], ["养老服务科"]),
                             "表1/3": ([], ["养老服务科"])}


# --------------------------------------------------------------------------- the shared annotation grammar


def test_a_headings_own_annotations_are_read_once_for_its_tasks():
    """The parser keeps the annotation lines under a heading out of its tasks, and
    owners reads those very lines (annotations.heading_owner_spans) for every task."""
    view = TextView.identity("一、养老服务\n牵头领导：孙丽\n责任部门：养老服务科\n1.新增床位。\n2.建设食堂。（责任部门：区民政局）\n")
    sections, tasks = parse_structure(view)
    assert [view.text[s:e] for s, e in heading_owner_spans(view.text, sections[0])] == [
        "牵头领导：孙丽", "责任部门：养老服务科"]
    assert [t.path for t in tasks] == ["一/1", "一/2"]
    owners = extract_explicit_owners(view, tasks, sections)
    assert {(m.task, m.name, m.rule) for m in owners} == {
        ("一/1", "孙丽", "section_heading"), ("一/1", "养老服务科", "section_heading"),
        ("一/2", "孙丽", "section_heading"), ("一/2", "区民政局", "annotation")}


@pytest.mark.parametrize("value, names", [
    ("局养老服务科（牵头）、区财政局", ["局养老服务科", "区财政局"]),
    ("各街道、镇", ["各街道、镇"]),
    ("区民政局等5个部门", ["区民政局"]),
    ("养老服务科，12月底前完成", ["养老服务科"]),
    ("无", []),
])
def test_owner_names_of_one_value(value, names):
    assert [value[s:e] for s, e in owner_names(value, 0, len(value), "department")] == names


def test_annotation_fields_only_where_a_label_starts_a_clause():
    text = "明确责任部门：各科室。（牵头领导：赵刚责任部门：养老服务科）"
    assert [(label, role) for label, role, _, _ in annotation_fields(text, 0, len(text))] == [
        ("牵头领导", "leader"), ("责任部门", "department")]


# --------------------------------------------------------------------------- tables (issue 10)

def test_a_reader_row_with_an_empty_first_cell_keeps_its_columns():
    # read.py renders an empty first cell as a leading `|`: the owner stays in its column.
    tasks, owners = owners_of("重点任务\n序号 | 工作任务 | 牵头单位 |\n1 | 新建助餐点5个 | 养老服务科 |\n"
                              "| 改造床位300张 | 福利科 |\n")
    assert [(t.title, t.columns.get("牵头单位")) for t in tasks] == [("新建助餐点5个", "养老服务科"), ("改造床位300张", "福利科")]
    assert [(o.task, o.name) for o in owners] == [("表1/1", "养老服务科"), ("表1/2", "福利科")]


def test_a_markdown_row_starts_with_its_border():
    tasks, owners = owners_of("重点任务\n| 序号 | 工作任务 | 牵头单位 |\n| 1 | 新建助餐点5个 | 养老服务科 |\n"
                              "| | 改造床位300张 | 福利科 |\n")
    assert [(t.item, t.title, t.columns.get("牵头单位")) for t in tasks] == [
        ("1", "新建助餐点5个", "养老服务科"), ("", "改造床位300张", "福利科")]


def test_every_owner_column_of_a_task_table_is_read():
    header = "序号 | 工作任务 | 牵头单位 | 负责科室 | 负责人 | 实施部门 | 责任单位 | 配合单位 | 完成时限 |"
    row = "1 | 新建助餐点5个 | 区民政局 | 养老服务科 | 张三 | 区养老服务中心 | 各街镇 | 区财政局 | 12月 |"
    _, owners = owners_of(f"重点任务\n{header}\n{row}\n")
    assert [(o.role, o.column, o.name) for o in owners] == [
        ("department", "牵头单位", "区民政局"), ("department", "负责科室", "养老服务科"), ("leader", "负责人", "张三"),
        ("department", "实施部门", "区养老服务中心"), ("department", "责任单位", "各街镇"),
        ("department", "配合单位", "区财政局")]


def test_columns_that_name_no_owner_are_not_read_as_owners():
    _, owners = owners_of("重点任务\n序号 | 工作任务 | 实施内容 | 完成时限 |\n1 | 新建助餐点5个 | 区民政局统筹 | 12月 |\n")
    assert owners == []


@pytest.mark.parametrize("pasted", [
    # a web page's table copied one cell per line, and a Word table pasted with tabs
    "重点任务分解表\n序号\n工作任务\n牵头单位\n配合单位\n1\n新建助餐点5个\n养老服务科\n各街镇\n2\n改造养老床位300张\n福利科\n区财政局\n",
    "重点任务分解表\n序号\t工作任务\t牵头单位\t配合单位\n1\t新建助餐点5个\t养老服务科\t各街镇\n2\t改造养老床位300张\t福利科\t区财政局\n",
])
def test_pasted_tables_give_row_tasks_and_owners(pasted):
    view = normalise(pasted)
    _, tasks = parse_structure(view)
    owners = extract_explicit_owners(view, tasks)
    assert [(t.path, t.title) for t in tasks] == [("表1/1", "新建助餐点5个"), ("表1/2", "改造养老床位300张")]
    assert [(o.task, o.column, o.name) for o in owners] == [
        ("表1/1", "牵头单位", "养老服务科"), ("表1/1", "配合单位", "各街镇"),
        ("表1/2", "牵头单位", "福利科"), ("表1/2", "配合单位", "区财政局")]
    assert all(view.original_slice(*o.span) == o.written for o in owners)
