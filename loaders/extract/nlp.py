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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # the types only: the Doc is always given by the caller
    from spacy.tokens import Doc, Span

__all__ = ["TEXT_KEY", "doc_text", "char_spans"]

TEXT_KEY = "policykg_text"


def doc_text(doc: Doc, parsed: Any = None) -> str:
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
