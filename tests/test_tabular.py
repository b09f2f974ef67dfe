import json

from policykg.graph.tabular import render


def test_table_aligns_cjk_columns():
    out = render(["name", "n"], [["养老床位", 600], ["x", 1.0]])
    lines = out.splitlines()
    assert lines[0].startswith("name") and lines[2].startswith("养老床位  600")
    assert lines[3].rstrip().endswith("1")


def test_json_csv_jsonl():
    assert json.loads(render(["a"], [[1]], "json")) == [{"a": 1}]
    assert render(["a", "b"], [["x,y", None]], "csv") == 'a,b\n"x,y",'
    assert render(["a"], [[1], [2]], "jsonl") == '{"a": 1}\n{"a": 2}'
