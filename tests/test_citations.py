"""Cited policy documents (《…》): synthetic cases and the bar on the seed plans."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy

from policykg.loaders.extract import citations
from policykg.loaders.model import DocumentMeta, ParsedDocument, SourceText, Task
from policykg.loaders.textview import TextView
from policykg.loaders.vocabulary import load_vocab

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLD = Path(__file__).parent / "gold" / "citations.jsonl"


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("zh")
    citations.add_to_pipeline(nlp)
    return nlp


def cite(nlp, text, meta=None, tasks=(), view=None):
    view = view or TextView.identity(text)
    parsed = ParsedDocument(SourceText("t.txt", "t", text, "txt"), view, meta or DocumentMeta(), tasks=list(tasks))
    return citations.extract_citations(nlp(view.text), parsed)


def titles(mentions):
    return [m.written for m in mentions]


# ----------------------------------------------------------------------------- finding titles

def test_plain_titles_and_component_spans(nlp):
    text = "贯彻落实《上海市慈善条例》和《上海市社会救助条例》，做好工作。"
    doc = nlp(text)
    assert [s.text for s in doc.spans["citations"]] == ["《上海市慈善条例》", "《上海市社会救助条例》"]
    ms = cite(nlp, text)
    assert titles(ms) == ["上海市慈善条例", "上海市社会救助条例"]
    m = ms[0]
    assert m.label == "PolicyDocument"
    assert text[m.span[0]:m.span[1]] == "上海市慈善条例"
    assert m.props["title"] == "上海市慈善条例" and m.props["wraps"] is None


def test_newspapers_and_bulletins_are_no_policy_documents(nlp):
    text = "在《中国社会报》《解放日报》宣传，编印《民政简报》12期，落实《关于开展养老服务质量检查的通报》和《2024年工作报告》。"
    assert titles(cite(nlp, text)) == ["关于开展养老服务质量检查的通报", "2024年工作报告"]


def test_title_broken_across_lines_and_blank_lines(nlp):
    text = "促进医养结合发展，出台《进一步深化养老服务医\n\n养结合发展的实施方案》，推动工作。研究编制《长宁区民政\n  事业发展“十五五”规划》。"
    assert titles(cite(nlp, text)) == ["进一步深化养老服务医养结合发展的实施方案", "长宁区民政事业发展“十五五”规划"]


def test_inner_spaces_kept_in_written_but_not_in_key(nlp):
    (m,) = cite(nlp, "研究制订本市《关于加强低收入人口动态监测 做好分层分类社会救助工作的实施意见》。")
    assert m.written == "关于加强低收入人口动态监测 做好分层分类社会救助工作的实施意见"
    assert " " not in m.name


@pytest.mark.parametrize("inner", ["<X若干措施>", "〈X若干措施〉", "＜X若干措施＞", "《X若干措施》"])
def test_nested_title_marks_stay_inside_the_title(nlp, inner):
    text = f"进一步落实《关于印发{inner}的通知》，继续深化。"
    (m,) = cite(nlp, text)
    assert m.written == f"关于印发{inner}的通知"
    assert m.props["wraps"] == "X若干措施"
    assert m.props["wraps_key"] == "X若干措施"


def test_notice_key_is_the_same_whatever_the_inner_marks(nlp):
    keys = {cite(nlp, f"落实《关于印发{o}关于做好养老服务的若干措施{c}的通知》。")[0].name
            for o, c in ("<>", "〈〉", "＜＞", "《》")}
    assert len(keys) == 1


def test_unclosed_mark_does_not_swallow_the_text(nlp):
    text = "落实《上海市慈善条例，推进工作。贯彻《上海市社会救助条例》。"
    assert titles(cite(nlp, text)) == ["上海市社会救助条例"]


def test_dash_and_bracket_variants_written_as_cited(nlp):
    (m,) = cite(nlp, "落实《上海市推进养老科技创新发展行动方案（2024—2027年）》。")
    assert m.written == "上海市推进养老科技创新发展行动方案（2024—2027年）"
    (n,) = cite(nlp, "落实《上海市推进养老科技创新发展行动方案(2024-2027年)》。")
    assert m.name == n.name


# ----------------------------------------------------------------------------- the plan's own title

def test_own_title_from_meta_is_not_a_citation(nlp):
    meta = DocumentMeta(title="静安区民政局2025年工作要点")
    text = "一、总体要求\n按照《静安区民政局2025年工作要点》，落实《上海市慈善条例》。"
    assert titles(cite(nlp, text, meta)) == ["上海市慈善条例"]


def test_own_title_from_meta_notice_title(nlp):
    meta = DocumentMeta(title="某区民政局关于印发《2025年某区民政工作要点》的通知", is_notice=True)
    text = "按照《2025年某区民政工作要点》，落实《上海市慈善条例》。"
    assert titles(cite(nlp, text, meta)) == ["上海市慈善条例"]


def test_own_title_without_meta_notice_heading_and_issuing_sentence(nlp):
    text = ("金山区民政局关于印发 《2025年金山民政工作要点及任务分解》的通知\n"
            "各单位：\n《2025年金山民政工作要点及任务分解》经局党组会议讨论通过，现印发给你们，请认真执行。\n"
            "1. 落实《上海市服务类社会救助试点工作方案》。再按《2025年金山民政工作要点及任务分解》检查。\n")
    assert titles(cite(nlp, text)) == ["上海市服务类社会救助试点工作方案"]


def test_own_title_in_issuing_sentence_and_title_line(nlp):
    text = ("局机关各科室：\n现将《静安区民政局2025年工作要点》印发给你们，请结合实际认真贯彻落实。\n"
            "静安区民政局2025年工作要点\n一、养老\n落实《上海市加强流动儿童关爱服务实施方案》。\n")
    assert titles(cite(nlp, text)) == ["上海市加强流动儿童关爱服务实施方案"]


def test_cited_notice_in_the_body_is_kept(nlp):
    text = "一、养老\n进一步落实《关于印发<关于进一步深化本市养老机构医养结合发展的若干措施>的通知》，深化服务。"
    assert len(cite(nlp, text, DocumentMeta(title="静安区民政局2025年工作要点"))) == 1


# ----------------------------------------------------------------------------- scope and tasks

def test_scope_hints(nlp):
    meta = DocumentMeta(region="金山区", level="district")
    text = ("落实《上海市婚姻登记工作规范》。推进本区《养老服务设施规划》。做好本市《精神障碍社区康复服务规范》。"
            "完成《2024年金山区老龄事业发展报告》。落实《关于推进金山区精神障碍社区康复服务发展的实施方案》。"
            "落实《关于民政部门履行遗产管理人职责以及处置无人继承遗产的若干意见》。"
            "出台《进一步深化养老服务医养结合发展的实施方案》。配合市科委起草制定《养老科技创新发展行动方案》。")
    got = {m.written: (m.props["scope_hint"], m.props["scope"], m.props["citing_region"]) for m in cite(nlp, text, meta)}
    assert got == {
        "上海市婚姻登记工作规范": ("上海市", "上海市", "金山区"),
        "养老服务设施规划": ("本区", "金山区", "金山区"),
        "精神障碍社区康复服务规范": ("本市", "上海市", "金山区"),
        "2024年金山区老龄事业发展报告": ("金山区", "金山区", "金山区"),
        "关于推进金山区精神障碍社区康复服务发展的实施方案": ("金山区", "金山区", "金山区"),
        "关于民政部门履行遗产管理人职责以及处置无人继承遗产的若干意见": (None, None, "金山区"),
        "进一步深化养老服务医养结合发展的实施方案": ("本区", "金山区", "金山区"),
        "养老科技创新发展行动方案": (None, None, "金山区"),
    }


def test_listed_titles_share_the_context_before_the_first(nlp):
    meta = DocumentMeta(region="上海市", level="city")
    ms = cite(nlp, "抓好地方标准《养老机构认知障碍照护单元设置和服务要求》《老年认知障碍友好社区建设指南》宣贯。", meta)
    assert [m.props["scope"] for m in ms] == ["上海市", "上海市"]


def test_scope_without_region_is_unresolved(nlp):
    (m,) = cite(nlp, "做好本市《精神障碍社区康复服务规范》修订。")
    assert m.props["scope_hint"] == "本市" and m.props["scope"] is None and m.props["citing_region"] is None


def test_task_is_the_innermost_task_containing_the_mention(nlp):
    text = "一、救助\n1. 落实《上海市社会救助条例》。\n二、养老\n开展《上海市慈善条例》宣传。"
    first = text.index("1.")
    tasks = [Task("一/s", "", "救助", "sentence", (0, first + 20), "一"),
             Task("一/1", "1", "落实", "item", (first, first + 17), "一")]
    ms = cite(nlp, text, tasks=tasks)
    assert [m.task for m in ms] == ["一/1", None]


def test_doc_without_component_falls_back_to_scanning(nlp):
    bare = spacy.blank("zh")
    text = "落实《上海市慈善条例》。"
    parsed = ParsedDocument(SourceText("t.txt", "t", text, "txt"), TextView.identity(text), DocumentMeta())
    assert titles(citations.extract_citations(bare(text), parsed)) == ["上海市慈善条例"]


# ----------------------------------------------------------------------------- seeds: the bar

def _squash(t):
    return re.sub(r"\s+", "", t or "").replace("—", "-").replace("（", "(").replace("）", ")")


def _views():
    views = {"original": TextView.identity}
    try:
        from policykg.loaders.normalise import normalise
        views["normalised"] = normalise
    except ImportError:
        pass
    return views


@pytest.mark.parametrize("view_name", sorted(_views()))
def test_seed_citations_f1(nlp, view_name):
    make_view = _views()[view_name]
    gold = {(g["doc"], _squash(g["title"])) for g in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines())}
    pred = set()
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        view = make_view(text)
        for m in cite(nlp, text, view=view):          # no metadata: the hardest case
            pred.add((path.stem, _squash(m.props["title"])))
    pred = {p for p in pred if p[0] in {d for d, _ in gold}}
    tp = len(gold & pred)
    precision, recall = tp / len(pred), tp / len(gold)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.95, (sorted(gold - pred), sorted(pred - gold))


def test_seed_citations_with_parsed_metadata(nlp):
    normalise = pytest.importorskip("loaders.normalise").normalise
    parse_metadata = pytest.importorskip("loaders.metadata").parse_metadata
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        view = normalise(text)
        meta = parse_metadata(view, path.stem, {})
        ms = cite(nlp, text, meta=meta, view=view)
        assert all(m.props["citing_region"] == meta.region for m in ms)
        if meta.title:
            assert _squash(meta.title) not in {_squash(m.written) for m in ms}


# ----------------------------------------------------------------------------- the plan's own title, written in other ways

_BODY = "\n一、加强养老服务\n1.贯彻落实《上海市养老服务条例》，做好工作。\n"
_OWN = "2025年金山区民政工作要点"


@pytest.mark.parametrize("cover", [
    f"各街道：\n现将《{_OWN}》下发给你们，请结合实际认真贯彻执行。\n",
    f"现将《{_OWN}》印发你们，请遵照执行。\n",
    f"现将《{_OWN}》予以印发。\n",
    f"现将《{_OWN}》印发给各单位，请认真抓好落实。\n",
    f"各街道：\n《{_OWN}》已经局党组会议审议通过，请认真贯彻执行。\n",
    f"金山区民政局关于印发 《{_OWN}》 的通知\n",
    f"金山区民政局关于印发《{_OWN}》的　通知\n",
    f"金民〔2025〕3号\n关于转发《{_OWN}》的通知\n",
    # hard-wrapped covers and headings, and the title line in marks
    f"各街道：\n    现将《{_OWN}》\n印发给你们，请认真贯彻执行。\n",
    f"各街道：\n    现将《2025年金山区民政\n工作要点》印发给你们。\n",
    f"金山区民政局关于印发《{_OWN}》\n的通知\n",
    f"《{_OWN}》\n",
])
def test_cover_letter_formulas_issue_the_plan_itself(nlp, cover):
    assert titles(cite(nlp, cover + _BODY)) == ["上海市养老服务条例"]


def test_cover_letter_cues_in_the_body_keep_the_citation(nlp):
    # the weaker formulas count only before the plan's first section
    text = "一、总体\n1.认真贯彻执行《上海市慈善条例》，请认真贯彻执行。\n2.制定《金山区养老服务实施方案》并印发给各街镇。\n"
    assert titles(cite(nlp, text)) == ["上海市慈善条例", "金山区养老服务实施方案"]
    text = "根据《上海市民政事业发展“十四五”规划》，结合实际，制定本要点。\n一、总体\n1.推进。\n"
    assert titles(cite(nlp, text)) == ["上海市民政事业发展“十四五”规划"]


@pytest.mark.parametrize("line", [f"附件：《{_OWN}》", f"附件1：《{_OWN}》", "附件 2 《重点任务分工表》"])
def test_attachment_line_is_no_citation(nlp, line):
    assert titles(cite(nlp, _BODY + line + "\n")) == ["上海市养老服务条例"]


def test_attachment_in_a_sentence_is_kept(nlp):
    text = "一、总体\n按照附件《任务分工表》落实《上海市慈善条例》。\n"
    assert titles(cite(nlp, text)) == ["任务分工表", "上海市慈善条例"]


def test_short_forms_of_the_own_title_refer_to_the_plan(nlp):
    meta = DocumentMeta(title=_OWN)
    text = _OWN + _BODY + "各单位要按照《工作要点》和《2025年民政工作要点》《民政工作要点》要求抓好落实。\n"
    assert titles(cite(nlp, text, meta=meta)) == ["上海市养老服务条例"]


def test_other_plans_and_other_years_stay_citations(nlp):
    meta = DocumentMeta(title=_OWN)
    text = _OWN + _BODY + "对照《2024年民政工作要点》《上海市民政工作要点》《2025年上海市民政工作要点》，制定《实施方案》。\n"
    assert titles(cite(nlp, text, meta=meta)) == [
        "上海市养老服务条例", "2024年民政工作要点", "上海市民政工作要点", "2025年上海市民政工作要点", "实施方案"]


def test_performance_and_programme_names_are_no_documents(nlp):
    text = "举办《夕阳红》文艺汇演，开设《民政之声》栏目，开展《民法典》知识竞赛，拍摄《上海市慈善条例》宣传片。"
    assert titles(cite(nlp, text)) == ["民法典", "上海市慈善条例"]


def test_document_numbers_and_bracket_widths_stay_as_written(nlp):
    text = ("落实《上海市人民政府关于加强养老服务的意见（沪府发〔2024〕3号）》（沪府办〔2024〕3号）、"
            "《上海市养老服务发展三年行动计划（2024—2026年）》和《上海市养老服务发展三年行动计划(2024-2026年)》。")
    assert titles(cite(nlp, text)) == [
        "上海市人民政府关于加强养老服务的意见（沪府发〔2024〕3号）",
        "上海市养老服务发展三年行动计划（2024—2026年）",
        "上海市养老服务发展三年行动计划(2024-2026年)"]


def test_unclosed_and_stray_marks(nlp):
    text = "推进工作》，落实《上海市养老服务条例，推进工作。落实《上海市慈善条例》。"
    assert titles(cite(nlp, text)) == ["上海市慈善条例"]


def test_wrapped_tail_stops_at_the_next_item(nlp):
    # 予以印发 of the next numbered item does not make the previous title the plan's own;
    # a title line in marks inside the body is a citation
    text = "一、总体\n1.落实《上海市慈善条例》\n2.制定街镇实施办法并予以印发。\n《上海市社会救助条例》\n"
    assert titles(cite(nlp, text)) == ["上海市慈善条例", "上海市社会救助条例"]


# ----------------------------------------------------------------------------- vocabularies behind the rules

def test_a_notice_heading_by_any_notice_verb_issues_the_plan(nlp):
    for verb in load_vocab("patterns")["notice_verbs"]:
        assert titles(cite(nlp, f"金山区民政局关于{verb}《{_OWN}》的通知\n" + _BODY)) == ["上海市养老服务条例"], verb


@pytest.mark.parametrize("joiner", ["", "、", "和", "及", "与"])
def test_titles_joined_in_a_list_share_the_first_ones_jurisdiction(nlp, joiner):
    text = f"贯彻本市《养老服务条例》{joiner}《慈善事业促进办法》。"
    assert [m.props["scope_hint"] for m in cite(nlp, text)] == ["本市", "本市"]


def test_titles_not_joined_have_their_own_context(nlp):
    text = "贯彻本市《养老服务条例》，落实《慈善事业促进办法》。"
    assert [m.props["scope_hint"] for m in cite(nlp, text)] == ["本市", None]


@pytest.mark.parametrize("text, kept", [
    ("开展《民法典》知识竞赛。", ["民法典"]),        # a law before an event word is still cited
    ("举办《夕阳红》文艺汇演。", []),
])
def test_a_law_before_an_event_word_is_still_cited(nlp, text, kept):
    assert titles(cite(nlp, text)) == kept


# ----------------------------------------------------------------------------- works and short references (issue 10)

@pytest.mark.parametrize("text, kept", [
    # a work's kind before the title, or before the first title of its list
    ("电视剧《西北岁月》获奖，电影《柳青》、电视剧《装台》等50部文艺作品获得国家奖励。", []),
    # a work's kind shortly after the list of titles
    ("《生万物》《我们的河山》等精品鲁剧热播，《齐鲁文库》系列丛书出版发行。", []),
    # twin: a document's shape wins over words around it; a law stays a law
    ("贯彻《民营经济促进法》，出版《上海市慈善条例》释义。", ["民营经济促进法", "上海市慈善条例"]),
])
def test_films_plays_books_are_no_policy_documents(nlp, text, kept):
    assert titles(cite(nlp, text)) == kept


@pytest.mark.parametrize("text, kept", [
    ("异种器官移植入选《科学》年度十大突破。", []),                 # no document type, no year or place
    ("实施《中国制造2025》，落实《2024年龙岗区政府民生实事候选项目》。",  # a year or a place: a document
     ["中国制造2025", "2024年龙岗区政府民生实事候选项目"]),
])
def test_a_title_without_a_document_type_needs_a_year_or_a_place(nlp, text, kept):
    assert titles(cite(nlp, text)) == kept


def test_short_references_resolve_to_the_full_title_cited_before(nlp):
    text = ("根据《中共浙江省委关于制定浙江省国民经济和社会发展第十五个五年规划的建议》，编制了"
            "《浙江省国民经济和社会发展第十五个五年规划纲要（草案）》。《纲要（草案）》锚定目标。")
    ms = cite(nlp, text)
    assert titles(ms) == ["中共浙江省委关于制定浙江省国民经济和社会发展第十五个五年规划的建议",
                          "浙江省国民经济和社会发展第十五个五年规划纲要（草案）", "纲要（草案）"]
    assert [m.props["refers_to"] for m in ms] == [None, None, "浙江省国民经济和社会发展第十五个五年规划纲要（草案）"]


@pytest.mark.parametrize("text, kept", [
    ("按照《方案》要求，推进工作。", []),                              # nothing says which 方案: dropped
    ("根据中共河北省委“十五五”规划《建议》，编制规划。", ["建议"]),       # its issuer stands before it
    ("研究制定《实施方案》。", ["实施方案"]),                           # to be issued
])
def test_a_short_reference_without_a_full_title_before_it(nlp, text, kept):
    assert titles(cite(nlp, text)) == kept
