// name: target-history
// purpose: One indicator across years and regions: each target with its year-over-year status
//   (new/continued/raised/lowered/dropped) and the previous year's value it continues.
// param: indicator STRING = null   (only this canonical indicator)
// param: region STRING = null      (only this region, e.g. 长宁区)
// columns: indicator, region, year, source, value, unit, status, change, delta, previous_value, previous_source,
//   text, start_offset, end_offset, target_id
MATCH (g:Target)-[:TARGET_OF]->(d:Document)
WHERE g.indicator <> 'unmapped'
  AND (g.indicator = $indicator OR $indicator IS NULL)
  AND (d.region = $region OR $region IS NULL)
WITH g, d
ORDER BY g.indicator, d.region, d.year, d.source, g.start_offset, g.id
LIMIT $page_end
OPTIONAL MATCH (g)-[c:CONTINUES]->(p:Target)-[:TARGET_OF]->(pd:Document)
RETURN g.indicator AS indicator, d.region AS region, d.year AS year, d.source AS source,
       g.value AS value, g.unit AS unit, g.status AS status, c.label AS change, c.delta AS delta,
       p.value AS previous_value, pd.source AS previous_source,
       g.text AS text, g.start_offset AS start_offset, g.end_offset AS end_offset, g.id AS target_id
ORDER BY indicator, region, year, source, start_offset, target_id, previous_source, p.id
