"""Read-side helpers the CLI calls (thin layers over named queries)."""
from __future__ import annotations

from policykg.graph.store import GraphStore


def owner_lookup(store: GraphStore, keyword: str | None = None, indicator: str | None = None) -> list[dict]:
    """Tasks whose text (or a target's indicator) contains `keyword`, or that state a target
    of exactly `indicator`, with their departments and leaders.

    One record per task: `departments` are the explicit owners (责任部门 …, as written),
    `inferred_departments` the owners inferred from the task's theme (each with its
    rule), `leaders` the 牵头领导/分管领导; plus the task's evidence."""
    from policykg.queries import run_query

    rows = run_query(store, "owner", {"keyword": keyword, "indicator": indicator}).records()
    tasks: dict[str, dict] = {}
    for r in rows:
        task = tasks.setdefault(r["task_id"], {
            "source": r["source"], "task_id": r["task_id"], "item": r["item"], "title": r["title"],
            "departments": [], "inferred_departments": [], "leaders": r["leaders"] or [],
            "text": r["text"], "start_offset": r["start_offset"], "end_offset": r["end_offset"],
        })
        if r["department"] is None:
            continue
        if r["inferred"]:
            entry = {"department": r["department"], "rule": r["rule"]}
            if entry not in task["inferred_departments"]:
                task["inferred_departments"].append(entry)
        elif r["department"] not in task["departments"]:
            task["departments"].append(r["department"])
    return list(tasks.values())
