"""The graph layer: schema (declared once, as data), records, and storage backends.

`graph.store.open_store()` returns a backend (LadybugDB embedded by default,
Neo4j over Bolt); everything above it talks to the `GraphStore` interface.
"""

__all__: list[str] = []
