"""Journal-format regression tables: the cells and the note of Tables 1-4 from fitted models.

Convention (docs/methods.md, section 7.5): one column per specification, headed by its dependent
variable; coefficient with stars and the t-statistic in parentheses beneath; *** p<0.01,
** p<0.05, * p<0.1 from the t distribution of each column's inference; absorbed regressors
shown as "absorbed by year FE", never blank; rows for fixed effects, observations, within
R-squared, what each column is clustered by, and the wild cluster bootstrap and CV3 p-values
of the regressor of interest. The note describes exactly the columns the table has.
Rendering (Markdown, LaTeX, HTML, CSV) is :mod:`analysis.panel.render`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.panel.estimate import PanelFit
from analysis.panel.spec import LABELS, Spec, variables_used

STARS = ((0.01, "***"), (0.05, "**"), (0.1, "*"))
NEARLY_ABSORBED_MARK = "†"
BOOTSTRAP_ROW, CV3_ROW = "Wild bootstrap p", "CV3 jackknife p"
#: The first row of the statistics block (a rule above it in LaTeX).
STATISTICS_START = BOOTSTRAP_ROW
EXPOSURE_SHARES = {
    "backward": "2007 backward GVC participation",
    "forward": "2007 forward GVC participation",
    "export": "2007 export intensity (gross exports / output)",
}


def stars(p: float) -> str:
    for threshold, mark in STARS:
        if p < threshold:
            return mark
    return ""


def format_p(p: float, draws: int = 0) -> str:
    """A p-value to 3 decimals; a bootstrap p of 0 as its bound ``<1/(B+1)``."""
    if np.isnan(p):
        return ""
    return f"<{1 / (draws + 1):.4f}" if p == 0 and draws > 0 else f"{p:.3f}"


def regression_table(fits: list[PanelFit], decimals: int = 3) -> pd.DataFrame:
    """Cells as strings: rows = terms (coefficient, then '(t)') and model statistics;
    columns (dependent variable, '(k)')."""
    interests = [f.regressors[0] for f in fits]
    terms = list(dict.fromkeys([*interests, *(t for f in fits for t in f.regressors)]))
    rows: dict[str, list[str]] = {}
    for term in terms:
        cells = [_coefficient_cells(f, term, decimals) for f in fits]
        label = LABELS.get(term, term)
        rows[label] = [c for c, _ in cells]
        rows[f"{label} t"] = [t for _, t in cells]
    rows.update(_statistic_rows(fits))
    columns = pd.MultiIndex.from_tuples(
        [(LABELS.get(f.dependent, f.dependent), f"({k})") for k, f in enumerate(fits, 1)]
    )
    table = pd.DataFrame(rows, index=columns).T
    table.index = [("" if i.endswith(" t") else i) for i in table.index]
    return table


def _coefficient_cells(f: PanelFit, term: str, decimals: int) -> tuple[str, str]:
    """(coefficient with stars, '(t)') of ``term`` in ``f``; words when it is not estimated."""
    if term not in f.regressors:
        return "", ""
    status = next(d.status for d in f.diagnoses if d.variable == term)
    if status == "collinear":
        return "collinear, dropped", ""
    if status == "absorbed":
        return f"absorbed by {'year FE' if f.effects == 'twoway' else 'fixed effects'}", ""
    mark = NEARLY_ABSORBED_MARK if status.startswith("nearly") else ""
    coefficient = f"{f.params[term]:.{decimals}f}{stars(f.pvalues[term])}{mark}"
    return coefficient, f"({f.tstats[term]:.2f})"


def _statistic_rows(fits: list[PanelFit]) -> dict[str, list[str]]:
    return {
        BOOTSTRAP_ROW: [
            format_p(f.boot_pvalues.get(f.regressors[0], np.nan), f.boot_draws) for f in fits
        ],
        CV3_ROW: [format_p(f.cv3_p.get(f.regressors[0], np.nan)) for f in fits],
        "Industry FE": ["Yes"] * len(fits),
        "Year FE": ["Yes" if f.effects == "twoway" else "No" for f in fits],
        "Linear trend": ["Yes" if f.effects == "trend" else "No" for f in fits],
        "Observations": [str(f.nobs) for f in fits],
        "Within R-squared": [f"{f.r2_within:.3f}" for f in fits],
        "Clusters": [f.clusters() for f in fits],
    }


def columns_text(numbers: list[int]) -> str:
    """'column (2)', 'columns (1) and (4)', 'columns (1), (2), (4) and (5)'."""
    cells = [f"({k})" for k in numbers]
    if len(cells) == 1:
        return f"column {cells[0]}"
    return f"columns {', '.join(cells[:-1])} and {cells[-1]}"


def _by_column(items) -> dict:
    """{key: [column numbers]} in order of first appearance, from (column, key) pairs."""
    out: dict = {}
    for k, key in items:
        out.setdefault(key, []).append(k)
    return out


#: Mart columns naming the years whose mean and SD standardise the index (int_kof__standardised).
WINDOW_COLUMNS = ("standardise_first_year", "standardise_last_year")
#: How z is described when the frame does not say which years standardise it.
UNKNOWN_WINDOW = "the index standardised with the mean and SD of a fixed window of years"


def _span(first: int, last: int) -> str:
    return f"{first}-{last}" if first != last else str(first)


def standardisation_text(frame: pd.DataFrame) -> str:
    """How z is standardised, from the mart's window columns and the panel's years.

    'the index standardised with its mean and SD over 2008-2018 (mean 0, SD 1 over the panel
    years)' when the window is the panel; otherwise mean 0 and SD 1 are claimed for the window
    only. Without the window columns (a mart built before them) no moments are claimed.
    """
    windows = (
        frame[list(WINDOW_COLUMNS)].dropna().drop_duplicates()
        if set(WINDOW_COLUMNS) <= set(frame.columns)
        else pd.DataFrame()
    )
    if len(windows) != 1:
        return UNKNOWN_WINDOW
    first, last = (int(v) for v in windows.iloc[0])
    years = frame["year"]
    window = _span(first, last)
    text = f"the index standardised with its mean and SD over {window}"
    if (int(years.min()), int(years.max())) == (first, last):
        return f"{text} (mean 0, SD 1 over the panel years)"
    panel = _span(int(years.min()), int(years.max()))
    return (
        f"{text} (a window fixed so that new years do not rescale old ones: mean 0 and SD 1 "
        f"over {window} only, not over the panel's {panel})"
    )


def table_note(
    specs: list[Spec],
    fits: list[PanelFit],
    *,
    exposure: str = "backward",
    years: int | None = None,
    standardised: str | None = None,
) -> str:
    """The note under a regression table: its inference, stars, resampling p-values,
    R-squared and designs, each sentence naming the columns it is about. ``standardised``:
    how z is standardised (:func:`standardisation_text` of the estimation frame)."""
    parts = [
        "t-statistics in parentheses.",
        _inference_sentence(specs, fits),
        "Stars from those t distributions: *** p<0.01, ** p<0.05, * p<0.1.",
        _resampling_sentence(specs, fits),
        "Within R-squared: of the model net of its fixed effects"
        + (" (two-way within R-squared under year FE)." if _has(specs, "twoway") else "."),
        *_design_sentences(specs, exposure, years, standardised),
        *_diagnosis_sentences(fits),
    ]
    return " ".join(p for p in parts if p)


def _has(specs: list[Spec], effects: str) -> bool:
    return any(s.effects == effects for s in specs)


def _inference_phrase(f: PanelFit) -> str:
    if f.cov == "clustered":
        kind = "two-way CRV1" if f.cluster == "both" else "CRV1, Stata small-sample factor"
        return f"standard errors {f.inference} ({kind})"
    if f.cov == "driscoll-kraay":
        return f"{f.inference} standard errors (unstable with few years: a sensitivity check)"
    return "conventional standard errors"


def _inference_sentence(specs: list[Spec], fits: list[PanelFit]) -> str:
    groups = _by_column(
        (s.column, (_inference_phrase(f), f.df_inference)) for s, f in zip(specs, fits, strict=True)
    )
    if len(groups) == 1:
        ((phrase, df),) = groups
        return f"{phrase[0].upper()}{phrase[1:]}, p from t({df})."
    text = "; ".join(
        f"{phrase} in {columns_text(ks)}, p from t({df})" for (phrase, df), ks in groups.items()
    )
    return f"{text[0].upper()}{text[1:]}."


def _resampling_sentence(specs: list[Spec], fits: list[PanelFit]) -> str:
    """Which columns have the bootstrap and CV3 p-values, how they were computed."""
    pairs = list(zip(specs, fits, strict=True))
    cv3 = [s.column for s, f in pairs if f.cv3_p]
    if not cv3:
        return ""
    entity = fits[0].entity_label
    booted = [f.boot_draws for _, f in pairs if f.boot_pvalues]
    boot = (
        f"wild cluster restricted bootstrap by {entity}, Webb weights, B = {max(booted):,}"
        if booted
        else "not computed in this run"
    )
    text = (
        f"For the regressor of interest in {columns_text(cv3)}: wild bootstrap p, {boot}; "
        f"CV3 p, cluster jackknife (leave one {entity} out), p from t(G-1)."
    )
    trend = [s.column for s in specs if s.effects == "trend"]
    if trend:
        text += (
            f" Neither in {columns_text(trend)}: resampling {entity} clusters ignores the "
            "common annual shocks of a national regressor."
        )
    return text


def _design_sentences(
    specs: list[Spec], exposure: str, years: int | None, standardised: str | None
) -> list[str]:
    designs = _by_column((s.column, s.design) for s in specs)
    interests = {s.design: LABELS.get(s.interest, s.interest) for s in specs}
    out = []
    if "paper" in designs:
        out.append(
            f"{columns_text(designs['paper']).capitalize()}: the reference study's "
            f"specification; a national, time-only {interests['paper']} is perfectly collinear "
            "with year effects and is reported as absorbed."
        )
    if "exposure" in designs:
        name = interests["exposure"].split(" (")[0]
        lagged = ", lagged one year" if name.startswith("L.") else ""
        out.append(
            f"{columns_text(designs['exposure']).capitalize()}: {name} = s_i x z(Anti_global)"
            f"{lagged}, with s_i the industry's {EXPOSURE_SHARES[exposure]} and z "
            f"{standardised or UNKNOWN_WINDOW}, identifies the differential effect across "
            "industries."
        )
    if "trend" in designs:
        span = f"{years} annual values" if years else "the annual values"
        out.append(
            f"{columns_text(designs['trend']).capitalize()}: industry FE and a linear trend "
            f"instead of year FE identify the level effect of {interests['trend']} from "
            f"{span} only."
        )
    return out


def _diagnosis_sentences(fits: list[PanelFit]) -> list[str]:
    statuses = {d.status for f in fits for d in f.diagnoses}
    out = []
    if any(s.startswith("nearly") for s in statuses):
        out.append(
            f"{NEARLY_ABSORBED_MARK}: nearly absorbed by the fixed effects or nearly collinear "
            "with the other regressors (little variation left); read with care."
        )
    if "collinear" in statuses:
        out.append(
            "Collinear, dropped: exactly collinear with the other regressors given the "
            "effects; the specification is estimated without it."
        )
    return out


def descriptive_table(frame: pd.DataFrame, exposure: str = "backward") -> pd.DataFrame:
    """Table 1: N, mean, SD (ddof = 1), min, max of the dependent variables, every regressor
    of Tables 2-4 and the exposure variables (backward share and the ``exposure`` variant).
    Each row to at least 3 decimals, more when its SD needs them for two significant digits."""
    cols = [c for c in variables_used(exposure) if c in frame]
    out = frame[cols].agg(["count", "mean", "std", "min", "max"]).T
    out.columns = ["N", "Mean", "SD", "Min", "Max"]
    cells = pd.DataFrame(
        [_decimals_row(row) for _, row in out.iterrows()],
        index=[LABELS.get(c, c) for c in out.index],
        columns=out.columns,
    )
    return cells


def _decimals_row(row: pd.Series) -> list[str]:
    sd = row["SD"]
    places = 3 if not (np.isfinite(sd) and sd > 0) else max(3, 1 - int(np.floor(np.log10(sd))))

    def fmt(v: float) -> str:
        text = f"{v:.{places}f}"
        return f"{0.0:.{places}f}" if float(text) == 0 else text  # no '-0.000'

    return [str(int(row["N"])), *(fmt(row[c]) for c in ("Mean", "SD", "Min", "Max"))]


def descriptive_note(frame: pd.DataFrame, exposure: str = "backward") -> str:
    """The note under Table 1: the sample and what the exposure variables are."""
    years = frame["year"]
    return (
        "N, mean, standard deviation (ddof 1), minimum and maximum over the estimation panel: "
        f"{frame['sector'].nunique()} industries, {years.min()}-{years.max()} "
        f"({len(frame)} industry-years). L. marks a variable lagged one year. Exposure = "
        "s_i x z(Anti_global), with s_i the industry's "
        f"{EXPOSURE_SHARES['backward']} and z {standardisation_text(frame)}"
        + (
            f"; the {exposure} variant takes the {EXPOSURE_SHARES[exposure]} as s_i."
            if exposure != "backward"
            else "."
        )
    )
