"""Scheduled refresh: new year picked up, idempotent, lock, concurrent readers, kill points,
reproducible marts, freshness judged against what the published warehouse was built from,
missing sources refused, failures after publication reported. Uses a tiny fixture (PRC, USA,
RoW; 2007-2009) through `gvc refresh`."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from analysis.config import Paths
from analysis.lock import WriterLocked, writer_lock
from analysis.panel.data import fingerprint, load_mart
from analysis.sample import write_sample

BIN = Path(sys.executable).parent
MARTS = ("mart_icc_ics", "fct_gvc_participation", "mart_resilience")


def env_for(root: Path, repo_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GVC_HOME=str(repo_root),
        GVC_RAW=str(root / "raw"),
        GVC_LANDING=str(root / "landing"),
        GVC_WAREHOUSE=str(root / "wh" / "gvc.duckdb"),
        GVC_HISTORY=str(root / "wh" / "history.duckdb"),
        GVC_REPORTS=str(root / "reports"),
    )
    return env


def refresh(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "gvc"), "refresh", "--bootstrap-reps", "0", "--no-scenarios", *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def mart_fingerprints(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        out = {}
        for table in MARTS:
            frame = con.execute(f"select * from {table}").df()
            keys = [c for c in ("edition", "economy", "sector", "year") if c in frame]
            out[table] = fingerprint(frame.sort_values(keys).reset_index(drop=True))
        return out


def latest_estimate_fingerprint(root: Path) -> str | None:
    with duckdb.connect(str(root / "wh" / "history.duckdb"), read_only=True) as con:
        row = con.execute(
            "select data_fingerprint from estimates_history order by run_time desc limit 1"
        ).fetchone()
    return row[0] if row else None


def log_rows(root: Path) -> list[tuple]:
    with duckdb.connect(str(root / "wh" / "history.duckdb"), read_only=True) as con:
        return con.execute(
            "select status, changed_sources from refresh_log order by started"
        ).fetchall()


@pytest.fixture(scope="module")
def tiny_three_years(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw3")
    write_sample(raw, size="tiny", years=[2007, 2008, 2009])
    return raw


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory, tiny_three_years, repo_root) -> Path:
    """A root with one published refresh of the three-year fixture."""
    root = tmp_path_factory.mktemp("refreshed")
    shutil.copytree(tiny_three_years, root / "raw")
    assert refresh(env_for(root, repo_root)).returncode == 0
    return root


@pytest.fixture
def fresh(tmp_path, tiny_three_years, repo_root):
    shutil.copytree(tiny_three_years, tmp_path / "raw")
    return tmp_path, env_for(tmp_path, repo_root)


@pytest.fixture
def published(refreshed, tmp_path, repo_root):
    """A private copy of the refreshed root (raw, landing, warehouse, history)."""
    root = tmp_path / "copy"
    shutil.copytree(refreshed, root)
    return root, env_for(root, repo_root)


def test_new_year_is_added_and_second_run_does_nothing(published):
    root, env = published
    with duckdb.connect(str(root / "wh" / "gvc.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from mart_icc_ics").fetchone()[0] == 28
    write_sample(root / "raw", size="tiny", years=[2010])
    added = refresh(env)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "changed sources adb_mrio, nbs" in added.stdout  # the KOF file is byte-identical
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


def paths_of(root: Path, repo_root: Path) -> Paths:
    env = env_for(root, repo_root)
    return Paths(
        home=repo_root,
        raw=Path(env["GVC_RAW"]),
        landing=Path(env["GVC_LANDING"]),
        warehouse=Path(env["GVC_WAREHOUSE"]),
        history=Path(env["GVC_HISTORY"]),
        reports=Path(env["GVC_REPORTS"]),
    )


def test_lock_stops_a_second_writer(fresh, repo_root):
    root, env = fresh
    with writer_lock(paths_of(root, repo_root)):
        blocked = refresh(env)
        assert blocked.returncode == 2
        assert "another ingest, build or refresh is running (pid" in blocked.stderr
        for command in (["build", "--quiet"], ["ingest"]):  # the other writers
            other = subprocess.run(
                [str(BIN / "gvc"), *command], env=env, capture_output=True, text=True
            )
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
from tests.test_refresh import paths_of
with writer_lock(paths_of(Path(sys.argv[1]), Path(sys.argv[2]))):
    print("locked", flush=True)
    time.sleep(600)
"""


def test_readers_never_see_errors_or_partial_tables_during_refresh(published):
    root, env = published
    write_sample(root / "raw", size="tiny", years=[2010])
    warehouse = root / "wh" / "gvc.duckdb"
    seen, errors, stop = set(), [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                with duckdb.connect(str(warehouse), read_only=True) as con:
                    n, years = con.execute(
                        "select count(*), count(distinct year) from mart_icc_ics"
                    ).fetchone()
                seen.add((n, years))
            except Exception as exc:  # any error is a failure of the publication design
                errors.append(repr(exc))
            time.sleep(0.02)  # a busy analyst, not a CPU hog competing with the refresh

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        result = refresh(env)
    finally:
        stop.set()
        thread.join()
    assert result.returncode == 0, result.stderr
    assert not errors, errors[:3]
    assert seen <= {(28, 2), (42, 3)} and (42, 3) in seen  # old or new, never partial


@pytest.mark.parametrize("delay", [0.5, 2.0, 4.0, 7.0, 10.0])
def test_killed_refresh_leaves_last_warehouse_and_next_one_completes(published, delay):
    root, env = published
    warehouse = root / "wh" / "gvc.duckdb"
    before = mart_fingerprints(warehouse)
    write_sample(root / "raw", size="tiny", years=[2010])
    proc = subprocess.Popen(
        [str(BIN / "gvc"), "refresh", "--bootstrap-reps", "0", "--no-scenarios"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)  # the refresh and its dbt child
    proc.wait()
    after_kill = mart_fingerprints(warehouse)  # opens fine: the published file is whole
    with duckdb.connect(str(warehouse), read_only=True) as con:
        n = con.execute("select count(*) from mart_icc_ics").fetchone()[0]
    assert (after_kill == before and n == 28) or n == 42
    done = refresh(env)
    assert done.returncode == 0, done.stdout + done.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from mart_icc_ics").fetchone()[0] == 42
    assert not list((root / "wh").glob(".candidate*"))
    assert not (root / "wh" / ".refresh_pending").exists()
    assert not _children_of(root)  # no dbt or Dask process outlived the killed refresh
    # whatever the kill point, the published panel has been estimated
    assert latest_estimate_fingerprint(root) == fingerprint(load_mart(warehouse))


def test_refresh_killed_after_publication_resumes_the_estimates(published):
    """The state a kill between publication and re-estimation leaves: manifest written,
    pending mark present. The next refresh finds nothing new but re-estimates."""
    root, env = published
    runs_before = len(estimate_runs(root))
    (root / "wh" / ".refresh_pending").touch()
    resumed = refresh(env)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "resumed" in resumed.stdout and "re-estimated Tables 1-4" in resumed.stdout
    assert len(estimate_runs(root)) == runs_before + 1
    assert not (root / "wh" / ".refresh_pending").exists()
    assert refresh(env).stdout.startswith("nothing new")
    assert [r[0] for r in log_rows(root)][-2:] == ["resumed", "nothing new"]


def estimate_runs(root: Path) -> list[str]:
    with duckdb.connect(str(root / "wh" / "history.duckdb"), read_only=True) as con:
        return [
            r[0] for r in con.execute("select distinct run_id from estimates_history").fetchall()
        ]


def _children_of(root: Path) -> list[str]:
    """Command lines of live processes working on ``root`` (dbt, Dask workers) but pytest."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "environ"]):
        try:
            cmd = " ".join(proc.info["cmdline"] or [])
            env = proc.info["environ"] or {}
        except psutil.Error:
            continue
        if proc.pid != os.getpid() and str(root) in (cmd + env.get("GVC_WAREHOUSE", "")):
            found.append(cmd)
    return found


def test_refresh_compares_with_what_was_published_a_b_a(published):
    """Refresh on raw files A, build on edited files B, put A back, refresh: A is published
    again (the build recorded B inside the warehouse it published)."""
    root, env = published
    a = mart_fingerprints(root / "wh" / "gvc.duckdb")
    nbs = root / "raw" / "nbs" / "nbs_industry_2009.csv"
    original = nbs.read_bytes()
    rows = list(csv.reader(original.decode().splitlines()))
    food = next(r for r in rows if r[:1] == ["14"])  # an industry of ADB sector c3
    food[2] = f"{float(food[2]) * 1.001:.2f}"  # within the printed Total's tolerance
    with nbs.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    built = subprocess.run(
        [str(BIN / "gvc"), "build", "--quiet"], env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert mart_fingerprints(root / "wh" / "gvc.duckdb") != a  # B is published
    nbs.write_bytes(original)  # A again
    again = refresh(env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "published: changed sources nbs" in again.stdout
    assert mart_fingerprints(root / "wh" / "gvc.duckdb") == a


def test_build_records_what_it_used_so_refresh_does_nothing(fresh):
    root, env = fresh
    built = subprocess.run(
        [str(BIN / "gvc"), "build", "--quiet"], env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stdout + built.stderr
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


def test_failure_after_publication_is_reported_as_such(published, repo_root, tmp_path):
    """A refresh that published reports it even when a later step fails, and says which;
    the pending mark stays and the next refresh resumes."""
    root, env = published
    home = tmp_path / "project"
    shutil.copytree(repo_root, home, ignore=shutil.ignore_patterns(".venv", ".git", "data"))
    (home / "scenarios.yml").write_text("scenarios: [{id: broken}]\n")
    env = {**env, "GVC_HOME": str(home)}
    write_sample(root / "raw", size="tiny", years=[2010])
    result = subprocess.run(
        [str(BIN / "gvc"), "refresh", "--bootstrap-reps", "0"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "published: changed sources" in result.stdout
    assert "scenarios failed after the publication" in result.stderr
    assert "Traceback" not in result.stderr
    with duckdb.connect(str(root / "wh" / "gvc.duckdb"), read_only=True) as con:
        assert con.execute("select max(year) from mart_icc_ics").fetchone()[0] == 2010
    assert (root / "wh" / ".refresh_pending").exists()
    assert log_rows(root)[-1][0] == "published; scenarios failed"
