"""The read-only gate: which statements ``gvc sql`` runs (docs/architecture.md, decision 10).

DuckDB's own parser classifies every statement before anything runs. Accepted:

* plain queries: SELECT, WITH, VALUES, FROM-first, DESCRIBE, SHOW, SUMMARIZE, PIVOT, UNPIVOT
  (DuckDB types these SELECT; a PIVOT whose columns are found at run time is typed MULTI);
* EXPLAIN and EXPLAIN ANALYZE of a plain query (the text after EXPLAIN [ANALYZE] [(options)]
  is parsed again and must itself be a plain query);
* the read-only PRAGMAs of :data:`READ_ONLY_PRAGMAS`.

Everything else is refused with :class:`ReadOnlyViolation`. A SELECT can still write through a
data-modifying WITH clause (``with x as (insert ... returning *) select ...`` or
``with x as (copy ... to 'file') select ...``) or through a table function that acts
(``select * from checkpoint()``: :data:`ACTING_TABLE_FUNCTIONS`), so each SELECT is also
serialised by DuckDB (``json_serialize_sql``): every query node in its tree must be a reading
node, and no table function in it may be one that acts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from analysis.errors import BadInput

READ_ONLY_PRAGMAS = frozenset(
    {
        "collations",
        "database_list",
        "database_size",
        "functions",
        "metadata_info",
        "platform",
        "show_databases",
        "show_tables",
        "show_tables_expanded",
        "storage_info",
        "table_info",
        "user_agent",
        "version",
    }
)
# query nodes that only read (INSERT_/UPDATE_/DELETE_/MERGE_INTO_/COPY_QUERY_NODE write)
READING_NODES = frozenset({"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"})
#: DuckDB table functions that write the database or change the session when selected from
#: (``checkpoint()`` is CHECKPOINT, ``enable_profiling()`` is the PRAGMA), or run SQL the gate
#: cannot see (``query('...')``, ``json_execute_serialized_sql(...)``, which runs a writing
#: WITH): refused wherever they appear in a query
ACTING_TABLE_FUNCTIONS = frozenset(
    {"checkpoint", "force_checkpoint", "json_execute_serialized_sql", "query"}
    | {"enable_logging", "disable_logging", "truncate_duckdb_logs"}
    | {"enable_profiling", "disable_profiling"}
    | {"create_external_resource", "deregister_external_resource"}
    | {"destroy_external_resource", "register_external_resource"}
    | {"register_external_resource_type"}
)
# a PIVOT typed MULTI cannot be serialised: it is accepted only without any of these words
WRITING_WORDS = (
    frozenset(
        {"alter", "attach", "call", "checkpoint", "copy", "create", "delete", "detach", "drop"}
        | {"export", "import", "insert", "install", "load", "merge", "reset", "set", "truncate"}
        | {"update", "use", "vacuum"}
    )
    | ACTING_TABLE_FUNCTIONS
)
ACCEPTED = (
    "Only queries (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, PIVOT), EXPLAIN"
    " [ANALYZE] of a query and read-only PRAGMAs run here"
)
HOW_TO_CHANGE = (
    "the warehouse changes only through `gvc build` and `gvc refresh`,"
    " save a result with --out FILE.csv|.parquet|.json"
)


class ReadOnlyViolation(BadInput):
    """A statement that could write (or change the session) was refused."""


class QueryError(BadInput):
    """The user's SQL is wrong: a syntax error, an unknown table, a failed cast."""


@dataclass(frozen=True)
class Checked:
    """One accepted statement: its text and whether it returns rows."""

    text: str
    returns_rows: bool


def one_line(exc: BaseException) -> str:
    """DuckDB's message on one line: caret lines dropped, the rest joined ('LINE 1: ...')."""
    lines = [line.strip() for line in str(exc).splitlines()]
    return " ".join(line for line in lines if line and set(line) != {"^"})


def check_read_only(sql: str) -> list[str]:
    """The statements of ``sql`` if every one is read-only; else raise ReadOnlyViolation."""
    return [checked.text for checked in checked_statements(sql)]


def checked_statements(sql: str) -> list[Checked]:
    """Parse ``sql`` and check every statement; QueryError on a syntax error, none given."""
    with duckdb.connect() as con:
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryError(f"cannot parse the SQL: {one_line(exc)}") from None
        if not statements:
            raise QueryError("no SQL statement given")
        checked = []
        for statement in statements:
            try:
                kind = statement.type
            except ValueError:  # a type the Python client does not know ('update extensions')
                kind = None
            _check(con, statement.query, kind)
            returns = duckdb.ExpectedResultType.QUERY_RESULT in statement.expected_result_type
            checked.append(Checked(statement.query.strip(), returns))
    return checked


def _check(con: duckdb.DuckDBPyConnection, text: str, kind: duckdb.StatementType | None) -> None:
    """Raise ReadOnlyViolation unless the statement ``text`` (of type ``kind``) only reads."""
    words = _words(text)
    first = words[0].lower() if words else ""
    if first == "explain":
        _check_explain(con, text)
    elif kind == duckdb.StatementType.SELECT:
        writing, acting = _writing_parts(con, text)
        if writing:
            raise _refusal(f"WITH ... {' / '.join(writing)}", text, "(a data-modifying WITH)")
        if acting:
            hint = "(a table function that writes, changes the session or runs hidden SQL)"
            raise _refusal(" / ".join(f"{name}()" for name in acting), text, hint)
    elif kind == duckdb.StatementType.MULTI and first in ("pivot", "select", "from"):
        found = sorted(WRITING_WORDS.intersection(w.lower() for w in words))
        if found:
            raise _refusal(f"PIVOT with {' / '.join(found).upper()}", text)
    elif first == "pragma":
        name = words[1].strip('"').lower() if len(words) > 1 else ""
        if kind != duckdb.StatementType.PRAGMA or name not in READ_ONLY_PRAGMAS:
            accepted = ", ".join(sorted(READ_ONLY_PRAGMAS))
            raise _refusal(f"PRAGMA {name}", text, f"(read-only PRAGMAs: {accepted})")
    else:
        hint = "(call a table function with SELECT * FROM name(...))" if first == "call" else ""
        raise _refusal(_label(text), text, hint)


def _check_explain(con: duckdb.DuckDBPyConnection, text: str) -> None:
    """EXPLAIN [ANALYZE] [(options)] must explain a plain query (SELECT or PIVOT)."""
    prefix, candidates = _explained(text)
    for inner in candidates:
        try:
            statements = con.extract_statements(inner)
        except (duckdb.Error, ValueError):
            continue
        if len(statements) != 1:
            continue
        inner_kind = statements[0].type
        if inner_kind in (duckdb.StatementType.SELECT, duckdb.StatementType.MULTI):
            try:
                _check(con, inner, inner_kind)
                return
            except ReadOnlyViolation as exc:
                raise _refusal(f"{prefix} {_label(inner)}", text, "") from exc
        raise _refusal(f"{prefix} {_label(inner)}", text, "(EXPLAIN only of a query)")
    raise _refusal(prefix, text, "(cannot tell what it explains; EXPLAIN only of a query)")


def _explained(text: str) -> tuple[str, list[str]]:
    """('EXPLAIN ANALYZE', texts it may explain): the rest, and the rest after '(options)'."""
    tokens = _tokens(text)
    i, prefix = 1, "EXPLAIN"
    if len(tokens) > 1 and tokens[1][1].lower() in ("analyze", "analyse"):
        i, prefix = 2, "EXPLAIN ANALYZE"
    if i >= len(tokens):
        return prefix, []
    candidates = [text[tokens[i][0] :]]
    if tokens[i][1] == "(":
        depth = 0
        for j in range(i, len(tokens)):
            depth += {"(": 1, ")": -1}.get(tokens[j][1], 0)
            if depth == 0:
                if j + 1 < len(tokens):
                    candidates.append(text[tokens[j + 1][0] :])
                break
    return prefix, candidates


def _writing_parts(con: duckdb.DuckDBPyConnection, text: str) -> tuple[list[str], list[str]]:
    """The kinds of writing query nodes in a SELECT's parse tree ('INSERT', 'COPY', ...) and
    the acting table functions it calls ('checkpoint', ...)."""
    rows = con.execute("select json_serialize_sql(?)", [text]).fetchall()
    tree = json.loads(rows[0][0])
    if tree.get("error"):
        return ["an unverifiable statement"], []
    found: set[str] = set()
    acting: set[str] = set()
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            kind = node.get("type")
            if isinstance(kind, str) and kind.endswith("_NODE") and kind not in READING_NODES:
                found.add(kind.removesuffix("_NODE").removesuffix("_QUERY").replace("_", " "))
            if kind == "TABLE_FUNCTION":
                name = str((node.get("function") or {}).get("function_name", "")).lower()
                if name in ACTING_TABLE_FUNCTIONS:
                    acting.add(name)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return sorted(found), sorted(acting)


def _tokens(text: str) -> list[tuple[int, str, duckdb.token_type]]:
    """(offset, text, kind) of each token of ``text``, comments left out."""
    raw = duckdb.tokenize(text)
    ends = [start for start, _ in raw[1:]] + [len(text)]
    return [
        (start, text[start:end].strip(), kind)
        for (start, kind), end in zip(raw, ends, strict=True)
        if kind != duckdb.token_type.comment
    ]


def _words(text: str) -> list[str]:
    return [word for _, word, _ in _tokens(text)]


def _label(text: str) -> str:
    """The statement's leading keywords ('CREATE TEMP TABLE', 'INSERT INTO', 'CHECKPOINT')."""
    keywords = []
    for _, word, kind in _tokens(text):
        if kind != duckdb.token_type.keyword or len(keywords) == 4:
            break
        keywords.append(word.upper())
    return " ".join(keywords) or "this statement"


def _refusal(label: str, text: str, hint: str = "") -> ReadOnlyViolation:
    snippet = " ".join(text.split())
    snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
    hint = f" {hint}" if hint else ""
    return ReadOnlyViolation(
        f"gvc sql is read-only: {label} is refused{hint}: {snippet!r}. {ACCEPTED}; {HOW_TO_CHANGE}"
    )
