"""The one spaCy pipeline: `spacy.blank("zh")` (char segmenter) plus rule components.

Each extractor module contributes its components through `add_to_pipeline(nlp)`;
the pipeline is built once per process. Nothing is downloaded.
"""
from __future__ import annotations

from functools import lru_cache

import spacy

# Order matters: entity rulers first, then components that read their spans.
_COMPONENT_MODULES = ("bodies", "programs", "citations", "targets")


@lru_cache(maxsize=1)
def get_nlp() -> "spacy.language.Language":
    import importlib

    nlp = spacy.blank("zh")
    for name in _COMPONENT_MODULES:
        module = importlib.import_module(f"loaders.extract.{name}")
        module.add_to_pipeline(nlp)
    return nlp
