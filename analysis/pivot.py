"""Long staged MRIO flows -> dense matrices (and an ``IOTable``), by integer indexing.

Pure functions: the dbt Python model fetches one year of ``stg_adb_mrio__flows`` as numpy
arrays and calls :func:`io_table_from_long`. Pivoting uses integer codes and one scatter
(``M[row, col] = value``), never ``pandas.pivot`` on strings (stack-notes.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.reference import FD_CODES
from analysis.reference import SECTOR_CODES as SECTORS


class PivotError(ValueError):
    """The long flows do not form one complete MRIO table."""


def order_economies(present, rank: dict[str, int]) -> list[str]:
    """Economies in ADB table order (``rank``: seed ``adb_economies.mrio72_index``), unknown
    codes last in alphabetical order."""
    return sorted(set(present), key=lambda e: (rank.get(e, 999), e))


def _codes(values: np.ndarray, categories: Sequence[str], what: str, year: object) -> np.ndarray:
    codes = pd.Categorical(values, categories=list(categories)).codes.astype(np.int64)
    if (codes < 0).any():
        bad = sorted(set(np.asarray(values)[codes < 0].tolist()))[:5]
        raise PivotError(f"year {year}: unknown {what} {bad}; expected one of the table's codes")
    return codes


def io_table_from_long(
    row_economy: np.ndarray,
    row_sector: np.ndarray,
    col_economy: np.ndarray,
    col_code: np.ndarray,
    value: np.ndarray,
    *,
    economies: Sequence[str],
    sectors: Sequence[str] = SECTORS,
    fd_codes: Sequence[str] = FD_CODES,
    year: int | None = None,
):
    """Build the year's ``IOTable`` from long cells ``(row eco, row sector, col eco, col code)``.

    Rows and columns follow ``economies`` x ``sectors`` in economy-major order; final-demand
    columns are ``economies`` x ``fd_codes``. Every cell must appear exactly once.
    """
    from analysis.mrio import IOTable

    G, N, K = len(economies), len(sectors), len(fd_codes)
    n = G * N
    r = _codes(row_economy, economies, "row economy", year) * N + _codes(
        row_sector, sectors, "row sector", year
    )
    col_g = _codes(col_economy, economies, "column economy", year)
    uses = list(sectors) + list(fd_codes)
    use = _codes(col_code, uses, "column code", year)
    is_fd = use >= N
    # Column index in the combined [Z | F] block: intermediate c*N + j, final n + g*K + k.
    c = np.where(is_fd, n + col_g * K + (use - N), col_g * N + use)
    width = n + G * K
    flat = r * width + c
    seen = np.bincount(flat, minlength=n * width)
    if seen.max(initial=0) > 1:
        dup = int(np.argmax(seen > 1))
        raise PivotError(f"year {year}: cell {_label(dup, width, economies, sectors, uses)} twice")
    if seen.min(initial=1) == 0:
        miss = int(np.argmin(seen))
        raise PivotError(
            f"year {year}: cell {_label(miss, width, economies, sectors, uses)} is missing; "
            f"expected {n} x {width} cells, got {int((seen > 0).sum())}"
        )
    block = np.zeros(n * width)
    block[flat] = np.asarray(value, dtype=float)
    block = block.reshape(n, width)
    return IOTable(
        block[:, :n].copy(),
        block[:, n:].copy(),
        list(economies),
        list(sectors),
        fd_categories=K,
        year=year,
    )


def _label(flat: int, width: int, economies, sectors, uses) -> str:
    row, col = divmod(flat, width)
    N, n = len(sectors), len(economies) * len(sectors)
    K = len(uses) - N
    g_row, i = divmod(row, N)
    if col < n:
        g_col, j = divmod(col, N)
        use = sectors[j]
    else:
        g_col, k = divmod(col - n, K)
        use = uses[N + k]
    return f"({economies[g_row]} {sectors[i]} -> {economies[g_col]} {use})"


def io_table_from_staged(cells: dict[str, np.ndarray], rank: dict[str, int], year: int):
    """``IOTable`` from one (edition, year) of ``stg_adb_mrio__flows`` fetched as numpy arrays
    (``from_economy, from_sector, to_economy, to_use, flow_usd_mn``), economies in ADB order."""
    return io_table_from_long(
        cells["from_economy"],
        cells["from_sector"],
        cells["to_economy"],
        cells["to_use"],
        cells["flow_usd_mn"],
        economies=order_economies(cells["from_economy"].tolist(), rank),
        year=year,
    )
