"""``gvc ingest``: read every raw file, validate it, land typed long Parquet as a new version.

Per source, every raw file is hashed (SHA-256). A file whose name and hash are in the current
landing is not read again: its Parquet files are hard-linked into the new version. The other
files are read and validated on the runner (a Dask cluster or this process,
``analysis.parallel``), each written to ``<version>/<source>/<table>/<raw name>.parquet``;
then the checks across files run and the new version replaces the current one atomically
(``analysis.ingest.store``). Any error before that leaves the previous landing as it was.
Sources not asked for keep their landed files as they are.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from analysis.config import Paths
from analysis.errors import CannotRun, describe_os_error
from analysis.ingest.checks import CHECKS
from analysis.ingest.errors import IngestError
from analysis.ingest.hashing import sha256_file
from analysis.ingest.schemas import write_parquet
from analysis.ingest.sources import SOURCES, MissingSource, ignored_note, raw_files
from analysis.ingest.store import (
    LandedFile,
    LandingStore,
    Manifest,
    file_stat,
    parquet_name,
    reader_fingerprint,
)
from analysis.lock import landing_lock, writer_lock
from analysis.parallel import Runner, release_freed_memory, runner
from analysis.progress import step


@dataclass
class FileLine:
    """One raw file in the ingest report."""

    source: str
    name: str
    reused: bool
    meta: dict
    rows: dict[str, int]

    def describe(self) -> str:
        m = self.meta
        if self.source == "adb_mrio":
            how = "named" if m["edition_named"] else "inferred"
            what = (
                f"year {m['year']}, edition {m['edition']} ({how}), vintage {m['vintage']}, "
                f"{len(m['economies'])} economies"
            )
        elif self.source == "kof":
            what = f"release {m['vintage']}"
        else:
            what = f"{m['table']} table, year {m['year']}, {m['classification']}"
        flags = (" SYNTHETIC" if m.get("synthetic") else "") + (
            " (unchanged, not read again)" if self.reused else ""
        )
        return f"{self.source}: {self.name}: {what}{flags}"


@dataclass
class IngestReport:
    """What one ingest landed: a line per raw file, notes, the version and timings."""

    raw_dir: Path
    landing_dir: Path
    files: list[FileLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    version: Path | None = None
    seconds: float = 0.0
    read_on: str = ""  # where the files were read (Runner.describe)

    @property
    def sources(self) -> dict[str, list[FileLine]]:
        out: dict[str, list[FileLine]] = {}
        for line in self.files:
            out.setdefault(line.source, []).append(line)
        return out

    def describe(self, every_file: bool = True) -> str:
        """A line per raw file (only the files read when not ``every_file``), notes, total."""
        read = sum(not f.reused for f in self.files)
        lines = [f.describe() for f in self.files if every_file or not f.reused] + self.notes
        on = f" {self.read_on}" if read and self.read_on else ""
        lines.append(
            f"landed {len(self.files)} raw files ({read} read{on}, {len(self.files) - read} "
            f"unchanged) as {self.version} in {self.seconds:.1f}s"
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class _Task:
    source: str
    path: Path
    out: Path  # the new version folder
    stat: tuple[int, ...]  # file_stat(path), taken before the task reads or hashes it
    landed_sha256: str | None = None  # landed SHA-256 of a file of this name and size


def land_file(task: _Task) -> LandedFile | None:
    """Read one raw file and write its landed tables (runs on a Dask worker or here); None,
    without reading it, when its bytes are those already landed (``landed_sha256``).

    What the read freed goes back to the operating system before the next file
    (:func:`analysis.parallel.release_freed_memory`, 1-10 ms: the frames hold no reference
    cycles, so no collection is needed): a worker otherwise kept about 180 MiB of a
    full-size ADB-72 file's read (72 economies + RoW) into the next one's, whose peak
    (calamine's, about 520 MiB) came on top of it."""
    try:
        return _land_one(task)
    finally:
        release_freed_memory(collect=False)


def _land_one(task: _Task) -> LandedFile | None:
    if task.landed_sha256 is not None and sha256_file(task.path) == task.landed_sha256:
        return None
    spec = SOURCES[task.source]
    tables = spec.reader(task.path)
    if set(tables) != set(spec.tables):
        raise IngestError(
            f"{task.path.name}: reader returned tables {sorted(tables)}, expected "
            f"{sorted(spec.tables)}"
        )
    rows = {}
    for table, frame in tables.items():
        folder = task.out / task.source / table
        folder.mkdir(parents=True, exist_ok=True)
        rows[table] = write_parquet(
            task.source, table, frame, folder / parquet_name(task.path.name)
        )
    files = tables["files"].iloc[0].to_dict()
    meta = {k: _plain(v) for k, v in files.items() if k not in ("source_file", "file_sha256")}
    if task.source == "adb_mrio":
        meta["economies"] = [str(e) for e in tables["output"]["economy"].cat.categories]
    elif task.source == "nbs":
        meta["table"] = meta.pop("table_name")
    return LandedFile(str(files["file_sha256"]), task.stat[2], rows, meta, list(task.stat))


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _link_landed(source: str, name: str, old: Path, new: Path) -> None:
    for table in SOURCES[source].tables:
        folder = new / source / table
        folder.mkdir(parents=True, exist_ok=True)
        os.link(old / source / table / parquet_name(name), folder / parquet_name(name))


def _plan(raw_dir: Path, source: str, report: IngestReport) -> list[Path]:
    files, ignored = raw_files(raw_dir, source)
    report.notes += [ignored_note(source, p) for p in ignored]
    return files


def _refuse_missing(raw_dir: Path, missing: list[MissingSource], requested: list[str]) -> None:
    """The first missing source's error; a hint at ``gvc sample`` when every one is missing."""
    if not missing:
        return
    if len(missing) == len(requested) == len(SOURCES):
        raise IngestError(
            f"{raw_dir} holds no raw files (its adb_mrio, kof and nbs folders are missing or "
            f"empty); nothing was landed or published. Put the publishers' files in "
            f"{raw_dir}/<source>/ (README, 'Putting real data in') or write the synthetic "
            "sample with `gvc sample`",
            file=str(raw_dir),
            rule="no raw files",
        )
    raise missing[0]


def _keep(source, previous: Manifest | None, err: MissingSource) -> dict[str, LandedFile]:
    kept = (previous.sources if previous else {}).get(source)
    if not kept:
        raise IngestError(
            f"source {source!r}: {err.folder} {err.reason}, and nothing is landed for it to "
            "keep; put its raw files there",
            file=str(err.folder),
            rule=err.reason,
        )
    return kept


def ingest_all(
    raw_dir: Path,
    landing_dir: Path,
    sources: Sequence[str] | None = None,
    *,
    keep_landed: Sequence[str] = (),
    run: Runner | None = None,
    progress: bool = False,
    before_reading: Callable[[list[tuple[str, Path]]], None] | None = None,
) -> IngestReport:
    """Land ``sources`` (default: all) from ``raw_dir`` as a new version of ``landing_dir``.

    Does not take the writer lock (``ingest`` does); takes the landing's ingest lock
    (``analysis.lock.landing_lock``: WriterLocked while another process ingests into
    ``landing_dir``, for any warehouse). A source in ``keep_landed`` keeps its
    landed files when its raw folder is missing or empty; other sources not asked for keep
    theirs as they are. Raises IngestError (landing untouched) on any invalid file.
    ``before_reading(files)`` runs once the plan holds files to read (new, or of another size
    than landed: (source, path) each), before the reading starts.
    """
    t0 = time.perf_counter()
    raw_dir, landing_dir = Path(raw_dir), Path(landing_dir)
    requested = list(dict.fromkeys(sources)) if sources else list(SOURCES)
    unknown = [s for s in [*requested, *keep_landed] if s not in SOURCES]
    if unknown:
        raise IngestError(f"unknown source(s) {unknown}; known sources: {list(SOURCES)}")
    with landing_lock(landing_dir):  # warehouses may share it: one ingest at a time
        store = LandingStore(landing_dir)
        previous = store.manifest()
        report = IngestReport(raw_dir, landing_dir)
        reader = reader_fingerprint()
        reuse = previous
        if previous is not None and previous.reader != reader:
            requested, reuse = list(SOURCES), None
            report.notes.append(
                "the landing was written by another version of the readers: every raw file of "
                "every source is read again"
            )
        plan, landed, missing = _plan_sources(raw_dir, requested, keep_landed, previous, report)
        if reuse is None and any(source not in plan for source in landed):
            reader = ""  # files kept as other readers wrote them: read them again next time
        _refuse_missing(raw_dir, missing, requested)
        try:
            tmp = store.begin()
        except OSError as exc:
            raise CannotRun(describe_os_error(exc, "creating the landing")) from None
        try:
            run = run or Runner()
            _land(plan, landed, reuse, store, tmp, report, run, progress, before_reading)
            for source, files in landed.items():
                report.notes += CHECKS[source]({n: f.meta for n, f in files.items()})
            report.version = store.commit(tmp, Manifest(sources=landed, reader=reader))
        except OSError as exc:
            raise CannotRun(describe_os_error(exc, "writing the landing")) from None
        finally:
            if tmp.exists():
                store.clean()
        report.seconds = time.perf_counter() - t0
        return report


def _plan_sources(raw_dir, requested, keep_landed, previous, report):
    """(raw files to land per requested source, landed files kept per other source, missing
    sources): sources not requested keep their landed files; a requested source whose folder
    is missing or empty keeps them only if named in ``keep_landed``."""
    plan: dict[str, list[Path]] = {}
    landed: dict[str, dict[str, LandedFile]] = {}
    missing: list[MissingSource] = []
    for source in SOURCES:
        if source not in requested:
            landed[source] = (previous.sources if previous else {}).get(source, {})
            continue
        try:
            plan[source] = _plan(raw_dir, source, report)
        except MissingSource as err:
            if source not in keep_landed:
                missing.append(err)
                continue
            landed[source] = _keep(source, previous, err)
            report.notes.append(f"{source}: {err.folder} {err.reason}; kept the landed files")
    return plan, landed, missing


def _longest_first(tasks: list[_Task]) -> list[_Task]:
    """Files to read (new, or another size than landed) before files that may only need
    hashing, each group largest first: the longest task starts at once, and the short ones
    fill the other workers around it (a new ADB year: its 4-5 s read, not the queue of
    hashes before it, sets the ingest's time)."""
    return sorted(tasks, key=lambda t: (t.landed_sha256 is not None, -t.stat[2]))


def _reuse(source, name, old: LandedFile, current, tmp, landed, report) -> None:
    """Link an unchanged file's landed tables into the new version and record it."""
    _link_landed(source, name, current, tmp)
    landed.setdefault(source, {})[name] = old
    report.files.append(FileLine(source, name, True, old.meta, old.rows))


def _land(plan, landed, previous, store, tmp, report, run: Runner, progress, before) -> None:
    """Read the planned files on ``run``: a file landed under its name with the same
    :func:`file_stat` is linked at once; one of the same size is hashed first (one pass
    over its bytes, in the same task) and linked when its bytes are those landed."""
    old_files = previous.sources if previous else {}
    current = store.current()
    # unchanged sources not asked for: link their landed files into the new version
    for source, files in landed.items():
        for name in files:
            _link_landed(source, name, current, tmp)
    tasks = []
    for source, paths in plan.items():
        for path in paths:
            old = old_files.get(source, {}).get(path.name) if current is not None else None
            stat = file_stat(path)
            if old is not None and old.stat == stat:
                _reuse(source, path.name, old, current, tmp, landed, report)
                continue
            same = old is not None and old.size == stat[2]
            tasks.append(_Task(source, path, tmp, tuple(stat), old.sha256 if same else None))
    tasks = _longest_first(tasks)
    # the MRIO tables to read (the other sources' files are small; a file of the landed size
    # is only hashed, a tenth of a second, unless its bytes changed)
    run.plan(sum(t.source == "adb_mrio" and t.landed_sha256 is None for t in tasks))
    if before is not None and tasks and tasks[0].landed_sha256 is None:
        before([(t.source, t.path) for t in tasks if t.landed_sha256 is None])
    with step("ingest", len(tasks), progress) as bar:
        results = run.map(land_file, tasks, lambda t, _: bar.advance(f"{t.source}: {t.path.name}"))
    report.read_on = run.describe()
    for task, result in zip(tasks, results, strict=True):
        if result is None:  # the bytes already landed: next time, its stat says so
            old = replace(old_files[task.source][task.path.name], stat=list(task.stat))
            _reuse(task.source, task.path.name, old, current, tmp, landed, report)
            continue
        landed.setdefault(task.source, {})[task.path.name] = result
        report.files.append(FileLine(task.source, task.path.name, False, result.meta, result.rows))
    for source in plan:
        landed.setdefault(source, {})
    report.files.sort(key=lambda f: (list(SOURCES).index(f.source), f.name))


def ingest(
    paths: Paths,
    sources: Sequence[str] | None = None,
    *,
    keep_landed: Sequence[str] = (),
    run: Runner | None = None,
    progress: bool = False,
) -> IngestReport:
    """``gvc ingest``: take the writer lock and land the raw files of ``paths``."""
    with writer_lock(paths), nullcontext(run) if run is not None else runner() as use:
        return ingest_all(
            paths.raw, paths.landing, sources, keep_landed=keep_landed, run=use, progress=progress
        )
