"""Running `gvc refresh` on a private root and reading what it published and logged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import psutil

from analysis.config import Paths
from analysis.panel.data import fingerprint
from tests.cli import environment

BIN = Path(sys.executable).parent
MARTS = ("mart_icc_ics", "fct_gvc_participation", "mart_resilience")


def env_for(root: Path, repo_root: Path) -> dict[str, str]:
    """GVC_* locations under ``root``, per-year work in-process."""
    return environment(root, repo_root, in_process=True)


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


def estimate_runs(root: Path) -> list[str]:
    with duckdb.connect(str(root / "wh" / "history.duckdb"), read_only=True) as con:
        return [
            r[0] for r in con.execute("select distinct run_id from estimates_history").fetchall()
        ]


def children_of(root: Path) -> list[str]:
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
