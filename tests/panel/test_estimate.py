"""Panel estimator: second-estimator agreement, Monte Carlo recovery, published references."""

from __future__ import annotations

import numpy as np
import numpy.testing as npt
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from analysis.errors import BadInput
from analysis.panel.estimate import (
    cluster_jackknife,
    default_cluster,
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


def _hand_crv1(frame: pd.DataFrame, regs: tuple[str, ...], ways: tuple[str, ...]):
    """Cameron, Gelbach and Miller (2011) CRV1 of entity FE + trend, computed from the within
    data: V = (X'X)^-1 [sum_w c_w M_w - (len(ways) - 1) M_obs] (X'X)^-1 N / (N - K - F),
    c_w = g_w/(g_w - 1) (N - 1)/N, K = regressors + trend + constant, F = G - 1 entity effects
    counted unless the clusters are the entities alone (nested in them: Stata's xtreg, fe
    convention). Returns b, se."""
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

    N, G, K = len(d), d["sector"].nunique(), len(cols) + 1
    middle = -(len(ways) - 1) * scores.T @ scores
    for way in ways:
        g = d[way].nunique()
        middle = middle + g / (g - 1) * (N - 1) / N * meat(d[way])
    bread = np.linalg.inv(X.T @ X)
    F = 0 if ways == ("sector",) else G - 1
    V = bread @ middle @ bread * N / (N - K - F)
    return b, np.sqrt(np.diag(V))


def test_trend_design_clusters_by_industry_and_year_as_computed_by_hand():
    """The default of a design without year effects: two-way by entity and year, t(min - 1)."""
    frame = simulated_panel(1)
    regs = ("anti_global", "size", "rd", "kl")
    fit = fit_panel(frame, "icc", regs, effects="trend")
    assert fit.cluster == "both" and fit.df_inference == 10
    assert fit.inference == "clustered by sector and year"
    assert fit.clusters() == "14 x 11 (sector, year)"
    b, se = _hand_crv1(frame, regs, ("sector", "year"))
    npt.assert_allclose(b[0], fit.params["anti_global"], rtol=1e-9)
    npt.assert_allclose(se[0], fit.std_errors["anti_global"], rtol=1e-9)


@pytest.mark.parametrize(
    ("cluster", "ways", "df", "label", "clusters"),
    [
        ("entity", ("sector",), 13, "clustered by industry", "14 (industry)"),
        ("time", ("year",), 10, "clustered by year", "11 (year)"),
        (
            "both",
            ("sector", "year"),
            10,
            "clustered by industry and year",
            "14 x 11 (industry, year)",
        ),
    ],
)
def test_any_design_can_be_clustered_as_asked(cluster, ways, df, label, clusters):
    """One-way by entity in the trend design too; labels name the entity as asked."""
    frame = simulated_panel(9)
    regs = ("anti_global", "size", "rd", "kl")
    fit = fit_panel(frame, "icc", regs, effects="trend", cluster=cluster, entity_label="industry")
    assert (fit.cluster, fit.df_inference, fit.inference, fit.clusters()) == (
        cluster,
        df,
        label,
        clusters,
    )
    _, se = _hand_crv1(frame, regs, ways)
    npt.assert_allclose(fit.std_errors[list(regs)], se[: len(regs)], rtol=1e-9)
    expected = 2 * stats.t.sf(np.abs(fit.tstats), df)
    npt.assert_allclose(fit.pvalues, expected, rtol=1e-12)


def test_defaults_cluster_by_entity_under_year_effects_and_both_ways_otherwise():
    frame = simulated_panel(10)
    assert default_cluster("entity") == "both"
    for effects, cluster, regs in (
        ("twoway", "entity", REGRESSORS),
        ("trend", "both", ("anti_global", "size", "rd", "kl")),
    ):
        assert default_cluster(effects) == cluster
        implicit = fit_panel(frame, "icc", regs, effects=effects)
        explicit = fit_panel(frame, "icc", regs, effects=effects, cluster=cluster)
        assert implicit.cluster == cluster
        npt.assert_array_equal(implicit.std_errors, explicit.std_errors)
        npt.assert_array_equal(implicit.pvalues, explicit.pvalues)
    twoway = fit_panel(frame, "icc", REGRESSORS)
    assert twoway.inference == "clustered by sector" and twoway.clusters() == "14 (sector)"


def test_clustering_options_that_do_not_fit_are_refused():
    frame = simulated_panel(11)
    with pytest.raises(BadInput, match="cluster must be one of"):
        fit_panel(frame, "icc", REGRESSORS, cluster="industry")
    with pytest.raises(BadInput, match="needs cov='clustered'"):
        fit_panel(frame, "icc", REGRESSORS, cov="driscoll-kraay", cluster="entity")
    with pytest.raises(BadInput, match="cov must be one of"):
        fit_panel(frame, "icc", REGRESSORS, cov="robust")
    dk = fit_panel(frame, "icc", REGRESSORS, cov="driscoll-kraay")
    assert dk.cluster is None and dk.clusters() == ""


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


def _linearmodels_jackknife(frame, fit, param, regressors) -> float:
    """CV3 from linearmodels refits of the same specification without each industry."""
    drops = [
        fit_panel(frame[frame["sector"] != g], "icc", regressors, effects=fit.effects).params[param]
        for g in frame["sector"].unique()
    ]
    G = len(drops)
    return float(np.sqrt((G - 1) / G * np.sum((np.array(drops) - fit.params[param]) ** 2)))


@pytest.mark.parametrize("effects", ["twoway", "trend", "entity"])
def test_cv3_refits_by_least_squares_equal_linearmodels_refits(effects):
    frame = simulated_panel(11)
    fit = fit_panel(frame, "icc", REGRESSORS, effects=effects)
    se, _ = cluster_jackknife(frame, fit, "exposure")
    npt.assert_allclose(se, _linearmodels_jackknife(frame, fit, "exposure", REGRESSORS), rtol=1e-10)


def test_cv3_refit_that_drops_a_regressor_is_the_specification_fit_panel_gives():
    """Without c5, a regressor that differs from ``size`` only in c5 is collinear with it:
    that refit drops it, as fit_panel does, instead of a least-squares fit of a
    rank-deficient design (which would split the coefficient of ``size`` between the two)."""
    frame = simulated_panel(12)
    noise = np.random.default_rng(5).normal(0, 0.3, len(frame))
    frame["size_c5"] = frame["size"] + np.where(frame["sector"] == "c5", noise, 0.0)
    regressors = (*REGRESSORS, "size_c5")
    fit = fit_panel(frame, "icc", regressors)
    assert "size_c5" in fit.params
    se, _ = cluster_jackknife(frame, fit, "size")
    npt.assert_allclose(se, _linearmodels_jackknife(frame, fit, "size", regressors), rtol=1e-10)


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
