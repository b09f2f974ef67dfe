// name: section-alignment
// purpose: District sections next to the city sections of the same theme they align with, by text
//   similarity, with the phrases the two share.
// param: theme STRING = null      (only this theme)
// param: district STRING = null   (only this district: a document source or a region)
// columns: theme, district_source, district_section, city_source, city_section, score, shared,
//   district_text, district_start_offset, district_end_offset, city_text, city_start_offset, city_end_offset
MATCH (ds:Section)-[sa:SECTION_ALIGNS]->(cs:Section), (dd:Document), (cd:Document)
WHERE dd.id = ds.doc_id AND cd.id = cs.doc_id
  AND (sa.theme = $theme OR $theme IS NULL)
  AND (dd.source = $district OR dd.region = $district OR $district IS NULL)
RETURN sa.theme AS theme, dd.source AS district_source, ds.title AS district_section,
       cd.source AS city_source, cs.title AS city_section, sa.score AS score, sa.shared AS shared,
       ds.text AS district_text, ds.start_offset AS district_start_offset, ds.end_offset AS district_end_offset,
       cs.text AS city_text, cs.start_offset AS city_start_offset, cs.end_offset AS city_end_offset
ORDER BY theme, district_source, district_start_offset, score DESC, city_source, city_start_offset, ds.id, cs.id

// when: district
MATCH (dd:Document)<-[:SECTION_OF]-(ds:Section)-[sa:SECTION_ALIGNS]->(cs:Section)-[:SECTION_OF]->(cd:Document)
WHERE (dd.source = $district OR dd.region = $district)
  AND (sa.theme = $theme OR $theme IS NULL)
RETURN sa.theme AS theme, dd.source AS district_source, ds.title AS district_section,
       cd.source AS city_source, cs.title AS city_section, sa.score AS score, sa.shared AS shared,
       ds.text AS district_text, ds.start_offset AS district_start_offset, ds.end_offset AS district_end_offset,
       cs.text AS city_text, cs.start_offset AS city_start_offset, cs.end_offset AS city_end_offset
ORDER BY theme, district_source, district_start_offset, score DESC, city_source, city_start_offset, ds.id, cs.id
