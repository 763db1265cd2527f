"""The landing as immutable versions behind one pointer, swapped atomically.

Layout of ``GVC_LANDING`` (default ``warehouse/landing``)::

    current -> v-20261126T023001-9f2c1a0b      symbolic link: the landing in use
    v-20261126T023001-9f2c1a0b/
        manifest.json                          raw files landed (name, SHA-256, tables, what
                                               each file is), when, and by which readers
        adb_mrio/flows/<raw file name>.parquet ...

An ingest writes a complete new version in a temporary folder (unchanged raw files are
hard-linked from the current version, not read again), then renames it and replaces the
``current`` link with ``os.replace``, which is atomic: a kill at any instant leaves the
previous landing or the new one for every source, never a mix. Leftovers of a killed run
(temporary folders, versions no longer current) are removed by the next ingest.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis.errors import CannotRun, describe_os_error

CURRENT, MANIFEST, FORMAT = "current", "manifest.json", 1
#: Folders of the landing layout before versions (one folder per source), removed on commit.
LEGACY = ("adb_mrio", "kof", "nbs")


@dataclass
class LandedFile:
    """One landed raw file: its hash, rows per landed table, what the reader found, and the
    raw file's :func:`file_stat` taken before its bytes were read or hashed."""

    sha256: str
    size: int
    rows: dict[str, int]
    meta: dict[str, Any] = field(default_factory=dict)
    stat: list[int] | None = None


def file_stat(path: Path) -> list[int]:
    """(device, inode, size, mtime_ns, ctime_ns) of ``path`` (following links).

    The same five numbers again mean the same bytes: writing a file moves its ctime, which no
    program can set back (copies with ``cp -p`` or ``rsync -a`` keep the mtime, but are new
    files with a new inode and ctime). An ingest links such a file's landed tables without
    hashing it (1.6 GB of ADB tables at full size); any other change is hashed, and read
    when the hash differs.
    """
    st = Path(path).stat()
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


@dataclass
class Manifest:
    """What a landing version holds, per source and raw file name."""

    version: str = ""
    created: str = ""
    sources: dict[str, dict[str, LandedFile]] = field(default_factory=dict)
    #: fingerprint of the readers that wrote the landed files (``reader_fingerprint``)
    reader: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "reader": self.reader,
                "version": self.version,
                "created": self.created,
                "sources": {
                    source: {name: vars(f) for name, f in sorted(files.items())}
                    for source, files in self.sources.items()
                },
            },
            indent=1,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        return cls(
            data.get("version", ""),
            data.get("created", ""),
            {
                source: {name: LandedFile(**f) for name, f in files.items()}
                for source, files in data.get("sources", {}).items()
            },
            data.get("reader", ""),
        )

    def hashes(self) -> dict[str, dict[str, str]]:
        """{source: {raw file name: sha256}}."""
        return {s: {n: f.sha256 for n, f in files.items()} for s, files in self.sources.items()}


def reader_fingerprint() -> str:
    """SHA-256 (20 hex digits) over the source of the readers and schemas (this package and
    ``analysis/reference.py``): landed files written by other readers are read again, so a
    reader fix reaches every file and the landed tables always share one schema."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in [*sorted(here.glob("*.py")), here.parent / "reference.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def parquet_name(raw_name: str) -> str:
    """The landed file of a raw file in each table folder: ``<raw file name>.parquet``."""
    return f"{raw_name}.parquet"


class LandingStore:
    """The versions under ``root`` and the ``current`` pointer."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def pointer(self) -> Path:
        return self.root / CURRENT

    def current(self) -> Path | None:
        """The current version folder, or None before the first ingest.

        ``current`` is a symbolic link; a real folder in its place (a landing copied with
        ``cp -r``) is used as it is and replaced by the link at the next ingest. That
        replacement moves the folder aside (``.old-*``) and then puts the link in place: if a
        kill falls between the two, the folder moved aside is still the current landing.
        """
        if self.pointer.is_symlink():
            target = self.root / os.readlink(self.pointer)
        elif self.pointer.exists():
            target = self.pointer
        else:
            aside = [p for p in self.root.glob(".old-*") if (p / MANIFEST).is_file()]
            target = max(aside, key=lambda p: p.stat().st_mtime) if aside else self.pointer
        return target if (target / MANIFEST).is_file() else None

    def manifest(self) -> Manifest | None:
        """The current version's manifest, or None; CannotRun if it cannot be read."""
        current = self.current()
        if current is None:
            return None
        try:
            return Manifest.from_json((current / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError) as exc:
            raise CannotRun(
                f"the landing manifest {current / MANIFEST} cannot be read ({exc}); run "
                "`gvc ingest` after removing that landing version"
            ) from None

    def begin(self) -> Path:
        """A new, empty temporary folder for the next version."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".tmp-{secrets.token_hex(4)}"
        tmp.mkdir()
        return tmp

    def commit(self, tmp: Path, manifest: Manifest) -> Path:
        """Write the manifest, make ``tmp`` a version and point ``current`` at it (atomic)."""
        stamp = datetime.now(UTC)
        name = f"v-{stamp:%Y%m%dT%H%M%S}-{tmp.name.rsplit('-', 1)[-1]}"
        manifest.version, manifest.created = name, stamp.isoformat(timespec="seconds")
        try:
            _write_synced(tmp / MANIFEST, manifest.to_json())
            version = self.root / name
            os.rename(tmp, version)
            link = self.root / f".link-{secrets.token_hex(4)}"
            os.symlink(name, link)
            if self.pointer.is_dir() and not self.pointer.is_symlink():  # a copied landing
                os.rename(self.pointer, self.root / f".old-{secrets.token_hex(4)}")
            os.replace(link, self.pointer)
            _sync_dir(self.root)
        except OSError as exc:
            raise CannotRun(describe_os_error(exc, "writing the landing")) from None
        self.clean()
        return version

    def clean(self) -> list[Path]:
        """Remove temporary folders, versions other than the current one, legacy folders."""
        current = self.current()
        removed = []
        for entry in self.root.iterdir() if self.root.is_dir() else []:
            stale = entry.name.startswith((".tmp-", ".link-", ".old-")) or (
                entry.name.startswith("v-") and entry.resolve() != (current or entry).resolve()
            )
            if current is not None and entry.resolve() == current.resolve():
                stale = False  # a copied landing moved aside by a commit that was killed
            if current is not None and entry.name in LEGACY and entry.is_dir():
                stale = True
            if stale and entry != self.pointer:
                if entry.is_symlink() or entry.is_file():
                    entry.unlink(missing_ok=True)
                else:
                    shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        return removed


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
