"""What a read-only store lets through, decided from each engine's own plan of the statement.

A statement sent without `--write` is planned first (LadybugDB: `EXPLAIN`, Neo4j: `EXPLAIN`
and the summary's query type) and runs only when the plan is made of reading operators.
The decision never rests on the words of the statement alone: a keyword check can be
fooled by backticks, comments or a clause the check did not know.

LadybugDB (`ladybug_refusal`): a read-only `Database` already refuses writes to the graph,
but not `COPY … TO` (writes a file), `LOAD FROM` (reads any file), `INSTALL`, `EXPORT DATABASE`,
`CHECKPOINT` (which, on a read-only open, leaves a recovery pending that stops every later
read-only open) or `CALL setting=…`. The plan must consist of the operators in
`LADYBUG_READ_OPERATORS` only, and its table functions must be in `LADYBUG_READ_FUNCTIONS`.
One text check remains, an allow-list: the statement must begin with a read clause
(`READ_CLAUSES`), and `LOAD FROM`/`LOAD WITH` is refused before planning, because planning
`LOAD FROM` already opens the file to learn its columns.

Neo4j (`neo4j_refusal`): the summary of `EXPLAIN` says whether the statement reads (`r`),
writes (`w`, `rw`) or changes the schema (`s`); only `r` runs. Reading statements can still
reach outside the graph, so the plan must not contain `LoadCSV`, `TerminateTransactions` and the
other operators of `NEO4J_REFUSED_OPERATORS`/`NEO4J_REFUSED_PREFIXES`, and may call only the
procedures in `NEO4J_READ_PROCEDURES`. Administration commands (`STOP DATABASE`,
`TERMINATE TRANSACTIONS`, `CREATE USER` …) cannot be planned with `EXPLAIN`, so they
fail there and never run.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "READ_ONLY_MESSAGE", "FILE_ACCESS_MESSAGE", "READ_CLAUSES", "GRAPH_WRITE_CLAUSES", "LADYBUG_READ_OPERATORS",
    "LADYBUG_READ_FUNCTIONS",
    "NEO4J_REFUSED_OPERATORS", "NEO4J_REFUSED_PREFIXES", "NEO4J_READ_PROCEDURES",
    "blank_literals", "first_keyword", "loads_files", "plan_operators",
    "ladybug_refusal", "neo4j_refusal",
]

READ_ONLY_MESSAGE = "this statement writes to the graph; rerun with --write to allow it"
FILE_ACCESS_MESSAGE = ("this statement reads or writes files or settings outside the graph ({what}); "
                       "read-only queries may only read the graph (rerun with --write if you mean it)")

# The clauses a read-only statement may begin with.
READ_CLAUSES = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL"})
# Clauses that change the graph itself: refused with the message that says --write allows them.
GRAPH_WRITE_CLAUSES = frozenset({"CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "ALTER", "FOREACH"})

# LadybugDB physical operators that only read the graph or the query's own intermediate results.
LADYBUG_READ_OPERATORS = frozenset({
    "AGGREGATE", "AGGREGATE_FINALIZE", "AGGREGATE_SCAN", "COUNT_REL_TABLE", "CROSS_PRODUCT", "DUMMY_SINK",
    "EMPTY_RESULT", "FILTER", "FLATTEN", "HASH_JOIN_BUILD", "HASH_JOIN_PROBE", "INDEX_LOOKUP", "INTERSECT",
    "INTERSECT_BUILD", "LIMIT",
    "MULTIPLICITY_REDUCER", "ORDER_BY", "ORDER_BY_MERGE", "ORDER_BY_SCAN", "PATH_PROPERTY_PROBE",
    "PRIMARY_KEY_SCAN_NODE_TABLE", "PROJECTION", "QUERY_PRIMARY_KEY_LOOKUP", "RECURSIVE_EXTEND", "RESULT_COLLECTOR",
    "SCAN_NODE_TABLE", "SCAN_REL_TABLE", "SEMI_MASKER", "SKIP", "TABLE_FUNCTION_CALL", "TOP_K", "TOP_K_SCAN",
    "UNION_ALL_SCAN", "UNWIND",
})
# Table functions that read the catalogue or the query's own results (READ_FTABLE), never a file.
LADYBUG_READ_FUNCTIONS = frozenset({
    "READ_FTABLE", "SHOW_TABLES", "TABLE_INFO", "SHOW_CONNECTION", "DB_VERSION", "CURRENT_SETTING", "SHOW_FUNCTIONS",
    "SHOW_INDEXES", "SHOW_MACROS", "STATS_INFO", "SHOW_WARNINGS",
})
# Neo4j operators that reach past the graph even in a reading (`r`) plan: files and URLs, other sessions'
# transactions, users and settings. SHOW INDEXES / CONSTRAINTS / PROCEDURES / FUNCTIONS stay allowed.
NEO4J_REFUSED_OPERATORS = frozenset({"LoadCSV", "AdministrationCommand"})
NEO4J_REFUSED_PREFIXES = ("Terminate", "ShowTransactions", "ShowSettings", "ShowUsers", "ShowRoles", "ShowPrivileges",
                          "ShowDatabase", "ShowServers", "ShowAliases")
# Neo4j procedures a read-only statement may call (catalogue reads only).
NEO4J_READ_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization", "db.schema.nodeTypeProperties",
    "db.schema.relTypeProperties", "dbms.components", "db.info",
})

_OPERATOR = re.compile(r"│\s*([A-Z][A-Z_]*)\[\d+\]")
_FUNCTION = re.compile(r"Function:\s*([A-Za-z_][A-Za-z0-9_]*)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LOAD_CLAUSE = re.compile(r"(?<![.$:\w])LOAD\s+(?:FROM|WITH)\b", re.IGNORECASE)


def blank_literals(cypher: str) -> str:
    """The statement with string contents, quoted names and comments blanked out (same length).

    >>> blank_literals("MATCH (n) WHERE n.t = 'SET' RETURN n // DELETE")
    "MATCH (n) WHERE n.t = '   ' RETURN n          "
    """
    out: list[str] = []
    i, n = 0, len(cypher)
    while i < n:
        c = cypher[i]
        if c in "'\"":
            out.append(c)
            i += 1
            while i < n and cypher[i] != c:
                if cypher[i] == "\\" and i + 1 < n:
                    out.append("  ")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            if i < n:
                out.append(c)
                i += 1
        elif c == "`":
            out.append("`")
            i += 1
            while i < n:
                if cypher[i] == "`":
                    if i + 1 < n and cypher[i + 1] == "`":   # `` escapes a backtick
                        out.append("xx")
                        i += 2
                        continue
                    break
                out.append("x")
                i += 1
            if i < n:
                out.append("`")
                i += 1
        elif cypher.startswith("//", i):
            end = cypher.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif cypher.startswith("/*", i):
            end = cypher.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(" " * (end - i))
            i = end
        else:
            out.append(c)
            i += 1
    return "".join(out)


def first_keyword(cypher: str) -> str:
    """The statement's first word outside comments, upper-cased ('' when there is none).

    >>> first_keyword("  // note\\n match (n) RETURN n"), first_keyword("/* x */ COPY (RETURN 1) TO 'f.csv'")
    ('MATCH', 'COPY')
    >>> first_keyword("(")
    ''
    """
    text = blank_literals(cypher).lstrip()
    m = _WORD.match(text)
    return m.group(0).upper() if m else ""


def loads_files(cypher: str) -> bool:
    """Does the statement hold a `LOAD FROM` / `LOAD WITH` clause (outside strings, names and comments)?

    >>> loads_files("MATCH (n) WITH n LOAD FROM '/etc/passwd' (delim=':') RETURN *")
    True
    >>> loads_files("MATCH (n) WHERE n.title = 'LOAD FROM x' RETURN n.load")
    False
    """
    return bool(_LOAD_CLAUSE.search(blank_literals(cypher)))


def plan_operators(plan: str) -> tuple[list[str], list[str]]:
    """The operators and table functions named in a LadybugDB `EXPLAIN` plan.

    >>> plan_operators("│ RESULT_COLLECTOR[1] │\\n│ TABLE_FUNCTION_CALL[0] │\\n│ Function: READ_CSV_PARALLEL │")
    (['RESULT_COLLECTOR', 'TABLE_FUNCTION_CALL'], ['READ_CSV_PARALLEL'])
    """
    return _OPERATOR.findall(plan), _FUNCTION.findall(plan)


def ladybug_refusal(cypher: str, plan: str | None) -> str | None:
    """Why a read-only LadybugDB connection must not run `cypher` (None: it may).

    With `plan` None only the text checks run (they come before planning).

    >>> ladybug_refusal("CHECKPOINT", None).split(";")[0]
    'this statement reads or writes files or settings outside the graph (CHECKPOINT)'
    >>> ladybug_refusal("MATCH (n) RETURN n", "│ RESULT_COLLECTOR[1] │ │ SCAN_NODE_TABLE[0] │") is None
    True
    >>> ladybug_refusal("MATCH (n) RETURN n", "│ COPY_TO[2] │")[:60]
    'this statement reads or writes files or settings outside the'
    """
    word = first_keyword(cypher)
    if word in GRAPH_WRITE_CLAUSES:
        return READ_ONLY_MESSAGE
    if word not in READ_CLAUSES:
        return FILE_ACCESS_MESSAGE.format(what=word or "no read clause")
    if loads_files(cypher):
        return FILE_ACCESS_MESSAGE.format(what="LOAD FROM")
    if plan is None:
        return None
    operators, functions = plan_operators(plan)
    bad = [op for op in operators if op not in LADYBUG_READ_OPERATORS]
    bad += [f for f in functions if f.upper() not in LADYBUG_READ_FUNCTIONS]
    if not operators:
        bad.append("no plan")
    return FILE_ACCESS_MESSAGE.format(what=", ".join(sorted(set(bad)))) if bad else None


def neo4j_refusal(query_type: str | None, operators: Iterable[tuple[str, str]]) -> str | None:
    """Why a read-only Neo4j session must not run a statement, from the server's `EXPLAIN`:
    its query type and its plan's (operator type, details) pairs. None: it may run.

    >>> neo4j_refusal("r", [("ProduceResults@neo4j", ""), ("AllNodesScan@neo4j", "n")]) is None
    True
    >>> neo4j_refusal("rw", [("Create@neo4j", "(n)")])
    'this statement writes to the graph; rerun with --write to allow it'
    >>> neo4j_refusal("r", [("LoadCSV@neo4j", "line")])[:40]
    'this statement reads or writes files or '
    >>> neo4j_refusal("r", [("ProcedureCall@neo4j", "db.labels() :: (label :: STRING)")]) is None
    True
    """
    if query_type != "r":
        return READ_ONLY_MESSAGE
    for operator, details in operators:
        name = operator.split("@", 1)[0]
        if name in NEO4J_REFUSED_OPERATORS or name.startswith(NEO4J_REFUSED_PREFIXES):
            return FILE_ACCESS_MESSAGE.format(what="LOAD CSV" if name == "LoadCSV" else name)
        if name == "ProcedureCall":
            procedure = details.split("(", 1)[0].strip().replace("`", "")
            if procedure not in NEO4J_READ_PROCEDURES:
                return FILE_ACCESS_MESSAGE.format(what=f"procedure {procedure or '?'}")
    return None
