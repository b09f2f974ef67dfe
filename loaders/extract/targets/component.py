"""The contract of the spaCy component `policykg_targets`, and reading its result back from a Doc.

The component (`policykg.loaders.extract.components.targets_component`, which wraps
`find_targets`) assigns
  * `doc.spans["targets"]`: one span per target statement, labelled with its indicator;
  * `doc.user_data["policykg.target_statements"]`: the TargetMentions as plain dicts (so that
    the Doc still serialises: DocBin, to_bytes).
`extract_targets(doc, parsed)` turns them into the document's targets (`consolidate`).
Nothing here imports spaCy: the Doc is given.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from policykg.loaders.extract.nlp import doc_text, plain_copy
from policykg.loaders.extract.targets.consolidate import document_targets, find_targets
from policykg.loaders.extract.targets.grammar import grammar
from policykg.loaders.model import ParsedDocument, TargetMention

if TYPE_CHECKING:   # the types only: spaCy is imported where its objects are built (extract.components)
    from spacy.language import Language

__all__ = ["COMPONENT", "SPANS_KEY", "USER_DATA_KEY", "add_to_pipeline", "extract_targets"]

COMPONENT = "policykg_targets"
SPANS_KEY = "targets"
USER_DATA_KEY = "policykg.target_statements"


def add_to_pipeline(nlp: Language) -> None:
    """Add the component last to `nlp` (once), the vocabularies compiled up front."""
    grammar()
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True)


def extract_targets(doc, parsed: ParsedDocument | None) -> list[TargetMention]:
    """The document's distinct targets (see the package doc), with tasks assigned.

    Spans are in normalised coordinates. `props` holds: evidence (every [start, end]
    stating the target), metric_span, written (the number as written), unit_class,
    theme, modifiers (all that apply), comparator (>= / <= / ≈), range ([low, high]),
    action_group, counted (老年人 in 10万老年人), each (the items 各 distributes over),
    conflict + conflicting_values, also_written (other metrics of a repeat),
    tasks (when the evidence lies in several tasks), as_of_year (from_year for a range of years).

    >>> import spacy
    >>> nlp = spacy.blank("zh")
    >>> add_to_pipeline(nlp)
    >>> [(t.value, t.indicator) for t in extract_targets(nlp("新增养老床位100张。"), None)]
    [(100.0, '养老床位')]
    """
    stored = doc.user_data.get(USER_DATA_KEY)
    if stored is None:                         # Doc made without the component
        mentions = find_targets(doc_text(doc))
    else:
        mentions = [TargetMention(**{**d, "span": tuple(d["span"])}) for d in plain_copy(stored)]
    return document_targets(mentions, parsed)
