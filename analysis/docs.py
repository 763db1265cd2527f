"""``gvc docs``: the dbt documentation site of the published warehouse, as one HTML page."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from analysis.build_record import read_record
from analysis.config import Paths
from analysis.dbt_runner import run_dbt
from analysis.errors import CannotRun, describe_os_error
from analysis.parallel import ClusterSpec


def build_docs(paths: Paths) -> Path:
    """Run ``dbt docs generate --static`` against a copy of the published warehouse (never
    opened for writing); write ``reports/docs/static_index.html`` and return its path."""
    record = read_record(paths.warehouse)
    if record is None:
        raise CannotRun(f"no published warehouse at {paths.warehouse}: run `gvc build`")
    out = paths.reports / "docs"
    work = paths.warehouse_dir / f".docs-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        work.mkdir()
        copy = work / "docs.duckdb"
        shutil.copyfile(paths.warehouse, copy)
        out.mkdir(parents=True, exist_ok=True)
        _generate(paths, copy, record.settings, out)
    except OSError as exc:
        raise CannotRun(describe_os_error(exc, "writing the documentation")) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out / "static_index.html"


def _generate(paths: Paths, database: Path, settings: dict, out: Path) -> None:
    """Generate the static page and copy it (and the catalog) to ``out``."""
    copied: list[str] = []

    def collect(target: Path) -> None:
        for name in ("static_index.html", "manifest.json", "catalog.json"):
            if (target / name).exists():
                shutil.copyfile(target / name, out / name)
                copied.append(name)

    result = run_dbt(
        ["docs", "generate", "--static"],
        paths=paths,
        database=database,
        variables=settings,
        env=ClusterSpec(workers=0).env(),
        echo=False,
        collect=collect,
    )
    if result.returncode != 0 or "static_index.html" not in copied:
        raise CannotRun(f"dbt docs generate failed:\n{result.output[-3000:]}")
