"""Running `gvc` as a user does, in a private root (raw, landing, warehouse, reports)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from analysis import build_record

BIN = Path(sys.executable).parent


def paths_under(root: Path, home: Path):
    """``Paths`` of a private root: raw, landing and reports in it, the warehouse and the
    history file in ``root/wh``."""
    from analysis.config import Paths

    return Paths(
        home=home,
        raw=root / "raw",
        landing=root / "landing",
        warehouse=root / "wh" / "gvc.duckdb",
        history=root / "wh" / "history.duckdb",
        reports=root / "reports",
    )


def gvc(*args: str, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "gvc"), *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def environment(
    root: Path, repo_root: Path, *, in_process: bool = False, **extra: str
) -> dict[str, str]:
    """GVC_* locations under ``root`` and ``extra``; per-year work on the default local Dask
    cluster, or with ``in_process`` as the test session runs it (``GVC_WORKERS=0``)."""
    env = {k: v for k, v in os.environ.items() if in_process or k != "GVC_WORKERS"}
    env.update(
        GVC_HOME=str(repo_root),
        GVC_RAW=str(root / "raw"),
        GVC_LANDING=str(root / "landing"),
        GVC_WAREHOUSE=str(root / "wh" / "gvc.duckdb"),
        GVC_REPORTS=str(root / "reports"),
        GVC_HISTORY=str(root / "wh" / "history.duckdb"),
        **extra,
    )
    return env


def png_source(path: Path) -> str:
    """The Source text chunk of a PNG written by gvc (its provenance label)."""
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.text["Source"]


def query(database: Path, sql: str):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


#: What a project copy holds: the parts that decide the published numbers (the package
#: itself is the installed one) and the declared scenarios.
PROJECT_COPY_PARTS = (
    *(part for part in build_record.PROJECT_PARTS if part != "analysis"),
    "scenarios.yml",
)


def project_copy(repo_root: Path, home: Path) -> Path:
    """A copy of the project's files at ``home`` (a GVC_HOME a test may edit); not the
    repository's warehouse, reports or data."""
    for part in PROJECT_COPY_PARTS:
        src, dst = repo_root / part, home / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
    return home
