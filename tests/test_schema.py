"""The schema is data: it loads, is consistent, and drives the LadybugDB DDL."""
import pytest

from policykg.graph.schema import _parse, coerce, load_schema
from policykg.graph.statements import export_statement, ladybug_schema_ddl
from policykg.loaders.records import DOCUMENT_LINKS


def test_schema_declares_the_core_labels_and_relationships():
    schema = load_schema()
    for label in ["Document", "Section", "Task", "Target", "Indicator", "Department", "Leader", "Region", "Program", "PolicyDocument"]:
        assert schema.node(label).key == "id"
    for rel in ["HAS_SECTION", "HAS_TASK", "HAS_TARGET", "OWNED_BY", "LED_BY", "CITES", "WRAPS", "ALIGNS_WITH", "CONTINUES", "IMPLEMENTS", "SUCCEEDS"]:
        assert schema.rel(rel).endpoints
    assert set(schema.document_owned_labels) == {"Section", "Task", "Target", "Citation"}
    assert schema.derived_labels == ["PolicyDocument"]
    assert "ALIGNS_WITH" in schema.derived_relationships and "HAS_TASK" not in schema.derived_relationships


def test_nodes_with_evidence_carry_offsets_and_text():
    schema = load_schema()
    for label in schema.document_owned_labels:
        props = schema.node(label).properties
        assert {"doc_id", "start_offset", "end_offset", "text"} <= set(props)


def test_ddl_has_one_table_per_label_and_rel():
    schema = load_schema()
    ddl = ladybug_schema_ddl(schema)
    assert len(ddl) == len(schema.nodes) + len(schema.relationships) + len(schema.state)
    assert any(s.startswith("CREATE NODE TABLE IF NOT EXISTS DerivedLayer(") for s in ddl)
    assert any(s.startswith("CREATE REL TABLE IF NOT EXISTS HAS_SECTION(FROM Document TO Section, FROM Section TO Section") for s in ddl)


def test_schema_rejects_unknown_types_and_endpoints():
    with pytest.raises(ValueError, match="unknown type"):
        _parse({"nodes": {"A": {"key": "id", "properties": {"id": "STRNG"}}}, "relationships": {}})
    with pytest.raises(ValueError, match="undeclared label"):
        _parse({"nodes": {"A": {"key": "id", "properties": {"id": "STRING"}}},
                "relationships": {"R": {"endpoints": [["A", "B"]]}}})


def test_unknown_label_error_names_the_known_ones():
    with pytest.raises(KeyError, match="Document"):
        load_schema().node("Nope")


def test_coerce():
    assert coerce("3", "INT64") == 3 and coerce(2, "DOUBLE") == 2.0 and coerce(None, "STRING") is None
    assert coerce(("a", 1), "STRING[]") == ["a", "1"]


def test_exports_take_their_columns_from_the_schema():
    schema = load_schema()
    assert set(schema.exports) == {"documents", "sections", "tasks", "targets", "citations", "alignments"}
    tasks = schema.exports["tasks"]
    assert tasks.keys[:3] == ["source", "doc_id", "id"] and tasks.keys[-4:] == ["leaders", "departments",
                                                                                "inferred_departments", "generic"]
    assert export_statement(schema, tasks).startswith("MATCH (n:Task) RETURN n.doc_id AS doc_id, n.id AS id,")
    alignments = export_statement(schema, schema.exports["alignments"])
    assert "(a:Target)-[r:ALIGNS_WITH]->(b:Target)" in alignments and "ad.source AS district_source" in alignments


def test_an_export_column_must_be_a_declared_property():
    nodes = {"A": {"key": "id", "properties": {"id": "STRING"}}}
    with pytest.raises(ValueError, match="column nope reads node.nope"):
        _parse({"nodes": nodes, "relationships": {}, "exports": {"a": {"label": "A", "columns": ["id", "nope"]}}})
    with pytest.raises(ValueError, match="does not have"):
        _parse({"nodes": nodes, "relationships": {}, "exports": {"a": {"label": "A", "columns": ["id"], "order": ["x"]}}})


def test_each_document_link_is_declared_from_its_label_to_the_document():
    """The loaders link sections, tasks and targets to their document by the types graph/schema.yaml declares."""
    schema = load_schema()
    for label, rel in DOCUMENT_LINKS.items():
        assert schema.node(label).owned_by_document, label
        assert schema.rel(rel).endpoints == ((label, "Document"),), rel
        assert not schema.rel(rel).derived, rel
