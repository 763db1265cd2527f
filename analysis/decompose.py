"""The per-table work behind ``int_gvc__decomposition``: matrices in, indicators out.

The dbt Python model is a thin wrapper around :func:`decompose_tables`: for every MRIO table
(one raw file: edition, year, vintage) still missing from the model it sends the runner (a
Dask worker or this process) a small task naming the table's landed flows file, the Parquet
file its staged rows are a 1:1 cast of (``row_pos, col_pos, value`` staged as ``from_pos,
to_pos, flow_usd_mn``). The worker reads the cells by integer position (no per-cell Python
objects), checks from the file's statistics that it holds that table (``file_sha256``),
builds the dense ``[Z | F]`` block, and :func:`table_indicators` runs the algebra: one LU of
``I - A``, the WWYZ decomposition, lengths, DVAR, resilience and group exposures. So the
submitting process sends a few hundred bytes per table, not the block (n x (n + 5G) doubles:
44 MB at 62 economies), and each worker holds one block at a time. The indicator rows of
every table (one row per economy-sector) are kept until the end.

:func:`fetch_task` builds the same block from staged relations instead (the scenarios read a
published warehouse, which never depends on landing files).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from analysis.errors import CannotRun
from analysis.ingest.store import parquet_name
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
from analysis.parallel import Runner, release_arrow_memory
from analysis.reference import FD_CODES, SECTOR_CODES

KEYS = ("edition", "vintage", "year", "file_sha256")


@dataclass(frozen=True)
class TableKey:
    """One landed MRIO table."""

    edition: str
    vintage: str
    year: int
    file_sha256: str

    def describe(self) -> str:
        return f"edition {self.edition} {self.year} ({self.vintage})"


@dataclass(frozen=True)
class TableTask:
    """What a worker needs for one table: the key, the economies, the ``[Z | F]`` block."""

    key: TableKey
    economies: tuple[str, ...]
    block: np.ndarray  # n x (n + G * 5), rows and columns in table order
    groups: dict[str, frozenset[str]]
    regions: dict[str, str]


@dataclass(frozen=True)
class LandedTableTask:
    """What a worker needs for one table read from its landed flows file."""

    key: TableKey
    economies: tuple[str, ...]
    flows_file: str  # <landing version>/adb_mrio/flows/<raw file name>.parquet
    groups: dict[str, frozenset[str]]
    regions: dict[str, str]


def block_from_positions(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n: int, width: int, what: str
) -> np.ndarray:
    """Scatter cells into an ``n x width`` matrix; ValueError naming a missing or repeated
    cell (the staged table must hold every cell exactly once).

    Cells that arrive in row-major order (as staged: the readers land them so and DuckDB scans
    keep insertion order) are the matrix already: ``values`` reshaped, without a copy.
    """
    if rows.size == n * width and _next_cells(rows, cols, 0, width):
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


def _where(key: TableKey) -> str:
    return (
        f"edition = '{key.edition}' and year = {int(key.year)} "
        f"and file_sha256 = '{key.file_sha256}'"
    )


def table_economies(output, key: TableKey) -> tuple[str, ...]:
    """The economies of ``key`` in table order, from the staged output (a DuckDB relation)."""
    labels = output.filter(f"{_where(key)} and sector = 'c1'").order("pos").project("economy")
    return tuple(str(e) for (e,) in labels.fetchall())


def _shape(economies) -> tuple[int, int]:
    """``(n, width)`` of the ``[Z | F]`` block of a table of these economies."""
    G, N = len(economies), len(SECTOR_CODES)
    return G * N, G * (N + len(FD_CODES))


def _numpy_columns(arrow, names: dict[str, str]) -> dict[str, np.ndarray]:
    """Arrow columns as numpy arrays under new names, each freed once converted."""
    cells = {}
    for name, new in names.items():
        cells[new] = arrow.column(name).to_numpy()
        arrow = arrow.drop_columns([name])
    return cells


def fetch_task(flows, output, key: TableKey, groups, regions) -> TableTask:
    """The task of ``key`` from the staged relations (DuckDB relations of dbt refs)."""
    economies = table_economies(output, key)
    n, width = _shape(economies)
    arrow = flows.filter(_where(key)).project("from_pos, to_pos, flow_usd_mn").to_arrow_table()
    cells = _numpy_columns(arrow, {"from_pos": "rows", "to_pos": "cols", "flow_usd_mn": "values"})
    block = block_from_positions(**cells, n=n, width=width, what=key.describe())
    return TableTask(key, economies, block, groups, regions)


def landed_flows_file(landing_dir: str | Path, source_file: str) -> Path:
    """The landed flows file of raw file ``source_file`` in a landing version, resolved (a
    ``current`` link followed), so that every worker reads that one version."""
    return Path(landing_dir).resolve() / "adb_mrio" / "flows" / parquet_name(source_file)


def _file_holds(parquet: pq.ParquetFile, column: str, value: str) -> bool:
    """Whether every row of ``column`` equals ``value``, from the row groups' min/max
    statistics (the landing writes them for the file keys), else from the column itself."""
    index = parquet.schema_arrow.get_field_index(column)
    meta = parquet.metadata
    stats = [meta.row_group(i).column(index).statistics for i in range(meta.num_row_groups)]
    if all(s is not None and s.has_min_max for s in stats):
        return all(s.min == value and s.max == value for s in stats)
    values = parquet.read(columns=[column], use_threads=False).column(column).unique()
    return values.to_pylist() in ([], [value])


def read_landed_block(task: LandedTableTask) -> np.ndarray:
    """The ``[Z | F]`` block of ``task`` from its landed flows file; CannotRun when the file
    is missing (a worker without read access to the landing folder) or holds another raw
    file than the table staged (the landing changed during the build)."""
    path, what = task.flows_file, task.key.describe()
    try:
        parquet = pq.ParquetFile(path)
    except OSError as exc:
        raise CannotRun(
            f"{what}: cannot read its landed flows file {path} ({exc}); every Dask worker "
            "needs read access to the landing folder under the path the build uses"
        ) from None
    if not _file_holds(parquet, "file_sha256", task.key.file_sha256):
        raise CannotRun(
            f"{what}: the landed flows file {path} no longer holds the raw file staged "
            f"(file_sha256 {task.key.file_sha256}); the landing changed during the build: "
            "run it again"
        )
    n, width = _shape(task.economies)
    block = _row_major_block(parquet, n, width)
    if block is not None:
        return block
    arrow = parquet.read(columns=["row_pos", "col_pos", "value"], use_threads=False)
    cells = _numpy_columns(arrow, {"row_pos": "rows", "col_pos": "cols", "value": "values"})
    return block_from_positions(**cells, n=n, width=width, what=f"{what}, {path}")


def _row_major_block(parquet: pq.ParquetFile, n: int, width: int) -> np.ndarray | None:
    """The ``n x width`` block of a flows file whose cells lie in row-major order (as the
    landing writes them), read one row group at a time into the block: the block and one
    row group in memory, not every cell's position at once (a full-size table's positions
    and values held 88 MB in Arrow's pool through the algebra). None when a row group's
    cells are not the next ones in that order (the caller reads the whole file instead)."""
    block, start = np.empty(n * width), 0
    for i in range(parquet.metadata.num_row_groups):
        group = parquet.read_row_group(i, columns=["row_pos", "col_pos", "value"])
        stop = start + group.num_rows
        rows, cols = (group.column(c).to_numpy() for c in ("row_pos", "col_pos"))
        if stop > block.size or not _next_cells(rows, cols, start, width):
            return None
        block[start:stop] = group.column("value").to_numpy()
        start = stop
        del group, rows, cols
        release_arrow_memory()
    return block.reshape(n, width) if start == block.size else None


def _next_cells(rows: np.ndarray, cols: np.ndarray, start: int, width: int) -> bool:
    """Whether ``rows, cols`` are the cells ``start, start + 1, ...`` of a row-major matrix
    ``width`` wide: the rest of the first row, whole rows compared as a grid against
    broadcast ranges, then the start of the last row (2.4 ms a row group of a million cells,
    against 15 ms for positions built with ``divmod``)."""
    k = rows.size
    row, col = divmod(start, width)
    head = min(k, (width - col) % width)
    if head and not (
        (rows[:head] == row).all() and (cols[:head] == np.arange(col, col + head)).all()
    ):
        return False
    row += bool(head)
    full = (k - head) // width
    body = slice(head, head + full * width)
    if full and not (
        (cols[body].reshape(full, width) == np.arange(width)).all()
        and (rows[body].reshape(full, width) == np.arange(row, row + full)[:, None]).all()
    ):
        return False
    tail = slice(body.stop, k)
    return bool((rows[tail] == row + full).all() and (cols[tail] == np.arange(k - body.stop)).all())


def landed_table_indicators(task: LandedTableTask) -> pd.DataFrame:
    """:func:`table_indicators` of the table in ``task``'s landed flows file; what Arrow's
    allocator kept of the read (all of it when the whole file was read) is handed back to
    the operating system once computed."""
    try:
        return table_indicators(
            TableTask(task.key, task.economies, read_landed_block(task), task.groups, task.regions)
        )
    finally:
        release_arrow_memory()


def decompose_tables(
    output, files: dict[TableKey, str], groups, regions, run: Runner
) -> pd.DataFrame:
    """Indicators of every table in ``files`` (key: its landed flows file), in that order,
    computed on ``run``."""
    tasks = [
        LandedTableTask(key, table_economies(output, key), str(path), groups, regions)
        for key, path in files.items()
    ]
    parts = run.map(landed_table_indicators, tasks)
    if not parts:
        return empty_frame(groups)
    return pd.concat(parts, ignore_index=True)[output_columns(groups)]
