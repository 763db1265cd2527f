"""Progress that reads well on a terminal and in a log.

On a terminal a rich progress bar; when output is piped (cron, systemd, CI) no control
characters: one timestamped line when a step starts and one when it ends, with its timing.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path


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


class TimestampedLog:
    """A text stream that appends lines to a log file, each with a timestamp.

    For scheduled runs (``gvc refresh --log logs/refresh.log``): the folder is created,
    lines are appended, partial lines wait for their end, ANSI colour codes are dropped.
    """

    _ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
    _STAMPED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} ")

    def __init__(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", encoding="utf-8")
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += self._ANSI.sub("", text).replace("\r", "\n")
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                stamped = self._STAMPED.match(line)  # lines of log_line carry one already
                prefix = "" if stamped else f"{datetime.now():%Y-%m-%d %H:%M:%S} "
                self._file.write(f"{prefix}{line}\n")
        self._file.flush()
        return len(text)

    def flush(self) -> None:
        self._file.flush()

    def isatty(self) -> bool:
        return False

    def close(self) -> None:
        if self._pending.strip():
            self.write("\n")
        self._file.close()
