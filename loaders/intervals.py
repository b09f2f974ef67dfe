"""Which spans of a document contain a given span, without scanning every span before it.

A plan of tens of thousands of sentences has as many tasks; finding the task that holds
each mention by scanning the tasks that start before it made extraction quadratic in the
length of the text (a 2-million-character plan took 5 minutes). `Enclosing` answers the
question with a max-end segment tree over the spans sorted by start: O(log n) for each
span it finds.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

__all__ = ["Enclosing"]


class Enclosing:
    """The spans, sorted by start, that contain a query span, in their order.

    Examples:
        >>> spans = Enclosing([(0, 50), (0, 10), (5, 8), (20, 30)])
        >>> spans.containing(6, 7), spans.containing(25, 26), spans.containing(8, 21), spans.containing(60, 61)
        ([0, 1, 2], [0, 3], [0], [])
        >>> Enclosing([(5, 8), (0, 10)])
        Traceback (most recent call last):
        ...
        ValueError: spans must be sorted by their start
    """

    def __init__(self, spans: Sequence[tuple[int, int]]):
        self.starts = [start for start, _ in spans]
        if any(a > b for a, b in zip(self.starts, self.starts[1:])):
            raise ValueError("spans must be sorted by their start")
        self.count = len(spans)
        self.size = 1
        while self.size < self.count:
            self.size *= 2
        # max_end[node]: the largest end of the spans under that node (leaves from index `size`)
        self.max_end = [-1] * (2 * self.size)
        for i, (_, end) in enumerate(spans):
            self.max_end[self.size + i] = end
        for node in range(self.size - 1, 0, -1):
            self.max_end[node] = max(self.max_end[2 * node], self.max_end[2 * node + 1])

    def containing(self, start: int, end: int) -> list[int]:
        """Indices of the spans with span_start <= start and end <= span_end, ascending."""
        limit = bisect_right(self.starts, start)        # only spans starting at or before `start`
        found: list[int] = []
        stack = [(1, 0, self.size)]                       # (node, first leaf, leaf after the last)
        while stack:
            node, lo, hi = stack.pop()
            if lo >= limit or self.max_end[node] < end:
                continue
            if hi - lo == 1:
                found.append(lo)
                continue
            mid = (lo + hi) // 2
            stack.append((2 * node + 1, mid, hi))         # right after left: the indices come out ascending
            stack.append((2 * node, lo, mid))
        return found
