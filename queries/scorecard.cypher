// name: scorecard
// purpose: Per district plan and city plan it implements: how many of the city plan's indicators it
//   addresses (coverage) and which of the city plan's themes it has sections on.
// param: district STRING = null   (only this district: a document source or a region)
// columns: district_source, district, district_year, city_source, city_year, year_gap,
//   city_indicators, addressed_indicators, coverage, aligned_targets,
//   city_themes, themes_covered, themes_covered_count, district_title, city_title
// sorted: city_themes, themes_covered
MATCH (d:Document)-[i:IMPLEMENTS]->(c:Document)
WHERE (d.source = $district OR d.region = $district OR $district IS NULL)
WITH d, i, c
ORDER BY d.region, d.year, d.source, c.source, d.id, c.id
LIMIT $page_end
OPTIONAL MATCH (d)<-[:TARGET_OF]-(dt:Target)-[:ALIGNS_WITH]->(ct:Target)-[:TARGET_OF]->(c)
WITH d, i, c, count(DISTINCT ct.indicator) AS addressed, count(DISTINCT dt.id) AS aligned_targets
OPTIONAL MATCH (cg:Target)-[:TARGET_OF]->(c)
WHERE cg.indicator <> 'unmapped'
WITH d, i, c, addressed, aligned_targets, count(DISTINCT cg.indicator) AS city_indicators
OPTIONAL MATCH (cs:Section)-[:SECTION_OF]->(c)
WHERE cs.theme IS NOT NULL
WITH d, i, c, addressed, aligned_targets, city_indicators, collect(DISTINCT cs.theme) AS city_themes
// One end by its link, the other by doc_id: with both by their links LadybugDB 0.22 crashes (10,000 plans).
OPTIONAL MATCH (d)<-[:SECTION_OF]-(ds:Section)-[sa:SECTION_ALIGNS]->(xs:Section)
WHERE xs.doc_id = c.id
WITH d, i, c, addressed, aligned_targets, city_indicators, city_themes, collect(DISTINCT sa.theme) AS themes_covered
RETURN d.source AS district_source, d.region AS district, d.year AS district_year,
       c.source AS city_source, c.year AS city_year, i.year_gap AS year_gap,
       city_indicators, addressed AS addressed_indicators, i.coverage AS coverage, aligned_targets,
       city_themes, themes_covered, size(themes_covered) AS themes_covered_count,
       d.title AS district_title, c.title AS city_title
ORDER BY district, district_year, district_source, city_source, d.id, c.id
