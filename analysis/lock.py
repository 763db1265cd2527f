"""The writer lock: one process at a time writes the landing and the published warehouse.

An exclusive, non-blocking ``flock`` on ``warehouse/.refresh.lock``, taken by the library
functions that write (``ingest``, ``build_warehouse``, ``refresh``) so that a direct Python
call is protected like the CLI. Re-entrant within a process (``refresh`` calls
``build_warehouse``, which calls ``ingest``). The kernel releases the lock when its holder
dies, so a killed run never blocks the next one. An ingest also takes the landing's own lock
(:func:`landing_lock`), for warehouses that share a landing.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from analysis.config import Paths
from analysis.errors import CannotRun, describe_os_error

_held_locks: dict[Path, tuple[object, int]] = {}
_guard = threading.Lock()


class WriterLocked(CannotRun):
    """Another ingest, build or refresh holds the lock."""


def lock_path(paths: Paths) -> Path:
    return paths.warehouse_dir / ".refresh.lock"


def _acquire(path: Path, running: str):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as exc:
        raise CannotRun(describe_os_error(exc, f"opening the lock {path}")) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise WriterLocked(
            f"{running} is running ({holder}); lock {path}. Wait for it to finish and run again"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
    handle.flush()
    return handle


@contextmanager
def writer_lock(paths: Paths) -> Iterator[None]:
    """Hold the writer lock of ``paths`` (re-entrant in this process); WriterLocked if taken."""
    with _held(lock_path(paths), "another ingest, build or refresh"):
        yield


@contextmanager
def landing_lock(landing: Path) -> Iterator[None]:
    """Hold the ingest lock of a landing folder, ``<landing>/.ingest.lock`` (re-entrant in
    this process); WriterLocked if taken. Warehouses may share a landing (``GVC_LANDING``),
    each with its own writer lock: this one lets one ingest at a time write the landing (an
    ingest removes what it takes for the leftovers of a killed one: temporary folders)."""
    with _held(Path(landing) / ".ingest.lock", f"another ingest into the landing {landing}"):
        yield


@contextmanager
def _held(lock: Path, running: str) -> Iterator[None]:
    path = lock.resolve()
    with _guard:
        handle, depth = _held_locks.get(path, (None, 0))
        if handle is None:
            handle = _acquire(path, running)
        _held_locks[path] = (handle, depth + 1)
    try:
        yield
    finally:
        with _guard:
            handle, depth = _held_locks[path]
            if depth == 1:
                del _held_locks[path]
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            else:
                _held_locks[path] = (handle, depth - 1)
