r"""Disruption scenarios on one MRIO year (docs/methods.md, section 6).

A target (a mask over economy-sectors) is shocked by a fraction ``theta`` in [0, 1]:

- ``leontief_demand``: final demand for the target's output falls by theta,
  ``dx = B df`` with ``df = -theta * y * mask`` (demand-driven Leontief model).
- ``ghosh_supply``: the target's primary inputs fall by theta,
  ``dx = x * (B' (dva / x))`` with ``dva = -theta * va * mask`` (supply-driven Ghosh model;
  Oosterhaven 1988: read it as an estimate, never alone).
- ``extraction``: the target's sales as intermediate inputs fall by theta (rows of A
  scaled by 1 - theta, the system refactorised; Sherman-Morrison for one sector:
  ``dx = -theta z_j B e_j / (1 + theta (B_jj - 1))``); theta = 1 is backward-row extraction.
- ``full_extraction`` (theta must be 1): the target's row, column and final demand removed,
  the hypothetical extraction method of Dietzenbacher and Lahr (2013); for one sector the
  loss elsewhere is ``criticality`` of :mod:`analysis.mrio.resilience`. Chosen explicitly,
  so that ``extraction`` stays continuous in theta.
Losses are ``loss_value = -dx`` (USD million) and ``loss_pct = -dx / x``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.mrio.lengths import ratio
from analysis.mrio.leontief import LeontiefSolver
from analysis.mrio.table import IOTable

#: The methods a scenario runs when it names none (every one defined for any theta).
METHODS = ("leontief_demand", "ghosh_supply", "extraction")
#: Every method a scenario may name.
ALL_METHODS = (*METHODS, "full_extraction")


def target_mask(table: IOTable, economies=None, sectors=None) -> np.ndarray:
    """Boolean mask of the rows whose economy is in ``economies`` and sector in ``sectors``
    (None = all)."""
    mask = np.ones(table.n, dtype=bool)
    if economies:
        unknown = set(economies) - set(table.economies)
        if unknown:
            raise ValueError(f"unknown economies {sorted(unknown)} in year {table.year}")
        mask &= np.isin(table.economy_of_row, list(economies))
    if sectors:
        unknown = set(sectors) - set(table.sectors)
        if unknown:
            raise ValueError(f"unknown sectors {sorted(unknown)}")
        mask &= np.isin(table.sector_of_row, list(sectors))
    return mask


def output_change(
    table: IOTable, solver: LeontiefSolver, mask: np.ndarray, theta: float, method: str
) -> np.ndarray:
    """``dx`` (length n) of a scenario."""
    if not 0.0 <= theta <= 1.0:
        raise ValueError(f"shock must lie in [0, 1], got {theta}")
    if method == "leontief_demand":
        return solver.B(-theta * table.y * mask)
    if method == "ghosh_supply":
        dva = -theta * table.va * mask
        # zero-output sectors have no Ghosh coefficients: 0, not NaN (NaN would spread)
        return table.x * solver.Bt(
            np.divide(dva, table.x, out=np.zeros(table.n), where=table.x != 0)
        )
    if method == "extraction":
        A = table.A.copy()
        A[mask, :] *= 1.0 - theta
        return np.linalg.solve(np.eye(table.n) - A, table.y) - table.x
    if method == "full_extraction":
        if theta != 1.0:
            raise ValueError(
                f"full_extraction removes the target entirely: shock must be 1, got {theta}"
            )
        keep = ~mask
        x_new = np.zeros(table.n)
        sub = np.eye(int(keep.sum())) - table.A[np.ix_(keep, keep)]
        x_new[keep] = np.linalg.solve(sub, table.y[keep])
        return x_new - table.x
    raise ValueError(f"unknown method {method!r}; choose one of {ALL_METHODS}")


def run_scenario(
    table: IOTable,
    mask: np.ndarray,
    theta: float,
    methods=METHODS,
    solver: LeontiefSolver | None = None,
) -> pd.DataFrame:
    """Long results: method, economy, sector, x, loss_value, loss_pct, is_target."""
    solver = solver or LeontiefSolver(table)
    parts = []
    for method in methods:
        dx = output_change(table, solver, mask, theta, method)
        parts.append(
            pd.DataFrame(
                {
                    "method": method,
                    "economy": table.economy_of_row.astype(str),
                    "sector": table.sector_of_row.astype(str),
                    "x": table.x,
                    "loss_value": -dx,
                    "loss_pct": ratio(-dx, table.x),
                    "is_target": mask,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
