// name: gaps
// purpose: Targets without a counterpart: city targets no loaded district addresses (city_unaddressed)
//   and district targets with no city target of the same indicator (district_only).
// param: kind STRING = null               (city_unaddressed or district_only)
// param: include_unmapped BOOLEAN = false (also list targets whose indicator is not in the catalogue)
// param: source STRING = null             (only this plan's targets, e.g. a district plan's: those no city target matches)
// columns: kind, source, region, year, indicator, metric, value, unit, text, start_offset, end_offset, target_id
MATCH (g:Target), (d:Document)
WHERE d.id = g.doc_id AND (d.source = $source OR $source IS NULL) AND (d.level = 'city' OR d.level = 'district' OR d.level = 'county')
  AND (g.indicator <> 'unmapped' OR $include_unmapped)
WITH g, d, CASE WHEN d.level = 'city' THEN 'city_unaddressed' ELSE 'district_only' END AS kind
WHERE (kind = $kind OR $kind IS NULL) AND NOT EXISTS { MATCH (g)-[:ALIGNS_WITH]-(:Target) }
RETURN kind, d.source AS source, d.region AS region, d.year AS year, g.indicator AS indicator,
       g.metric AS metric, g.value AS value, g.unit AS unit,
       g.text AS text, g.start_offset AS start_offset, g.end_offset AS end_offset, g.id AS target_id
ORDER BY kind, source, start_offset, target_id

// when: source
MATCH (g:Target)-[:TARGET_OF]->(d:Document)
WHERE (d.source = $source OR $source IS NULL) AND (d.level = 'city' OR d.level = 'district' OR d.level = 'county')
  AND (g.indicator <> 'unmapped' OR $include_unmapped)
WITH g, d, CASE WHEN d.level = 'city' THEN 'city_unaddressed' ELSE 'district_only' END AS kind
WHERE (kind = $kind OR $kind IS NULL) AND NOT EXISTS { MATCH (g)-[:ALIGNS_WITH]-(:Target) }
RETURN kind, d.source AS source, d.region AS region, d.year AS year, g.indicator AS indicator,
       g.metric AS metric, g.value AS value, g.unit AS unit,
       g.text AS text, g.start_offset AS start_offset, g.end_offset AS end_offset, g.id AS target_id
ORDER BY kind, source, start_offset, target_id
