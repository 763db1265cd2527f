"""Pull the ICC/ICS panel from the published warehouse (read-only) and fingerprint it."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.connect import connect_published
from analysis.errors import CannotRun

ENTITY, TIME = "sector", "year"


def load_mart(warehouse: Path, table: str = "mart_icc_ics") -> pd.DataFrame:
    """The mart of the file published now, sorted by (sector, year), read-only."""
    if not Path(warehouse).exists():
        raise CannotRun(f"no published warehouse at {warehouse}: run `gvc build` first")
    with contextlib.closing(connect_published(warehouse, history=False)) as con:
        frame = con.execute(f"select * from {table}").df()
    order = frame[ENTITY].str[1:].astype(int)
    return (
        frame.assign(_o=order).sort_values(["_o", TIME]).drop(columns="_o").reset_index(drop=True)
    )


def fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 of the panel's values rounded to 12 significant digits (stable across runs)."""
    digest = hashlib.sha256()
    for column in sorted(frame.columns):
        values = frame[column]
        if pd.api.types.is_float_dtype(values):
            values = values.map(lambda v: "nan" if not np.isfinite(v) else f"{v:.12g}")
        digest.update(column.encode())
        digest.update("\x1f".join(map(str, values)).encode())
    return digest.hexdigest()[:16]
