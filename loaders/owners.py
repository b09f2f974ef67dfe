"""Owners that a plan writes down for its tasks.

`extract_explicit_owners(view, tasks)` reads
* owner annotations in a task's text, e.g.
  `（牵头领导：徐敏，责任部门：局养老服务科、区婚姻（收养）登记中心）` — bracketed or not,
  full- or half-width, fields separated by `，` or `；`;
* owner columns of table rows (`牵头单位`, `责任部门`, `负责人` … from `Task.columns`).

One OwnerMention per name, with the span of the name in the normalised text.
Labels, the label → role map, separators and generic phrases live in
`vocab/owners.yaml`. Names are split at separators outside brackets, so
`区婚姻（收养）登记中心` stays one department.
"""
from __future__ import annotations

import re
from functools import lru_cache

from loaders.model import OwnerMention, Task
from loaders.structure import bracket_depths, punctuation, row_cell_spans, squash
from loaders.textview import TextView
from loaders.vocabulary import alternation, load_vocab


def role_of_column(header: str) -> tuple[str, str] | None:
    """(label, role) for an owner column header such as `责任部门（单位）`; None otherwise."""
    columns = load_vocab("owners")["columns"]
    header = squash(header)
    labels = [label for label in columns if header.startswith(label)] or [label for label in columns if label in header]
    if not labels:
        return None
    label = max(labels, key=len)
    return label, columns[label]


def is_generic(name: str) -> bool:
    generic = load_vocab("owners")["generic"]
    return any(m in name for m in generic["markers"]) or name in generic["phrases"]


def department_kind(name: str) -> str | None:
    if is_generic(name):
        return "generic"
    best, best_len = None, 0
    for kind, endings in load_vocab("owners")["kinds"].items():
        for ending in endings:
            if name.endswith(ending) and len(ending) > best_len:
                best, best_len = kind, len(ending)
    return best


def _split_at(text: str, start: int, end: int, separators: set[str]) -> list[tuple[int, int]]:
    """Split a range at separator characters outside brackets."""
    depths = bracket_depths(text, start, end)
    pieces, piece_start = [], start
    for i in range(start, end):
        if text[i] in separators and depths[i - start] == 0:
            pieces.append((piece_start, i))
            piece_start = i + 1
    pieces.append((piece_start, end))
    return pieces


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    junk = set(load_vocab("owners")["separators"]) | punctuation().sentence_end
    while start < end and (text[start].isspace() or text[start] in junk):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in junk):
        end -= 1
    return start, end


def _split_conjunctions(text: str, start: int, end: int, role: str) -> list[tuple[int, int]]:
    """`A和B` → A, B when the conjunction joins two names rather than sitting inside one."""
    vocab = load_vocab("owners")
    piece = text[start:end]
    if role == "department" and any(piece.startswith(m) for m in vocab["generic"]["markers"]):
        return [(start, end)]  # `相关科室和局属单位`: one collective owner
    depths = bracket_depths(text, start, end)
    for conj in vocab["conjunctions"]:
        pos = text.find(conj, start, end)
        while pos != -1:
            left, right = squash(text[start:pos]), squash(text[pos + len(conj):end])
            joins_names = left and right and depths[pos - start] == 0 and (
                any(left.endswith(s) for s in vocab["org_suffixes"]) if role == "department"
                else len(left) >= 2 and len(right) >= 2)
            if joins_names:
                return (_split_conjunctions(text, start, pos, role)
                        + _split_conjunctions(text, pos + len(conj), end, role))
            pos = text.find(conj, pos + 1, end)
    return [(start, end)]


def owner_names(text: str, start: int, end: int, role: str) -> list[tuple[int, int]]:
    """Spans of the names listed in one annotation value or table cell."""
    separators = set(load_vocab("owners")["separators"])
    names = []
    for s, e in _split_at(text, start, end, separators):
        s, e = _strip(text, s, e)
        if s == e:
            continue
        for cs, ce in _split_conjunctions(text, s, e, role):
            cs, ce = _strip(text, cs, ce)
            if any(ch.isalnum() for ch in text[cs:ce]):  # a `—` or `/` placeholder names no one
                names.append((cs, ce))
    return names


def _mention(text: str, task: Task, span: tuple[int, int], label: str, role: str, rule: str) -> OwnerMention:
    written = text[span[0]:span[1]]
    name = squash(written)
    generic = role == "department" and is_generic(name)
    return OwnerMention(task=task.path, role=role, name=name, written=written, column=label, span=span,
                        generic=generic, inferred=False, rule=rule,
                        kind=department_kind(name) if role == "department" else None)


@lru_cache(maxsize=None)
def field_label_pattern() -> re.Pattern:
    """Any annotation field label with its colon: owner labels and the other fields (完成时限：)."""
    vocab = load_vocab("owners")
    labels = list(vocab["columns"]) + list(vocab["other_fields"])
    return re.compile(f"(?:{alternation(labels)})\\s*[{re.escape(''.join(vocab['colons']))}]")


def annotation_fields(text: str, start: int, end: int) -> list[tuple[str, str, int, int]]:
    """(label, role, value start, value end) of every owner label in a range.

    A label counts where it starts a clause (after an opening bracket, a separator or
    the start of the range), so prose such as `明确责任部门：` is left alone. Other fields
    (`完成时限：`) end the owner field before them and are not returned.
    """
    vocab = load_vocab("owners")
    allowed = set(vocab["label_preceded_by"]) | set(punctuation().closer_of)
    hits = []
    for m in field_label_pattern().finditer(text, start, end):
        if m.start() > start and text[m.start() - 1] not in allowed:
            continue
        label = squash(text[m.start():m.end()]).rstrip("".join(vocab["colons"]))
        hits.append((m.start(), m.end(), label))
    fields = []
    for k, (_, value_start, label) in enumerate(hits):
        if label not in vocab["columns"]:
            continue
        limit = hits[k + 1][0] if k + 1 < len(hits) else end
        fields.append((label, vocab["columns"][label], value_start, _value_end(text, value_start, limit)))
    return fields


def _value_end(text: str, start: int, limit: int) -> int:
    """Where an annotation value stops: the closing bracket around the annotation,
    a `。`, the end of the line, or the next label (`limit`); `；` only separates fields."""
    punct = punctuation()
    depth = 0
    for i in range(start, limit):
        ch = text[i]
        if ch == "\n" or (depth == 0 and (ch in punct.closers or (ch in punct.sentence_end and ch not in "；;"))):
            return i
        if ch in punct.closer_of:
            depth += 1
        elif ch in punct.closers:
            depth -= 1
    return limit


def extract_explicit_owners(view: TextView, tasks: list[Task]) -> list[OwnerMention]:
    """Every owner a task's own text or table row names, one mention per name."""
    text = view.text
    mentions: list[OwnerMention] = []
    for task in tasks:
        if task.kind == "row":
            cells = row_cell_spans(text, *_row_line(text, task.span))
            for (header, _), (s, e) in zip(task.columns.items(), cells):
                owner_column = role_of_column(header)
                if owner_column is None or s == e:
                    continue
                label, role = owner_column
                for span in owner_names(text, s, e, role):
                    mentions.append(_mention(text, task, span, label, role, "table_column"))
            continue
        for label, role, s, e in annotation_fields(text, *task.span):
            for span in owner_names(text, s, e, role):
                mentions.append(_mention(text, task, span, label, role, "annotation"))
    return mentions


def _row_line(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The whole line of a table row (its cells, including empty leading ones)."""
    start = text.rfind("\n", 0, span[0]) + 1
    end = text.find("\n", span[1])
    return start, len(text) if end == -1 else end
