"""``gvc refresh``: notice new or changed raw files, rebuild what depends on them, publish.

Steps, under a lock (one refresh at a time):
1. hash every raw file (SHA-256) and compare with the manifest of the last published
   refresh (``warehouse/raw_manifest.json``); nothing changed -> log "nothing new", stop;
2. re-ingest only the changed sources;
3. build a candidate: a copy of the published warehouse with ``dbt build --select
   source:<changed>+`` (everything downstream of the changed sources), or a full build when
   there is no published warehouse yet;
4. run the quality gate on the candidate and publish it atomically (``gvc build``'s path);
5. mark the downstream steps pending (``warehouse/.refresh_pending``), write the new
   manifest, re-estimate Tables 1-4, rerun the declared scenarios, clear the mark;
6. record the run in ``refresh_log`` (warehouse/history.duckdb).
A refresh killed at any point leaves the last published warehouse intact. The next one sees
the same changes again (killed before the manifest) or finds the pending mark with nothing
new (killed after it) and re-estimates and reruns the scenarios only, so every published
warehouse gets its estimates.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analysis.config import Paths
from analysis.history import append_rows
from analysis.ingest import SOURCES
from analysis.ingest.landing import raw_files

DDL = """
create table if not exists refresh_log (
    run_id varchar, started timestamp, finished timestamp, status varchar,
    changed_sources varchar, files_seen varchar, models_rebuilt integer,
    checks varchar, seconds double, message varchar
)
"""


class RefreshLocked(RuntimeError):
    """Another build or refresh holds the lock."""


@dataclass
class RefreshResult:
    run_id: str
    status: str  # "published", "nothing new", "resumed", "failed"
    changed: list[str] = field(default_factory=list)
    models_rebuilt: int = 0
    checks: str = ""
    message: str = ""
    seconds: float = 0.0
    estimation_run: str = ""
    scenarios_run: int = 0


class RefreshLock:
    """An exclusive, non-blocking ``flock`` on ``warehouse/.refresh.lock``, held by every
    ``gvc build`` and ``gvc refresh`` (one writer of landing and warehouse at a time).

    The kernel releases it when the holder dies, so a killed refresh never blocks the next.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = None

    def __enter__(self) -> RefreshLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.handle.close()
            raise RefreshLocked(
                f"another build or refresh is running ({holder}); lock {self.path}"
            ) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def hash_raw_files(raw: Path) -> dict[str, dict[str, str]]:
    """{source: {file name: sha256}} of every raw file the readers would read."""
    out: dict[str, dict[str, str]] = {}
    for source in SOURCES:
        files, _ignored = raw_files(raw, source)
        out[source] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    return out


def manifest_path(paths: Paths) -> Path:
    return paths.warehouse_dir / "raw_manifest.json"


def read_manifest(paths: Paths) -> dict[str, dict[str, str]] | None:
    path = manifest_path(paths)
    return json.loads(path.read_text()) if path.exists() else None


def pending_path(paths: Paths) -> Path:
    """Exists while a published warehouse still waits for its estimates and scenarios."""
    return paths.warehouse_dir / ".refresh_pending"


def write_manifest(paths: Paths, manifest: dict) -> None:
    path = manifest_path(paths)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    os.replace(tmp, path)


def refresh(
    paths: Paths | None = None,
    *,
    bootstrap_reps: int = 9999,
    run_scenarios: bool = True,
    echo: bool = False,
    progress: bool = False,
) -> RefreshResult:
    """One refresh (see the module docstring); raises on failure after logging it."""
    paths = paths or Paths.from_env()
    result = RefreshResult(run_id=uuid.uuid4().hex[:12], status="failed")
    started = datetime.now(UTC).replace(tzinfo=None)
    t0 = time.perf_counter()
    with RefreshLock(paths.warehouse_dir / ".refresh.lock"):
        seen = hash_raw_files(paths.raw)
        try:
            previous = read_manifest(paths)
            published = paths.warehouse.exists()
            result.changed = [s for s in SOURCES if seen.get(s) != (previous or {}).get(s)]
            pending = pending_path(paths)
            if published and previous is not None and not result.changed:
                if not pending.exists():
                    result.status, result.message = "nothing new", "no new or changed raw files"
                else:  # the last refresh published, then died before its estimates
                    _downstream(paths, result, bootstrap_reps, run_scenarios)
                    pending.unlink()
                    result.status = "resumed"
            else:
                _rebuild(paths, result, seen, previous, published, echo, progress)
                pending.touch()
                write_manifest(paths, seen)
                _downstream(paths, result, bootstrap_reps, run_scenarios)
                pending.unlink()
                result.status = "published"
        except Exception as exc:
            result.message = str(exc)[:4000]
            raise
        finally:
            result.seconds = time.perf_counter() - t0
            _log(paths, result, started, seen)
    return result


def _rebuild(paths, result, seen, previous, published, echo, progress) -> None:
    from analysis.publish import build_warehouse

    incremental = published and previous is not None
    present = [s for s in result.changed if seen.get(s)]
    report = build_warehouse(
        paths,
        sources=present if incremental else None,
        select=[f"source:{s}+" for s in result.changed] if incremental else None,
        base=paths.warehouse if incremental else None,
        echo=echo,
        progress=progress,
    )
    result.models_rebuilt = sum(
        1 for n in (report.dbt.node_ids if report.dbt else []) if n.startswith("model.")
    )
    if report.quality is not None:
        result.checks = (
            f"{sum(t.passed for t in report.quality.tables)} passed, "
            f"{sum(t.failed for t in report.quality.tables)} failed, "
            f"{sum(t.warnings for t in report.quality.tables)} warnings"
        )


def _downstream(paths, result, bootstrap_reps, run_scenarios) -> None:
    """Re-estimate and rerun declared scenarios on the newly published warehouse.

    The warehouse is already published: a scenario that no longer fits the data (an
    economy missing from the tables) is reported in the log message, not raised.
    """
    from analysis.panel.run import estimate_all

    run = estimate_all(paths.warehouse, paths.reports, paths.history, bootstrap_reps=bootstrap_reps)
    result.estimation_run = run.run_id
    scenario_file = paths.home / "scenarios.yml"
    if not (run_scenarios and scenario_file.exists()):
        return
    from analysis.scenario import ScenarioError, load_scenarios
    from analysis.scenario import run_scenarios as run_all

    notes = []
    for scenario in load_scenarios(scenario_file):
        try:
            run_all([scenario], paths.warehouse, paths.history, paths.reports / "figures")
            result.scenarios_run += 1
        except ScenarioError as exc:
            notes.append(f"scenario {scenario.id} skipped: {exc}")
    result.message = "; ".join(notes)


def _log(paths: Paths, result: RefreshResult, started, seen) -> None:
    row = pd.DataFrame(
        [
            {
                "run_id": result.run_id,
                "started": started,
                "finished": datetime.now(UTC).replace(tzinfo=None),
                "status": result.status,
                "changed_sources": ",".join(result.changed),
                "files_seen": json.dumps({s: sorted(f) for s, f in seen.items()}),
                "models_rebuilt": result.models_rebuilt,
                "checks": result.checks,
                "seconds": result.seconds,
                "message": result.message,
            }
        ]
    )
    append_rows(paths.history, "refresh_log", DDL, row)
