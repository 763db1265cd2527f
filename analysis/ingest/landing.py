"""``gvc ingest``: read every raw file, validate it, and land typed long Parquet atomically.

For each source (``raw_dir/<source>/``) every file is read and validated, and its tables are
written to ``landing_dir/.tmp-<source>-<random>/<table>/<raw file stem>.parquet`` (pyarrow,
zstd); the cross-file checks run once all files of the source are read. Only when every
requested source has been read, checked and staged are the temporary directories swapped in
for ``landing_dir/<source>/`` (old directory renamed aside, new one renamed in, old one
deleted). Any error before the swap removes the temporary directories and leaves every
previous landing untouched, so a failed ingest changes nothing.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from analysis.ingest.adb_mrio import read_adb_mrio
from analysis.ingest.errors import IngestError, os_reason
from analysis.ingest.kof import read_kof
from analysis.ingest.nbs import read_nbs
from analysis.ingest.schemas import SCHEMAS, write_parquet

Reader = Callable[[Path], dict[str, pd.DataFrame]]


@dataclass(frozen=True)
class SourceSpec:
    """A raw source: its folder name under raw_dir, raw file suffix, reader, landed tables."""

    name: str
    suffix: str
    reader: Reader
    tables: tuple[str, ...]


#: The sources ``ingest_all`` knows, by folder name (iterating gives the names).
SOURCES: Mapping[str, SourceSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            SourceSpec("adb_mrio", ".xlsx", read_adb_mrio, tuple(SCHEMAS["adb_mrio"])),
            SourceSpec("kof", ".xlsx", read_kof, tuple(SCHEMAS["kof"])),
            SourceSpec("nbs", ".csv", read_nbs, tuple(SCHEMAS["nbs"])),
        )
    }
)


@dataclass
class SourceReport:
    """What was landed for one source."""

    files: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class IngestReport:
    """Per landed source: files read, rows landed per table, seconds; plus notes.

    ``notes`` lists skipped sources (no raw files) and ignored files (other suffixes).
    """

    raw_dir: Path
    landing_dir: Path
    sources: dict[str, SourceReport] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def describe(self) -> str:
        lines = []
        for name, src in self.sources.items():
            tables = ", ".join(f"{table} {n:,} rows" for table, n in src.rows.items())
            lines.append(f"{name}: {len(src.files)} file(s) -> {tables} ({src.seconds:.1f}s)")
        lines += self.notes
        lines.append(f"landed in {self.landing_dir} in {self.seconds:.1f}s")
        return "\n".join(lines)


def raw_files(raw_dir: Path, source: str) -> tuple[list[Path], list[Path]]:
    """(files the source's reader takes, other entries ignored) in ``raw_dir/<source>/``.

    The reader takes the regular files (or links to one) with the source's suffix; every
    other entry is listed as ignored: files with other suffixes, directories, broken
    symbolic links (``ingest_all`` refuses those named like a raw file). Hidden files and
    Office lock files (``~$...``) are not listed at all.
    """
    folder = Path(raw_dir) / source
    if not folder.is_dir():
        return [], []
    suffix = SOURCES[source].suffix
    try:
        found = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "~")))
    except OSError as exc:
        raise IngestError(
            f"{folder}: cannot list the raw folder ({os_reason(exc)})",
            rule="raw folder unreadable",
        ) from None
    files = [p for p in found if p.suffix.lower() == suffix and p.is_file()]
    return files, [p for p in found if p not in files]


def _ignored_note(source: str, path: Path) -> str:
    """The report note for an ignored entry; IngestError for a raw file that cannot be read.

    A broken symbolic link, or anything but a regular file or directory (a FIFO, a socket),
    named like a raw file of the source is an error: silently skipping it would land the
    source without that file.
    """
    suffix = SOURCES[source].suffix
    if path.is_symlink() and not path.exists():
        if path.suffix.lower() == suffix:
            raise IngestError.at(
                path,
                f"broken symbolic link in {path.parent}: its target {os.readlink(path)!r} "
                f"does not exist (a {suffix} raw file of {source!r} that cannot be read)",
            )
        return f"{source}: ignored {path.name} (broken symbolic link)"
    if path.is_dir():
        return f"{source}: ignored {path.name}/ (a directory: sub-folders are not read)"
    if path.suffix.lower() == suffix:
        raise IngestError.at(
            path,
            f"not a regular file (a {suffix} raw file of {source!r} must be a file or a "
            "link to one)",
        )
    return f"{source}: ignored {path.name} (not a {suffix} file)"


@dataclass
class _AdbSeen:
    path: Path
    economies: list[str]


def _check_unique(
    path: Path,
    key: tuple[object, ...],
    seen: dict[tuple[object, ...], Path],
    what: str,
    rule: str,
) -> None:
    """One file per key within a source (names differing only in letter case included)."""
    if key in seen:
        other = seen[key]
        raise IngestError(
            f"{other.name} and {path.name}: both hold {what} ({rule}; keep one of them in "
            f"the raw folder)",
            file=path.name,
            rule=f"{what} twice",
        )
    seen[key] = path


def _check_adb_set(
    path: Path,
    tables: dict[str, pd.DataFrame],
    by_year: dict[tuple[str, int], Path],
    by_edition: dict[str, _AdbSeen],
) -> None:
    """Across ADB files: one file per (edition, year); one edition, one list of economies."""
    output = tables["output"]
    edition = str(output["edition"].iloc[0])
    year = int(output["year"].iloc[0])
    if (edition, year) in by_year:
        other = by_year[edition, year]
        raise IngestError(
            f"{other.name} and {path.name}: both hold the edition-{edition} table of {year} "
            "(one file per edition and year; keep one vintage in data/raw/adb_mrio/)",
            file=path.name,
            rule="same year and edition twice",
        )
    by_year[edition, year] = path
    economies = list(output["economy"].cat.categories)
    seen = by_edition.get(edition)
    if seen is None:
        by_edition[edition] = _AdbSeen(path, economies)
        return
    if economies != seen.economies:
        extra = [e for e in economies if e not in seen.economies]
        lacking = [e for e in seen.economies if e not in economies]
        detail = (
            f"only in {path.name}: {extra or 'none'}; only in {seen.path.name}: {lacking or 'none'}"
            if extra or lacking
            else "same economies in a different order"
        )
        raise IngestError(
            f"{path.name} and {seen.path.name}: edition {edition} files must list the same "
            f"economies in the same order ({detail})",
            file=path.name,
            rule="economies differ within an edition",
        )


@contextmanager
def _progress_bar(enabled: bool, total: int) -> Iterator[Callable[[str], None]]:
    if not enabled:
        yield lambda _description: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ) as bar:
        task = bar.add_task("ingest", total=total)
        state = {"started": False}

        def step(description: str) -> None:
            if state["started"]:
                bar.advance(task)
            state["started"] = True
            bar.update(task, description=description)

        yield step
        if state["started"]:
            bar.advance(task)


def _stage_source(
    source: str,
    files: list[Path],
    tmp: Path,
    step: Callable[[str], None],
) -> SourceReport:
    """Read, validate and write every file of ``source`` under ``tmp``; cross-file checks."""
    spec = SOURCES[source]
    report = SourceReport()
    t0 = time.perf_counter()
    for table in spec.tables:
        (tmp / table).mkdir(parents=True)
    by_year: dict[tuple[str, int], Path] = {}
    by_edition: dict[str, _AdbSeen] = {}
    seen: dict[tuple[object, ...], Path] = {}
    for path in files:
        step(f"{source}: {path.name}")
        tables = spec.reader(path)
        if set(tables) != set(spec.tables):
            raise IngestError(
                f"{path.name}: reader returned tables {sorted(tables)}, expected "
                f"{sorted(spec.tables)}"
            )
        if source == "adb_mrio":
            _check_adb_set(path, tables, by_year, by_edition)
        elif source == "nbs":
            stats = tables["industry_stats"]
            table, year = str(stats["table_name"].iloc[0]), int(stats["year"].iloc[0])
            what = f"the NBS {table} table of {year}"
            _check_unique(path, (table, year), seen, what, "one file per table and year")
        elif source == "kof":
            vintage = int(tables["kof_index"]["vintage"].iloc[0])
            what = f"the KOF release of vintage {vintage}"
            _check_unique(path, (vintage,), seen, what, "one file per vintage")
        for table, frame in tables.items():
            rows = write_parquet(source, table, frame, tmp / table / f"{path.stem}.parquet")
            report.rows[table] = report.rows.get(table, 0) + rows
        report.files.append(path.name)
        del tables
    report.seconds = time.perf_counter() - t0
    return report


def _swap(landing_dir: Path, source: str, tmp: Path, token: str) -> None:
    """Replace ``landing_dir/<source>`` by ``tmp``: rename aside, rename in, delete old."""
    target = landing_dir / source
    old = landing_dir / f".old-{source}-{token}"
    had_old = target.exists()
    if had_old:
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except BaseException:
        if had_old:
            os.replace(old, target)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)


def _recover(landing_dir: Path, source: str) -> None:
    """Undo what a killed earlier run left behind: restore or delete ``.old-<source>-*``.

    Stale ``.tmp-<source>-*`` directories (never swapped in) are deleted.
    """
    if not landing_dir.is_dir():
        return
    target = landing_dir / source
    olds = sorted(landing_dir.glob(f".old-{source}-*"), key=lambda p: p.stat().st_mtime)
    if olds and not target.exists():
        os.replace(olds.pop(), target)
    for stale in [*olds, *landing_dir.glob(f".tmp-{source}-*")]:
        shutil.rmtree(stale, ignore_errors=True)


def ingest_all(
    raw_dir: Path,
    landing_dir: Path,
    sources: Sequence[str] | None = None,
    progress: bool = False,
) -> IngestReport:
    """Land every source of ``raw_dir`` that has files, or exactly ``sources``.

    Without ``sources``, a source folder without raw files is skipped with a note in the
    report; a source requested explicitly must have files. Raises IngestError (after
    removing the temporary directories; previous landings untouched) on any invalid file.
    """
    t_start = time.perf_counter()
    raw_dir, landing_dir = Path(raw_dir), Path(landing_dir)
    requested = list(dict.fromkeys(sources)) if sources else list(SOURCES)
    unknown = [s for s in requested if s not in SOURCES]
    if unknown:
        raise IngestError(f"unknown source(s) {unknown}; known sources: {list(SOURCES)}")
    report = IngestReport(raw_dir=raw_dir, landing_dir=landing_dir)
    plan: dict[str, list[Path]] = {}
    for source in requested:
        files, ignored = raw_files(raw_dir, source)
        for path in ignored:
            report.notes.append(_ignored_note(source, path))
        if files:
            plan[source] = files
        elif sources:
            raise IngestError(
                f"{raw_dir / source}: no {SOURCES[source].suffix} files for the requested "
                f"source {source!r}"
            )
        else:
            report.skipped.append(source)
            report.notes.append(f"{source}: no raw files in {raw_dir / source}, skipped")
    if not plan:
        report.seconds = time.perf_counter() - t_start
        return report

    landing_dir.mkdir(parents=True, exist_ok=True)
    for source in plan:
        _recover(landing_dir, source)
    token = secrets.token_hex(4)
    staged: dict[str, Path] = {}
    try:
        with _progress_bar(progress, sum(len(f) for f in plan.values())) as step:
            for source, files in plan.items():
                tmp = landing_dir / f".tmp-{source}-{token}"
                staged[source] = tmp
                report.sources[source] = _stage_source(source, files, tmp, step)
        for source, tmp in staged.items():
            _swap(landing_dir, source, tmp, token)
    finally:
        for tmp in staged.values():
            shutil.rmtree(tmp, ignore_errors=True)
    report.seconds = time.perf_counter() - t_start
    return report
