"""Bench: full WWYZ decomposition of full-size years vs pymrio's calc_all and a bare LU.

Prints seconds and peak traced memory for
  1. one full-size year (62 economies + RoW x 35 sectors = 2205 rows) through
     ``analysis.mrio.gvc_indicators``;
  2. all 12 years (2007-2018) of the full synthetic sample;
  3. pymrio's ``IOSystem.calc_all`` on the same table (A, L = (I - A)^-1, x, ...);
  4. a bare ``scipy.linalg.lu_factor(I - A)``.
Targets (issue 3): (1) faster than (3), and within 3x of (4). No assertions.

Usage: ``python bench/bench_decomposition.py [--years N]``
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd
from scipy.linalg import lu_factor

from analysis.mrio import IOTable, gvc_indicators
from analysis.reference import SECTOR_CODES
from analysis.sample import economies_for
from analysis.sample.mrio_model import sample_table

SEED = 20240607


def measure(label: str, func, repeat: int = 5):
    """Best-of-``repeat`` seconds and the peak traced memory of one call."""
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{label:<52} {best:8.3f} s {peak:9.0f} MiB")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, default=12, help="years in the multi-year run")
    args = parser.parse_args()

    economies = economies_for("full")
    raw = sample_table(economies, 2018, SEED)
    table = IOTable(raw.Z, raw.F, economies, SECTOR_CODES, year=2018)
    print(f"full-size synthetic table: {len(economies)} economies x 35 sectors = {table.n} rows")
    print(f"{'step':<52} {'time':>10} {'peak mem':>13}")

    t_ours = measure("gvc_indicators, one year (all indicators)", lambda: gvc_indicators(table))
    eye = np.eye(table.n)
    t_lu = measure("bare scipy lu_factor(I - A)", lambda: lu_factor(eye - table.A))

    try:
        import pymrio
    except ImportError:  # pragma: no cover - dev dependency
        pymrio, t_pymrio = None, np.nan
    if pymrio is not None:
        index = pd.MultiIndex.from_product([economies, SECTOR_CODES], names=["region", "sector"])
        fd = pd.MultiIndex.from_product(
            [economies, ["F1", "F2", "F3", "F4", "F5"]], names=["region", "category"]
        )
        Z = pd.DataFrame(table.Z, index=index, columns=index)
        Y = pd.DataFrame(table.F, index=index, columns=fd)

        def pymrio_calc_all():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pymrio.IOSystem(Z=Z.copy(), Y=Y.copy()).calc_all()

        t_pymrio = measure("pymrio IOSystem(Z, Y).calc_all()", pymrio_calc_all, repeat=2)

    years = range(2007, 2007 + args.years)
    tables = [
        IOTable(t.Z, t.F, economies, SECTOR_CODES, year=t.year)
        for t in (sample_table(economies, y, SEED) for y in years)
    ]
    measure(
        f"gvc_indicators, {len(tables)} years of the full sample",
        lambda: [gvc_indicators(t) for t in tables],
        repeat=1,
    )

    print()
    print(f"one year vs pymrio calc_all: {t_ours / t_pymrio:.2f}x (target < 1)")
    print(f"one year vs bare LU:         {t_ours / t_lu:.2f}x (target <= 3)")


if __name__ == "__main__":
    main()
