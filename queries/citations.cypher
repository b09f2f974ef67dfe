// name: citations
// purpose: The most-cited policy documents (《…》, variants of one title resolved to one document) and who
//   cites them, with the citing sentences as evidence.
// param: title STRING = null   (only cited documents whose title or a cited variant contains this text)
// param: limit INT64 = 20
// columns: policy_document, title, scope, cited_by, citations, citing_sources, cited_as, evidence
// sorted: citing_sources, cited_as, evidence
MATCH (d:Document)-[:HAS_CITATION]->(c:Citation)-[:REFERS_TO]->(p:PolicyDocument)
WHERE (p.title CONTAINS $title OR c.title CONTAINS $title OR $title IS NULL)
RETURN p.id AS policy_document, p.title AS title, p.scope AS scope, count(DISTINCT d.id) AS cited_by,
       count(c) AS citations, collect(DISTINCT d.source) AS citing_sources, collect(DISTINCT c.title) AS cited_as,
       collect(DISTINCT c.text) AS evidence
ORDER BY cited_by DESC, citations DESC, title, policy_document
LIMIT $limit
