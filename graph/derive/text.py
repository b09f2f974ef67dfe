"""Character-level text similarity for Chinese plans, in pure Python (no models).

Chinese has no spaces, so similarity works on character n-grams: bigrams for
section-level topical similarity, longer shingles for near-duplicate sentences.
Texts are NFKC-normalised first so that full-width and ASCII punctuation (，/,)
and digit forms compare equal.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

__all__ = ["normalise", "content_only", "sentences", "ngrams", "shingles", "jaccard", "tfidf_vectors", "cosine", "shared_phrases",
           "forget_texts"]

# Sentence ends; commas stay inside a sentence (a copied sentence keeps its clauses).
_SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
_SPACE = re.compile(r"\s+")
# Runs of content characters: letters (CJK included) and digits; punctuation, symbols and spaces end a run.
_CONTENT_RUN = re.compile(r"[^\W_]+")


def normalise(text: str | None) -> str:
    """NFKC (full-width forms as ASCII) with all whitespace removed.

    >>> normalise("新增 １０张，床位")
    '新增10张,床位'
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def content_only(text: str) -> str:
    """Letters (CJK included) and digits only; punctuation, symbols and spaces dropped.

    >>> content_only("新增10张（养老）床位！")
    '新增10张养老床位'
    """
    return "".join(_CONTENT_RUN.findall(text))


def sentences(text: str | None) -> list[str]:
    """Split into sentences at 。；！？ and line breaks (commas stay inside); empty pieces dropped.

    >>> sentences("推进养老服务，新增床位。加强管理；！")
    ['推进养老服务,新增床位', '加强管理']
    """
    return [s for s in (p.strip() for p in _SENTENCE_END.split(unicodedata.normalize("NFKC", text or ""))) if s]


def ngrams(text: str, n: int) -> list[str]:
    """Character n-grams of runs of content characters (n-grams never span punctuation)."""
    out: list[str] = []
    for run in _content_runs(normalise(text)):
        out.extend(run[i:i + n] for i in range(len(run) - n + 1))
    return out


def shingles(text: str, n: int) -> set[str]:
    """The set of n-character shingles of a text's content characters (punctuation dropped).

    >>> sorted(shingles("养老，床位", 3))
    ['养老床', '老床位']
    """
    body = content_only(normalise(text))
    if len(body) < n:
        return {body} if body else set()
    return {body[i:i + n] for i in range(len(body) - n + 1)}


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b|; 0 for two empty sets.

    >>> jaccard({"a", "b"}, {"b", "c"}), jaccard(set(), set())
    (0.3333333333333333, 0.0)
    """
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def tfidf_vectors(texts: list[str], n: int = 2) -> list[dict[str, float]]:
    """TF-IDF weighted character n-gram vectors, L2-normalised.

    Generic bigrams (推进, 加强, 工作) appear in nearly every section; IDF keeps
    them from making every pair of sections look alike. The n-gram counts of a text are cached
    (a reload derives again over mostly the same sections); the weights depend on the whole set.

    >>> a, b = tfidf_vectors(["养老床位", "养老服务"])
    >>> sorted(a), round(cosine(a, b), 6)
    (['床位', '老床'], 0.0)
    """
    counts = [_gram_counts(t, n) for t in texts]
    df: Counter = Counter()
    for c in counts:
        df.update(c.keys())
    total = len(texts)
    vectors = []
    for c in counts:
        vec = {g: (1 + math.log(tf)) * math.log((1 + total) / (1 + df[g])) for g, tf in c.items()}
        norm = math.sqrt(sum(w * w for w in vec.values()))
        vectors.append({g: w / norm for g, w in vec.items() if w} if norm else {})
    return vectors


@lru_cache(maxsize=8192)
def _gram_counts(text: str, n: int) -> dict[str, int]:
    """How often each character n-gram occurs in a text (callers never mutate the result)."""
    return dict(Counter(ngrams(text, n)))


def forget_texts() -> None:
    """Empty the per-text caches (n-gram counts, prepared phrases): a derivation group's texts are not
    the next group's, and full caches hold hundreds of megabytes."""
    _gram_counts.cache_clear()
    _prepared.cache_clear()


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(g, 0.0) for g, w in a.items())


def shared_phrases(a: str, b: str, min_chars: int = 4, limit: int = 5) -> list[str]:
    """A few of the longest phrases (≥ min_chars, no punctuation) that occur in both texts.

    Runs of `a` made of min_chars-grams that also occur in `b` are the candidate
    regions; each is cut greedily into the longest pieces that really occur in `b`.
    Linear in the texts' length apart from the substring checks, so it is fine
    for section-sized texts; each text's preparation is cached (a section is
    compared with several others)."""
    runs_a, _, _ = _prepared(a, min_chars)
    _, text_b, grams_b = _prepared(b, min_chars)
    if not runs_a or not grams_b:
        return []
    found: set[str] = set()
    for run in runs_a:
        i = 0
        while i <= len(run) - min_chars:
            if run[i:i + min_chars] not in grams_b:
                i += 1
                continue
            end = i + min_chars
            while end < len(run) and run[i:end + 1] in text_b:
                end += 1
            if run[i:end] in text_b:
                found.add(run[i:end])
                i = end
            else:   # the gram occurs in b but (rarely) not as a substring of this run's text
                i += 1
    longest_first = sorted(found, key=lambda s: (-len(s), s))
    kept: list[str] = []
    for phrase in longest_first:
        if not any(phrase in longer for longer in kept):
            kept.append(phrase)
        if len(kept) == limit:
            break
    return kept


@lru_cache(maxsize=4096)
def _prepared(text: str, n: int) -> tuple[tuple[str, ...], str, frozenset[str]]:
    """(content runs, normalised text, the set of n-grams inside runs) of a text."""
    normal = normalise(text)
    runs = tuple(_content_runs(normal))
    return runs, normal, frozenset(run[i:i + n] for run in runs for i in range(len(run) - n + 1))


def _content_runs(text: str) -> list[str]:
    return _CONTENT_RUN.findall(text)
