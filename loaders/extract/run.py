"""One pass of every extractor over one document: targets, mentions and inferred owners.

`get_nlp` assembles the shared pipeline, once per process: the char tokenizer and the
components of `PIPELINE`, which `policykg.loaders.extract.components` registers with
spaCy (importing this module imports spaCy). It is kept out of the package's `__init__`
so that reading a vocabulary or a rule of the extractors (e.g. the indicator catalogue,
which derivation uses; `bodies.classify_body`, which building records uses) does not
load spaCy.
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from policykg.loaders.extract import bodies, citations, programs, targets
from policykg.loaders.extract.components import CharTokenizer
from policykg.loaders.extract.nlp import TEXT_KEY
from policykg.loaders.limits import limits
from policykg.loaders.model import ParsedDocument

__all__ = ["PIPELINE", "get_nlp", "run_pipeline", "extract"]

# The components by their registered names, in order: entity rulers first, then the
# components that read their spans (bodies, programs, citations, targets).
PIPELINE = ("policykg_bodies", "policykg_programs", "policykg_citations", "policykg_targets")


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline: the char tokenizer and every component of `PIPELINE`."""
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    # Our own limit on a plan's text (loaders/limits.py) decides what is too long, not spaCy's default of
    # 1,000,000 characters: the char tokenizer keeps no model state, so memory grows with the text alone.
    nlp.max_length = max(nlp.max_length, limits().max_text_bytes)
    for name in PIPELINE:
        nlp.add_pipe(name)
    return nlp


def run_pipeline(text: str) -> Doc:
    """Tokenise `text` and run every component, with the text cached for them."""
    nlp = get_nlp()
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    for _name, component in nlp.pipeline:
        doc = component(doc)
    return doc


def extract(parsed: ParsedDocument) -> ParsedDocument:
    """Targets, mentions (cited documents, programs, bodies) and inferred owners of `parsed`."""
    doc = run_pipeline(parsed.view.text)
    parsed.targets = targets.extract_targets(doc, parsed)
    parsed.mentions = (
        citations.extract_citations(doc, parsed)
        + programs.extract_programs(doc, parsed)
        + bodies.extract_bodies(doc, parsed)
    )
    parsed.owners = parsed.owners + bodies.infer_owners(parsed)
    return parsed
