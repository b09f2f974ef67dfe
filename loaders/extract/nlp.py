"""The one spaCy pipeline: `spacy.blank("zh")` (char segmenter) plus rule components.

Each extractor module contributes its components through `add_to_pipeline(nlp)`;
the pipeline is built once per process. Nothing is downloaded.
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.tokens import Doc

# Order matters: entity rulers first, then components that read their spans.
_COMPONENT_MODULES = ("bodies", "programs", "citations", "targets")


TEXT_KEY = "policykg_text"


def doc_text(doc, parsed=None) -> str:
    """The Doc's text without rebuilding it from tokens (`Doc.text` walks every token,
    which costs more than all our components together).

    `run_pipeline` stores the text in `doc.user_data`; a Doc made elsewhere gets it
    built once and kept there.
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def char_spans(doc, offsets, label: str) -> list:
    """spaCy spans for (start, end) character offsets of `doc`, all with `label`."""
    spans = []
    for start, end in offsets:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans


def run_pipeline(text: str):
    """Tokenise `text` and run every component, with the text cached for them."""
    nlp = get_nlp()
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    for _name, component in nlp.pipeline:
        doc = component(doc)
    return doc


class CharTokenizer:
    """One token per character, like `spacy.blank("zh")`'s `char` segmenter, built directly.

    spaCy's Chinese tokenizer with the char segmenter spends most of its time in
    `get_words_and_spaces` aligning whitespace; plans are short lines of CJK text,
    so making the Doc from the characters as they are (whitespace included as
    tokens) gives the same token boundaries at a fraction of the cost, and token
    offsets equal character offsets.
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


@lru_cache(maxsize=1)
def get_nlp() -> spacy.language.Language:
    import importlib

    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    for name in _COMPONENT_MODULES:
        module = importlib.import_module(f"loaders.extract.{name}")
        module.add_to_pipeline(nlp)
    return nlp
