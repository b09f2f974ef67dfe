"""The normalised view: the map back to the original, furniture, line joining, width forms."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from policykg.loaders.normalise import fold_char, load_layout, normalise

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def seed_view(name: str):
    return normalise((ROOT / "seeds" / f"{name}.txt").read_text(encoding="utf-8"))


def folded(s: str) -> str:
    """Text with whitespace removed and width forms folded: what a span must keep."""
    return "".join(fold_char(c) for c in s if not c.isspace())


def line_spans(text: str):
    pos = 0
    for line in text.split("\n")[:-1]:
        yield pos, pos + len(line)
        pos += len(line) + 1


# -- properties over every seed ---------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_every_character_maps_to_its_original(seed):
    original = seed.read_text(encoding="utf-8")
    view = normalise(original)
    assert len(view.origin) == len(view.text)
    assert view.origin == sorted(view.origin)            # the map keeps the order
    for i, ch in enumerate(view.text):
        src = view.original[view.origin[i]]
        if ch.isspace():
            # line ends sit on an original line end (or, at the very end, on the last char)
            assert src.isspace() or (ch == "\n" and i == len(view.text) - 1), (i, ch, src)
        else:
            assert fold_char(src) == fold_char(ch), (i, ch, src)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_spans_map_back_to_the_same_text(seed):
    view = normalise(seed.read_text(encoding="utf-8"))
    rng = random.Random(seed.stem)
    spans = []
    for start, end in line_spans(view.text):
        spans.append((start, end))                        # whole lines, joined ones included
        for _ in range(5):
            a = rng.randint(start, end)
            b = rng.randint(a, end)
            spans.append((a, b))
    for a, b in spans:
        original = view.original_slice(a, b)
        assert folded(original) == folded(view.text[a:b]), (a, b)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_lines_end_with_newline_and_none_is_blank(seed):
    view = normalise(seed.read_text(encoding="utf-8"))
    assert view.text.endswith("\n")
    lines = view.text.split("\n")[:-1]
    assert lines and all(line.strip() == line and line for line in lines)


# -- joining ---------------------------------------------------------------------------------

def test_changning_breaks_inside_sentences_are_joined():
    view = seed_view("changning-2025")
    # printed as "…500 户，打造1家…“养老院+互联网医院”，新" / "" / "增认知障碍床位 50张、家庭照护床位500 张。"
    line = next(ln for ln in view.text.split("\n") if "新增认知障碍床位50张" in ln)
    assert line.startswith("（一）完成为民办实事等重点项目。")
    assert "家庭照护床位500张。稳步推进清池路养老院在建项目" in line
    start = view.text.index("新增认知障碍床位50张")
    original = view.original_slice(start, start + len("新增认知障碍床位50张"))
    assert "\n" in original                                 # it really spanned a line break
    # a page break (a line that starts with a space) inside a paragraph
    assert "试点工作（民政部和财政部项目），面向全区" in view.text
    # a full line that ends a sentence but not the paragraph
    assert "持证比例达到30%以上。组织开展护理员技能大赛" in view.text


def test_changning_headings_and_standalone_lines_stay_on_their_own_lines():
    lines = seed_view("changning-2025").text.split("\n")
    for own_line in ("上海市长宁区民政局文件", "长民〔2025〕1号", "2025年长宁民政工作要点",
                     "一、推进养老服务和老龄事业高质量发展", "二、切实兜准兜牢民生底线",
                     "五、全面加强民政自身建设", "上海市长宁区民政局", "2025年2月18日"):
        assert own_line in lines
    numbered = [ln for ln in lines if re.match(r"[一二三四五六七八九十]+、", ln)]
    assert len(numbered) == 5
    assert all("。" not in ln for ln in numbered)
    assert sum(1 for ln in lines if ln.startswith("（")) == 6 + 3 + 3 + 3 + 3


def test_jinshan_page_breaks_inside_items_are_joined():
    text = seed_view("jinshan-2025").text
    assert "完成《2024年金山区老龄事业发展报告》编制工作" in text
    assert "发挥社会组织密切联系人民群众的桥梁纽带作用" in text
    assert "持续加大养老服务政策宣传力度，扩大社会影响面" in text
    items = [ln for ln in text.split("\n") if re.match(r"\d+\. ", ln)]
    assert [int(ln.split(".")[0]) for ln in items] == list(range(1, 33))
    # each item runs to its owner annotation
    assert all(ln.endswith(("）", ")")) for ln in items)


def test_shanghai_headings_are_not_joined_to_their_paragraph():
    lines = seed_view("shanghai-2024").text.split("\n")
    assert "（一）完善社会救助制度体系" in lines
    assert "2024年上海民政工作要点（2024-02-05）" in lines


# -- furniture -------------------------------------------------------------------------------

def test_jingan_footer_is_dropped_and_table_rows_survive():
    view = seed_view("jingan-2025")
    lines = view.text.split("\n")
    for footer in ("留言咨询", "纠错", "错误类", "出错页面", "内容标题", "您的姓名", "相关文档", "使用说明"):
        assert not any(footer in ln for ln in lines), footer
    assert "-" not in lines
    rows = [ln for ln in lines if re.fullmatch(r"\d+ \| .+ \|", ln)]
    assert len(rows) == 21
    assert "序号 | 项目 | 备注 |" in lines
    assert "1 | 为300户老年人家庭进行适老化改造。 | |" in lines
    assert lines[lines.index("序号 | 项目 | 备注 |") - 1] == "2025年静安民政重点工作项目"
    assert lines[-2].startswith("21 | ")                    # the footer came after the table


def test_shanghai_web_metadata_rows_are_dropped():
    text = seed_view("shanghai-2024").text
    for field in ("索取号", "发布机构", "文件编号", "公开类别", "主动公开"):
        assert field not in text


def test_issued_line_is_dropped():
    lines = seed_view("changning-2025").text.split("\n")
    assert not any(ln.endswith("印发") for ln in lines)
    assert lines[-2:] == ["2025年2月18日", ""]


@pytest.mark.parametrize("furniture", ["- 3 -", "—  12  —", "第3页", "第 3 页 共 10 页", "3/10", "17", "-",
                                       "抄送：区委办、区府办。", "上海市某区民政局办公室 2025年2月17日印发",
                                       "索取号: | 发布机构: | ||", "打印本页", "【关闭】"])
def test_furniture_lines_are_dropped_and_the_text_around_them_joined(furniture):
    view = normalise(f"推进养老服务体系建设，完善社区养老服\n{furniture}\n务设施布局。\n")
    assert view.text == "推进养老服务体系建设，完善社区养老服务设施布局。\n"


# -- characters ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    ("2025 年 2月 18 日", "2025年2月18日"),
    ("改造200 户、智能水表用户", "改造200户、智能水表用户"),
    ("服务点建设,提升租赁服务", "服务点建设，提升租赁服务"),
    ("(一)补齐养老供给短板", "（一）补齐养老供给短板"),
    ("(牵头领导:徐敏;责任部门:局养老服务科)", "（牵头领导：徐敏；责任部门：局养老服务科）"),
    ("是否到位?加强监管!", "是否到位？加强监管！"),
    ("ＡＢＣ１２３％，达９５％", "ABC123%，达95%"),
    ("\u3000\u3000正文内容\u3000", "正文内容"),
    ("养老\u00a0服务", "养老 服务"),
    ("《关于加强低收入人口动态监测 做好分层分类社会救助工作的实施意见》", "《关于加强低收入人口动态监测 做好分层分类社会救助工作的实施意见》"),
    ("“十四五”、《慈善法》", "“十四五”、《慈善法》"),
    ("12:30 and 1,000 items (ok)", "12:30 and 1,000 items (ok)"),
    ("1 | 新增600张养老床位。 | |", "1 | 新增600张养老床位。 | |"),
    ("数字民政“2.0”版", "数字民政“2.0”版"),
    ("2024年上海民政工作要点 ( 2024-02-05 )", "2024年上海民政工作要点（2024-02-05）"),
])
def test_width_forms_and_spacing(raw, expected):
    assert normalise(raw + "\n").text == expected + "\n"


def test_wrapped_latin_words_keep_a_space():
    assert normalise("推广智能设备，例如 smart\nhome 设备。\n").text == "推广智能设备，例如smart home设备。\n"


def test_title_is_not_joined_to_the_first_paragraph():
    view = normalise("2025 年某区民政工作要点\n\n2025 年是“十四五”规划收官之年。\n")
    assert view.text == "2025年某区民政工作要点\n2025年是“十四五”规划收官之年。\n"


def test_a_line_cannot_start_with_closing_punctuation():
    view = normalise("新增养老床位\n，完成改造。\n")
    assert view.text == "新增养老床位，完成改造。\n"


def test_empty_and_furniture_only_text():
    assert normalise("").text == ""
    assert normalise("\n\n- 1 -\n\n").text == ""


def test_no_trailing_newline_in_original():
    view = normalise("一、总体要求")
    assert view.text == "一、总体要求\n"
    assert view.to_original(0, len("一、总体要求")) == (0, len("一、总体要求"))


def test_ordinal_outline_items_start_their_own_lines():
    text = ("第一，强化养老服务供给能力建设，全年新增养老床位一百张，建设社区长者食堂\n"
            "第二，加强养老服务综合监管，开展养老机构安全检查，确保养老机构安全运营无事故\n"
            "第三，推进助餐。\n")
    assert [line[:3] for line in normalise(text).text.splitlines()] == ["第一，", "第二，", "第三，"]


def test_an_item_opening_with_a_year_starts_a_line_but_a_decimal_does_not():
    starts = load_layout().item_start
    assert starts.match("1.2025年底前建成社区长者食堂5家")
    assert not starts.match("1.5万名老年人纳入关爱服务")


@pytest.mark.parametrize("mark, full", [(",", "，"), (":", "："), (";", "；"), ("!", "！"), ("?", "？")])
def test_ascii_clause_punctuation_in_chinese_text_becomes_full_width(mark, full):
    assert normalise(f"养老{mark}服务").text == f"养老{full}服务\n"
    assert normalise(f"a{mark}b").text == f"a{mark}b\n"


def test_ascii_brackets_convert_as_a_pair():
    assert normalise("推进(试点)工作").text == "推进（试点）工作\n"
    assert normalise("(ok) 1").text == "(ok) 1\n"


# -- tables pasted as plain text (issue 10) --------------------------------------------------

WORD_TAB_TABLE = ("一、养老服务\n序号\t工作任务\t负责科室\t完成时限\n1\t新建助餐点5个\t养老服务科\t6月底\n"
                  "2\t改造养老床位300张\t\t12月底\n\t提升照护能力\t福利科\t\n二、社会救助\n")


def test_a_word_table_pasted_with_tabs_becomes_table_rows():
    view = normalise(WORD_TAB_TABLE)
    assert view.text.split("\n")[1:6] == [
        "序号 | 工作任务 | 负责科室 | 完成时限 |", "1 | 新建助餐点5个 | 养老服务科 | 6月底 |",
        "2 | 改造养老床位300张 | | 12月底 |", "| 提升照护能力 | 福利科 | |", "二、社会救助"]
    # a cell maps back to its text in the original
    s = view.text.index("养老服务科")
    assert view.original_slice(s, s + 5) == "养老服务科"


def test_tabs_under_no_table_header_stay_text():
    # Word's list numbering puts a tab after the number: a list, not a table.
    view = normalise("一、养老服务\n1.\t新建助餐点5个。\n2.\t改造养老床位300张。\n")
    assert "|" not in view.text and view.text.split("\n")[1:3] == ["1. 新建助餐点5个。", "2. 改造养老床位300张。"]


WEB_CELL_TABLE = ("重点任务分解表\n序号\n工作任务\n牵头单位\n配合单位\n1\n新建助餐点5个\n养老服务科\n各街镇\n"
                  "2\n改造养老床位300张，\n提升照护能力\n福利科\n区财政局\n加强组织保障。\n")


def test_a_web_table_copied_one_cell_per_line_becomes_table_rows():
    view = normalise(WEB_CELL_TABLE)
    assert view.text.split("\n")[:5] == [
        "重点任务分解表", "序号 | 工作任务 | 牵头单位 | 配合单位 |", "1 | 新建助餐点5个 | 养老服务科 | 各街镇 |",
        "2 | 改造养老床位300张，提升照护能力 | 福利科 | 区财政局 |", "加强组织保障。"]


def test_short_lines_without_a_numbered_header_stay_lines():
    # column-like words with no number column and no row `1` after them are text
    text = "工作任务\n牵头单位\n新建助餐点5个\n养老服务科\n"
    assert "|" not in normalise(text).text
