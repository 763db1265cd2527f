"""``estimates_history``: every estimation run appended to warehouse/history.duckdb."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.history import append_rows

DDL = """
create table if not exists estimates_history (
    run_id varchar, run_time timestamp, specification varchar, dependent varchar,
    term varchar, coefficient double, std_error double, t_stat double, p_value double,
    boot_p_value double, absorbed boolean, nobs integer, r2_within double, cov varchar,
    effects varchar, data_fingerprint varchar, synthetic boolean
)
"""


def append_history(path: Path, rows: pd.DataFrame) -> None:
    """Append one estimation run (one row per specification and term)."""
    append_rows(path, "estimates_history", DDL, rows)
