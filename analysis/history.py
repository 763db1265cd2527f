"""Append-only tables in warehouse/history.duckdb (estimates_history, scenario_results, ...).

DuckDB allows one writer per file, so every append is one short transaction that retries
while another process (a scheduled refresh, an analyst) holds the file.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pandas as pd


def append_rows(
    path: Path, table: str, ddl: str, rows: pd.DataFrame, retries: int = 50, wait: float = 0.2
) -> None:
    """Create ``table`` with ``ddl`` if needed and insert ``rows`` by column name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(retries):
        try:
            with duckdb.connect(str(path)) as con:
                con.execute(ddl)
                con.register("new_rows", rows)
                con.execute(f"insert into {table} by name select * from new_rows")
            return
        except duckdb.IOException:
            if attempt == retries - 1:
                raise
            time.sleep(wait)
