"""The loading pipeline for one file: text in, a parsed document out (no store involved).

    read_source → normalise → parse_metadata → parse_structure → owners → extract

`list_plan_files` names the plan files a load reads and the source name each document is
known by; `parse_document` runs the steps for one; `extract_file` parses and builds the
records of one file and never raises (a worker process of `policykg load --jobs N` runs it);
`fingerprint` says when a stored document must be extracted again. Writing to a store (and
deriving links across documents after a load) is the application's job:
`policykg.app.load_paths`, which imports this module at the first load, because it brings
spaCy and the document readers (see `policykg.app`).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import traceback
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policykg.loaders.build import build_records, content_hash
from policykg.loaders.errors import InputError
from policykg.loaders.extract.run import extract, get_nlp
from policykg.loaders.metadata import parse_metadata, read_sidecar
from policykg.loaders.model import ParsedDocument
from policykg.loaders.normalise import normalise
from policykg.loaders.owners import extract_explicit_owners
from policykg.loaders.read import PathError, iter_input_files, read_source
from policykg.loaders.records import DocumentGraph
from policykg.loaders.structure import parse_structure
from policykg.loaders.themes import section_themes, task_theme
from policykg.loaders.vocabulary import VOCAB_DIR

__all__ = ["PIPELINE_VERSION", "DERIVATION_ONLY_VOCAB", "iter_input_files", "parse_document", "vocabulary_digest",
           "fingerprint", "PlanFile", "input_root", "source_name", "list_plan_files", "Extracted", "Failure",
           "failure", "one_line", "extract_file", "start_worker"]

PIPELINE_VERSION = "1"
# Read only when links across documents are derived: editing them needs no re-extraction.
DERIVATION_ONLY_VOCAB = {"alignment.yaml"}

# A path part holding one of these makes a load argument a glob (as `iter_input_files` reads it).
_GLOB_CHARS = frozenset("*?[")


def parse_document(path: str, overrides: dict | None = None, source: str | None = None) -> ParsedDocument:
    """Read, normalise and parse one plan file into a ParsedDocument (no store involved).

    `source` is the name the document is known by (see `list_plan_files`); by default the file's stem."""
    src = read_source(path)
    if source is not None:
        src = dataclasses.replace(src, source=source)
    view = normalise(src.text)
    merged = {**read_sidecar(path), **(overrides or {})}
    meta = parse_metadata(view, src.source, merged)
    sections, tasks = parse_structure(view)
    themes = section_themes(sections)
    for section in sections:
        section.theme = themes[section.path]
    for task in tasks:
        section_theme = themes.get(task.section) if task.section is not None else None
        task.theme = task_theme(view.text[task.span[0]:task.span[1]], section_theme)
    parsed = ParsedDocument(src, view, meta, sections, tasks)
    parsed.owners = extract_explicit_owners(view, tasks, sections)
    return extract(parsed)


# -- which files, under which names ----------------------------------------------------------------

@dataclass(frozen=True)
class PlanFile:
    """A plan file a load reads, and the source name its document is known by."""
    path: str
    source: str


def input_root(arg: str | os.PathLike) -> Path | None:
    """The folder a load argument names plan files below: the folder itself, a glob's leading part
    without wildcards, or None for a file named directly.

    Examples:
        >>> input_root("plans/*/2025/*.txt").as_posix()
        'plans'
        >>> input_root("no-such-plan.txt") is None
        True
    """
    p = Path(arg)
    if p.is_dir():
        return p
    if p.is_file():
        return None
    fixed: list[str] = []
    for part in p.parts:
        if _GLOB_CHARS & set(part):
            return Path(*fixed) if fixed else Path()
        fixed.append(part)
    return None


def source_name(path: Path, root: Path | None) -> str:
    """The name a document is known by: its file's stem when the file was named directly or lies
    directly in the folder the load named, else its path below that folder without the suffix
    (so `a/plan.txt` and `b/plan.txt` stay two documents).

    Examples:
        >>> source_name(Path("plans/jingan-2025.txt"), Path("plans"))
        'jingan-2025'
        >>> source_name(Path("plans/a/2025/plan.txt"), Path("plans"))
        'a/2025/plan'
        >>> source_name(Path("elsewhere/a/plan.txt"), None)
        'plan'
    """
    if root is None:
        return path.stem
    try:
        below = path.relative_to(root)
    except ValueError:   # not below the root (cannot come from iter_input_files): the stem, as for a file named directly
        return path.stem
    if len(below.parts) <= 1:
        return path.stem
    return below.with_suffix("").as_posix()


def list_plan_files(paths: Iterable[str | os.PathLike]) -> tuple[list[PlanFile], list[PathError]]:
    """Expand files, folders and globs (`iter_input_files`) into plan files with their source names.

    Returns (plans, errors): plans in a stable order, each file once (its first mention names it);
    errors as one-line messages for paths that name no plan file and for every file whose source
    name another input also gets (`plan.txt` beside `plan.html`): both are refused, so that neither
    silently replaces the other; and for a file name that is not UTF-8, which no store can hold."""
    plans: list[PlanFile] = []
    errors: list[PathError] = []
    seen: set[Path] = set()
    for arg in paths:
        files, problems = iter_input_files([arg])
        errors.extend(problems)
        root = input_root(arg)
        for f in files:
            if f.resolve() in seen:
                continue
            seen.add(f.resolve())
            if not _is_utf8(str(f)):
                errors.append(PathError(one_line(str(f), limit=1000),
                                        "the file name is not valid UTF-8 text, which the graph cannot store; rename the file"))
                continue
            plans.append(PlanFile(str(f), source_name(f, root)))
    by_source: dict[str, list[PlanFile]] = defaultdict(list)
    for plan in plans:
        by_source[plan.source].append(plan)
    for plan in plans:
        others = [o.path for o in by_source[plan.source] if o is not plan]
        if others:
            errors.append(PathError(plan.path, f"has the same document name '{plan.source}' as {', '.join(others)}, "
                                               "so one would replace the other; rename one of them"))
    return [p for p in plans if len(by_source[p.source]) == 1], errors


def _is_utf8(name: str) -> bool:
    """False for a file name holding bytes that are not UTF-8 (Python keeps them as lone surrogates).

    >>> _is_utf8("plans/静安-2025.txt"), _is_utf8("plans/bad\\udcff.txt")
    (True, False)
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- one file, in isolation ----------------------------------------------------------------------------

@dataclass
class Extracted:
    """One file's records, ready for the writer, and the figures its result line shows."""
    path: str
    graph: DocumentGraph
    sections: int
    tasks: int
    targets: int
    warnings: list[str]


@dataclass
class Failure:
    """Why one file was not loaded: one line naming the file, what is wrong and what to do."""
    path: str
    message: str
    bug: bool = False               # an unexpected exception, i.e. a bug in policykg, not bad input
    traceback: str | None = None    # of that exception, for POLICYKG_DEBUG=1


def one_line(text: str, limit: int = 200) -> str:
    """`text` fit for a one-line message: its first line, at most `limit` characters, lone surrogates
    (from a broken PDF's text, an undecodable file name) escaped so that any terminal can print it.

    Examples:
        >>> one_line("bad\\ud800 value\\nsecond line")
        'bad\\\\ud800 value'
        >>> one_line("x" * 300, limit=5)
        'xxxx…'
    """
    first = (text.splitlines() or [""])[0]
    if len(first) > limit:
        first = first[:limit - 1] + "…"
    return first.encode("utf-8", "backslashreplace").decode("utf-8")


def failure(path: str, exc: BaseException, step: str = "reading") -> Failure:
    """The report of `exc`, raised while `step` the file at `path`: an InputError as it is (its message
    names the file and what to do); anything else is a bug in policykg, named with the file.

    Examples:
        >>> failure("a.txt", InputError("a.txt: file is empty; export the plan's text into it and retry")).message
        "a.txt: file is empty; export the plan's text into it and retry"
        >>> f = failure("b.html", RecursionError("maximum recursion depth exceeded"))
        >>> f.bug, f.message  # doctest: +NORMALIZE_WHITESPACE
        (True, 'b.html: internal error while reading it (RecursionError: maximum recursion depth exceeded);
        please report it with this file (POLICYKG_DEBUG=1 prints the traceback)')
    """
    if isinstance(exc, InputError):
        return Failure(path, one_line(str(exc) or f"{path}: {type(exc).__name__}"))
    problem = f"{type(exc).__name__}: {str(exc)}" if str(exc) else type(exc).__name__
    message = (f"{path}: internal error while {step} it ({one_line(problem)}); "
               "please report it with this file (POLICYKG_DEBUG=1 prints the traceback)")
    return Failure(path, one_line(message, limit=1000), bug=True,
                   traceback="".join(traceback.format_exception(exc)))


def extract_file(plan: PlanFile, overrides: dict | None = None, loaded_at: str | None = None) -> Extracted | Failure:
    """Parse one plan file and build its records; whatever goes wrong comes back as a Failure, so that
    one file never stops a load (this is what a worker process of `policykg load` runs)."""
    try:
        parsed = parse_document(plan.path, overrides, source=plan.source)
        graph = build_records(parsed, fingerprint(parsed.source.text, overrides), loaded_at)
    except Exception as exc:  # noqa: BLE001 - any exception is this file's failure, reported with its name
        return failure(plan.path, exc)
    warnings = [one_line(w, limit=1000) for w in parsed.meta.warnings + parsed.source.warnings]
    return Extracted(plan.path, graph, len(parsed.sections), len(parsed.tasks), len(parsed.targets), warnings)


def start_worker() -> None:
    """Set up a worker process: Ctrl-C is the writer's to handle (it stops the pool), the worker ends
    when the writer is gone, and the spaCy pipeline is made once, here, not with the first file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()       # the writer that spawned this worker
    if parent is not None:
        threading.Thread(target=_end_with_parent, args=(parent.sentinel,), daemon=True).start()
    get_nlp()


def _end_with_parent(sentinel: int) -> None:
    """Exit this worker once its writer process is gone (killed, crashed), even if it went before this
    worker was ready: a worker waiting for files that will never come would otherwise live on, holding
    the writer's output pipes open."""
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


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
