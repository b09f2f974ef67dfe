// name: search
// purpose: Tasks whose text contains a keyword, with their document, number, theme and evidence.
// param: keyword STRING            (text to look for, e.g. 适老化改造)
// param: source STRING = null      (only this document)
// param: theme STRING = null       (only tasks of this theme)
// param: limit INT64 = 50
// columns: source, item, title, theme, kind, text, start_offset, end_offset, task_id
MATCH (t:Task), (d:Document)
WHERE d.id = t.doc_id AND t.text CONTAINS $keyword
  AND (d.source = $source OR $source IS NULL) AND (t.theme = $theme OR $theme IS NULL)
RETURN d.source AS source, t.item AS item, t.title AS title, t.theme AS theme, t.kind AS kind,
       t.text AS text, t.start_offset AS start_offset, t.end_offset AS end_offset, t.id AS task_id
ORDER BY source, start_offset, task_id
LIMIT $limit

// when: source
MATCH (t:Task)-[:TASK_OF]->(d:Document)
WHERE d.source = $source
WITH t, d, $keyword AS keyword, $theme AS theme
WHERE t.text CONTAINS keyword AND (t.theme = theme OR theme IS NULL)
RETURN d.source AS source, t.item AS item, t.title AS title, t.theme AS theme, t.kind AS kind,
       t.text AS text, t.start_offset AS start_offset, t.end_offset AS end_offset, t.id AS task_id
ORDER BY source, start_offset, task_id
LIMIT $limit
