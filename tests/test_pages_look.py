"""The shared look of every page: one template, one stylesheet, the vendored chart library
inlined, nothing fetched."""
import json
import re
from pathlib import Path

import pytest

from policykg.pages.render import VENDOR_SCRIPTS, render_page

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "pages" / "assets" / "vendor"


@pytest.mark.npm
def test_the_committed_chart_library_is_the_pinned_npm_packages_build_byte_for_byte():
    pinned = json.loads((VENDOR / "package.json").read_text())["dependencies"]["echarts"]
    lock = json.loads((VENDOR / "package-lock.json").read_text())["packages"]["node_modules/echarts"]
    installed = VENDOR / "node_modules" / "echarts"
    assert installed.is_dir(), "run `make dev` (npm ci in pages/assets/vendor)"
    assert lock["version"] == pinned == json.loads((installed / "package.json").read_text())["version"]
    assert (VENDOR / "echarts.min.js").read_bytes() == (installed / "dist" / "echarts.min.js").read_bytes()
    assert (VENDOR / "LICENSE-echarts").read_bytes() == (installed / "LICENSE").read_bytes()
    assert (VENDOR / "NOTICE-echarts").read_bytes() == (installed / "NOTICE").read_bytes()


def test_a_page_inlines_the_stylesheet_scripts_and_data_and_escapes_what_it_is_given():
    page = render_page("base.html", title="<b>养老</b>", scripts=VENDOR_SCRIPTS, data={"x": "</script><b>"})
    assert "<title>&lt;b&gt;养老&lt;/b&gt; · policykg</title>" in page
    assert "--pk-font" in page and "@page { size: A4" in page
    assert page.count("</script>") == page.count("<script")   # nothing inlined closes its element early
    assert "<b>" not in page
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S)   # the library's own strings aside
    assert not re.search(r"<(script|img|iframe|link)\b[^>]*\b(src|href)=", markup)


def test_a_page_opens_offline_with_the_chart_library_working(open_page, tmp_path):
    path = tmp_path / "base.html"
    path.write_text(render_page("base.html", title="试", scripts=VENDOR_SCRIPTS, data={"n": [1, 2]}), encoding="utf-8")
    opened = open_page(path)
    assert opened.refused == [] and opened.errors == [] and opened.console_errors == []
    assert opened.page.evaluate("typeof echarts.init") == "function"
    assert opened.page.evaluate("JSON.parse(document.getElementById('page-data').textContent).n") == [1, 2]
    font = opened.page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font
