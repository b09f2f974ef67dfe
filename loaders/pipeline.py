"""The loading pipeline: files in, per-document atomic writes out.

    read_source → normalise → parse_metadata → parse_structure → owners → extract → build_records → store

`parse_document` is usable on its own (no store); `load_paths` drives a store,
keeps going past bad files and reports them at the end.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from policykg.graph.store import GraphStore, WriteResult
from policykg.loaders.build import build_records, content_hash
from policykg.loaders.errors import InputError
from policykg.loaders.model import ParsedDocument
from policykg.loaders.vocabulary import VOCAB_DIR

PIPELINE_VERSION = "1"
# Read only when links across documents are derived: editing them needs no re-extraction.
DERIVATION_ONLY_VOCAB = {"alignment.yaml"}


def parse_document(path: str, overrides: dict | None = None) -> ParsedDocument:
    """Read, normalise and parse one plan file into a ParsedDocument (no store involved)."""
    from policykg.loaders.extract import extract
    from policykg.loaders.metadata import parse_metadata, read_sidecar
    from policykg.loaders.normalise import normalise
    from policykg.loaders.owners import extract_explicit_owners
    from policykg.loaders.read import read_source
    from policykg.loaders.structure import parse_structure
    from policykg.loaders.themes import section_themes, task_theme

    source = read_source(path)
    view = normalise(source.text)
    merged = {**read_sidecar(path), **(overrides or {})}
    meta = parse_metadata(view, source.source, merged)
    sections, tasks = parse_structure(view)
    themes = section_themes(sections)
    for section in sections:
        section.theme = themes[section.path]
    for task in tasks:
        task.theme = task_theme(view.text[task.span[0]:task.span[1]], themes.get(task.section))
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
    h = hashlib.sha256(content_hash(text).encode())
    h.update(vocabulary_digest().encode())
    h.update(json.dumps(overrides or {}, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:32]


@dataclass
class FileOutcome:
    path: str
    ok: bool
    message: str
    result: WriteResult | None = None
    parsed: ParsedDocument | None = None


@dataclass
class LoadReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def loaded(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.ok]


def load_paths(
    paths: list[str],
    store: GraphStore,
    overrides: dict | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    derive: bool = True,
) -> LoadReport:
    """Load files, folders and globs into `store`; one bad file does not stop the others."""
    from policykg.loaders.read import iter_input_files

    files, errors = iter_input_files(paths)
    report = LoadReport()
    for message in errors:
        outcome = FileOutcome(message.path, False, str(message))
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    loaded_at = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
    for path in files:
        outcome = load_one(str(path), store, overrides, loaded_at)
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    if derive and report.loaded:
        derive_links(store)
    return report


def load_one(path: str, store: GraphStore, overrides: dict | None = None, loaded_at: str | None = None) -> FileOutcome:
    try:
        parsed = parse_document(path, overrides)
        graph = build_records(parsed, fingerprint(parsed.source.text, overrides), loaded_at)
        result = store.write_document(graph)
    except InputError as exc:
        return FileOutcome(path, False, str(exc))
    warnings = parsed.meta.warnings + parsed.source.warnings
    message = f"{path}: {result.status} ({parsed.source.source}: {len(parsed.sections)} sections, {len(parsed.tasks)} tasks, {len(parsed.targets)} targets)"
    if warnings:
        message += " — warning: " + "; ".join(warnings)
    return FileOutcome(path, True, message, result, parsed)


def derive_links(store: GraphStore):
    """Recompute cross-document links (citations, alignment, lineage) over every loaded document."""
    from policykg.graph.derive import derive_all

    return derive_all(store)
