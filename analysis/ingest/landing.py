"""``gvc ingest``: read every raw file, validate, and land Parquet atomically.

All files of all requested sources are read and checked first; only then is each source
written to a temporary directory beside the landing directory and swapped in. Any error
leaves every previous landing untouched and removes the temporary directories.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from rich.progress import Progress

from analysis.ingest.adb_mrio import parse_file_name, read_adb_mrio
from analysis.ingest.errors import IngestError
from analysis.ingest.kof import read_kof
from analysis.ingest.nbs import read_nbs

Reader = Callable[[Path], dict[str, pa.Table]]
SOURCES: dict[str, tuple[str, Reader]] = {
    "adb_mrio": ("*.xlsx", read_adb_mrio),
    "kof": ("*.xlsx", read_kof),
    "nbs": ("*.csv", read_nbs),
}


@dataclass
class IngestReport:
    """Files read and rows landed, per source."""

    files: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def describe(self) -> str:
        lines = [
            f"{source}: {len(files)} file(s) -> "
            + ", ".join(f"{table} {n:,} rows" for table, n in self.rows[source].items())
            for source, files in self.files.items()
        ]
        lines += [f"{source}: no raw files, skipped" for source in self.skipped]
        return "\n".join(lines + [f"ingest took {self.seconds:.1f}s"])


def raw_files(raw_dir: Path, source: str) -> list[Path]:
    pattern = SOURCES[source][0]
    folder = Path(raw_dir) / source
    return sorted(p for p in folder.glob(pattern) if not p.name.startswith(("~", ".")))


def _check_adb_set(files: list[Path], tables: list[dict[str, pa.Table]]) -> None:
    """No (edition, year) twice; one edition always has the same economies."""
    seen: dict[tuple[str, int], Path] = {}
    economies: dict[str, tuple[list[str], Path]] = {}
    for path, t in zip(files, tables, strict=True):
        flows = t["output"]
        edition = flows["edition"][0].as_py()
        year = parse_file_name(path).year
        if (edition, year) in seen:
            raise IngestError(
                f"{path.name} and {seen[edition, year].name}: both hold the "
                f"edition-{edition} table of {year}; keep one vintage per year"
            )
        seen[edition, year] = path
        listed = list(dict.fromkeys(flows["economy"].to_pylist()))
        if edition in economies and economies[edition][0] != listed:
            raise IngestError(
                f"{path.name}: economies differ from {economies[edition][1].name} "
                f"of the same edition {edition}"
            )
        economies.setdefault(edition, (listed, path))


def ingest_all(
    raw_dir: Path,
    landing_dir: Path,
    sources: Sequence[str] | None = None,
    progress: bool = False,
) -> IngestReport:
    """Land every source that has raw files (or exactly ``sources``); see module doc."""
    t0 = time.perf_counter()
    raw_dir, landing_dir = Path(raw_dir), Path(landing_dir)
    requested = list(sources) if sources else list(SOURCES)
    unknown = set(requested) - set(SOURCES)
    if unknown:
        raise IngestError(f"unknown source(s) {sorted(unknown)}; known: {sorted(SOURCES)}")
    report = IngestReport()
    plan = {s: raw_files(raw_dir, s) for s in requested}
    for source, files in plan.items():
        if not files:
            if sources:
                raise IngestError(f"{raw_dir / source}: no raw files for requested source")
            report.skipped.append(source)
    read: dict[str, dict[str, list[tuple[Path, pa.Table]]]] = {}
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("reading raw files", total=sum(len(f) for f in plan.values()))
        for source, files in plan.items():
            if not files:
                continue
            reader = SOURCES[source][1]
            tables = []
            for path in files:
                bar.update(task, description=f"reading {path.name}")
                tables.append(reader(path))
                bar.advance(task)
            if source == "adb_mrio":
                _check_adb_set(files, tables)
            read[source] = {}
            for path, result in zip(files, tables, strict=True):
                for table, data in result.items():
                    read[source].setdefault(table, []).append((path, data))
    _publish(landing_dir, read, report)
    report.seconds = time.perf_counter() - t0
    return report


def _publish(landing_dir: Path, read: dict, report: IngestReport) -> None:
    landing_dir.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    staged: dict[str, Path] = {}
    try:
        for source, tables in read.items():
            tmp = landing_dir / f".tmp-{source}-{token}"
            report.files[source] = sorted({p.name for rows in tables.values() for p, _ in rows})
            report.rows[source] = {}
            for table, parts in tables.items():
                (tmp / table).mkdir(parents=True)
                for path, data in parts:
                    pq.write_table(data, tmp / table / f"{path.stem}.parquet", compression="zstd")
                report.rows[source][table] = sum(d.num_rows for _, d in parts)
            staged[source] = tmp
        for source, tmp in staged.items():
            target = landing_dir / source
            old = landing_dir / f".old-{source}-{token}"
            if target.exists():
                os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        for tmp in staged.values():
            shutil.rmtree(tmp, ignore_errors=True)
