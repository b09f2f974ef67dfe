// name: owner
// purpose: Who owns the tasks about something: tasks whose text (or a stated target's indicator) contains a
//   keyword, or that state a target of one indicator, with their departments (explicit, or inferred from the
//   task's theme, with the rule) and leaders. One row per task and department.
// param: keyword STRING = null     (text to look for in the task or its targets' indicator, e.g. 长者食堂)
// param: indicator STRING = null   (only tasks stating a target of this canonical indicator)
// param: source STRING = null      (only this document)
// columns: source, task_id, item, title, department, inferred, rule, leaders, text, start_offset, end_offset
MATCH (t:Task)
WHERE (t.source = $source OR $source IS NULL)
  AND ($indicator IN t.indicators OR $indicator IS NULL)
  AND (t.text CONTAINS $keyword OR $keyword IS NULL OR size(t.indicators) > 0)
// The list predicate takes the keyword from a variable: LadybugDB 0.22 fails on a parameter inside one. The
// line above types $keyword (its first use) and keeps only rows that can match; CASE reads a task's indicators
// only when its text does not decide.
WITH t, $keyword AS keyword
WHERE CASE WHEN keyword IS NULL THEN true WHEN t.text CONTAINS keyword THEN true
           ELSE any(i IN t.indicators WHERE i CONTAINS keyword) END
// A task carries its document's source: the first page is the first tasks by source, and joining every
// task to its document to order them took 0.2 s of 0.5 on a 10,000-plan graph.
WITH t
ORDER BY t.source, t.start_offset, t.id
LIMIT $page_end
OPTIONAL MATCH (t)-[l:LED_BY]->(p:Leader)
WITH t, l, p
ORDER BY l.start_offset
SKIP 0
WITH t, collect(DISTINCT coalesce(l.written, p.name)) AS leaders
OPTIONAL MATCH (t)-[o:OWNED_BY]->(dep:Department)
RETURN t.source AS source, t.id AS task_id, t.item AS item, t.title AS title,
       coalesce(o.written, dep.name) AS department, o.inferred AS inferred, o.rule AS rule, leaders,
       t.text AS text, t.start_offset AS start_offset, t.end_offset AS end_offset
ORDER BY source, start_offset, task_id, inferred, department, rule

// when: source
// One plan's tasks by their links (see queries/__init__.py).
MATCH (t:Task)-[:TASK_OF]->(d:Document)
WHERE d.source = $source
WITH t, d, $indicator AS indicator, $keyword AS keyword
WHERE (indicator IN t.indicators OR indicator IS NULL)
  AND CASE WHEN keyword IS NULL THEN true WHEN t.text CONTAINS keyword THEN true
           ELSE any(i IN t.indicators WHERE i CONTAINS keyword) END
WITH t, d
ORDER BY d.source, t.start_offset, t.id
LIMIT $page_end
OPTIONAL MATCH (t)-[l:LED_BY]->(p:Leader)
WITH t, d, l, p
ORDER BY l.start_offset
SKIP 0
WITH t, d, collect(DISTINCT coalesce(l.written, p.name)) AS leaders
OPTIONAL MATCH (t)-[o:OWNED_BY]->(dep:Department)
RETURN d.source AS source, t.id AS task_id, t.item AS item, t.title AS title,
       coalesce(o.written, dep.name) AS department, o.inferred AS inferred, o.rule AS rule, leaders,
       t.text AS text, t.start_offset AS start_offset, t.end_offset AS end_offset
ORDER BY source, start_offset, task_id, inferred, department, rule
