"""Interrupted refreshes: concurrent readers, kills at several instants, a kill between
publication and re-estimation, a failure or an interruption after publication. `gvc refresh`
on the tiny fixture of conftest.py (random kills with readers: bench/crash_concurrency.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import duckdb
import pytest

from analysis.children import Terminated
from analysis.panel.data import fingerprint, load_mart
from analysis.sample import write_sample
from tests.cli import gvc, project_copy
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


@pytest.mark.parametrize("delay", [0.5, 10.0])
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
    project_copy(repo_root, home)
    (home / "scenarios.yml").write_text("scenarios: [{id: broken}]\n")
    env = {**env, "GVC_HOME": str(home)}
    write_sample(root / "raw", size="tiny", years=[2010])
    result = gvc("refresh", "--bootstrap-reps", "0", env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "published: changed sources" in result.stdout
    assert "scenarios failed after the publication" in result.stderr
    assert "Traceback" not in result.stderr
    with duckdb.connect(str(root / "wh" / "gvc.duckdb"), read_only=True) as con:
        assert con.execute("select max(year) from mart_icc_ics").fetchone()[0] == 2010
    assert (root / "wh" / ".refresh_pending").exists()
    assert log_rows(root)[-1][0] == "published; scenarios failed"


@pytest.mark.parametrize(
    ("raised", "code", "said", "status"),
    [
        (
            duckdb.IOException("IO Error: Could not read file"),
            2,
            "estimation failed after the publication: IOException: IO Error: Could not read",
            "resumed; estimation failed",
        ),
        (
            RuntimeError("singular matrix"),
            2,
            "RuntimeError: singular matrix",
            "resumed; estimation failed",
        ),
        (KeyboardInterrupt(), 130, "interrupted; the warehouse", "resumed; estimation interrupted"),
        (
            Terminated(143),
            143,
            "stopped by a signal; the warehouse",
            "resumed; estimation interrupted",
        ),
    ],
    ids=["duckdb-error", "other-error", "ctrl-c", "sigterm"],
)
def test_any_stop_after_publication_is_reported_as_such(
    published, monkeypatch, capsys, raised, code, said, status
):
    """Whatever stops the estimates of a published warehouse (any exception, Ctrl-C,
    SIGTERM), the log and the message say that the warehouse was published and which step
    stopped; the pending mark stays for the next refresh. (`gvc refresh` in this process.)"""
    from analysis import cli

    root, env = published
    for name, value in env.items():
        if name.startswith("GVC_"):
            monkeypatch.setenv(name, value)
    (root / "wh" / ".refresh_pending").touch()

    def stop(*_args, **_kwargs):
        raise raised

    monkeypatch.setattr("analysis.panel.run.estimate_all", stop)
    monkeypatch.setattr("analysis.children.install_signal_handlers", lambda: None)
    with pytest.raises(SystemExit) as info:
        cli.main(["refresh", "--bootstrap-reps", "0", "--no-scenarios"])
    err = capsys.readouterr().err
    assert info.value.code == code, err
    assert said in err and "Traceback" not in err
    assert "nothing was published" not in err
    if code > 2:
        warehouse = root / "wh" / "gvc.duckdb"
        assert f"the warehouse {warehouse} was published; estimation was interrupted" in err
    assert log_rows(root)[-1][0] == status
    assert (root / "wh" / ".refresh_pending").exists()


def test_refresh_runs_the_scenarios_on_the_cluster_it_was_given(published, repo_root, tmp_path):
    """--scheduler (and --workers) reach the scenarios too, not only the build: an
    unreachable scheduler stops them (GVC_WORKERS=0 in the environment would run them)."""
    root, env = published
    home = tmp_path / "project"
    project_copy(repo_root, home)
    (home / "scenarios.yml").write_text(
        "scenarios:\n  - {id: usa_c14, description: a cut, year: 2009, shock: 0.5,\n"
        "     target: {economies: [USA], sectors: [c14]}}\n"
    )
    env = {**env, "GVC_HOME": str(home), "GVC_WORKERS": "0"}
    (root / "wh" / ".refresh_pending").touch()
    resumed = gvc("refresh", "--bootstrap-reps", "0", env=env)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "1 declared scenarios rerun" in resumed.stdout
    (root / "wh" / ".refresh_pending").touch()
    elsewhere = gvc("refresh", "--bootstrap-reps", "0", "--scheduler", "tcp://127.0.0.1:9", env=env)
    assert elsewhere.returncode == 2, elsewhere.stdout + elsewhere.stderr
    assert "scenarios failed after the publication: cannot reach the Dask scheduler" in (
        elsewhere.stderr
    )
    assert log_rows(root)[-1][0] == "resumed; scenarios failed"
