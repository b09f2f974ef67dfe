"""policykg: Chinese government work plans (工作要点) as a queryable knowledge graph.

The package's layers, lowest first (imports only go downwards; `make test` checks it
with the import-linter contract in pyproject.toml):

    policykg.loaders      read → normalise → structure → owners → extract → build records
    policykg.graph        schema, records, stores (LadybugDB, Neo4j), exports
    policykg.graph.derive links across documents: alignment, lineage, citations
    policykg.queries      named Cypher questions (queries/*.cypher)
    policykg.pages        HTML pages
    policykg.app          what a command does: load and derive, open a store …
    policykg.cli          the `policykg` command
"""
__version__ = "0.1.0"
__all__ = ["__version__"]
