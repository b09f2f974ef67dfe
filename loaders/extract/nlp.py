"""What every extractor shares on the spaCy side: the char tokenizer, the cached text, spans from offsets.

Modules that only read vocabularies or numbers (`policykg.loaders.metadata`,
`policykg.loaders.numbers`) never import spaCy. Each extractor module registers its
component with spaCy when it is imported (`Language.component` / `Language.factory`)
and offers `add_to_pipeline(nlp)` for a pipeline of its own; `policykg.loaders.extract.run` imports every extractor and
assembles the shared pipeline (`get_nlp`) from the registered names. Nothing is downloaded.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, Span

__all__ = ["TEXT_KEY", "doc_text", "char_spans", "CharTokenizer"]

TEXT_KEY = "policykg_text"


def doc_text(doc: Doc, parsed: Any = None) -> str:
    """The Doc's text without rebuilding it from tokens (`Doc.text` walks every token,
    which costs more than all our components together).

    `run_pipeline` stores the text in `doc.user_data`; a Doc made elsewhere gets it
    built once and kept there.

    Examples:
        >>> import spacy
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


class CharTokenizer:
    """One token per character, like `spacy.blank("zh")`'s `char` segmenter, built directly.

    spaCy's Chinese tokenizer with the char segmenter spends most of its time in
    `get_words_and_spaces` aligning whitespace; plans are short lines of CJK text,
    so making the Doc from the characters as they are (whitespace included as
    tokens) gives the same token boundaries at a fraction of the cost, and token
    offsets equal character offsets.

    Examples:
        >>> import spacy
        >>> [t.text for t in CharTokenizer(spacy.blank("zh").vocab)("新增 6家")]
        ['新', '增', ' ', '6', '家']
    """

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        return Doc(self.vocab, words=list(text), spaces=[False] * len(text))

    # spaCy serialises a pipeline's tokenizer with the pipeline; nothing to save here.
    def to_bytes(self, **_kwargs) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_kwargs) -> CharTokenizer:
        return self

    def to_disk(self, _path, **_kwargs) -> None:
        pass

    def from_disk(self, _path, **_kwargs) -> CharTokenizer:
        return self
