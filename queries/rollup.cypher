// name: rollup
// purpose: Per city target, the loaded districts' values against it: for counts the sum over districts and
//   the share of the city target it covers (2+2+2 of 40 centres = 15%), for rates the lowest and highest
//   district value. Each region counts once, with its plan nearest in year to the city plan; a region
//   stating two values for the indicator in that plan contributes the larger and is listed as conflicting.
// param: indicator STRING = null   (only this canonical indicator)
// param: source STRING = null      (only this city plan's targets, e.g. shanghai-2025)
// columns: indicator, city_source, city_year, city_value, city_unit, districts, regions, district_sources,
//   district_values, district_total, covered_share, lowest, highest, conflicting_regions,
//   city_text, city_start_offset, city_end_offset
// sorted: regions + district_sources + district_values, conflicting_regions
MATCH (:Target)-[:ALIGNS_WITH]->(ct:Target)
WHERE (ct.indicator = $indicator OR $indicator IS NULL)
WITH DISTINCT ct
MATCH (cd:Document)
WHERE cd.id = ct.doc_id AND (cd.source = $source OR $source IS NULL)
WITH ct, cd
ORDER BY ct.indicator, cd.source, ct.start_offset, ct.id
LIMIT $page_end
MATCH (dt:Target)-[a:ALIGNS_WITH]->(ct), (dd:Document)
WHERE dd.id = dt.doc_id
// Each region's nearest year is picked from its collected rows: matching the aligned targets a second
// time for it made LadybugDB 0.22 scan the relationship (one city plan: 90-140 ms against 20-30).
WITH ct, cd, dd.region AS region, min(a.year_gap) AS nearest,
     collect({gap: a.year_gap, source: dd.source, value: dt.value, counted: CASE WHEN a.share IS NULL THEN 0 ELSE 1 END}) AS aligned
UNWIND aligned AS r
WITH ct, cd, region, nearest, r
WHERE r.gap = nearest
WITH ct, cd, region, min(r.source) AS district_source, max(r.value) AS value, count(*) AS stated,
     min(r.counted) AS counted
WITH ct, cd, count(region) AS districts, collect(region) AS regions, collect(district_source) AS district_sources,
     collect(value) AS district_values, sum(value) AS total, min(value) AS lowest, max(value) AS highest,
     min(counted) AS all_counted,
     collect(CASE WHEN stated > 1 THEN region END) AS conflicting_regions
RETURN ct.indicator AS indicator, cd.source AS city_source, cd.year AS city_year, ct.value AS city_value,
       ct.unit AS city_unit, districts, regions, district_sources, district_values,
       CASE WHEN all_counted = 1 THEN total END AS district_total,
       CASE WHEN all_counted = 1 AND ct.value > 0 THEN total / ct.value END AS covered_share,
       lowest, highest, conflicting_regions,
       ct.text AS city_text, ct.start_offset AS city_start_offset, ct.end_offset AS city_end_offset
ORDER BY indicator, city_source, city_start_offset, ct.id

// when: source
// One city plan's targets by their links.
MATCH (cd:Document)<-[:TARGET_OF]-(ct:Target)
WHERE cd.source = $source
WITH cd, ct, $indicator AS indicator
WHERE (ct.indicator = indicator OR indicator IS NULL) AND EXISTS { MATCH (:Target)-[:ALIGNS_WITH]->(ct) }
WITH ct, cd
ORDER BY ct.indicator, cd.source, ct.start_offset, ct.id
LIMIT $page_end
MATCH (dd:Document)<-[:TARGET_OF]-(dt:Target)-[a:ALIGNS_WITH]->(ct)
WITH ct, cd, dd.region AS region, min(a.year_gap) AS nearest,
     collect({gap: a.year_gap, source: dd.source, value: dt.value, counted: CASE WHEN a.share IS NULL THEN 0 ELSE 1 END}) AS aligned
UNWIND aligned AS r
WITH ct, cd, region, nearest, r
WHERE r.gap = nearest
WITH ct, cd, region, min(r.source) AS district_source, max(r.value) AS value, count(*) AS stated,
     min(r.counted) AS counted
WITH ct, cd, count(region) AS districts, collect(region) AS regions, collect(district_source) AS district_sources,
     collect(value) AS district_values, sum(value) AS total, min(value) AS lowest, max(value) AS highest,
     min(counted) AS all_counted,
     collect(CASE WHEN stated > 1 THEN region END) AS conflicting_regions
RETURN ct.indicator AS indicator, cd.source AS city_source, cd.year AS city_year, ct.value AS city_value,
       ct.unit AS city_unit, districts, regions, district_sources, district_values,
       CASE WHEN all_counted = 1 THEN total END AS district_total,
       CASE WHEN all_counted = 1 AND ct.value > 0 THEN total / ct.value END AS covered_share,
       lowest, highest, conflicting_regions,
       ct.text AS city_text, ct.start_offset AS city_start_offset, ct.end_offset AS city_end_offset
ORDER BY indicator, city_source, city_start_offset, ct.id
