"""Every Cypher statement policykg sends, other than the named queries (queries/*.cypher).

Named queries answer an analyst's question and live in `queries/*.cypher`. Everything
else a store, a derivation, an export, a page or a command sends is here, in one place:
statements generated from the schema (graph/schema.yaml: DDL, writes, whole-graph
reads, exports) and the fixed reads the code needs. Nothing else in the package writes
a MATCH, so a change of dialect or of the schema is made here once.

Every statement stays in the Cypher subset LadybugDB 0.22 and Neo4j 5 both accept
(no `EXISTS {}` subqueries, no `SET +=`, no `CALL {}`) and takes its values as
parameters. Statements that read a relationship go `WITH a, b, r` before RETURN, so
every relationship is a row of its own (parallel edges stay apart) on any engine.

>>> create_nodes("Region", ["id", "name"])
'UNWIND $rows AS r CREATE (n:Region {id: r.id, name: r.name})'
>>> count_nodes("Task")
'MATCH (n:Task) RETURN count(n)'
"""
from __future__ import annotations

from policykg.graph.schema import ExportSpec, Schema
from policykg.loaders.records import DOCUMENT_LINKS

__all__ = [
    # schema DDL and connection probes
    "LADYBUG_TYPES", "ladybug_schema_ddl", "ladybug_table_columns", "ladybug_missing_columns_ddl", "neo4j_schema_ddl",
    "NEO4J_PROBE", "NEO4J_COMPONENTS",
    # transactions (LadybugDB)
    "BEGIN", "COMMIT", "ROLLBACK",
    # writes
    "DOCUMENT_VERSIONS", "delete_document", "orphan_deletes", "derived_resets", "create_nodes", "merge_nodes",
    "DERIVED_LAYER_KEY", "DERIVED_LAYER_STATE", "MARK_DERIVED_LAYER", "document_link_probe", "link_to_documents",
    "set_property", "write_edges",
    # batch writes and the shared nodes a write touches
    "DOCUMENT_VERSIONS_OF", "stored_keys", "stored_edges", "shared_touched", "shared_neighbours",
    "cypher_string", "ladybug_copy_nodes", "ladybug_copy_edges", "CHECKPOINT",
    # store reads
    "DOCUMENT_HASH", "count_nodes", "count_relationships", "read_nodes", "read_edges", "DOCUMENT_LIST",
    # exports
    "export_statement", "DOCUMENT_SOURCES", "TASK_LEADERS", "TASK_OWNERS", "CITATION_DOCUMENTS", "DOCUMENT_COUNTS",
    "DOCUMENT_SUMMARY",
    # derivation
    "SNAPSHOT_DOCUMENTS", "SNAPSHOT_TARGETS", "SNAPSHOT_SECTIONS", "SNAPSHOT_TASKS", "SECTION_CHILDREN", "SECTION_TASKS",
    "CITATIONS",
    # views, pages, commands
    "DISTRICT_PLANS", "CITY_TARGETS", "LINEAGE_FOCUS", "DOCUMENT_IDS",
    "LINEAGE_DOCUMENTS", "LINEAGE_TARGET_COUNTS", "LINEAGE_THEMES", "LINEAGE_POLICY_DOCUMENTS", "LINEAGE_PROGRAMS",
    "LINEAGE_DOCUMENTS_OF", "LINEAGE_TARGET_COUNTS_OF", "LINEAGE_THEMES_OF", "LINEAGE_POLICY_DOCUMENTS_OF",
    "LINEAGE_PROGRAMS_OF", "LINEAGE_UPSTREAM_OF", "LINEAGE_DOWNSTREAM_OF",
    "LINEAGE_TEXTS", "LINEAGE_SECTIONS", "LINEAGE_TARGETS", "LINEAGE_ALIGNMENTS", "LINEAGE_CONTINUATIONS",
    "REVIEW_DOCUMENT", "DOCUMENT_NAMES", "REVIEW_ENTITIES", "REVIEW_OWNERS",
    "UNMAPPED_TARGETS", "INDICATOR_COUNTS", "INDICATOR_TARGETS", "INDICATOR_NAMES",
]


# -- schema DDL and connection probes -------------------------------------------------------------

LADYBUG_TYPES = {"STRING": "STRING", "INT64": "INT64", "DOUBLE": "DOUBLE", "BOOLEAN": "BOOLEAN", "STRING[]": "STRING[]"}


def ladybug_schema_ddl(schema: Schema) -> list[str]:
    """CREATE TABLE statements for every label and relationship type in the schema (LadybugDB)."""
    stmts = []
    for node in [*schema.nodes.values(), *schema.state.values()]:
        cols = ", ".join(f"{p} {LADYBUG_TYPES[t]}" for p, t in node.properties.items())
        stmts.append(f"CREATE NODE TABLE IF NOT EXISTS {node.label}({cols}, PRIMARY KEY({node.key}))")
    for rel in schema.relationships.values():
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in rel.endpoints)
        cols = "".join(f", {p} {LADYBUG_TYPES[t]}" for p, t in rel.properties.items())
        stmts.append(f"CREATE REL TABLE IF NOT EXISTS {rel.name}({pairs}{cols})")
    return stmts


def ladybug_table_columns(table: str) -> str:
    """The columns a LadybugDB table has (`name` per row); `table` comes from the schema, never from a user."""
    return f"CALL table_info('{table}') RETURN name"


def ladybug_missing_columns_ddl(schema: Schema, columns_of) -> list[str]:
    """ALTER TABLE … ADD for every schema property an existing table lacks (a graph made by an earlier
    version of policykg gains the new properties, empty, instead of failing at the first write).
    `columns_of(table)` gives the table's current column names.

    Examples:
        >>> from policykg.graph.schema import load_schema
        >>> have = {"Document": {"id", "source"}}
        >>> ddl = ladybug_missing_columns_ddl(load_schema(), lambda t: have.get(t))
        >>> "ALTER TABLE Document ADD title STRING" in ddl, any("Section" in s for s in ddl)
        (True, False)
    """
    stmts = []
    tables = [(n.label, n.properties) for n in schema.nodes.values()]
    tables += [(r.name, r.properties) for r in schema.relationships.values()]
    for table, properties in tables:
        have = columns_of(table)
        if have is None:          # no such table yet: the CREATE statements make it whole
            continue
        stmts += [f"ALTER TABLE {table} ADD {p} {LADYBUG_TYPES[t]}" for p, t in properties.items() if p not in have]
    return stmts


def neo4j_schema_ddl(schema: Schema) -> list[str]:
    """Uniqueness constraints on every label's key, indexes on owned labels' doc_id and Document.source (Neo4j 5)."""
    stmts = []
    for node in [*schema.nodes.values(), *schema.state.values()]:
        stmts.append(
            f"CREATE CONSTRAINT policykg_{node.label}_{node.key}_unique IF NOT EXISTS "
            f"FOR (n:{node.label}) REQUIRE n.{node.key} IS UNIQUE"
        )
    for node in schema.nodes.values():
        if node.owned_by_document and "doc_id" in node.properties:
            stmts.append(f"CREATE INDEX policykg_{node.label}_doc_id IF NOT EXISTS FOR (n:{node.label}) ON (n.doc_id)")
    if "Document" in schema.nodes and "source" in schema.nodes["Document"].properties:
        stmts.append("CREATE INDEX policykg_Document_source IF NOT EXISTS FOR (n:Document) ON (n.source)")
    return stmts


NEO4J_PROBE = "RETURN 1 AS ok"     # fails when the database does not exist
# The server's name, version and edition (logged, and shown by `policykg stats`-style reports).
NEO4J_COMPONENTS = "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"

BEGIN, COMMIT, ROLLBACK = "BEGIN TRANSACTION", "COMMIT", "ROLLBACK"


# -- writes ----------------------------------------------------------------------------------------

# The stored version of a document (by file stem): read before a write decides replace or skip.
DOCUMENT_VERSIONS = "MATCH (d:Document) WHERE d.source = $s RETURN d.id AS id, d.fingerprint AS fp"


def document_link_probe(label: str, rel: str) -> tuple[str, str]:
    """Whether a graph has a node of `label`, and whether it has one link `rel` to a document: two
    statements that stop at their first row (a node of a 10,000-plan graph and its link looked up
    together scanned every link, 0.1 s). Every load writes the links and `link_to_documents` adds them
    all in one statement, so nodes without a single link are a graph written before the links existed.

    >>> document_link_probe("Task", "TASK_OF")[1]
    'MATCH (:Task)-[r:TASK_OF]->(:Document) WITH r LIMIT 1 RETURN count(r)'
    """
    return (f"MATCH (n:{label}) WITH n LIMIT 1 RETURN count(n)",
            f"MATCH (:{label})-[r:{rel}]->(:Document) WITH r LIMIT 1 RETURN count(r)")


def link_to_documents(label: str, rel: str) -> str:
    """Link every node of `label` to its document by `rel` (a graph written before the links existed)."""
    return f"MATCH (n:{label}), (d:Document) WHERE d.id = n.doc_id MERGE (n)-[:{rel}]->(d)"


def delete_document(schema: Schema) -> list[str]:
    """Statements deleting the documents whose ids are in `$old`, with every node they own."""
    # By their links where they have one: a `doc_id` filter scans the table (a task table of 900,000 rows
    # took 0.1 s for one plan, its links 3 ms).
    stmts = [f"MATCH (d:Document)<-[:{DOCUMENT_LINKS[label]}]-(n:{label}) WHERE d.id IN $old DETACH DELETE n"
             if label in DOCUMENT_LINKS else f"MATCH (n:{label}) WHERE n.doc_id IN $old DETACH DELETE n"
             for label in schema.document_owned_labels]
    return stmts + ["MATCH (n:Document) WHERE n.id IN $old DETACH DELETE n"]


def orphan_deletes(schema: Schema) -> list[tuple[str, str]]:
    """(label, statement) deleting the shared nodes of `label` whose key is in `$keys` and that nothing
    keeps alive any more (see `kept_by` in the schema).

    Only the candidates a write or delete touched are looked at (`write_candidates`), so a document's
    write costs the same in a graph of ten plans as in one of ten thousand. Run twice: a bureau is kept
    by its sections' PART_OF edges until they go. `NOT ()-[:T]->(n)` runs on LadybugDB and Neo4j 5 alike.

    >>> from policykg.graph.schema import load_schema
    >>> orphan_deletes(load_schema())[0]
    ('Indicator', 'UNWIND $keys AS k MATCH (n:Indicator) WHERE n.id = k AND NOT ()-[:MEASURES]->(n) DETACH DELETE n')
    """
    stmts = []
    for spec in schema.nodes.values():
        if spec.shared:
            keep = " AND ".join(f"NOT ()-[:{rel}]->(n)" for rel in spec.kept_by) or "NOT ()-->(n)"
            stmts.append((spec.label, f"UNWIND $keys AS k MATCH (n:{spec.label}) WHERE n.{spec.key} = k AND {keep} "
                                      "DETACH DELETE n"))
    return stmts + stmts


# Whether the derived layer is whole (the `DerivedLayer` state table in graph/schema.yaml): none stored
# means whole (a new graph, or one written when the layer was replaced in one transaction).
DERIVED_LAYER_KEY = "links"
DERIVED_LAYER_STATE = "MATCH (s:DerivedLayer) WHERE s.id = $id RETURN s.complete AS complete"
MARK_DERIVED_LAYER = "MERGE (s:DerivedLayer {id: $id}) SET s.complete = $complete, s.updated_at = $at"


def derived_resets(schema: Schema) -> list[str]:
    """Drop every derived relationship and node, before the derived layer is written again."""
    return ([f"MATCH ()-[r:{rel}]->() DELETE r" for rel in schema.derived_relationships]
            + [f"MATCH (n:{label}) DETACH DELETE n" for label in sorted(schema.derived_labels)])


def create_nodes(label: str, fields: list[str]) -> str:
    """UNWIND `$rows` into new nodes of `label` with `fields`."""
    props = ", ".join(f"{p}: r.{p}" for p in fields)
    return f"UNWIND $rows AS r CREATE (n:{label} {{{props}}})"


def merge_nodes(label: str, key: str, fields: list[str]) -> str:
    """UNWIND `$rows` into shared nodes: the first writer creates, later documents only fill gaps.

    >>> merge_nodes("Region", "id", ["id", "name"])
    'UNWIND $rows AS r MERGE (n:Region {id: r.id}) ON CREATE SET n.name = r.name'
    """
    stmt = f"UNWIND $rows AS r MERGE (n:{label} {{{key}: r.{key}}})"
    assigns = ", ".join(f"n.{p} = r.{p}" for p in fields if p != key)
    return stmt + f" ON CREATE SET {assigns}" if assigns else stmt


def set_property(label: str, key: str, prop: str) -> str:
    """UNWIND `$rows` (id, v) setting `prop` of existing nodes."""
    return f"UNWIND $rows AS r MATCH (n:{label} {{{key}: r.id}}) SET n.{prop} = r.v"


def write_edges(schema: Schema, rel: str, a: str, b: str, fields: list[str]) -> str:
    """UNWIND $rows (f, t, properties) into relationships.

    An edge between two shared nodes (a section PART_OF its bureau) is MERGEd: it
    is written again by every document that mentions them and must stay single."""
    props = ", ".join(f"{p}: r.{p}" for p in fields)
    props = f" {{{props}}}" if props else ""
    ka, kb = schema.node(a).key, schema.node(b).key
    verb = "MERGE" if schema.node(a).shared and schema.node(b).shared else "CREATE"
    return f"UNWIND $rows AS r MATCH (a:{a} {{{ka}: r.f}}) MATCH (b:{b} {{{kb}: r.t}}) {verb} (a)-[:{rel}{props}]->(b)"


# -- store reads -----------------------------------------------------------------------------------

DOCUMENT_HASH = "MATCH (d:Document) WHERE d.source = $source RETURN d.content_hash"
DOCUMENT_LIST = "MATCH (d:Document) RETURN d.source, d.id, d.fingerprint ORDER BY d.source"


def count_nodes(label: str) -> str:
    return f"MATCH (n:{label}) RETURN count(n)"


def count_relationships(rel: str) -> str:
    """>>> count_relationships("CITES")
    'MATCH ()-[r:CITES]->() RETURN count(r)'
    """
    return f"MATCH ()-[r:{rel}]->() RETURN count(r)"


def read_nodes(schema: Schema, label: str, *, by: str | None = None, keys: bool = False, ordered: bool = False) -> str:
    """Every property of the nodes of `label`, in schema order.

    `by`: only nodes whose property `by` is `$id`; `keys`: only nodes whose key is in `$keys`;
    `ordered`: sorted by key.

    >>> from policykg.graph.schema import load_schema
    >>> read_nodes(load_schema(), "Region", keys=True, ordered=True)
    'MATCH (n:Region) WHERE n.id IN $keys RETURN n.id, n.name, n.level ORDER BY n.id'
    """
    spec = schema.node(label)
    cols = ", ".join(f"n.{p}" for p in spec.properties)
    where = f" WHERE n.{by} = $id" if by else (f" WHERE n.{spec.key} IN $keys" if keys else "")
    order = f" ORDER BY n.{spec.key}" if ordered else ""
    return f"MATCH (n:{label}){where} RETURN {cols}{order}"


def read_edges(schema: Schema, rel: str, a: str, b: str, *, end: str | None = None, by: str | None = None,
               keys: bool = False, ordered: bool = False) -> str:
    """(from key, to key, properties in schema order) of the `rel` relationships from `a` to `b`.

    `end` ('a' or 'b') and `by`: only relationships whose end node has `by` = `$id`; `keys`: only those
    whose `a` end's key (with `end` = 'b': `b` end's) is in `$keys`; `ordered`: sorted by the two keys.

    >>> from policykg.graph.schema import load_schema
    >>> read_edges(load_schema(), "REFERS_TO", "Citation", "PolicyDocument", end="b", keys=True)
    'MATCH (a:Citation)-[r:REFERS_TO]->(b:PolicyDocument) WHERE b.id IN $keys WITH a, b, r RETURN a.id, b.id'
    """
    spec = schema.rel(rel)
    ka, kb = schema.node(a).key, schema.node(b).key
    cols = ", ".join([f"a.{ka}", f"b.{kb}"] + [f"r.{p}" for p in spec.properties])
    keyed = f" WHERE b.{kb} IN $keys" if end == "b" else f" WHERE a.{ka} IN $keys"
    where = f" WHERE {end}.{by} = $id" if end and by else (keyed if keys else "")
    order = f" ORDER BY a.{ka}, b.{kb}" if ordered else ""
    return f"MATCH (a:{a})-[r:{rel}]->(b:{b}){where} WITH a, b, r RETURN {cols}{order}"


# -- exports (their columns come from the `exports:` section of graph/schema.yaml) -----------------

_EXPORT_VARIABLES = {"node": "n", "from": "a", "to": "b", "rel": "r", "from_document": "ad", "to_document": "bd"}


def export_statement(schema: Schema, spec: ExportSpec, of_documents: bool = False) -> str:
    """The read of one export: one row per node (or relationship), columns and order as declared.

    With `of_documents`, only the rows of the documents whose ids are in `$documents`, reached by the
    label's link to its document (a ValueError for a label without one).

    >>> from policykg.graph.schema import load_schema
    >>> schema = load_schema()
    >>> export_statement(schema, schema.exports["documents"])
    'MATCH (n:Document) RETURN n.source AS source, n.id AS id, ... ORDER BY source'
    >>> export_statement(schema, schema.exports["targets"], of_documents=True)
    'MATCH (n:Target)-[:TARGET_OF]->(d:Document) WHERE d.id IN $documents RETURN n.doc_id AS doc_id, ...'
    >>> export_statement(schema, schema.exports["citations"], of_documents=True)
    Traceback (most recent call last):
    ...
    ValueError: export 'citations' has no link to its documents to filter by
    """
    returns = ", ".join(f"{_EXPORT_VARIABLES[end]}.{prop} AS {column}" for column, end, prop in spec.columns)
    order = f" ORDER BY {', '.join(spec.order)}" if spec.order else ""
    if of_documents:
        link = DOCUMENT_LINKS.get(spec.label or "")
        if link is None:
            raise ValueError(f"export {spec.name!r} has no link to its documents to filter by")
        return f"MATCH (n:{spec.label})-[:{link}]->(d:Document) WHERE d.id IN $documents RETURN {returns}{order}"
    if spec.label:
        return f"MATCH (n:{spec.label}) RETURN {returns}{order}"
    a, b = schema.rel(spec.relationship or "").endpoints[0]
    return (f"MATCH (a:{a})-[r:{spec.relationship}]->(b:{b}), (ad:Document), (bd:Document) "
            f"WHERE ad.id = a.doc_id AND bd.id = b.doc_id RETURN {returns}{order}")


DOCUMENT_SOURCES = "MATCH (d:Document) RETURN d.id AS id, d.source AS source"
TASK_LEADERS = ("MATCH (t:Task)-[l:LED_BY]->(p:Leader) "
                "RETURN t.id AS task, l.written AS written, p.name AS name ORDER BY l.start_offset, p.name")
TASK_OWNERS = ("MATCH (t:Task)-[o:OWNED_BY]->(d:Department) "
               "RETURN t.id AS task, o.written AS written, d.name AS name, o.inferred AS inferred, o.rule AS rule, "
               "d.generic AS generic ORDER BY o.start_offset, d.name, o.rule")
CITATION_DOCUMENTS = ("MATCH (c:Citation)-[:REFERS_TO]->(p:PolicyDocument) "
                      "RETURN c.id AS c, p.id AS policy_document, p.title AS canonical_title")
# Per document, column → (document id, count): what `policykg stats` and `load` print.
DOCUMENT_COUNTS = {
    "sections": "MATCH (s:Section) RETURN s.doc_id AS doc, count(s) AS n",
    "tasks": "MATCH (t:Task) RETURN t.doc_id AS doc, count(t) AS n",
    "targets": "MATCH (g:Target) RETURN g.doc_id AS doc, count(g) AS n",
    "departments": "MATCH (t:Task)-[:OWNED_BY]->(d:Department) RETURN t.doc_id AS doc, count(DISTINCT d.id) AS n",
    "leaders": "MATCH (t:Task)-[:LED_BY]->(l:Leader) RETURN t.doc_id AS doc, count(DISTINCT l.id) AS n",
    "citations": "MATCH (c:Citation) RETURN c.doc_id AS doc, count(DISTINCT c.title) AS n",
}
DOCUMENT_SUMMARY = "MATCH (d:Document) RETURN d.id AS id, d.source AS source, d.region AS region, d.year AS year ORDER BY source"


# -- derivation: the snapshot links are computed over ----------------------------------------------

SNAPSHOT_DOCUMENTS = """
    MATCH (d:Document)
    RETURN d.id AS id, d.source AS source, d.title AS title, d.issuer AS issuer, d.year AS year,
           d.region AS region, d.level AS level, d.is_notice AS is_notice, d.region_chain AS region_chain"""
SNAPSHOT_TARGETS = """
    MATCH (g:Target)
    RETURN g.id AS id, g.doc_id AS doc_id, g.task_id AS task_id, g.value AS value, g.unit AS unit,
           g.metric AS metric, g.indicator AS indicator, g.kind AS kind, g.modifier AS modifier,
           g.conflict AS conflict, g.status AS status, g.text AS text
    ORDER BY g.doc_id, g.start_offset, g.id"""
SNAPSHOT_SECTIONS = """
    MATCH (s:Section)
    RETURN s.id AS id, s.doc_id AS doc_id, s.level AS level, s.title AS title, s.theme AS theme,
           s.text AS text, s.start_offset AS start_offset
    ORDER BY s.doc_id, s.start_offset, s.id"""
SNAPSHOT_TASKS = """
    MATCH (t:Task)
    RETURN t.id AS id, t.doc_id AS doc_id, t.text AS text, t.start_offset AS start_offset
    ORDER BY t.doc_id, t.start_offset, t.id"""
SECTION_CHILDREN = "MATCH (a:Section)-[:HAS_SECTION]->(b:Section) RETURN a.id AS parent, b.id AS child"
SECTION_TASKS = "MATCH (s:Section)-[:HAS_TASK]->(t:Task) RETURN s.id AS section, t.id AS task"
# Every 《…》 citation of every document, to be resolved into PolicyDocuments.
CITATIONS = """
    MATCH (d:Document)-[:HAS_CITATION]->(c:Citation)
    RETURN d.id AS doc_id, d.source AS source, c.id AS id, c.title AS title, c.scope_hint AS scope_hint,
           c.citing_region AS citing_region, c.wraps AS wraps, c.task_id AS task_id,
           c.start_offset AS start_offset, c.end_offset AS end_offset, c.text AS text
    ORDER BY doc_id, start_offset"""


# -- views (queries layer) -------------------------------------------------------------------------

# The district plans of the alignment matrix, with the city plan each is compared with.
DISTRICT_PLANS = """
    MATCH (d:Document)-[i:IMPLEMENTS]->(c:Document)
    RETURN d.id AS id, d.source AS source, d.region AS region, d.year AS year, c.id AS city_id,
           c.year AS city_year, i.year_gap AS year_gap"""
CITY_TARGETS = """
    MATCH (g:Target), (c:Document)
    WHERE c.id = g.doc_id AND c.level = 'city'
    RETURN g.id AS id, g.indicator AS indicator, g.value AS value, g.unit AS unit, c.id AS doc_id,
           c.source AS source, g.start_offset AS start_offset"""
# What a lineage picture can be centred on, tried in this order: label → statement finding `$name`.
LINEAGE_FOCUS = [
    ("Document", "MATCH (n:Document) WHERE n.id = $name OR n.source = $name OR n.title = $name "
                 "RETURN n.id AS id, n.source AS title, n.source AS source ORDER BY n.source"),
    ("Program", "MATCH (n:Program) WHERE n.id = $name OR n.name = $name RETURN n.id AS id, n.name AS title, n.id AS source"),
    ("Indicator", "MATCH (n:Indicator) WHERE n.id = $name OR n.name = $name "
                  "RETURN n.id AS id, n.name AS title, n.id AS source"),
    ("PolicyDocument", "MATCH (n:PolicyDocument) WHERE n.id = $name OR n.title = $name "
                       "RETURN n.id AS id, n.title AS title, n.id AS source"),
]
DOCUMENT_IDS = "MATCH (d:Document) RETURN d.source AS source, d.id AS id"
# The lineage picture's node properties: where a plan sits (level, region, year), how many targets it
# states, its sections' themes; what a cited document and a program are.
LINEAGE_DOCUMENTS = """
    MATCH (d:Document)
    RETURN d.id AS id, d.source AS source, d.title AS title, d.level AS level, d.region AS region, d.year AS year,
           d.kind AS kind, d.issuer AS issuer, d.doc_number AS doc_number, d.issue_date AS issue_date"""
LINEAGE_TARGET_COUNTS = "MATCH (g:Target) RETURN g.doc_id AS doc_id, count(*) AS targets"
LINEAGE_THEMES = "MATCH (s:Section) WHERE s.theme IS NOT NULL RETURN DISTINCT s.doc_id AS doc_id, s.theme AS theme"
LINEAGE_POLICY_DOCUMENTS = ("MATCH (p:PolicyDocument) "
                            "RETURN p.id AS id, p.title AS title, p.scope AS scope, p.variants AS variants")
LINEAGE_PROGRAMS = "MATCH (p:Program) RETURN p.id AS id, p.name AS name, p.kind AS kind"
# The same, for the nodes `$ids` of a picture centred on one node: by the key and the document links,
# rather than reading every document's targets and sections (0.45 s on a 10,000-plan graph).
LINEAGE_DOCUMENTS_OF = LINEAGE_DOCUMENTS.replace("MATCH (d:Document)", "MATCH (d:Document) WHERE d.id IN $ids")
LINEAGE_TARGET_COUNTS_OF = ("MATCH (g:Target)-[:TARGET_OF]->(d:Document) WHERE d.id IN $ids "
                            "RETURN d.id AS doc_id, count(g) AS targets")
LINEAGE_THEMES_OF = ("MATCH (s:Section)-[:SECTION_OF]->(d:Document) WHERE d.id IN $ids AND s.theme IS NOT NULL "
                     "RETURN DISTINCT d.id AS doc_id, s.theme AS theme")
LINEAGE_POLICY_DOCUMENTS_OF = LINEAGE_POLICY_DOCUMENTS.replace("MATCH (p:PolicyDocument)",
                                                               "MATCH (p:PolicyDocument) WHERE p.id IN $ids")
LINEAGE_PROGRAMS_OF = LINEAGE_PROGRAMS.replace("MATCH (p:Program)", "MATCH (p:Program) WHERE p.id IN $ids")
# The `lineage` query's rows for the nodes `$ids`, one direction each (queries/lineage.cypher has the columns,
# in the same order, and what each link means): the picture's walk asks once a hop, not once for every node
# it reaches (a program that 7,308 plans of the bench corpus run: 7,308 queries, 4-6 minutes). Upstream rows
# leave a node of `$ids`, downstream rows reach one. Indicators are only a focus, never walked on from, so
# MEASURES is left out. tests/test_queries.py checks them against `lineage` on every node of the seeds.
_NO_INT = "CASE WHEN 1 = 0 THEN 0 END"
_NO_FLOAT = "CASE WHEN 1 = 0 THEN 0.0 END"
_LINEAGE_LINKS = [   # (relation, MATCH, the columns after direction)
    ("IMPLEMENTS", "MATCH (a:Document)-[r:IMPLEMENTS]->(b:Document)",
     "'Document' AS from_label, a.id AS from_id, a.source AS from_name, 'Document' AS to_label, b.id AS to_id, "
     "b.source AS to_name, r.coverage AS value, 'coverage' AS detail, a.source AS source, a.title AS text, "
     f"{_NO_INT} AS start_offset, {_NO_INT} AS end_offset"),
    ("SUCCEEDS", "MATCH (a:Document)-[r:SUCCEEDS]->(b:Document)",
     "'Document' AS from_label, a.id AS from_id, a.source AS from_name, 'Document' AS to_label, b.id AS to_id, "
     "b.source AS to_name, r.year_gap * 1.0 AS value, 'year_gap' AS detail, a.source AS source, a.title AS text, "
     f"{_NO_INT} AS start_offset, {_NO_INT} AS end_offset"),
    ("CITES", "MATCH (a:Document)-[r:CITES]->(b:PolicyDocument)",
     "'Document' AS from_label, a.id AS from_id, a.source AS from_name, 'PolicyDocument' AS to_label, b.id AS to_id, "
     f"b.title AS to_name, {_NO_FLOAT} AS value, r.title AS detail, a.source AS source, r.text AS text, "
     "r.start_offset AS start_offset, r.end_offset AS end_offset"),
    ("WRAPS", "MATCH (a:PolicyDocument)-[r:WRAPS]->(b:PolicyDocument)",
     "'PolicyDocument' AS from_label, a.id AS from_id, a.title AS from_name, 'PolicyDocument' AS to_label, "
     f"b.id AS to_id, b.title AS to_name, {_NO_FLOAT} AS value, 'issues' AS detail, "
     f"CASE WHEN 1 = 0 THEN '' END AS source, a.title AS text, {_NO_INT} AS start_offset, {_NO_INT} AS end_offset"),
    ("RUNS_PROGRAM", "MATCH (a:Document)<-[:TASK_OF]-(t:Task)-[r:RUNS_PROGRAM]->(b:Program)",
     "'Document' AS from_label, a.id AS from_id, a.source AS from_name, 'Program' AS to_label, b.id AS to_id, "
     f"b.name AS to_name, {_NO_FLOAT} AS value, r.written AS detail, a.source AS source, r.text AS text, "
     "r.start_offset AS start_offset, r.end_offset AS end_offset"),
]


def _lineage_of(direction: str, end: str) -> str:
    return "\nUNION ALL\n".join(
        f"{match} WHERE {end}.id IN $ids\nRETURN '{direction}' AS direction, '{relation}' AS relation, {columns}"
        for relation, match, columns in _LINEAGE_LINKS)


LINEAGE_UPSTREAM_OF = _lineage_of("upstream", "a")
LINEAGE_DOWNSTREAM_OF = _lineage_of("downstream", "b")
# A plan expanded in the picture: the original texts (for each piece of evidence's sentence), the
# top-level sections, the targets (with their task's path, which names their top-level section) and
# the ALIGNS_WITH / CONTINUES links between targets of the documents `$ids`.
LINEAGE_TEXTS = "MATCH (d:Document) WHERE d.id IN $ids RETURN d.id AS id, d.source AS source, d.text AS text"
LINEAGE_SECTIONS = """
    MATCH (d:Document)-[:HAS_SECTION]->(s:Section) WHERE d.id IN $ids
    RETURN d.id AS doc_id, s.id AS id, s.path AS path, s.title AS title, s.theme AS theme,
           s.start_offset AS start_offset, s.end_offset AS end_offset"""
LINEAGE_TARGETS = """
    MATCH (k:Task)-[:HAS_TARGET]->(g:Target) WHERE g.doc_id IN $ids
    OPTIONAL MATCH (g)-[:MEASURES]->(i:Indicator)
    RETURN g.doc_id AS doc_id, g.id AS id, k.path AS task_path, g.indicator AS indicator, g.metric AS metric,
           g.value AS value, g.value_max AS value_max, g.unit AS unit, g.kind AS kind, g.status AS status,
           g.conflict AS conflict, i.theme AS theme, g.start_offset AS start_offset, g.end_offset AS end_offset,
           g.text AS text"""
LINEAGE_ALIGNMENTS = """
    MATCH (a:Target)-[r:ALIGNS_WITH]->(b:Target) WHERE a.doc_id IN $ids AND b.doc_id IN $ids
    RETURN a.id AS from_id, b.id AS to_id, r.share AS share, r.gap AS gap, r.gap_label AS gap_label, r.basis AS basis,
           r.year_gap AS year_gap, r.flagged AS flagged"""
LINEAGE_CONTINUATIONS = """
    MATCH (a:Target)-[r:CONTINUES]->(b:Target) WHERE a.doc_id IN $ids AND b.doc_id IN $ids
    RETURN a.id AS from_id, b.id AS to_id, r.label AS label, r.delta AS delta"""


# -- pages -----------------------------------------------------------------------------------------

REVIEW_DOCUMENT = """
    MATCH (d:Document) WHERE d.source = $n OR d.id = $n
    RETURN d.id AS id, d.source AS source, d.title AS title, d.region AS region, d.year AS year,
           d.issuer AS issuer, d.doc_number AS doc_number, d.text AS text"""
DOCUMENT_NAMES = "MATCH (d:Document) RETURN d.source ORDER BY d.source"
# The review page's highlights: entity label → the spans (s, e) of document `$d` with what the tooltip says.
REVIEW_ENTITIES = {
    "TARGET": "MATCH (g:Target) WHERE g.doc_id = $d "
              "RETURN g.start_offset AS s, g.end_offset AS e, g.value AS v, g.unit AS u, g.indicator AS i",
    "DEPARTMENT": "MATCH (t:Task)-[o:OWNED_BY]->(x:Department) WHERE t.doc_id = $d AND o.inferred = false "
                  "RETURN o.start_offset AS s, o.end_offset AS e, x.kind AS k",
    "LEADER": "MATCH (t:Task)-[l:LED_BY]->(x:Leader) WHERE t.doc_id = $d "
              "RETURN l.start_offset AS s, l.end_offset AS e, x.name AS n",
    "BODY": "MATCH (t:Task)-[m:MENTIONS]->(x:Department) WHERE t.doc_id = $d "
            "RETURN m.start_offset AS s, m.end_offset AS e, x.kind AS k",
    "PROGRAM": "MATCH (t:Task)-[p:RUNS_PROGRAM]->(x:Program) WHERE t.doc_id = $d "
               "RETURN p.start_offset AS s, p.end_offset AS e, x.name AS n",
    "CITATION": "MATCH (c:Citation) WHERE c.doc_id = $d RETURN c.start_offset AS s, c.end_offset AS e, c.title AS t",
    "SECTION": "MATCH (s:Section) WHERE s.doc_id = $d RETURN s.start_offset AS s, s.end_offset AS e, s.path AS p, s.theme AS t",
}
REVIEW_OWNERS = """
    MATCH (t:Task)-[o:OWNED_BY]->(x:Department) WHERE t.doc_id = $d
    RETURN t.path AS path, t.title AS title, x.name AS department, o.inferred AS inferred, o.rule AS rule
    ORDER BY t.start_offset"""


# -- commands --------------------------------------------------------------------------------------

UNMAPPED_TARGETS = """
    MATCH (d:Document), (g:Target) WHERE g.doc_id = d.id AND g.indicator = 'unmapped'
    RETURN d.source AS source, g.metric AS metric, g.value AS value, g.unit AS unit, g.text AS text
    ORDER BY metric, source"""
INDICATOR_COUNTS = """
    MATCH (g:Target)-[:MEASURES]->(i:Indicator)
    RETURN i.name AS indicator, i.theme AS theme, i.unit_family AS unit_family,
           count(g) AS targets, count(DISTINCT g.doc_id) AS documents
    ORDER BY targets DESC, indicator"""
# Whether a name given on the command line (align --indicator) is an indicator any target measures.
INDICATOR_TARGETS = "MATCH (g:Target) WHERE g.indicator = $i RETURN count(g) AS n"
INDICATOR_NAMES = "MATCH (i:Indicator) RETURN i.name ORDER BY i.name"


# -- incremental derivation: the snapshot of a partition, and the derived layer around it -----------
# (graph/derive/incremental.py). `$docs` is the partition's document ids.

SNAPSHOT_TARGETS_OF = """
    MATCH (d:Document)<-[:TARGET_OF]-(g:Target) WHERE d.id IN $docs
    RETURN g.id AS id, g.doc_id AS doc_id, g.task_id AS task_id, g.value AS value, g.unit AS unit,
           g.metric AS metric, g.indicator AS indicator, g.kind AS kind, g.modifier AS modifier,
           g.conflict AS conflict, g.status AS status, g.text AS text
    ORDER BY g.doc_id, g.start_offset, g.id"""
SNAPSHOT_SECTIONS_OF = """
    MATCH (d:Document)<-[:SECTION_OF]-(s:Section) WHERE d.id IN $docs
    RETURN s.id AS id, s.doc_id AS doc_id, s.level AS level, s.title AS title, s.theme AS theme,
           s.text AS text, s.start_offset AS start_offset
    ORDER BY s.doc_id, s.start_offset, s.id"""
SECTION_CHILDREN_OF = ("MATCH (d:Document)<-[:SECTION_OF]-(a:Section)-[:HAS_SECTION]->(b:Section) WHERE d.id IN $docs "
                       "RETURN a.id AS parent, b.id AS child")
# A partition's rows are reached from its documents by their links (SECTION_OF, TASK_OF, TARGET_OF):
# LadybugDB has no index on `doc_id`, and `doc_id IN $docs` goes through the list for every row of the
# table. At 10,000 plans, the targets, sections, section children and tasks of 13 plans took
# 0.12 + 0.08 + 0.06 + 0.07 s by `doc_id`, 0.005 + 0.01 + 0.005 + 0.01 s by the links.
# Tasks come through what holds them (every task is held by one section or by its document: loaders/build.py).
SECTION_TASKS_OF = """
    MATCH (d:Document)<-[:SECTION_OF]-(s:Section)-[:HAS_TASK]->(t:Task) WHERE d.id IN $docs
    RETURN s.id AS section, t.id AS id, t.doc_id AS doc_id, t.text AS text, t.start_offset AS start_offset"""
DOCUMENT_TASKS_OF = """
    MATCH (d:Document)-[:HAS_TASK]->(t:Task) WHERE d.id IN $docs
    RETURN d.id AS section, t.id AS id, t.doc_id AS doc_id, t.text AS text, t.start_offset AS start_offset"""
# The documents stored under some sources (what a reload or removal is about to replace).
DOCUMENTS_OF_SOURCES = """
    MATCH (d:Document) WHERE d.source IN $sources
    RETURN d.id AS id, d.source AS source, d.title AS title, d.issuer AS issuer, d.year AS year,
           d.region AS region, d.level AS level, d.is_notice AS is_notice, d.region_chain AS region_chain"""
# The citations of some documents, and those resolved to the policy documents of some title keys.
CITATIONS_OF = """
    MATCH (d:Document)-[:HAS_CITATION]->(c:Citation) WHERE d.id IN $docs
    RETURN d.id AS doc_id, d.source AS source, c.id AS id, c.title AS title, c.scope_hint AS scope_hint,
           c.citing_region AS citing_region, c.wraps AS wraps, c.task_id AS task_id,
           c.start_offset AS start_offset, c.end_offset AS end_offset, c.text AS text"""
CITATIONS_OF_KEYS = """
    MATCH (d:Document)-[:HAS_CITATION]->(c:Citation)-[:REFERS_TO]->(p:PolicyDocument) WHERE p.title_key IN $keys
    RETURN d.id AS doc_id, d.source AS source, c.id AS id, c.title AS title, c.scope_hint AS scope_hint,
           c.citing_region AS citing_region, c.wraps AS wraps, c.task_id AS task_id,
           c.start_offset AS start_offset, c.end_offset AS end_offset, c.text AS text"""
# Title keys one WRAPS step from those in `$keys`, either way (a notice and the document it issues).
# The policy documents stored under some title keys (incremental derivation: are they as re-resolved?).
POLICY_DOCUMENTS_OF_KEYS = "MATCH (n:PolicyDocument) WHERE n.title_key IN $values RETURN n.id"
WRAPPED_KEYS = ("MATCH (p:PolicyDocument)-[:WRAPS]->(q:PolicyDocument) WHERE p.title_key IN $keys "
                "RETURN DISTINCT q.title_key AS k")
WRAPPING_KEYS = ("MATCH (p:PolicyDocument)-[:WRAPS]->(q:PolicyDocument) WHERE q.title_key IN $keys "
                 "RETURN DISTINCT p.title_key AS k")


def derived_resets_for(schema: Schema, rel: str) -> str:
    """Drop the derived relationships `rel` whose start node belongs to a document in `$docs`.

    >>> from policykg.graph.schema import load_schema
    >>> derived_resets_for(load_schema(), "ALIGNS_WITH")
    'MATCH (a:Target)-[r:ALIGNS_WITH]->() WHERE a.doc_id IN $docs DELETE r'
    """
    start = schema.rel(rel).endpoints[0][0]
    owner = "id" if start == "Document" else "doc_id"
    return f"MATCH (a:{start})-[r:{rel}]->() WHERE a.{owner} IN $docs DELETE r"


def derived_node_resets_for(label: str, prop: str) -> str:
    """Drop the derived nodes of `label` whose `prop` is in `$values`, with their relationships.

    >>> derived_node_resets_for("PolicyDocument", "title_key")
    'MATCH (n:PolicyDocument) WHERE n.title_key IN $values DETACH DELETE n'
    """
    return f"MATCH (n:{label}) WHERE n.{prop} IN $values DETACH DELETE n"


# -- batch writes and the shared nodes a write touches (GraphStore.write_documents, orphan sweeps) ----------

# The stored versions of a batch's sources, in one read: which documents of the batch are first loads.
DOCUMENT_VERSIONS_OF = "MATCH (d:Document) WHERE d.source IN $sources RETURN d.source AS source, d.id AS id"


def stored_keys(schema: Schema, label: str) -> str:
    """Which of the keys `$keys` have a node of `label` (one key lookup each, not a scan with a list test).

    >>> from policykg.graph.schema import load_schema
    >>> stored_keys(load_schema(), "Region")
    'UNWIND $keys AS k MATCH (n:Region) WHERE n.id = k RETURN n.id AS key'
    """
    key = schema.node(label).key
    return f"UNWIND $keys AS k MATCH (n:{label}) WHERE n.{key} = k RETURN n.{key} AS key"


def stored_edges(schema: Schema, rel: str, a: str, b: str) -> str:
    """The `rel` relationships from the `a` nodes whose keys are in `$keys`: (from key, to key, properties)."""
    ka, kb = schema.node(a).key, schema.node(b).key
    cols = ", ".join([f"a.{ka}", f"b.{kb}"] + [f"r.{p}" for p in schema.rel(rel).properties])
    return f"UNWIND $keys AS k MATCH (a:{a})-[r:{rel}]->(b:{b}) WHERE a.{ka} = k WITH a, b, r RETURN {cols}"


def shared_touched(schema: Schema) -> list[tuple[str, str]]:
    """(shared label, statement): the keys of the shared nodes the documents `$old` point at (from their
    Document node or the nodes they own): the candidates of the orphan sweep when they are replaced or deleted.

    >>> from policykg.graph.schema import load_schema
    >>> shared_touched(load_schema())[0]
    ('Indicator', 'MATCH (a:Target)-[:MEASURES]->(n:Indicator) WHERE a.doc_id IN $old RETURN DISTINCT n.id AS key')
    """
    stmts = []
    for rel in schema.relationships.values():
        for a, b in rel.endpoints:
            spec_a, spec_b = schema.node(a), schema.node(b)
            if rel.derived or not spec_b.shared or spec_a.shared or spec_a.derived:
                continue
            owner = spec_a.key if a == "Document" else "doc_id"
            stmts.append((b, f"MATCH (a:{a})-[:{rel.name}]->(n:{b}) WHERE a.{owner} IN $old "
                             f"RETURN DISTINCT n.{spec_b.key} AS key"))
    return stmts


def shared_neighbours(schema: Schema) -> list[tuple[str, str, str]]:
    """(from label, to label, statement): the keys of the shared nodes that the shared nodes with keys `$keys`
    point at (a department's bureau and region): deleting those may leave these with nothing keeping them.

    >>> from policykg.graph.schema import load_schema
    >>> shared_neighbours(load_schema())[0][2]
    'UNWIND $keys AS k MATCH (a:Department)-[:PART_OF]->(n:Department) WHERE a.id = k RETURN DISTINCT n.id AS key'
    """
    stmts = []
    for rel in schema.relationships.values():
        for a, b in rel.endpoints:
            spec_a, spec_b = schema.node(a), schema.node(b)
            if not rel.derived and spec_a.shared and spec_b.shared:
                stmts.append((a, b, f"UNWIND $keys AS k MATCH (a:{a})-[:{rel.name}]->(n:{b}) WHERE a.{spec_a.key} = k "
                                    f"RETURN DISTINCT n.{spec_b.key} AS key"))
    return stmts


# LadybugDB: write the write-ahead log into the database files. Before every bulk transaction: in
# LadybugDB 0.22 a COPY rolled back into a table whose rows were still only in the log corrupted memory,
# and the next COPY crashed the process (tests/test_write_batches.py injects such a failure).
CHECKPOINT = "CHECKPOINT"


def cypher_string(text: str) -> str:
    r"""`text` as a Cypher string literal, for the one place a parameter cannot go: the file of a COPY.

    >>> print(cypher_string("/tmp/it's\\a.parquet"))
    '/tmp/it\'s\\a.parquet'
    """
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ladybug_copy_nodes(label: str, path: str) -> str:
    """LadybugDB's bulk path: new nodes of `label` from the Parquet file at `path` (columns in schema order).

    >>> ladybug_copy_nodes("Task", "/tmp/x/1.parquet")
    "COPY Task FROM '/tmp/x/1.parquet'"
    """
    return f"COPY {label} FROM {cypher_string(path)}"


def ladybug_copy_edges(rel: str, a: str, b: str, path: str) -> str:
    """LadybugDB's bulk path: `rel` relationships from `a` to `b`, from the Parquet file at `path`
    (from key, to key, then the properties in schema order).

    >>> ladybug_copy_edges("HAS_TASK", "Section", "Task", "/tmp/x/2.parquet")
    "COPY HAS_TASK FROM '/tmp/x/2.parquet' (from='Section', to='Task')"
    """
    return f"COPY {rel} FROM {cypher_string(path)} (from='{a}', to='{b}')"
