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
DESCRIPTIVE_VARIABLES = ("icc", "ics", "anti_global", "tech", "infina", "human", "size", "rd", "kl")


def stars(p: float) -> str:
    for threshold, mark in STARS:
        if p < threshold:
            return mark
    return ""


def regression_table(fits: list[PanelFit], decimals: int = 3) -> pd.DataFrame:
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
                coef.append(f"absorbed by {what}")
                tstat.append("")
            else:
                coef.append(f"{f.params[term]:.{decimals}f}{stars(f.pvalues[term])}")
                tstat.append(f"({f.tstats[term]:.2f})")
        label = LABELS.get(term, term)
        rows[label] = coef
        rows[f"{label} t"] = tstat

    def interest_boot(f: PanelFit) -> str:
        p = f.boot_pvalues.get(f.regressors[0], np.nan)
        return "" if np.isnan(p) else f"{p:.3f}"

    rows["Wild bootstrap p (first regressor)"] = [interest_boot(f) for f in fits]
    rows["Industry FE"] = ["Yes"] * len(fits)
    rows["Year FE"] = ["Yes" if f.effects == "twoway" else "No" for f in fits]
    rows["Linear trend"] = ["Yes" if f.effects == "trend" else "No" for f in fits]
    rows["Observations"] = [str(f.nobs) for f in fits]
    rows["Within R-squared"] = [f"{f.r2_within:.3f}" for f in fits]
    rows["Clusters (industries)"] = [str(f.n_clusters) for f in fits]
    table = pd.DataFrame(rows, index=columns).T
    table.index = [("" if i.endswith(" t") else i) for i in table.index]
    return table


def table_note(fits: list[PanelFit], synthetic: bool) -> str:
    cov = fits[0].cov if fits else "clustered"
    inference = {
        "clustered": "CRV1 standard errors clustered by industry (Stata small-sample factor)",
        "driscoll-kraay": "Driscoll-Kraay standard errors (Bartlett kernel)",
        "unadjusted": "conventional standard errors",
    }[cov]
    df = fits[0].df_inference if fits else None
    note = (
        f"t-statistics in parentheses from {inference}; p-values and stars from t({df}): "
        "*** p<0.01, ** p<0.05, * p<0.1. Wild bootstrap p: wild cluster restricted "
        "bootstrap, Webb weights, clustered by industry. Within R-squared of the model "
        "net of its fixed effects (two-way within R-squared under year FE). A national, "
        "time-only Anti_global is perfectly collinear with year effects and is reported "
        "as absorbed; Exposure = 2007 backward GVC participation x standardised "
        "Anti_global identifies the differential effect; the trend column identifies the "
        "level effect from 11 annual values only."
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
