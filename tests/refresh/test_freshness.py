"""Freshness: a new year picked up, idempotent and reproducible refreshes, the writer lock,
freshness judged against what the published warehouse was built from (A/B/A), missing
sources refused. `gvc refresh` on the tiny fixture of conftest.py."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import duckdb
import pytest

from analysis.build_record import read_record
from analysis.lock import WriterLocked, writer_lock
from analysis.panel.data import fingerprint, load_mart
from analysis.sample import write_sample
from tests.cli import gvc
from tests.refresh.helpers import (
    latest_estimate_fingerprint,
    log_rows,
    mart_fingerprints,
    paths_of,
    refresh,
)


def test_new_year_is_added_and_second_run_does_nothing(published):
    root, env = published
    with duckdb.connect(str(root / "wh" / "gvc.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from mart_icc_ics").fetchone()[0] == 28
    first = read_record(root / "wh" / "gvc.duckdb")
    write_sample(root / "raw", size="tiny", years=[2010])
    added = refresh(env)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "changed sources adb_mrio, nbs" in added.stdout  # the KOF file is byte-identical
    # dbt reran what the new files reach; the other tests stand as the first build ran them
    record = read_record(root / "wh" / "gvc.duckdb")
    assert sorted(t["unique_id"] for t in record.tests) == sorted(
        t["unique_id"] for t in first.tests
    )
    carried = [t["unique_id"] for t in record.tests if t["checked_at"] == first.built_at]
    assert any("stg_kof__index" in u for u in carried) and any("unit_test" in u for u in carried)
    reached = [u for u in carried if u.startswith("test.") and ("adb_mrio" in u or "nbs__" in u)]
    assert not reached  # data tests of what the new files reach ran again
    report = json.loads((root / "reports" / "quality" / "validation_results.json").read_text())
    assert sum("not rerun" in r["description"] for r in report["rules"]) == len(carried)
    with duckdb.connect(str(root / "wh" / "gvc.duckdb"), read_only=True) as con:
        assert con.execute("select count(*), max(year) from mart_icc_ics").fetchone() == (42, 2010)
    with duckdb.connect(str(root / "wh" / "history.duckdb"), read_only=True) as con:
        runs = con.execute("select count(distinct run_id) from estimates_history").fetchone()[0]
        assert runs == 2
    again = refresh(env)
    assert again.returncode == 0 and "nothing new" in again.stdout
    assert [r[0] for r in log_rows(root)] == ["published", "published", "nothing new"]
    assert log_rows(root)[1][1] == "adb_mrio,nbs"


def test_identical_refreshes_give_identical_marts(fresh, refreshed):
    root, env = fresh  # the same raw files refreshed again, from nothing
    result = refresh(env)
    assert result.returncode == 0, result.stderr
    assert mart_fingerprints(root / "wh" / "gvc.duckdb") == mart_fingerprints(
        refreshed / "wh" / "gvc.duckdb"
    )


def test_lock_stops_a_second_writer(fresh, repo_root):
    root, env = fresh
    with writer_lock(paths_of(root, repo_root)):
        blocked = refresh(env)
        assert blocked.returncode == 2
        assert "another ingest, build or refresh is running (pid" in blocked.stderr
        for command in (["build", "--quiet"], ["ingest"]):  # the other writers
            other = gvc(*command, env=env)
            assert other.returncode == 2, command
            assert "another ingest, build or refresh is running" in other.stderr
    # the library functions take the lock themselves (no CLI involved)
    from analysis.publish import build_warehouse

    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(root), str(repo_root)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    try:
        with pytest.raises(WriterLocked):
            build_warehouse(paths_of(root, repo_root), echo=False)
    finally:
        holder.kill()
        holder.wait()


LOCK_HOLDER = """
import sys, time
from pathlib import Path
from analysis.lock import writer_lock
from tests.refresh.helpers import paths_of
with writer_lock(paths_of(Path(sys.argv[1]), Path(sys.argv[2]))):
    print("locked", flush=True)
    time.sleep(600)
"""


def test_refresh_compares_with_what_was_published_a_b_a(published):
    """Refresh on raw files A, build on edited files B, put A back, refresh: A is published
    again (the build recorded B inside the warehouse it published). A refresh right after
    the build finds nothing new but estimates B, which the build left unestimated."""
    root, env = published
    a = mart_fingerprints(root / "wh" / "gvc.duckdb")
    nbs = root / "raw" / "nbs" / "nbs_industry_2009.csv"
    original = nbs.read_bytes()
    rows = list(csv.reader(original.decode().splitlines()))
    food = next(r for r in rows if r[:1] == ["14"])  # an industry of ADB sector c3
    food[2] = f"{float(food[2]) * 1.001:.2f}"  # within the printed Total's tolerance
    with nbs.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    built = gvc("build", "--quiet", env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "incremental build: reran what depends on nbs;" in built.stdout
    assert mart_fingerprints(root / "wh" / "gvc.duckdb") != a  # B is published
    assert (root / "wh" / ".refresh_pending").exists()  # and not estimated yet
    resumed = refresh(env)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert resumed.stdout.startswith("resumed") and "re-estimated Tables 1-4" in resumed.stdout
    assert latest_estimate_fingerprint(root) == fingerprint(load_mart(root / "wh" / "gvc.duckdb"))
    assert not (root / "wh" / ".refresh_pending").exists()
    nbs.write_bytes(original)  # A again
    again = refresh(env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "published: changed sources nbs" in again.stdout
    assert mart_fingerprints(root / "wh" / "gvc.duckdb") == a


def test_build_then_estimate_leaves_refresh_nothing_to_do(fresh):
    """`make run`: build (which records what it used, and marks its estimates pending), then
    estimate (which clears the mark); a refresh then finds nothing new."""
    root, env = fresh
    built = gvc("build", "--quiet", env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (root / "wh" / ".refresh_pending").exists()
    estimated = gvc("estimate", "--bootstrap-reps", "0", env=env)
    assert estimated.returncode == 0, estimated.stdout + estimated.stderr
    assert not (root / "wh" / ".refresh_pending").exists()
    result = refresh(env)
    assert result.returncode == 0 and result.stdout.startswith("nothing new"), result.stdout
    with duckdb.connect(str(root / "wh" / "gvc.duckdb"), read_only=True) as con:
        inputs = con.execute("select inputs from gvc_build").fetchone()[0]
    assert "nbs_industry_2009.csv" in inputs and "KOFGI_2022_public.xlsx" in inputs


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_missing_source_stops_refresh_naming_it(published, how):
    root, env = published
    before = mart_fingerprints(root / "wh" / "gvc.duckdb")
    kof = root / "raw" / "kof"
    for f in kof.iterdir():
        f.unlink()
    if how == "deleted":
        kof.rmdir()
    result = refresh(env)
    assert result.returncode == 1
    assert f"source 'kof': {kof}" in result.stderr and "--keep-landed kof" in result.stderr
    assert "Traceback" not in result.stderr
    assert mart_fingerprints(root / "wh" / "gvc.duckdb") == before
    assert log_rows(root)[-1][0] == "failed"
    kept = refresh(env, "--keep-landed", "kof")  # asked explicitly: the landed KOF stays
    assert kept.returncode == 0 and kept.stdout.startswith("nothing new"), kept.stdout


def test_renamed_file_republishes_under_its_new_vintage(published):
    """The same bytes under another name (an undated download renamed with its release, as
    the ingest notes suggest): every staged and published row takes the new name's vintage,
    without duplicates."""
    root, env = published
    adb = root / "raw" / "adb_mrio"
    (adb / "ADB-MRIO-2009_synthetic.xlsx").rename(adb / "ADB-MRIO-2009_June2023.xlsx")
    result = refresh(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "changed sources adb_mrio" in result.stdout
    warehouse = root / "wh" / "gvc.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in (
            "stg_adb_mrio__flows",
            "stg_adb_mrio__output",
            "stg_adb_mrio__value_added",
            "int_adb_mrio__balance",
            "int_gvc__decomposition",
            "fct_gvc_participation",
        ):
            vintages = con.execute(
                f"select distinct vintage from {table} where year = 2009"
            ).fetchall()
            assert vintages == [("2023-06",)], table
        flows = con.execute(
            "select count(*), count(distinct (from_pos, to_pos, to_use)) "
            "from stg_adb_mrio__flows where year = 2009"
        ).fetchone()
        assert flows[0] == flows[1]
        for table, key in (
            ("stg_adb_mrio__output", "pos"),
            ("stg_adb_mrio__value_added", "(row_code, to_pos)"),
            ("int_adb_mrio__balance", "(economy, sector)"),
        ):
            rows = con.execute(
                f"select count(*), count(distinct {key}) from {table} where year = 2009"
            ).fetchone()
            assert rows[0] == rows[1] > 0, table
        names = con.execute(
            "select distinct source_file from stg_adb_mrio__flows where year = 2009"
        ).fetchall()
    assert names == [("ADB-MRIO-2009_June2023.xlsx",)]


def test_refresh_keeps_the_published_panel_edition(published, tmp_path):
    """Two editions landed, neither 62: a refresh without --panel-edition rebuilds with the
    edition the warehouse was published with (its freshness check already assumes so)."""
    root, env = published
    write_sample(tmp_path / "other", size="default", years=[2009])
    adb = tmp_path / "other" / "adb_mrio" / "ADB-MRIO-2009_synthetic.xlsx"
    shutil.copy(adb, root / "raw" / "adb_mrio" / "ADB-MRIO8-2009_synthetic.xlsx")
    result = refresh(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "published: changed sources adb_mrio" in result.stdout
    record = read_record(root / "wh" / "gvc.duckdb")
    assert record.settings["panel_edition"] == "2"


def test_a_refresh_log_that_cannot_be_written_is_a_warning(published):
    root, env = published
    (root / "not-a-folder").write_text("")
    env = {**env, "GVC_HISTORY": str(root / "not-a-folder" / "history.duckdb")}
    result = refresh(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("nothing new")
    assert "warning: refresh_log not written: creating the history folder" in result.stderr
