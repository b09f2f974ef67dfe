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

from loaders.normalise import normalise
from loaders.owners import extract_explicit_owners
from loaders.structure import parse_structure
from loaders.textview import TextView

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
