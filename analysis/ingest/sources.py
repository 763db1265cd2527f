"""The raw sources: their folders under ``GVC_RAW``, readers, landed tables, and what a
folder may hold.

A source folder that is missing, not a folder, a symbolic-link loop, unreadable, or without
a single raw file is an error naming the source and the folder (a warehouse must never keep
publishing the previous landing's values while saying it was refreshed); the caller can ask
explicitly to keep what is landed for a source (``--keep-landed SOURCE``).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from analysis.errors import os_reason
from analysis.ingest.adb_mrio import read_adb_mrio
from analysis.ingest.errors import IngestError
from analysis.ingest.kof import read_kof
from analysis.ingest.nbs import read_nbs
from analysis.ingest.schemas import SCHEMAS

Reader = Callable[[Path], dict[str, pd.DataFrame]]


@dataclass(frozen=True)
class SourceSpec:
    """A raw source: folder name under raw_dir, raw file suffix, reader, landed tables, and
    the version of what its reader lands (``landing_format``)."""

    name: str
    title: str
    suffix: str
    reader: Reader
    tables: tuple[str, ...]
    #: Raised when the reader lands other values from the same bytes (codes, columns): a file
    #: landed under another format is read again even when unchanged (docs/raw-layouts.md).
    #: adb_mrio 2: ADB's published row codes (r99, r61..r64, trs) instead of r61..r66.
    landing_format: int = 1


#: The sources ``gvc ingest`` knows, by folder name (iterating gives the names).
SOURCES: Mapping[str, SourceSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            SourceSpec(
                "adb_mrio", "ADB-MRIO", ".xlsx", read_adb_mrio, tuple(SCHEMAS["adb_mrio"]), 2
            ),
            SourceSpec("kof", "KOF Globalisation Index", ".xlsx", read_kof, tuple(SCHEMAS["kof"])),
            SourceSpec("nbs", "NBS statistics", ".csv", read_nbs, tuple(SCHEMAS["nbs"])),
        )
    }
)


class MissingSource(IngestError):
    """A source has no readable raw files; ``source`` and ``folder`` say which."""

    def __init__(self, source: str, folder: Path, reason: str) -> None:
        self.source, self.folder, self.reason = source, folder, reason
        super().__init__(
            f"source {source!r}: {folder} {reason}; nothing was landed or published. Put the "
            f"{SOURCES[source].title} files there, or keep what is landed for it with "
            f"`--keep-landed {source}`",
            file=str(folder),
            rule=reason,
        )


def _folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be read as a source folder, or None."""
    try:
        info = folder.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symbolic-link loop"
        if exc.errno == errno.ENOENT:
            return "is missing" if not folder.is_symlink() else "is a broken symbolic link"
        return f"cannot be read ({os_reason(exc)})"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if not os.access(folder, os.R_OK | os.X_OK):
        return "cannot be read (permission denied)"
    return None


def raw_files(raw_dir: Path, source: str) -> tuple[list[Path], list[Path]]:
    """(files the source's reader takes, other entries ignored) in ``raw_dir/<source>/``.

    MissingSource when the folder is missing, unreadable or a loop, or holds no raw file.
    The reader takes the regular files (or links to one) with the source's suffix; every
    other entry is listed as ignored. Hidden files and Office lock files (``~$...``) are
    not listed at all.
    """
    folder = Path(raw_dir) / source
    problem = _folder_problem(folder)
    if problem is not None:
        raise MissingSource(source, folder, problem)
    suffix = SOURCES[source].suffix
    try:
        found = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "~")))
    except OSError as exc:
        raise MissingSource(source, folder, f"cannot be listed ({os_reason(exc)})") from None
    files = [p for p in found if p.suffix.lower() == suffix and _is_file(p)]
    if not files:
        raise MissingSource(source, folder, f"holds no {suffix} file")
    return files, [p for p in found if p not in files]


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def ignored_note(source: str, path: Path) -> str:
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
