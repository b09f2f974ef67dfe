"""One look for every page: render a template of `pages/templates` (extending base.html) into a
single self-contained HTML string, the stylesheet and scripts inlined, the page's data embedded
as JSON. Nothing in the output is fetched: a page works from a file on an offline intranet.

    render_page("lineage.html", title=…, scripts=["vendor/echarts.min.js", "lineage.js"], data={…})
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources

import jinja2
from markupsafe import Markup

__all__ = ["VENDOR_SCRIPTS", "asset_text", "script_safe", "json_for_script", "render_page"]

# The vendored chart library (pages/assets/vendor, pinned in its package.json): Apache ECharts.
VENDOR_SCRIPTS = ("vendor/echarts.min.js",)
_STYLESHEET = "policykg.css"


@cache
def asset_text(name: str) -> str:
    """The text of a file under pages/assets (shipped as package data), e.g. `policykg.css`."""
    path = resources.files("policykg.pages").joinpath("assets", *name.split("/"))
    return path.read_text(encoding="utf-8")


def script_safe(code: str) -> str:
    """Script text that cannot end its <script> element early: `</` is written `<\\/`, which
    JavaScript reads the same inside strings, regular expressions and comments.

    >>> script_safe('var s = "</script>";')
    'var s = "<\\\\/script>";'
    >>> script_safe("a < b")
    'a < b'
    """
    return code.replace("</", "<\\/")


def json_for_script(data: object) -> str:
    """`data` as JSON that is safe inside an HTML <script> element (no `<`, `>`, `&` or line
    separators that a browser or JavaScript would read differently); Chinese stays readable.

    >>> json_for_script({"title": "</script>养老"})
    '{"title": "\\\\u003c/script\\\\u003e养老"}'
    >>> json.loads(json_for_script(["a&b"]))
    ['a&b']
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, allow_nan=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("policykg.pages", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def render_page(template: str, *, title: str, lang: str = "zh", scripts: Sequence[str] = (),
                data: object = None, **context: object) -> str:
    """The HTML of `template` with the shared stylesheet and the given `scripts` (paths under
    pages/assets, in order) inlined, and `data` embedded as `<script id="page-data"
    type="application/json">` for the page's script to read (`JSON.parse`).

    >>> html = render_page("base.html", title="试一试 <页面>", data={"n": 1})
    >>> "<title>试一试 &lt;页面&gt; · policykg</title>" in html, '{"n": 1}' in html, "http" in html.split("<body")[0]
    (True, True, False)
    """
    return _environment().get_template(template).render(
        title=title, lang=lang,
        stylesheet=Markup(asset_text(_STYLESHEET).replace("</", "<\\/")),
        inline_scripts=[Markup(script_safe(asset_text(name))) for name in scripts],
        page_data=None if data is None else Markup(json_for_script(data)),
        **context)
