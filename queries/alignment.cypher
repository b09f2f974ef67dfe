// name: alignment
// purpose: Indicator × district matrix as rows: each district target next to the city target of the
//   same indicator it aligns with, with the district's share of the city count or its gap to the city rate.
// param: indicator STRING = null   (only this canonical indicator)
// param: district STRING = null    (only this district: a document source such as jingan-2025, or a region such as 静安区)
// columns: indicator, district, district_year, district_value, district_unit, city, city_year, city_value, city_unit,
//   share, gap, gap_label, year_gap, flagged, basis,
//   district_source, district_text, district_start_offset, district_end_offset,
//   city_source, city_text, city_start_offset, city_end_offset, district_target_id, city_target_id
MATCH (dt:Target)-[a:ALIGNS_WITH]->(ct:Target), (dd:Document), (cd:Document)
WHERE dd.id = dt.doc_id AND cd.id = ct.doc_id
  AND (dt.indicator = $indicator OR $indicator IS NULL)
  AND (dd.source = $district OR dd.region = $district OR $district IS NULL)
RETURN dt.indicator AS indicator, dd.region AS district, dd.year AS district_year,
       dt.value AS district_value, dt.unit AS district_unit,
       cd.region AS city, cd.year AS city_year, ct.value AS city_value, ct.unit AS city_unit,
       a.share AS share, a.gap AS gap, a.gap_label AS gap_label, a.year_gap AS year_gap, a.flagged AS flagged,
       a.basis AS basis,
       dd.source AS district_source, dt.text AS district_text,
       dt.start_offset AS district_start_offset, dt.end_offset AS district_end_offset,
       cd.source AS city_source, ct.text AS city_text,
       ct.start_offset AS city_start_offset, ct.end_offset AS city_end_offset,
       dt.id AS district_target_id, ct.id AS city_target_id
ORDER BY indicator, district_source, city_source, district_start_offset, city_start_offset,
         district_target_id, city_target_id

// when: district
MATCH (dd:Document)<-[:TARGET_OF]-(dt:Target)-[a:ALIGNS_WITH]->(ct:Target)-[:TARGET_OF]->(cd:Document)
WHERE (dt.indicator = $indicator OR $indicator IS NULL)
  AND (dd.source = $district OR dd.region = $district OR $district IS NULL)
RETURN dt.indicator AS indicator, dd.region AS district, dd.year AS district_year,
       dt.value AS district_value, dt.unit AS district_unit,
       cd.region AS city, cd.year AS city_year, ct.value AS city_value, ct.unit AS city_unit,
       a.share AS share, a.gap AS gap, a.gap_label AS gap_label, a.year_gap AS year_gap, a.flagged AS flagged,
       a.basis AS basis,
       dd.source AS district_source, dt.text AS district_text,
       dt.start_offset AS district_start_offset, dt.end_offset AS district_end_offset,
       cd.source AS city_source, ct.text AS city_text,
       ct.start_offset AS city_start_offset, ct.end_offset AS city_end_offset,
       dt.id AS district_target_id, ct.id AS city_target_id
ORDER BY indicator, district_source, city_source, district_start_offset, city_start_offset,
         district_target_id, city_target_id
