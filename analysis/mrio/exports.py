r"""Domestic value added in gross exports by exporting sector (Wang, Wei and Zhu 2013).

For sector i of economy s, with ``b_i = (u' V_s B_ss)_i`` (domestic content weight through the
global inverse) and ``l_i = (u' V_s L_ss)_i`` (through the local inverse), gross exports
``E_i`` and intermediate exports ``E_int,i``:

.. math::
    DVA_i = b_i E_i - l_i \Big[\sum_{r \ne s} A_{sr} B_{rs} Y_{s*}\Big]_i - (b_i - l_i) E_{int,i}

i.e. WWZ terms 1-8 (VAX plus returned domestic value added) summed over importers: the
domestic content ``b_i E_i`` less the pure domestic double counting DDC_FIN and DDC_INT.
``Y_s*`` are the final-goods exports of s. Three rates are published: ``dvar = DVA / E``
(default, the UIBE "DVA share"), ``dvar_dc = b`` (domestic content) and ``dvar_local = l``.

References
----------
Wang, Z., Wei, S.-J. and Zhu, K. (2013). Quantifying international production sharing at the
bilateral and sector levels. NBER Working Paper 19677 (terms 1-8, 13, 14); Koopman, Wang and
Wei (2014), AER 104(2). Compact sector formula: docs/methods.md, section 4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.mrio.decomposition import Decomposition
from analysis.mrio.leontief import LeontiefSolver
from analysis.mrio.table import FloatArray


@dataclass(frozen=True)
class ExportContent:
    """Export value-added measures by exporting sector (length n each)."""

    exports: FloatArray
    dva_wwz: FloatArray
    domestic_content: FloatArray  # b: column sums of v_s B_ss over domestic sources
    local_content: FloatArray  # l: column sums of v_s L_ss


def value_added_origin(solver: LeontiefSolver) -> FloatArray:
    """``W[r, j] = sum_{i in r} v_i B_ij``: source-economy value added per unit of j (G x n).

    One multi-right-hand-side transposed solve (G columns). Columns sum to 1 where x != 0.
    """
    t = solver.table
    masked = np.zeros((t.n, t.G))
    masked[np.arange(t.n), t.economy_index] = t.v
    return solver.Bt(masked).T


def export_content(
    solver: LeontiefSolver, dec: Decomposition, origin: FloatArray | None = None
) -> ExportContent:
    """WWZ DVA and the domestic-content and local-inverse weights for every sector.

    ``origin`` is :func:`value_added_origin` of ``solver`` when the caller has it already
    (computed here otherwise).
    """
    t = solver.table
    rows, own = np.arange(t.n), t.economy_index
    origin = value_added_origin(solver) if origin is None else origin
    b = origin[own, rows]
    local = dec.vL  # L is block diagonal, so (v L)_i = (v_s L_ss)_i

    # [sum_{r != s} A_sr B_rs Y_s*]_i: one column per exporting economy s holding its
    # final-goods exports; A_F has no own-economy entries, so no further masking is needed.
    final_exports = np.zeros((t.n, t.G))
    final_exports[rows, own] = t.y_f
    ddc_fin_base = solver.AF(solver.B(final_exports))[rows, own]

    E, E_int = t.exports, t.exports_intermediate
    dva = b * E - local * ddc_fin_base - (b - local) * E_int
    return ExportContent(exports=E, dva_wwz=dva, domestic_content=b, local_content=local)
