"""The spaCy side of the extractors: the char tokenizer and the four pipeline components.

Each component is a thin wrapper: it runs an extractor's rules over the Doc's text
and says what it assigns (`assigns=`, which `nlp.analyze_pipes()` reports). The rules
live in plain functions of the extractor modules, which never import spaCy, so that
what only needs a rule (`bodies.classify_body` when building records, the indicator
catalogue when deriving) loads without spaCy.

Importing this module registers the components with spaCy under the names of the
extractors' `COMPONENT`; the package also declares them as `spacy_factories` entry
points, so that an extractor's `add_to_pipeline(nlp)` finds its component in any
`spacy.blank` pipeline. `policykg.loaders.extract.run` assembles the shared pipeline.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from policykg.loaders.extract import bodies, citations, programs, targets
from policykg.loaders.extract.nlp import char_spans, doc_text, plain_copy

__all__ = ["CharTokenizer", "bodies_component", "citations_component", "ProgramFinder", "make_program_finder",
           "targets_component"]

if not Span.has_extension("program_name"):
    Span.set_extension("program_name", default=None)
    Span.set_extension("program_rule", default=None)


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


@Language.component(bodies.COMPONENT, assigns=["doc.spans"])
def bodies_component(doc: Doc) -> Doc:
    """Sets doc.spans["bodies"]: candidate names of government bodies (`bodies.find_body_spans`), label Department."""
    doc.spans[bodies.SPAN_KEY] = char_spans(doc, bodies.find_body_spans(doc_text(doc)), bodies.LABEL)
    return doc


@Language.component(citations.COMPONENT, assigns=["doc.spans"])
def citations_component(doc: Doc) -> Doc:
    """Sets doc.spans["citations"]: every balanced 《…》 (`citations.find_titles`), label PolicyDocument."""
    doc.spans[citations.SPAN_KEY] = char_spans(doc, citations.find_titles(doc_text(doc)), citations.LABEL)
    return doc


class ProgramFinder:
    """Sets doc.spans["programs"]: the programs of `programs.find_programs`, labelled with their kind,
    with `span._.program_name` and `span._.program_rule`; the listed names that are matched without
    quotes (`match_unquoted`) are found with a PhraseMatcher."""

    def __init__(self, nlp: Language):
        self.matcher = PhraseMatcher(nlp.vocab)
        patterns = [nlp.make_doc(w) for w in programs.vocab().unquoted]
        if patterns:
            self.matcher.add("listed_program", patterns)

    def unquoted_spans(self, doc: Doc) -> list[tuple[int, int]]:
        """Character offsets of the listed names in `doc`, quoted or not (find_programs decides)."""
        return [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for _, s, e in self.matcher(doc)]

    def __call__(self, doc: Doc) -> Doc:
        unquoted = self.unquoted_spans(doc)
        spans = []
        for f in programs.find_programs(doc_text(doc), unquoted):
            span = doc.char_span(f.start, f.end, label=f.kind, alignment_mode="expand")
            if span is not None:
                span._.program_name = f.name
                span._.program_rule = f.rule
                spans.append(span)
        doc.spans[programs.SPAN_KEY] = spans
        return doc


@Language.factory(programs.COMPONENT, assigns=["doc.spans", "span._.program_name", "span._.program_rule"])
def make_program_finder(nlp: Language, name: str) -> ProgramFinder:
    return ProgramFinder(nlp)


@Language.component(targets.COMPONENT, assigns=["doc.spans", "doc.user_data"])
def targets_component(doc: Doc) -> Doc:
    """Sets doc.spans["targets"]: one span per target statement (`targets.find_targets`), labelled with its
    indicator, and keeps the statements as plain dicts in doc.user_data["policykg.target_statements"]."""
    mentions = targets.find_targets(doc_text(doc))
    doc.spans[targets.SPANS_KEY] = [span for t in mentions for span in char_spans(doc, [t.span], t.indicator)]
    doc.user_data[targets.USER_DATA_KEY] = [plain_copy(t) for t in mentions]
    return doc
