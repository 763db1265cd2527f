"""Panel estimation with linearmodels, inference for few clusters, second-estimator checks.

Two-way models are estimated as Stata's ``xtreg y x i.year, fe vce(cluster industry)``:
entity effects + year dummies + constant, clustered by industry with
``debiased=True, group_debias=True`` (the small-sample factor G/(G-1) (N-1)/(N-K)), p-values
from t(G - 1) (econometrics.md section 2.3). A national regressor identified without year
effects (industry effects + trend, E4) sees one common shock in all industries: there the
clustered default is two-way (industry and year), p-values from t(min(G, T) - 1). Driscoll-Kraay
(Bartlett kernel, bandwidth floor(4 (T/100)^(2/9)) unless given) is an option. Wild cluster
restricted bootstrap p-values (Webb weights) come from ``wildboottest``; CV3 cluster-jackknife
standard errors (MacKinnon, Nielsen and Webb 2023) from leave-one-industry-out refits.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from linearmodels.panel import PanelOLS
from scipy import stats

from analysis.panel.diagnostics import Diagnosis, diagnose, residualise

COVARIANCES = ("clustered", "driscoll-kraay", "unadjusted")


@dataclass
class PanelFit:
    """Estimates of one specification (regressors of interest only; effects not shown)."""

    name: str
    dependent: str
    effects: str
    cov: str
    params: pd.Series
    std_errors: pd.Series
    tstats: pd.Series
    pvalues: pd.Series
    nobs: int
    n_clusters: int
    df_inference: int | None
    r2_within: float
    regressors: tuple[str, ...]
    diagnoses: list[Diagnosis]
    inference: str = ""  # "clustered by industry", "Driscoll-Kraay, Bartlett bandwidth 2", ...
    boot_pvalues: dict[str, float] = field(default_factory=dict)
    cv3_se: dict[str, float] = field(default_factory=dict)
    cv3_p: dict[str, float] = field(default_factory=dict)

    @property
    def absorbed(self) -> list[str]:
        """Regressors dropped: absorbed by the effects or collinear with the others."""
        return [d.variable for d in self.diagnoses if d.dropped]

    def tidy(self) -> pd.DataFrame:
        """One row per regressor: coefficient, SE, t, p, bootstrap p (absorbed: NaN)."""
        rows = []
        for var in self.regressors:
            rows.append(
                {
                    "specification": self.name,
                    "dependent": self.dependent,
                    "term": var,
                    "coefficient": self.params.get(var, np.nan),
                    "std_error": self.std_errors.get(var, np.nan),
                    "t_stat": self.tstats.get(var, np.nan),
                    "p_value": self.pvalues.get(var, np.nan),
                    "boot_p_value": self.boot_pvalues.get(var, np.nan),
                    "cv3_std_error": self.cv3_se.get(var, np.nan),
                    "cv3_p_value": self.cv3_p.get(var, np.nan),
                    "inference": self.inference,
                    "absorbed": var in self.absorbed,
                    "nobs": self.nobs,
                    "r2_within": self.r2_within,
                    "cov": self.cov,
                    "effects": self.effects,
                }
            )
        return pd.DataFrame(rows)


def _design(frame, regressors, entity, time, effects) -> pd.DataFrame:
    exog = pd.DataFrame({"const": 1.0}, index=frame.index)
    for r in regressors:
        exog[r] = frame[r].to_numpy(float)
    if effects == "twoway":
        years = pd.get_dummies(frame[time], prefix="year", dtype=float)
        exog = pd.concat([exog, years.iloc[:, 1:].set_axis(exog.index)], axis=1)
    elif effects == "trend":
        exog["trend"] = (frame[time] - frame[time].min()).to_numpy(float)
    return exog


def fit_panel(
    frame: pd.DataFrame,
    dependent: str,
    regressors: tuple[str, ...],
    *,
    entity: str = "sector",
    time: str = "year",
    effects: str = "twoway",
    cov: str = "clustered",
    bandwidth: int | None = None,
    name: str | None = None,
) -> PanelFit:
    """Fit ``dependent ~ regressors`` with entity effects and ``effects`` ('twoway': year
    dummies; 'trend': a linear trend; 'entity': nothing more). Absorbed regressors are dropped
    and reported, never silently."""
    if cov not in COVARIANCES:
        raise ValueError(f"cov must be one of {COVARIANCES}, got {cov!r}")
    used = [dependent, *regressors]
    data = frame.dropna(subset=used).sort_values([entity, time]).reset_index(drop=True)
    diagnoses = diagnose(data, regressors, entity, time, effects)
    kept = tuple(d.variable for d in diagnoses if not d.dropped)
    indexed = data.set_index([entity, time])
    exog = _design(data, kept, entity, time, effects).set_axis(indexed.index)
    model = PanelOLS(indexed[dependent], exog, entity_effects=True)
    G = data[entity].nunique()
    T = data[time].nunique()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if cov == "clustered" and effects == "twoway":
            res = model.fit(
                cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True
            )
            df, inference = G - 1, "clustered by industry"
        elif cov == "clustered":  # no year effects: common shocks across industries
            res = model.fit(
                cov_type="clustered",
                cluster_entity=True,
                cluster_time=True,
                debiased=True,
                group_debias=True,
            )
            df, inference = min(G, T) - 1, "clustered by industry and year"
        elif cov == "driscoll-kraay":
            bandwidth = bandwidth if bandwidth is not None else dk_bandwidth(T)
            res = model.fit(
                cov_type="kernel", kernel="bartlett", bandwidth=bandwidth, debiased=True
            )
            df, inference = T - 1, f"Driscoll-Kraay, Bartlett bandwidth {bandwidth}"
        else:
            res = model.fit(cov_type="unadjusted", debiased=True)
            df, inference = int(res.df_resid), "conventional"
    t = res.tstats[list(kept)]
    p = pd.Series(2 * stats.t.sf(np.abs(t), df), index=t.index)
    if effects == "twoway":  # within R-squared of the two-way model
        y_tilde = residualise(data, dependent, entity, time, "twoway")
        r2 = 1.0 - float(res.resid_ss) / float(y_tilde @ y_tilde)
    else:
        r2 = float(res.rsquared)
    return PanelFit(
        name=name or f"{dependent}:{effects}",
        dependent=dependent,
        effects=effects,
        cov=cov,
        params=res.params[list(kept)],
        std_errors=res.std_errors[list(kept)],
        tstats=t,
        pvalues=p,
        nobs=int(res.nobs),
        n_clusters=G,
        df_inference=df,
        r2_within=r2,
        regressors=tuple(regressors),
        diagnoses=diagnoses,
        inference=inference,
    )


def dk_bandwidth(periods: int) -> int:
    """Newey-West (1994) plug-in lag ``floor(4 (T / 100)^(2/9))``, at least 1."""
    return max(1, int(np.floor(4 * (periods / 100) ** (2 / 9))))


def cluster_jackknife(
    frame: pd.DataFrame, fit: PanelFit, param: str, *, entity: str = "sector", time: str = "year"
) -> tuple[float, float]:
    """CV3 standard error and t(G - 1) p-value of ``param`` by leaving out one industry.

    ``V_CV3 = (G - 1) / G * sum_g (b_(g) - b)^2`` (MacKinnon, Nielsen and Webb 2023, JoE
    232(2)), with ``b_(g)`` the estimate of the same specification without cluster g.
    """
    kept = tuple(r for r in fit.regressors if r not in fit.absorbed)
    data = frame.dropna(subset=[fit.dependent, *kept])
    groups = data[entity].unique()
    estimates = []
    for g in groups:
        part = fit_panel(
            data[data[entity] != g],
            fit.dependent,
            kept,
            entity=entity,
            time=time,
            effects=fit.effects,
            cov="unadjusted",
        )
        estimates.append(part.params[param])
    G = len(groups)
    b = fit.params[param]
    se = float(np.sqrt((G - 1) / G * np.sum((np.asarray(estimates) - b) ** 2)))
    return se, float(2 * stats.t.sf(abs(b / se), G - 1))


def wild_bootstrap_pvalue(
    frame: pd.DataFrame,
    fit: PanelFit,
    param: str,
    *,
    entity: str = "sector",
    time: str = "year",
    reps: int = 9999,
    seed: int = 20240607,
) -> float:
    """Wild cluster restricted bootstrap p-value (Webb weights), clustered by ``entity``.

    The same model as :func:`fit_panel` written with dummies for statsmodels;
    ``wildboottest`` (Roodman et al. 2019, "Fast and wild") imposes the null b = 0.
    """
    import statsmodels.formula.api as smf
    from wildboottest.wildboottest import wildboottest

    kept = [r for r in fit.regressors if r not in fit.absorbed]
    data = frame.dropna(subset=[fit.dependent, *kept]).reset_index(drop=True)
    rhs = " + ".join([*kept, f"C({entity})"])
    if fit.effects == "twoway":
        rhs += f" + C({time})"
    elif fit.effects == "trend":
        rhs += f" + {time}"
    model = smf.ols(f"{fit.dependent} ~ {rhs}", data=data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = wildboottest(
            model,
            param=param,
            cluster=pd.factorize(data[entity])[0],
            B=reps,
            weights_type="webb",
            seed=seed,
            show=False,
        )
    return float(np.asarray(result["p-value"]).ravel()[0])
