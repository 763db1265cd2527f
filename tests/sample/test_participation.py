"""China's manufacturing GVC participation in the default sample, by an own dense numpy
computation of the WWYZ (2017) decomposition (docs/methods.md, section 2; n = 315)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.sample import economies_for
from analysis.sample.mrio_model import sample_table

SEED = 20240607
YEARS = range(2007, 2019)
N, K = 35, 5
MANUF = slice(2, 16)


def wwyz(Z: np.ndarray, F: np.ndarray, G: int) -> dict[str, np.ndarray]:
    """Forward and backward WWYZ terms with explicit inverses (small tables only)."""
    n = Z.shape[0]
    x = Z.sum(axis=1) + F.sum(axis=1)
    A = Z / x[None, :]
    va = x - Z.sum(axis=0)
    v = va / x
    Y = F.reshape(n, G, K).sum(axis=2)
    y = Y.sum(axis=1)
    economy = np.repeat(np.arange(G), N)
    y_d = Y[np.arange(n), economy]
    domestic = economy[:, None] == economy[None, :]
    A_D = np.where(domestic, A, 0.0)
    A_F = A - A_D
    eye = np.eye(n)
    B = np.linalg.inv(eye - A)
    L = np.linalg.inv(eye - A_D)
    v_gvc_s = v * (L @ A_F @ L @ y_d)
    v_gvc_c = v * (L @ A_F @ (B @ y - L @ y_d))
    vL = v @ L
    vLAF = vL @ A_F
    y_gvc_s = (vLAF @ L) * y_d
    y_gvc_c = (vLAF @ B) * y - (vLAF @ L) * y_d
    forward = [v * (L @ y_d), v * (L @ (y - y_d)), v_gvc_s, v_gvc_c]
    backward = [vL * y_d, vL * (y - y_d), y_gvc_s, y_gvc_c]
    np.testing.assert_allclose(sum(forward), va, rtol=1e-9)  # terms add up to va
    np.testing.assert_allclose(sum(backward), y, rtol=1e-9)  # and to y
    np.testing.assert_allclose(v @ B, np.ones(n), rtol=1e-9)
    return {"f": (v_gvc_s + v_gvc_c) / va, "b": (y_gvc_s + y_gvc_c) / y, "va": va, "y": y}


@pytest.fixture(scope="module")
def china():
    """Year -> (forward, backward) participation of PRC c3..c16."""
    economies = economies_for("default")
    g = economies.index("PRC")
    out = {}
    for year in YEARS:
        t = sample_table(economies, year, SEED)
        r = wwyz(t.Z, t.F, len(economies))
        rows = slice(g * N, (g + 1) * N)
        out[year] = (r["f"][rows][MANUF], r["b"][rows][MANUF])
    return out


def test_participation_in_range_every_year(china):
    for year, (f, b) in china.items():
        assert ((f >= 0.05) & (f <= 0.30)).all(), (year, f.round(3))
        assert ((b >= 0.05) & (b <= 0.30)).all(), (year, b.round(3))


def test_dip_after_2008_and_change_after_2015(china):
    mean = {y: (f.mean(), b.mean()) for y, (f, b) in china.items()}
    for k in (0, 1):  # forward, backward
        assert mean[2009][k] < mean[2008][k] - 0.01
        assert mean[2010][k] > mean[2009][k]  # recovery
        assert abs(mean[2018][k] - mean[2015][k]) > 0.005
    # and not a flat line elsewhere either
    assert np.std([m[0] for m in mean.values()]) > 0.005


def test_sector_ranking(china):
    """Electronics (c14) participates most, food (c3) least."""
    icc = np.array([f + b for f, b in china.values()])  # years x 14
    assert icc.mean(axis=0).argmax() == 11 and icc.mean(axis=0).argmin() == 0
    assert (icc.argmax(axis=1) == 11).all() and (icc.argmin(axis=1) == 0).all()
    backward = np.array([b for _, b in china.values()])
    assert (backward.argmax(axis=1) == 11).all() and (backward.argmin(axis=1) == 0).all()
    assert np.ptp(icc.mean(axis=0)) > 0.2  # sectors differ


def test_every_sector_in_range_in_tiny():
    """Participation ratios of every economy-sector lie in [0, 1] (positive tables)."""
    economies = economies_for("tiny")
    prc = slice(economies.index("PRC") * N, (economies.index("PRC") + 1) * N)
    for year in (2007, 2009, 2018):
        t = sample_table(economies, year, SEED)
        r = wwyz(t.Z, t.F, len(economies))
        assert (r["va"] > 0).all() and (r["y"] > 0).all()
        for key in ("f", "b"):
            assert ((r[key] >= 0) & (r[key] <= 1)).all()
            assert ((r[key][prc][MANUF] > 0.04) & (r[key][prc][MANUF] < 0.40)).all()


def test_agrees_with_analysis_mrio():
    """The project's own decomposition gives the same participation on a sample year."""
    mrio = pytest.importorskip("analysis.mrio")
    economies = economies_for("default")
    t = sample_table(economies, 2012, SEED)
    ours = wwyz(t.Z, t.F, len(economies))
    table = mrio.IOTable(t.Z, t.F, economies, [f"c{i}" for i in range(1, 36)], year=2012)
    theirs = mrio.gvc_indicators(table)
    np.testing.assert_allclose(theirs["gvcpt_f"], ours["f"], rtol=1e-9)
    np.testing.assert_allclose(theirs["gvcpt_b"], ours["b"], rtol=1e-9)
