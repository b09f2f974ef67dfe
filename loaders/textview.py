"""A normalised view of a document's original text, with a map back to it.

Every parser and extractor works on `TextView.text` (lines joined, punctuation
unified, page furniture dropped); every span they produce is mapped back with
`TextView.to_original` so that the graph's offsets point into the original text
that the reader returned. `original[start:end]` is always the evidence text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["TextView", "TextViewBuilder"]


@dataclass
class TextView:
    original: str
    text: str
    # origin[i] is the index in `original` of normalised character i; len(origin) == len(text).
    origin: list[int] = field(default_factory=list)

    @classmethod
    def identity(cls, original: str) -> TextView:
        return cls(original, original, list(range(len(original))))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the original text.

        Examples:
            >>> view = TextView("a  b", "a b", [0, 1, 3])
            >>> view.to_original(1, 3), view.original_slice(0, 3)
            ((1, 4), 'a  b')
            >>> view.to_original(3, 3)
            (4, 4)
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside normalised text of length {len(self.text)}")
        if start == end:
            pos = self.origin[start] if start < len(self.origin) else len(self.original)
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1

    def original_slice(self, start: int, end: int) -> str:
        s, e = self.to_original(start, end)
        return self.original[s:e]


class TextViewBuilder:
    """Builds a TextView by copying, replacing or dropping original characters in order."""

    def __init__(self, original: str):
        self.original = original
        self._chars: list[str] = []
        self._origin: list[int] = []

    def keep(self, index: int, char: str | None = None) -> None:
        """Emit `char` (default: the original character) standing for original[index]."""
        self._chars.append(self.original[index] if char is None else char)
        self._origin.append(index)

    def extend_pairs(self, origins: list[int], text: str) -> None:
        """Emit `text`, character i standing for original[origins[i]]."""
        self._origin.extend(origins)
        self._chars.append(text)

    def extend_range(self, start: int, text: str) -> None:
        """Emit `text`, which is original[start:start + len(text)] unchanged."""
        self._origin.extend(range(start, start + len(text)))
        self._chars.append(text)

    def insert(self, char: str, at_original: int) -> None:
        """Emit a synthetic character (e.g. a separating newline) anchored at an original index."""
        self._chars.append(char)
        self._origin.append(min(at_original, max(len(self.original) - 1, 0)))

    @property
    def last_char(self) -> str:
        return self._chars[-1][-1:] if self._chars else ""

    def build(self) -> TextView:
        return TextView(self.original, "".join(self._chars), self._origin)
