"""Run dbt as a child process and read back what failed.

dbt runs in its own process so that its DuckDB connection is closed (and the database file
checkpointed) when it exits, before the candidate file is renamed onto the published one.
Results come from ``run_results.json``; for every failed test a few offending rows are fetched
by re-running the test's compiled SQL on the candidate database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analysis.config import Paths

MAX_OFFENDING_ROWS = 5


@dataclass
class NodeFailure:
    """One dbt node (model, seed or test) that did not succeed."""

    unique_id: str
    status: str
    message: str
    failures: int | None = None
    offending_rows: list[dict] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"{self.status.upper()} {self.unique_id}: {self.message}"]
        lines += [f"    offending row: {row}" for row in self.offending_rows]
        return "\n".join(lines)


@dataclass
class DbtResult:
    """Outcome of one ``dbt`` invocation."""

    command: list[str]
    returncode: int
    nodes: int
    failures: list[NodeFailure]
    elapsed: float
    output: str
    node_ids: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.returncode == 0 and not self.failures

    def describe(self) -> str:
        if self.success:
            return f"dbt {' '.join(self.command)}: {self.nodes} nodes OK in {self.elapsed:.1f}s"
        head = f"dbt {' '.join(self.command)} failed ({len(self.failures)} node(s)):"
        body = [f.describe() for f in self.failures]
        if not body:  # dbt failed before running nodes (parse or profile error)
            body = [self.output.strip()[-4000:]]
        return "\n".join([head, *body])


def dbt_executable() -> str:
    """The ``dbt`` entry point installed next to the running interpreter."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(
    args: list[str],
    *,
    paths: Paths,
    database: Path,
    echo: bool = True,
) -> DbtResult:
    """Run ``dbt <args>`` against ``database`` and collect the failed nodes.

    The profile in the repository reads the database path from ``GVC_DB`` and the landing
    directory from ``GVC_LANDING``; target and log directories are kept beside the database
    so that concurrent runs on different warehouses do not clash.
    """
    work = database.parent / ".dbt"
    target, logs = work / "target", work / "logs"
    env = dict(os.environ)
    env.update(
        GVC_DB=str(database),
        GVC_LANDING=str(paths.landing),
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    command = [
        *args,
        "--project-dir",
        str(paths.home),
        "--profiles-dir",
        str(paths.home),
        "--target-path",
        str(target),
        "--log-path",
        str(logs),
    ]
    (target / "run_results.json").unlink(missing_ok=True)  # never read a previous run's
    proc = subprocess.Popen(
        [dbt_executable(), *command],
        cwd=paths.home,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    captured: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        captured.append(line)
        if echo:
            sys.stdout.write(line)
            sys.stdout.flush()
    returncode = proc.wait()
    nodes, failures, elapsed, ids = _read_run_results(target / "run_results.json", database)
    return DbtResult(args, returncode, nodes, failures, elapsed, "".join(captured), ids)


def _read_run_results(
    path: Path, database: Path
) -> tuple[int, list[NodeFailure], float, list[str]]:
    if not path.exists():
        return 0, [], 0.0, []
    data = json.loads(path.read_text())
    failures = [
        NodeFailure(
            unique_id=r["unique_id"],
            status=r["status"],
            message=(r.get("message") or "").strip(),
            failures=r.get("failures"),
        )
        for r in data.get("results", [])
        if r["status"] not in ("success", "pass", "skipped", "warn")
    ]
    compiled = _compiled_sql(path.parent)
    for failure in failures:
        sql = compiled.get(failure.unique_id)
        if failure.unique_id.startswith("test.") and sql and database.exists():
            failure.offending_rows = _offending_rows(database, sql)
    ids = [r["unique_id"] for r in data.get("results", [])]
    return len(ids), failures, float(data.get("elapsed_time", 0.0)), ids


def _compiled_sql(target: Path) -> dict[str, str]:
    manifest = target / "manifest.json"
    if not manifest.exists():
        return {}
    nodes = json.loads(manifest.read_text()).get("nodes", {})
    return {uid: n["compiled_code"] for uid, n in nodes.items() if n.get("compiled_code")}


def _offending_rows(database: Path, sql: str) -> list[dict]:
    """First rows returned by a failed test's SQL (a test fails when it returns rows)."""
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            cur = con.execute(f"select * from ({sql}) as failing limit {MAX_OFFENDING_ROWS}")
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    except duckdb.Error as exc:  # the model under test may itself be missing
        return [{"note": f"could not fetch offending rows: {exc}"}]
