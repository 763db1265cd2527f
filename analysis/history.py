"""Append-only tables in warehouse/history.duckdb (estimates_history, scenario_results, ...).

DuckDB allows one writer per file and no writer while a reader holds it, so every append is
one short transaction that retries while another process holds the file (``gvc sql`` only
snapshots it for an instant); after ``timeout`` seconds a CannotRun says which file is held.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import duckdb
import pandas as pd

from analysis.errors import CannotRun, describe_os_error

RETRY_SECONDS = 60.0


def append_rows(
    path: Path, table: str, ddl: str, rows: pd.DataFrame, timeout: float = RETRY_SECONDS
) -> None:
    """Create ``table`` with ``ddl`` if needed and insert ``rows`` by column name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotRun(describe_os_error(exc, "creating the history folder")) from None
    deadline, wait = time.monotonic() + timeout, 0.05
    while True:
        try:
            with contextlib.closing(duckdb.connect(str(path))) as con:
                con.execute(ddl)
                con.register("new_rows", rows)
                con.execute(f"insert into {table} by name select * from new_rows")
            return
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise CannotRun(f"cannot write {table} to {path}: {exc}") from None
            if time.monotonic() > deadline:
                raise CannotRun(
                    f"{path} stayed locked by another process for {timeout:.0f}s; {table} "
                    "was not written (close the program holding it and run again)"
                ) from None
            time.sleep(wait)
            wait = min(wait * 2, 1.0)
