"""Named queries: one `.cypher` file per question, described by its header comment.

Header lines (before the Cypher):

    // name: alignment
    // purpose: one line saying what question the query answers
    // param: indicator STRING = null   (what it filters; optional because it has a default)
    // param: name STRING               (required: no default)
    // columns: indicator, district, …
    // order: direction, relation       (optional: sort keys for a UNION, which has no portable ORDER BY)
    // sorted: city_themes, items + titles  (optional: list columns whose values come sorted, by code point;
                                         lists joined by + pair up by position and are sorted together)

Every value reaches the database as a parameter, never by string formatting.

Portability rules the files follow (they run unchanged on LadybugDB 0.22 and
Neo4j 5): plain MATCH / OPTIONAL MATCH / WITH / UNION ALL, count/collect/sum/min/max,
CONTAINS, coalesce, CASE, and `EXISTS { … }` where a row's mere lack of a link is the question
(`gaps`: on a 10,000-plan graph, 0.3 s against 0.6 s with an OPTIONAL MATCH and a count). LadybugDB 0.22
evaluates an EXISTS for every row before a filter on another variable, so it is not the way to filter
rows that something else selects: `owner` for one plan took 1.2 s with it, 0.2 s without.
A list is collected in an order by a `WITH … ORDER BY k SKIP 0` before the aggregation (LadybugDB
wants SKIP or LIMIT after a WITH's ORDER BY): Neo4j keeps that order, LadybugDB 0.22 keeps it on small
graphs but not always when it aggregates in parallel (scorecard's theme lists on a 10,000-plan graph
came back partly out of order). A list whose order is only a presentation (a set of themes, of
sources) is named in `// sorted:`, and `run_query` sorts its values in every row it returns; lists
that pair up by position (rollup's regions and values) are joined there by `+` and sorted together, by
the first list's values, then the next's.
Optional filters are written `(x = $p OR $p IS NULL)` with the typed use first: LadybugDB types a
parameter at its first use, and a null compared first is typed BOOL and breaks the comparison.
A list predicate takes a parameter through a variable (`WITH …, $p AS p` then
`any(x IN l WHERE x CONTAINS p)`): LadybugDB 0.22 fails an assertion on a parameter inside one.
A typed null inside a UNION is `CASE WHEN 1 = 0 THEN 0.0 END` (a bare `null`
has no type on LadybugDB).
A filter that names either end of a relationship (`a.id = $name OR b.id = $name`) makes LadybugDB 0.22 read
every link of the type; a relation with many links is then two UNION branches, one per end, the second
leaving out the rows the first has (`lineage` for one plan on a 10,000-plan graph: 170–190 ms, now 30–50).

Reaching a document's rows: a section, task or target links to its document (SECTION_OF, TASK_OF,
TARGET_OF) as well as naming it in `doc_id`. A query whose filter picks a few documents (`--district`,
`--source`) follows the link: LadybugDB has no index on `doc_id`, and a join on it scans every row
(on a 10,000-plan graph, `alignment` for one district 13 ms against 0.2 s). A statement that reads most
rows joins on `doc_id` (a hash join on 10,000 documents), which is faster than following every link. A
query asked both ways has a statement for each (`// when:`, below); `department-load` reads most rows
whatever its filter, and joins on `doc_id`.

Row order: a statement ends with an ORDER BY that makes the order total (unique keys such as ids
last, so tied rows cannot come back in another order on another engine or run), and `run_query` pages
it in the engine (`SKIP $page_skip LIMIT $page_limit`, parameters): the engine keeps the page's rows
while it orders, and only those reach Python.
Both engines order stored values as Python's `sorted` does, checked on LadybugDB 0.22 and Neo4j 5.26
(tests/test_queries.py::test_both_engines_order_values_as_python_does): strings by code point
(Chinese, ASCII before CJK, '' first, supplementary-plane characters such as 𠀀 after every BMP
character), false before true, integers and doubles by value, nulls last ascending but FIRST
descending, so a DESC key that can be null is written `x IS NULL, x DESC`. One exception: Neo4j
orders strings made in the statement (parameters, literals, concatenations) by UTF-16 unit, which
puts 𠀀 before U+E000..U+FFFF (full-width forms); so ORDER BY keys are stored properties, or ASCII.
A UNION cannot be ordered portably (Neo4j needs a CALL {} subquery that LadybugDB lacks): its
`// order:` header gives the sort keys, and `run_query` sorts (by code point, nulls last, ties by the
whole row) and pages it in Python; those queries are the ones a required parameter keeps small.
A statement with its own LIMIT (a "top N" question) is paged in Python too, within its N rows.

A statement for a selective parameter: after the general statement, a file may give another one for
when some optional parameters are given, under a `// when: source` line (`// when: district, theme`:
all of them). `run_query` runs the first whose parameters are all given, else the general one; both
must return the same rows for those parameters (tests/test_queries.py compares them on the seeds).
Why: an optional filter written `(d.source = $source OR $source IS NULL)` gets one plan for both cases,
and no plan is fast for both. On a 10,000-plan graph, one plan's tasks by their TASK_OF links take 3 ms
and all tasks 0.6 s; the hash join on `doc_id` takes 0.13 s and 0.35 s. So the general statements of
`alignment`, `gaps`, `owner`, `reuse`, `rollup`, `search` and `section-alignment` join on `doc_id`, and
their `// when:` statements follow the links (first pages: alignment 450–530 → 300–350 ms, reuse 340–400
→ 230–280, section-alignment 650–790 → 360–470; one plan's owner 150–160 → 10, search 180–225 → 3, one
city plan's rollup 210 → 100–140).
The planner is sensitive to how a filter is written, so each form is measured: `owner` and `search`
filter plainly (`d.source = $source`) and put the filters on the task in a WITH after the MATCH (in the
MATCH's WHERE, LadybugDB 0.22 scans every task to apply them first), while `reuse` keeps the general
`(dd.source = $source OR $source IS NULL)`, which it plans 5× faster than the plain one.

Cutting early: a statement whose expensive part (an aggregate, a long text, another hop) is needed only
by the rows of the page may cut what feeds it with `ORDER BY … LIMIT $page_end`: `run_query` binds
`page_end` to the number of rows up to the end of the page plus one (the row that says more follow), and
to PAGE_END_ALL when every row is read. The cut is exact when the rows it keeps are ordered by the first
keys of the final ORDER BY (ties broken by a unique key), and each gives one or more final rows next to
each other in that order: then the page's rows all come from the first `page_end` of them.
tests/test_queries.py checks the pages of every such query against its whole result.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from policykg.graph.results import QueryResult, sort_rows, sort_value

__all__ = [
    "QUERY_DIR", "TYPES", "HEADER_KEYS", "QueryParam", "NamedQuery", "parse_query_file", "list_queries", "get_query",
    "bind_params", "run_query", "PAGE_PARAMS", "PAGE_END_ALL",
]

QUERY_DIR = Path(__file__).parent
TYPES = ("STRING", "INT64", "DOUBLE", "BOOLEAN")
HEADER_KEYS = ("name", "purpose", "param", "columns", "order", "sorted")
_HEADER_LINE = re.compile(r"^//\s*({}):\s*(.*)$".format("|".join(HEADER_KEYS)))
# In the body: the statement that follows is for when these parameters are given.
_WHEN_LINE = re.compile(r"^//\s*when:\s*(.*)$")
# What follows the last RETURN: where the statement's own ORDER BY and LIMIT are.
_FINAL_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.I)
_FINAL_LIMIT = re.compile(r"\b(LIMIT|SKIP)\b", re.I)
_PAGE_END = re.compile(r"\$page_end\b")
PAGE_PARAMS = ("page_skip", "page_limit", "page_end")     # the parameters run_query adds to page
# `page_end` when every row is read: the largest LIMIT both engines take (a signed 64-bit integer).
PAGE_END_ALL = 2 ** 63 - 1
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][\w]*)\s+(?P<type>[A-Z0-9]+)(?:\s*=\s*(?P<default>\S+))?\s*(?:\((?P<doc>.*)\))?\s*$")


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    default: Any = None
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    purpose: str
    params: tuple[QueryParam, ...]
    columns: tuple[str, ...]
    cypher: str
    path: str
    order: tuple[tuple[str, bool], ...] = ()   # (column, descending): a UNION's sort keys (// order:), for run_query
    sorted_lists: tuple[tuple[str, ...], ...] = ()   # groups of list columns run_query sorts together (// sorted:)
    # (parameters, statement): run instead of `cypher` when all those parameters are given (// when:)
    variants: tuple[tuple[tuple[str, ...], str], ...] = ()

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]

    @property
    def statements(self) -> list[str]:
        """Every statement of the query: the general one, then those for selective parameters."""
        return [self.cypher, *(cypher for _, cypher in self.variants)]

    def statement_for(self, bound: dict) -> str:
        """The statement to run with these parameters: the first `// when:` one whose parameters are all
        given, else the general one.

        >>> q = get_query("owner")
        >>> q.statement_for({"source": "jingan-2025"}) == q.variants[0][1]
        True
        >>> q.statement_for({"source": None}) == q.cypher
        True
        """
        for names, cypher in self.variants:
            if all(bound.get(name) is not None for name in names):
                return cypher
        return self.cypher

    @property
    def pages_in_engine(self) -> bool:
        """Whether SKIP/LIMIT can follow the statement: not a UNION (sorted here), not one with its own LIMIT."""
        return not self.order and not _FINAL_LIMIT.search(_final_part(self.cypher))

    @property
    def cuts_early(self) -> bool:
        """Whether a statement cuts its rows before the end with `LIMIT $page_end` (see the module's text)."""
        return any(_PAGE_END.search(cypher) for cypher in self.statements)


def parse_query_file(path: Path) -> NamedQuery:
    header, body = _split_header(path.read_text(encoding="utf-8"))
    where = f"{path.name}"
    if "name" not in header or "columns" not in header or "purpose" not in header:
        raise ValueError(f"{where}: header needs // name:, // purpose: and // columns:")
    params = tuple(_parse_param(p, where) for p in header.get("param", []))
    reserved = sorted({p.name for p in params} & set(PAGE_PARAMS))
    if reserved:
        raise ValueError(f"{where}: {reserved} are the names run_query pages with; call the parameter otherwise")
    columns = _column_list(header["columns"])
    if len(set(columns)) != len(columns):
        raise ValueError(f"{where}: // columns: lists a column twice")
    general, *when = _split_statements(body)
    cypher = general[1]
    variants = tuple(_check_when(names, text, cypher, params, where) for names, text in when)
    if "order" in header:
        order = _parse_order(", ".join(header["order"]))
        _check_returned([c for c, _ in order], columns, "order", where)
    else:
        order = ()
        if not all(_FINAL_ORDER_BY.search(_final_part(text)) for text in [cypher, *(t for _, t in variants)]):
            raise ValueError(f"{where}: every statement needs a final ORDER BY (or a // order: header for a UNION)")
    sorted_lists = tuple(tuple(c.strip() for c in group.split("+")) for group in _column_list(header.get("sorted", [])))
    _check_returned([c for group in sorted_lists for c in group], columns, "sorted", where)
    return NamedQuery(
        name=header["name"][0], purpose=" ".join(header["purpose"]), params=params, columns=columns,
        cypher=cypher, path=str(path), order=order, sorted_lists=sorted_lists, variants=variants,
    )


def _split_statements(body: list[str]) -> list[tuple[tuple[str, ...], str]]:
    """The body's statements, each with the parameters of its `// when:` line (none for the first, the
    general one). Lines are sent stripped of indentation: smaller statements, same meaning."""
    parts: list[tuple[tuple[str, ...], list[str]]] = [((), [])]
    for line in body:
        m = _WHEN_LINE.match(line.strip())
        if m:
            parts.append((_column_list([m.group(1)]), []))
        elif line.strip():
            parts[-1][1].append(line.strip())
    return [(names, "\n".join(lines)) for names, lines in parts]


def _check_when(names: tuple[str, ...], cypher: str, general: str, params: tuple[QueryParam, ...],
                where: str) -> tuple[tuple[str, ...], str]:
    optional = {p.name for p in params if not p.required}
    if not names or not set(names) <= optional:
        raise ValueError(f"{where}: // when: {', '.join(names) or '(nothing)'} must name optional parameters "
                         f"of the query ({', '.join(sorted(optional)) or 'none'})")
    if not cypher:
        raise ValueError(f"{where}: // when: {', '.join(names)} has no statement after it")
    if bool(_FINAL_LIMIT.search(_final_part(cypher))) != bool(_FINAL_LIMIT.search(_final_part(general))):
        raise ValueError(f"{where}: the statement for // when: {', '.join(names)} must end as the general one "
                         f"does (with its own LIMIT, or without)")
    return names, cypher


def _split_header(text: str) -> tuple[dict[str, list[str]], list[str]]:
    """The header lines by key (a continuation line joined to the line it continues) and the body lines."""
    header: dict[str, list[str]] = {}
    body: list[str] = []
    last: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if body or not stripped.startswith("//"):
            if stripped or body:
                body.append(line)
            continue
        m = _HEADER_LINE.match(stripped)
        if m:
            last = m.group(1)
            header.setdefault(last, []).append(m.group(2).strip())
        elif last is not None and stripped[2:].strip():
            # an indented continuation of the previous header line
            header[last][-1] = f"{header[last][-1]} {stripped[2:].strip()}"
    return header, body


def _column_list(lines: list[str]) -> tuple[str, ...]:
    return tuple(c.strip() for c in ", ".join(lines).split(",") if c.strip())


def _check_returned(named: Sequence[str], columns: tuple[str, ...], key: str, where: str) -> None:
    unknown = [c for c in named if c not in columns]
    if unknown:
        raise ValueError(f"{where}: // {key}: names columns it does not return: {unknown}")


def _parse_param(spec: str, where: str) -> QueryParam:
    m = _PARAM.match(spec)
    if not m or m.group("type") not in TYPES:
        raise ValueError(f"{where}: bad // param: line {spec!r} "
                         f"(want: name TYPE [= default] [(doc)], TYPE one of {', '.join(TYPES)})")
    typ = m.group("type")
    raw = m.group("default")
    if raw is None:
        return QueryParam(m.group("name"), typ, None, True, (m.group("doc") or "").strip())
    default = None if raw == "null" else _coerce(raw.strip("\"'"), typ, m.group("name"))
    return QueryParam(m.group("name"), typ, default, False, (m.group("doc") or "").strip())


@lru_cache(maxsize=1)
def _registry() -> dict[str, NamedQuery]:
    out: dict[str, NamedQuery] = {}
    for path in sorted(QUERY_DIR.glob("*.cypher")):
        q = parse_query_file(path)
        if q.name in out:
            raise ValueError(f"two query files are named {q.name!r}: {out[q.name].path} and {path}")
        out[q.name] = q
    return out


def list_queries() -> list[NamedQuery]:
    return sorted(_registry().values(), key=lambda q: q.name)


def get_query(name: str) -> NamedQuery:
    try:
        return _registry()[name]
    except KeyError:
        raise ValueError(f"no query named {name!r}; known: {', '.join(q.name for q in list_queries())}") from None


def bind_params(query: NamedQuery, params: dict | None) -> dict:
    """Fill defaults, coerce types, reject unknown names and missing required ones (one-line ValueErrors).

    >>> bind_params(get_query("lineage"), {"name": "jingan-2025"})
    {'name': 'jingan-2025'}
    >>> bind_params(get_query("lineage"), {})
    Traceback (most recent call last):
    ...
    ValueError: query 'lineage' needs parameter 'name' (STRING)...
    """
    params = dict(params or {})
    unknown = sorted(set(params) - set(query.param_names))
    if unknown:
        valid = ", ".join(query.param_names) or "none"
        raise ValueError(f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))}; valid: {valid}")
    bound: dict[str, Any] = {}
    for p in query.params:
        value = params.get(p.name, p.default)
        if value is None:
            if p.required:
                raise ValueError(f"query {query.name!r} needs parameter {p.name!r} ({p.type}){': ' + p.doc if p.doc else ''}")
            bound[p.name] = None
        else:
            bound[p.name] = _coerce(value, p.type, p.name)
    return bound


def run_query(store, name: str, params: dict | None = None, limit: int | None = None, offset: int = 0) -> QueryResult:
    """Run a named query with parameters; rows come back in the declared column order.

    With `limit` (None or 0: all rows) or `offset`, the result is one page of the ordered rows, so pages
    are stable and do not overlap. `more` says whether rows follow the page; `total` is how many rows
    there are in all when known without reading them (every row read, or the page reached the end),
    else None: counting them would cost what the whole query costs.
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError(f"limit and offset must not be negative, got limit={limit}, offset={offset}")
    query = get_query(name)
    bound = bind_params(query, params)
    cypher = query.statement_for(bound)
    if _PAGE_END.search(cypher):
        bound["page_end"] = offset + limit + 1 if limit else PAGE_END_ALL
    if query.pages_in_engine:
        return _engine_page(store, query, cypher, bound, limit or 0, offset)
    return _python_page(store, query, cypher, bound, limit or 0, offset)


def _engine_page(store, query: NamedQuery, cypher: str, bound: dict, limit: int, offset: int) -> QueryResult:
    """One page read by the engine: SKIP/LIMIT after the statement's total ORDER BY, one row more than
    the page to learn whether rows follow it."""
    bound = dict(bound)
    if offset:
        cypher += "\nSKIP $page_skip"
        bound["page_skip"] = offset
    if limit:
        cypher += "\nLIMIT $page_limit"
        bound["page_limit"] = limit + 1
    result = _checked(query, store.query(cypher, bound))
    result.more = bool(limit) and len(result.rows) > limit
    if result.more:
        del result.rows[limit:]
    # An empty page past the start says only that there are at most `offset` rows.
    known = not result.more and (bool(result.rows) or not offset)
    result.total = offset + len(result.rows) if known else None
    return result


def _python_page(store, query: NamedQuery, cypher: str, bound: dict, limit: int, offset: int) -> QueryResult:
    """Every row read, sorted by `// order:` (a UNION) and cut here: for the queries the engine cannot page."""
    result = _checked(query, store.query(cypher, bound))
    if query.order:
        result.rows[:] = sort_rows(result.rows, [(itemgetter(query.columns.index(column)), descending)
                                                 for column, descending in query.order])
    result.total = len(result.rows)
    end = offset + limit if limit else None
    result.more = end is not None and end < result.total
    if limit or offset:
        result.rows[:] = result.rows[offset:end]
    return result


def _checked(query: NamedQuery, result: QueryResult) -> QueryResult:
    if list(result.columns) != list(query.columns):
        raise ValueError(f"query {query.name!r} returned columns {result.columns}, its header declares {list(query.columns)}")
    _sort_lists(result, [[query.columns.index(c) for c in group] for group in query.sorted_lists])
    return result


def _sort_lists(result: QueryResult, groups: list[list[int]]) -> None:
    """Sort, in place, the list values of each group of columns (indexes) in every row of `result`.

    The lists of a group pair up by position: they are sorted together, by the first list's values, then
    the next's.

    >>> r = QueryResult(["source", "themes"], [["a", ["社会救助", "养老服务"]], ["b", None]])
    >>> _sort_lists(r, [[1]]); r.rows
    [['a', ['养老服务', '社会救助']], ['b', None]]
    >>> r = QueryResult(["regions", "values"], [[["长宁区", "金山区", "静安区"], [3, 1, 2]]])
    >>> _sort_lists(r, [[0, 1]]); r.rows
    [[['金山区', '长宁区', '静安区'], [1, 3, 2]]]
    """
    for row in result.rows:
        for group in groups:
            lists = [row[i] for i in group]
            if not all(isinstance(values, list) for values in lists):
                continue
            if len({len(values) for values in lists}) > 1:
                raise ValueError(f"columns {[result.columns[i] for i in group]} pair up by position (// sorted:) "
                                 f"but have lists of different lengths in a row")
            pairs = sorted(zip(*lists), key=lambda pair: tuple(sort_value(v) for v in pair))
            for k, i in enumerate(group):
                row[i] = [pair[k] for pair in pairs]


def _parse_order(spec: str) -> tuple[tuple[str, bool], ...]:
    out = []
    for item in spec.split(","):
        words = item.split()
        if not words:
            continue
        out.append((words[0], len(words) > 1 and words[1].upper() in ("DESC", "DESCENDING")))
    return tuple(out)


def _final_part(cypher: str) -> str:
    return re.split(r"\bRETURN\b", cypher, flags=re.I)[-1]


def _coerce(value: Any, typ: str, name: str) -> Any:
    try:
        if typ == "STRING":
            if isinstance(value, (list, dict)):
                raise TypeError
            return str(value)
        if typ == "INT64":
            if isinstance(value, bool):
                raise TypeError
            if isinstance(value, float) and not value.is_integer():
                raise TypeError
            return int(value)
        if typ == "DOUBLE":
            if isinstance(value, bool):
                raise TypeError
            return float(value)
        if typ == "BOOLEAN":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "1", "yes", "y", "on"):
                return True
            if text in ("false", "0", "no", "n", "off"):
                return False
            raise TypeError
    except (TypeError, ValueError):
        raise ValueError(f"parameter {name!r} must be {typ}, got {value!r}") from None
    raise ValueError(f"parameter {name!r} has unknown type {typ}")
