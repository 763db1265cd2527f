r"""Wang-Wei-Yu-Zhu (2017a) production-based decomposition of value added and final output.

Forward (row sums of the four n x n term matrices, by the sector that creates the value added):

.. math::
    V_D = v \circ (L y_D), \quad V_{RT} = v \circ (L y_F), \quad
    V_{GVC,S} = v \circ (L A_F L y_D), \quad V_{GVC,C} = v \circ (L A_F (B y - L y_D))

and ``V_D + V_RT + V_GVC_S + V_GVC_C = v * (B y) = va``. Backward (column sums, by the sector
that produces the final good):

.. math::
    Y_D = (v L) \circ y_D, \quad Y_{RT} = (v L) \circ y_F, \quad
    Y_{GVC,S} = (v L A_F L) \circ y_D, \quad
    Y_{GVC,C} = (v L A_F B) \circ y - (v L A_F L) \circ y_D

and their sum is ``(v B) * y = y``.

References
----------
Wang, Z., Wei, S.-J., Yu, X. and Zhu, K. (2017). Measures of participation in global value
chains and global business cycles. NBER Working Paper 23222, equations 8-11.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.mrio.leontief import LeontiefSolver
from analysis.mrio.table import FloatArray


@dataclass(frozen=True)
class Decomposition:
    """Forward and backward WWYZ terms, each of length n, plus reusable intermediate vectors."""

    v_d: FloatArray
    v_rt: FloatArray
    v_gvc_s: FloatArray
    v_gvc_c: FloatArray
    y_d: FloatArray
    y_rt: FloatArray
    y_gvc_s: FloatArray
    y_gvc_c: FloatArray
    By: FloatArray  # B y (= x on a balanced table)
    vL: FloatArray  # v L as a column
    vLAF_B: FloatArray  # v L A_F B as a column


def wwyz_decomposition(solver: LeontiefSolver) -> Decomposition:
    """Compute the eight WWYZ vectors with one LU (solves only; no n x n products)."""
    t = solver.table
    v, y, yD, yF = t.v, t.y, t.y_d, t.y_f

    L_yD = solver.L(yD)
    By = solver.B(y)
    v_d = v * L_yD
    v_rt = v * solver.L(yF)
    v_gvc_s = v * solver.L(solver.AF(L_yD))
    v_gvc_c = v * solver.L(solver.AF(By - L_yD))

    vL = solver.Lt(v)
    vLAF = solver.AFt(vL)
    vLAF_L = solver.Lt(vLAF)
    vLAF_B = solver.Bt(vLAF)
    return Decomposition(
        v_d=v_d,
        v_rt=v_rt,
        v_gvc_s=v_gvc_s,
        v_gvc_c=v_gvc_c,
        y_d=vL * yD,
        y_rt=vL * yF,
        y_gvc_s=vLAF_L * yD,
        y_gvc_c=vLAF_B * y - vLAF_L * yD,
        By=By,
        vL=vL,
        vLAF_B=vLAF_B,
    )
