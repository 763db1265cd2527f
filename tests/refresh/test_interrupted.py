"""Interrupted refreshes: concurrent readers, kills at several instants, a kill between
publication and re-estimation, a failure after publication. `gvc refresh` on the tiny
fixture of conftest.py (random kills with readers: bench/crash_concurrency.py)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time

import duckdb
import pytest

from analysis.panel.data import fingerprint, load_mart
from analysis.sample import write_sample
from tests.refresh.helpers import (
    BIN,
    children_of,
    estimate_runs,
    latest_estimate_fingerprint,
    log_rows,
    mart_fingerprints,
    refresh,
)


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


@pytest.mark.parametrize("delay", [0.5, 4.0, 10.0])
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
    assert not children_of(root)  # no dbt or Dask process outlived the killed refresh
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
