"""A simulated published warehouse estimated once per test session and worker."""

from __future__ import annotations

import pytest

from tests.panel.simulate import simulated_mart, write_warehouse

#: Bootstrap draws of the fixture runs: enough to exercise the bootstrap, quick.
DRAWS = 99


@pytest.fixture(scope="session")
def estimated(tmp_path_factory):
    """``estimate_all`` on a simulated synthetic-sample mart: (run, root folder)."""
    from analysis.panel.run import estimate_all

    root = tmp_path_factory.mktemp("panel")
    warehouse = write_warehouse(root / "gvc.duckdb", simulated_mart())
    run = estimate_all(warehouse, root / "reports", root / "history.duckdb", bootstrap_reps=DRAWS)
    return run, root


@pytest.fixture(scope="session")
def estimated_real(tmp_path_factory):
    """The same on a mart whose inputs are all real releases, with ``--exposure forward``."""
    from analysis.panel.run import estimate_all

    root = tmp_path_factory.mktemp("panel_real")
    warehouse = write_warehouse(root / "gvc.duckdb", simulated_mart(real=True))
    run = estimate_all(
        warehouse,
        root / "reports",
        root / "history.duckdb",
        exposure="forward",
        bootstrap_reps=0,
    )
    return run, root
