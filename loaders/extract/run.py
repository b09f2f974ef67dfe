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
from types import SimpleNamespace
from typing import cast

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from policykg.loaders.extract import bodies, citations, programs, targets
from policykg.loaders.extract.components import CharTokenizer, ProgramFinder
from policykg.loaders.extract.nlp import TEXT_KEY, ChunkedFindings, FoundSpan, chunk_bounds
from policykg.loaders.limits import limits
from policykg.loaders.model import ParsedDocument

__all__ = ["PIPELINE", "CHUNK_CHARS", "get_nlp", "run_pipeline", "find_in_chunks", "extract"]

# The components by their registered names, in order: entity rulers first, then the
# components that read their spans (bodies, programs, citations, targets).
PIPELINE = ("policykg_bodies", "policykg_programs", "policykg_citations", "policykg_targets")

# A text longer than this goes through spaCy a piece at a time (`find_in_chunks`): a Doc costs about
# 220 bytes a character, so a whole 50 MB plan would need gigabytes for its Doc alone. Plans are
# 5,000–100,000 characters; this is reached only by compilations and pathological input.
CHUNK_CHARS = 200_000


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


def find_in_chunks(text: str, size: int = CHUNK_CHARS) -> ChunkedFindings:
    """What the pipeline finds in `text`, with spaCy run on one piece of at most `size` characters at
    a time (`chunk_bounds`): the programs' listed names are matched per piece, and everything else is
    left to the extractors' own rules over the whole text, so the results are those of one Doc (but
    for a listed name cut by a piece's edge, which falls at a line break).

    Examples:
        >>> found = find_in_chunks("推进老伙伴计划。\\n实施“老伙伴计划”。\\n", size=10)
        >>> [(s.start_char, s.end_char, s._.program_name) for s in found.spans["programs"]]
        [(2, 7, '老伙伴计划'), (11, 18, '老伙伴计划')]
    """
    nlp = get_nlp()
    finder = cast(ProgramFinder, nlp.get_pipe(programs.COMPONENT))
    unquoted = []
    for start, end in chunk_bounds(text, size):
        unquoted += [(start + s, start + e) for s, e in finder.unquoted_spans(nlp.make_doc(text[start:end]))]
    found = [FoundSpan(f.start, f.end, f.kind, SimpleNamespace(program_name=f.name, program_rule=f.rule))
             for f in programs.find_programs(text, unquoted)]
    return ChunkedFindings(text, {programs.SPAN_KEY: found})


def extract(parsed: ParsedDocument) -> ParsedDocument:
    """Targets, mentions (cited documents, programs, bodies) and inferred owners of `parsed`."""
    text = parsed.view.text
    doc = run_pipeline(text) if len(text) <= CHUNK_CHARS else find_in_chunks(text, CHUNK_CHARS)
    parsed.targets = targets.extract_targets(doc, parsed)
    parsed.mentions = (
        citations.extract_citations(doc, parsed)
        + programs.extract_programs(doc, parsed)
        + bodies.extract_bodies(doc, parsed)
    )
    parsed.owners = parsed.owners + bodies.infer_owners(parsed)
    return parsed
