"""Per-file and per-year work on Dask (``dask.distributed``), or in this process.

The work of the pipeline that is independent by file or by year (reading raw files, the
input-output algebra of each table, scenarios) goes through a :class:`Runner`:

- by default a local Dask cluster with one single-threaded worker process per core (at most
  one per task), started when the work has at least two tasks (:class:`OnDemandRunner`):
  one table's work cannot be split between workers, so a build that reads or computes one
  table (a new year) does it in this process and saves the cluster's start;
- ``GVC_DASK_SCHEDULER=tcp://host:port`` (or ``--scheduler``): an existing Dask cluster,
  started with Dask's own commands (``dask scheduler``, ``dask worker tcp://host:port``);
- ``GVC_WORKERS=0`` (or ``--workers 0``): in this process, no Dask at all.

Inputs are produced lazily, each goes straight to the least busy worker (``scatter``, not
through the scheduler) and at most two tasks per worker thread are in flight, the next
submitted as soon as any ends; the submitting process keeps only their futures, so its
memory does not grow with the number of years or the size of the inputs. Results come back
in the order of the inputs; ``on_result`` sees them as they end. A worker that dies (killed
for memory, or by a signal) stops the work with CannotRun. ``gvc build`` starts one cluster
when its ingest reads, or its dbt model is to compute, at least two MRIO tables, and hands
its address to the dbt child process (``GVC_DASK_SCHEDULER``), so ingest and the dbt
Python model share it; otherwise the model computes its table in its own process. Worker
processes of a local cluster end with the process that started them (Dask's nanny watches
its parent), however that process ends.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from analysis.errors import BadInput, CannotRun

SCHEDULER_ENV, WORKERS_ENV = "GVC_DASK_SCHEDULER", "GVC_WORKERS"
#: Fewest workers of a local cluster the default runner starts (:func:`cluster_size`); with
#: fewer it runs in-process. A task is one table's work (reading an MRIO table, its algebra,
#: a scenario year), which one process does alone, so one worker would only add its start: a
#: cluster of two takes 1.5 s and 3 s of CPU to start (the workers import Dask, numpy,
#: pandas, pyarrow and the readers). Measured 2026-11-27, a new year's build on the
#: full-size sample, 2 cores: 13.2-13.4 s in-process against 14.9 s with the cluster, 22.0
#: against 25.1 s of CPU.
MIN_LOCAL_WORKERS = 2
#: Memory a local worker may need: its peak is calamine's read of the widest ADB table (72
#: economies + RoW, about 520 MiB) above its 270 MiB of code and libraries.
WORKER_MEMORY = 1 << 30
#: Memory kept for the rest of a build (gvc, dbt with DuckDB's capped pool: about 0.9 GiB)
#: when the available memory sizes the default cluster.
BUILD_MEMORY = 1 << 30


def cluster_size(tasks: int, cores: int, memory: int) -> int:
    """Workers of the default local cluster for ``tasks`` tasks: one per task, at most one
    per core and as many as ``memory`` bytes (the memory available) hold beside the rest of
    the build (:data:`WORKER_MEMORY` each); 0, in-process, when that is fewer than
    :data:`MIN_LOCAL_WORKERS`."""
    workers = min(tasks, cores, max(0, memory - BUILD_MEMORY) // WORKER_MEMORY)
    return workers if workers >= MIN_LOCAL_WORKERS else 0


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

    address: str | None = None

    def plan(self, tasks: int) -> None:
        """The work to come has ``tasks`` tasks: only the default runner
        (:class:`OnDemandRunner`) takes it into account."""

    def child_env(self) -> dict[str, str]:
        """Environment variables that make a child process (dbt's) run its tasks where this
        runner does: here, in-process."""
        return ClusterSpec(workers=0).env()

    def describe(self) -> str:
        """Where the tasks run, for reports."""
        return "in this process"

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
        release_freed_memory(collect=False)  # what a read freed, before the build goes on
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


def release_freed_memory(*, collect: bool = True) -> None:
    """Hand the memory a worker's finished tasks freed back to the operating system (the C
    allocator keeps it otherwise: after reading twelve full-size workbooks a worker held
    about 100 MB more through the decomposition that followed), Arrow's allocator too.
    ``collect``: run Python's cycle collector first (0.03-0.05 s over what a worker
    imports); a task whose objects hold no reference cycles freed them when it returned."""
    import ctypes
    import ctypes.util
    import gc

    if collect:
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
    """Runs tasks on a Dask cluster through ``client``, at most two per worker thread in
    flight, each sent to the worker with the fewest in flight per thread."""

    def __init__(self, client, cluster=None) -> None:
        self.client = client
        self.cluster = cluster  # a local cluster this runner started, else None
        self.address = client.scheduler.address
        self._stopping: threading.Thread | None = None

    def child_env(self) -> dict[str, str]:
        return ClusterSpec(scheduler=self.address).env()

    def describe(self) -> str:
        if self.cluster is not None:
            return f"on {len(self.cluster.workers)} local Dask workers"
        return f"on the Dask cluster at {self.address}"

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
        """Submit the next item as soon as any task in flight ends, to the least busy worker
        (waiting for the oldest task instead idles the other workers behind a long one, such
        as a new ADB year's 5 s read among short tasks; and a worker left to Dask's choice
        could queue short tasks behind it)."""
        from distributed import as_completed

        threads = self._worker_threads()
        in_flight = dict.fromkeys(threads, 0)
        pending: dict = {}  # task future -> (index, item for on_result, data future, worker)
        results: dict[int, Any] = {}
        finished = as_completed()
        iterator = iter(items)  # not enumerate: it keeps its last (index, item) pair alive
        exhausted = False
        try:
            while pending or not exhausted:
                while not exhausted and len(pending) < 2 * sum(threads.values()):
                    try:
                        item = next(iterator)
                    except StopIteration:
                        exhausted = True
                        break
                    worker = min(in_flight, key=lambda w: in_flight[w] / threads[w])
                    future, data = self._submit(fn, item, worker)
                    in_flight[worker] += 1
                    index = len(results) + len(pending)
                    pending[future] = (index, item if on_result else None, data, worker)
                    finished.add(future)
                    del item  # the worker has it now: keep no reference here
                if pending:
                    future = next(finished)
                    index, label, data, worker = pending.pop(future)
                    in_flight[worker] -= 1
                    results[index] = future.result()
                    future.release()
                    data.release()
                    if on_result is not None:
                        on_result(label, results[index])
        finally:
            if pending:  # stopped early: drop the tasks still in flight
                self.client.cancel([x for task, entry in pending.items() for x in (task, entry[2])])
        return [results[index] for index in range(len(results))]

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

    def _worker_threads(self) -> dict[str, int]:
        """Threads of each worker of the cluster (address: count); CannotRun without any."""
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        if not workers:
            raise CannotRun(
                f"the Dask cluster at {self.address} has no workers: start some with "
                f"`dask worker {self.address}`, or run in-process (--workers 0)"
            )
        return {address: max(1, w.get("nthreads", 1)) for address, w in workers.items()}

    def _submit(self, fn, item, worker: str) -> tuple[Any, Any]:
        """Send ``item`` straight to ``worker``, then submit ``fn`` on it there (Dask may
        still move the task to an idle worker); to a worker of Dask's choice when that one
        has left the cluster."""
        try:
            [data] = self.client.scatter([item], workers=[worker], direct=True, hash=False)
        except (OSError, TimeoutError, ValueError):
            [data] = self.client.scatter([item], direct=True, hash=False)
        return self.client.submit(fn, data, pure=False), data


#: The variable Dask's nanny sets in every worker it spawns (``distributed.nanny.pre-spawn-
#: environ``) so that glibc returns freed memory at once.
MALLOC_TRIM_ENV = "MALLOC_TRIM_THRESHOLD_"


@contextmanager
def _keep_dynamic_mmap_threshold() -> Iterator[None]:
    """Spawn local workers without Dask's ``MALLOC_TRIM_THRESHOLD_`` (unless the user sets
    it). Setting it turns off glibc's dynamic mmap threshold, so every array above 128 KiB
    the algebra allocates is a fresh ``mmap`` whose pages the kernel faults in and zeroes:
    0.07-0.10 s of a full-size table's 0.6 s, and more with two workers sharing the memory
    bus (per-table work of 12 tables, medians of 5: 9.4 -> 8.4 s on one worker, 5.5 -> 4.8
    s on two). Dask sets it for its memory monitor, which these workers do not run
    (``memory_limit=0``); :func:`release_freed_memory` hands freed memory back after each
    map instead."""
    import dask

    with dask.config.set({f"distributed.nanny.pre-spawn-environ.{MALLOC_TRIM_ENV}": None}):
        yield


def _refused_at_once(address: str) -> None:
    """ConnectionRefusedError when nothing listens at a ``tcp://host:port`` scheduler address
    (Dask's client would retry until its timeout, 10 s, before saying so); any other answer,
    or another kind of address, is left to the client."""
    scheme, _, rest = address.rpartition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in ("", "tcp") or not host or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=2).close()
    except ConnectionRefusedError:
        raise
    except OSError:  # unresolved, unreachable, slow: the client tries, and says why
        return


class OnDemandRunner(Runner):
    """The default runner (no scheduler, no number of workers given): in this process until
    :meth:`plan` announces tasks for a local cluster of at least two workers
    (:func:`cluster_size`: one per task, at most one per core and what the available memory
    holds), then on that cluster, kept until :func:`runner` ends. A :meth:`map` before any
    :meth:`plan` starts one as for a task per core (work of unknown size)."""

    def __init__(self, cores: int, stack: contextlib.ExitStack) -> None:
        self._cores = cores
        self._stack = stack
        self._run: Runner = Runner()
        self._planned = False

    @property
    def address(self) -> str | None:  # type: ignore[override]
        return self._run.address

    def plan(self, tasks: int) -> None:
        import psutil

        self._planned = True
        if self._run.address is not None:
            return
        workers = cluster_size(tasks, self._cores, psutil.virtual_memory().available)
        if workers:
            self._run = self._stack.enter_context(_local_cluster(workers))

    def child_env(self) -> dict[str, str]:
        """The cluster's address once started; before, nothing: the child sizes its own
        runner to its own tasks."""
        return self._run.child_env() if self._run.address else {}

    def describe(self) -> str:
        return self._run.describe()

    def map(self, fn, items, on_result=None) -> list[Any]:
        if not self._planned:
            self.plan(self._cores)
        return self._run.map(fn, items, on_result)

    def stop_when_done(self) -> None:
        self._run.stop_when_done()


@contextmanager
def runner(spec: ClusterSpec | None = None, *, tasks: int | None = None) -> Iterator[Runner]:
    """A :class:`Runner` for ``spec`` (default: from the environment); closes what it opened.
    ``tasks``: the number of tasks to come, when known (:meth:`Runner.plan`)."""
    spec = spec or ClusterSpec.from_env()
    if spec.workers == 0 and not spec.scheduler:
        yield Runner()
        return
    if spec.scheduler:
        with _scheduler(spec.scheduler) as run:
            yield run
        return
    if spec.workers is None:
        with contextlib.ExitStack() as stack:
            run = OnDemandRunner(spec.local_workers(), stack)
            if tasks is not None:
                run.plan(tasks)
            yield run
        return
    with _local_cluster(spec.workers) as run:
        yield run


@contextmanager
def _scheduler(address: str) -> Iterator[DaskRunner]:
    """A runner on the existing Dask cluster at ``address``."""
    from distributed import Client

    try:
        _refused_at_once(address)
        client = Client(address, timeout="10s")
    except OSError as exc:
        raise CannotRun(
            f"cannot reach the Dask scheduler {address} ({exc}); start it with "
            f"`dask scheduler` or unset {SCHEDULER_ENV}"
        ) from None
    with client:
        yield DaskRunner(client)


@contextmanager
def _local_cluster(workers: int) -> Iterator[DaskRunner]:
    """A runner on a local cluster of ``workers`` single-threaded worker processes."""
    from distributed import Client, LocalCluster

    with (
        _keep_dynamic_mmap_threshold(),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # the scheduler's HTTP server (health, metrics) starts anyway: on a free port of
            # loopback, not on 8787 of every interface (taken by another cluster, it warned)
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
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
