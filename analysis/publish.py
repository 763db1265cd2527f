"""``gvc build``: ingest, build a candidate warehouse, check it, publish it atomically.

DuckDB lets no process open a file that another process is writing, so publication happens
at file level (ARCHITECTURE.md, decision 3): dbt builds a complete candidate file next to
the published one, the checks run on the candidate, and only then ``os.replace`` moves it
onto ``warehouse/gvc.duckdb``. A failed ingest leaves the previous landing untouched; a
failed build or check deletes the candidate and leaves the previous warehouse untouched and
queryable (the published file never reads the landing: staging is materialised as tables).
"""

from __future__ import annotations

import os
import shutil
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


def remove_stale_candidates(paths: Paths) -> list[Path]:
    """Delete candidates left by builds that were killed (their process no longer runs)."""
    removed = []
    for path in paths.warehouse_dir.glob(".candidate-*.duckdb"):
        try:
            pid = int(path.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        if pid != os.getpid() and not _running(pid):
            remove_database(path)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_warehouse(
    paths: Paths | None = None,
    *,
    ingest: bool = True,
    sources: list[str] | None = None,
    select: list[str] | None = None,
    base: Path | None = None,
    echo: bool = True,
    progress: bool = False,
) -> BuildReport:
    """Run ingest -> ``dbt build`` on a candidate -> checks -> publish; BuildError on failure.

    ``sources`` limits the ingest to those sources; ``base`` starts the candidate as a copy of
    that warehouse file and ``select`` limits ``dbt build`` to those nodes (a refresh rebuilds
    only what depends on changed sources). The quality gate always runs on the whole
    candidate.
    """
    paths = paths or Paths.from_env()
    paths.warehouse_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_candidates(paths)
    report = BuildReport(published=paths.warehouse)

    if ingest:
        from analysis.ingest import ingest_all

        t0 = time.perf_counter()
        ingest_all(paths.raw, paths.landing, sources, progress=progress)
        report.steps.append(("ingest", time.perf_counter() - t0))

    candidate = candidate_path(paths)
    try:
        t0 = time.perf_counter()
        if base is not None:
            shutil.copyfile(base, candidate)
        args = ["build", *(["--select", *select] if select else [])]
        result = run_dbt(args, paths=paths, database=candidate, echo=echo)
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
