"""Self-contained, offline HTML pages built from the graph (no scripts or styles fetched).

review.py   the document with every extracted entity highlighted, for checking extraction
"""

__all__: list[str] = []
