"""Readers: encodings of text files, HTML/DOCX/PDF extraction, input errors, input expansion."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import docx
import pytest

from policykg.app import load_paths
from policykg.graph.ladybug_store import LadybugStore
from policykg.loaders.errors import InputError
from policykg.loaders.read import decode_bytes, html_to_text, iter_input_files, read_source, render_table_row

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def seed_text(name: str) -> str:
    return (ROOT / "seeds" / f"{name}.txt").read_text(encoding="utf-8")


def load_fixture_script():
    spec = importlib.util.spec_from_file_location("make_pdf_fixture", ROOT / "scripts" / "make_pdf_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_one_line_naming(exc: InputError, path: Path | str) -> str:
    message = str(exc)
    assert "\n" not in message
    assert message.startswith(f"{path}:")
    return message


# -- text encodings -----------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig", "utf-16-le"])
def test_encoded_seed_reads_back_exactly(tmp_path, seed, encoding):
    text = seed.read_text(encoding="utf-8")
    path = tmp_path / f"{seed.stem}.txt"
    path.write_bytes(text.encode(encoding))   # utf-16: with BOM; utf-16-le: without
    source = read_source(path)
    assert source.text == text
    assert source.source == seed.stem
    assert source.format == "txt"
    assert source.encoding


def test_gbk_is_detected_as_a_chinese_encoding(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(seed_text("jinshan-2025").encode("gbk"))
    assert read_source(path).encoding == "gb18030"


def test_utf8_is_read_as_utf8_and_crlf_becomes_lf(tmp_path):
    path = tmp_path / "plan.md"
    path.write_bytes("2025年工作要点\r\n一、总体要求\r\n".encode("utf-8"))
    source = read_source(path)
    assert (source.text, source.encoding, source.format) == ("2025年工作要点\n一、总体要求\n", "utf-8", "md")


# -- errors -----------------------------------------------------------------------------

def test_missing_file(tmp_path):
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError) as exc:
        read_source(path)
    assert "no such file" in assert_one_line_naming(exc.value, path)


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n", "\u3000\n".encode("utf-8")])
def test_empty_or_whitespace_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read_source(path)
    assert "empty" in assert_one_line_naming(exc.value, path)


def test_binary_file(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))
    with pytest.raises(InputError) as exc:
        read_source(path)
    assert "binary" in assert_one_line_naming(exc.value, path)


def test_control_characters_without_nul_are_binary(tmp_path):
    path = tmp_path / "ctrl.txt"
    path.write_bytes(b"\x01\x02\x03abc" * 10)
    with pytest.raises(InputError) as exc:
        read_source(path)
    assert "binary" in assert_one_line_naming(exc.value, path)


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(b"\xff" * 64)
    with pytest.raises(InputError) as exc:
        read_source(path)
    assert "decode" in assert_one_line_naming(exc.value, path)


def test_unsupported_extension_names_the_supported_ones(tmp_path):
    path = tmp_path / "plan.rtf"
    path.write_text("{\\rtf1 hello}", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_source(path)
    message = assert_one_line_naming(exc.value, path)
    assert "'.rtf'" in message
    for ext in (".txt", ".md", ".html", ".htm", ".docx", ".pdf"):
        assert ext in message


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(InputError) as exc:
        read_source(tmp_path)
    assert "folder" in assert_one_line_naming(exc.value, tmp_path)


def test_broken_docx_and_pdf(tmp_path):
    for name in ("broken.docx", "broken.pdf"):
        path = tmp_path / name
        path.write_bytes(b"this is not a real file " * 4)
        with pytest.raises(InputError) as exc:
            read_source(path)
        assert_one_line_naming(exc.value, path)


# -- HTML -------------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>页面标题不可见</title>
<style>.x {{ color: red }}</style><script>var hidden = "脚本";</script></head>
<body>
<div class="nav"><a href="/">首页</a></div>
<h1>2025年测试区民政工作要点</h1>
<p>一、推进养老服务<b>高质量</b>发展</p>
<p>新增养老床位50张，<br>完成适老化改造。</p>
<p style="display:none">隐藏文字</p>
<table>
  <thead><tr><th>序号</th><th>项目</th><th>备注</th></tr></thead>
  <tbody>
    <tr><td>1</td><td>新增600张养老床位。</td><td></td></tr>
    <tr><td>2</td><td>新增2个社区
        长者食堂。</td><td>重点<br>项目</td></tr>
  </tbody>
</table>
<p>上海市测试区民政局</p>
</body></html>
"""


@pytest.mark.parametrize("charset,codec", [("utf-8", "utf-8"), ("gbk", "gbk")])
def test_html_visible_text_blocks_and_table_rows(tmp_path, charset, codec):
    path = tmp_path / "page.html"
    path.write_bytes(HTML_PAGE.format(charset=charset).encode(codec))
    source = read_source(path)
    assert source.format == "html"
    lines = source.text.split("\n")
    assert lines == [
        "首页",
        "2025年测试区民政工作要点",
        "一、推进养老服务高质量发展",
        "新增养老床位50张，",
        "完成适老化改造。",
        "序号 | 项目 | 备注 |",
        "1 | 新增600张养老床位。 | |",
        "2 | 新增2个社区长者食堂。 | 重点项目 |",
        "上海市测试区民政局",
    ]
    for invisible in ("页面标题不可见", "脚本", "color", "隐藏文字"):
        assert invisible not in source.text


def test_table_row_rendering_matches_the_seed_tables():
    seed_rows = [ln for ln in seed_text("jingan-2025").split("\n") if ln.startswith(("序号", "1 |"))]
    assert render_table_row(["序号", "项目", "备注"]) == seed_rows[0]
    assert render_table_row(["1", "为300户老年人家庭进行适老化改造。", ""]) == seed_rows[1]


# -- DOCX -------------------------------------------------------------------------------

def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("2025年测试区民政工作要点")
    document.add_paragraph("一、推进养老服务高质量发展")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["序号", "项目", "备注"], ["1", "新增600张养老床位。", ""], ["2", "合并单元格", ""]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 1).merge(table.cell(2, 2))     # a merged cell is one cell, not two
    table.cell(2, 1).text = "新增2个社区长者食堂。"
    document.add_paragraph("二、加强社会救助")
    path = tmp_path / "plan.docx"
    document.save(path)

    source = read_source(path)
    assert source.format == "docx"
    assert source.text.split("\n") == [
        "2025年测试区民政工作要点",
        "一、推进养老服务高质量发展",
        "序号 | 项目 | 备注 |",
        "1 | 新增600张养老床位。 | |",
        "2 | 新增2个社区长者食堂。 |",
        "二、加强社会救助",
    ]


# -- PDF ---------------------------------------------------------------------------------

def test_pdf_text_layer_pages_joined(tmp_path):
    fixture = load_fixture_script()
    path = fixture.make_pdf(tmp_path / "plan.pdf")
    source = read_source(path)
    assert source.format == "pdf"
    lines = [ln for ln in source.text.split("\n") if ln]
    expected = [line for page in fixture.SAMPLE_PAGES for line in page]
    assert [ln.replace(" ", "") for ln in lines] == [ln.replace(" ", "") for ln in expected]
    # page 2 starts on its own line
    assert "全覆盖。\n" in source.text and "\n（二）加强养老服务监管" in source.text


def test_pdf_without_text_needs_ocr(tmp_path):
    fixture = load_fixture_script()
    path = fixture.make_pdf(tmp_path / "scan.pdf", text_layer=False)
    with pytest.raises(InputError) as exc:
        read_source(path)
    assert "OCR" in assert_one_line_naming(exc.value, path)


# -- input expansion ----------------------------------------------------------------------

def test_iter_input_files(tmp_path):
    (tmp_path / "plans" / "2025").mkdir(parents=True)
    (tmp_path / "plans" / ".hidden").mkdir()
    for rel in ("plans/b.txt", "plans/a.html", "plans/2025/c.docx", "plans/2025/notes.rtf",
                "plans/.hidden/x.txt", "plans/a.txt.meta.yaml", "other.md", "odd.rtf"):
        (tmp_path / rel).write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()

    files, errors = iter_input_files([
        tmp_path / "plans",
        str(tmp_path / "*.md"),
        tmp_path / "plans" / "b.txt",          # again: listed once
        tmp_path / "missing.txt",
        tmp_path / "empty",
        tmp_path / "odd.rtf",
        str(tmp_path / "*.xyz"),
    ])
    names = [f.relative_to(tmp_path).as_posix() for f in files]
    assert names == ["plans/2025/c.docx", "plans/a.html", "plans/b.txt", "other.md"]
    assert len(errors) == 4
    by_path = {e.split(": ", 1)[0]: e for e in errors}
    assert "no such file" in by_path[str(tmp_path / "missing.txt")]
    assert "folder has no supported file" in by_path[str(tmp_path / "empty")]
    assert "unsupported file type" in by_path[str(tmp_path / "odd.rtf")]
    assert "matches no supported file" in by_path[str(tmp_path / "*.xyz")]
    assert all("\n" not in e for e in errors)


def test_iter_input_files_on_the_seeds_folder():
    files, errors = iter_input_files([ROOT / "seeds"])
    assert errors == []
    assert [f.stem for f in files] == [p.stem for p in SEEDS]


def test_input_errors_keep_paths_with_colons(tmp_path):
    """A path holding a colon (a Windows drive letter, a timestamped folder) is kept whole."""
    odd = tmp_path / "plans 09:30" / "missing.txt"
    files, [error] = iter_input_files([odd])
    assert files == [] and error.path == str(odd) and str(error) == f"{odd}: no such file or folder; check the path"
    with LadybugStore(str(tmp_path / "g.lbdb")) as store:
        report = load_paths([str(odd), "C:/plans/2025.txt"], store)
    assert [o.path for o in report.failed] == [str(odd), "C:/plans/2025.txt"]


@pytest.mark.parametrize("page, codec", [
    ("<meta charset='gb2312'><p>囍</p>".encode("gb18030"), "gb18030"),   # gb2312/gbk pages read as GB18030
    ("<meta charset='no-such-codec'><p>养老</p>".encode(), "utf-8"),      # an unknown charset: detect it
    ("<p>推进养老服务高质量发展，完善社会救助体系。</p>".encode("gb18030"), "gb18030"),  # none declared: detect it
])
def test_html_charset_declared_or_detected(page, codec):
    text, encoding = html_to_text(page)
    assert encoding == codec and text in ("囍", "养老", "推进养老服务高质量发展，完善社会救助体系。")


def test_a_broken_byte_order_mark_is_an_input_error():
    with pytest.raises(InputError, match="byte order mark"):
        decode_bytes(b"\xff\xfe\x00", "plan.txt")


# -- merged cells of HTML tables (issue 10) ------------------------------------------------

def test_html_rowspan_keeps_every_cell_in_its_column(tmp_path):
    page = ("<meta charset='utf-8'><table><tr><th>序号</th><th>工作任务</th><th>牵头单位</th><th>完成时限</th></tr>"
            "<tr><td rowspan='2'>1</td><td>新建助餐点5个</td><td rowspan='2'>养老服务科</td><td>6月底</td></tr>"
            "<tr><td>提升助餐服务</td><td>12月底</td></tr>"
            "<tr><td colspan='4'>二、社会救助</td></tr></table>")
    (tmp_path / "t.html").write_text(page, encoding="utf-8")
    assert read_source(tmp_path / "t.html").text.split("\n") == [
        "序号 | 工作任务 | 牵头单位 | 完成时限 |",
        "1 | 新建助餐点5个 | 养老服务科 | 6月底 |",
        "1 | 提升助餐服务 | 养老服务科 | 12月底 |",   # the merged cells stand in their columns again
        "二、社会救助 | | | |"]                       # a row across the table keeps the table's width


def test_html_table_without_merged_cells_is_read_cell_by_cell(tmp_path):
    page = ("<meta charset='utf-8'><table><tr><th>序号</th><th>工作任务</th></tr>"
            "<tr><td>1</td><td>新建助餐点5个</td></tr><tr><td>2</td><td></td></tr></table>")
    (tmp_path / "t.html").write_text(page, encoding="utf-8")
    assert read_source(tmp_path / "t.html").text.split("\n") == ["序号 | 工作任务 |", "1 | 新建助餐点5个 |", "2 | |"]
