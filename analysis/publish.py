"""``gvc build``: land, build a candidate warehouse, check it, publish it atomically.

DuckDB lets no process open a file that another process is writing, so publication happens
at file level: dbt builds a complete candidate file next to the published one (starting from
a copy of it when the project is unchanged, so that incremental models redo only new or
changed tables; with the same settings too, only the nodes that a changed source reaches
run: ``analysis.incremental``), the quality gate checks the candidate, the build record is
written into it, and only then ``os.replace`` moves it onto ``warehouse/gvc.duckdb``. A
failed ingest leaves the previous landing untouched; a failed build or check deletes the
candidate and leaves the previous warehouse untouched and queryable (the candidate's quality
report goes to ``reports/quality/candidate/``; ``reports/quality/`` keeps describing the
published file). A publication writes the pending mark (``warehouse/.refresh_pending``): its
estimates and scenarios are still to be redone (``gvc estimate`` or the next ``gvc
refresh``). With nothing new (same raw files, project and settings as the published build)
nothing is rebuilt.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from analysis import incremental
from analysis.background_copy import RETIRED_GLOB, BackgroundCopy, replace_and_free_later
from analysis.build_record import (
    BuildRecord,
    mark_pending,
    project_fingerprint,
    read_record,
    write_record,
)
from analysis.config import Paths
from analysis.dbt_runner import DbtResult, WarmDbt, run_dbt
from analysis.dbt_warm import lower_thread_priority
from analysis.errors import BadInput, CannotRun, describe_os_error
from analysis.ingest.checks import editions
from analysis.ingest.landing import IngestReport, ingest_all
from analysis.ingest.store import LandingStore, Manifest, PinnedVersion
from analysis.lock import writer_lock
from analysis.parallel import ClusterSpec, Runner, runner
from analysis.progress import interactive, step
from analysis.published_copy import published_copy, remove_dead_copies
from analysis.quality import QualityReport, run_checks
from analysis.quality.runner import write_report


class BuildError(BadInput):
    """The candidate failed dbt or the quality gate; the published warehouse was not touched."""


@dataclass
class BuildReport:
    """What one ``gvc build`` did."""

    published: Path
    status: str = "published"  # or "up to date"
    steps: list[tuple[str, float]] = field(default_factory=list)
    ingest: IngestReport | None = None
    dbt: DbtResult | None = None
    quality: QualityReport | None = None
    record: BuildRecord | None = None
    incremental: str = ""  # what an incremental build reran and carried over

    def describe(self) -> str:
        timings = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in self.steps)
        if self.status == "up to date":
            return (
                f"nothing new: {self.published} was built from these raw files with this "
                f"project and settings ({timings}); `gvc build --force` rebuilds it"
            )
        done = f"published {self.published} ({timings})"
        return f"{self.incremental}\n{done}" if self.incremental else done


def candidate_path(paths: Paths) -> Path:
    """The candidate file beside the published warehouse.

    One name for every build: builds run one at a time (the writer lock), a build removes
    what a killed one left, and dbt reparses only what changed since the last build (its
    parse cache depends on the database path)."""
    return paths.warehouse_dir / ".candidate.duckdb"


def dbt_work(paths: Paths) -> Path:
    """Target and log folders of the builds of this warehouse (one build at a time)."""
    return paths.warehouse_dir / ".dbt-build"


def candidate_reports(paths: Paths) -> Path:
    """Where the quality report of a candidate goes (it describes a file not published)."""
    return paths.reports / "quality" / "candidate"


def remove_database(path: Path) -> None:
    """Delete a DuckDB file, its write-ahead log and its temporary folder (``<file>.tmp``,
    where DuckDB spills what does not fit in memory), if present."""
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


def remove_stale_candidates(paths: Paths) -> list[Path]:
    """Delete what killed builds left: candidates with their write-ahead logs and DuckDB
    temporary folders, replaced warehouse files a killed ``rm`` did not free
    (:func:`replace_and_free_later`), and the private copies of checks and docs runs no
    longer running.

    The writer lock is held, so no other build is running: every candidate left is stale.
    """
    removed = []
    stale = [
        *paths.warehouse_dir.glob(".candidate*.duckdb*"),
        *paths.warehouse_dir.glob(RETIRED_GLOB),
    ]
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed + remove_dead_copies(paths.warehouse_dir)


def resolve_panel_edition(requested: str | None, landed: dict[str, list[int]]) -> str:
    """The panel's MRIO edition: ``requested``, else 62 when landed, else the only one."""
    listing = ", ".join(f"{e} ({ys[0]}-{ys[-1]})" for e, ys in landed.items()) or "none"
    if requested:
        if requested not in landed:
            raise BadInput(
                f"panel edition {requested!r} is not landed; landed editions: {listing}. "
                "Choose one with --panel-edition (or GVC_PANEL_EDITION)"
            )
        return requested
    if "62" in landed:
        return "62"
    if len(landed) == 1:
        return next(iter(landed))
    raise BadInput(
        f"several MRIO editions are landed ({listing}) and none is 62: choose the panel's "
        "edition with --panel-edition EDITION (or GVC_PANEL_EDITION)"
    )


@contextlib.contextmanager
def _landing(paths: Paths) -> Iterator[PinnedVersion]:
    """The current landing version, held while the build runs; dbt's link to it
    (:func:`_link_build_landing`) is removed when the build ends."""
    pinned = LandingStore(paths.landing).pin_current()
    try:
        if pinned is None or "adb_mrio" not in pinned.manifest.sources:
            raise CannotRun(
                f"nothing is landed in {paths.landing}: put raw files in {paths.raw} (or write "
                "the synthetic sample with `gvc sample`) and run `gvc build`"
            )
        yield pinned
    finally:
        with contextlib.suppress(OSError):  # the next build replaces it anyway
            _unlink_build_landing(paths)
        if pinned is not None:
            pinned.release()


def build_landing(paths: Paths) -> Path:
    """The landing dbt reads in a build: ``<dbt work>/landing``, whose ``current`` links to
    the version the build holds (:func:`_link_build_landing`). The path is the same in every
    build of the warehouse, so it does not make dbt parse again."""
    return dbt_work(paths) / "landing"


def _link_build_landing(paths: Paths, version: Path) -> None:
    """Point ``current`` of :func:`build_landing` at ``version``: dbt and the workers read
    that version from start to end, whatever an ingest for another warehouse sharing the
    landing makes current meanwhile. A folder in its place (a warehouse folder copied with
    the link followed) is removed first."""
    folder = build_landing(paths)
    folder.mkdir(parents=True, exist_ok=True)
    _unlink_build_landing(paths)
    os.symlink(version.resolve(), folder / "current")


def _unlink_build_landing(paths: Paths) -> None:
    """Remove the link of :func:`_link_build_landing` (it lives only while a build runs)."""
    current = build_landing(paths) / "current"
    if current.is_dir() and not current.is_symlink():
        shutil.rmtree(current)
    else:
        current.unlink(missing_ok=True)


def _settings(manifest: Manifest, panel_edition: str | None) -> dict[str, str]:
    adb = {name: f.meta for name, f in manifest.sources["adb_mrio"].items()}
    return {"panel_edition": resolve_panel_edition(panel_edition, editions(adb))}


#: In a candidate copied from the published warehouse: the raw files staged there, which the
#: same tests passed at publication (macros/files_to_check.sql). Dropped before the checks.
CHECKED_FILES = "gvc_checked_files"


def _copy_ahead(paths: Paths, published: BuildRecord | None) -> BackgroundCopy | None:
    """The published file copied into the candidate and prepared while the ingest runs, when
    the build will start from it (the same project)."""
    if published is None or published.project != project_fingerprint(paths.home):
        return None
    return BackgroundCopy(paths.warehouse, candidate_path(paths), _prepare_candidate)


def _prepare_candidate(candidate: Path) -> None:
    """Record in CHECKED_FILES the raw files staged in ``candidate``, a copy of the published
    file: every published file is staged (the staged flows, output and value added are
    incremental by the landed files, stg_adb_mrio__files, and the grid test of the flows fails
    a landed table without them). Closing
    checkpoints, which waits for the copy to reach the disk (0.4 s at full size): in the
    copy's thread, during the ingest."""
    with contextlib.closing(duckdb.connect(str(candidate))) as con:
        con.execute(
            f"create table {CHECKED_FILES} as "
            "select file_sha256, source_file from stg_adb_mrio__files"
        )


def _starts_from_published(record: BuildRecord, published: BuildRecord | None) -> bool:
    """The candidate is a copy of the published file (same project: its tables are what
    this build would make of the same files)."""
    return published is not None and published.project == record.project


def _start_candidate(
    paths: Paths, record: BuildRecord, published: BuildRecord | None, copy: BackgroundCopy | None
) -> Path:
    """A new candidate: a copy of the published file when its project is the same (``copy``
    when one was started ahead), with the files staged there recorded in CHECKED_FILES (the
    incremental models' error tests then check only the files the build adds)."""
    candidate = candidate_path(paths)
    if _starts_from_published(record, published):
        try:
            if copy is not None:
                copy.wait()
            else:
                shutil.copyfile(paths.warehouse, candidate)
                _prepare_candidate(candidate)
        except (OSError, duckdb.Error) as exc:
            remove_database(candidate)
            reason = (
                describe_os_error(exc, "copying the published warehouse")
                if isinstance(exc, OSError)
                else f"cannot prepare the copy of the published warehouse ({exc})"
            )
            raise CannotRun(reason) from None
    elif copy is not None:
        copy.cancel()
    return candidate


#: Niceness of the import of great-expectations during the ingest: it is to take the core the
#: ingest leaves idle (as dbt's parse ahead, ``analysis.dbt_warm``).
PRELOAD_NICENESS = 19


class ChecksPreload:
    """great-expectations imported in a thread (about 2 s of one core and 127 MiB), so that
    the checks after dbt start at once; an import error is left to the checks. The import
    starts once dbt reports the end of ``after_node`` (None: at once):

    - a full build: the decomposition node (DECOMPOSITION). During that node the process
      tree is at its memory peak (dbt, and the Dask workers each holding a table); the
      import on top took a 12-year full-size build from 1,887 to 2,001 MiB.
    - an incremental build with a new or changed MRIO table: the flows node (FLOWS), which
      inserts the table's 5.5 million rows on both cores (started with dbt, the import
      competes with that insert for them); started after the decomposition node, the build
      waited for it (1.8 s of a new year's build: that node ends 2-3 s before dbt does).
    - any other incremental build: at once.

    A build that reads at most one MRIO table and starts from the published file imports it
    during the ingest instead (``_Ahead``), at niceness ``nice`` (Linux: per thread): a new
    year's ingest keeps one core busy with that table for 3 s after every other file is
    done.
    """

    DECOMPOSITION = "int_gvc__decomposition"
    FLOWS = "stg_adb_mrio__flows"

    def __init__(self, after_node: str | None = DECOMPOSITION, *, nice: int = 0) -> None:
        self.after_node = after_node
        self.nice = nice
        self.thread: threading.Thread | None = None
        if after_node is None:
            self.start()

    @classmethod
    def for_build(cls, changed_sources: list[str] | None) -> ChecksPreload:
        """For a build of every node (None) or of what ``changed_sources`` reach."""
        if changed_sources is None:
            return cls(cls.DECOMPOSITION)
        return cls(cls.FLOWS if "adb_mrio" in changed_sources else None)

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._load, name="preload-checks", daemon=True)
            self.thread.start()

    def start_after_node(self, line: str) -> None:
        """``run_dbt``'s ``on_line``: start once dbt reports the end of ``after_node``."""
        ended = " model " in line and " START " not in line
        if ended and f".{self.after_node} " in line:
            self.start()

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def _load(self) -> None:
        if self.nice:
            lower_thread_priority(self.nice)
        with contextlib.suppress(Exception):
            from analysis.quality.gx import preload

            preload()


def _dbt_env(paths: Paths, run: Runner) -> dict[str, str]:
    """dbt's environment in a build: the landing version the build holds
    (:func:`build_landing`, relative to the candidate's folder, where dbt runs) and where
    its Python model runs its tasks: on the build's cluster, in-process when the build runs
    in-process (``--workers 0``), and otherwise as the default runner sizes it (one table:
    in-process)."""
    landing = os.path.relpath(build_landing(paths), candidate_path(paths).parent)
    return {"GVC_LANDING": landing, **run.child_env()}


def _warm_dbt(
    paths: Paths, run: Runner, panel_edition: str | None, published: BuildRecord | None
) -> WarmDbt | None:
    """dbt started now for the build's ``dbt build``, with the settings it will most likely
    get (those of the published build; the run parses again if they differ)."""
    edition = panel_edition or (published.settings.get("panel_edition") if published else None)
    try:
        return WarmDbt(
            paths=paths, database=candidate_path(paths), work=dbt_work(paths),
            variables={"panel_edition": edition or "62"}, env=_dbt_env(paths, run),
        )  # fmt: skip
    except OSError:  # the build starts its dbt when it needs it
        return None


def _dbt_build(
    paths, candidate, variables, selected, run: Runner, echo, progress, on_line, warm
) -> DbtResult:
    # a bar would garble dbt's own lines on a terminal; in a log, start and end lines help
    with step("dbt build", 1, progress and not (echo and interactive())):
        return run_dbt(
            ["build", *selected], paths=paths, database=candidate, variables=variables,
            env=_dbt_env(paths, run), echo=echo, work=dbt_work(paths), on_line=on_line,
            warm=warm,
        )  # fmt: skip


def _could_not_run(result: DbtResult, what: str, outcome: str) -> CannotRun:
    """Exit 2: dbt stopped before any node ran, or the machine stopped a node."""
    if result.failures:
        why = "was stopped by the machine (disk, memory or a Dask worker), not by a rule"
    else:
        why = "stopped before running any node (a parse or profile error)"
    return CannotRun(f"{what} {why}; {outcome}.\n{result.describe()}")


def _check_and_publish(paths, candidate, result, carried, variables, record) -> QualityReport:
    unchanged = f"the published warehouse {paths.warehouse} is unchanged"
    if result.could_not_run:
        raise _could_not_run(result, "dbt build", unchanged)
    with contextlib.closing(duckdb.connect(str(candidate))) as con:
        con.execute(f"drop table if exists {CHECKED_FILES}")
    record.tests = incremental.stored_tests([*result.nodes, *carried])
    quality = run_checks(
        candidate,
        home=paths.home,
        report_dir=candidate_reports(paths),
        dbt_nodes=[*result.nodes, *carried],
        variables=variables,
        candidate_for=paths.warehouse,
    )
    if not result.success or not quality.passed:
        what = "dbt build" if not result.success else "quality checks"
        raise BuildError(
            f"{what} failed on the candidate warehouse; {unchanged}.\n{quality.summary()}\n"
            f"{quality.failures()}\nreport (candidate, not published): {quality.page}"
        )
    write_record(candidate, record)
    with contextlib.closing(duckdb.connect(str(candidate))) as con:
        con.execute("checkpoint")
    mark_pending(paths.warehouse, record)  # its estimates and scenarios are still to be redone
    replace_and_free_later(candidate, paths.warehouse)
    paths.warehouse.with_name(paths.warehouse.name + ".wal").unlink(missing_ok=True)
    return _publish_report(quality, paths)


def _publish_report(quality: QualityReport, paths: Paths) -> QualityReport:
    """The candidate's report, now naming the published file, into ``reports/quality/``."""
    published = replace(quality, database=str(paths.warehouse), candidate_for=None)
    try:
        write_report(published, paths.reports / "quality")
        shutil.rmtree(candidate_reports(paths), ignore_errors=True)
    except OSError as exc:
        raise CannotRun(
            f"published {paths.warehouse}, but "
            + describe_os_error(exc, "writing its quality report")
        ) from None
    return published


def build_warehouse(
    paths: Paths | None = None,
    *,
    ingest: bool = True,
    sources: Sequence[str] | None = None,
    keep_landed: Sequence[str] = (),
    panel_edition: str | None = None,
    force: bool = False,
    cluster: ClusterSpec | None = None,
    echo: bool = True,
    progress: bool = False,
) -> BuildReport:
    """Ingest -> ``dbt build`` on a candidate -> checks -> publish; BuildError on failure.

    Takes the writer lock. ``sources`` limits the ingest; ``keep_landed`` keeps the landed
    files of sources whose raw folder is missing or empty. With the same raw files, project
    and settings as the published build nothing is rebuilt unless ``force``. A publication
    writes the pending mark (:func:`analysis.build_record.mark_pending`).
    """
    paths = paths or Paths.from_env()
    report = BuildReport(published=paths.warehouse)
    with writer_lock(paths), runner(cluster) as run:
        paths.warehouse_dir.mkdir(parents=True, exist_ok=True)
        remove_stale_candidates(paths)
        published = read_record(paths.warehouse)  # the writer lock keeps it as it is
        ahead = _Ahead()
        try:
            t0 = time.perf_counter()
            if ingest:
                report.ingest = ingest_all(
                    paths.raw, paths.landing, sources, keep_landed=keep_landed, run=run,
                    progress=progress,
                    before_reading=lambda files: ahead.start(
                        paths, run, panel_edition, published, files
                    ),
                )  # fmt: skip
                report.steps.append(("ingest", time.perf_counter() - t0))
            with _landing(paths) as pinned:
                _build(
                    pinned, paths, report, panel_edition, force, run, echo, progress, published,
                    ahead,
                )  # fmt: skip
        finally:
            ahead.close()
    return report


@dataclass
class _Ahead:
    """What a build prepares while its ingest reads files (so only when it has some to
    read: a build with nothing new would throw it away): dbt imports itself and parses the
    project (:class:`WarmDbt`), the published file is copied into the candidate, and, when
    the build starts from that copy and reads at most one MRIO table, great-expectations is
    imported (:class:`ChecksPreload`: far from the memory peak of a build of every year)."""

    warm: WarmDbt | None = None
    copy: BackgroundCopy | None = None
    checks: ChecksPreload | None = None

    def start(self, paths, run, panel_edition, published, files: list[tuple[str, Path]]):
        self.warm = _warm_dbt(paths, run, panel_edition, published)
        self.copy = _copy_ahead(paths, published)
        if self.copy is not None and sum(source == "adb_mrio" for source, _ in files) <= 1:
            self.checks = ChecksPreload(None, nice=PRELOAD_NICENESS)

    def close(self) -> None:
        """Stop and remove whatever the build did not use."""
        if self.copy is not None:
            self.copy.cancel()
        if self.warm is not None:
            self.warm.close()


def _tables_to_compute(record: BuildRecord, published: BuildRecord | None) -> int:
    """MRIO tables dbt's Python model computes in this build, at most: the landed ADB-MRIO
    files the candidate lacks (every one unless it starts from the published file,
    :func:`_starts_from_published`). The build starts its cluster for two or more (before
    dbt: the model's own would start and close inside its node), and hands it to dbt."""
    files = record.inputs.get("adb_mrio", {})
    if not _starts_from_published(record, published):
        return len(files)
    had = published.inputs.get("adb_mrio", {})
    return sum(had.get(name) != sha for name, sha in files.items())


def _build(
    pinned, paths, report, panel_edition, force, run, echo, progress, published, ahead
) -> None:
    """The build of the landing version ``pinned`` (held by the caller until it ends)."""
    manifest = pinned.manifest
    record = BuildRecord(
        inputs=manifest.hashes(),
        landing_version=manifest.version,
        project=project_fingerprint(paths.home),
        settings=_settings(manifest, panel_edition),
    )
    report.record = record
    if published is not None and not force and published.same_build(record):
        report.status = "up to date"
        return
    variables = dict(record.settings)
    selected = incremental.selection(published, record)
    candidate = _start_candidate(paths, record, published, ahead.copy)
    t0 = time.perf_counter()
    try:
        checks = ahead.checks or ChecksPreload.for_build(
            incremental.changed(selected) if selected else None
        )
        _link_build_landing(paths, pinned.path)
        run.plan(_tables_to_compute(record, published))
        report.dbt = _dbt_build(
            paths, candidate, variables, selected, run, echo, progress,
            checks.start_after_node, ahead.warm,
        )  # fmt: skip
        report.steps.append(("dbt build", time.perf_counter() - t0))
        run.stop_when_done()  # the checks and the publication need no cluster
        carried = incremental.carried_tests(published, report.dbt.nodes) if selected else []
        if selected:
            report.incremental = incremental.describe(selected, carried)
        checks.join()
        t1 = time.perf_counter()
        record.seconds = t1 - t0
        report.quality = _check_and_publish(
            paths, candidate, report.dbt, carried, variables, record
        )
        report.steps.append(("quality and publish", time.perf_counter() - t1))
    except OSError as exc:
        raise CannotRun(describe_os_error(exc, "building the candidate warehouse")) from None
    finally:
        remove_database(candidate)


def check_published(paths: Paths | None = None, *, progress: bool = False) -> QualityReport:
    """``gvc check``: every quality rule on the published warehouse, never opened for writing.

    The published file is copied first; ``dbt test`` (with the settings it was built with)
    and the expectation suites run on the copy, so a publication meanwhile changes nothing
    here; the report names the published file and goes to ``reports/quality/``.
    """
    paths = paths or Paths.from_env()
    with published_copy(paths, "check") as copy:
        checks = ChecksPreload(None)  # dbt test computes nothing: no memory peak to wait for
        with step("dbt test", 1, progress):
            result = copy.run_dbt(["test"])
        checks.join()
        if result.could_not_run:
            raise _could_not_run(result, "dbt test", "the warehouse was not checked")
        return run_checks(
            copy.database,
            home=paths.home,
            report_dir=paths.reports / "quality",
            dbt_nodes=result.nodes,
            variables=copy.record.settings,
            published_as=paths.warehouse,
        )
