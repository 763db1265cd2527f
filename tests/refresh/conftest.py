"""A tiny three-year fixture (PRC, USA, RoW; 2007-2009) refreshed once for the refresh tests
(one xdist worker runs them all: tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.sample import write_sample
from tests.refresh.helpers import env_for, refresh


@pytest.fixture(scope="session")
def tiny_three_years(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw3")
    write_sample(raw, size="tiny", years=[2007, 2008, 2009])
    return raw


@pytest.fixture(scope="session")
def refreshed(tmp_path_factory, tiny_three_years, repo_root) -> Path:
    """A root with one published refresh of the three-year fixture."""
    root = tmp_path_factory.mktemp("refreshed")
    shutil.copytree(tiny_three_years, root / "raw")
    assert refresh(env_for(root, repo_root)).returncode == 0
    return root


@pytest.fixture
def fresh(tmp_path, tiny_three_years, repo_root):
    shutil.copytree(tiny_three_years, tmp_path / "raw")
    return tmp_path, env_for(tmp_path, repo_root)


@pytest.fixture
def published(refreshed, tmp_path, repo_root):
    """A private copy of the refreshed root (raw, landing, warehouse, history)."""
    root = tmp_path / "copy"
    shutil.copytree(refreshed, root)
    return root, env_for(root, repo_root)
