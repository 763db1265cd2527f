"""``gvc refresh``: notice new or changed raw files, rebuild what depends on them, publish.

Steps, under the writer lock:
1. hash every raw file (SHA-256) and compare with the build record inside the published
   warehouse (``gvc_build``: what it was built from, written atomically with it); same raw
   files, project and settings -> "nothing new" (or "resumed", below), stop;
2. ``gvc build``: incremental ingest (changed files only), a candidate starting from the
   published file with incremental models (changed tables only), the quality gate, atomic
   publication; the build writes the pending mark (``warehouse/.refresh_pending``) just
   before the publication; without ``--panel-edition`` the published edition is kept;
3. re-estimate Tables 1-4 and rerun the declared scenarios (on the given cluster), then
   clear the mark;
4. record the run in ``refresh_log`` (warehouse/history.duckdb).
A refresh killed at any point leaves the last published warehouse intact; one killed after
publishing leaves the mark, and the next refresh (with nothing new) re-estimates and reruns
the scenarios only ("resumed"), as it does after a ``gvc build`` not followed by ``gvc
estimate``. A step that fails or is interrupted after the publication is reported as such
(status ``published; scenarios failed``, ``published; estimation interrupted``): the new
warehouse stays published, the mark stays, and the message names the step.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analysis.build_record import (
    BuildRecord,
    clear_pending,
    pending_mark,
    project_fingerprint,
    read_record,
)
from analysis.config import Paths
from analysis.defaults import BOOTSTRAP_DRAWS
from analysis.errors import GvcError, describe_os_error
from analysis.history import append_rows
from analysis.ingest.hashing import sha256_file
from analysis.ingest.sources import SOURCES, MissingSource, raw_files
from analysis.ingest.store import LandedFile, LandingStore, Manifest, file_stat
from analysis.lock import writer_lock
from analysis.parallel import ClusterSpec, runner

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
    status: str  # "published", "nothing new", "resumed", "failed"; after a publication (or
    # a resume) a step that did not finish adds "; <step> failed" or "; <step> interrupted"
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
    landed = LandingStore(paths.landing).manifest() or Manifest()
    for source in SOURCES:
        try:
            files, _ignored = raw_files(paths.raw, source)
        except MissingSource:
            if source not in keep_landed:
                raise
            out[source] = landed.hashes().get(source, {})
            continue
        known = landed.sources.get(source, {})
        out[source] = {p.name: _sha256(p, known.get(p.name)) for p in files}
    return out


def _sha256(path: Path, landed: LandedFile | None) -> str:
    """The raw file's SHA-256: the landed one when the file has the stat it had when landed
    (``file_stat``: its bytes were not written since), else hashed."""
    if landed is not None and landed.stat == file_stat(path):
        return landed.sha256
    return sha256_file(path)


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
            record = read_record(paths.warehouse)
            if _up_to_date(paths, record, result, panel_edition):
                _resume_or_stop(paths, result, bootstrap_reps, run_scenarios, cluster)
            else:
                if panel_edition is None and record is not None:
                    panel_edition = record.settings.get("panel_edition")  # keep the published
                _rebuild(paths, result, keep_landed, panel_edition, cluster, echo, progress)
                _downstream(paths, result, bootstrap_reps, run_scenarios, cluster)
        except Exception as exc:
            result.message = str(exc)[:4000]
            raise
        except BaseException as exc:  # Ctrl-C, SIGTERM
            result.message = result.message or f"stopped by {type(exc).__name__}"
            raise
        finally:
            result.seconds = time.perf_counter() - t0
            _log(paths, result, started)
    return result


def _up_to_date(
    paths: Paths, record: BuildRecord | None, result: RefreshResult, panel_edition: str | None
) -> bool:
    if record is None:
        result.changed = sorted(result.seen)
        return False
    result.changed = record.changed_sources(result.seen)
    if record.project != project_fingerprint(paths.home):
        result.reason = "the project changed (models, seeds, tests or code)"
    elif panel_edition not in (None, record.settings.get("panel_edition")):
        result.reason = f"the panel edition changed to {panel_edition}"
    return not result.changed and not result.reason


def _resume_or_stop(paths, result, bootstrap_reps, run_scenarios, cluster) -> None:
    if not pending_mark(paths.warehouse).exists():
        result.status, result.message = "nothing new", "no new or changed raw files"
        return
    result.status = "resumed"  # published (by a build, or a refresh that died) not estimated
    _downstream(paths, result, bootstrap_reps, run_scenarios, cluster)


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


def _downstream(paths, result, bootstrap_reps, run_scenarios, cluster) -> None:
    """Re-estimate and rerun the declared scenarios on the published warehouse.

    The warehouse is already published: a step that fails is recorded in the result (status
    ``<status>; <step> failed`` and the message) and nothing is raised; one interrupted
    (Ctrl-C, SIGTERM) is recorded as ``<status>; <step> interrupted`` and re-raised with a
    note saying that the warehouse was published. The pending mark stays in both cases, so
    the next refresh resumes.
    """
    steps = [("estimation", lambda: _estimate(paths, result, bootstrap_reps))]
    if run_scenarios and (paths.home / "scenarios.yml").exists():
        steps.append(("scenarios", lambda: _scenarios(paths, result, cluster)))
    for step, run in steps:
        try:
            run()
        except Exception as exc:
            _stopped(result, step, "failed", _describe(exc))
            return
        except BaseException as exc:
            _stopped(result, step, "interrupted", f"stopped by {type(exc).__name__}")
            exc.add_note(
                f"the warehouse {paths.warehouse} was published; {step} was interrupted "
                "(the next `gvc refresh` redoes it)"
            )
            raise
    clear_pending(paths.warehouse)


def _stopped(result: RefreshResult, step: str, how: str, why: str) -> None:
    result.failed_step = step
    result.status = f"{result.status}; {step} {how}"
    result.message = f"{step} {how} after the publication: {why}"[:4000]


def _describe(exc: Exception) -> str:
    if isinstance(exc, GvcError):
        return str(exc)
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    return f"{type(exc).__name__}: {exc}"


def _estimate(paths: Paths, result: RefreshResult, bootstrap_reps: int) -> None:
    from analysis.panel.run import estimate_all

    run = estimate_all(paths.warehouse, paths.reports, paths.history, bootstrap_reps=bootstrap_reps)
    result.estimation_run = run.run_id


def _scenarios(paths: Paths, result: RefreshResult, cluster: ClusterSpec | None) -> None:
    from analysis.scenario import load_scenarios, prune_figures, run_scenarios

    scenarios = load_scenarios(paths.home / "scenarios.yml")
    with runner(cluster) as run:
        run_scenarios(scenarios, paths.warehouse, paths.history, paths.reports / "figures", run)
    prune_figures(scenarios, paths.reports / "figures")
    result.scenarios_run = len(scenarios)


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
    except Exception as exc:  # the run itself is over: say so, but do not hide its outcome
        note = f"refresh_log not written: {exc}"
        result.message = f"{result.message}; {note}".strip("; ")
        sys.stderr.write(f"warning: {note}\n")
        sys.stderr.flush()
