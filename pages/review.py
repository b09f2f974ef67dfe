"""Review page: one document's original text with every extracted entity highlighted.

Entities are read back from the stored graph (not re-extracted), so the page shows exactly
what analysts will query: targets, owners (explicit ones; inferred owners are listed in the
owners table, since they have no words of their own), leaders, bodies named in the text,
programs, citations and section headings. Each highlight carries its offsets into the
original text (data-start, data-end) and what was read there (on hover).

On the shared look (pages/render.py): a table of contents by section, filters by entity
type, a conflicts panel (one document, two values for one indicator), the unmapped metrics
(targets whose metric matched no catalogue indicator) and the task owners. The text reads as
the document's own with its hard wraps joined: a line break inside a sentence (a PDF or Word
export cutting lines) is dropped, one between paragraphs is one line break, never a run of
blank lines; which breaks end a paragraph is what the loaders' normalised view says
(`loaders.normalise`), so the page and the extractors read the same paragraphs.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from policykg.graph import statements
from policykg.graph.store import GraphStore
from policykg.loaders.normalise import is_cjk_context, normalise
from policykg.pages.render import render_page
from policykg.queries import run_query

__all__ = ["ENTITY_STYLES", "DocumentNotFound", "find_document", "collect_entities", "owner_rows",
           "paragraph_ends", "render_text", "Heading", "table_of_contents", "review_page"]

# label → (colour, description); order = priority when two entities overlap.
ENTITY_STYLES = {
    "TARGET": ("#ffd54f", "量化目标 quantitative target"),
    "LEADER": ("#f48fb1", "牵头领导 leader"),
    "DEPARTMENT": ("#81d4fa", "责任部门 responsible department (explicit)"),
    "BODY": ("#b3e5fc", "文中提及的机构 body named in the text"),
    "PROGRAM": ("#a5d6a7", "项目 program"),
    "CITATION": ("#ce93d8", "引用文件 cited document"),
    "SECTION": ("#e0e0e0", "章节标题 section heading"),
}


class DocumentNotFound(ValueError):
    pass


def find_document(store: GraphStore, name: str) -> dict:
    """The document whose source or id is `name` (with its original text); DocumentNotFound names the loaded ones."""
    rows = store.query(statements.REVIEW_DOCUMENT, {"n": name}).records()
    if not rows:
        known = [r[0] for r in store.query(statements.DOCUMENT_NAMES).rows]
        raise DocumentNotFound(f"no document named {name!r} in the graph; loaded: {', '.join(known) or 'none'}")
    return rows[0]


def _tooltip(label: str, r: dict) -> str:
    """What a highlight of `label` says on hover, from the row of its REVIEW_ENTITIES statement.

    >>> _tooltip("TARGET", {"v": 600.0, "u": "张", "i": "养老床位"})
    '600张 · 养老床位'
    >>> _tooltip("SECTION", {"p": "一/（二）", "t": None})
    '一/（二） · no theme'
    """
    if label == "TARGET":
        return f"{_num(r['v'])}{r['u'] or ''} · {r['i']}"
    if label in ("DEPARTMENT", "BODY"):
        return r["k"] or ""
    if label == "SECTION":
        return f"{r['p']} · {r['t'] or 'no theme'}"
    return r["n"] if label in ("LEADER", "PROGRAM") else r["t"]


def collect_entities(store: GraphStore, doc_id: str) -> list[dict]:
    """Every evidence span of the document, labelled, with a short description for the tooltip."""
    ents = []
    for label, cypher in statements.REVIEW_ENTITIES.items():
        for r in store.query(cypher, {"d": doc_id}).records():
            ents.append((label, r["s"], r["e"], _tooltip(label, r)))
    return _without_overlaps(ents)


def _without_overlaps(ents: list[tuple]) -> list[dict]:
    """Highlights cannot nest: keep higher-priority, then longer, spans.

    >>> _without_overlaps([("SECTION", 0, 10, "一"), ("TARGET", 2, 5, "600张"), ("LEADER", 4, 8, "王五")])
    [{'start': 2, 'end': 5, 'label': 'TARGET', 'note': '600张'}]
    """
    priority = {label: i for i, label in enumerate(ENTITY_STYLES)}
    taken: list[tuple[int, int]] = []
    kept = []
    for label, s, e, note in sorted(ents, key=lambda x: (priority[x[0]], -(x[2] - x[1]), x[1])):
        if s is None or e is None or e <= s or any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        kept.append({"start": s, "end": e, "label": label, "note": note})
    return sorted(kept, key=lambda x: x["start"])


def owner_rows(store: GraphStore, doc_id: str) -> list[dict]:
    """Every owner of every task of the document, explicit or inferred (with its rule), in document order."""
    return store.query(statements.REVIEW_OWNERS, {"d": doc_id}).records()


# -- the text, hard wraps joined -------------------------------------------------------------------

_BREAK = re.compile(r"[^\S\n]*\n\s*")


def paragraph_ends(original: str) -> set[int]:
    """Offsets of the characters that end a paragraph, heading or table row of `original`, as the
    loaders' normalised view reads it: a line break after one of them is a paragraph break, any other
    line break a hard wrap.

    >>> text = "一、养老服务\\n新增床位，\\n\\n300张。\\n"
    >>> sorted(paragraph_ends(text)), text[5], text[18]
    ([5, 18], '务', '。')
    """
    view = normalise(original)
    return {view.origin[i - 1] for i, ch in enumerate(view.text) if ch == "\n" and i > 0}


def _joined(original: str, start: int, end: int, ends: set[int]) -> str:
    """original[start:end], escaped, with line breaks as the page shows them (see the module docstring)."""
    out, pos = [], start
    for m in _BREAK.finditer(original, start, end):
        out.append(html.escape(original[pos:m.start()]))
        before, after = m.start() - 1, m.end()
        if before in ends or before < 0:
            out.append("<br>" if before >= 0 and after < len(original) else "")
        elif after < len(original) and not (is_cjk_context(original[before]) or is_cjk_context(original[after])):
            out.append(" ")      # a wrap between Latin words or numbers keeps one space
        pos = m.end()
    out.append(html.escape(original[pos:end]))
    return "".join(out)


def render_text(original: str, ents: list[dict], anchors: dict[int, str] | None = None) -> str:
    """The document's text as HTML: every entity a <mark> with its label, offsets and hover note,
    an empty anchor at each offset of `anchors` (offset → id), hard wraps joined.

    >>> render_text("新增床位，\\n300张。\\n", [{"start": 6, "end": 10, "label": "TARGET", "note": "300张"}], {0: "s1"})
    '<a class="rv-anchor" id="s1"></a>新增床位，<mark class="entity" id="m-6" data-label="TARGET" data-start="6" \
data-end="10" title="TARGET: 300张">300张<span class="rv-label">TARGET</span></mark>。'
    """
    ends = paragraph_ends(original)
    placed: dict[int, list[str]] = {}
    for offset, anchor in (anchors or {}).items():
        # an anchor inside a highlight goes just before it
        inside = next((e["start"] for e in ents if e["start"] < offset < e["end"]), offset)
        placed.setdefault(inside, []).append(anchor)
    events: list[tuple[int, int, Any]] = [(o, 0, a) for o, names in placed.items() for a in names]
    events += [(e["start"], 1, e) for e in ents]
    events.sort(key=lambda event: (event[0], event[1]))
    out, pos = [], 0
    for offset, kind, item in events:
        out.append(_joined(original, pos, max(offset, pos), ends))
        pos = max(offset, pos)
        if kind == 0:
            out.append(f'<a class="rv-anchor" id="{html.escape(item)}"></a>')
            continue
        s, e = item["start"], item["end"]
        note = html.escape(f"{item['label']}: {item['note']}", quote=True)
        out.append(f'<mark class="entity" id="m-{s}" data-label="{item["label"]}" data-start="{s}" data-end="{e}" '
                   f'title="{note}">{_joined(original, s, e, ends)}<span class="rv-label">{item["label"]}</span></mark>')
        pos = e
    out.append(_joined(original, pos, len(original), ends))
    return "".join(out)


@dataclass(frozen=True)
class Heading:
    anchor: str
    path: str
    depth: int
    title: str
    start: int


def table_of_contents(original: str, sections: list[dict]) -> list[Heading]:
    """The document's sections in order, each with its heading text and an anchor id.

    >>> sections = [{"s": 2, "e": 4, "p": "一"}, {"s": 5, "e": 10, "p": "一/（一）"}]
    >>> [(h.title, h.depth, h.anchor) for h in table_of_contents("一、养老\\n（一）床位\\n", sections)]
    [('一 养老', 0, 'sec-2'), ('（一）床位', 1, 'sec-5')]
    """
    out = []
    for r in sorted((r for r in sections if r["s"] is not None), key=lambda r: r["s"]):
        title = "".join(original[r["s"]:r["e"]].split())
        marker = (r["p"] or "").split("/")[-1]
        if marker and not title.startswith(marker):     # the heading's span leaves its number (一、) out
            title = f"{marker} {title}"
        out.append(Heading(f"sec-{r['s']}", r["p"] or "", (r["p"] or "").count("/"), title, r["s"]))
    return out


def review_page(store: GraphStore, name: str) -> str:
    """The review page of document `name` (source or id), self-contained HTML."""
    doc = find_document(store, name)
    ents = collect_entities(store, doc["id"])
    sections = store.query(statements.REVIEW_ENTITIES["SECTION"], {"d": doc["id"]}).records()
    toc = table_of_contents(doc["text"], sections)
    text = render_text(doc["text"], ents, {h.start: h.anchor for h in toc})
    conflicts = run_query(store, "conflicts", {"source": doc["source"]}).records()
    unmapped = [u for u in run_query(store, "gaps", {"include_unmapped": True}).records()
                if u["indicator"] == "unmapped" and u["source"] == doc["source"]]
    owners = owner_rows(store, doc["id"])
    counts = {label: sum(1 for e in ents if e["label"] == label) for label in ENTITY_STYLES}
    meta = " · ".join(str(v) for v in (doc["region"], doc["year"], doc["issuer"], doc["doc_number"]) if v)
    return render_page(
        "review.html", title=f"Review · {doc['title'] or doc['source']}", scripts=["review.js"],
        doc=doc, meta=meta, styles=ENTITY_STYLES, counts=counts, toc=toc, text=Markup(text),
        conflicts=conflicts, unmapped=unmapped, owners=owners, marked={e["start"] for e in ents},
        how_owned=_how_owned, number=_num, generated_note="审阅页：实体取自已存储的图谱，偏移量指向原文")


def _how_owned(r: dict) -> str:
    """The owners table's last cell: explicit, or inferred with its rule.

    >>> _how_owned({"inferred": True, "rule": "theme:养老服务"}), _how_owned({"inferred": False, "rule": None})
    ('inferred: theme:养老服务', 'explicit')
    """
    return "inferred: " + (r["rule"] or "") if r["inferred"] else "explicit"


def _num(value) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)
