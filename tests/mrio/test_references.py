"""Validation against values computed by third-party code (docs/methods.md, section 8).

- decompr 6.8.0 (R, bquast/decompr): Leontief inverses and the WWZ (2013) decomposition;
- MeasureGVC 0.0.1 (R, common2016/MeasureGVC): WWYZ (2017a) participation;
- ADB economist's mrio-processing (Python, ksreyes): WWYZ (2017b) lengths and position
  (float32 storage, so rtol 1e-6).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import numpy.testing as npt
import pandas as pd

from analysis.mrio import (
    LeontiefSolver,
    dense_leontief_inverse,
    dense_local_inverse,
    gvc_indicators,
)

WWZ_DVA_TERMS = [
    "DVA_FIN",
    "DVA_INT",
    "DVA_INTrexI1",
    "DVA_INTrexF",
    "DVA_INTrexI2",
    "RDV_INT",
    "RDV_FIN",
    "RDV_FIN2",
]


def _ref(reference_data: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(reference_data / "decompr-leather" / "reference" / name)


def test_leather_leontief_inverses_equal_decompr(leather, reference_data):
    B = _ref(reference_data, "decompr_B_global_leontief.csv").drop(columns="row").to_numpy()
    L = _ref(reference_data, "decompr_L_local_leontief.csv").drop(columns="row").to_numpy()
    npt.assert_allclose(dense_leontief_inverse(leather), B, rtol=1e-12)
    npt.assert_allclose(dense_local_inverse(leather), L, rtol=1e-12, atol=1e-15)
    solver = LeontiefSolver(leather)
    npt.assert_allclose(solver.B(np.eye(9)), B, rtol=1e-12)
    npt.assert_allclose(solver.L(np.eye(9)), L, rtol=1e-12, atol=1e-15)


def test_leather_decompr_leontief_final_demand_values(leather):
    # decompr tests/testthat/test_leontief.R, post = "final_demand": V B Y, row 1 = value added
    # of Argentina Agriculture in final demand of Argentina = 24.3345824; row 20 = Germany
    # Agriculture's value added absorbed by Turkey's final demand = 23.6841309.
    vBY = leather.v[:, None] * dense_leontief_inverse(leather) @ leather.Y
    npt.assert_allclose(vBY[0, 0], 24.3345824, rtol=1e-8)
    npt.assert_allclose(vBY[6, 1], 23.6841309, rtol=1e-8)


def test_leather_participation_equals_measuregvc(leather, reference_data):
    ref = _ref(reference_data, "measuregvc_participation.csv")
    out = gvc_indicators(leather)
    npt.assert_allclose(out["gvcpt_f"], ref["gvc_forward"], rtol=1e-9)
    npt.assert_allclose(out["gvcpt_b"], ref["gvc_backward"], rtol=1e-9)
    npt.assert_allclose(out["v_d"] / out["va"], ref["inner_forward"], rtol=1e-9)
    npt.assert_allclose(out["y_d"] / out["y"], ref["inner_backward"], rtol=1e-9)
    # V2: Argentina Agriculture and Germany Transport_Equipment, printed values
    npt.assert_allclose(out.loc[0, ["gvcpt_f", "gvcpt_b"]], [0.344541928874484, 0.111629516434428])
    npt.assert_allclose(out.loc[8, ["gvcpt_f", "gvcpt_b"]], [0.123633251469388, 0.366403682362411])


def test_leather_lengths_equal_adb_code(leather, reference_data):
    ref = _ref(reference_data, "adb_ksreyes_production_lengths_leather.csv")
    out = gvc_indicators(leather)
    npt.assert_allclose(out["plv_gvc"], ref["PLv_GVC"], rtol=1e-6)
    npt.assert_allclose(out["ply_gvc"], ref["PLy_GVC"], rtol=1e-6)
    npt.assert_allclose(out["gvc_position"], ref["GVC_POS"], rtol=1e-6)
    npt.assert_allclose(out.loc[0, "gvc_position"], 0.980915, rtol=1e-6)


def test_leather_wwz_dva_equals_decompr(leather, reference_data):
    wwz = _ref(reference_data, "decompr_wwz.csv")
    by_sector = wwz.groupby(["Exporting_Country", "Exporting_Industry"], sort=False).sum(
        numeric_only=True
    )
    out = gvc_indicators(leather)
    npt.assert_allclose(out["exports"], by_sector["texp"], rtol=1e-12)
    npt.assert_allclose(out["dva_wwz"], by_sector[WWZ_DVA_TERMS].sum(axis=1), rtol=1e-9)
    # V4: Argentina Agriculture DVA 29.473457, E = 33.2, three DVAR variants
    npt.assert_allclose(out.loc[0, "dva_wwz"], 29.473457, rtol=1e-7)
    npt.assert_allclose(out.loc[0, "exports"], 33.2)
    npt.assert_allclose(
        out.loc[0, ["dvar", "dvar_dc", "dvar_local"]], [0.887755, 0.897448, 0.888370], atol=5e-7
    )
    # domestic content = DVA + pure domestic double counting, b * E (WWZ identity)
    ddc = by_sector[["DDC_FIN", "DDC_INT"]].sum(axis=1).to_numpy()
    npt.assert_allclose(out["dvar_dc"] * out["exports"], out["dva_wwz"] + ddc, rtol=1e-9)


def test_wiod_participation_equals_measuregvc(wiod, reference_data):
    ref = pd.read_csv(
        reference_data / "wiod2013-reference" / f"measuregvc_participation_{wiod.year}.csv"
    )
    out = gvc_indicators(wiod)
    assert list(ref["country"]) == list(out["economy"]) and list(ref["industry"]) == list(
        out["sector"]
    )
    npt.assert_allclose(out["x"], ref["x"], rtol=1e-12)
    for ours, theirs in [("gvcpt_f", "gvc_forward"), ("gvcpt_b", "gvc_backward")]:
        npt.assert_allclose(out[ours], ref[theirs], rtol=1e-9, atol=1e-12, equal_nan=True)
    npt.assert_allclose(out["v_d"] / out["va"], ref["inner_forward"], rtol=1e-9, equal_nan=True)


def test_wiod_wwz_dva_equals_decompr(wiod, reference_data):
    path = reference_data / "wiod2013-reference" / f"decompr_wwz_sector_{wiod.year}.csv.gz"
    with gzip.open(path, "rt") as fh:
        ref = pd.read_csv(fh)
    out = gvc_indicators(wiod)
    npt.assert_allclose(out["exports"], ref["texp"], rtol=1e-12)
    dva = ref[WWZ_DVA_TERMS].sum(axis=1).to_numpy()
    scale = np.abs(ref[WWZ_DVA_TERMS]).sum(axis=1).max()
    npt.assert_allclose(out["dva_wwz"], dva, rtol=1e-9, atol=1e-12 * scale)


def test_wiod_lengths_and_position_equal_adb_code(wiod, reference_data):
    ref = pd.read_csv(
        reference_data / "wiod2013-reference" / "adb_ksreyes_production_lengths_2008_2009.csv"
    )
    ref = ref[ref["year"] == wiod.year].reset_index(drop=True)
    out = gvc_indicators(wiod)
    for ours, theirs in [
        ("plv_gvc", "PLv_GVC"),
        ("ply_gvc", "PLy_GVC"),
        ("gvc_position", "GVC_POS"),
    ]:
        npt.assert_allclose(out[ours], ref[theirs], rtol=1e-6, equal_nan=True)


def test_wiod_china_2008_table_v6(reference_data):
    """docs/methods.md section 8 (China 2008), to 6 decimals: participation, position, DVAR."""
    from tests.mrio.conftest import read_wiod

    table = read_wiod(reference_data / "wiod2013" / "wiot_2008_41x35.csv.gz", 2008)
    out = gvc_indicators(table).set_index(["economy", "sector"]).loc["CHN"]
    expected = {  # sector: gvcpt_f, gvcpt_b, icc, position, dvar, dvar_dc, dvar_local, ics
        "c3": (0.059524, 0.115070, 0.174594, 1.155319, 0.886242, 0.887015, 0.884930, 1.023892),
        "c14": (0.307008, 0.326712, 0.633720, 0.803918, 0.675034, 0.688516, 0.673288, 0.542671),
        "c16": (0.222682, 0.145901, 0.368583, 0.679620, 0.855892, 0.857498, 0.854099, 0.581681),
    }
    cols = ["gvcpt_f", "gvcpt_b", "icc", "gvc_position", "dvar", "dvar_dc", "dvar_local", "ics"]
    for sector, values in expected.items():
        npt.assert_allclose(out.loc[sector, cols].to_numpy(dtype=float), values, atol=1e-6)
