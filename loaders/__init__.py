"""Loaders: read a plan file and turn it into graph records.

read → normalise → metadata → structure (annotations, tables) → owners → extract → build.
Each step is a module with a plain function; `policykg.loaders.pipeline` chains them into
`parse_document(path)`. Writing the records to a store and deriving links across documents
is the application's job (`policykg.app`), so loaders never import the graph layer.
"""
__all__: list[str] = []
