"""Fixtures for the input-output algebra: random productive tables and real reference tables."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.mrio import IOTable

LEATHER_ECONOMIES = ["Argentina", "Turkey", "Germany"]
LEATHER_SECTORS = ["Agriculture", "Textile_and_Leather", "Transport_Equipment"]


def random_table(G: int, N: int, seed: int, fd_categories: int = 5) -> IOTable:
    """A productive MRIO with a strong domestic block and positive final demand."""
    rng = np.random.default_rng(seed)
    n = G * N
    Z = rng.uniform(0.0, 10.0, (n, n))
    e = np.repeat(np.arange(G), N)
    Z[e[:, None] == e[None, :]] *= 8.0
    F = rng.uniform(5.0, 60.0, (n, G * fd_categories))
    return IOTable(Z, F, [f"E{g}" for g in range(G)], [f"s{i}" for i in range(N)], fd_categories)


@pytest.fixture(scope="session")
def leather(reference_data: Path) -> IOTable:
    d = reference_data / "decompr-leather"
    Z = pd.read_csv(d / "leather_inter.csv", index_col=0).to_numpy()
    F = pd.read_csv(d / "leather_final.csv", index_col=0).to_numpy()
    return IOTable(Z, F, LEATHER_ECONOMIES, LEATHER_SECTORS, fd_categories=1)


def read_wiod(path: Path, year: int) -> IOTable:
    with gzip.open(path, "rt") as fh:
        frame = pd.read_csv(fh)
    economies = list(dict.fromkeys(frame["row_country"]))
    sectors = list(dict.fromkeys(frame["row_industry"]))
    values = frame.drop(columns=["row_country", "row_industry", "GO"]).to_numpy(dtype=float)
    n = len(economies) * len(sectors)
    return IOTable(values[:, :n], values[:, n:], economies, sectors, fd_categories=5, year=year)


@pytest.fixture(scope="session", params=[2008, 2009])
def wiod(request, reference_data: Path) -> IOTable:
    return read_wiod(
        reference_data / "wiod2013" / f"wiot_{request.param}_41x35.csv.gz", request.param
    )
