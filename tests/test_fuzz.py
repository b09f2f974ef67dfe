"""Property-based fuzzing (hypothesis, bounded and derandomised, so every run tries the same cases):
the readers on random and adversarial bytes, and the normaliser, structure parser and extraction on
random and plan-like text. Nothing may raise but the project's own `InputError`, and every span
found must map back into the text the reader returned.

The numbers of cases are the constants below; the README's "Reliability and security" quotes them.
"""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.loaders.errors import InputError
from policykg.loaders.normalise import normalise
from policykg.loaders.pipeline import parse_document
from policykg.loaders.read import decode_bytes, html_to_text, read_source
from policykg.loaders.structure import parse_structure

READER_CASES = 200          # per reader: text, HTML, .docx, .pdf bytes
TEXT_CASES = 300            # normaliser + structure
PIPELINE_CASES = 150        # the whole parse_document (read → … → extraction), the slowest

# Pieces a plan is made of, and the ones that broke things: numerals, units, brackets, owner labels …
FRAGMENTS = [
    "一、", "二、", "（一）", "（二）", "1.", "2、", "（1）", "①", "一是", "二是", "\n", "\n\n", "　", " ", "\t",
    "新增", "建成", "养老床位", "社区长者食堂", "张", "个", "%", "万人", "亿元", "百分之", "一二三四五六七八九十百千万亿",
    "600", "1.5", "3.2万", "9" * 30, "一" + "亿" * 12, "（牵头领导：", "责任部门：", "牵头单位：区民政局", "）", "（", "《",
    "》", "【", "】", "“", "”", "、", "，", "。", "；", "：", "|", " | ", "2025年", "静安区", "上海市民政局", "关于印发",
    "的通知", "沪民发〔2025〕6号", "\r\n", "\ufeff", "\u200b", "\ufffd", "<", ">", "&amp;", "\x00", "\x07",
]
plan_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=80).map("".join)
any_text = st.one_of(plan_text, st.text(max_size=400))
_HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


def fuzz(cases: int) -> settings:
    return settings(max_examples=cases, derandomize=True, deadline=None, database=None, suppress_health_check=_HEALTH)


def _read(tmp_path: Path, suffix: str, data: bytes):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        return read_source(path)
    except InputError as exc:
        assert "\n" not in str(exc)
        return None


def _check_text(text: str) -> None:
    assert isinstance(text, str)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)      # every character encodes


@fuzz(READER_CASES)
@given(data=st.one_of(st.binary(max_size=600), plan_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                      plan_text.map(lambda t: t.encode("gb18030", "replace"))))
def test_text_reader_on_random_bytes(tmp_path_factory, data):
    source = _read(tmp_path_factory.mktemp("txt"), ".txt", data)
    if source is not None:
        _check_text(source.text)
    try:
        text, _ = decode_bytes(data, "bytes")
    except InputError:
        return
    assert isinstance(text, str)


@fuzz(READER_CASES)
@given(body=st.lists(st.one_of(st.sampled_from(["<div>", "</div>", "<table>", "<tr>", "<td>", "</td>", "</tr>", "</table>",
                                                 "<p>", "<br>", "<script>", "</script>", "<td colspan=99999>", "<td rowspan=-3>",
                                                 "<!--", "-->", "<![CDATA[", "<meta charset='gbk'>", "<b>" * 300]),
                                st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=60).map("".join))
def test_html_reader_on_random_markup(body):
    try:
        text, _ = html_to_text(body.encode("utf-8", "surrogatepass"), "fuzz.html")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(text, str)


@fuzz(READER_CASES)
@given(data=st.one_of(st.binary(max_size=400), st.just(b"PK\x03\x04").map(lambda head: head + b"\x00" * 60),
                      st.binary(max_size=200).map(lambda tail: b"PK\x05\x06" + tail)))
def test_docx_reader_on_random_bytes(tmp_path_factory, data):
    source = _read(tmp_path_factory.mktemp("docx"), ".docx", data)
    assert source is None or isinstance(source.text, str)


@fuzz(READER_CASES)
@given(data=st.one_of(st.binary(max_size=400), st.binary(max_size=300).map(lambda tail: b"%PDF-1.4\n" + tail),
                      st.binary(max_size=300).map(lambda b: b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" + b
                                                   + b"\ntrailer<</Root 1 0 R>>\n%%EOF")))
def test_pdf_reader_on_random_bytes(tmp_path_factory, data, capfd):
    source = _read(tmp_path_factory.mktemp("pdf"), ".pdf", data)
    assert source is None or isinstance(source.text, str)
    assert capfd.readouterr().err == ""       # pypdf's own log lines never reach stderr


@fuzz(TEXT_CASES)
@given(text=any_text)
def test_normaliser_and_structure_keep_every_offset_in_the_text(text):
    view = normalise(text)
    assert view.original == text
    assert len(view.origin) == len(view.text)
    assert all(0 <= o < len(text) for o in view.origin)
    assert all(a <= b for a, b in zip(view.origin, view.origin[1:]))    # order kept (an added line end maps to its line)
    sections, tasks = parse_structure(view)
    for item in [*sections, *tasks]:
        start, end = item.span
        assert 0 <= start <= end <= len(view.text)
        o_start, o_end = view.to_original(start, end)
        assert 0 <= o_start <= o_end <= len(text)


@fuzz(PIPELINE_CASES)
@given(text=plan_text)
def test_whole_parse_raises_only_input_errors_and_maps_every_span(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("plan") / "plan.txt"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        parsed = parse_document(str(path))
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    view = parsed.view
    assert view.original == parsed.source.text
    for item in [*parsed.sections, *parsed.tasks, *parsed.owners, *parsed.mentions, *parsed.targets]:
        start, end = item.span
        assert 0 <= start <= end <= len(view.text), item
        o_start, o_end = view.to_original(start, end)
        assert 0 <= o_start <= o_end <= len(view.original)
    for target in parsed.targets:
        assert target.value == target.value and abs(target.value) != float("inf")     # no NaN, no infinity
