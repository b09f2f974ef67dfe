"""The review page: self-contained HTML with every extracted entity highlighted."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.graph.store import open_store
from policykg.app import load_paths
from policykg.pages.review import DocumentNotFound, collect_entities, review_page

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def joined(text: str) -> str:
    """A span as the page shows it: hard wraps (line breaks with the spaces around them) dropped."""
    return re.sub(r"[^\S\n]*\n\s*", "", text).strip()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store("ladybug", db_path=str(tmp_path_factory.mktemp("review") / "g.lbdb"))
    load_paths([str(SEEDS / "jingan-2025.txt"), str(SEEDS / "jinshan-2025.txt"), str(SEEDS / "changning-2025.txt")], s)
    yield s
    s.close()


def test_page_is_self_contained_and_highlights_entities(store):
    page = review_page(store, "jinshan-2025")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert not re.search(r"<script[^>]*\bsrc=", page, re.I)          # its one script is inline
    labels = re.findall(r'<mark class="entity"[^>]*data-label="(\w+)"', page)
    assert {"TARGET", "LEADER", "DEPARTMENT", "CITATION", "SECTION"} <= set(labels)
    assert "区婚姻（收养）登记中心" in page


def test_entities_do_not_overlap_and_point_into_the_text(store):
    doc = store.query("MATCH (d:Document {source: 'jingan-2025'}) RETURN d.id, d.text").rows[0]
    ents = collect_entities(store, doc[0])
    assert sum(e["label"] == "TARGET" for e in ents) >= 15
    for a, b in zip(ents, ents[1:]):
        assert a["end"] <= b["start"]
    assert all(0 <= e["start"] < e["end"] <= len(doc[1]) for e in ents)


def test_inferred_owners_are_listed(store):
    page = review_page(store, "jingan-2025")
    assert "inferred: " in page


def test_unknown_document_names_the_loaded_ones(store):
    with pytest.raises(DocumentNotFound, match="jingan-2025"):
        review_page(store, "nope")


def test_cli_writes_the_page(tmp_path):
    db = tmp_path / "g.lbdb"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db), "load", str(SEEDS / "changning-2025.txt"), "--quiet"]).exit_code == 0
    out = tmp_path / "r.html"
    result = runner.invoke(main, ["--db", str(db), "review", "changning-2025", "--out", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = runner.invoke(main, ["--db", str(db), "review", "nope", "--out", str(out)])
    assert result.exit_code != 0 and "changning-2025" in result.stderr


# -- in a real browser -----------------------------------------------------------------------

def test_review_page_in_headless_chromium(store, tmp_path, open_page):
    """Rendered by Chromium, offline: nothing is fetched, no script errors, Chinese glyphs from a
    real CJK font, one highlight per entity, and the text reads as the document's own."""
    doc = store.query("MATCH (d:Document {source: 'jinshan-2025'}) RETURN d.id, d.text").rows[0]
    ents = collect_entities(store, doc[0])
    path = tmp_path / "review.html"
    path.write_text(review_page(store, "jinshan-2025"), encoding="utf-8")
    opened = open_page(path)
    page = opened.page
    assert opened.refused == [] and opened.errors == [] and opened.console_errors == []
    assert page.title().startswith("Review · ")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '民政')")
    marks = page.eval_on_selector_all(
        "#text mark.entity", "els => els.map(e => [e.firstChild.textContent.trim(), +e.dataset.start, +e.dataset.end])")
    original = doc[1]
    # The page joins hard-wrapped lines, so a highlight reads as its original span without the line breaks.
    assert [m[0] for m in marks] == [joined(original[e["start"]:e["end"]]) for e in ents]
    # Each highlight leads back to the original text by its own offsets.
    assert all(joined(original[start:end]) == text for text, start, end in marks)
    # Every highlight is on screen: laid out with a size (not collapsed or hidden).
    sizes = page.eval_on_selector_all("#text mark.entity", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(sizes) == len(ents) and min(sizes) > 0
    owners = page.eval_on_selector_all("#owners tbody tr", "rows => rows.length")
    assert owners > 0
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "review.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000                      # a rendered page, not a blank one


def test_review_page_has_contents_filters_conflicts_and_unmapped(store, tmp_path, open_page):
    """The table of contents lists every section and leads to it; a filter switches one entity type's
    highlights off; the conflicts panel lists the document's conflicting targets, the unmapped panel its
    unmapped metrics, each leading to its highlight."""
    doc_id = store.query("MATCH (d:Document {source: 'jingan-2025'}) RETURN d.id").rows[0][0]
    sections = store.query("MATCH (s:Section) WHERE s.doc_id = $d RETURN count(s)", {"d": doc_id}).rows[0][0]
    conflicts = store.query("MATCH (g:Target) WHERE g.doc_id = $d AND g.conflict = true RETURN g.start_offset",
                            {"d": doc_id}).rows
    unmapped = store.query("MATCH (g:Target) WHERE g.doc_id = $d AND g.indicator = 'unmapped' RETURN count(g)",
                           {"d": doc_id}).rows[0][0]
    path = tmp_path / "review.html"
    path.write_text(review_page(store, "jingan-2025"), encoding="utf-8")
    opened = open_page(path)
    page = opened.page
    assert opened.refused == [] and opened.errors == [] and opened.console_errors == []
    links = page.eval_on_selector_all("#toc a", "els => els.map(a => a.getAttribute('href'))")
    assert len(links) == sections > 10
    assert all(page.locator(href).count() == 1 for href in links)
    page.click("#toc a >> nth=3")
    assert page.evaluate("location.hash") == links[3]
    background = "e => getComputedStyle(e).backgroundColor"
    assert page.eval_on_selector('#text mark[data-label="TARGET"]', background) != "rgba(0, 0, 0, 0)"
    page.uncheck('#filters input[data-label="TARGET"]')
    assert page.eval_on_selector('#text mark[data-label="TARGET"]', background) == "rgba(0, 0, 0, 0)"
    assert page.eval_on_selector('#text mark[data-label="SECTION"]', background) != "rgba(0, 0, 0, 0)"
    assert conflicts and page.locator("#conflicts tbody tr").count() == len(conflicts)
    for (start,) in conflicts:
        assert page.locator(f'#conflicts a[href="#m-{start}"]').count() == 1 and page.locator(f"#m-{start}").count() == 1
    assert page.locator("#unmapped tbody tr .pk-muted").count() == (0 if unmapped else 1)


def test_hard_wrapped_sources_read_without_runs_of_blank_lines(store, tmp_path, open_page):
    """changning-2025 breaks every line inside its sentences with a blank line between: the page joins
    them, so the text holds one line break per paragraph and never two in a row."""
    original = store.query("MATCH (d:Document {source: 'changning-2025'}) RETURN d.text").rows[0][0]
    assert original.count("\n\n") > 100
    html = review_page(store, "changning-2025")
    start = html.index('<section class="pk-card" id="text">')
    text = html[start:html.index("</section>", start)]
    assert not re.search(r"<br>\s*<br>", text) and "\n" not in text
    path = tmp_path / "review.html"
    path.write_text(html, encoding="utf-8")
    shown = open_page(path).page.inner_text("#text")
    assert "\n\n" not in shown
    # the sentence a hard wrap cut reads whole, and each paragraph keeps its own line
    assert "养老护理员持证率达95%" in shown and "力争2025 年底" in shown
    assert shown.count("\n") < original.count("\n") / 3
