"""The per-table work of ``int_gvc__decomposition`` (analysis.decompose.table_indicators)."""

from __future__ import annotations

import numpy as np
import numpy.testing as npt
import pandas as pd
import pytest

import analysis.decompose
import analysis.mrio.exports
import analysis.mrio.resilience
from analysis.decompose import TableKey, TableTask, io_table, output_columns, table_indicators
from analysis.mrio import (
    LeontiefSolver,
    dense_leontief_inverse,
    gvc_indicators,
    resilience_indicators,
)
from analysis.mrio.resilience import group_exposures
from analysis.reference import SECTOR_CODES

GROUPS = {"near": frozenset({"KOR", "JPN"}), "usa_eu": frozenset({"USA", "GER"})}
REGIONS = {"PRC": "east_asia", "KOR": "east_asia", "JPN": "east_asia", "USA": "americas"}


def _task(seed: int = 3) -> TableTask:
    """PRC, KOR, JPN, USA, RoW x 35 sectors, with the cases real tables hold: negative final
    demand, a zero-output sector and an economy without foreign inputs."""
    economies = ("PRC", "KOR", "JPN", "USA", "RoW")
    G, N = len(economies), len(SECTOR_CODES)
    n = G * N
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0.0, 10.0, (n, n))
    e = np.repeat(np.arange(G), N)
    Z[e[:, None] == e[None, :]] *= 8.0
    F = rng.uniform(5.0, 60.0, (n, G * 5))
    F[7, 3] = -40.0  # PRC c8: disposals exceed purchases
    Z[40, :], Z[:, 40], F[40, :] = 0.0, 0.0, 0.0  # KOR c6: no output
    Z[np.ix_(e != 2, e == 2)] = 0.0  # JPN buys no foreign inputs: no foreign content
    key = TableKey("62", "2022-03", 2018, "0" * 64)
    return TableTask(key, economies, np.hstack([Z, F]), GROUPS, REGIONS)


def test_the_value_added_origin_is_computed_once_per_table(monkeypatch):
    calls = []
    original = analysis.mrio.exports.value_added_origin

    def counted(solver):
        calls.append(solver)
        return original(solver)

    for module in (analysis.decompose, analysis.mrio.exports, analysis.mrio.resilience):
        monkeypatch.setattr(module, "value_added_origin", counted, raising=False)
    table_indicators(_task())
    assert len(calls) == 1


def test_table_indicators_equal_each_indicator_computed_on_its_own_to_the_bit():
    """Sharing one origin matrix changes no bit of what the three computations give when
    each computes its own (gvc_indicators, resilience_indicators, group_exposures)."""
    task = _task()
    table = io_table(task)
    keys = ["economy", "sector"]
    expected = (
        gvc_indicators(table)
        .merge(resilience_indicators(table), on=keys)
        .merge(group_exposures(table, LeontiefSolver(table), GROUPS, REGIONS), on=keys)
        .assign(**{k: getattr(task.key, k) for k in ("edition", "vintage", "year", "file_sha256")})
    )
    got = table_indicators(task)
    assert list(got[output_columns(GROUPS)].columns) == output_columns(GROUPS)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got["hhi_sources"].isna().sum() == 1 + 35  # KOR c6 (no output), JPN (no imports)


def test_exposures_equal_a_dense_computation():
    """exposure_<group> = sum over the group's other economies r of
    (sum_{i in r} v_i B_ij) / (sum_{i not in e(j)} v_i B_ij), B the explicit inverse."""
    task = _task(11)
    table = io_table(task)
    got = table_indicators(task)
    W = table.v[:, None] * dense_leontief_inverse(table)  # v_i B_ij
    economy = np.array(task.economies)[table.economy_index]
    foreign = economy[:, None] != economy[None, :]
    fir_total = (W * foreign).sum(axis=0)
    for group, members in GROUPS.items():
        rows = np.isin(economy, list(members))[:, None] & foreign
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = (W * rows).sum(axis=0) / np.where(table.x != 0, fir_total, np.nan)
        expected[fir_total == 0] = np.nan
        npt.assert_allclose(got[f"exposure_{group}"], expected, rtol=1e-10, atol=1e-14)
    npt.assert_allclose(got["fir_total"], np.where(table.x != 0, fir_total, np.nan), rtol=1e-10)


@pytest.mark.parametrize("column", ["exposure_near", "exposure_usa_eu", "regional_share"])
def test_undefined_shares_are_null_not_zero(column):
    got = table_indicators(_task()).set_index(["economy", "sector"])
    assert np.isnan(got.loc[("KOR", "c6"), column]) and np.isnan(got.loc[("JPN", "c3"), column])


def test_cells_in_row_major_order_are_the_matrix_and_any_order_gives_the_same():
    rng = np.random.default_rng(5)
    n, width = 4, 6
    matrix = rng.normal(size=(n, width))
    rows, cols = np.divmod(np.arange(n * width, dtype=np.int32), width)
    values = matrix.ravel().copy()
    in_order = analysis.decompose.block_from_positions(rows, cols, values, n, width, "t")
    assert np.shares_memory(in_order, values)  # no copy
    npt.assert_array_equal(in_order, matrix)
    shuffled = rng.permutation(n * width)
    any_order = analysis.decompose.block_from_positions(
        rows[shuffled], cols[shuffled], values[shuffled], n, width, "t"
    )
    npt.assert_array_equal(any_order, matrix)


@pytest.mark.parametrize(
    ("drop", "repeat", "message"),
    [
        (5, None, r"cell \(row 0, column 5\) is missing"),
        (7, 5, r"cell \(row 0, column 5\) is 2 times"),
    ],
)
def test_a_missing_or_repeated_cell_is_named(drop, repeat, message):
    n, width = 3, 6
    flat = np.arange(n * width)
    flat = np.delete(flat, drop) if repeat is None else np.where(flat == drop, repeat, flat)
    rows, cols = np.divmod(flat, width)
    with pytest.raises(ValueError, match=message):
        analysis.decompose.block_from_positions(rows, cols, np.ones(flat.size), n, width, "t")


def _land_flows(task: TableTask, path, *, statistics: bool = True) -> None:
    """``task``'s block as a landed flows file (the landing's own writer; or, to test the
    check without statistics, plain pyarrow), cells in row-major order as the readers land."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.ingest.schemas import SCHEMAS, write_parquet

    n, width = task.block.shape
    rows, cols = np.divmod(np.arange(n * width, dtype=np.int32), width)
    given = {"row_pos": rows, "col_pos": cols, "value": task.block.ravel(), "year": 2018}
    given |= {k: getattr(task.key, k) for k in ("edition", "vintage", "file_sha256")}
    frame = pd.DataFrame(
        {f.name: given.get(f.name, "x") for f in SCHEMAS["adb_mrio"]["flows"]},
        index=range(n * width),
    )
    if statistics:
        write_parquet("adb_mrio", "flows", frame, path)
    else:
        pq.write_table(pa.Table.from_pandas(frame), path, write_statistics=False)


@pytest.mark.parametrize("statistics", [True, False])
def test_a_worker_computes_its_table_from_the_landed_flows_file(tmp_path, statistics):
    """The same indicators, to the bit, as from the block itself; a file holding another raw
    file (checked from the statistics, else from the column) or no file is could-not-run."""
    from analysis.decompose import LandedTableTask, landed_table_indicators
    from analysis.errors import CannotRun

    task = _task()
    path = tmp_path / "ADB-MRIO-2018.xlsx.parquet"
    _land_flows(task, path, statistics=statistics)
    landed = LandedTableTask(task.key, task.economies, str(path), GROUPS, REGIONS)
    expected = table_indicators(task)
    pd.testing.assert_frame_equal(landed_table_indicators(landed), expected, check_exact=True)

    other = TableKey(task.key.edition, task.key.vintage, task.key.year, "1" * 64)
    stale = LandedTableTask(other, task.economies, str(path), GROUPS, REGIONS)
    with pytest.raises(CannotRun, match=r"no longer holds the raw file staged \(file_sha256 1+\)"):
        landed_table_indicators(stale)
    gone = LandedTableTask(task.key, task.economies, str(tmp_path / "no.parquet"), {}, {})
    with pytest.raises(CannotRun, match=r"edition 62 2018 \(2022-03\): cannot read .*no\.parquet"):
        landed_table_indicators(gone)


@pytest.mark.parametrize(
    ("order", "error"),
    [
        ("row-major", None),  # read one row group at a time
        ("two cells swapped", None),  # in a later row group: the whole file read instead
        ("last cell missing", r"cell \(row 2, column 5\) is missing"),
        ("a cell twice", r"cell \(row 0, column 1\) is 2 times"),
    ],
)
def test_a_landed_block_is_read_by_row_group_or_whole(tmp_path, monkeypatch, order, error):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.decompose import LandedTableTask, read_landed_block

    n, width = 3, 6
    matrix = np.random.default_rng(7).normal(size=(n, width))
    flat = np.arange(n * width)
    if order == "two cells swapped":
        flat[[12, 15]] = flat[[15, 12]]
    elif order == "last cell missing":
        flat = flat[:-1]
    elif order == "a cell twice":
        flat = np.append(flat, 1)
    rows, cols = np.divmod(flat.astype(np.int32), width)
    sha = pa.array(["a"] * flat.size)
    cells = pa.table(
        {"row_pos": rows, "col_pos": cols, "value": matrix.ravel()[flat], "file_sha256": sha}
    )
    path = tmp_path / "flows.parquet"
    pq.write_table(cells, path, row_group_size=5)
    monkeypatch.setattr(analysis.decompose, "_shape", lambda economies: (n, width))
    task = LandedTableTask(TableKey("62", "v", 2018, "a"), ("E0",), str(path), {}, {})
    if order == "row-major":  # never the whole file at once
        monkeypatch.setattr(analysis.decompose, "block_from_positions", None)
    if error is None:
        npt.assert_array_equal(read_landed_block(task), matrix)
    else:
        with pytest.raises(ValueError, match=error):
            read_landed_block(task)
