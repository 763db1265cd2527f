"""``gvc refresh``: notice new or changed raw files, rebuild what depends on them, publish.

Steps, under the writer lock:
1. hash every raw file (SHA-256) and compare with the build record inside the published
   warehouse (``gvc_build``: what it was built from, written atomically with it); same raw
   files, project and settings -> "nothing new" (or "resumed", below), stop;
2. ``gvc build``: incremental ingest (changed files only), a candidate starting from the
   published file with incremental models (changed tables only), the quality gate, atomic
   publication; a pending mark (``warehouse/.refresh_pending``) is written just before
   the publication;
3. re-estimate Tables 1-4 and rerun the declared scenarios, then clear the mark;
4. record the run in ``refresh_log`` (warehouse/history.duckdb).
A refresh killed at any point leaves the last published warehouse intact; one killed after
publishing leaves the mark, and the next refresh (with nothing new) re-estimates and reruns
the scenarios only ("resumed"). A step that fails after the publication is reported as
such: the new warehouse stays published, the mark stays, and the message names the step.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from analysis.build_record import project_fingerprint, read_record
from analysis.config import Paths
from analysis.defaults import BOOTSTRAP_DRAWS
from analysis.errors import GvcError
from analysis.history import append_rows
from analysis.ingest.hashing import sha256_file
from analysis.ingest.sources import SOURCES, MissingSource, raw_files
from analysis.ingest.store import LandingStore, Manifest
from analysis.lock import writer_lock
from analysis.parallel import ClusterSpec

DDL = """
create table if not exists refresh_log (
    run_id varchar, started timestamp, finished timestamp, status varchar,
    changed_sources varchar, files_seen varchar, models_rebuilt integer,
    checks varchar, seconds double, message varchar
)
"""


@dataclass
class RefreshResult:
    run_id: str
    status: str  # "published", "nothing new", "resumed", "failed", "published; <step> failed"
    changed: list[str] = field(default_factory=list)
    seen: dict[str, dict[str, str]] = field(default_factory=dict)
    models_rebuilt: int = 0
    checks: str = ""
    message: str = ""
    seconds: float = 0.0
    estimation_run: str = ""
    scenarios_run: int = 0
    failed_step: str = ""
    reason: str = ""  # why a build was needed besides changed sources

    @property
    def published(self) -> bool:
        return self.status.startswith("published")


def hash_raw_files(paths: Paths, keep_landed: Sequence[str] = ()) -> dict[str, dict[str, str]]:
    """{source: {file name: sha256}} of every raw file the readers would read.

    A source whose folder is missing or empty is an error (MissingSource), unless it is in
    ``keep_landed``: then the hashes of its landed files stand in for it (the build keeps
    them).
    """
    out: dict[str, dict[str, str]] = {}
    landed = None
    for source in SOURCES:
        try:
            files, _ignored = raw_files(paths.raw, source)
        except MissingSource:
            if source not in keep_landed:
                raise
            landed = landed or LandingStore(paths.landing).manifest() or Manifest()
            out[source] = landed.hashes().get(source, {})
            continue
        out[source] = {p.name: sha256_file(p) for p in files}
    return out


def pending_path(paths: Paths):
    """Exists while a published warehouse still waits for its estimates and scenarios."""
    return paths.warehouse_dir / ".refresh_pending"


def refresh(
    paths: Paths | None = None,
    *,
    bootstrap_reps: int = BOOTSTRAP_DRAWS,
    run_scenarios: bool = True,
    keep_landed: Sequence[str] = (),
    panel_edition: str | None = None,
    cluster: ClusterSpec | None = None,
    echo: bool = False,
    progress: bool = False,
) -> RefreshResult:
    """One refresh (see the module docstring); a failure before publishing is raised after
    it has been logged; a failure after publishing is reported in the result."""
    paths = paths or Paths.from_env()
    result = RefreshResult(run_id=uuid.uuid4().hex[:12], status="failed")
    started = datetime.now(UTC).replace(tzinfo=None)
    t0 = time.perf_counter()
    with writer_lock(paths):
        try:
            result.seen = hash_raw_files(paths, keep_landed)
            if _up_to_date(paths, result, panel_edition):
                _resume_or_stop(paths, result, bootstrap_reps, run_scenarios)
            else:
                _rebuild(paths, result, keep_landed, panel_edition, cluster, echo, progress)
                _downstream(paths, result, bootstrap_reps, run_scenarios)
        except Exception as exc:
            result.message = str(exc)[:4000]
            raise
        finally:
            result.seconds = time.perf_counter() - t0
            _log(paths, result, started)
    return result


def _up_to_date(paths: Paths, result: RefreshResult, panel_edition: str | None) -> bool:
    record = read_record(paths.warehouse)
    if record is None:
        result.changed = sorted(result.seen)
        return False
    result.changed = record.changed_sources(result.seen)
    if record.project != project_fingerprint(paths.home):
        result.reason = "the project changed (models, seeds, tests or code)"
    elif panel_edition not in (None, record.settings.get("panel_edition")):
        result.reason = f"the panel edition changed to {panel_edition}"
    return not result.changed and not result.reason


def _resume_or_stop(paths, result, bootstrap_reps, run_scenarios) -> None:
    if not pending_path(paths).exists():
        result.status, result.message = "nothing new", "no new or changed raw files"
        return
    result.status = "resumed"  # the last refresh published, then died before its estimates
    _downstream(paths, result, bootstrap_reps, run_scenarios)


def _rebuild(paths, result, keep_landed, panel_edition, cluster, echo, progress) -> None:
    from analysis.publish import build_warehouse

    report = build_warehouse(
        paths,
        keep_landed=keep_landed,
        panel_edition=panel_edition,
        force=True,
        cluster=cluster,
        echo=echo,
        progress=progress,
        before_publish=pending_path(paths).touch,
    )
    result.status = "published"
    if report.dbt is not None:
        result.models_rebuilt = sum(
            1 for n in report.dbt.nodes if n.unique_id.startswith("model.") and not n.failed
        )
    if report.quality is not None:
        rules = report.quality.results
        result.checks = (
            f"{sum(r.status == 'pass' for r in rules)} passed, "
            f"{sum(r.blocking for r in rules)} failed, {sum(r.warning for r in rules)} warnings"
        )


def _downstream(paths, result, bootstrap_reps, run_scenarios) -> None:
    """Re-estimate and rerun declared scenarios on the published warehouse.

    The warehouse is already published: a failure here is recorded in the result (status
    ``published; estimation failed`` and the message), the pending mark stays so the next
    refresh retries, and nothing is raised.
    """
    from analysis.panel.run import estimate_all

    step = "estimation"
    try:
        run = estimate_all(
            paths.warehouse, paths.reports, paths.history, bootstrap_reps=bootstrap_reps
        )
        result.estimation_run = run.run_id
        step = "scenarios"
        scenario_file = paths.home / "scenarios.yml"
        if run_scenarios and scenario_file.exists():
            from analysis.scenario import load_scenarios, prune_figures
            from analysis.scenario import run_scenarios as run_all

            scenarios = load_scenarios(scenario_file)
            run_all(scenarios, paths.warehouse, paths.history, paths.reports / "figures")
            prune_figures(scenarios, paths.reports / "figures")
            result.scenarios_run = len(scenarios)
    except (GvcError, ValueError, OSError) as exc:
        result.failed_step = step
        result.status = f"{result.status}; {step} failed" if result.published else "failed"
        result.message = f"{step} failed after the publication: {exc}"[:4000]
        return
    pending_path(paths).unlink(missing_ok=True)


def _log(paths: Paths, result: RefreshResult, started) -> None:
    row = pd.DataFrame(
        [
            {
                "run_id": result.run_id,
                "started": started,
                "finished": datetime.now(UTC).replace(tzinfo=None),
                "status": result.status,
                "changed_sources": ",".join(result.changed),
                "files_seen": json.dumps({s: sorted(f) for s, f in result.seen.items()}),
                "models_rebuilt": result.models_rebuilt,
                "checks": result.checks,
                "seconds": result.seconds,
                "message": result.message,
            }
        ]
    )
    try:
        append_rows(paths.history, "refresh_log", DDL, row)
    except GvcError as exc:
        result.message = f"{result.message}; refresh_log not written: {exc}".strip("; ")
