"""Where the domain vocabularies (`loaders/vocab/*.yaml`) live and how they are read.

One place knows where vocabularies are, so every module reads them the same way and
the pipeline's extraction fingerprint (`vocabulary_digest`) digests the very files the
parsers and extractors read.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

__all__ = ["VOCAB_DIR", "vocab_path", "read_vocab", "load_vocab", "alternation", "pattern", "fill"]

import yaml

VOCAB_DIR = Path(__file__).with_name("vocab")


def vocab_path(name: str) -> Path:
    """The file of vocabulary `name` (`regions` → loaders/vocab/regions.yaml)."""
    return VOCAB_DIR / f"{name}.yaml"


def read_vocab(path: str | Path) -> dict:
    """A vocabulary file parsed afresh, for callers (tests) that name another file."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


@cache
def load_vocab(name: str) -> dict:
    """Vocabulary `name`, parsed once per process.

    Every caller gets the same object: read it, never mutate it (copy what you change),
    or one module's edit would leak into every other module's patterns.
    """
    return read_vocab(vocab_path(name))


def alternation(words: Iterable) -> str:
    """A regex alternation of literal words, longest first (so the longest match wins)."""
    return "|".join(re.escape(w) for w in sorted({str(w) for w in words}, key=lambda w: (-len(w), w)))


def pattern(name: str) -> str:
    """A shared regular-expression fragment from `vocab/patterns.yaml`.

    Examples:
        >>> import re
        >>> bool(re.fullmatch(pattern("year"), "2025年度"))
        True
        >>> bool(re.fullmatch(pattern("year"), "25年"))
        False
    """
    value = load_vocab("patterns")[name]
    return alternation(value) if isinstance(value, list) else str(value)


_PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")   # {notice_verbs}; a quantifier such as {1,2} is no placeholder


def fill(fragment: str, **parts: str) -> str:
    """A vocabulary's regex `fragment` with its `{name}` placeholders filled: by `parts` where
    given, else by the shared fragment `name` of `vocab/patterns.yaml`.

    Examples:
        >>> fill(r"(?:{verbs})\\d{1,2}", verbs="新增|新建")
        '(?:新增|新建)\\\\d{1,2}'
        >>> fill("关于(?:{notice_verbs})")
        '关于(?:下发|印发|转发)'
        >>> fill("(?:{verbs})", units="张")
        Traceback (most recent call last):
        ...
        KeyError: "'(?:{verbs})' has no placeholder {units}"
    """
    for name in parts:
        if "{" + name + "}" not in fragment:
            raise KeyError(f"{fragment!r} has no placeholder {{{name}}}")
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)] if m.group(1) in parts else pattern(m.group(1)), fragment)
