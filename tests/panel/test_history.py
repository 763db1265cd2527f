"""estimates_history: every row names its table, column and design; old files migrate."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from analysis.panel.history import append_history
from analysis.panel.run import history_rows
from tests.panel.conftest import DRAWS

#: The DDL of the version before table_id / design / column_number / bootstrap_draws.
OLD_DDL = """
create table if not exists estimates_history (
    run_id varchar, run_time timestamp, specification varchar, dependent varchar,
    term varchar, coefficient double, std_error double, t_stat double, p_value double,
    boot_p_value double, absorbed boolean, nobs integer, r2_within double, cov varchar,
    effects varchar, data_fingerprint varchar, synthetic boolean
);
alter table estimates_history add column if not exists cv3_std_error double;
alter table estimates_history add column if not exists cv3_p_value double;
alter table estimates_history add column if not exists inference varchar;
"""


def _rows(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).df()


def test_every_row_names_its_table_column_and_design(estimated):
    run, root = estimated
    rows = _rows(root / "history.duckdb", "select * from estimates_history")
    assert rows["table_id"].notna().all() and rows["column_number"].notna().all()
    per_run = rows.groupby(["specification", "term"]).size()
    assert (per_run == 1).all(), "specification is unique within a run"
    exposure = rows[(rows["design"] == "exposure") & (rows["term"] == "size")]
    assert sorted(exposure["specification"]) == [
        "table2:icc:exposure",
        "table2:ics:exposure",
        "table3:icc:exposure",
        "table3:ics:exposure",
        "table4:human:exposure",
        "table4:infina:exposure",
        "table4:tech:exposure",
    ]
    for table, fits in run.fits.items():
        for k, fit in enumerate(fits, 1):
            mine = rows[(rows["table_id"] == table) & (rows["column_number"] == k)]
            assert list(mine["term"]) == list(fit.regressors)
            assert (mine["dependent"] == fit.dependent).all()
            assert set(mine["cluster"]) == {fit.cluster}


def test_bootstrap_draws_are_recorded_per_row(estimated, estimated_real):
    _, root = estimated
    rows = _rows(root / "history.duckdb", "select * from estimates_history")
    booted = rows["boot_p_value"].notna()
    assert booted.sum() == 7  # the exposure columns: 2 + 2 in Tables 2 and 3, 3 in Table 4
    assert (rows.loc[booted, "bootstrap_draws"] == DRAWS).all()
    assert (rows.loc[~booted, "bootstrap_draws"] == 0).all()
    _, root = estimated_real  # --bootstrap-reps 0
    skipped = _rows(root / "history.duckdb", "select * from estimates_history")
    assert (skipped["bootstrap_draws"] == 0).all() and skipped["boot_p_value"].isna().all()


def test_rows_record_their_provenance(estimated, estimated_real):
    for fixture, synthetic in ((estimated, True), (estimated_real, False)):
        run, root = fixture
        rows = _rows(root / "history.duckdb", "select synthetic, provenance from estimates_history")
        assert (rows["synthetic"] == synthetic).all()
        assert set(rows["provenance"]) == {run.provenance.label()}


def _old_rows(run) -> pd.DataFrame:
    """The run as the previous version wrote it: 'icc:exposure' in Tables 2 and 3 alike."""
    rows = history_rows(run)
    rows["specification"] = rows["dependent"] + ":" + rows["design"]
    keep = _rows_columns_of_old_ddl()
    return rows[keep]


def _rows_columns_of_old_ddl() -> list[str]:
    with duckdb.connect() as con:
        con.execute(OLD_DDL)
        return [r[0] for r in con.execute("describe estimates_history").fetchall()]


def test_history_written_by_the_old_ddl_gains_the_columns_without_losing_rows(estimated, tmp_path):
    run, root = estimated
    old = tmp_path / "history.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute(OLD_DDL)
        for run_id in ("old1", "old2"):
            rows = _old_rows(run).assign(run_id=run_id)
            con.register("rows", rows)
            con.execute("insert into estimates_history by name select * from rows")
    before = _rows(old, "select * from estimates_history order by rowid")
    append_history(old, history_rows(run))
    after = _rows(old, "select * from estimates_history order by rowid")
    assert len(after) == len(before) + len(history_rows(run))
    migrated = after[after["run_id"].isin(["old1", "old2"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(migrated[before.columns], before)
    new = after[after["run_id"] == run.run_id].reset_index(drop=True)
    for run_id in ("old1", "old2"):
        mine = migrated[migrated["run_id"] == run_id].reset_index(drop=True)
        for column in ("table_id", "column_number", "design", "cluster"):
            assert list(mine[column]) == list(new[column]), column
        booted = mine["boot_p_value"].notna()
        assert mine.loc[booted, "bootstrap_draws"].isna().all()  # how many is unknown
        assert (mine.loc[~booted, "bootstrap_draws"] == 0).all()
        assert mine["provenance"].isna().all() and mine["df_inference"].isna().all()
    shutil.copy(old, tmp_path / "again.duckdb")
    append_history(tmp_path / "again.duckdb", history_rows(run))  # migrating twice: a no-op
    again = _rows(tmp_path / "again.duckdb", "select * from estimates_history order by rowid")
    pd.testing.assert_frame_equal(again.iloc[: len(after)], after)


@pytest.mark.parametrize("table", ["table2", "table3"])
def test_tables_2_and_3_exposure_designs_are_told_apart(estimated, table):
    run, root = estimated
    rows = _rows(
        root / "history.duckdb",
        f"select term from estimates_history where table_id = '{table}' and design = 'exposure'"
        " and column_number = 2",
    )
    lagged = table == "table3"
    assert list(rows["term"])[0] == ("exposure_lag1" if lagged else "exposure")
