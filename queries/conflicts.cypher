// name: conflicts
// purpose: Targets whose document states another value for the same indicator (Target.conflict), grouped
//   by document and indicator so the competing values sit next to each other.
// param: source STRING = null   (only this document)
// columns: source, indicator, metric, value, unit, kind, text, start_offset, end_offset, target_id
MATCH (g:Target)-[:TARGET_OF]->(d:Document)
WHERE g.conflict = true AND (d.source = $source OR $source IS NULL)
RETURN d.source AS source, g.indicator AS indicator, g.metric AS metric, g.value AS value, g.unit AS unit,
       g.kind AS kind, g.text AS text, g.start_offset AS start_offset, g.end_offset AS end_offset, g.id AS target_id
ORDER BY source, indicator, start_offset, target_id
