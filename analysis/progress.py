"""Progress that reads well on a terminal and in a log.

On a terminal a rich progress bar; when output is piped (cron, systemd, CI) no control
characters: one timestamped line when a step starts and one when it ends, with its timing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime


def interactive() -> bool:
    """True when standard output is a terminal."""
    return sys.stdout.isatty()


def log_line(message: str) -> None:
    """``2026-11-26 02:30:01 message`` on standard output, flushed."""
    print(f"{datetime.now():%Y-%m-%d %H:%M:%S} {message}", flush=True)


class Steps:
    """One step with ``total`` units of work: ``advance(description)`` after each unit."""

    def __init__(self, bar, task) -> None:
        self._bar, self._task = bar, task

    def advance(self, description: str | None = None) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=description)


@contextmanager
def step(name: str, total: int, enabled: bool = True) -> Iterator[Steps]:
    """Report a step: a bar on a terminal, start and end lines when piped, nothing if off."""
    if not enabled or total == 0:
        yield Steps(None, None)
        return
    t0 = time.perf_counter()
    if not interactive():
        log_line(f"{name}: started ({total} items)")
        yield Steps(None, None)
        log_line(f"{name}: done in {time.perf_counter() - t0:.1f}s")
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), transient=True) as bar:
        yield Steps(bar, bar.add_task(name, total=total))
