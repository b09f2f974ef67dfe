// name: reuse
// purpose: District tasks that copy a city sentence (near-duplicates by character shingles), most similar first.
// param: source STRING = null           (only this district document)
// param: min_similarity DOUBLE = 0.0    (only pairs at least this similar)
// columns: district_source, district_item, city_source, city_item, similarity,
//   district_text, district_start_offset, district_end_offset, city_text, city_start_offset, city_end_offset,
//   district_task_id, city_task_id
MATCH (dt:Task)-[r:REUSES]->(ct:Task), (dd:Document), (cd:Document)
WHERE dd.id = dt.doc_id AND cd.id = ct.doc_id
  AND (dd.source = $source OR $source IS NULL) AND r.similarity >= $min_similarity
RETURN dd.source AS district_source, dt.item AS district_item, cd.source AS city_source, ct.item AS city_item,
       r.similarity AS similarity,
       dt.text AS district_text, dt.start_offset AS district_start_offset, dt.end_offset AS district_end_offset,
       ct.text AS city_text, ct.start_offset AS city_start_offset, ct.end_offset AS city_end_offset,
       dt.id AS district_task_id, ct.id AS city_task_id
ORDER BY similarity DESC, district_source, district_start_offset, city_start_offset, district_task_id, city_task_id

// when: source
// The filter as the general one writes it: LadybugDB 0.22 plans a plain `dd.source = $source` 5× slower.
MATCH (dd:Document)<-[:TASK_OF]-(dt:Task)-[r:REUSES]->(ct:Task)-[:TASK_OF]->(cd:Document)
WHERE (dd.source = $source OR $source IS NULL) AND r.similarity >= $min_similarity
RETURN dd.source AS district_source, dt.item AS district_item, cd.source AS city_source, ct.item AS city_item,
       r.similarity AS similarity,
       dt.text AS district_text, dt.start_offset AS district_start_offset, dt.end_offset AS district_end_offset,
       ct.text AS city_text, ct.start_offset AS city_start_offset, ct.end_offset AS city_end_offset,
       dt.id AS district_task_id, ct.id AS city_task_id
ORDER BY similarity DESC, district_source, district_start_offset, city_start_offset, district_task_id, city_task_id
