"""Entity extraction on one spaCy Doc per document (rule-based, `spacy.blank("zh")`).

`extract(parsed)` runs the shared pipeline once over the normalised text and lets
each extractor read what it needs from the Doc. Vocabularies live in `loaders/vocab/`.

Importing this package imports every extractor, which registers its spaCy component;
`nlp.get_nlp` assembles the pipeline from those registered names (`nlp.PIPELINE`).
"""
from __future__ import annotations

from policykg.loaders.extract import bodies, citations, programs, targets
from policykg.loaders.extract.nlp import run_pipeline
from policykg.loaders.model import ParsedDocument

__all__ = ["extract"]


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
