"""Resilience indicators and scenarios: hand case, brute force, identities, real table."""

from __future__ import annotations

import numpy as np
import numpy.testing as npt
import pytest

from analysis.mrio import (
    IOTable,
    LeontiefSolver,
    dense_leontief_inverse,
    foreign_value_added_shares,
    gvc_indicators,
    resilience_indicators,
)
from analysis.mrio.resilience import group_exposures
from analysis.mrio.scenarios import output_change, run_scenario, target_mask
from tests.mrio.conftest import random_table


def hand_table() -> IOTable:
    """2 economies x 1 sector, A = [[0.2, 0.1], [0.3, 0.1]], f = [70, 60] (a hand-solved system).

    I - A = [[0.8, -0.1], [-0.3, 0.9]], det = 0.72 - 0.03 = 0.69,
    B = [[0.9, 0.1], [0.3, 0.8]] / 0.69; x = B f = [0.9*70 + 0.1*60, 0.3*70 + 0.8*60] / 0.69
      = [69, 69] / 0.69 = [100, 100]; Z = A diag(x) = [[20, 10], [30, 10]].
    """
    return IOTable(
        np.array([[20.0, 10.0], [30.0, 10.0]]),
        np.array([[70.0, 0.0], [0.0, 60.0]]),
        ["H", "W"],
        ["s"],
        fd_categories=1,
    )


def test_hand_case():
    t = hand_table()
    npt.assert_allclose(t.x, [100.0, 100.0])
    B = np.array([[0.9, 0.1], [0.3, 0.8]]) / 0.69
    out = resilience_indicators(t)
    npt.assert_allclose(out["upstreamness"], (B @ t.x) / t.x, rtol=1e-12)
    npt.assert_allclose(out["downstreamness"], B.sum(axis=0), rtol=1e-12)
    # extraction of sector 2 (W): loss of sector 1 = B_12 x_2 / B_22
    npt.assert_allclose(out.loc[1, "criticality"], B[0, 1] * t.x[1] / B[1, 1], rtol=1e-12)
    # fir_direct of H: imports from W per unit of output = A_WH = 0.3
    npt.assert_allclose(out.loc[0, "fir_direct"], 0.3)
    # with two economies the only foreign source has share 1: hhi = 1
    npt.assert_allclose(out["hhi_sources"], [1.0, 1.0])


def test_criticality_equals_brute_force_extraction():
    t = random_table(3, 3, 21)
    out = resilience_indicators(t)
    for j in (0, 4, 8):
        keep = np.arange(t.n) != j
        A = t.A[np.ix_(keep, keep)]
        x_new = np.linalg.solve(np.eye(t.n - 1) - A, t.y[keep])
        npt.assert_allclose(out.loc[j, "criticality"], (t.x[keep] - x_new).sum(), rtol=1e-9)
        mask = ~keep
        dx = output_change(t, LeontiefSolver(t), mask, 1.0, "full_extraction")
        npt.assert_allclose(-dx[keep], t.x[keep] - x_new, rtol=1e-9)
        npt.assert_allclose(-dx[keep].sum(), out.loc[j, "criticality"], rtol=1e-9)
        npt.assert_allclose(dx[j], -t.x[j])  # the extracted sector produces nothing
    with pytest.raises(ValueError, match="full_extraction removes the target entirely"):
        output_change(t, LeontiefSolver(t), mask, 0.5, "full_extraction")


def test_partial_extraction_is_sherman_morrison_and_continuous_in_theta():
    """docs/methods.md section 6: dx = -theta z_j B e_j / (1 + theta (B_jj - 1)), for every
    theta up to 1 (backward-row extraction), with no jump at theta = 1."""
    t = random_table(3, 4, 13)
    solver, B = LeontiefSolver(t), dense_leontief_inverse(t)
    j = 6
    mask = np.arange(t.n) == j
    z_j = (t.A @ t.x)[j]
    for theta in (0.2, 0.7, 1.0 - 1e-9, 1.0):
        dx = output_change(t, solver, mask, theta, "extraction")
        expected = -theta * z_j * B[:, j] / (1 + theta * (B[j, j] - 1))
        npt.assert_allclose(dx, expected, rtol=1e-9, atol=1e-9)
    near = output_change(t, solver, mask, 1.0 - 1e-9, "extraction")
    npt.assert_allclose(output_change(t, solver, mask, 1.0, "extraction"), near, atol=1e-6)


def test_ghosh_ignores_a_zero_output_sector_instead_of_spreading_nan():
    t = random_table(2, 3, 4)
    Z, F = t.Z.copy(), t.F.copy()
    Z[4, :], Z[:, 4], F[4, :] = 0.0, 0.0, 0.0  # E1 s1: no output at all
    zero = IOTable(Z, F, t.economies, t.sectors)
    assert zero.x[4] == 0
    mask = target_mask(zero, ["E0"], ["s0"])
    dx = output_change(zero, LeontiefSolver(zero), mask, 0.5, "ghosh_supply")
    assert np.isfinite(dx).all() and dx[4] == 0
    keep = np.arange(zero.n) != 4  # the same shock on the table without that sector
    sub = zero.Z[np.ix_(keep, keep)] / zero.x[keep][:, None]
    ghosh = np.linalg.inv(np.eye(zero.n - 1) - sub)
    npt.assert_allclose(dx[keep], (-0.5 * zero.va * mask)[keep] @ ghosh, rtol=1e-9, atol=1e-9)


def test_shares_sum_to_one_and_hhi_bounds():
    t = random_table(4, 3, 5)
    long = foreign_value_added_shares(t)
    sums = long.groupby(["economy", "sector"], sort=False)["fva_share"].sum()
    npt.assert_allclose(sums, 1.0, rtol=1e-12)
    hhi = resilience_indicators(t)["hhi_sources"]
    assert (hhi >= 1 / (t.G - 1) - 1e-12).all() and (hhi <= 1 + 1e-12).all()


def test_consistent_with_gvc_core_and_scale_invariant():
    t = random_table(3, 4, 8)
    out, gvc = resilience_indicators(t), gvc_indicators(t)
    npt.assert_allclose(out["fir_total"], 1 - gvc["dvar_dc"], rtol=1e-10)  # the same B
    scaled = IOTable(t.Z * 17.0, t.F * 17.0, t.economies, t.sectors)
    again = resilience_indicators(scaled)
    for col in (
        "fir_direct",
        "fir_total",
        "hhi_sources",
        "upstreamness",
        "downstreamness",
        "criticality_share",
    ):
        npt.assert_allclose(again[col], out[col], rtol=1e-10)
    npt.assert_allclose(again["criticality"], 17.0 * out["criticality"], rtol=1e-10)


def test_zero_shock_changes_nothing_and_isolated_sector_loses_nothing():
    t = random_table(2, 3, 4)
    Z, F = t.Z.copy(), t.F.copy()
    Z[5, :] = 0.0  # E1 s2 neither sells nor buys intermediates: isolated
    Z[:, 5] = 0.0
    iso = IOTable(Z, F, t.economies, t.sectors)
    solver = LeontiefSolver(iso)
    mask = target_mask(iso, ["E0"], ["s0"])
    for method in ("leontief_demand", "ghosh_supply", "extraction"):
        npt.assert_allclose(output_change(iso, solver, mask, 0.0, method), 0.0, atol=1e-9)
        assert abs(output_change(iso, solver, mask, 1.0, method)[5]) < 1e-9


def test_ghosh_and_leontief_closed_forms_equal_brute_force():
    t = random_table(2, 3, 9)
    solver = LeontiefSolver(t)
    mask = target_mask(t, ["E1"], ["s1"])
    B = dense_leontief_inverse(t)
    npt.assert_allclose(
        output_change(t, solver, mask, 0.5, "leontief_demand"), B @ (-0.5 * t.y * mask), rtol=1e-10
    )
    ghosh = np.linalg.inv(np.eye(t.n) - t.Z / t.x[:, None])  # G = (I - diag(x)^-1 Z)^-1
    npt.assert_allclose(
        output_change(t, solver, mask, 0.5, "ghosh_supply"),
        (-0.5 * t.va * mask) @ ghosh,
        rtol=1e-9,
        atol=1e-9,
    )
    results = run_scenario(t, mask, 0.5)
    assert set(results["method"]) == {"leontief_demand", "ghosh_supply", "extraction"}
    with pytest.raises(ValueError, match="shock must lie in"):
        output_change(t, solver, mask, 1.5, "extraction")


def test_wiod_2008_china_expected_values(reference_data):
    """data/reference/wiod2013: independent dense implementation on WIOD 2008."""
    from tests.mrio.conftest import read_wiod

    t = read_wiod(reference_data / "wiod2013" / "wiot_2008_41x35.csv.gz", 2008)
    out = resilience_indicators(t).set_index(["economy", "sector"]).loc["CHN"]
    expected = {
        "c3": (
            0.03915980621,
            0.1129853072,
            0.1901749914,
            5.258314949,
            2.435008307,
            2.803482212,
            835897.6435,
        ),
        "c14": (
            0.1575744656,
            0.311484298,
            0.1253183982,
            7.97967429,
            2.702862933,
            3.617280843,
            2061488.835,
        ),
    }
    cols = [
        "fir_direct",
        "fir_total",
        "hhi_sources",
        "effective_suppliers",
        "upstreamness",
        "downstreamness",
        "criticality",
    ]
    for sector, values in expected.items():
        npt.assert_allclose(out.loc[sector, cols].to_numpy(float), values, rtol=1e-9)


def test_no_foreign_content_gives_zero_reliance_and_undefined_concentration():
    t = random_table(3, 3, 17)
    Z, F = t.Z * t.domestic_mask, t.F.copy()  # E0..E2 buy no foreign intermediates
    Z[:3, 3:] = t.Z[:3, 3:]  # ... except that E0 still sells to the others
    F[2, :], Z[2, :], Z[:, 2] = 0.0, 0.0, 0.0  # E0 s2 has no output at all
    closed = IOTable(Z, F, t.economies, t.sectors)
    out = resilience_indicators(closed)
    e0 = out["economy"] == "E0"
    assert np.isnan(out.loc[2, ["fir_total", "hhi_sources"]].astype(float)).all()
    assert (out.loc[e0 & (out.index != 2), "fir_total"] == 0.0).all()  # exactly, no rounding
    assert out.loc[e0 & (out.index != 2), "hhi_sources"].isna().all()
    buyers = out["economy"] != "E0"  # E1, E2 buy from E0 only: one source, HHI = 1
    npt.assert_allclose(out.loc[buyers & (out["fir_total"] > 0), "hhi_sources"], 1.0)


def _closed_table() -> IOTable:
    """E0 buys no foreign intermediates (no foreign content) and E0 s2 has no output."""
    t = random_table(3, 3, 17)
    Z, F = t.Z * t.domestic_mask, t.F.copy()
    Z[:3, 3:] = t.Z[:3, 3:]
    F[2, :], Z[2, :], Z[:, 2] = 0.0, 0.0, 0.0
    return IOTable(Z, F, t.economies, t.sectors)


def test_group_exposures_are_undefined_where_the_source_shares_are():
    """No foreign inputs or no output: the exposures and the regional share are NaN, as
    hhi_sources is (docs/architecture.md, decision 1), not 0 ("not exposed")."""
    closed = _closed_table()
    groups = {"g1": frozenset({"E1"}), "g12": frozenset({"E1", "E2"}), "none": frozenset()}
    regions = {"E0": "r", "E1": "r", "E2": "q"}
    out = group_exposures(closed, LeontiefSolver(closed), groups, regions)
    hhi = resilience_indicators(closed)["hhi_sources"]
    undefined = hhi.isna().to_numpy()
    assert undefined[:3].all() and not undefined[3:].any()  # E0's three sectors
    columns = ["exposure_g1", "exposure_g12", "exposure_none", "regional_share"]
    assert out.loc[undefined, columns].isna().all().all()
    # defined elsewhere: E1 and E2 buy from E0 only
    npt.assert_array_equal(out.loc[~undefined, "exposure_none"], 0.0)
    npt.assert_array_equal(out.loc[~undefined, "exposure_g12"], 0.0)
    npt.assert_allclose(out.loc[~undefined & (out["economy"] == "E1"), "regional_share"], 1.0)
    npt.assert_array_equal(out.loc[~undefined & (out["economy"] == "E2"), "regional_share"], 0.0)


def test_group_exposures_sum_the_source_shares():
    t = random_table(4, 3, 23)
    groups = {"ab": frozenset({"E1", "E2"}), "all": frozenset(t.economies)}
    regions = {"E0": "r", "E1": "r", "E2": "q", "E3": "q"}
    out = group_exposures(t, LeontiefSolver(t), groups, regions)
    long = foreign_value_added_shares(t)
    ab = long[long["source_economy"].isin(["E1", "E2"])].groupby(["economy", "sector"], sort=False)[
        "fva_share"
    ]
    npt.assert_allclose(
        out["exposure_ab"],
        ab.sum().reindex(list(zip(out["economy"], out["sector"], strict=True)), fill_value=0.0),
        rtol=1e-12,
    )
    npt.assert_allclose(out["exposure_all"], 1.0, rtol=1e-12)  # every foreign source
    assert np.isfinite(out["regional_share"]).all()
