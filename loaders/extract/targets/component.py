"""The spaCy component `policykg_targets`, and reading its result back from a Doc.

The component assigns
  * `doc.spans["targets"]`: one span per target statement, labelled with its indicator;
  * `doc.user_data["policykg.target_statements"]`: the TargetMentions as plain dicts (so that
    the Doc still serialises: DocBin, to_bytes).
`extract_targets(doc, parsed)` turns them into the document's targets (`consolidate`).
"""
from __future__ import annotations

from copy import deepcopy
from dataclasses import asdict

from spacy.language import Language

from policykg.loaders.extract.nlp import char_spans, doc_text
from policykg.loaders.extract.targets.consolidate import document_targets, find_targets
from policykg.loaders.extract.targets.grammar import grammar
from policykg.loaders.model import ParsedDocument, TargetMention

__all__ = ["COMPONENT", "SPANS_KEY", "USER_DATA_KEY", "targets_component", "add_to_pipeline", "extract_targets"]

COMPONENT = "policykg_targets"
SPANS_KEY = "targets"
USER_DATA_KEY = "policykg.target_statements"


def targets_component(doc):
    """Sets doc.spans["targets"]: one span per target statement, labelled with its indicator,
    and keeps the statements in doc.user_data (see the module doc)."""
    mentions = find_targets(doc_text(doc))
    doc.spans[SPANS_KEY] = [span for t in mentions for span in char_spans(doc, [t.span], t.indicator)]
    doc.user_data[USER_DATA_KEY] = [asdict(t) for t in mentions]
    return doc


if not Language.has_factory(COMPONENT):
    Language.component(COMPONENT, assigns=["doc.spans", "doc.user_data"], func=targets_component)


def add_to_pipeline(nlp) -> None:
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
        mentions = [TargetMention(**{**d, "span": tuple(d["span"])}) for d in deepcopy(stored)]
    return document_targets(mentions, parsed)
