"""Ending a finished program without the interpreter's teardown.

When Python exits it frees every object of every imported module. After a build, with dbt,
great-expectations, pandas and Dask imported, that alone takes 0.7 s in ``gvc`` and about
as long in the dbt child, both on the critical path of a build (a new year's build waits
for each). :func:`leave` does everything a normal exit does that can be observed from
outside (non-daemon threads joined, ``atexit`` handlers run: logging flushed, dbt-duckdb
closing its database, weak-reference finalisers such as temporary folders, Dask clusters
closed; standard streams flushed) and then ends the process with ``os._exit``, skipping
only the freeing of memory that the operating system reclaims anyway.

Only the programs' own entry points call it; code that runs inside another program (a test
calling ``analysis.cli.main`` with arguments) exits normally.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import NoReturn


def leave(code: int) -> NoReturn:
    """Exit with ``code`` as ``sys.exit`` would at the end of the program, without freeing
    the interpreter's objects."""
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()  # CPython's own call for the handlers of a normal exit
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # closed or broken: nothing left to flush
            stream.flush()
    os._exit(code)
