"""Plain data passed between the loading steps.

read → normalise → metadata → structure → extract → build records.
All spans here are half-open offsets into the *normalised* text (`TextView.text`);
`loaders.build` maps them to original offsets when it makes graph records.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SourceText", "DocumentMeta", "Section", "Task", "OwnerMention", "Mention", "TargetMention", "ParsedDocument"]


@dataclass
class SourceText:
    """What a reader returns: the document's text as the analyst would read it."""
    path: str
    source: str          # the name the document is known by: the file stem (see pipeline.source_name)
    text: str            # original text; every graph offset points into this
    format: str          # txt | md | html | docx | pdf
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class DocumentMeta:
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None      # 文号, e.g. 金民〔2025〕6号
    issue_date: str | None = None      # ISO date
    year: int | None = None            # plan year
    region: str | None = None          # 上海市 / 静安区 / 金山区 …
    level: str | None = None           # province | city | district | county | town | unknown
    region_code: str | None = None     # the division's 6-digit code (GB/T 2260), when it is one
    region_chain: list[str] = field(default_factory=list)   # its parents, nearest first: 泉州市, 福建省
    kind: str | None = None            # work plan | project list | progress report | task decomposition | …
    is_notice: bool = False            # 关于印发《…》的通知
    wrapped_title: str | None = None   # the plan a notice issues
    url: str | None = None             # the web address the plan was read from (a sidecar's url, 原文链接: …)
    title_span: tuple[int, int] | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Section:
    path: str                 # e.g. "一/（二）"
    marker: str               # as printed: 一、 （二）
    level: int                # 1 = top
    title: str
    span: tuple[int, int]     # the heading (title) text
    body_span: tuple[int, int]  # heading + everything under it
    parent: str | None = None  # parent section path
    ordinal: int = 0          # position among siblings
    theme: str | None = None


@dataclass
class Task:
    path: str                 # section path + "/" + item, e.g. "一/（二）/3" or "一/（一）/s2"
    item: str                 # the task's number as printed ("3", "（1）", "一是"), or "" for sentences
    title: str                # heading phrase of the task, or its first clause
    kind: str                 # item | row | sentence | point
    span: tuple[int, int]     # whole task text
    section: str | None       # owning section path
    ordinal: int = 0
    columns: dict[str, str] = field(default_factory=dict)   # table row cells by header
    theme: str | None = None


@dataclass
class OwnerMention:
    task: str                 # task path
    role: str                 # leader | department
    name: str                 # normalised name
    written: str              # as written
    column: str               # 牵头领导 / 责任部门 / 牵头单位 / 分管领导 …
    span: tuple[int, int]
    generic: bool = False
    inferred: bool = False
    rule: str | None = None
    kind: str | None = None   # department kind: section | unit | agency | coordination | generic


@dataclass
class Mention:
    """A named thing found in a task's text: a body, a program, a cited document."""
    task: str | None
    label: str                # Department | Program | PolicyDocument
    name: str                 # normalised name / key
    written: str
    span: tuple[int, int]
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class TargetMention:
    task: str | None
    value: float
    value_max: float | None
    unit: str
    metric: str
    indicator: str            # canonical name or "unmapped"
    action: str | None
    kind: str                 # increment | cumulative | level | ratio
    modifier: str | None      # at_least | aspirational | approximate | full_coverage | None
    span: tuple[int, int]
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedDocument:
    source: SourceText
    view: Any                 # loaders.textview.TextView
    meta: DocumentMeta
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    owners: list[OwnerMention] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    targets: list[TargetMention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
