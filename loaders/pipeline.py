"""The loading pipeline for one file: text in, a parsed document out (no store involved).

    read_source → normalise → parse_metadata → parse_structure → owners → extract

`iter_input_files` (from `read`) names the plan files a load reads; `parse_document`
runs the steps for one; `fingerprint` says when a stored document must be extracted
again. Writing to a store (and deriving links across documents after a load) is the
application's job: `policykg.app.load_paths`, which imports this module at the first
load, because it brings spaCy and the document readers (see `policykg.app`).
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from policykg.loaders.build import content_hash
from policykg.loaders.extract.run import extract
from policykg.loaders.metadata import parse_metadata, read_sidecar
from policykg.loaders.model import ParsedDocument
from policykg.loaders.normalise import normalise
from policykg.loaders.owners import extract_explicit_owners
from policykg.loaders.read import iter_input_files, read_source
from policykg.loaders.structure import parse_structure
from policykg.loaders.themes import section_themes, task_theme
from policykg.loaders.vocabulary import VOCAB_DIR

__all__ = ["PIPELINE_VERSION", "DERIVATION_ONLY_VOCAB", "iter_input_files", "parse_document", "vocabulary_digest",
           "fingerprint"]

PIPELINE_VERSION = "1"
# Read only when links across documents are derived: editing them needs no re-extraction.
DERIVATION_ONLY_VOCAB = {"alignment.yaml"}


def parse_document(path: str, overrides: dict | None = None) -> ParsedDocument:
    """Read, normalise and parse one plan file into a ParsedDocument (no store involved)."""
    source = read_source(path)
    view = normalise(source.text)
    merged = {**read_sidecar(path), **(overrides or {})}
    meta = parse_metadata(view, source.source, merged)
    sections, tasks = parse_structure(view)
    themes = section_themes(sections)
    for section in sections:
        section.theme = themes[section.path]
    for task in tasks:
        section_theme = themes.get(task.section) if task.section is not None else None
        task.theme = task_theme(view.text[task.span[0]:task.span[1]], section_theme)
    parsed = ParsedDocument(source, view, meta, sections, tasks)
    parsed.owners = extract_explicit_owners(view, tasks, sections)
    return extract(parsed)


@lru_cache(maxsize=1)
def vocabulary_digest() -> str:
    """Changes whenever a vocabulary file changes, so stored documents get re-extracted."""
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in sorted(VOCAB_DIR.glob("*.yaml")):
        if path.name in DERIVATION_ONLY_VOCAB:
            continue
        h.update(path.name.encode())
        h.update(path.read_bytes())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


def fingerprint(text: str, overrides: dict | None) -> str:
    """What decides whether a stored document is up to date: its text, the extractor and vocabularies, the overrides.

    >>> fingerprint("一、养老服务", None) == fingerprint("一、养老服务", {})
    True
    >>> fingerprint("一、养老服务", None) == fingerprint("一、养老服务", {"year": 2025})
    False
    """
    h = hashlib.sha256(content_hash(text).encode())
    h.update(vocabulary_digest().encode())
    h.update(json.dumps(overrides or {}, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:32]
