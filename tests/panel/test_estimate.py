"""Panel estimator: second-estimator agreement, Monte Carlo recovery, published references."""

from __future__ import annotations

import numpy as np
import numpy.testing as npt
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from analysis.panel.estimate import (
    cluster_jackknife,
    dk_bandwidth,
    fit_panel,
    wild_bootstrap_pvalue,
)
from tests.panel.simulate import TRUE, simulated_panel

REGRESSORS = ("exposure", "size", "rd", "kl")


def test_point_estimates_equal_statsmodels_with_dummies():
    frame = simulated_panel(1)
    ours = fit_panel(frame, "icc", REGRESSORS)
    theirs = smf.ols("icc ~ exposure + size + rd + kl + C(sector) + C(year)", data=frame).fit()
    npt.assert_allclose(
        ours.params[list(REGRESSORS)], theirs.params[list(REGRESSORS)], rtol=1e-8, atol=1e-12
    )
    trend = fit_panel(frame, "icc", ("anti_global", "size", "rd", "kl"), effects="trend")
    theirs = smf.ols("icc ~ anti_global + size + rd + kl + C(sector) + year", data=frame).fit()
    npt.assert_allclose(trend.params["anti_global"], theirs.params["anti_global"], rtol=1e-8)


def test_national_index_is_reported_absorbed_not_dropped_silently():
    frame = simulated_panel(2)
    fit = fit_panel(frame, "icc", ("anti_global", "size", "rd", "kl"))
    assert fit.absorbed == ["anti_global"]
    assert "anti_global" not in fit.params
    message = fit.diagnoses[0].message("twoway")
    assert "absorbed by year effects" in message
    tidy = fit.tidy().set_index("term")
    assert bool(tidy.loc["anti_global", "absorbed"]) and np.isnan(
        tidy.loc["anti_global", "coefficient"]
    )


def test_nearly_absorbed_regressor_is_flagged():
    frame = simulated_panel(3)
    rng = np.random.default_rng(0)
    frame["almost_national"] = frame["anti_global"] * (1 + 1e-4 * rng.normal(size=len(frame)))
    fit = fit_panel(frame, "icc", ("almost_national", "size"))
    assert fit.diagnoses[0].status == "nearly absorbed"


def test_monte_carlo_recovers_true_coefficients():
    draws = np.array(
        [
            fit_panel(simulated_panel(s), "icc", REGRESSORS).params[list(REGRESSORS)]
            for s in range(100, 300)
        ]
    )
    bias = draws.mean(axis=0) - np.array([TRUE[r] for r in REGRESSORS])
    simulation_se = draws.std(axis=0, ddof=1) / np.sqrt(len(draws))
    assert np.all(np.abs(bias) < 2 * simulation_se + 1e-12), (bias, simulation_se)


def test_p_values_use_t_with_clusters_minus_one():
    from scipy import stats

    fit = fit_panel(simulated_panel(4), "icc", REGRESSORS)
    assert fit.df_inference == 13
    expected = 2 * stats.t.sf(abs(fit.tstats["size"]), 13)
    assert fit.pvalues["size"] == pytest.approx(expected)


def test_wild_bootstrap_p_value_is_a_probability_and_reproducible():
    frame = simulated_panel(5)
    fit = fit_panel(frame, "icc", REGRESSORS)
    p1 = wild_bootstrap_pvalue(frame, fit, "exposure", reps=999, seed=1)
    p2 = wild_bootstrap_pvalue(frame, fit, "exposure", reps=999, seed=1)
    assert 0 <= p1 <= 1 and p1 == p2
    assert p1 < 0.05  # true effect 0.3 with tiny noise: clearly significant


def test_driscoll_kraay_option_runs_with_a_stated_bandwidth():
    fit = fit_panel(simulated_panel(6), "icc", REGRESSORS, cov="driscoll-kraay", bandwidth=2)
    assert fit.df_inference == 10 and np.isfinite(fit.std_errors).all()
    default = fit_panel(simulated_panel(6), "icc", REGRESSORS, cov="driscoll-kraay")
    assert dk_bandwidth(11) == 2 and default.inference == "Driscoll-Kraay, Bartlett bandwidth 2"
    npt.assert_allclose(default.std_errors, fit.std_errors, rtol=1e-12)


def test_trend_design_clusters_by_industry_and_year_as_computed_by_hand():
    """Cameron, Gelbach and Miller (2011) two-way CRV1, computed here from the within data:
    V = (X'X)^-1 [c_G M_industry + c_T M_year - M_obs] (X'X)^-1 N / (N - K - (G - 1)),
    c_g = g/(g - 1) (N - 1)/N, K = regressors + trend + constant; t(min(G, T) - 1)."""
    frame = simulated_panel(1)
    regs = ("anti_global", "size", "rd", "kl")
    fit = fit_panel(frame, "icc", regs, effects="trend")
    assert fit.inference == "clustered by industry and year" and fit.df_inference == 10
    d = frame.sort_values(["sector", "year"]).reset_index(drop=True)
    d["trend"] = d["year"] - d["year"].min()
    cols = [*regs, "trend"]

    def within(c):
        return (d[c] - d.groupby("sector")[c].transform("mean")).to_numpy()

    X = np.column_stack([within(c) for c in cols])
    y = within("icc")
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    scores = X * (y - X @ b)[:, None]

    def meat(groups):
        sums = pd.DataFrame(scores).groupby(groups.to_numpy()).sum().to_numpy()
        return sums.T @ sums

    N, G, T, K = len(d), d["sector"].nunique(), d["year"].nunique(), len(cols) + 1
    bread = np.linalg.inv(X.T @ X)
    middle = (
        G / (G - 1) * (N - 1) / N * meat(d["sector"])
        + T / (T - 1) * (N - 1) / N * meat(d["year"])
        - scores.T @ scores
    )
    V = bread @ middle @ bread * N / (N - K - (G - 1))
    npt.assert_allclose(b[0], fit.params["anti_global"], rtol=1e-9)
    npt.assert_allclose(np.sqrt(V[0, 0]), fit.std_errors["anti_global"], rtol=1e-9)


def test_cv3_jackknife_equals_leave_one_industry_out_with_statsmodels():
    frame = simulated_panel(7)
    fit = fit_panel(frame, "icc", REGRESSORS)
    se, p = cluster_jackknife(frame, fit, "exposure")
    formula = "icc ~ exposure + size + rd + kl + C(sector) + C(year)"
    b = smf.ols(formula, data=frame).fit().params["exposure"]
    drops = [
        smf.ols(formula, data=frame[frame["sector"] != g]).fit().params["exposure"]
        for g in frame["sector"].unique()
    ]
    G = len(drops)
    expected = np.sqrt((G - 1) / G * np.sum((np.array(drops) - b) ** 2))
    npt.assert_allclose(se, expected, rtol=1e-8)
    assert 0 < p < 1


def test_collinear_regressors_are_dropped_with_a_message_and_near_ones_flagged():
    frame = simulated_panel(8)
    frame["size_twice"] = 2.0 * frame["size"] - frame["kl"]  # exact linear combination
    fit = fit_panel(frame, "icc", ("exposure", "size", "kl", "size_twice"))
    status = {d.variable: d.status for d in fit.diagnoses}
    assert status["size_twice"] == "collinear" and fit.absorbed == ["size_twice"]
    assert status["exposure"] == "ok" and "size_twice" not in fit.params
    message = next(d for d in fit.diagnoses if d.variable == "size_twice").message("twoway")
    assert "collinear with the other regressors" in message and "dropped" in message
    noise = np.random.default_rng(3).normal(size=len(frame)) * frame["size"].std()
    frame["size_noisy"] = frame["size"] + 1e-4 * noise  # linearmodels alone would refuse it
    tight = fit_panel(frame, "icc", ("exposure", "size", "size_noisy"))
    assert tight.absorbed == ["size_noisy"] and "size" in tight.params
    frame["size_noisy"] = frame["size"] + 3e-3 * noise
    near = fit_panel(frame, "icc", ("exposure", "size", "size_noisy"))
    assert {d.variable: d.status for d in near.diagnoses}["size_noisy"] == "nearly collinear"
    assert "size_noisy" in near.params
