"""Published reference results reproduced to their printed digits (docs/methods.md, section 7.4).

G2, G4: Grunfeld investment data, 10 firms x 20 years (statsmodels' copy without American
Steel). G2 two-way FE, conventional SEs: Baltagi (2013), Econometric Analysis of Panel Data,
Table 3.1, as replicated by R plm (ycroissant/plm inst/tests/test_Estimators.Rout.save).
G4 firm FE + year dummies, cluster-robust with Stata's small-sample factor: gretl 2016b
output quoted in ycroissant/plm inst/tests/test_pwaldtest.R.
J1: JTRAIN (Wooldridge, Introductory Econometrics, Example 14.1) firm FE, Stata
`xtreg lscrap d88 d89 grant grant_1, fe`: the book prints grant -.252 (.151), grant_1 -.422 (.210).
"""

from __future__ import annotations

import pytest

from analysis.panel.estimate import fit_panel


@pytest.fixture(scope="module")
def grunfeld():
    from statsmodels.datasets import grunfeld

    data = grunfeld.load_pandas().data
    data = data[data["firm"] != "American Steel"].copy()
    data["year"] = data["year"].astype(int)
    return data


def _check(fit, expected):
    for term, (b, se) in expected.items():
        assert fit.params[term] == pytest.approx(b, abs=0.5 * 10 ** -_decimals(b))
        assert fit.std_errors[term] == pytest.approx(se, abs=0.5 * 10 ** -_decimals(se))


def _decimals(value: float) -> int:
    text = f"{value!r}"
    return len(text.split(".")[1]) if "." in text else 0


def test_grunfeld_two_way_conventional_g2(grunfeld):
    fit = fit_panel(
        grunfeld,
        "invest",
        ("value", "capital"),
        entity="firm",
        time="year",
        effects="twoway",
        cov="unadjusted",
    )
    _check(fit, {"value": (0.117716, 0.013751), "capital": (0.357916, 0.022719)})


def test_grunfeld_two_way_clustered_g4(grunfeld):
    fit = fit_panel(
        grunfeld,
        "invest",
        ("value", "capital"),
        entity="firm",
        time="year",
        effects="twoway",
        cov="clustered",
    )
    _check(fit, {"value": (0.117716, 0.0108244), "capital": (0.357916, 0.0478484)})


def test_jtrain_fixed_effects_j1():
    from linearmodels.datasets import jobtraining

    data = jobtraining.load().dropna(subset=["lscrap"])
    fit = fit_panel(
        data,
        "lscrap",
        ("d88", "d89", "grant", "grant_1"),
        entity="fcode",
        time="year",
        effects="entity",
        cov="unadjusted",
    )
    _check(
        fit,
        {
            "d88": (-0.0802157, 0.1094751),
            "d89": (-0.2472028, 0.1332183),
            "grant": (-0.2523149, 0.150629),
            "grant_1": (-0.4215895, 0.2102),
        },
    )
