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


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store("ladybug", db_path=str(tmp_path_factory.mktemp("review") / "g.lbdb"))
    load_paths([str(SEEDS / "jingan-2025.txt"), str(SEEDS / "jinshan-2025.txt")], s)
    yield s
    s.close()


def test_page_is_self_contained_and_highlights_entities(store):
    page = review_page(store, "jinshan-2025")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<script" not in page.lower()
    labels = re.findall(r"<span[^>]*>(TARGET|LEADER|DEPARTMENT|BODY|PROGRAM|CITATION|SECTION)</span>", page)
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
    assert [m[0] for m in marks] == [original[e["start"]:e["end"]].strip() for e in ents]
    # Each highlight leads back to the original text by its own offsets.
    assert all(original[start:end].strip() == text for text, start, end in marks)
    # Every highlight is on screen: laid out with a size (not collapsed or hidden).
    sizes = page.eval_on_selector_all("#text mark.entity", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(sizes) == len(ents) and min(sizes) > 0
    owners = page.eval_on_selector_all("#owners tbody tr", "rows => rows.length")
    assert owners > 0
    shot = tmp_path / "review.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000                      # a rendered page, not a blank one
