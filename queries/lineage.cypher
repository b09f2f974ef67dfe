// name: lineage
// purpose: One hop upstream and downstream of a document, program, cited policy document or indicator.
//   Edges point up the hierarchy and back in time (district plan → city plan it IMPLEMENTS, plan → plan it
//   SUCCEEDS, document → what it CITES or runs, a notice → the document it WRAPS, target → indicator it MEASURES), so "upstream" rows
//   leave the named node and "downstream" rows reach it. graph.derive.lineage_graph walks this for a picture.
//   Evidence: `text` at `start_offset`–`end_offset` of `source`'s original text (offsets are null for
//   plan-to-plan links, whose evidence is the plan itself).
// param: name STRING   (a document source or id; a program, cited document or indicator name or id)
// columns: direction, relation, from_label, from_id, from_name, to_label, to_id, to_name, value, detail, source, text,
//   start_offset, end_offset
// order: direction, relation, from_name, to_name, value
MATCH (a:Document)-[r:IMPLEMENTS]->(b:Document)
WHERE a.id = $name OR a.source = $name OR b.id = $name OR b.source = $name
RETURN CASE WHEN a.id = $name OR a.source = $name THEN 'upstream' ELSE 'downstream' END AS direction,
 'IMPLEMENTS' AS relation, 'Document' AS from_label, a.id AS from_id, a.source AS from_name,
 'Document' AS to_label, b.id AS to_id, b.source AS to_name, r.coverage AS value, 'coverage' AS detail,
 a.source AS source, a.title AS text, CASE WHEN 1 = 0 THEN 0 END AS start_offset, CASE WHEN 1 = 0 THEN 0 END AS end_offset
UNION ALL
MATCH (a:Document)-[r:SUCCEEDS]->(b:Document)
WHERE a.id = $name OR a.source = $name OR b.id = $name OR b.source = $name
RETURN CASE WHEN a.id = $name OR a.source = $name THEN 'upstream' ELSE 'downstream' END AS direction,
 'SUCCEEDS' AS relation, 'Document' AS from_label, a.id AS from_id, a.source AS from_name,
 'Document' AS to_label, b.id AS to_id, b.source AS to_name, r.year_gap * 1.0 AS value, 'year_gap' AS detail,
 a.source AS source, a.title AS text, CASE WHEN 1 = 0 THEN 0 END AS start_offset, CASE WHEN 1 = 0 THEN 0 END AS end_offset
UNION ALL
// CITES and RUNS_PROGRAM, with many links, take a branch per end (queries/__init__.py: OR across both ends)
MATCH (a:Document)-[r:CITES]->(b:PolicyDocument)
WHERE a.id = $name OR a.source = $name
RETURN 'upstream' AS direction,
 'CITES' AS relation, 'Document' AS from_label, a.id AS from_id, a.source AS from_name,
 'PolicyDocument' AS to_label, b.id AS to_id, b.title AS to_name, CASE WHEN 1 = 0 THEN 0.0 END AS value,
 r.title AS detail, a.source AS source, r.text AS text, r.start_offset AS start_offset, r.end_offset AS end_offset
UNION ALL
MATCH (a:Document)-[r:CITES]->(b:PolicyDocument)
WHERE (b.id = $name OR b.title = $name) AND NOT (a.id = $name OR a.source = $name)
RETURN 'downstream' AS direction,
 'CITES' AS relation, 'Document' AS from_label, a.id AS from_id, a.source AS from_name,
 'PolicyDocument' AS to_label, b.id AS to_id, b.title AS to_name, CASE WHEN 1 = 0 THEN 0.0 END AS value,
 r.title AS detail, a.source AS source, r.text AS text, r.start_offset AS start_offset, r.end_offset AS end_offset
UNION ALL
MATCH (a:PolicyDocument)-[r:WRAPS]->(b:PolicyDocument)
WHERE a.id = $name OR a.title = $name OR b.id = $name OR b.title = $name
RETURN CASE WHEN a.id = $name OR a.title = $name THEN 'upstream' ELSE 'downstream' END AS direction,
 'WRAPS' AS relation, 'PolicyDocument' AS from_label, a.id AS from_id, a.title AS from_name,
 'PolicyDocument' AS to_label, b.id AS to_id, b.title AS to_name, CASE WHEN 1 = 0 THEN 0.0 END AS value,
 'issues' AS detail, CASE WHEN 1 = 0 THEN '' END AS source, a.title AS text,
 CASE WHEN 1 = 0 THEN 0 END AS start_offset, CASE WHEN 1 = 0 THEN 0 END AS end_offset
UNION ALL
MATCH (a:Document)<-[:TASK_OF]-(t:Task)-[r:RUNS_PROGRAM]->(b:Program)
WHERE a.id = $name OR a.source = $name
RETURN 'upstream' AS direction,
 'RUNS_PROGRAM' AS relation, 'Document' AS from_label, a.id AS from_id, a.source AS from_name,
 'Program' AS to_label, b.id AS to_id, b.name AS to_name, CASE WHEN 1 = 0 THEN 0.0 END AS value,
 r.written AS detail, a.source AS source, r.text AS text, r.start_offset AS start_offset, r.end_offset AS end_offset
UNION ALL
MATCH (a:Document)<-[:TASK_OF]-(t:Task)-[r:RUNS_PROGRAM]->(b:Program)
WHERE (b.id = $name OR b.name = $name) AND NOT (a.id = $name OR a.source = $name)
RETURN 'downstream' AS direction,
 'RUNS_PROGRAM' AS relation, 'Document' AS from_label, a.id AS from_id, a.source AS from_name,
 'Program' AS to_label, b.id AS to_id, b.name AS to_name, CASE WHEN 1 = 0 THEN 0.0 END AS value,
 r.written AS detail, a.source AS source, r.text AS text, r.start_offset AS start_offset, r.end_offset AS end_offset
UNION ALL
MATCH (a:Document)<-[:TARGET_OF]-(g:Target)-[:MEASURES]->(b:Indicator)
WHERE (b.id = $name OR b.name = $name)
RETURN 'downstream' AS direction, 'MEASURES' AS relation, 'Document' AS from_label, a.id AS from_id,
 a.source AS from_name, 'Indicator' AS to_label, b.id AS to_id, b.name AS to_name, g.value AS value,
 g.unit AS detail, a.source AS source, g.text AS text, g.start_offset AS start_offset, g.end_offset AS end_offset
