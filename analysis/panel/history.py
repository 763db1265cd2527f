"""``estimates_history``: every estimation run appended to warehouse/history.duckdb.

Short write transactions that retry while another process holds the file (DuckDB allows
one writer per file), so a scheduled refresh and an analyst can both record runs.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pandas as pd

DDL = """
create table if not exists estimates_history (
    run_id varchar, run_time timestamp, specification varchar, dependent varchar,
    term varchar, coefficient double, std_error double, t_stat double, p_value double,
    boot_p_value double, absorbed boolean, nobs integer, r2_within double, cov varchar,
    effects varchar, data_fingerprint varchar, synthetic boolean
)
"""


def append_history(path: Path, rows: pd.DataFrame, retries: int = 50, wait: float = 0.2) -> None:
    """Append ``rows`` (columns as in the table) in one transaction, retrying on a lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(retries):
        try:
            with duckdb.connect(str(path)) as con:
                con.execute(DDL)
                con.register("new_rows", rows)
                con.execute("insert into estimates_history by name select * from new_rows")
            return
        except duckdb.IOException:
            if attempt == retries - 1:
                raise
            time.sleep(wait)
