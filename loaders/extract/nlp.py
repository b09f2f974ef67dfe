"""Reading a spaCy Doc, as every extractor does, without importing spaCy: the cached text, spans from offsets.

The extractors' rules work on text; their `extract_*` functions read what the
pipeline's components left on a Doc (`doc.spans`, `doc.user_data`) through the Doc
they are given. spaCy itself is imported only where spaCy objects are built: the
char tokenizer and the components (`policykg.loaders.extract.components`) and the
pipeline (`policykg.loaders.extract.run`). So the rules (`bodies.classify_body`,
the citation title rules, the indicator catalogue) load without spaCy.
"""
from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field, fields, is_dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # the types only: the Doc is always given by the caller
    from spacy.tokens import Doc, Span

__all__ = ["TEXT_KEY", "doc_text", "char_spans", "plain_copy", "FoundSpan", "ChunkedFindings", "chunk_bounds"]

TEXT_KEY = "policykg_text"


def doc_text(doc: Doc | ChunkedFindings, parsed: Any = None) -> str:
    """The Doc's text without rebuilding it from tokens (`Doc.text` walks every token,
    which costs more than all our components together).

    `run_pipeline` stores the text in `doc.user_data`; a Doc made elsewhere gets it
    built once and kept there.

    Examples:
        >>> import spacy
        >>> from policykg.loaders.extract.components import CharTokenizer
        >>> doc = CharTokenizer(spacy.blank("zh").vocab)("养老床位")
        >>> doc_text(doc), doc.user_data[TEXT_KEY]
        ('养老床位', '养老床位')
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def char_spans(doc: Doc, offsets: Iterable[tuple[int, int]], label: str) -> list[Span]:
    """spaCy spans for (start, end) character offsets of `doc`, all with `label`.

    Examples:
        >>> import spacy
        >>> from policykg.loaders.extract.components import CharTokenizer
        >>> doc = CharTokenizer(spacy.blank("zh").vocab)("配合市民政局")
        >>> [(s.text, s.label_) for s in char_spans(doc, [(2, 6)], "Department")]
        [('市民政局', 'Department')]
    """
    spans = []
    for start, end in offsets:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans


_ATOMS = (str, int, float, bool, type(None))


def plain_copy(value: Any) -> Any:
    """A deep copy of plain data, with dataclasses turned into dicts: what `dataclasses.asdict` and
    `copy.deepcopy` give for the dicts, lists, tuples, strings and numbers kept in `doc.user_data`,
    built directly (both generic functions cost more than the component whose result they copy).
    Anything else is left to `copy.deepcopy`.

    Examples:
        >>> from policykg.loaders.model import TargetMention
        >>> t = TargetMention(None, 5.0, None, "个", "食堂", "x", "新建", "increment", None, (0, 3), {"evidence": [[0, 3]]})
        >>> d = plain_copy(t)
        >>> d["span"], d["props"], d["props"]["evidence"] is t.props["evidence"]
        ((0, 3), {'evidence': [[0, 3]]}, False)
    """
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {plain_copy(k): plain_copy(v) for k, v in value.items()}
    if kind is list:
        return [plain_copy(v) for v in value]
    if kind is tuple:
        return tuple(plain_copy(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain_copy(getattr(value, f.name)) for f in fields(value)}
    return deepcopy(value)


@dataclass(frozen=True)
class FoundSpan:
    """What an extractor reads of a spaCy Span: its offsets, label and program attributes."""
    start_char: int
    end_char: int
    label_: str
    _: SimpleNamespace = field(default_factory=SimpleNamespace)


@dataclass
class ChunkedFindings:
    """What the pipeline found in a text too long for one Doc, in place of that Doc.

    The `extract_*` functions read only `doc.spans` and `doc.user_data`: this carries the
    spans found chunk by chunk (offsets in the whole text) and the whole text. A span key
    that is absent makes an extractor run its own rule over the whole text, as for a Doc
    made without its component; `run.find_in_chunks` leaves out all but the programs,
    whose listed names need the spaCy matcher.

    Examples:
        >>> found = ChunkedFindings("推进老伙伴计划", {"programs": [FoundSpan(2, 7, "program")]})
        >>> doc_text(found), "programs" in found.spans, "bodies" in found.spans
        ('推进老伙伴计划', True, False)
    """
    text: str
    spans: dict[str, list[FoundSpan]] = field(default_factory=dict)
    user_data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.user_data.setdefault(TEXT_KEY, self.text)


def chunk_bounds(text: str, size: int) -> list[tuple[int, int]]:
    """Cut `text` into pieces of at most `size` characters, each ending at a line break when one is
    in reach (a line is never cut unless it alone is longer than `size`).

    Examples:
        >>> chunk_bounds("ab\\ncd\\nef", 6)
        [(0, 6), (6, 8)]
        >>> chunk_bounds("abcdefg", 3), chunk_bounds("", 3)
        ([(0, 3), (3, 6), (6, 7)], [])
    """
    bounds, start = [], 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut >= start else end
        bounds.append((start, end))
        start = end
    return bounds
