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
);
-- columns added later: histories written by earlier versions gain them (NULL before)
alter table estimates_history add column if not exists cv3_std_error double;
alter table estimates_history add column if not exists cv3_p_value double;
alter table estimates_history add column if not exists inference varchar;
"""


def append_history(path: Path, rows: pd.DataFrame) -> None:
    """Append one estimation run (one row per specification and term)."""
    append_rows(path, "estimates_history", DDL, rows)
