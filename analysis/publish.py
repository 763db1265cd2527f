"""``gvc build``: ingest, build a candidate warehouse, check it, publish it atomically.

DuckDB lets no process open a file that another process is writing, so publication happens
at file level (ARCHITECTURE.md, decision 3): dbt builds a complete candidate file next to
the published one, the checks run on the candidate, and only then ``os.replace`` moves it
onto ``warehouse/gvc.duckdb``. A failed step deletes the candidate and leaves the previous
warehouse (and the previous landing) untouched and queryable.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analysis.config import Paths
from analysis.dbt_runner import DbtResult, run_dbt
from analysis.quality import QualityReport, run_checks


class BuildError(RuntimeError):
    """A build step failed; the published warehouse was not touched."""


@dataclass
class BuildReport:
    """What one ``gvc build`` did."""

    published: Path
    steps: list[tuple[str, float]] = field(default_factory=list)
    dbt: DbtResult | None = None
    quality: QualityReport | None = None

    def describe(self) -> str:
        timings = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in self.steps)
        return f"published {self.published} ({timings})"


def candidate_path(paths: Paths) -> Path:
    """A fresh candidate file beside the published warehouse."""
    return paths.warehouse_dir / f".candidate-{os.getpid()}-{uuid.uuid4().hex[:8]}.duckdb"


def remove_database(path: Path) -> None:
    """Delete a DuckDB file and its write-ahead log, if present."""
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def _checkpoint(database: Path) -> None:
    """Fold any write-ahead log into the file so that renaming it moves everything."""
    with duckdb.connect(str(database)) as con:
        con.execute("checkpoint")


def quality_gate(database: Path, paths: Paths, progress: bool = False) -> QualityReport:
    """The great-expectations suites of ``expectations/`` on ``database``."""
    return run_checks(
        database,
        suites_dir=paths.home / "expectations",
        report_dir=paths.reports / "quality",
        landing=paths.landing,
        progress=progress,
    )


def build_warehouse(
    paths: Paths | None = None,
    *,
    ingest: bool = True,
    echo: bool = True,
    progress: bool = False,
) -> BuildReport:
    """Run ingest -> ``dbt build`` on a candidate -> publish. Raise BuildError on failure."""
    paths = paths or Paths.from_env()
    paths.warehouse_dir.mkdir(parents=True, exist_ok=True)
    report = BuildReport(published=paths.warehouse)

    if ingest:
        from analysis.ingest import ingest_all

        t0 = time.perf_counter()
        ingest_all(paths.raw, paths.landing, progress=progress)
        report.steps.append(("ingest", time.perf_counter() - t0))

    candidate = candidate_path(paths)
    try:
        t0 = time.perf_counter()
        result = run_dbt(["build"], paths=paths, database=candidate, echo=echo)
        report.dbt = result
        report.steps.append(("dbt build", time.perf_counter() - t0))
        if not result.success:
            raise BuildError(
                "dbt build failed on the candidate warehouse; "
                f"the published warehouse {paths.warehouse} is unchanged.\n{result.describe()}"
            )
        t0 = time.perf_counter()
        _checkpoint(candidate)
        report.quality = quality_gate(candidate, paths, progress=progress)
        report.steps.append(("quality checks", time.perf_counter() - t0))
        if not report.quality.passed:
            raise BuildError(
                "quality checks failed on the candidate warehouse; "
                f"the published warehouse {paths.warehouse} is unchanged.\n"
                f"{report.quality.summary()}\n{report.quality.failures()}"
            )
        t0 = time.perf_counter()
        os.replace(candidate, paths.warehouse)
        paths.warehouse.with_name(paths.warehouse.name + ".wal").unlink(missing_ok=True)
        report.steps.append(("publish", time.perf_counter() - t0))
    finally:
        remove_database(candidate)
    return report
