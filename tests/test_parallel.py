"""The Dask runner: inputs go straight to a worker and are not kept here; a worker that dies
is a CannotRun, not a traceback (one local worker process, tiny inputs)."""

from __future__ import annotations

import gc
import os
import signal
import weakref

import dask
import numpy as np
import pytest

from analysis.errors import CannotRun
from analysis.parallel import ClusterSpec, runner


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
