"""``gvc_indicators``: every GVC measure of every economy-sector of one table, in one pass."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.mrio.decomposition import wwyz_decomposition
from analysis.mrio.exports import export_content
from analysis.mrio.lengths import gvc_lengths, ratio
from analysis.mrio.leontief import LeontiefSolver
from analysis.mrio.table import FloatArray, IOTable

#: Columns of ``gvc_indicators`` (and of ``fct_gvc_participation`` except its keys).
GVC_COLUMNS: tuple[str, ...] = (
    "economy",
    "sector",
    "x",
    "va",
    "y",
    "exports",
    "v_d",
    "v_rt",
    "v_gvc_s",
    "v_gvc_c",
    "y_d",
    "y_rt",
    "y_gvc_s",
    "y_gvc_c",
    "gvcpt_f",
    "gvcpt_b",
    "icc",
    "plv_gvc",
    "ply_gvc",
    "gvc_position",
    "dva_wwz",
    "dvar",
    "dvar_dc",
    "dvar_local",
    "ics",
)


def gvc_indicators(
    table: IOTable, solver: LeontiefSolver | None = None, *, origin: FloatArray | None = None
) -> pd.DataFrame:
    r"""WWYZ decomposition, participation, lengths, position and DVAR for every sector.

    One LU factorisation of ``I - A`` (reused from ``solver`` when given) and G local
    inverses; every quantity is a matrix-vector product or solve. ``origin``: the value-added
    origin matrix of the table (:func:`~analysis.mrio.exports.value_added_origin`) when the
    caller has computed it for other indicators too.

    Returns
    -------
    DataFrame
        One row per economy-sector in table order with the columns :data:`GVC_COLUMNS`:
        ``gvcpt_f = (v_gvc_s + v_gvc_c) / va``, ``gvcpt_b = (y_gvc_s + y_gvc_c) / y``,
        ``icc = gvcpt_f + gvcpt_b``, ``gvc_position = plv_gvc / ply_gvc``,
        ``dvar = dva_wwz / exports``, ``ics = gvc_position * dvar``. Ratios with a zero
        denominator are NaN; negative denominators give out-of-range values, never clipped.
    """
    solver = solver or LeontiefSolver(table)
    dec = wwyz_decomposition(solver)
    lengths = gvc_lengths(solver, dec)
    content = export_content(solver, dec, origin)

    gvcpt_f = ratio(dec.v_gvc_s + dec.v_gvc_c, table.va)
    gvcpt_b = ratio(dec.y_gvc_s + dec.y_gvc_c, table.y)
    dvar = ratio(content.dva_wwz, content.exports)
    no_exports = content.exports == 0
    frame = pd.DataFrame(
        {
            "economy": table.economy_of_row.astype(str),
            "sector": table.sector_of_row.astype(str),
            "x": table.x,
            "va": table.va,
            "y": table.y,
            "exports": content.exports,
            "v_d": dec.v_d,
            "v_rt": dec.v_rt,
            "v_gvc_s": dec.v_gvc_s,
            "v_gvc_c": dec.v_gvc_c,
            "y_d": dec.y_d,
            "y_rt": dec.y_rt,
            "y_gvc_s": dec.y_gvc_s,
            "y_gvc_c": dec.y_gvc_c,
            "gvcpt_f": gvcpt_f,
            "gvcpt_b": gvcpt_b,
            "icc": gvcpt_f + gvcpt_b,
            "plv_gvc": lengths.plv_gvc,
            "ply_gvc": lengths.ply_gvc,
            "gvc_position": lengths.gvc_position,
            "dva_wwz": content.dva_wwz,
            "dvar": dvar,
            "dvar_dc": np.where(no_exports, np.nan, content.domestic_content),
            "dvar_local": np.where(no_exports, np.nan, content.local_content),
            "ics": lengths.gvc_position * dvar,
        },
        columns=list(GVC_COLUMNS),
    )
    return frame
