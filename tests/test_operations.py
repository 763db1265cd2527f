"""What an operator and a newcomer meet: one clear line and one exit-code rule for every
mistake, logs that read well under cron, a child killed by a signal named, Dask workers that
give the same numbers as in-process work."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from analysis.panel.data import fingerprint
from analysis.sample import write_sample
from tests.cli import BIN, environment, gvc

ANSI = re.compile(r"\x1b\[")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} ")


def env_for(root: Path, repo_root: Path, **extra: str) -> dict[str, str]:
    return environment(root, repo_root, in_process=True, **extra)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, repo_root):
    root = tmp_path_factory.mktemp("ops")
    write_sample(root / "raw", size="tiny", years=[2007, 2008, 2009])
    return root, env_for(root, repo_root)


@pytest.mark.parametrize(
    ("args", "env_extra", "code", "fragment"),
    [
        (["sample", "--years", "2016-2014"], {}, 1, "runs backwards; write 2014-2016"),
        (["estimate", "--bootstrap-reps", "-5"], {}, 1, "-5 is not in the range x>=0"),
        (["build", "--panel-edition", "seventy-two"], {}, 1, "Invalid value for '--panel-edition'"),
        (["build"], {"GVC_RAWW": "x"}, 1, "unknown environment variable(s) GVC_RAWW"),
        (["build"], {"GVC_WORKERS": "two"}, 1, "GVC_WORKERS/--workers: 'two' is not a whole"),
        (["build"], {"GVC_PANEL_EDITION": "sixty"}, 1, "GVC_PANEL_EDITION='sixty'"),
        (["build"], {"GVC_DUCKDB_MEMORY": "lots"}, 1, "GVC_DUCKDB_MEMORY='lots': give an"),
        (["ingest", "--source", "wiod"], {}, 1, "Invalid value for '--source'"),
        (["scenario"], {}, 2, "no published warehouse at"),
        (["estimate"], {}, 2, "no published warehouse at"),
        (["report"], {}, 2, "run `gvc estimate` first"),
        (["check"], {}, 2, "no published warehouse at"),
        (["nonsense"], {}, 1, "No such command 'nonsense'"),
    ],
)
def test_mistakes_get_one_line_and_the_exit_code_rule(
    tmp_path, repo_root, args, env_extra, code, fragment
):
    result = gvc(*args, env=env_for(tmp_path, repo_root, **env_extra))
    assert result.returncode == code, result.stdout + result.stderr
    assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_empty_raw_folder_says_run_gvc_sample(tmp_path, repo_root):
    (tmp_path / "raw").mkdir()
    result = gvc("build", env=env_for(tmp_path, repo_root))
    assert result.returncode == 1
    assert "holds no raw files" in result.stderr and "`gvc sample`" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_build_reads_the_landing_version_it_started_with(tiny, tmp_path, repo_root, monkeypatch):
    """Two warehouses share one landing. While this build's dbt runs, an ingest for the
    other warehouse makes a version without the 2009 table current and cleans the landing:
    the build still stages and publishes the version it started with, whose files stay
    until it ends; the next clean removes them."""
    import analysis.publish as publish
    from analysis.ingest import ingest_all
    from analysis.ingest.store import LandingStore
    from tests.cli import paths_under

    root, _ = tiny
    paths = paths_under(tmp_path / "one", repo_root)
    shutil.copytree(root / "raw", paths.raw)
    other_raw = tmp_path / "other" / "raw"
    shutil.copytree(root / "raw", other_raw)
    (other_raw / "adb_mrio" / "ADB-MRIO-2009_synthetic.xlsx").unlink()
    store = LandingStore(paths.landing)
    real, seen = publish._dbt_build, {}

    def dbt_build_after_another_ingest(*args, **kwargs):
        seen["held"] = store.current()
        ingest_all(other_raw, paths.landing)
        seen["current"] = store.current()
        seen["kept"] = (seen["held"] / "manifest.json").is_file()
        return real(*args, **kwargs)

    monkeypatch.setattr(publish, "_dbt_build", dbt_build_after_another_ingest)
    # a warehouse folder copied with the link followed: a folder where dbt's link goes
    (publish.build_landing(paths) / "current" / "adb_mrio").mkdir(parents=True)
    report = publish.build_warehouse(paths, echo=False)
    assert report.quality is not None and report.quality.passed
    assert seen["current"] != seen["held"] and seen["kept"]
    assert report.record.landing_version == seen["held"].name
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        staged = con.execute("select list(year order by year) from stg_adb_mrio__files").fetchone()
        panel = con.execute("select max(year) from mart_icc_ics").fetchone()
    assert staged == ([2007, 2008, 2009],) and panel == (2009,)
    assert not os.path.lexists(publish.build_landing(paths) / "current")  # only during a build
    assert store.clean() == [seen["held"]]


def test_panel_edition_not_landed_names_the_landed_ones(tiny, tmp_path):
    root, env = tiny
    env = {
        **env,
        "GVC_LANDING": str(tmp_path / "landing"),
        "GVC_WAREHOUSE": str(tmp_path / "wh.duckdb"),
    }
    result = gvc("build", "--panel-edition", "62", env=env)
    assert result.returncode == 1
    assert "panel edition '62' is not landed; landed editions: 2 (2007-2009)" in result.stderr
    assert "--panel-edition" in result.stderr


def test_refresh_log_for_cron(tiny, tmp_path):
    """The README's cron line: the log folder is created, every line has a timestamp, no
    colour or progress-bar control characters, dbt's lines included."""
    root, env = tiny
    env = {
        **env,
        "GVC_LANDING": str(tmp_path / "landing"),
        "GVC_WAREHOUSE": str(tmp_path / "wh" / "g.duckdb"),
        "GVC_HISTORY": str(tmp_path / "wh" / "h.duckdb"),
        "GVC_REPORTS": str(tmp_path / "reports"),
    }
    log = tmp_path / "logs" / "refresh.log"
    result = subprocess.run(
        [
            str(BIN / "gvc"),
            "refresh",
            "--verbose",
            "--bootstrap-reps",
            "0",
            "--no-scenarios",
            "--log",
            str(log),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, log.read_text() if log.exists() else result.stderr
    assert result.stdout == "" and result.stderr == ""
    lines = log.read_text().splitlines()
    assert len(lines) > 20 and all(STAMP.match(line) for line in lines), lines[:5]
    text = "\n".join(lines)
    assert not ANSI.search(text) and "\r" not in text
    assert "dbt build: started" in text and re.search(r"dbt build: done in \d+\.\ds", text)
    assert "Running with dbt=" in text  # dbt's own lines, timestamped too
    assert "published:" in text


def _own_landing_and_warehouse(tiny, tmp_path: Path) -> dict[str, str]:
    """The tiny fixture's environment with a landing and warehouse of this test's own."""
    _, env = tiny
    return {
        **env,
        "GVC_LANDING": str(tmp_path / "landing"),
        "GVC_WAREHOUSE": str(tmp_path / "wh" / "g.duckdb"),
    }


@pytest.fixture(scope="module")
def piped_build(tiny, tmp_path_factory):
    """``gvc build`` of the tiny sample with its output piped, the per-table work in this
    process: ``(result, warehouse)``."""
    env = _own_landing_and_warehouse(tiny, tmp_path_factory.mktemp("piped"))
    return gvc("build", env=env), Path(env["GVC_WAREHOUSE"])


def test_piped_build_prints_steps_with_timings_and_no_colour(piped_build):
    result, _ = piped_build
    assert result.returncode == 0, result.stderr
    assert not ANSI.search(result.stdout + result.stderr)
    assert re.search(r"^\S+ \S+ ingest: started \(\d+ items\)$", result.stdout, re.M)
    assert re.search(r"^\S+ \S+ dbt build: done in \d+\.\ds$", result.stdout, re.M)


def test_dbt_killed_by_a_signal_is_named(tiny, tmp_path):
    env = _own_landing_and_warehouse(tiny, tmp_path)
    proc = subprocess.Popen(
        [str(BIN / "gvc"), "build", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    dbt = _dbt_running_the_build(proc.pid, tmp_path / "wh")
    dbt.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2, out + err
    assert "dbt was stopped by SIGKILL before it finished; nothing was published" in err
    assert "Traceback" not in err
    assert not (tmp_path / "wh" / "g.duckdb").exists()


def test_killing_gvc_ends_its_dbt_child(tiny, tmp_path):
    env = _own_landing_and_warehouse(tiny, tmp_path)
    proc = subprocess.Popen(
        [str(BIN / "gvc"), "build", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    dbt = _dbt_running_the_build(proc.pid, tmp_path / "wh")
    proc.kill()  # SIGKILL: no handler runs in gvc
    proc.wait()
    dbt.wait(timeout=30)  # the parent-death signal ends it
    assert not dbt.is_running()


def _dbt_running_the_build(pid: int, warehouse_dir: Path, timeout: float = 300) -> psutil.Process:
    """The dbt child of ``gvc build`` (started ahead: analysis.dbt_warm), once it has the
    build (it has opened the candidate file)."""
    deadline = time.monotonic() + timeout
    parent = psutil.Process(pid)
    while time.monotonic() < deadline:
        if (warehouse_dir / ".candidate.duckdb").exists():
            for child in parent.children(recursive=True):
                try:
                    if "analysis.dbt_warm" in child.cmdline():
                        return child
                except psutil.Error:
                    continue
        time.sleep(0.05)
    raise AssertionError(f"no dbt child of {pid} building within {timeout}s")


def test_marts_identical_in_process_and_on_one_and_two_dask_workers(
    tiny, piped_build, tmp_path, repo_root
):
    """The same marts (12 significant digits) whether the per-table work runs in this
    process (the piped build), on one Dask worker or on two worker processes of a local
    cluster."""
    root, _ = tiny
    result, in_process = piped_build
    assert result.returncode == 0, result.stderr
    warehouses = {"0": in_process}
    for workers in ("1", "2"):
        run_root = tmp_path / f"w{workers}"
        shutil.copytree(root / "raw", run_root / "raw")
        env = env_for(run_root, repo_root, GVC_WORKERS=workers)
        result = gvc("build", "--quiet", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        warehouses[workers] = run_root / "wh" / "gvc.duckdb"
    prints = {}
    for workers, warehouse in warehouses.items():
        with duckdb.connect(str(warehouse), read_only=True) as con:
            prints[workers] = {
                table: fingerprint(con.execute(f"select * from {table} order by all").df())
                for table in ("fct_gvc_participation", "mart_resilience", "mart_icc_ics")
            }
    assert prints["0"] == prints["1"] == prints["2"]


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
time.sleep(2.0)
"""


def test_history_writes_wait_for_a_reader_and_succeed(tmp_path):
    """A writer waits while another process holds the history file and succeeds once it lets
    go (`gvc sql` itself only snapshots the file: tests/test_sql.py)."""
    import sys

    import pandas as pd

    from analysis.history import append_rows

    history = tmp_path / "history.duckdb"
    ddl = "create table if not exists t (x integer)"
    append_rows(history, "t", ddl, pd.DataFrame({"x": [1]}))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(history)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "holding"
    t0 = time.monotonic()
    append_rows(history, "t", ddl, pd.DataFrame({"x": [2]}), timeout=30)
    assert time.monotonic() - t0 > 0.5  # it had to wait for the reader
    holder.wait()
    with duckdb.connect(str(history), read_only=True) as con:
        assert con.execute("select count(*) from t").fetchone()[0] == 2


NOHUP = """
import signal, sys
signal.signal(signal.SIGHUP, signal.SIG_IGN)  # what nohup does before it starts gvc
from analysis.children import install_signal_handlers
install_signal_handlers()
print("ready", flush=True)
sys.stdin.readline()
print("survived", flush=True)
"""


def test_signal_handlers_keep_a_sighup_that_nohup_ignores():
    """`nohup gvc refresh &` survives the logout: a SIGHUP ignored at start stays ignored."""
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-c", NOHUP],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGHUP)
    time.sleep(0.3)
    out, err = proc.communicate("\n", timeout=30)
    assert proc.returncode == 0, err
    assert out.strip() == "survived"
