"""Run a command and measure its wall time and the peak resident memory of its process tree.

The peak is the largest sum of RSS over the command and all its descendants (dbt, Dask
workers), sampled every 50 ms with psutil (the list of descendants every 0.5 s). Usage::

    python bench/proctree.py -- gvc build --quiet
"""

from __future__ import annotations

import contextlib
import itertools
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import psutil


@dataclass
class Measurement:
    seconds: float
    peak_mib: float
    returncode: int
    output: str = ""


def tree_members(proc: psutil.Process) -> list[psutil.Process]:
    """``proc`` and all its descendants (none once it has ended)."""
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return []


def tree_rss(members: list[psutil.Process]) -> int:
    """Bytes resident in ``members`` (vanished processes count 0)."""
    total = 0
    for member in members:
        with contextlib.suppress(psutil.Error):  # the process ended meanwhile
            total += member.memory_info().rss
    return total


def measure(command: list[str], env: dict[str, str] | None = None, quiet: bool = True):
    """Run ``command``; return its :class:`Measurement` (output captured when ``quiet``)."""
    t0 = time.perf_counter()
    child = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
    )
    proc = psutil.Process(child.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        # the tree is walked every 0.5 s (a walk reads every process of the machine: on two
        # cores, walking it every 50 ms slowed a full-size ingest by 3 %); the resident
        # memory of its members is read every 50 ms (a process lives seconds at least)
        nonlocal peak
        members: list[psutil.Process] = []
        for tick in itertools.count():
            if done.is_set():
                break
            if tick % 10 == 0:
                members = tree_members(proc)
            peak = max(peak, tree_rss(members))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = child.communicate()
    done.set()
    sampler.join()
    return Measurement(time.perf_counter() - t0, peak / 2**20, child.returncode, output or "")


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    m = measure(args, quiet=False)
    summary = f"{m.seconds:.1f} s, peak tree RSS {m.peak_mib:,.0f} MiB, rc {m.returncode}"
    print(f"{' '.join(args)}: {summary}")
    sys.exit(m.returncode)


if __name__ == "__main__":
    main()
