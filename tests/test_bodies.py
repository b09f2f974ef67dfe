"""Bodies: classification and region-scoped keys, mentions in task text, inferred owners."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import pytest

from policykg.loaders.extract import bodies, citations, programs, targets
from policykg.loaders.extract.bodies import (
    LABEL, SPAN_KEY, classify_body, extract_bodies, find_body_spans, infer_owners, leader_key, level_of,
)
from policykg.loaders.extract.run import PIPELINE, get_nlp
from policykg.loaders.model import DocumentMeta, OwnerMention, ParsedDocument, Section, SourceText, Task
from policykg.loaders.textview import TextView

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- classify_body


@pytest.mark.parametrize("name, region, kind, key, parent", [
    # bureau sections: 局 = the citing district's bureau
    ("局养老服务科", "金山区", "section", "金山区:金山区民政局养老服务科", "金山区:金山区民政局"),
    ("局办公室", "金山区", "section", "金山区:金山区民政局办公室", "金山区:金山区民政局"),
    ("局党群办公室", "金山区", "section", "金山区:金山区民政局党群办公室", "金山区:金山区民政局"),
    ("局行政审批科", "静安区", "section", "静安区:静安区民政局行政审批科", "静安区:静安区民政局"),
    # written out in full, or bare: the same section
    ("金山区民政局养老服务科", "金山区", "section", "金山区:金山区民政局养老服务科", "金山区:金山区民政局"),
    ("养老服务科", "金山区", "section", "金山区:金山区民政局养老服务科", "金山区:金山区民政局"),
    # a city plan's sections are 处 of the city bureau
    ("养老服务处", "上海市", "section", "上海市:上海市民政局养老服务处", "上海市:上海市民政局"),
    ("局办公室", "上海市", "section", "上海市:上海市民政局办公室", "上海市:上海市民政局"),
    # affiliated units
    ("区养老服务发展中心", "金山区", "unit", "金山区:金山区养老服务发展中心", "金山区:金山区民政局"),
    ("区社会福利院", "金山区", "unit", "金山区:金山区社会福利院", "金山区:金山区民政局"),
    ("区殡仪馆", "金山区", "unit", "金山区:金山区殡仪馆", "金山区:金山区民政局"),
    ("区救助管理站", "金山区", "unit", "金山区:金山区救助管理站", "金山区:金山区民政局"),
    ("区婚姻（收养）登记中心", "金山区", "unit", "金山区:金山区婚姻（收养）登记中心", "金山区:金山区民政局"),
    ("长宁区社会福利院", "静安区", "unit", "长宁区:长宁区社会福利院", "长宁区:长宁区民政局"),
    ("区党建服务中心", "长宁区", "unit", "长宁区:长宁区党建服务中心", None),   # not a civil-affairs unit
    # other agencies
    ("区老龄办", "静安区", "agency", "静安区:静安区老龄办", None),
    ("市科委", "金山区", "agency", "上海市:上海市科委", None),
    ("区法院", "金山区", "agency", "金山区:金山区法院", None),
    ("区司法局", "金山区", "agency", "金山区:金山区司法局", None),
    ("区人口办", "金山区", "agency", "金山区:金山区人口办", None),
    ("区安委办", "金山区", "agency", "金山区:金山区安委办", None),
    ("市老龄办", "金山区", "agency", "上海市:上海市老龄办", None),
    ("市民政局", "金山区", "agency", "上海市:上海市民政局", None),
    ("区民政局", "金山区", "agency", "金山区:金山区民政局", None),
    ("上海市金山区民政局", None, "agency", "金山区:金山区民政局", None),
    ("市局", "长宁区", "agency", "上海市:上海市民政局", None),
    ("民政部", "金山区", "agency", "全国:民政部", None),
    ("区委", "金山区", "agency", "金山区:金山区委", None),
    # coordination bodies
    ("区社会救助联席会议", "静安区", "coordination", "静安区:静安区社会救助联席会议", None),
    ("社会救助工作联席会议", "金山区", "coordination", "金山区:金山区社会救助工作联席会议", None),
    ("市老龄委", "金山区", "coordination", "上海市:上海市老龄委", None),
    ("全国老龄委", "上海市", "coordination", "全国:全国老龄委", None),
    ("市社会组织建设与管理联席会议办公室", "上海市", "coordination",
     "上海市:上海市社会组织建设与管理联席会议办公室", None),
])
def test_classify_body(name, region, kind, key, parent):
    body = classify_body(name, region)
    assert (body.kind, body.key, body.parent_key, body.generic) == (kind, key, parent, False)
    assert body.key.split(":", 1)[0] == body.region


@pytest.mark.parametrize("name, parent", [
    ("相关科室和局属单位", "金山区:金山区民政局"),
    ("相关科室和单位", "金山区:金山区民政局"),
    ("局属各单位", "金山区:金山区民政局"),
    ("各基层党支部", None),
    ("各街镇", None),
])
def test_generic_owners_are_flagged(name, parent):
    body = classify_body(name, "金山区")
    assert body.generic and body.kind == "generic"
    assert body.key == f"金山区:{name}" and body.parent_key == parent


def test_same_section_of_two_districts_is_two_bodies():
    assert classify_body("局养老服务科", "金山区").key != classify_body("局养老服务科", "静安区").key


def test_names_are_normalised():
    body = classify_body(" 区婚姻(收养)\n登记中心 ", "金山区")
    assert body.name == "区婚姻（收养）登记中心"
    assert body.key == classify_body("区婚姻（收养）登记中心", "金山区").key


def test_a_district_prefix_without_a_district_is_unscoped():
    body = classify_body("区民政局", "上海市")      # a city plan's 区民政局: which district?
    assert body.region is None and body.key == "?:区民政局"


def test_parent_key_names_the_bureau():
    """The graph builder names the parent node after the part of its key behind the region."""
    body = classify_body("局养老服务科", "金山区")
    assert body.parent_key.split(":", 1)[1] == "金山区民政局"
    assert classify_body("区民政局", "金山区").key == body.parent_key


def test_leader_key_is_region_scoped():
    assert leader_key("徐敏", "金山区") == "金山区:徐敏"
    assert leader_key(" 徐 敏", "金山区") == leader_key("徐敏", "金山区")
    assert leader_key("徐敏", "金山区") != leader_key("徐敏", "静安区")
    assert leader_key("徐敏", None) == "?:徐敏"


# --------------------------------------------------------------------------- finding names


def found(text: str) -> list[str]:
    return [text[s:e] for s, e in find_body_spans(text)]


@pytest.mark.parametrize("text, names", [
    ("会同区民政局开展检查。", ["区民政局"]),
    ("与区法院、区人口办、区司法局等单位加强沟通联系。", ["区法院", "区人口办", "区司法局"]),
    ("按照市民政局、区安委办工作要求开展排查。", ["市民政局", "区安委办"]),
    ("充分发挥区老龄办综合协调作用。", ["区老龄办"]),
    ("发挥好区社会救助联席会议统筹协调作用。", ["区社会救助联席会议"]),
    ("切实发挥社会救助工作联席会议职能。", ["社会救助工作联席会议"]),
    ("配合市科委起草制定行动方案。", ["市科委"]),
    ("积极配合市老龄办开展活动，按照市老龄委相关要求推进。", ["市老龄办", "市老龄委"]),
    ("有序推进区婚姻（收养）登记中心整体搬迁。", ["区婚姻（收养）登记中心"]),
    ("履行好市社会组织建设与管理联席会议办公室职责。", ["市社会组织建设与管理联席会议办公室"]),
    ("充分发挥市加快发展康复辅助器具产业联席会议机制作用。", ["市加快发展康复辅助器具产业联席会议"]),
    ("开展以市政府名义举办的评选。", ["市政府"]),
    ("按照区委、区政府决策部署。", ["区委", "区政府"]),
    ("联动区绿容局局部改造周边绿地。", ["区绿容局"]),
    ("以市局创新项目为支撑。", ["市局"]),
    ("试点工作（民政部和财政部项目）。", ["民政部", "财政部"]),
    ("认真贯彻落实全国老龄委第一次全体会议和全国老龄办主任会议精神。", ["全国老龄委", "全国老龄办"]),
    ("依托长宁区社会福利院，试点建设评估单位。", ["长宁区社会福利院"]),
    ("深化区社联会、区社会组织服务中心建设。", ["区社会组织服务中心"]),
    ("积极稳妥推进区殡仪馆升级改造项目。", ["区殡仪馆"]),
])
def test_finds_bodies(text, names):
    assert found(text) == names


@pytest.mark.parametrize("text", [
    "会同消防、市场监管等部门持续开展安全监管。",       # 市场监管 is not 市 + 场…
    "加强区域协作，推进区内养老服务。",                 # 区域, 区内
    "新建社区综合为老服务中心2家、家门口养老服务站3个。",  # 社区 is not a 区 prefix
    "推进街镇社区救助顾问服务站、村居服务点实体化运营。",  # 街镇 is not a 镇 prefix
    "选拔优秀人才参加市级、区级技能比武。",
    "方便市民办事，做强小蓝花市民中心。",
    "持续推进婚姻登记“全国通办”。",
    "推动开创老龄工作新局面。",
    "完成市下达新增养老床位指标600张。",
    "修订完善《上海市慈善组织认定和取消认定暂行办法》。",   # inside a cited title
    "指导各街镇做好工作，夯实区、街镇、村（居）三级救助网络。",
    "持续做好行政区划基础信息统计，定期对区级行政区域界桩情况进行检查。",
    "按照全市统一部署要求，继续做好全市民政系统精神文明建设。",
    "深化区社联会和社会组织服务中心建设。",             # two bodies joined by 和, neither fully named
    "会同民政部门开展工作，做好市局部分工作。",          # 部门 and 局部 are words
])
def test_no_false_bodies(text):
    assert found(text) == []


def test_owner_annotations_are_not_mentions():
    text = ("完成年度任务。（牵头领导：徐敏，责任部门：局养老服务科、区婚姻（收养）登记中心、区殡仪馆）"
            "与区法院加强联系。责任部门：区民政社会事务管理中心\n配合市民政局工作。")
    assert found(text) == ["区法院", "市民政局"]


# --------------------------------------------------------------------------- extract_bodies


def parsed_of(text: str, tasks: list[Task], sections: list[Section] | None = None,
              region: str | None = "金山区", level: str | None = "district",
              owners: list[OwnerMention] | None = None) -> ParsedDocument:
    view = TextView.identity(text)
    source = SourceText(path="x.txt", source="x", text=text, format="txt")
    return ParsedDocument(source, view, DocumentMeta(region=region, level=level),
                          sections or [], tasks, owners or [])


def task_at(text: str, path: str, piece: str, section: str | None = None, kind: str = "sentence") -> Task:
    start = text.index(piece)
    return Task(path=path, item="", title=piece[:10], kind=kind, span=(start, start + len(piece)), section=section)


def test_extract_bodies_links_mentions_to_tasks():
    text = "按照区委部署。\n1. 做好遗产工作。与区法院、区司法局加强联系，会同市民政局推进。\n2. 发挥区老龄办作用。"
    tasks = [task_at(text, "一/1", "1. 做好遗产工作。与区法院、区司法局加强联系，会同市民政局推进。", kind="item"),
             task_at(text, "一/1/s2", "与区法院、区司法局加强联系，会同市民政局推进。"),
             task_at(text, "一/2", "2. 发挥区老龄办作用。", kind="item")]
    mentions = extract_bodies(None, parsed_of(text, tasks))
    got = [(m.written, m.task) for m in mentions]
    assert got == [("区委", None), ("区法院", "一/1/s2"), ("区司法局", "一/1/s2"),
                   ("市民政局", "一/1/s2"), ("区老龄办", "一/2")]
    court = mentions[1]
    assert court.label == LABEL == "Department"
    assert court.span == (text.index("区法院"), text.index("区法院") + 3)
    assert court.props == {"kind": "agency", "generic": False, "region": "金山区",
                           "key": "金山区:金山区法院", "parent_key": None}
    assert mentions[3].props["key"] == "上海市:上海市民政局"


def test_extract_bodies_skips_explicit_owners_and_generic_phrases():
    text = "推进工作，会同区司法局办理。责任部门：区殡仪馆"
    start = text.index("区殡仪馆")
    owner = OwnerMention(task="一/1", role="department", name="区殡仪馆", written="区殡仪馆",
                         column="责任部门", span=(start, start + 4))
    parsed = parsed_of(text, [task_at(text, "一/1", text, kind="item")], owners=[owner])
    assert [m.written for m in extract_bodies(None, parsed)] == ["区司法局"]


def test_extract_bodies_reads_the_spacy_span_group():
    text = "按照市民政局、区安委办工作要求，会同市场监管部门开展排查。"
    doc = get_nlp()(text)
    assert [(s.text, s.label_) for s in doc.spans[SPAN_KEY]] == [("市民政局", LABEL), ("区安委办", LABEL)]
    parsed = parsed_of(text, [task_at(text, "一/1", text)])
    assert [m.written for m in extract_bodies(doc, parsed)] == ["市民政局", "区安委办"]


def test_finding_bodies_is_cheap():
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))) * 6
    find_body_spans(text[:100])
    start = time.perf_counter()
    find_body_spans(text)
    elapsed = time.perf_counter() - start
    # ~5M chars/s here; 1M chars/s leaves room for a loaded machine and still keeps the
    # component small next to tokenisation (~340k chars/s).
    assert len(text) / elapsed > 1_000_000


# --------------------------------------------------------------------------- infer_owners


def _plan(region: str | None, level: str | None, owners=None) -> ParsedDocument:
    text = ("一、推进养老服务高质量发展\n新增养老床位600张。完成重点项目。\n"
            "二、加强社会组织管理\n开展社会组织年检。加强慈善超市建设，促进社会组织和慈善衔接。\n"
            "三、全面加强民政自身建设\n深化执法监督。\n")
    sections = []
    for path, title in (("一", "推进养老服务高质量发展"), ("二", "加强社会组织管理"), ("三", "全面加强民政自身建设")):
        s = text.index(title)
        sections.append(Section(path=path, marker=f"{path}、", level=1, title=title,
                                span=(s, s + len(title)), body_span=(s - 2, s + len(title))))
    tasks = [task_at(text, "一/s1", "新增养老床位600张。", "一"),
             task_at(text, "一/s2", "完成重点项目。", "一"),
             task_at(text, "二/s1", "开展社会组织年检。", "二"),
             task_at(text, "二/s2", "加强慈善超市建设，促进社会组织和慈善衔接。", "二"),
             task_at(text, "三/s1", "深化执法监督。", "三")]
    return parsed_of(text, tasks, sections, region, level, owners)


def test_infer_owners_district():
    parsed = _plan("静安区", "district")
    inferred = {o.task: o for o in infer_owners(parsed)}
    assert {t: o.rule for t, o in inferred.items()} == {
        "一/s1": "theme:养老服务→养老服务科",
        "一/s2": "theme:养老服务→养老服务科",      # no theme words: its section's
        "二/s1": "theme:社会组织→社会组织管理科",
        "二/s2": "theme:慈善→社会组织管理科",
        "三/s1": "theme:自身建设→办公室",          # 执法 alone is a weak hint
    }
    first = inferred["一/s1"]
    task = parsed.tasks[0]
    assert (first.role, first.inferred, first.kind, first.generic) == ("department", True, "section", False)
    assert first.name == "静安区民政局养老服务科" and first.written == "养老服务科"
    assert first.span == task.span
    body = classify_body(first.name, "静安区")
    assert body.kind == "section" and body.key == classify_body("局养老服务科", "静安区").key


def test_infer_owners_city_uses_divisions():
    inferred = {o.task: o for o in infer_owners(_plan("上海市", "city"))}
    assert inferred["一/s1"].name == "上海市民政局养老服务处"
    assert inferred["二/s2"].rule == "theme:慈善→慈善事业促进和社会工作处"
    assert inferred["三/s1"].name == "上海市民政局办公室"


def test_explicit_department_owners_win():
    parsed = _plan("静安区", "district")
    task = parsed.tasks[0]
    parsed.owners = [
        OwnerMention(task=task.path, role="department", name="区养老服务发展中心", written="区养老服务发展中心",
                     column="责任部门", span=task.span),
        OwnerMention(task="二/s1", role="leader", name="顾俊", written="顾俊", column="牵头领导", span=task.span),
    ]
    tasks = {o.task for o in infer_owners(parsed)}
    assert task.path not in tasks
    assert "二/s1" in tasks          # a leader alone does not own the task's department side


def test_no_inference_for_towns_and_tasks_without_theme():
    assert infer_owners(_plan("石化街道", "town")) == []
    text = "一、其他工作\n做好日常工作。\n"
    s = text.index("其他工作")
    section = Section(path="一", marker="一、", level=1, title="其他工作", span=(s, s + 4), body_span=(0, len(text)))
    parsed = parsed_of(text, [task_at(text, "一/s1", "做好日常工作。", "一")], [section])
    assert infer_owners(parsed) == []


# --------------------------------------------------------------------------- seeds






@lru_cache(maxsize=None)
def seed(name: str) -> ParsedDocument:
    from policykg.loaders.pipeline import parse_document

    return parse_document(str(ROOT / "seeds" / f"{name}.txt"))


SEEDS = ("shanghai-2024", "jingan-2025", "jinshan-2025", "changning-2024", "changning-2025")

# Every body the seeds name in task text, reviewed by hand: a new name appearing here is
# either a new true body (add it) or a false one (fix the rules).
SEED_BODIES = {
    "shanghai-2024": {"国务院", "市科委", "市加快发展康复辅助器具产业联席会议", "全国老龄委", "全国老龄办",
                      "市社会组织建设与管理联席会议办公室", "市政府", "市民政局"},
    "jingan-2025": {"区老龄办", "区社会救助联席会议", "民政部", "市民政局"},
    "jinshan-2025": {"金山区民政局银发经济发展工作专班", "市老龄办", "市老龄委", "社会救助工作联席会议", "市局",
                     "区殡仪馆", "区法院", "区人口办", "区司法局", "市民政局", "区安委办"},
    "changning-2024": {"区党建服务中心"},
    "changning-2025": {"民政部", "财政部", "市局", "区老龄委", "社会救助联席会议", "长宁区社会福利院",
                       "区婚姻（收养）登记中心", "区绿容局", "区社会组织服务中心", "区民政局"},
}


@pytest.mark.parametrize("name", SEEDS)
def test_seed_bodies(name):
    parsed = seed(name)
    mentions = [m for m in parsed.mentions if m.label == LABEL]
    in_tasks = {m.written for m in mentions if m.task is not None}
    assert in_tasks == SEED_BODIES[name]
    owner_spans = [o.span for o in parsed.owners if not o.inferred]
    for m in mentions:
        assert parsed.view.text[m.span[0]:m.span[1]] == m.written
        assert not m.props["generic"] and m.props["kind"] != "other"
        assert not any(s < m.span[1] and m.span[0] < e for s, e in owner_spans)
        if m.task is not None:
            task = next(t for t in parsed.tasks if t.path == m.task)
            assert task.span[0] <= m.span[0] and m.span[1] <= task.span[1]


def test_seed_jinshan_mentions_link_to_their_task():
    parsed = seed("jinshan-2025")
    by_name = {m.written: m for m in parsed.mentions if m.label == LABEL and m.task}
    task = next(t for t in parsed.tasks if t.item == "20")
    assert {by_name[n].task for n in ("区法院", "区人口办", "区司法局")} == {task.path}
    assert by_name["区法院"].props["key"] == "金山区:金山区法院"


def test_seed_jinshan_explicit_owners_untouched():
    parsed = seed("jinshan-2025")
    assert parsed.owners and not any(o.inferred for o in parsed.owners)
    assert infer_owners(parsed) == []


def test_seed_inferred_owners_agree_with_jinshan_explicit_owners():
    """Hide Jinshan's explicit owners: the section inferred for a task should be one of
    the departments the plan names for it (the party-building tasks go to 党群办公室,
    which the theme table does not distinguish from 办公室)."""
    parsed = seed("jinshan-2025")
    explicit: dict[str, set[str]] = {}
    for o in parsed.owners:
        if o.role == "department":
            explicit.setdefault(o.task, set()).add(classify_body(o.name, "金山区").key)
    hidden = dataclasses.replace(parsed, owners=[])
    inferred = infer_owners(hidden)
    assert len(inferred) == len(parsed.tasks) == 32
    agree = sum(classify_body(o.name, "金山区").key in explicit.get(o.task, set()) for o in inferred)
    assert agree >= 28


def test_seed_jingan_tasks_get_inferred_owners():
    parsed = seed("jingan-2025")
    inferred = {o.task: o for o in parsed.owners if o.inferred}
    assert len(inferred) == len(parsed.tasks)
    assert all(o.name.startswith("静安区民政局") and o.name.endswith(("科", "办公室")) for o in inferred.values())
    section_of = {t.path: t.section for t in parsed.tasks}
    assert {inferred[p].written for p in inferred if section_of[p] == "一/（一）"} == {"养老服务科"}
    assert {inferred[p].written for p in inferred if section_of[p] == "二/（六）"} == {"社会组织管理科"}
    assert {inferred[p].written for p in inferred if section_of[p] in ("四/（一）", "四/（二）")} == {"社会事务科"}


def test_seed_city_tasks_get_divisions():
    parsed = seed("shanghai-2024")
    inferred = [o for o in parsed.owners if o.inferred]
    assert inferred and all(o.name.startswith("上海市民政局") for o in inferred)
    assert all(o.written.endswith(("处", "办公室")) for o in inferred)


# --------------------------------------------------------------------------- the shared pipeline and the region levels


def test_the_pipeline_is_every_extractors_component_in_order():
    assert PIPELINE == (bodies.COMPONENT, programs.COMPONENT, citations.COMPONENT, targets.COMPONENT)
    assert get_nlp().pipe_names == list(PIPELINE)


def test_the_pipeline_builds_outside_the_checkout(tmp_path):
    # get_nlp once imported extractors by a module path that only resolved from the repository root
    check = "from policykg.loaders.extract.run import get_nlp, PIPELINE; assert get_nlp().pipe_names == list(PIPELINE)"
    run = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("region, level", [
    ("金山区", "district"), ("上海市", "city"),                          # the gazetteer
    ("西湖区", "district"), ("浦东新区", "district"), ("某某县", "district"), ("某某旗", "district"),
    ("杭州市", "city"), ("朱泾镇", "town"), ("石化街道", "town"), ("某某乡", "town"),
    ("某某自治区", "district"),           # regions.yaml's `unknown` suffixes are passed over: …区
    ("浙江省", None), ("某某", None), (None, None),
])
def test_level_of_reads_the_region_suffixes(region, level):
    assert level_of(region) == level


def test_the_city_a_district_plan_means_by_shi_is_its_own_city():
    # 市民政局 in a plan of 杭州's 西湖区 is 杭州's bureau — never another city's by default.
    assert classify_body("市民政局", "西湖区", ("杭州市", "浙江省")).key == "杭州市:杭州市民政局"
    assert classify_body("市民政局", "鼓楼区", ("福州市", "福建省")).key == "福州市:福州市民政局"
    assert classify_body("市民政局", "金山区").key == "上海市:上海市民政局"        # one 金山区: its city is known


def test_shi_in_a_plan_whose_city_is_unknown_names_no_city():
    body = classify_body("市民政局", "西湖区")           # two 西湖区 (杭州, 南昌) and no parents given
    assert body.region is None and not body.key.startswith("上海市")


def test_two_cities_districts_of_one_name_are_two_regions_with_their_own_bodies(tmp_path):
    from policykg.loaders.build import build_records
    from policykg.loaders.pipeline import fingerprint, parse_document

    def records(city: str):
        plan = tmp_path / f"{city}.txt"
        plan.write_text(f"{city}鼓楼区民政局2025年工作要点\n一、养老服务\n1.新建助餐点5个。（责任单位：区民政局；牵头领导：王明）\n",
                        encoding="utf-8")
        parsed = parse_document(str(plan))
        graph = build_records(parsed, fingerprint(parsed.source.text, None))
        return {(n.label, n.props["id"]) for n in graph.nodes if n.label in ("Region", "Department", "Leader")}

    nanjing, fuzhou = records("南京市"), records("福州市")
    assert ("Region", "南京市鼓楼区") in nanjing and ("Department", "南京市鼓楼区:南京市鼓楼区民政局") in nanjing
    assert ("Region", "福州市鼓楼区") in fuzhou and ("Leader", "福州市鼓楼区:王明") in fuzhou
    assert not nanjing & fuzhou         # no shared node: the two 鼓楼区 are two places
    # one place of its name keeps its plain name (the seeds' 金山区, 静安区 …)
    assert classify_body("区民政局", "金山区", ("上海市",)).key == "金山区:金山区民政局"


def test_a_task_naming_one_department_twice_is_owned_by_it_once(tmp_path):
    """牵头单位 and 配合单位 naming the same bureau (in two spellings) give one OWNED_BY, with the first mention."""
    from policykg.loaders.build import build_records
    from policykg.loaders.pipeline import fingerprint, parse_document

    plan = tmp_path / "jinshan-2025.txt"
    plan.write_text("金山区民政局2025年工作要点\n一、养老服务\n"
                    "1.新建助餐点5个。（牵头单位：区民政局；配合单位：金山区民政局、区财政局）\n", encoding="utf-8")
    parsed = parse_document(str(plan))
    graph = build_records(parsed, fingerprint(parsed.source.text, None))
    owned = [(e.to_id, e.props["source_column"]) for e in graph.edges if e.type == "OWNED_BY"]
    assert owned == [("金山区:金山区民政局", "牵头单位"), ("金山区:金山区财政局", "配合单位")], owned
