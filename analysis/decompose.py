"""The per-table work behind ``int_gvc__decomposition``: matrices in, indicators out.

The dbt Python model is a thin wrapper around :func:`decompose_tables`: for every MRIO
table (one raw file: edition, year, vintage) still missing from the model it fetches the
staged cells by integer position (``from_pos``, ``to_pos``; no per-cell Python objects),
scatters them into the dense ``[Z | F]`` block, and hands the block to the runner (a Dask
worker or this process), where :func:`table_indicators` runs the algebra: one LU of
``I - A``, the WWYZ decomposition, lengths, DVAR, resilience and group exposures. This
process builds one block at a time; on Dask each block goes straight to a worker and only
its future stays here, with at most two tables per worker in flight (a block is n x (n +
5G) doubles: about 44 MB at 62 economies); in-process, one table is computed at a time.
The indicator rows of every table (one row per economy-sector) are kept until the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.mrio import (
    GVC_COLUMNS,
    RESILIENCE_COLUMNS,
    IOTable,
    LeontiefSolver,
    gvc_indicators,
    resilience_indicators,
    value_added_origin,
)
from analysis.mrio.resilience import group_exposures
from analysis.parallel import Runner
from analysis.reference import FD_CODES, SECTOR_CODES

KEYS = ("edition", "vintage", "year", "file_sha256")


@dataclass(frozen=True)
class TableKey:
    """One landed MRIO table."""

    edition: str
    vintage: str
    year: int
    file_sha256: str


@dataclass(frozen=True)
class TableTask:
    """What a worker needs for one table: the key, the economies, the ``[Z | F]`` block."""

    key: TableKey
    economies: tuple[str, ...]
    block: np.ndarray  # n x (n + G * 5), rows and columns in table order
    groups: dict[str, frozenset[str]]
    regions: dict[str, str]


def _row_major(rows: np.ndarray, cols: np.ndarray, n: int, width: int) -> bool:
    """Whether ``n * width`` cells are those of an ``n x width`` matrix in row-major order
    (compared as n x width grids against broadcast ranges: no position array is built)."""
    grid_rows, grid_cols = rows.reshape(n, width), cols.reshape(n, width)
    return bool(
        (grid_cols == np.arange(width)[None, :]).all()
        and (grid_rows == np.arange(n)[:, None]).all()
    )


def block_from_positions(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n: int, width: int, what: str
) -> np.ndarray:
    """Scatter cells into an ``n x width`` matrix; ValueError naming a missing or repeated
    cell (the staged table must hold every cell exactly once).

    Cells that arrive in row-major order (as staged: the readers land them so and DuckDB scans
    keep insertion order) are the matrix already: ``values`` reshaped, without a copy.
    """
    if rows.size == n * width and _row_major(rows, cols, n, width):
        return np.asarray(values, dtype=float).reshape(n, width)
    flat = rows.astype(np.int64) * width + cols.astype(np.int64)
    if flat.size and (flat.min() < 0 or flat.max() >= n * width):
        raise ValueError(f"{what}: a cell position lies outside the {n} x {width} table")
    seen = np.bincount(flat, minlength=n * width)
    if flat.size != n * width or seen.max(initial=0) != 1:
        bad = int(np.argmax(seen != 1))
        row, col = divmod(bad, width)
        state = "missing" if seen[bad] == 0 else f"{int(seen[bad])} times"
        raise ValueError(f"{what}: cell (row {row}, column {col}) is {state}")
    block = np.empty(n * width)
    block[flat] = values
    return block.reshape(n, width)


def io_table(task: TableTask) -> IOTable:
    """The task's table as an :class:`IOTable` (the block split into Z and F)."""
    n = len(task.economies) * len(SECTOR_CODES)
    return IOTable(
        task.block[:, :n],
        task.block[:, n:],
        list(task.economies),
        list(SECTOR_CODES),
        fd_categories=len(FD_CODES),
        year=task.key.year,
    )


def table_indicators(task: TableTask) -> pd.DataFrame:
    """GVC and resilience indicators of one table, one row per economy-sector (pure).

    One LU of ``I - A`` and one value-added origin matrix (G x n, a transposed solve with G
    right-hand sides) serve the DVA rates, the foreign-content shares and the group
    exposures alike.
    """
    table = io_table(task)
    solver = LeontiefSolver(table)
    origin = value_added_origin(solver)
    keys = ["economy", "sector"]
    frame = gvc_indicators(table, solver, origin=origin).merge(
        resilience_indicators(table, solver, origin=origin), on=keys, validate="1:1"
    )
    exposures = group_exposures(table, solver, task.groups, task.regions, origin=origin)
    frame = frame.merge(exposures, on=keys, validate="1:1")
    return frame.assign(**{k: getattr(task.key, k) for k in KEYS})


def output_columns(groups) -> list[str]:
    """Columns of :func:`table_indicators`, in order."""
    resilience = [c for c in RESILIENCE_COLUMNS if c not in ("economy", "sector")]
    exposures = [f"exposure_{g}" for g in sorted(groups)]
    return [*GVC_COLUMNS, *resilience, *exposures, "regional_share", *KEYS]


def empty_frame(groups) -> pd.DataFrame:
    """A frame with no rows and the columns (and types) of :func:`table_indicators`."""
    text = {"economy", "sector", "edition", "vintage", "file_sha256"}
    return pd.DataFrame(
        {
            c: pd.Series(dtype=object if c in text else ("int32" if c == "year" else float))
            for c in output_columns(groups)
        }
    )


def fetch_task(flows, output, key: TableKey, groups, regions) -> TableTask:
    """The task of ``key`` from the staged relations (DuckDB relations of dbt refs)."""
    where = (
        f"edition = '{key.edition}' and year = {int(key.year)} "
        f"and file_sha256 = '{key.file_sha256}'"
    )
    labels = output.filter(f"{where} and sector = 'c1'").order("pos").project("economy")
    economies = tuple(str(e) for (e,) in labels.fetchall())
    G, N = len(economies), len(SECTOR_CODES)
    n, width = G * N, G * (N + len(FD_CODES))
    arrow = flows.filter(where).project("from_pos, to_pos, flow_usd_mn").to_arrow_table()
    cells = {}
    for name in arrow.column_names:  # each Arrow column freed once it is a numpy array
        cells[name] = arrow.column(name).to_numpy()
        arrow = arrow.drop_columns([name])
    what = f"edition {key.edition} {key.year} ({key.vintage})"
    block = block_from_positions(
        cells["from_pos"], cells["to_pos"], cells["flow_usd_mn"], n, width, what
    )
    return TableTask(key, economies, block, groups, regions)


def decompose_tables(
    flows, output, keys: list[TableKey], groups, regions, run: Runner
) -> pd.DataFrame:
    """Indicators of every table in ``keys`` (in that order), computed on ``run``."""

    def tasks() -> Iterator[TableTask]:
        for key in keys:
            yield fetch_task(flows, output, key, groups, regions)

    parts = run.map(table_indicators, tasks())
    if not parts:
        return empty_frame(groups)
    return pd.concat(parts, ignore_index=True)[output_columns(groups)]
