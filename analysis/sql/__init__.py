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

ALLOWED = {
    duckdb.StatementType.SELECT,
    duckdb.StatementType.EXPLAIN,
    duckdb.StatementType.PRAGMA,
}


class ReadOnlyViolation(ValueError):
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
        raise FileNotFoundError(f"no published warehouse at {warehouse}: run `gvc build` first")
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
        raise ValueError(f"--out must end in .csv or .parquet, got {out.name}")
    return out
