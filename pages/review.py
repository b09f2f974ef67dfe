"""Review page: one document's original text with every extracted entity highlighted.

Entities are read back from the stored graph (not re-extracted), so the page
shows exactly what analysts will query: targets, owners (explicit ones; inferred
owners are listed in the table below the text, since they have no words of their
own), leaders, bodies named in the text, programs, citations and section headings.
Rendered with spaCy's displaCy (inline styles, no external resources).
"""
from __future__ import annotations

import html

from spacy import displacy

from policykg.graph import statements
from policykg.graph.store import GraphStore

__all__ = ["ENTITY_STYLES", "DocumentNotFound", "find_document", "collect_entities", "owner_rows", "review_page"]

# label → (colour, description); order = priority when two entities overlap.
ENTITY_STYLES = {
    "TARGET": ("#ffd54f", "quantitative target"),
    "LEADER": ("#f48fb1", "leader (牵头领导/负责人)"),
    "DEPARTMENT": ("#81d4fa", "responsible department (explicit)"),
    "BODY": ("#b3e5fc", "body named in the text"),
    "PROGRAM": ("#a5d6a7", "program"),
    "CITATION": ("#ce93d8", "cited document"),
    "SECTION": ("#e0e0e0", "section heading"),
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
    """displaCy's entity view cannot nest spans: keep higher-priority, then longer, spans.

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


def review_page(store: GraphStore, name: str) -> str:
    doc = find_document(store, name)
    ents = collect_entities(store, doc["id"])
    colours = {label: colour for label, (colour, _) in ENTITY_STYLES.items()}
    body = displacy.render({"text": doc["text"], "ents": ents, "title": None}, style="ent", manual=True,
                           page=False, options={"colors": colours, "ents": list(ENTITY_STYLES)})
    body = _with_evidence_attributes(body, ents)
    counts = {label: sum(1 for e in ents if e["label"] == label) for label in ENTITY_STYLES}
    legend = "".join(
        f'<li><mark style="background:{c}">{label}</mark> {html.escape(desc)} — {counts[label]}</li>'
        for label, (c, desc) in ENTITY_STYLES.items())
    owners = "".join(
        f"<tr><td>{html.escape(r['path'] or '')}</td><td>{html.escape(r['title'] or '')}</td>"
        f"<td>{html.escape(r['department'] or '')}</td><td>{_how_owned(r)}</td></tr>"
        for r in owner_rows(store, doc["id"]))
    meta = " · ".join(html.escape(str(v)) for v in (doc["region"], doc["year"], doc["issuer"], doc["doc_number"]) if v)
    title = html.escape(doc["title"] or doc["source"])
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>Review · {title}</title>
<style>
{_STYLE}
</style></head>
<body>
<h1>{title}</h1>
<p class="meta">{meta} · source <code>{html.escape(doc['source'])}</code> · id <code>{html.escape(doc['id'])}</code></p>
<ul class="legend">{legend}</ul>
<section id="text">{body}</section>
<h2>Task owners</h2>
<table id="owners">{_OWNERS_HEAD}<tbody>{owners}</tbody></table>
</body></html>
"""


_STYLE = (
    'body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; '
    "margin: 2rem auto; max-width: 70rem; padding: 0 1rem; }\n"
    "ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; }\n"
    "table { border-collapse: collapse; width: 100%; font-size: .9em; } "
    "td, th { border-bottom: 1px solid #ddd; padding: .3rem; text-align: left; }"
)
_OWNERS_HEAD = "<thead><tr><th>task</th><th>title</th><th>department</th><th>how</th></tr></thead>"


def _how_owned(r: dict) -> str:
    """The owners table's last cell: explicit, or inferred with its rule.

    >>> _how_owned({"inferred": True, "rule": "theme:养老服务"}), _how_owned({"inferred": False, "rule": None})
    ('inferred: theme:养老服务', 'explicit')
    """
    return "inferred: " + html.escape(r["rule"] or "") if r["inferred"] else "explicit"


_MARK = '<mark class="entity"'


def _with_evidence_attributes(body: str, ents: list[dict]) -> str:
    """Each highlight says where it is in the original text (data-start, data-end) and what was
    read there (title, shown on hover). displaCy renders the entities in order, one <mark> each."""
    parts = body.split(_MARK)
    if len(parts) - 1 != len(ents):
        raise ValueError(f"displaCy rendered {len(parts) - 1} highlights for {len(ents)} entities")
    out = [parts[0]]
    for ent, rest in zip(ents, parts[1:]):
        note = html.escape(f"{ent['label']}: {ent['note']}", quote=True)
        out.append(f'<mark class="entity" data-label="{ent["label"]}" data-start="{ent["start"]}" '
                   f'data-end="{ent["end"]}" title="{note}"{rest}')
    return "".join(out)


def _num(value) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)
