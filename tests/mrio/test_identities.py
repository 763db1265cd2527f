"""Accounting identities, LU versus dense inverses, invariances and error handling."""

from __future__ import annotations

import numpy as np
import numpy.testing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import lu_factor

from analysis.mrio import (
    IOTable,
    LeontiefSolver,
    MrioError,
    dense_leontief_inverse,
    dense_local_inverse,
    gvc_indicators,
)
from analysis.mrio.leontief import inverse_diagonal
from tests.mrio.conftest import random_table

RATES = [
    "gvcpt_f",
    "gvcpt_b",
    "icc",
    "plv_gvc",
    "ply_gvc",
    "gvc_position",
    "dvar",
    "dvar_dc",
    "dvar_local",
    "ics",
]


def assert_identity(lhs, rhs, *terms):
    """rtol 1e-9 with atol 1e-12 x max |term| (docs/architecture.md, decision 8)."""
    scale = max(np.abs(t).max() for t in terms)
    npt.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-12 * scale)


@settings(max_examples=25, deadline=None)
@given(G=st.integers(2, 4), N=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_forward_and_backward_terms_add_up(G, N, seed):
    out = gvc_indicators(random_table(G, N, seed))
    fwd = [out[c].to_numpy() for c in ("v_d", "v_rt", "v_gvc_s", "v_gvc_c")]
    bwd = [out[c].to_numpy() for c in ("y_d", "y_rt", "y_gvc_s", "y_gvc_c")]
    assert_identity(sum(fwd), out["va"], *fwd)
    assert_identity(sum(bwd), out["y"], *bwd)
    # world totals: value added = final output
    npt.assert_allclose(out["va"].sum(), out["y"].sum(), rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_lu_results_equal_dense_inverses(seed):
    t = random_table(3, 4, seed)
    B, L = dense_leontief_inverse(t), dense_local_inverse(t)
    solver = LeontiefSolver(t)
    npt.assert_allclose(solver.B(np.eye(t.n)), B, rtol=1e-10, atol=1e-13)
    npt.assert_allclose(solver.B_diagonal(), np.diag(B), rtol=1e-12)
    foreign = t.Z * ~t.domestic_mask  # the block sums equal the masked n x n sums
    npt.assert_allclose(t.exports_intermediate, foreign.sum(axis=1), rtol=1e-12)
    npt.assert_allclose(t.imported_inputs, foreign.sum(axis=0), rtol=1e-12)
    npt.assert_allclose(solver.L(np.eye(t.n)), L, rtol=1e-10, atol=1e-13)
    A_F = t.A * ~t.domestic_mask
    npt.assert_allclose(B, L + L @ A_F @ B, rtol=1e-10, atol=1e-13)  # B = L + L A_F B
    npt.assert_allclose(t.v @ B, np.ones(t.n), rtol=1e-12)  # v B = 1'
    # the full dense WWYZ formulas (n x n term matrices) give the same sums
    yD, y, v = t.y_d, t.y, t.v
    V = np.diag(v)
    gvc_c = V @ L @ A_F @ (B @ np.diag(y) - L @ np.diag(yD))
    out = gvc_indicators(t)
    npt.assert_allclose(out["v_gvc_c"], gvc_c.sum(axis=1), rtol=1e-10)
    npt.assert_allclose(out["y_gvc_c"], gvc_c.sum(axis=0), rtol=1e-10)
    xv = v * (L @ L @ A_F @ B @ y + L @ A_F @ B @ B @ y)
    npt.assert_allclose(out["plv_gvc"], xv / (out["v_gvc_s"] + out["v_gvc_c"]), rtol=1e-10)
    npt.assert_allclose(
        out["dvar_dc"],
        [(v * B[:, j])[t.economy_index == t.economy_index[j]].sum() for j in range(t.n)],
        rtol=1e-10,
    )


@pytest.mark.parametrize("block", [128, 7])  # one block; five of 7 rows and one of 5
@pytest.mark.parametrize("seed", range(3))
def test_inverse_diagonal_of_a_matrix_that_needs_row_exchanges(seed, block):
    # Leontief systems are column diagonally dominant (partial pivoting never exchanges rows),
    # so the permutation is checked on general matrices, where it does
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(40, 40))
    lu, piv = lu_factor(M)
    assert (piv != np.arange(40)).any()
    diagonal = inverse_diagonal(lu, piv, block=block)
    npt.assert_allclose(diagonal, np.diag(np.linalg.inv(M)), rtol=1e-9)


def test_two_by_two_worked_by_hand():
    """Two economies (H, W), one sector each, one final-demand category; by hand:

    Z = [[10, 20], [30, 40]], F = [[60, 10], [20, 110]]  (rows: H, W sellers; cols: H, W)
    x = [10 + 20 + 60 + 10, 30 + 40 + 20 + 110] = [100, 200]
    va = x - colsum(Z) = [100 - 40, 200 - 60] = [60, 140], v = [0.6, 0.7]
    A = [[0.1, 0.1], [0.3, 0.2]], A_D = diag(0.1, 0.2), A_F = [[0, 0.1], [0.3, 0]]
    L = diag(1/0.9, 1/0.8); y = [70, 130], y_D = [60, 110], y_F = [10, 20]
    V_D(H) = 0.6 * 60 / 0.9 = 40;  V_RT(H) = 0.6 * 10 / 0.9 = 20/3
    V_GVC_S(H) = 0.6/0.9 * A_HW * (y_D(W)/0.8) = (2/3) * 0.1 * 137.5 = 55/6
    V_GVC_C(H) = va(H) - the rest = 60 - 40 - 20/3 - 55/6 = 25/6
    exports(H) = Z_HW + F_HW = 20 + 10 = 30; exports(W) = 30 + 20 = 50
    """
    t = IOTable(
        np.array([[10.0, 20.0], [30.0, 40.0]]),
        np.array([[60.0, 10.0], [20.0, 110.0]]),
        ["H", "W"],
        ["s"],
        fd_categories=1,
    )
    out = gvc_indicators(t)
    npt.assert_allclose(out["x"], [100, 200])
    npt.assert_allclose(out["va"], [60, 140])
    npt.assert_allclose(out["exports"], [30, 50])
    npt.assert_allclose(
        out.loc[0, ["v_d", "v_rt", "v_gvc_s", "v_gvc_c"]], [40, 20 / 3, 55 / 6, 25 / 6], rtol=1e-12
    )
    npt.assert_allclose(out.loc[0, "gvcpt_f"], (55 / 6 + 25 / 6) / 60, rtol=1e-12)
    # backward, H's final goods: Y_D(H) = (vL)_H y_D(H) = (0.6/0.9) * 60 = 40
    npt.assert_allclose(out.loc[0, "y_d"], 40, rtol=1e-12)


def test_scaling_all_flows_leaves_rates_unchanged():
    t = random_table(3, 3, 7)
    scaled = IOTable(t.Z * 1234.5, t.F * 1234.5, t.economies, t.sectors)
    a, b = gvc_indicators(t), gvc_indicators(scaled)
    npt.assert_allclose(b[RATES], a[RATES], rtol=1e-10)
    npt.assert_allclose(b["va"], a["va"] * 1234.5, rtol=1e-12)


def test_permuting_economies_permutes_results():
    t = random_table(3, 2, 11)
    order = [2, 0, 1]
    rows = np.concatenate([np.arange(g * t.N, (g + 1) * t.N) for g in order])
    fcols = np.concatenate([np.arange(g * 5, (g + 1) * 5) for g in order])
    p = IOTable(
        t.Z[np.ix_(rows, rows)],
        t.F[np.ix_(rows, fcols)],
        [t.economies[g] for g in order],
        t.sectors,
    )
    a = gvc_indicators(t).set_index(["economy", "sector"])
    b = gvc_indicators(p).set_index(["economy", "sector"]).loc[a.index]
    npt.assert_allclose(b.to_numpy(float), a.to_numpy(float), rtol=1e-10)


def test_leontief_inverse_equals_pymrio():
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test().calc_all()
    Z, Y = io.Z.to_numpy(), io.Y.to_numpy()
    regions = list(io.get_regions())
    sectors = list(io.get_sectors())
    k = Y.shape[1] // len(regions)
    t = IOTable(Z, Y, regions, sectors, fd_categories=k)
    npt.assert_allclose(t.A, io.A.to_numpy(), rtol=1e-12, atol=1e-15)
    solver = LeontiefSolver(t)
    npt.assert_allclose(solver.B(np.eye(t.n)), io.L.to_numpy(), rtol=1e-9, atol=1e-12)
    npt.assert_allclose(solver.B_diagonal(), np.diag(io.L.to_numpy()), rtol=1e-9)


def test_non_finite_input_names_year_economy_and_sector():
    t = random_table(2, 3, 1)
    Z = t.Z.copy()
    Z[4, 1] = np.nan
    with pytest.raises(MrioError, match=r"year 2011: non-finite Z\[4, 1\].*E1 s1"):
        IOTable(Z, t.F, t.economies, t.sectors, year=2011)


def test_singular_system_is_an_error_naming_the_sector():
    # economy E0 sector s1 uses exactly its whole output as its own input: (I - A) singular
    Z = np.array(
        [[0.0, 0.0, 1.0, 0.0], [0.0, 50.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
    )
    F = np.array([[5.0, 5.0], [0.0, 0.0], [5.0, 5.0], [5.0, 5.0]])
    t = IOTable(Z, F, ["E0", "E1"], ["s0", "s1"], fd_categories=1, year=2015)
    with pytest.raises(MrioError, match="year 2015.*singular.*E0 s1"):
        gvc_indicators(t)


def test_singular_domestic_block_is_an_error_naming_the_sector():
    # A = [[1, .5], [.5, 0]] (E0 s0, E1 s0): I - A is invertible (det -0.25, rho(A) = 1.21,
    # a non-productive system), but E0's own block I - A_00 = 0 has no local inverse
    Z = np.array([[1.0, 0.5], [0.5, 0.0]])
    F = np.array([[-0.5, 0.0], [0.0, 0.5]])
    t = IOTable(Z, F, ["E0", "E1"], ["s0"], fd_categories=1, year=2016)
    with pytest.raises(
        MrioError, match=r"year 2016: the domestic system .* of E0 is singular.*E0 s0"
    ):
        gvc_indicators(t)


def test_no_intermediate_trade_gives_undefined_lengths_not_rounding_noise():
    t = random_table(3, 3, 29)
    closed = IOTable(t.Z * t.domestic_mask, t.F, t.economies, t.sectors)
    out = gvc_indicators(closed)
    assert (out[["v_gvc_s", "v_gvc_c", "y_gvc_s", "y_gvc_c"]] == 0.0).all().all()
    assert out[["plv_gvc", "ply_gvc", "gvc_position"]].isna().all().all()


def test_negative_final_demand_still_computes():
    t = random_table(2, 2, 3)
    F = t.F.copy()
    F[0] = -1.0  # negative final demand (inventories) -> y <= 0 for E0 s0
    bad = IOTable(t.Z, F, t.economies, t.sectors, year=2009)
    assert bad.y[0] <= 0
    out = gvc_indicators(bad)  # still computes; ratios may be out of range, never clipped
    assert np.isfinite(out["va"]).all()


def test_zero_output_sector_gives_zero_coefficients_and_nan_rates():
    t = random_table(2, 2, 5)
    Z, F = t.Z.copy(), t.F.copy()
    Z[1, :] = 0.0
    Z[:, 1] = 0.0
    F[1, :] = 0.0
    z = IOTable(Z, F, t.economies, t.sectors)
    assert z.x[1] == 0 and np.all(z.A[:, 1] == 0) and z.v[1] == 0
    out = gvc_indicators(z)
    assert np.isnan(out.loc[1, "gvcpt_f"]) and np.isnan(out.loc[1, "dvar"])
