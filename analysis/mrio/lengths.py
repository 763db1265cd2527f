r"""GVC production lengths and position (Wang, Wei, Yu and Zhu 2017b).

.. math::
    Xv_{GVC} = v \circ (L L A_F B y + L A_F B B y), \qquad PLv_{GVC} = Xv_{GVC} / V_{GVC}

    Xy_{GVC} = (v L L A_F B + v L A_F B B) \circ y, \qquad PLy_{GVC} = Xy_{GVC} / Y_{GVC}

    GVCPs = PLv_{GVC} / PLy_{GVC}

with ``V_GVC = V_GVC_S + V_GVC_C`` and ``Y_GVC = Y_GVC_S + Y_GVC_C``. The first term of each
length is the domestic segment, the second the international one (ADB's split of the latter
into border crossings and the foreign segment sums to the same).

References
----------
Wang, Z., Wei, S.-J., Yu, X. and Zhu, K. (2017). Characterizing global value chains:
production length and upstreamness. NBER Working Paper 23261, equations 16-20.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.mrio.decomposition import Decomposition
from analysis.mrio.leontief import LeontiefSolver
from analysis.mrio.table import FloatArray


@dataclass(frozen=True)
class Lengths:
    """Forward/backward GVC production lengths and the position index (length n each)."""

    xv_gvc: FloatArray
    xy_gvc: FloatArray
    plv_gvc: FloatArray
    ply_gvc: FloatArray
    gvc_position: FloatArray


def ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """``num / den`` with NaN where ``den == 0`` (no warnings, no clipping)."""
    out = np.full(np.shape(num), np.nan)
    return np.divide(num, den, out=out, where=den != 0)


def gvc_lengths(solver: LeontiefSolver, dec: Decomposition) -> Lengths:
    """Production lengths of GVC activities and the GVC position index."""
    t = solver.table
    v, y = t.v, t.y
    BBy = solver.B(dec.By)
    forward = solver.L(solver.L(solver.AF(dec.By))) + solver.L(solver.AF(BBy))
    xv = v * forward

    vLL = solver.Lt(dec.vL)
    backward = solver.Bt(solver.AFt(vLL)) + solver.Bt(dec.vLAF_B)
    xy = backward * y

    plv = ratio(xv, dec.v_gvc_s + dec.v_gvc_c)
    ply = ratio(xy, dec.y_gvc_s + dec.y_gvc_c)
    return Lengths(xv_gvc=xv, xy_gvc=xy, plv_gvc=plv, ply_gvc=ply, gvc_position=ratio(plv, ply))
