"""The landing as immutable versions behind one pointer, swapped atomically.

Layout of ``GVC_LANDING`` (default ``warehouse/landing``)::

    current -> v-20261126T023001-9f2c1a0b      symbolic link: the landing in use
    v-20261126T023001-9f2c1a0b/
        manifest.json                          raw files landed (name, SHA-256, tables, what
                                               each file is), when, and by which readers
        adb_mrio/flows/<raw file name>.parquet ...
    .pins/v-20261126T023001-9f2c1a0b.lock      locked (shared) by the builds reading it

An ingest writes a complete new version in a temporary folder (unchanged raw files are
hard-linked from the current version, not read again), then renames it and replaces the
``current`` link with ``os.replace``, which is atomic: a kill at any instant leaves the
previous landing or the new one for every source, never a mix. Leftovers of a killed run
(temporary folders, versions no longer current) are removed by the next ingest.

A build reads one version from start to end (:meth:`LandingStore.pin_current`): it holds a
shared ``flock`` on ``.pins/<version>.lock`` meanwhile, and an ingest removes a version no
longer current only when it can lock that file exclusively, so an ingest for another
warehouse sharing the landing (``GVC_LANDING``) never deletes the files a build is reading;
the next ingest after the build removes them (and the pin files of versions removed some
other way, by hand say).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from analysis.errors import CannotRun, describe_os_error

CURRENT, MANIFEST, FORMAT = "current", "manifest.json", 1
#: Folder of the lock files by which builds hold the versions they read (one per version).
PINS = ".pins"
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


@dataclass
class PinnedVersion:
    """A landing version held against removal (a shared lock) until :meth:`release`."""

    path: Path
    manifest: Manifest
    handle: IO[str]

    def release(self) -> None:
        self.handle.close()  # closing the file drops its lock


def _read_manifest(version: Path) -> Manifest:
    try:
        return Manifest.from_json((version / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError) as exc:
        raise CannotRun(
            f"the landing manifest {version / MANIFEST} cannot be read ({exc}); run "
            "`gvc ingest` after removing that landing version"
        ) from None


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
        return None if current is None else _read_manifest(current)

    def _pin_file(self, version: Path) -> Path:
        return self.root / PINS / f"{version.name}.lock"

    def pin_current(self) -> PinnedVersion | None:
        """The current version, held with a shared lock on its pin file until released so
        that no ingest removes it (:meth:`clean`); None before the first ingest. When an
        ingest made another version current and removed this one between the two steps, the
        new current one is taken."""
        while (current := self.current()) is not None:
            pin = self._pin_file(current)
            try:
                pin.parent.mkdir(exist_ok=True)
                handle = pin.open("a")
                fcntl.flock(handle, fcntl.LOCK_SH)  # waits while an ingest removes the version
            except OSError as exc:
                raise CannotRun(describe_os_error(exc, "holding the landing version")) from None
            if (current / MANIFEST).is_file():
                try:
                    return PinnedVersion(current, _read_manifest(current), handle)
                except CannotRun:
                    handle.close()
                    raise
            pin.unlink(missing_ok=True)  # opening it made it again: the version is gone
            handle.close()
        return None

    def _unpinned(self, version: Path) -> IO[str] | None:
        """The pin file of ``version`` locked exclusively (no build reads the version), or
        None while a build holds it."""
        pin = self._pin_file(version)
        try:
            pin.parent.mkdir(exist_ok=True)
            handle = pin.open("a")
        except OSError:  # cannot tell: keep the version
            return None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        return handle

    def _remove_version(self, version: Path) -> bool:
        """Remove ``version`` and its pin file unless a build holds it; whether it was."""
        held = self._unpinned(version)
        if held is None:
            return False
        try:
            shutil.rmtree(version, ignore_errors=True)
            self._pin_file(version).unlink(missing_ok=True)
        finally:
            held.close()
        return True

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
        """Remove temporary folders, versions other than the current one (except those a
        build holds: :meth:`pin_current`), legacy folders, pin files of versions gone."""
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
                elif entry.name.startswith(("v-", ".old-")):
                    if not self._remove_version(entry):
                        continue  # a build reads it: a later ingest removes it
                else:
                    shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        self._remove_stray_pins()
        return removed

    def _remove_stray_pins(self) -> None:
        """Pin files of versions no longer in the landing (removed by other means than an
        ingest, say by hand), unless a build still holds one."""
        pins = self.root / PINS
        for pin in sorted(pins.glob("*.lock")) if pins.is_dir() else []:
            version = self.root / pin.name.removesuffix(".lock")
            if not version.exists():
                self._remove_version(version)  # nothing left to remove but the pin file


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
