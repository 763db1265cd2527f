"""A private copy of the published warehouse, for ``gvc check`` and ``gvc docs``.

dbt opens its database for writing and DuckDB lets no process write a file that readers
hold, so these commands never open the published file: they copy it into a folder of their
own beside it (``.check-<pid>-<token>``, ``.docs-<pid>-<token>``), read its build record
from the copy and run everything on the copy, so a publication in the meantime changes
nothing they report. The folder is removed at the end; one left by a killed process is
removed by the next build, check or docs run once that process is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from analysis.build_record import BuildRecord, read_record
from analysis.config import Paths
from analysis.dbt_runner import DbtResult, run_dbt
from analysis.errors import CannotRun, describe_os_error
from analysis.parallel import ClusterSpec

_COPY_FOLDER = re.compile(r"^\.(?:check|docs)-(?P<pid>\d+)-[0-9a-f]{8}$")


@dataclass(frozen=True)
class PublishedCopy:
    """The copy, the build record read from it, and how to run dbt on it."""

    paths: Paths
    database: Path
    record: BuildRecord

    def run_dbt(self, args: list[str], collect: Callable[[Path], None] | None = None) -> DbtResult:
        """``dbt <args>`` on the copy, with the settings it was built with, in-process."""
        return run_dbt(
            args, paths=self.paths, database=self.database, variables=self.record.settings,
            env=ClusterSpec(workers=0).env(), echo=False, collect=collect,
        )  # fmt: skip


@contextmanager
def published_copy(paths: Paths, purpose: str) -> Iterator[PublishedCopy]:
    """A copy of the published warehouse in a folder of its own, removed on exit.

    CannotRun when nothing is published, the file has no build record, or copying fails.
    """
    if not paths.warehouse.is_file():
        raise CannotRun(f"no published warehouse at {paths.warehouse}: run `gvc build`")
    remove_dead_copies(paths.warehouse_dir)
    work = paths.warehouse_dir / f".{purpose}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        try:
            work.mkdir()
            shutil.copyfile(paths.warehouse, work / f"{purpose}.duckdb")
        except OSError as exc:
            raise CannotRun(describe_os_error(exc, "copying the published warehouse")) from None
        record = read_record(work / f"{purpose}.duckdb")
        if record is None:
            raise CannotRun(
                f"{paths.warehouse} has no build record (table gvc_build): it was not "
                "published by `gvc build`; run `gvc build --force`"
            )
        yield PublishedCopy(paths, work / f"{purpose}.duckdb", record)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_dead_copies(folder: Path) -> list[Path]:
    """Delete the copy folders in ``folder`` whose process no longer runs."""
    removed = []
    for path in sorted(Path(folder).glob(".*-*-*")):
        found = _COPY_FOLDER.match(path.name)
        if found and path.is_dir() and not _alive(int(found["pid"])):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
