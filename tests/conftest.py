"""Fixtures used across the suite: the repository root and the reference data it carries."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# per-year work in-process unless a test asks for Dask (the default path is tested by the
# end-to-end build and tests/test_operations.py)
os.environ.setdefault("GVC_WORKERS", "0")


def _sigint_state() -> tuple[object, bool]:
    """SIGINT's handler and whether the calling (main) thread blocks it."""
    return signal.getsignal(signal.SIGINT), signal.SIGINT in signal.pthread_sigmask(
        signal.SIG_BLOCK, []
    )


@pytest.fixture(autouse=True)
def _sigint_left_as_found():
    """Every test leaves SIGINT as it found it: a handler or mask left behind would reach the
    later tests of the same worker that count on Ctrl-C (``gvc sql``, interrupted builds)."""
    before = _sigint_state()
    yield
    assert _sigint_state() == before, f"SIGINT was {before}, the test left {_sigint_state()}"


@pytest.fixture
def machine(monkeypatch):
    """``machine(cores, available_gib)``: this process then sees that many cores and GiB of
    available memory (what the default Dask runner sizes its cluster by)."""
    import psutil

    def see(cores: int, available_gib: float) -> None:
        memory = type("Memory", (), {"available": int(available_gib * 2**30)})
        monkeypatch.setattr(os, "cpu_count", lambda: cores)
        monkeypatch.setattr(psutil, "virtual_memory", memory)

    return see


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """``data/reference``: public tables and third-party outputs (data/reference/README.md)."""
    return REFERENCE


@pytest.fixture(scope="session")
def tiny_raw(tmp_path_factory) -> Path:
    """A tiny synthetic sample (PRC, USA, RoW; 2007-2008) written once per session."""
    from analysis.sample import write_sample

    raw = tmp_path_factory.mktemp("tiny_raw")
    write_sample(raw, size="tiny", years=[2007, 2008])
    return raw


@pytest.fixture(scope="session")
def tiny_published(tmp_path_factory, repo_root):
    """A tiny warehouse (PRC, USA, RoW; 2007-2009; the panel is 2008-2009) published by
    ``build_warehouse`` as `gvc build` publishes it, once per test process (``Paths`` under
    one root). Tests copy what they change.

    Two sample years are not enough: the exposure is standardised over the panel years
    (from 2008), and one panel year has no standard deviation, so the quality gate fails.
    """
    from analysis.publish import build_warehouse
    from analysis.sample import write_sample
    from tests.cli import paths_under

    paths = paths_under(tmp_path_factory.mktemp("tiny_published"), repo_root)
    write_sample(paths.raw, size="tiny", years=[2007, 2008, 2009])
    report = build_warehouse(paths, echo=False)
    assert report.quality is not None and report.quality.passed
    return paths


@pytest.fixture(scope="session")
def built(tmp_path_factory, repo_root):
    """The default sample, written and published by the CLI once per test process:
    ``(root, env)``. Tests that write give themselves their own reports and history."""
    from tests.cli import environment, gvc

    root = tmp_path_factory.mktemp("built")
    env = environment(root, repo_root)
    sample = gvc("sample", env=env)
    assert sample.returncode == 0, sample.stderr
    build = gvc("build", "--quiet", env=env)
    assert build.returncode == 0, build.stdout + build.stderr
    return root, env


#: Modules whose tests build warehouses (a minute or more each in all), started first so
#: that the two xdist workers (``--dist loadfile``) end together instead of one of them
#: running the last heavy module alone.
HEAVY_FIRST = (
    "tests/test_real_data.py",
    "tests/refresh/test_interrupted.py",
    "tests/refresh/test_freshness.py",
    "tests/test_quality_gate.py",
    "tests/test_operations.py",
    "tests/test_end_to_end.py",
    "tests/test_scenario.py",
)


#: Modules that share a session fixture, each family run whole by one xdist worker so that
#: the fixture is made once, not once per worker: the default sample built by the CLI
#: (``built``), the estimated panels, the refreshed tiny fixture, the tiny warehouse
#: published in-process (``tiny_published``). Every other module is a unit of its own, as
#: with ``--dist loadfile``.
FIXTURE_FAMILIES = {
    "tests/test_end_to_end.py": "built",
    "tests/test_scenario.py": "built",
    "tests/refresh/": "refreshed",
    "tests/panel/": "panel",
    "tests/test_quality_gate.py": "tiny_published",
    "tests/test_sql.py": "tiny_published",
}


def work_unit(nodeid: str) -> str:
    """What one xdist worker runs whole: the family of the test's module, or the module."""
    path = nodeid.split("::", 1)[0]
    families = FIXTURE_FAMILIES.items()
    return next((unit for prefix, unit in families if path.startswith(prefix)), path)


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadfile`` (pyproject.toml) with the families of :data:`FIXTURE_FAMILIES`
    (xdist's own ``loadgroup`` marks do not reach its scheduler under pytest 9.2)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FixtureFamilyScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return FixtureFamilyScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Heavy modules first (in ``HEAVY_FIRST`` order), the rest in collection order."""
    rank = {name: i for i, name in enumerate(HEAVY_FIRST)}

    def key(item: pytest.Item) -> int:
        path = Path(str(item.path)).relative_to(ROOT).as_posix()
        return rank.get(path, len(rank))

    items.sort(key=key)  # stable: tests keep their order within a module
