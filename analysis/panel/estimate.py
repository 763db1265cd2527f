"""Panel estimation with linearmodels, inference for few clusters, second-estimator checks.

Two-way models are estimated as Stata's ``xtreg y x i.year, fe vce(cluster industry)``:
entity effects + year dummies + constant, clustered by industry with
``debiased=True, group_debias=True`` (the small-sample factor G/(G-1) (N-1)/(N-K)), p-values
from t(G - 1) (docs/methods.md, section 7.3). A national regressor identified without year
effects (industry effects + trend, E4) sees one common shock in all industries: there the
clustered default is two-way (industry and year), p-values from t(min(G, T) - 1). The
clustering is an argument of :func:`fit_panel` (``cluster="entity" | "time" | "both"``), so
any design can be clustered one way by entity; those two are only its defaults. Driscoll-Kraay
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

from analysis.defaults import BOOTSTRAP_DRAWS, SEED
from analysis.errors import BadInput
from analysis.panel.diagnostics import Diagnosis, diagnose, residualise

COVARIANCES = ("clustered", "driscoll-kraay", "unadjusted")
#: What ``fit_panel(cov="clustered", cluster=...)`` clusters by.
CLUSTERS = ("entity", "time", "both")


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
    n_clusters: int  # entities G (the clusters when clustering by entity)
    df_inference: int | None
    r2_within: float
    regressors: tuple[str, ...]
    diagnoses: list[Diagnosis]
    cluster: str | None = None  # "entity", "time", "both"; None unless cov == "clustered"
    n_periods: int = 0  # periods T (the clusters when clustering by time)
    entity_label: str = "entity"
    time_label: str = "time"
    inference: str = ""  # "clustered by industry", "Driscoll-Kraay, Bartlett bandwidth 2", ...
    boot_pvalues: dict[str, float] = field(default_factory=dict)
    boot_draws: int = 0  # wild bootstrap draws behind ``boot_pvalues``
    cv3_se: dict[str, float] = field(default_factory=dict)
    cv3_p: dict[str, float] = field(default_factory=dict)

    @property
    def absorbed(self) -> list[str]:
        """Regressors dropped: absorbed by the effects or collinear with the others."""
        return [d.variable for d in self.diagnoses if d.dropped]

    def clusters(self) -> str:
        """'14 (industry)', '11 (year)', '14 x 11 (industry, year)'; '' when not clustered."""
        return {
            "entity": f"{self.n_clusters} ({self.entity_label})",
            "time": f"{self.n_periods} ({self.time_label})",
            "both": f"{self.n_clusters} x {self.n_periods} "
            f"({self.entity_label}, {self.time_label})",
        }.get(self.cluster or "", "")

    def tidy(self) -> pd.DataFrame:
        """One row per regressor: coefficient, SE, t, p, bootstrap p (absorbed: NaN)."""
        return pd.DataFrame([self._tidy_row(var) for var in self.regressors])

    def _tidy_row(self, var: str) -> dict:
        return {
            "specification": self.name,
            "dependent": self.dependent,
            "term": var,
            "coefficient": self.params.get(var, np.nan),
            "std_error": self.std_errors.get(var, np.nan),
            "t_stat": self.tstats.get(var, np.nan),
            "p_value": self.pvalues.get(var, np.nan),
            "boot_p_value": self.boot_pvalues.get(var, np.nan),
            "bootstrap_draws": self.boot_draws if var in self.boot_pvalues else 0,
            "cv3_std_error": self.cv3_se.get(var, np.nan),
            "cv3_p_value": self.cv3_p.get(var, np.nan),
            "inference": self.inference,
            "cluster": self.cluster,
            "df_inference": self.df_inference,
            "absorbed": var in self.absorbed,
            "nobs": self.nobs,
            "r2_within": self.r2_within,
            "cov": self.cov,
            "effects": self.effects,
        }


def default_cluster(effects: str) -> str:
    """The clustering of Tables 2-4 for ``effects``: by entity under year effects; by entity
    and time otherwise (a national regressor without year effects sees one common shock in
    every entity, docs/methods.md, section 7.3)."""
    return "entity" if effects == "twoway" else "both"


def fit_panel(
    frame: pd.DataFrame,
    dependent: str,
    regressors: tuple[str, ...],
    *,
    entity: str = "sector",
    time: str = "year",
    effects: str = "twoway",
    cov: str = "clustered",
    cluster: str | None = None,
    bandwidth: int | None = None,
    name: str | None = None,
    entity_label: str | None = None,
    time_label: str | None = None,
) -> PanelFit:
    """Fit ``dependent ~ regressors`` with entity effects and ``effects`` ('twoway': year
    dummies; 'trend': a linear trend; 'entity': nothing more). Absorbed regressors are dropped
    and reported, never silently.

    ``cov``: 'clustered' (CRV1 with Stata's small-sample factor), 'driscoll-kraay' (Bartlett
    kernel, ``bandwidth`` or the plug-in lag) or 'unadjusted'. ``cluster`` (only with
    'clustered'): 'entity', 'time' or 'both' (two-way, Cameron-Gelbach-Miller); None takes
    :func:`default_cluster` of ``effects``. p-values from t(G - 1) clustering by entity,
    t(T - 1) by time, t(min(G, T) - 1) both ways, t(T - 1) for Driscoll-Kraay. The inference
    label names the clusters by ``entity_label`` and ``time_label`` (default: the column
    names), e.g. "clustered by sector".
    """
    cluster = _check_options(cov, cluster, effects)
    labels = (entity_label or entity, time_label or time)
    data, diagnoses, kept = _prepare(frame, dependent, regressors, entity, time, effects)
    indexed = data.set_index([entity, time])
    exog = _design(data, kept, entity, time, effects).set_axis(indexed.index)
    model = PanelOLS(indexed[dependent], exog, entity_effects=True)
    G, T = data[entity].nunique(), data[time].nunique()
    res, df, inference = _fit_covariance(model, cov, cluster, bandwidth, (G, T), labels)
    t = res.tstats[list(kept)]
    return PanelFit(
        name=name or f"{dependent}:{effects}",
        dependent=dependent,
        effects=effects,
        cov=cov,
        params=res.params[list(kept)],
        std_errors=res.std_errors[list(kept)],
        tstats=t,
        pvalues=pd.Series(2 * stats.t.sf(np.abs(t), df), index=t.index),
        nobs=int(res.nobs),
        n_clusters=G,
        df_inference=df,
        r2_within=_r2_within(res, data, dependent, entity, time, effects),
        regressors=tuple(regressors),
        diagnoses=diagnoses,
        cluster=cluster,
        n_periods=T,
        entity_label=labels[0],
        time_label=labels[1],
        inference=inference,
    )


def _check_options(cov: str, cluster: str | None, effects: str) -> str | None:
    """The clustering to use (None unless clustered); BadInput for a combination not offered."""
    if cov not in COVARIANCES:
        raise BadInput(f"cov must be one of {', '.join(COVARIANCES)}; got {cov!r}")
    if cov != "clustered":
        if cluster is not None:
            raise BadInput(f"cluster={cluster!r} needs cov='clustered' (got cov={cov!r})")
        return None
    if cluster is None:
        return default_cluster(effects)
    if cluster not in CLUSTERS:
        raise BadInput(f"cluster must be one of {', '.join(CLUSTERS)} or None; got {cluster!r}")
    return cluster


def _prepare(frame, dependent, regressors, entity, time, effects):
    """Complete rows sorted by (entity, time), the diagnosis per regressor, the kept ones."""
    used = [dependent, *regressors]
    data = frame.dropna(subset=used).sort_values([entity, time]).reset_index(drop=True)
    diagnoses = diagnose(data, regressors, entity, time, effects)
    kept = tuple(d.variable for d in diagnoses if not d.dropped)
    return data, diagnoses, kept


def _design(frame, regressors, entity, time, effects) -> pd.DataFrame:
    """Constant, regressors and the time part of the effects (year dummies or a trend)."""
    exog = pd.DataFrame({"const": 1.0}, index=frame.index)
    for r in regressors:
        exog[r] = frame[r].to_numpy(float)
    if effects == "twoway":
        years = pd.get_dummies(frame[time], prefix="year", dtype=float)
        exog = pd.concat([exog, years.iloc[:, 1:].set_axis(exog.index)], axis=1)
    elif effects == "trend":
        exog["trend"] = (frame[time] - frame[time].min()).to_numpy(float)
    return exog


def _fit_covariance(model, cov, cluster, bandwidth, sizes, labels):
    """The linearmodels fit, the df of the t distribution and the inference label."""
    (G, T), (entity_label, time_label) = sizes, labels
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if cov == "clustered":
            res = model.fit(
                cov_type="clustered",
                cluster_entity=cluster in ("entity", "both"),
                cluster_time=cluster in ("time", "both"),
                debiased=True,
                group_debias=True,
            )
            df, by = {
                "entity": (G - 1, entity_label),
                "time": (T - 1, time_label),
                "both": (min(G, T) - 1, f"{entity_label} and {time_label}"),
            }[cluster]
            return res, df, f"clustered by {by}"
        if cov == "driscoll-kraay":
            bandwidth = bandwidth if bandwidth is not None else dk_bandwidth(T)
            res = model.fit(
                cov_type="kernel", kernel="bartlett", bandwidth=bandwidth, debiased=True
            )
            return res, T - 1, f"Driscoll-Kraay, Bartlett bandwidth {bandwidth}"
        res = model.fit(cov_type="unadjusted", debiased=True)
        return res, int(res.df_resid), "conventional"


def _r2_within(res, data, dependent, entity, time, effects) -> float:
    """Within R-squared: of the two-way model under year effects, else linearmodels' own."""
    if effects != "twoway":
        return float(res.rsquared)
    y_tilde = residualise(data, dependent, entity, time, "twoway")
    return 1.0 - float(res.resid_ss) / float(y_tilde @ y_tilde)


def dk_bandwidth(periods: int) -> int:
    """Newey-West (1994) plug-in lag ``floor(4 (T / 100)^(2/9))``, at least 1."""
    return max(1, int(np.floor(4 * (periods / 100) ** (2 / 9))))


def cluster_jackknife(
    frame: pd.DataFrame, fit: PanelFit, param: str, *, entity: str = "sector", time: str = "year"
) -> tuple[float, float]:
    """CV3 standard error and t(G - 1) p-value of ``param`` by leaving out one industry.

    ``V_CV3 = (G - 1) / G * sum_g (b_(g) - b)^2`` (MacKinnon, Nielsen and Webb 2023, JoE
    232(2)), with ``b_(g)`` the estimate of the same specification without cluster g: the
    least-squares dummy-variable fit (:func:`lsdv_params`), which is the within estimator
    (Frisch-Waugh-Lovell), or :func:`fit_panel` itself when the diagnosis of the rows left
    drops a regressor.
    """
    kept = tuple(r for r in fit.regressors if r not in fit.absorbed)
    data = frame.dropna(subset=[fit.dependent, *kept])
    groups = data[entity].unique()
    estimates = []
    for g in groups:
        rest = data[data[entity] != g]
        prepared, _, still = _prepare(rest, fit.dependent, kept, entity, time, fit.effects)
        if still == kept:  # the same specification: its least-squares fit
            part = lsdv_params(prepared, fit.dependent, kept, entity, time, fit.effects)
        else:  # a regressor dropped on the rows left: the specification fit_panel gives
            part = fit_panel(
                rest, fit.dependent, kept, entity=entity, time=time, effects=fit.effects,
                cov="unadjusted",
            ).params  # fmt: skip
        estimates.append(part[param])
    G = len(groups)
    b = fit.params[param]
    se = float(np.sqrt((G - 1) / G * np.sum((np.asarray(estimates) - b) ** 2)))
    return se, float(2 * stats.t.sf(abs(b / se), G - 1))


def lsdv_params(
    data: pd.DataFrame,
    dependent: str,
    regressors: tuple[str, ...],
    entity: str,
    time: str,
    effects: str,
) -> pd.Series:
    """Coefficients of ``regressors`` in the least-squares fit of ``dependent`` on them, a
    constant, entity dummies and the time part of ``effects`` (:func:`_design`): the within
    estimator that :func:`fit_panel` gets from linearmodels, without its per-fit overhead
    (the 14 refits of a CV3 column took 0.5-0.8 s in linearmodels, 0.01 s here)."""
    design = _design(data, regressors, entity, time, effects).to_numpy(float)
    dummies = pd.get_dummies(data[entity], dtype=float).to_numpy()[:, 1:]
    X = np.hstack([design, dummies])
    coef = np.linalg.lstsq(X, data[dependent].to_numpy(float), rcond=None)[0]
    return pd.Series(coef[1 : 1 + len(regressors)], index=list(regressors))


def wild_bootstrap_pvalue(
    frame: pd.DataFrame,
    fit: PanelFit,
    param: str,
    *,
    entity: str = "sector",
    time: str = "year",
    reps: int = BOOTSTRAP_DRAWS,
    seed: int = SEED,
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
