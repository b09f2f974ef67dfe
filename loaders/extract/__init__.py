"""Entity extraction on one spaCy Doc per document (rule-based, `spacy.blank("zh")`).

`run.extract(parsed)` runs the shared pipeline once over the normalised text and lets
each extractor read what it needs from the Doc: `targets`, `citations` (with
`policy_identity`), `programs`, `bodies`; `indicators` is the catalogue they map
metrics to. Vocabularies live in `loaders/vocab/`.
"""
__all__: list[str] = []
