"""``gvc sql``: read-only SQL over the published warehouse (and the history tables).

Every statement is classified by DuckDB's own parser before it runs: only queries
(SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE), EXPLAIN and PRAGMA are accepted; DDL, DML, COPY,
EXPORT, ATTACH, INSTALL, LOAD, SET and CALL are refused with a message. The connection is
read-only, ``warehouse/history.duckdb`` is attached read-only as ``history``, and external
access is switched off and locked (a read-only connection could otherwise still
``COPY ... TO`` a file or read arbitrary files). ``--out`` writes the result itself.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from analysis.errors import BadInput, CannotRun

ALLOWED = {
    duckdb.StatementType.SELECT,
    duckdb.StatementType.EXPLAIN,
    duckdb.StatementType.PRAGMA,
}


class ReadOnlyViolation(BadInput, ValueError):
    """A statement that could write (or reach outside the warehouse) was refused."""


def check_read_only(sql: str) -> list[str]:
    """The statements of ``sql`` if all are read-only; else raise ReadOnlyViolation."""
    try:
        statements = duckdb.connect().extract_statements(sql)
    except duckdb.Error as exc:
        raise ReadOnlyViolation(f"cannot parse the query: {exc}") from None
    if not statements:
        raise ReadOnlyViolation("no SQL statement given")
    for st in statements:
        if st.type not in ALLOWED:
            kind = str(st.type).split(".")[-1]
            raise ReadOnlyViolation(
                f"gvc sql is read-only: {kind} statements are refused ({st.query.strip()[:60]!r})."
                " The warehouse changes only through `gvc build` and `gvc refresh`; save a"
                " result with --out"
            )
    return [st.query for st in statements]


def connect(warehouse: Path, history: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A locked-down read-only connection to the published warehouse."""
    if not warehouse.exists():
        raise CannotRun(f"no published warehouse at {warehouse}: run `gvc build` first")
    con = duckdb.connect(str(warehouse), read_only=True)
    if history is not None and history.exists():
        con.execute(f"attach '{history}' as history (read_only)")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def run_query(sql: str, warehouse: Path, history: Path | None = None) -> pd.DataFrame:
    """Run read-only ``sql`` (one or more statements); return the last result."""
    statements = check_read_only(sql)
    with connect(warehouse, history) as con:
        result = None
        for statement in statements:
            result = con.execute(statement)
        return result.df() if result is not None and result.description else pd.DataFrame()


def write_result(frame: pd.DataFrame, out: Path) -> Path:
    """Save a result as CSV or Parquet (by extension)."""
    suffix = out.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(out, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(out, index=False)
    else:
        raise BadInput(f"--out must end in .csv or .parquet, got {out.name}")
    return out


def run_cli(paths, query: str | None, query_file: Path | None, out: Path | None, max_rows: int):
    """``gvc sql``: run the statements of ``query`` or ``query_file`` (or a prompt)."""
    import click

    text = query_file.read_text(encoding="utf-8") if query_file else query
    queries = [text] if text else None
    if queries is None:
        click.echo("gvc sql (read-only). End statements with ';', quit with Ctrl-D or \\q.")
        queries = _prompt_queries()
    status = None
    for q in queries:
        try:
            frame = run_query(q, paths.warehouse, paths.history)
        except duckdb.Error as exc:
            raise BadInput(f"query failed: {exc}") from None
        if out:
            click.echo(f"wrote {len(frame)} rows to {write_result(frame, out)}")
        else:
            _print_frame(frame, max_rows)
    return status


def _prompt_queries():
    buffer: list[str] = []
    while True:
        try:
            line = input("gvc> " if not buffer else "...> ")
        except EOFError:
            return
        if line.strip() in ("\\q", "quit", "exit"):
            return
        buffer.append(line)
        if line.rstrip().endswith(";"):
            yield "\n".join(buffer)
            buffer = []


def _print_frame(frame, max_rows: int) -> None:
    """DuckDB's own box rendering."""
    import shutil

    import click

    if frame.empty and len(frame.columns) == 0:
        click.echo("(statement returned no result)")
        return
    width = shutil.get_terminal_size(fallback=(120, 24)).columns
    with duckdb.connect() as con:
        con.from_df(frame).show(max_width=width, max_rows=max_rows, max_col_width=40)
    if len(frame) > max_rows:
        click.echo("(use --out to save every row)")
