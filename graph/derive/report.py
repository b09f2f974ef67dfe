"""What a derivation did: counts of what it wrote, and notes for the user (`DeriveReport`)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from policykg.graph.derive.alignment import BELOW_CITY, Partner, upper_level
from policykg.graph.derive.snapshot import Doc
from policykg.loaders.records import EdgeRecord, NodeRecord

__all__ = ["DeriveReport", "partner_notes", "report_of"]


@dataclass
class DeriveReport:
    nodes: dict[str, int] = field(default_factory=dict)    # derived node label → count written
    edges: dict[str, int] = field(default_factory=dict)    # derived relationship type → count written
    statuses: dict[str, int] = field(default_factory=dict)  # Target.status value → count
    notes: list[str] = field(default_factory=list)          # e.g. plans compared with an earlier city year
    seconds: float = 0.0
    # How much was recomputed: every document ("all"), or the documents whose links an incremental
    # derivation rewrote ("incremental") — `documents` counts them.
    scope: str = "all"
    documents: int = 0

    def summary(self) -> str:
        """One line: what was derived, over how many documents, in how long.

        >>> DeriveReport(edges={"IMPLEMENTS": 2, "REUSES": 5}, scope="incremental", documents=3, seconds=0.25).summary()
        'derived links of 3 documents (incremental): IMPLEMENTS 2, REUSES 5 in 0.25 s'
        """
        counts = ", ".join(f"{k} {v}" for k, v in sorted({**self.nodes, **self.edges}.items())) or "nothing"
        return f"derived links of {self.documents} documents ({self.scope}): {counts} in {self.seconds:.2f} s"


def report_of(nodes: list[NodeRecord], edges: list[EdgeRecord], status_updates: list[NodeRecord]) -> DeriveReport:
    """The counts of one derivation's writes."""
    return DeriveReport(
        nodes=dict(Counter(n.label for n in nodes)),
        edges=dict(Counter(e.type for e in edges)),
        statuses=dict(Counter(u.props["status"] for u in status_updates if u.props["status"])),
    )


def partner_notes(docs: dict[str, Doc], partners: dict[str, list[Partner]], about: Iterable[str]) -> list[str]:
    """Notes on the documents `about`: compared with an earlier year's plans, or (a district plan) with none.

    >>> city = Doc("c", "sh-2024", None, None, 2024, "上海市", "city", False)
    >>> ja = Doc("j", "ja-2025", None, None, 2025, "静安区", "district", False, ["上海市"])
    >>> partner_notes({"c": city, "j": ja}, {"j": [Partner(city, 1, True)]}, ["j", "c"])
    ['ja-2025 (2025) is compared with sh-2024 (2024): no 2025 city plan is loaded']
    """
    notes = []
    wanted = set(about)
    for district_id, plist in sorted(partners.items()):
        if district_id not in wanted:
            continue
        district = docs[district_id]
        for p in plist:
            if p.flagged:
                notes.append(f"{district.name} ({district.year}) is compared with {p.city.name} "
                             f"({p.city.year}): no {district.year} {upper_level(district.level)} plan is loaded")
    for d in sorted((docs[i] for i in wanted if i in docs), key=lambda d: d.name):
        if d.level in BELOW_CITY and d.id not in partners:
            notes.append(f"{d.name}: no city plan of its year or earlier is loaded; its targets are not aligned")
    return notes
