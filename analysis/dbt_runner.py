"""Run dbt as a child process and read back every node's result.

dbt runs in its own process so that its DuckDB connection is closed (and the database file
checkpointed) when it exits, before the candidate file is renamed onto the published one.
The child runs in its own process group with a parent-death signal, so it ends when ``gvc``
ends however ``gvc`` ends (Ctrl-C, SIGTERM, SIGKILL). The builds of one warehouse share
target and log folders (so that dbt reparses only what changed); other runs get private ones.
Results come from ``run_results.json`` (each node's status and compiled SQL) and
``manifest.json`` (what each test checks), which dbt writes only when it parses or runs
nodes: those of an earlier run are deleted first, so a run that stops at parsing or at the
profile reports no stale results. For every test that did not pass, a few offending rows are
fetched by re-running its compiled SQL.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analysis.children import command as child_command
from analysis.children import terminate_group
from analysis.config import Paths
from analysis.errors import CannotRun

MAX_OFFENDING_ROWS = 5
#: Parts of node messages that mean the machine, not the data, stopped a node: full disk,
#: memory, a lost Dask worker or scheduler (``analysis.parallel``), DuckDB's I/O errors.
ENVIRONMENT_ERRORS = (
    "IO Error",
    "Out of Memory",
    "No space left",
    "disk full",
    "KilledWorker",
    "a Dask worker died",
    "cannot reach the Dask scheduler",
)
#: What dbt writes into its target folder when it runs nodes.
RESULT_FILES = ("run_results.json", "manifest.json")
#: dbt's own variable for the level of its file log (a user's value is kept).
LOG_LEVEL_FILE_ENV = "DBT_LOG_LEVEL_FILE"
#: dbt's saved parse of the project (partial parsing starts from it).
PARSE_FILE = "partial_parse.msgpack"
#: The build settings, handed to dbt in its environment: the models read them with
#: ``env_var`` (a ``--vars`` value of the same name, as a user may give ``dbt build``, wins)
#: into the SQL they compile, never into a ``ref``, a source or a config. dbt reparses only
#: the files that read an environment variable whose value changed, where any change of
#: ``--vars`` makes it reparse the whole project (2-3 s, twice in a build whose dbt was
#: started ahead with another guess): a warehouse of another edition than the last one
#: built on the machine paid that in every build.
SETTING_ENV = {"panel_edition": "GVC_PANEL_EDITION"}


def _settings_env(settings: dict | None) -> dict[str, str]:
    """The environment entries that hand ``settings`` to dbt (:data:`SETTING_ENV`)."""
    return {SETTING_ENV[name]: str(value) for name, value in (settings or {}).items()}


@dataclass
class NodeResult:
    """One dbt node (model, seed, test) and what happened to it."""

    unique_id: str
    status: str  # success, pass, fail, warn, error, skipped
    message: str
    failures: int | None = None
    severity: str = "error"
    model: str = ""
    column: str = ""
    name: str = ""
    description: str = ""
    offending_rows: list[dict] = field(default_factory=list)
    #: "" when this run ran it; else when the build that ran it was published (the node's
    #: inputs are unchanged since, so that result stands: ``analysis.incremental``)
    checked_at: str = ""

    @property
    def is_test(self) -> bool:
        return self.unique_id.startswith(("test.", "unit_test."))

    @property
    def failed(self) -> bool:
        return self.status in ("fail", "error")

    def describe(self) -> str:
        lines = [f"{self.status.upper()} {self.unique_id}: {self.message}"]
        lines += [f"    offending row: {row}" for row in self.offending_rows]
        return "\n".join(lines)


@dataclass
class DbtResult:
    """Outcome of one ``dbt`` invocation."""

    command: list[str]
    returncode: int
    nodes: list[NodeResult]
    elapsed: float
    output: str

    @property
    def failures(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.failed]

    @property
    def success(self) -> bool:
        return self.returncode == 0 and not self.failures

    @property
    def environment_failures(self) -> list[NodeResult]:
        """Nodes stopped by the machine (disk, memory, Dask), not by the data."""
        return [n for n in self.failures if any(e in n.message for e in ENVIRONMENT_ERRORS)]

    @property
    def could_not_run(self) -> bool:
        """dbt stopped before running any node (parse or profile error), or a node was
        stopped by the machine: the command could not run (exit 2), no rule failed."""
        return (not self.success and not self.failures) or bool(self.environment_failures)

    def describe(self) -> str:
        if self.success:
            return (
                f"dbt {' '.join(self.command)}: {len(self.nodes)} nodes OK in {self.elapsed:.1f}s"
            )
        head = f"dbt {' '.join(self.command)} failed ({len(self.failures)} node(s)):"
        body = [f.describe() for f in self.failures]
        if not body:  # dbt failed before running nodes (parse or profile error)
            body = [self.output.strip()[-4000:]]
        return "\n".join([head, *body])


def dbt_executable() -> str:
    """The ``dbt`` entry point installed next to the running interpreter."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def _environment(
    paths: Paths, database: Path, settings: dict | None, extra: dict[str, str] | None
) -> dict[str, str]:
    """dbt's environment: the build ``settings`` (:data:`SETTING_ENV`), then ``extra``. dbt
    runs in the database's folder and gets the database and the landing as paths relative to
    it: dbt reparses the whole project when the profile (the database path) changes, and the
    files that read a changed ``env_var``; relative paths keep them the same from one
    warehouse folder to the next (``.candidate.duckdb``, ``../landing``; a build's ``extra``
    gives the landing version it holds, ``.dbt-build/landing``: ``analysis.publish``).

    dbt's file log (``logs/dbt.log``) keeps what it prints, warnings and errors, not its
    debug events (each node's SQL, connections, artifacts), unless ``DBT_LOG_LEVEL_FILE``
    says otherwise: writing them took 1.5 s of a tiny first build's 12 s (17,000 lines for
    185 nodes); the SQL each node ran stays in ``target/run``."""
    env = dict(os.environ)
    env.setdefault(LOG_LEVEL_FILE_ENV, "info")
    env.update(
        GVC_DB=database.name,
        GVC_LANDING=os.path.relpath(paths.landing, database.parent),
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    if not sys.stdout.isatty():
        env["DBT_USE_COLORS"] = "false"
    env.update(_settings_env(settings))
    env.update(extra or {})
    return env


def run_dbt(
    args: list[str],
    *,
    paths: Paths,
    database: Path,
    variables: dict | None = None,
    env: dict[str, str] | None = None,
    echo: bool = True,
    collect: Callable[[Path], None] | None = None,
    work: Path | None = None,
    on_line: Callable[[str], None] | None = None,
    warm: WarmDbt | None = None,
) -> DbtResult:
    """Run ``dbt <args>`` against ``database`` with the build settings ``variables`` (in its
    environment, :data:`SETTING_ENV`); read its results.
    ``on_line(line)`` sees each line dbt prints, as it prints it. ``warm``: a dbt started
    ahead for this run (:class:`WarmDbt`), used when it was started with the same database,
    folders and environment.

    The profile in the repository reads the database path from ``GVC_DB``. Target and log
    folders go to ``work`` when given (kept, so that dbt parses only what changed since the
    last run there: callers give a folder only one run at a time uses) or to a private folder
    removed afterwards (``collect(target)`` runs first, to copy artifacts out). CannotRun when
    dbt is killed by a signal.
    """
    private = work is None
    work = Path(tempfile.mkdtemp(prefix=".dbt-", dir=database.parent)) if private else work
    target = work / "target"
    common = _common_args(paths, work)
    child_env = _environment(paths, database, variables, env)
    try:
        proc = warm.take(args, common, child_env) if warm is not None else None
        if proc is None:
            _prepare_target(paths, target)
            proc = _start_child([dbt_executable(), *args, *common], database, child_env)
        returncode, output = _follow(proc, echo, on_line)
        if not private:  # a build's candidate: the profile and paths every build shares
            _keep_parse_cache(paths, target)
        nodes, elapsed = read_run_results(target, database)
        if collect is not None:
            collect(target)
        return DbtResult(args, returncode, nodes, elapsed, output)
    finally:
        if private:
            shutil.rmtree(work, ignore_errors=True)


def parse_cache(paths: Paths) -> Path:
    """dbt's parse of the project by the last run anywhere (``target/`` of the project,
    not versioned): a new warehouse folder starts from it instead of a full parse."""
    return paths.home / "target" / PARSE_FILE


def _seed_parse_cache(paths: Paths, target: Path) -> None:
    """Copy the cached parse into a ``target`` that has none. dbt checks it against the
    project, the profile, the variables and the environment, and parses again whatever
    differs, so a cache from another project state costs nothing but the copy."""
    own = target / PARSE_FILE
    if own.exists():
        return
    with contextlib.suppress(OSError):  # a read-only or missing cache: dbt parses in full
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parse_cache(paths), own)


def _keep_parse_cache(paths: Paths, target: Path) -> None:
    """Offer this run's parse to the next new folder (temp file + rename: concurrent runs
    replace it whole). Builds only: a check or docs run on a published copy has another
    database name and landing path, so its parse would make the next build's dbt reparse
    the whole project ("profile has changed")."""
    own, cache = target / PARSE_FILE, parse_cache(paths)
    with contextlib.suppress(OSError):
        if not own.exists():
            return
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{PARSE_FILE}.{os.getpid()}.tmp")
        shutil.copyfile(own, tmp)
        os.replace(tmp, cache)


def _common_args(paths: Paths, work: Path) -> list[str]:
    """The arguments every dbt command of a run gets: project, profile and folders."""
    common = ["--project-dir", str(paths.home), "--profiles-dir", str(paths.home)]
    return common + ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]


def _settings_apart(env: dict[str, str]) -> tuple[dict[str, str], dict[str, str | None]]:
    """``env`` without the build settings, and the settings (None: not set)."""
    settings = {name: env.get(name) for name in SETTING_ENV.values()}
    return {k: v for k, v in env.items() if k not in settings}, settings


def _prepare_target(paths: Paths, target: Path) -> None:
    for name in RESULT_FILES:  # an earlier run's: dbt does not overwrite them on every error
        (target / name).unlink(missing_ok=True)
    _seed_parse_cache(paths, target)


def _start_child(argv: list[str], database: Path, env: dict[str, str], **kw) -> subprocess.Popen:
    return subprocess.Popen(
        child_command(argv),
        cwd=database.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        **kw,
    )


class WarmDbt:
    """A dbt child started ahead of its one command (``analysis.dbt_warm``): it imports dbt
    and parses the project while the caller works on (``gvc build`` lands the raw files),
    then :func:`run_dbt` hands it the command. ``close`` stops it if it was never used."""

    def __init__(
        self,
        *,
        paths: Paths,
        database: Path,
        work: Path,
        variables: dict | None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.env = _environment(paths, database, variables, env)
        self.common = _common_args(paths, work)
        _prepare_target(paths, work / "target")
        argv = [sys.executable, "-m", "analysis.dbt_warm", json.dumps(self.common)]
        self.proc: subprocess.Popen | None = _start_child(
            argv, database, self.env, stdin=subprocess.PIPE
        )

    def take(self, command: list[str], common: list[str], env: dict[str, str]):
        """The child, told to run ``dbt command common`` with the build settings in ``env``;
        None (the child stopped) when it was started for another database, folders or
        environment, or has ended. Other build settings: the child takes them (they enter
        only the SQL compiled at run time; ``analysis.dbt_warm``)."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        rest, settings = _settings_apart(env)
        if rest != _settings_apart(self.env)[0] or common != self.common or proc.poll() is not None:
            terminate_group(proc)
            return None
        try:
            assert proc.stdin is not None
            request = {"command": command, "common": common, "settings": settings}
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.close()
        except OSError:
            terminate_group(proc)
            return None
        return proc

    def close(self) -> None:
        if self.proc is not None:
            terminate_group(self.proc)
            self.proc = None


def _follow(proc: subprocess.Popen, echo: bool, on_line=None) -> tuple[int, str]:
    """Echo and capture what ``proc`` prints until it ends; its exit status and output."""
    captured: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            captured.append(line)
            if on_line is not None:
                on_line(line)
            if echo:
                sys.stdout.write(line)
                sys.stdout.flush()
        returncode = proc.wait()
    except BaseException:
        terminate_group(proc)
        raise
    if returncode < 0:
        name = signal.Signals(-returncode).name
        raise CannotRun(f"dbt was stopped by {name} before it finished; nothing was published")
    return returncode, "".join(captured)


def _manifest_nodes(target: Path) -> dict[str, dict]:
    manifest = target / "manifest.json"
    if not manifest.exists():
        return {}
    data = json.loads(manifest.read_text())
    return {**data.get("nodes", {}), **data.get("unit_tests", {})}


def _test_description(meta: dict) -> str:
    """'expression_is_true: flow_usd_mn >= 0 (where to_use like 'F%')' from the manifest."""
    if meta.get("description"):
        return meta["description"]
    test = meta.get("test_metadata") or {}
    kwargs = {k: v for k, v in (test.get("kwargs") or {}).items() if k not in ("model",)}
    detail = kwargs.get("expression") or ", ".join(
        f"{k}={v}" for k, v in kwargs.items() if k != "column_name"
    )
    where = (meta.get("config") or {}).get("where")
    text = f"{test.get('name', '')}: {' '.join(str(detail).split())}".strip(": ")
    return f"{text} (where {' '.join(where.split())})" if where else text


def _node(r: dict, meta: dict) -> NodeResult:
    config = meta.get("config") or {}
    attached = meta.get("attached_node") or ""
    if not attached and meta.get("model"):
        attached = meta["model"]
    return NodeResult(
        unique_id=r["unique_id"],
        status=r["status"],
        message=(r.get("message") or "").strip(),
        failures=r.get("failures"),
        severity=str(config.get("severity", "error")).lower(),
        model=attached.rsplit(".", 1)[-1],
        column=meta.get("column_name") or "",
        name=meta.get("name", r["unique_id"].rsplit(".", 1)[-1]),
        description=_test_description(meta),
    )


def read_run_results(target: Path, database: Path) -> tuple[list[NodeResult], float]:
    """Every node of the run, with offending rows of the tests that did not pass."""
    path = target / "run_results.json"
    if not path.exists():
        return [], 0.0
    data = json.loads(path.read_text())
    manifest = _manifest_nodes(target)
    nodes = [_node(r, manifest.get(r["unique_id"], {})) for r in data.get("results", [])]
    compiled = {r["unique_id"]: r.get("compiled_code") for r in data.get("results", [])}
    for node in nodes:
        sql = compiled.get(node.unique_id)
        if node.unique_id.startswith("test.") and node.status in ("fail", "warn") and sql:
            node.offending_rows = offending_rows(database, sql)
    return nodes, float(data.get("elapsed_time", 0.0))


def offending_rows(database: Path, sql: str, limit: int = MAX_OFFENDING_ROWS) -> list[dict]:
    """First rows returned by a test's SQL (a test fails or warns when it returns rows)."""
    if not database.exists():
        return []
    try:
        with contextlib.closing(duckdb.connect(str(database), read_only=True)) as con:
            cur = con.execute(f"select * from ({sql}) as failing limit {limit}")
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    except duckdb.Error as exc:  # the model under test may itself be missing
        return [{"note": f"could not fetch offending rows: {exc}"}]
