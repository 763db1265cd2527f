"""Journal-format regression tables (Markdown, LaTeX, HTML, CSV) from fitted models.

Convention (econometrics.md section 4): one column per specification; coefficient with
stars and the t-statistic in parentheses beneath; *** p<0.01, ** p<0.05, * p<0.1 from
t(G - 1) p-values of the clustered covariance; absorbed regressors shown as "absorbed by
year FE", never blank; rows for fixed effects, observations, within R-squared, clusters,
and the wild cluster bootstrap p-value of the regressor of interest.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.panel.estimate import PanelFit
from analysis.panel.spec import LABELS

STARS = ((0.01, "***"), (0.05, "**"), (0.1, "*"))
NEARLY_ABSORBED_MARK = "†"
DESCRIPTIVE_VARIABLES = ("icc", "ics", "anti_global", "tech", "infina", "human", "size", "rd", "kl")


def stars(p: float) -> str:
    for threshold, mark in STARS:
        if p < threshold:
            return mark
    return ""


def regression_table(fits: list[PanelFit], decimals: int = 3, reps: int = 9999) -> pd.DataFrame:
    """Cells as strings: rows = terms (coefficient, then '(t)') and model statistics."""
    interests = [f.regressors[0] for f in fits]
    terms = list(dict.fromkeys([*interests, *(t for f in fits for t in f.regressors)]))
    columns = [f"({k}) {LABELS.get(f.dependent, f.dependent)}" for k, f in enumerate(fits, 1)]
    rows: dict[str, list[str]] = {}
    for term in terms:
        coef, tstat = [], []
        for f in fits:
            if term not in f.regressors:
                coef.append("")
                tstat.append("")
            elif term in f.absorbed:
                what = "year FE" if f.effects == "twoway" else "fixed effects"
                collinear = any(d.variable == term and d.status == "collinear" for d in f.diagnoses)
                coef.append("collinear, dropped" if collinear else f"absorbed by {what}")
                tstat.append("")
            else:
                near = any(
                    d.variable == term and d.status in ("nearly absorbed", "nearly collinear")
                    for d in f.diagnoses
                )
                mark = NEARLY_ABSORBED_MARK if near else ""
                coef.append(f"{f.params[term]:.{decimals}f}{stars(f.pvalues[term])}{mark}")
                tstat.append(f"({f.tstats[term]:.2f})")
        label = LABELS.get(term, term)
        rows[label] = coef
        rows[f"{label} t"] = tstat

    rows["Wild bootstrap p (first regressor)"] = [
        format_p(f.boot_pvalues.get(f.regressors[0], np.nan), reps) for f in fits
    ]
    rows["CV3 jackknife p (first regressor)"] = [
        format_p(f.cv3_p.get(f.regressors[0], np.nan)) for f in fits
    ]
    rows["Industry FE"] = ["Yes"] * len(fits)
    rows["Year FE"] = ["Yes" if f.effects == "twoway" else "No" for f in fits]
    rows["Linear trend"] = ["Yes" if f.effects == "trend" else "No" for f in fits]
    rows["Observations"] = [str(f.nobs) for f in fits]
    rows["Within R-squared"] = [f"{f.r2_within:.3f}" for f in fits]
    rows["Clusters (industries)"] = [
        "" if f.cov == "driscoll-kraay" else str(f.n_clusters) for f in fits
    ]
    table = pd.DataFrame(rows, index=columns).T
    table.index = [("" if i.endswith(" t") else i) for i in table.index]
    return table


def format_p(p: float, reps: int = 9999) -> str:
    """A p-value to 3 decimals; a bootstrap p of 0 as its bound ``<1/(B+1)``."""
    if np.isnan(p):
        return ""
    return f"<{1 / (reps + 1):.4f}" if p == 0 else f"{p:.3f}"


EXPOSURE_SHARES = {
    "backward": "2007 backward GVC participation",
    "forward": "2007 forward GVC participation",
    "export": "2007 export intensity (gross exports / output)",
}


def table_note(
    fits: list[PanelFit],
    synthetic: bool,
    *,
    exposure: str = "backward",
    years: int | None = None,
    reps: int = 9999,
) -> str:
    """The note under a regression table: inference of each design, stars, the designs."""
    parts = []
    for effects, what in (("twoway", "year-FE columns"), ("trend", "trend columns")):
        chosen = [f for f in fits if f.effects == effects]
        if chosen:
            f = chosen[0]
            parts.append(f"{what}: {f.inference}, t({f.df_inference})")
    inference = "; ".join(parts)
    cov = fits[0].cov if fits else "clustered"
    detail = {
        "clustered": " (CRV1, Stata small-sample factor)",
        "driscoll-kraay": " (Bartlett kernel; unstable with few years, a sensitivity check)",
        "unadjusted": "",
    }[cov]
    span = f"{years} annual values" if years else "the annual values"
    boot = (
        f"wild cluster restricted bootstrap by industry, Webb weights, B = {reps:,}"
        if reps > 0
        else "not computed (--bootstrap-reps 0)"
    )
    note = (
        f"t-statistics in parentheses; standard errors{detail}: {inference}. Stars from "
        "those t distributions: *** p<0.01, ** p<0.05, * p<0.1. Wild bootstrap p: "
        f"{boot}. CV3: cluster-jackknife (leave one industry out) p from t(G-1). Both "
        "only for year-FE columns: clustering by industry ignores the common annual shocks "
        "of a national regressor in the trend columns. Within "
        "R-squared of the model net of its fixed effects (two-way within R-squared under "
        "year FE). A national, time-only Anti_global is perfectly collinear with year "
        f"effects and is reported as absorbed; Exposure = {EXPOSURE_SHARES[exposure]} x "
        "standardised Anti_global identifies the differential effect; the trend columns "
        f"identify the level effect from {span} only."
    )
    if any(d.status.startswith("nearly") for f in fits for d in f.diagnoses):
        note += (
            f" {NEARLY_ABSORBED_MARK}: nearly absorbed by the fixed effects or nearly collinear "
            "with the other regressors (little variation left); read with care."
        )
    if any(d.status == "collinear" for f in fits for d in f.diagnoses):
        note += (
            " Collinear, dropped: exactly collinear with the other regressors given the "
            "effects; the specification is estimated without it."
        )
    if synthetic:
        note += " SYNTHETIC SAMPLE DATA: not estimates from ADB, KOF or NBS statistics."
    return note


def descriptive_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Table 1: N, mean, sd (ddof = 1), min, max."""
    cols = [c for c in DESCRIPTIVE_VARIABLES if c in frame]
    out = frame[cols].agg(["count", "mean", "std", "min", "max"]).T
    out.columns = ["N", "Mean", "SD", "Min", "Max"]
    out["N"] = out["N"].astype(int)
    out.index = [LABELS.get(c, c) for c in out.index]
    return out


def _markdown(table: pd.DataFrame, title: str, note: str) -> str:
    header = "| | " + " | ".join(table.columns) + " |"
    rule = "|---|" + "---|" * len(table.columns)
    body = [
        "| " + " | ".join([str(i), *map(str, row)]) + " |"
        for i, row in zip(table.index, table.to_numpy(), strict=True)
    ]
    return "\n".join([f"**{title}**", "", header, rule, *body, "", f"*Note:* {note}", ""])


def _latex_escape(text: str) -> str:
    for a, b in (
        ("\\", r"\textbackslash{}"),
        ("&", r"\&"),
        ("%", r"\%"),
        ("_", r"\_"),
        ("#", r"\#"),
        ("<", r"$<$"),
        (">", r"$>$"),
        ("†", r"$^{\dagger}$"),
        ("*", r"$^{*}$"),
    ):
        text = text.replace(a, b)
    return text.replace("$^{*}$$^{*}$$^{*}$", "$^{***}$").replace("$^{*}$$^{*}$", "$^{**}$")


def _latex(table: pd.DataFrame, title: str, note: str) -> str:
    cols = "l" + "c" * len(table.columns)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{_latex_escape(title)}}}",
        rf"\begin{{tabular}}{{{cols}}}",
        r"\hline",
        " & ".join(["", *map(_latex_escape, table.columns)]) + r" \\",
        r"\hline",
    ]
    for i, row in zip(table.index, table.to_numpy(), strict=True):
        lines.append(
            " & ".join([_latex_escape(str(i)), *(_latex_escape(str(c)) for c in row)]) + r" \\"
        )
    lines += [
        r"\hline",
        r"\end{tabular}",
        rf"\par\footnotesize {_latex_escape(note)}",
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)


def _html(table: pd.DataFrame, title: str, note: str) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["", *table.columns])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in [i, *row]) + "</tr>"
        for i, row in zip(table.index, table.to_numpy(), strict=True)
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        "</title><style>table{border-collapse:collapse}td,th{padding:2px 10px;"
        "text-align:center}td:first-child{text-align:left}</style></head><body>"
        f"<h3>{html.escape(title)}</h3><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table><p><em>Note:</em> {html.escape(note)}</p>"
        "</body></html>\n"
    )


def write_table(table: pd.DataFrame, directory: Path, stem: str, title: str, note: str):
    """Write ``stem``.md/.tex/.html/.csv into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    formatted = table.copy()
    if formatted.dtypes.apply(pd.api.types.is_float_dtype).any():
        formatted = formatted.map(lambda v: f"{v:.4f}" if isinstance(v, float) else str(v))
    paths = {
        "md": _markdown(formatted, title, note),
        "tex": _latex(formatted, title, note),
        "html": _html(formatted, title, note),
    }
    out = []
    for ext, text in paths.items():
        path = directory / f"{stem}.{ext}"
        path.write_text(text, encoding="utf-8")
        out.append(path)
    csv_path = directory / f"{stem}.csv"
    # as esttab's csv: the title on top and the note (incl. any synthetic-data label) below
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        pd.DataFrame([[title]]).to_csv(handle, index=False, header=False)
        formatted.rename_axis("row").to_csv(handle)
        pd.DataFrame([["Note", note]]).to_csv(handle, index=False, header=False)
    out.append(csv_path)
    return out
