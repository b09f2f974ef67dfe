"""Hand-built plans for the derive and query tests (no loaders involved).

`Plan` builds a DocumentGraph shaped like the loader's output: a Document whose
`text` is the concatenation of its sections' headings and tasks, Sections and
Tasks with offsets into that text, Targets with indicators, owners, programs and
citations. Other test modules import from here.
"""
from __future__ import annotations

import hashlib

import pytest

from policykg.graph.ladybug_store import LadybugStore
from policykg.loaders.records import DocumentGraph, EdgeRecord, NodeRecord, document_links


class Plan:
    def __init__(self, source: str, *, region: str, year: int | None, level: str, title: str | None = None,
                 issuer: str | None = None):
        self.source = source
        self.meta = {"region": region, "year": year, "level": level,
                     "title": title or f"{year}年{region}民政工作要点", "issuer": issuer or f"{region}民政局"}
        self.text = ""
        self.sections: list[dict] = []
        self.tasks: list[dict] = []
        self.targets: list[dict] = []
        self.extra_nodes: list[NodeRecord] = []
        self.extra_edges: list[tuple] = []   # edges whose endpoints are resolved at build time
        self.citations: list[dict] = []

    @property
    def doc_id(self) -> str:
        return f"{self.source}@{hashlib.sha256(self.source.encode()).hexdigest()[:12]}"

    def _append(self, text: str) -> tuple[int, int]:
        start = len(self.text)
        self.text += text
        end = len(self.text)
        self.text += "\n"
        return start, end

    def section(self, path: str, title: str, theme: str | None = None, parent: str | None = None) -> str:
        start, end = self._append(title)
        level = path.count("/") + 1
        self.sections.append({"path": path, "title": title, "theme": theme, "parent": parent, "level": level,
                              "start": start, "end": end})
        return path

    def task(self, section: str | None, item: str, text: str, theme: str | None = None) -> str:
        start, end = self._append(text)
        path = f"{section}/{item}" if section else item
        self.tasks.append({"path": path, "item": item, "text": text, "section": section, "theme": theme,
                           "start": start, "end": end})
        return path

    def target(self, task: str, value: float, unit: str, metric: str, indicator: str = "unmapped",
               kind: str = "increment", conflict: bool = False, evidence: str | None = None) -> str:
        host = next(t for t in self.tasks if t["path"] == task)
        evidence = evidence or metric
        offset = host["text"].find(evidence)
        start = host["start"] + max(offset, 0)
        end = start + (len(evidence) if offset >= 0 else len(host["text"]))
        tid = f"{self.doc_id}/g:{task}#{sum(1 for g in self.targets if g['task'] == task) + 1}"
        self.targets.append({"id": tid, "task": task, "value": float(value), "unit": unit, "metric": metric,
                             "indicator": indicator, "kind": kind, "conflict": conflict, "start": start, "end": end})
        return tid

    def owner(self, task: str, department: str, *, inferred: bool = False, rule: str | None = None,
              leader: str | None = None) -> None:
        region = self.meta["region"]
        dep_id = f"{region}:{department}"
        self.extra_nodes.append(NodeRecord("Department", {"id": dep_id, "name": department, "region": region,
                                                          "kind": "section", "generic": False}))
        self.extra_edges.append(("OWNED_BY", "Task", task, "Department", dep_id,
                                 {"role": "responsible", "written": department, "inferred": inferred, "rule": rule,
                                  "source_column": None if inferred else "责任部门"}))
        if leader:
            lid = f"{region}:{leader}"
            self.extra_nodes.append(NodeRecord("Leader", {"id": lid, "name": leader, "region": region}))
            self.extra_edges.append(("LED_BY", "Task", task, "Leader", lid, {"written": leader, "source_column": "牵头领导"}))

    def program(self, task: str, name: str) -> None:
        self.extra_nodes.append(NodeRecord("Program", {"id": name, "name": name, "kind": "program"}))
        self.extra_edges.append(("RUNS_PROGRAM", "Task", task, "Program", name, {"written": name}))

    def cite(self, task: str, title: str, wraps: str | None = None) -> None:
        """A 《title》 citation in `task`; derive_all resolves it into a PolicyDocument."""
        self.citations.append({"task": task, "title": title, "wraps": wraps})

    def build(self) -> DocumentGraph:
        doc_id = self.doc_id
        nodes = [NodeRecord("Document", {"id": doc_id, "source": self.source, "path": f"{self.source}.txt",
                                         "format": "txt", "content_hash": doc_id, "fingerprint": doc_id,
                                         "is_notice": False, "warnings": [], "text": self.text, **self.meta})]
        edges: list[EdgeRecord] = []
        region = self.meta["region"]
        nodes.append(NodeRecord("Region", {"id": region, "name": region, "level": self.meta["level"]}))
        edges.append(EdgeRecord("IN_REGION", "Document", doc_id, "Region", region))
        sid = lambda p: f"{doc_id}/s:{p}"
        tid = lambda p: f"{doc_id}/t:{p}"
        for n, s in enumerate(self.sections):
            nodes.append(NodeRecord("Section", {"id": sid(s["path"]), "doc_id": doc_id, "path": s["path"],
                                                "marker": s["path"].split("/")[-1], "level": s["level"], "ordinal": n,
                                                "title": s["title"], "theme": s["theme"], "start_offset": s["start"],
                                                "end_offset": s["end"], "text": self.text[s["start"]:s["end"]]}))
            if s["parent"]:
                edges.append(EdgeRecord("HAS_SECTION", "Section", sid(s["parent"]), "Section", sid(s["path"]), {"ordinal": n}))
            else:
                edges.append(EdgeRecord("HAS_SECTION", "Document", doc_id, "Section", sid(s["path"]), {"ordinal": n}))
        for n, t in enumerate(self.tasks):
            nodes.append(NodeRecord("Task", {"id": tid(t["path"]), "doc_id": doc_id, "source": self.source,
                                             "path": t["path"], "item": t["item"],
                                             "kind": "item", "ordinal": n, "title": t["text"][:12], "theme": t["theme"],
                                             "start_offset": t["start"], "end_offset": t["end"],
                                             "text": self.text[t["start"]:t["end"]],
                                             "indicators": sorted({g["indicator"] for g in self.targets
                                                                   if g["task"] == t["path"]}) or None}))
            if t["section"]:
                edges.append(EdgeRecord("HAS_TASK", "Section", sid(t["section"]), "Task", tid(t["path"]), {"ordinal": n}))
            else:
                edges.append(EdgeRecord("HAS_TASK", "Document", doc_id, "Task", tid(t["path"]), {"ordinal": n}))
        indicators = set()
        for g in self.targets:
            nodes.append(NodeRecord("Target", {"id": g["id"], "doc_id": doc_id, "task_id": tid(g["task"]), "value": g["value"],
                                               "unit": g["unit"], "metric": g["metric"], "indicator": g["indicator"],
                                               "kind": g["kind"], "conflict": g["conflict"], "year": self.meta["year"],
                                               "region": region, "start_offset": g["start"], "end_offset": g["end"],
                                               "text": self.text[g["start"]:g["end"]]}))
            edges.append(EdgeRecord("HAS_TARGET", "Task", tid(g["task"]), "Target", g["id"]))
            if g["indicator"] != "unmapped":
                if g["indicator"] not in indicators:
                    indicators.add(g["indicator"])
                    nodes.append(NodeRecord("Indicator", {"id": g["indicator"], "name": g["indicator"]}))
                edges.append(EdgeRecord("MEASURES", "Target", g["id"], "Indicator", g["indicator"]))
        seen = {(n.label, n.key) for n in nodes}
        for node in self.extra_nodes:
            if (node.label, node.key) not in seen:
                seen.add((node.label, node.key))
                nodes.append(node)
        for n, c in enumerate(self.citations):
            host = next(t for t in self.tasks if t["path"] == c["task"])
            cid = f"{doc_id}/c:{host['start']}:{n}"
            nodes.append(NodeRecord("Citation", {"id": cid, "doc_id": doc_id, "task_id": tid(host["path"]),
                                                 "title": c["title"], "citing_region": region, "wraps": c["wraps"],
                                                 "start_offset": host["start"], "end_offset": host["end"],
                                                 "text": host["text"]}))
            edges.append(EdgeRecord("HAS_CITATION", "Document", doc_id, "Citation", cid))
        for rel, a, a_ref, b, b_id, props in self.extra_edges:
            props = dict(props)
            host = next(t for t in self.tasks if t["path"] == a_ref)
            if rel != "OWNED_BY" or not props.get("inferred"):
                props.update(start_offset=host["start"], end_offset=host["end"], text=host["text"])
            edges.append(EdgeRecord(rel, a, tid(a_ref), b, b_id, props))
        return DocumentGraph(self.source, doc_id, doc_id, nodes, edges + document_links(doc_id, nodes))


@pytest.fixture
def store(tmp_path):
    s = LadybugStore(str(tmp_path / "graph.lbdb"))
    yield s
    s.close()


def load(store, *plans: Plan):
    for p in plans:
        store.write_document(p.build())
    from policykg.graph.derive import derive_all

    return derive_all(store)


# -- a small city/district world used by several test modules -----------------------

def city_2024() -> Plan:
    p = Plan("city-2024", region="上海市", year=2024, level="city", title="2024年上海民政工作要点", issuer="上海市民政局")
    p.section("二", "推进养老服务高质量发展", theme="养老服务")
    t1 = p.task("二", "1", "新增4000张养老床位，改建3000张认知障碍照护床位，新增40家社区综合为老服务中心。")
    p.target(t1, 4000, "张", "养老床位", "养老床位", evidence="4000张养老床位")
    p.target(t1, 3000, "张", "认知障碍照护床位", "认知障碍照护床位", evidence="3000张认知障碍照护床位")
    p.target(t1, 40, "家", "社区综合为老服务中心", "社区综合为老服务中心", evidence="40家社区综合为老服务中心")
    t2 = p.task("二", "2", "到年底全市护理员持证率达到80%，培训3000名中级以上技能等级护理员。")
    p.target(t2, 80, "%", "护理员持证率", "护理员持证率", kind="ratio", evidence="持证率达到80%")
    p.target(t2, 3000, "名", "护理员", "护理员培训", evidence="3000名中级以上技能等级护理员")
    p.section("一", "切实兜住兜准兜牢民生底线", theme="社会救助")
    p.task("一", "1", "加强困境儿童等特殊儿童群体保障和关爱保护。落实特殊儿童各项保障政策，确保特殊儿童基本生活费每月足额发放到位。")
    return p


def district(source: str, region: str, year: int, values: dict, *, extra_sentence: str | None = None) -> Plan:
    """A district plan stating the given targets: {indicator: (value, unit, metric)}."""
    p = Plan(source, region=region, year=year, level="district", title=f"{region}民政局{year}年工作要点")
    p.section("一", "提升养老服务质量", theme="养老服务")
    for n, (indicator, (value, unit, metric)) in enumerate(values.items(), 1):
        text = f"新增{metric}{value:g}{unit}。"
        task = p.task("一", str(n), text)
        kind = "ratio" if unit == "%" else "increment"
        p.target(task, value, unit, metric, indicator, kind=kind, evidence=text[:-1])
    if extra_sentence:
        p.section("二", "兜牢民生底线", theme="社会救助")
        p.task("二", "1", extra_sentence)
    return p


def test_builder_offsets_point_into_the_document_text():
    p = city_2024()
    graph = p.build()
    doc = next(n for n in graph.nodes if n.label == "Document")
    for node in graph.nodes:
        if node.label in ("Section", "Task", "Target"):
            assert doc.props["text"][node.props["start_offset"]:node.props["end_offset"]] == node.props["text"]
