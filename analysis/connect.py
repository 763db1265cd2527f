"""Connections that read the warehouse published *now*, and a snapshot of the history file.

DuckDB keeps one database instance per file path in a process: ``duckdb.connect(path,
read_only=True)`` after ``gvc build`` has replaced the file (``os.replace``) returns the old
instance, and so the old file, as long as any connection to it is open. A long-lived process
(a notebook, the ``gvc sql`` prompt) therefore opens a fresh in-memory instance and ATTACHes
the current file read-only instead: :func:`connect_published`.

The history file (``warehouse/history.duckdb``) is appended to by estimates, scenarios and
scheduled refreshes, and DuckDB lets no process write a file that another process has open.
Readers therefore never keep it open: the file is attached read-only only for the instant
needed to copy its tables into an in-memory database attached as ``history``, then detached.
Paths are passed to DuckDB as query parameters, never pasted into SQL.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from analysis.config import Paths
from analysis.errors import CannotRun

WAREHOUSE = "warehouse"
HISTORY = "history"
HISTORY_TABLES = ("estimates_history", "scenario_results", "refresh_log")
_HISTORY_FILE = "gvc_history_file"


def connect_published(
    warehouse: Path | None = None,
    *,
    history: bool | Path = True,
    lock_down: bool = False,
    history_wait: float = 10.0,
) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB with the published warehouse attached read-only as its default.

    The warehouse file (default: ``GVC_WAREHOUSE``) is attached read-only as catalog
    ``warehouse`` and made the default, so ``select * from mart_icc_ics`` works; every call
    opens the file published at that moment. ``history=True`` adds a snapshot of the history
    file (``GVC_HISTORY``; or pass its path) as catalog ``history`` (empty when the file does
    not exist yet); ``False`` leaves it out. ``lock_down=True`` then switches off file access
    and locks the configuration (what ``gvc sql`` uses). A writer holding the history file is
    waited for up to ``history_wait`` seconds. CannotRun when there is nothing to open.
    """
    warehouse = Path(warehouse) if warehouse is not None else Paths.from_env().warehouse
    if not warehouse.is_file():
        raise CannotRun(f"no published warehouse at {warehouse}: run `gvc build` first")
    con = duckdb.connect(":memory:")
    try:
        try:
            con.execute(f"attach ? as {WAREHOUSE} (read_only)", [str(warehouse)])
        except duckdb.Error as exc:
            raise CannotRun(f"cannot open the warehouse {warehouse}: {_line(exc)}") from None
        con.execute(f"use {WAREHOUSE}")
        if history is not False:
            path = Paths.from_env().history if history is True else Path(history)
            snapshot_history(con, path, wait=history_wait)
        if lock_down:
            lock(con)
    except BaseException:
        con.close()
        raise
    return con


def snapshot_history(con: duckdb.DuckDBPyConnection, path: Path, wait: float = 10.0) -> None:
    """Copy the tables of the history file at ``path`` into an in-memory catalog ``history``.

    The file is attached read-only, copied (``COPY FROM DATABASE``) and detached at once, so
    a process that appends to it later is never blocked by this reader. While another process
    writes to it, retry for up to ``wait`` seconds, then CannotRun.
    """
    con.execute(f"attach ':memory:' as {HISTORY}")
    if not path.is_file():
        return
    deadline = time.monotonic() + wait
    while True:
        try:
            con.execute(f"attach ? as {_HISTORY_FILE} (read_only)", [str(path)])
            break
        except duckdb.IOException as exc:
            if time.monotonic() >= deadline:
                raise CannotRun(
                    f"the history file {path} is held by another process (an estimate,"
                    f" scenario or refresh writing to it); try again in a moment ({_line(exc)})"
                ) from None
            time.sleep(0.1)
        except duckdb.Error as exc:
            raise CannotRun(f"cannot read the history file {path}: {_line(exc)}") from None
    try:
        con.execute(f"copy from database {_HISTORY_FILE} to {HISTORY}")
    finally:
        con.execute(f"detach {_HISTORY_FILE}")


def lock(con: duckdb.DuckDBPyConnection) -> None:
    """No file access (read_csv, COPY, ATTACH), no extension downloads, configuration locked."""
    con.execute("set autoinstall_known_extensions = false")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")


def _line(exc: BaseException) -> str:
    return " ".join(part.strip() for part in str(exc).splitlines() if part.strip())
