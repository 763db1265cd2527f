r"""Supply-chain exposure indicators from one MRIO year (docs/methods.md, section 5).

Per economy-sector j (economy e(j)), with ``W[r, j] = sum_{i in r} v_i B_ij`` the value added
of source economy r per unit of j's final output (columns of W sum to 1 where x != 0):

- ``fir_direct``: imported intermediate inputs per unit of gross output,
  ``sum_{i: e(i) != e(j)} Z_ij / x_j`` (Baldwin and Freeman 2022).
- ``fir_total``: foreign value added per unit of final output, ``sum_{r != e(j)} W[r, j]``
  (``= 1 - W[e(j), j]`` where the columns of W sum to 1; summing the foreign rows keeps an
  economy without foreign content at exactly 0) (Hummels, Ishii and Yi 2001; Koopman, Wang
  and Wei 2014). NaN where x_j = 0.
- ``hhi_sources``: Herfindahl-Hirschman index of the foreign sources,
  ``sum_{r != e(j)} s_rj^2`` with ``s_rj = W[r, j] / fir_total_j``; ``effective_suppliers``
  ``= 1 / hhi_sources``. Shares and HHI are NaN where x_j = 0 or fir_total_j = 0, and so are
  the group exposures and the regional share built from the shares (undefined, not "no
  exposure": docs/architecture.md, decision 1).
- ``upstreamness`` ``U = (B x) / x`` (Antras, Chor, Fally and Hillberry 2012; equal to the
  Ghosh row sums, Miller and Temurshoev 2017); ``downstreamness`` ``D = 1'B``.
- ``criticality``: gross output lost by all other sectors when j is fully extracted (row,
  column and final demand removed), ``x_j (1'B e_j - B_jj) / B_jj`` by the Schur-complement
  identity (Miller and Lahr 2001; Dietzenbacher and Lahr 2013), from the diagonal of B
  (:meth:`LeontiefSolver.B_diagonal`, no explicit inverse).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.mrio.exports import value_added_origin
from analysis.mrio.lengths import ratio
from analysis.mrio.leontief import LeontiefSolver
from analysis.mrio.table import FloatArray, IOTable

RESILIENCE_COLUMNS: tuple[str, ...] = (
    "economy",
    "sector",
    "fir_direct",
    "fir_total",
    "hhi_sources",
    "effective_suppliers",
    "upstreamness",
    "downstreamness",
    "criticality",
    "criticality_share",
)


def _origin_shares(table: IOTable, origin: FloatArray) -> tuple[np.ndarray, np.ndarray]:
    """(fir_total, S) with S[r, j] the share of source economy r in j's foreign content,
    from the value-added origin matrix ``origin`` (G x n, :func:`value_added_origin`); both
    NaN where x_j = 0, S NaN where fir_total_j = 0 (0 for j's own economy elsewhere)."""
    foreign = origin.copy()
    foreign[table.economy_index, np.arange(table.n)] = 0.0
    fir_total = np.where(table.x != 0, foreign.sum(axis=0), np.nan)
    shares = np.full_like(foreign, np.nan)
    defined = (fir_total != 0) & ~np.isnan(fir_total)
    np.divide(foreign, fir_total[None, :], out=shares, where=defined[None, :])
    return fir_total, shares


def resilience_indicators(
    table: IOTable, solver: LeontiefSolver | None = None, *, origin: FloatArray | None = None
) -> pd.DataFrame:
    """One row per economy-sector with the columns :data:`RESILIENCE_COLUMNS`.

    ``origin``: :func:`value_added_origin` of ``solver`` when the caller has it already.
    """
    solver = solver or LeontiefSolver(table)
    origin = value_added_origin(solver) if origin is None else origin
    x = table.x
    fir_direct = ratio(table.imported_inputs, x)
    fir_total, shares = _origin_shares(table, origin)
    hhi = np.nansum(shares**2, axis=0)
    hhi = np.where(np.isnan(shares).all(axis=0), np.nan, hhi)
    col_sums = solver.Bt(np.ones(table.n))
    diag_b = solver.B_diagonal()
    criticality = x * (col_sums - diag_b) / diag_b
    return pd.DataFrame(
        {
            "economy": table.economy_of_row.astype(str),
            "sector": table.sector_of_row.astype(str),
            "fir_direct": fir_direct,
            "fir_total": fir_total,
            "hhi_sources": hhi,
            "effective_suppliers": ratio(np.ones(table.n), hhi),
            "upstreamness": ratio(solver.B(x), x),
            "downstreamness": col_sums,
            "criticality": criticality,
            "criticality_share": ratio(criticality, x.sum() - x),
        },
        columns=list(RESILIENCE_COLUMNS),
    )


def foreign_value_added_shares(
    table: IOTable, solver: LeontiefSolver | None = None
) -> pd.DataFrame:
    """Long table: economy, sector, source_economy, fva_share (sources other than own)."""
    solver = solver or LeontiefSolver(table)
    _, shares = _origin_shares(table, value_added_origin(solver))
    G, n = table.G, table.n
    own = np.broadcast_to(table.economy_index, (G, n))
    keep = own != np.arange(G)[:, None]
    return pd.DataFrame(
        {
            "economy": np.broadcast_to(table.economy_of_row, (G, n))[keep].astype(str),
            "sector": np.broadcast_to(table.sector_of_row, (G, n))[keep].astype(str),
            "source_economy": np.repeat(np.array(table.economies), n).reshape(G, n)[keep],
            "fva_share": shares[keep],
        }
    )


def group_exposures(
    table: IOTable,
    solver: LeontiefSolver,
    groups: dict[str, frozenset[str]],
    regions: dict[str, str],
    *,
    origin: FloatArray | None = None,
) -> pd.DataFrame:
    """Share of each sector's foreign value added from each group and from its own region.

    ``exposure_<group>_j = sum_{r in group, r != e(j)} s_rj`` and ``regional_share_j`` the
    same sum over the other economies of j's region (``regions``: economy -> region), with
    ``s_rj`` the source shares of :func:`foreign_value_added_shares`. Where the shares are
    undefined (x_j = 0, or no foreign value added: ``hhi_sources`` NaN) both are NaN, never 0
    ("not exposed" would be a claim the table does not make). ``origin``:
    :func:`value_added_origin` of ``solver`` when the caller has it already. One row per
    economy-sector in table order: ``economy, sector, exposure_<group>..., regional_share``.
    """
    origin = value_added_origin(solver) if origin is None else origin
    _, shares = _origin_shares(table, origin)
    undefined = np.isnan(shares).all(axis=0)
    shares = np.where(undefined[None, :], 0.0, shares)  # summed below, NaN put back after
    shares[table.economy_index, np.arange(table.n)] = 0.0  # own economy is not a source
    source = np.array(table.economies)
    out = {
        "economy": table.economy_of_row.astype(str),
        "sector": table.sector_of_row.astype(str),
    }
    for group, members in sorted(groups.items()):
        rows = np.isin(source, list(members))
        out[f"exposure_{group}"] = np.where(undefined, np.nan, shares[rows].sum(axis=0) + 0.0)
    region_of_source = np.array([regions.get(e, f"unknown:{e}") for e in source], dtype=object)
    same = region_of_source[:, None] == region_of_source[table.economy_index][None, :]
    regional = np.where(same, shares, 0.0).sum(axis=0) + 0.0
    out["regional_share"] = np.where(undefined, np.nan, regional)
    return pd.DataFrame(out)
