"""Running checked statements: one worker thread per statement, so that Ctrl-C cancels it.

The statement runs in a worker thread while the main thread waits; Ctrl-C (in the main
thread) or a call to ``connection.interrupt()`` from anywhere stops it and
:func:`execute` raises :class:`QueryCancelled`. DuckDB errors become :class:`QueryError`
(exit 1) with DuckDB's message on one line.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from analysis.errors import CannotRun
from analysis.sql.gate import QueryError, checked_statements, one_line

if TYPE_CHECKING:
    import pandas as pd

FILES_DISABLED = (
    "gvc sql reads only the warehouse and the history snapshot: reading or writing files"
    " (read_csv, read_parquet, glob, COPY, ATTACH) is disabled. Put new data under the raw"
    " folder and run `gvc build`; save a result with --out"
)


class QueryCancelled(CannotRun):
    """The statement was cancelled (Ctrl-C or ``connection.interrupt()``)."""


@dataclass(frozen=True)
class Result:
    """What one statement returned: a table, or None when it returned no rows."""

    statement: str
    table: pa.Table | None


def execute(con: duckdb.DuckDBPyConnection, statement: str) -> Result:
    """Run one already checked statement; QueryCancelled, QueryError on failure.

    The statement runs in a worker thread; the main thread waits on an Event, not on
    ``Thread.join`` (a join interrupted by Ctrl-C marks a still running thread as stopped,
    Python 3.11), and the connection is not used, closed or left behind at exit while the
    worker is still inside DuckDB. While it waits, Ctrl-C only sets a flag (a SIGINT handler
    of this call's own): a KeyboardInterrupt raised while the main thread happens to run a
    finaliser is swallowed by Python ("Exception ignored"), and the statement ran on. Once
    cancelled, DuckDB is interrupted again every 50 ms until the statement ends: it clears
    the flag when a query starts executing, so an interrupt that lands before is lost.
    """
    outcome: dict[str, object] = {}
    done, cancel = threading.Event(), threading.Event()

    def work() -> None:
        try:
            relation = con.sql(statement)
            outcome["table"] = relation.to_arrow_table() if relation is not None else None
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name="gvc-sql-statement", daemon=True)
    started = False
    with _ctrl_c_sets(cancel):
        while True:
            try:
                if not started:
                    started = True
                    worker.start()
                if done.wait(0.05):
                    break
            except KeyboardInterrupt:  # Ctrl-C outside the handler's reach
                cancel.set()
            if cancel.is_set():
                con.interrupt()
    return _outcome(statement, outcome, cancel.is_set())


@contextmanager
def _ctrl_c_sets(flag: threading.Event) -> Iterator[None]:
    """In the main thread, Ctrl-C sets ``flag`` instead of raising KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: flag.set())
    try:
        yield
    finally:
        restore = previous if previous is not None else signal.default_int_handler
        signal.signal(signal.SIGINT, restore)


def _outcome(statement: str, outcome: dict[str, object], cancelled: bool) -> Result:
    """The worker's result, or its error as QueryCancelled or QueryError."""
    error = outcome.get("error")
    if cancelled or isinstance(error, duckdb.InterruptException):
        raise QueryCancelled("statement cancelled")
    if isinstance(error, duckdb.PermissionException):
        raise QueryError(f"{FILES_DISABLED} ({one_line(error)})")
    if isinstance(error, duckdb.Error):
        raise QueryError(one_line(error))
    if isinstance(error, BaseException):
        raise error
    return Result(statement, outcome.get("table"))  # type: ignore[arg-type]


def run_query(sql: str, warehouse: Path | None = None, history: bool | Path = True) -> pd.DataFrame:
    """Run read-only ``sql`` (one or more statements) on the published warehouse.

    Returns the result of the last statement as a DataFrame (empty if it returned no rows).
    ReadOnlyViolation, QueryError or CannotRun on failure.
    """
    from analysis.connect import connect_published

    statements = checked_statements(sql)
    with connect_published(warehouse, history=history, lock_down=True) as con:
        result = None
        for checked in statements:
            result = execute(con, checked.text)
    if result is None or result.table is None:
        import pandas as pd

        return pd.DataFrame()
    return result.table.to_pandas()
