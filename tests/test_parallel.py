"""The Dask runner: inputs go straight to a worker and are not kept here; a long task does not
hold back the items after it; a worker that dies is a CannotRun, not a traceback (one or two
local worker processes, tiny inputs)."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import time
import warnings
import weakref
from pathlib import Path

import dask
import numpy as np
import pytest

from analysis.errors import CannotRun
from analysis.parallel import ClusterSpec, cluster_size, runner


def _block(k: int, refs: list) -> np.ndarray:
    block = np.full(50_000, float(k))
    refs.append(weakref.ref(block))
    return block


def test_dask_map_keeps_no_input_in_the_submitting_process():
    """While tasks are in flight, no earlier input (a dense block in the real work) is
    alive in the submitting process: only futures are kept."""
    refs: list = []
    alive: list[int] = []

    def blocks():
        for k in range(6):
            gc.collect()
            alive.append(sum(r() is not None for r in refs))
            yield _block(k, refs)

    with runner(ClusterSpec(workers=1)) as run:
        results = run.map(lambda block: float(block[0]), blocks())
    assert results == [float(k) for k in range(6)]
    assert alive == [0] * 6


def test_dask_map_passes_items_to_on_result():
    seen = []
    with runner(ClusterSpec(workers=1)) as run:
        out = run.map(lambda x: x * 2, range(5), lambda item, result: seen.append((item, result)))
    assert out == [0, 2, 4, 6, 8] and seen == [(k, 2 * k) for k in range(5)]


def _wait_for_last(item: tuple[str, int, int]) -> str:
    """Item 0 waits (up to 60 s) for the file the last item's task writes; the others write
    it when they are that last item."""
    marker, k, last = item
    if k == last:
        Path(marker).write_text("done")
    if k:
        return f"item {k}"
    deadline = time.monotonic() + 60
    while not Path(marker).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return "released" if Path(marker).exists() else "held back"


def test_a_long_task_does_not_hold_back_the_items_after_it(tmp_path):
    """Two workers, four tasks in flight at most: while item 0 runs, the other worker goes
    through items 1-9 (a new ADB year's read and the hashing of the unchanged files), and
    the results still come back in the order of the items."""
    marker = str(tmp_path / "last-item-ran")
    items = [(marker, k, 9) for k in range(10)]
    with runner(ClusterSpec(workers=2)) as run:
        out = run.map(_wait_for_last, items)
    assert out == ["released", *(f"item {k}" for k in range(1, 10))]


def test_a_worker_that_dies_is_cannot_run():
    def die(_item):
        os.kill(os.getpid(), signal.SIGKILL)

    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        runner(ClusterSpec(workers=1)) as run,
        pytest.raises(CannotRun) as info,
    ):
        run.map(die, [1, 2])
    assert "a Dask worker died while running die (KilledWorker" in str(info.value)
    assert "--workers" in str(info.value)


def test_a_local_cluster_serves_http_on_a_free_loopback_port_only():
    """Dask's default, port 8787 of every interface, is often taken (another cluster, the
    dashboard of a notebook): the scheduler then warned 'Port 8787 is already in use'."""
    taken = socket.socket()
    taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    with contextlib.suppress(OSError):  # taken by something else: the case under test too
        taken.bind(("127.0.0.1", 8787))
    before = _listening()
    with taken, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with runner(ClusterSpec(workers=1)) as run:
            assert run.map(lambda x: x + 1, [1]) == [2]
            http = run.cluster.scheduler.http_server
            opened = _listening() - before  # the scheduler's comm and its HTTP server
    assert not [w for w in caught if "already in use" in str(w.message)]
    assert (http.address, http.port) in opened
    assert all(host == "127.0.0.1" and port != 8787 for host, port in opened)


def _listening() -> set[tuple[str, int]]:
    """(host, port) of every TCP socket this process listens on."""
    import psutil

    connections = psutil.Process().net_connections(kind="tcp")
    return {c.laddr[:2] for c in connections if c.status == psutil.CONN_LISTEN}


def test_a_local_cluster_stops_in_the_background_when_done():
    with runner(ClusterSpec(workers=1)) as run:
        assert run.map(lambda x: x + 1, [1]) == [2]
        run.stop_when_done()
        run.wait_stopped()
        assert run.cluster.status.name == "closed"
    # in-process: nothing to stop
    with runner(ClusterSpec(workers=0)) as run:
        run.stop_when_done()
        assert run.map(lambda x: x + 1, [1]) == [2]


def test_the_default_runner_computes_one_task_in_this_process():
    """By default (no scheduler, no number of workers) one task runs here: a cluster cannot
    split it. The child process (dbt's model) is then told nothing and sizes its own runner;
    an explicit in-process runner tells it ``GVC_WORKERS=0``."""
    with runner(ClusterSpec(), tasks=1) as run:
        assert run.map(lambda _: os.getpid(), [0]) == [os.getpid()]
        assert (run.address, run.child_env(), run.describe()) == (None, {}, "in this process")
        run.plan(1)  # announced again: still here
        assert run.address is None
    with runner(ClusterSpec(workers=0)) as run:
        assert run.child_env() == {"GVC_WORKERS": "0"}


def test_the_default_runner_stays_here_when_memory_holds_one_worker(machine):
    machine(cores=4, available_gib=2.5)
    with runner(ClusterSpec(), tasks=12) as run:
        assert run.address is None
        assert run.map(lambda _: os.getpid(), [0, 1]) == [os.getpid()] * 2


def test_cluster_size_is_one_worker_per_task_up_to_cores_and_memory():
    """Workers of the default cluster: one per task, at most one per core and what the
    available memory holds beside 1 GiB for the build (1 GiB each); none (in-process) when
    that is one: a cluster cannot split a task."""
    gib = 2**30
    assert cluster_size(tasks=12, cores=2, memory=20 * gib) == 2
    assert cluster_size(tasks=2, cores=8, memory=20 * gib) == 2
    assert cluster_size(tasks=25, cores=64, memory=16 * gib) == 15
    assert cluster_size(tasks=12, cores=8, memory=int(3.5 * gib)) == 2
    assert cluster_size(tasks=12, cores=8, memory=int(2.9 * gib)) == 0
    assert cluster_size(tasks=1, cores=8, memory=20 * gib) == 0
    assert cluster_size(tasks=12, cores=1, memory=20 * gib) == 0


def test_the_default_runner_starts_a_cluster_of_one_worker_per_task_up_to_the_cores(machine):
    machine(cores=4, available_gib=16)
    with runner(ClusterSpec(), tasks=2) as run:
        assert run.child_env() == {"GVC_DASK_SCHEDULER": run.address}
        assert run.describe() == "on 2 local Dask workers"
        pids = run.map(lambda _: os.getpid(), range(4))
    assert os.getpid() not in pids


def test_the_default_runner_starts_a_cluster_for_work_of_unknown_size(machine):
    machine(cores=2, available_gib=16)
    with runner(ClusterSpec()) as run:
        assert run.address is None  # nothing started before there is work
        assert os.getpid() not in run.map(lambda _: os.getpid(), iter([0]))
        assert run.address is not None


def _trim_threshold(_item) -> str | None:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


@pytest.mark.parametrize("users", [None, "131072"])
def test_local_workers_keep_glibc_defaults_unless_the_user_sets_the_trim_threshold(
    monkeypatch, users
):
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_ in its workers, which turns off glibc's
    dynamic mmap threshold (every large array a fresh, zeroed mapping): a local cluster's
    workers start without it, or with the value the user exported."""
    if users is None:
        monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    else:
        monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", users)
    with runner(ClusterSpec(workers=1)) as run:
        assert run.map(_trim_threshold, [0]) == [users]


def test_a_cluster_without_workers_is_cannot_run():
    from distributed import Client, LocalCluster

    from analysis.parallel import DaskRunner

    with (
        LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as client,
        pytest.raises(CannotRun, match="has no workers: start some with `dask worker "),
    ):
        DaskRunner(client).map(str, [1])


def test_a_scheduler_address_where_nothing_listens_is_cannot_run_at_once():
    """A refused connection is said at once (Dask's client would retry for 10 s and then
    report a timeout, not the refusal)."""
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    with (
        pytest.raises(CannotRun, match="Connection refused") as info,
        runner(ClusterSpec(scheduler=address)),
    ):
        pass
    assert f"cannot reach the Dask scheduler {address}" in str(info.value)
