"""Per-file and per-year work on Dask (``dask.distributed``), or in this process.

The work of the pipeline that is independent by file or by year (reading raw files, the
input-output algebra of each table, scenarios) goes through a :class:`Runner`:

- by default a local Dask cluster with one single-threaded worker process per core;
- ``GVC_DASK_SCHEDULER=tcp://host:port`` (or ``--scheduler``): an existing Dask cluster,
  started with Dask's own commands (``dask scheduler``, ``dask worker tcp://host:port``);
- ``GVC_WORKERS=0`` (or ``--workers 0``): in this process, no Dask at all.

Inputs are produced lazily, each goes straight to a worker (``scatter``, not through the
scheduler) and at most two tasks per worker are in flight; the submitting process keeps
only their futures, so its memory does not grow with the number of years or the size of
the inputs. Results come back in the order of the inputs. A worker that dies (killed for
memory, or by a signal) stops the work with CannotRun. ``gvc build`` starts one cluster
and hands its address to the dbt child process (``GVC_DASK_SCHEDULER``), so ingest and the
dbt Python model share it. Worker processes of a local cluster end with the process that
started them (Dask's nanny watches its parent), however that process ends.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from analysis.errors import BadInput, CannotRun

SCHEDULER_ENV, WORKERS_ENV = "GVC_DASK_SCHEDULER", "GVC_WORKERS"


@dataclass(frozen=True)
class ClusterSpec:
    """Where per-year work runs: an existing scheduler, N local workers, or in-process."""

    scheduler: str | None = None
    workers: int | None = None  # None: one per core; 0: in-process

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ClusterSpec:
        env = os.environ if environ is None else environ
        workers = env.get(WORKERS_ENV, "").strip()
        return cls(env.get(SCHEDULER_ENV, "").strip() or None, parse_workers(workers))

    def env(self) -> dict[str, str]:
        """Environment variables that make a child process use the same cluster."""
        out = {}
        if self.scheduler:
            out[SCHEDULER_ENV] = self.scheduler
        if self.workers is not None:
            out[WORKERS_ENV] = str(self.workers)
        return out

    def local_workers(self) -> int:
        return self.workers if self.workers else max(1, os.cpu_count() or 1)


def parse_workers(text: str | int | None) -> int | None:
    """'' or None -> None (one worker per core); '0' -> 0 (in-process); 'N' -> N."""
    if text is None or text == "":
        return None
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise BadInput(
            f"{WORKERS_ENV}/--workers: {text!r} is not a whole number (0 runs in-process, "
            "N >= 1 starts N local worker processes)"
        ) from None
    if value < 0:
        raise BadInput(f"{WORKERS_ENV}/--workers: {value} is negative (use 0 or more)")
    return value


class Runner:
    """Runs ``fn(item)`` for every item, in this process."""

    parallelism = 1
    address: str | None = None

    def map(
        self,
        fn: Callable[..., Any],
        items: Iterable[Any],
        on_result: Callable[[Any, Any], None] | None = None,
    ) -> list[Any]:
        """``[fn(item) for item in items]``; ``on_result(item, result)`` after each one."""
        results = []
        for item in items:
            results.append(fn(item))
            if on_result is not None:
                on_result(item, results[-1])
        return results

    def stop_when_done(self) -> None:
        """No more tasks will come: a cluster this runner started may stop now, in the
        background (nothing to stop in this process)."""


def release_arrow_memory() -> None:
    """Hand back what Arrow's own allocator (mimalloc) keeps of freed buffers: after reading
    a full-size table's landed cells and computing it, a process kept 156-172 MiB more
    than before its first table, 24-26 MiB with this after each (four tables in a row)."""
    import pyarrow

    pyarrow.default_memory_pool().release_unused()


def release_freed_memory() -> None:
    """Hand the memory a worker's finished tasks freed back to the operating system (the C
    allocator keeps it otherwise: after reading twelve full-size workbooks a worker held
    about 100 MB more through the decomposition that followed), Arrow's allocator too."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    release_arrow_memory()
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "malloc_trim"):  # glibc only
            libc.malloc_trim(0)
    except OSError:
        pass


class DaskRunner(Runner):
    """Runs tasks on a Dask cluster through ``client``, at most two per worker in flight."""

    def __init__(self, client, cluster=None) -> None:
        self.client = client
        self.cluster = cluster  # a local cluster this runner started, else None
        self.address = client.scheduler.address
        self._stopping: threading.Thread | None = None
        info = client.scheduler_info(n_workers=-1)
        self.parallelism = max(1, sum(w.get("nthreads", 1) for w in info["workers"].values()))

    def map(self, fn, items, on_result=None) -> list[Any]:
        """As :meth:`Runner.map`; CannotRun when a worker dies (after Dask's retries)."""
        from distributed import KilledWorker
        from distributed.client import FutureCancelledError

        try:
            results = self._map(fn, items, on_result)
            self.client.run(release_freed_memory)
            return results
        except (KilledWorker, FutureCancelledError) as exc:
            name = getattr(fn, "__name__", "a task")
            raise CannotRun(
                f"a Dask worker died while running {name} ({type(exc).__name__}: {exc}); "
                "workers die when they run out of memory or are killed: run again with "
                f"fewer workers (--workers N or {WORKERS_ENV}) or in-process (--workers 0)"
            ) from None

    def _map(self, fn, items, on_result) -> list[Any]:
        window: deque = deque()  # (item when on_result needs it, task future, data future)
        results: list[Any] = []
        iterator = iter(items)
        exhausted = False
        try:
            while window or not exhausted:
                while not exhausted and len(window) < 2 * self.parallelism:
                    try:
                        item = next(iterator)
                    except StopIteration:
                        exhausted = True
                        break
                    window.append((item if on_result else None, *self._submit(fn, item)))
                    del item  # the worker has it now: keep no reference here
                if window:
                    label, future, data = window.popleft()
                    results.append(future.result())
                    future.release()
                    data.release()
                    if on_result is not None:
                        on_result(label, results[-1])
        finally:
            if window:  # stopped early: drop the tasks still in flight
                self.client.cancel([f for entry in window for f in entry[1:]])
        return results

    def stop_when_done(self) -> None:
        """Close the local cluster in a thread (about 0.5 s while the build checks and
        publishes); a cluster the user runs is left alone."""
        if self.cluster is not None and self._stopping is None:
            self._stopping = threading.Thread(target=self._close, name="stop-cluster")
            self._stopping.start()

    def _close(self) -> None:
        with contextlib.suppress(Exception):  # closed again, and checked, when runner() ends
            self.client.close()
            self.cluster.close()

    def wait_stopped(self) -> None:
        if self._stopping is not None:
            self._stopping.join()

    def _submit(self, fn, item) -> tuple[Any, Any]:
        """Send ``item`` straight to a worker, then submit ``fn`` on it there."""
        [data] = self.client.scatter([item], direct=True, hash=False)
        return self.client.submit(fn, data, pure=False), data


@contextmanager
def runner(spec: ClusterSpec | None = None) -> Iterator[Runner]:
    """A :class:`Runner` for ``spec`` (default: from the environment); closes what it opened."""
    spec = spec or ClusterSpec.from_env()
    if spec.workers == 0 and not spec.scheduler:
        yield Runner()
        return
    from distributed import Client, LocalCluster

    if spec.scheduler:
        try:
            client = Client(spec.scheduler, timeout="10s")
        except OSError as exc:
            raise CannotRun(
                f"cannot reach the Dask scheduler {spec.scheduler} ({exc}); start it with "
                f"`dask scheduler` or unset {SCHEDULER_ENV}"
            ) from None
        with client:
            yield DaskRunner(client)
        return
    with (
        LocalCluster(
            n_workers=spec.local_workers(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
            memory_limit=0,
        ) as cluster,
        Client(cluster) as client,
    ):
        run = DaskRunner(client, cluster)
        try:
            yield run
        finally:
            run.wait_stopped()
