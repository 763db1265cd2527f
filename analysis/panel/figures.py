"""Figures: coefficient plot of the regressors of interest, ICC/ICS by sector (PNG).

Both carry the provenance of their data (:func:`analysis.plotting.save_png`: the synthetic
inputs named at the foot of the figure and every input in the PNG ``Source`` chunk). The
sector figure is small multiples, one panel per sector named by its short name and code, the
sector highlighted over the other 13 in grey; the coefficient plot's axis says what its
intervals are, in the words of the table notes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from scipy import stats

from analysis.panel.estimate import PanelFit
from analysis.panel.spec import LABELS
from analysis.plotting import save_png
from analysis.provenance import Provenance

#: Colour of each table's estimates in the coefficient plot.
TABLE_COLOURS = {"table2": "tab:blue", "table3": "tab:orange", "table4": "tab:green"}
TABLE_NAMES = {
    "table2": "Table 2 (baseline)",
    "table3": "Table 3 (lagged)",
    "table4": "Table 4 (mechanisms)",
}
PANEL_TITLES = {
    "twoway": "Industry and year FE: exposure designs (standardised regressor)",
    "trend": "Industry FE + linear trend: national index (level)",
}
#: What the y axis of each indicator means (mart_icc_ics documentation).
INDICATORS = {
    "icc": ("ICC = forward + backward\nGVC participation (sum of two shares)", "tab:blue"),
    "ics": ("ICS = GVC position × DVAR\n(unitless index)", "tab:orange"),
}
FOOT = 0.05  # share of the figure height kept free at the bottom for the provenance line


def interval_label(fits: list[PanelFit]) -> str:
    """'coefficient and 95 % CI: t(13), SE clustered by industry' (each kind once)."""
    kinds = dict.fromkeys(f"t({f.df_inference}), SE {f.inference}" for f in fits)
    return "coefficient and 95 % CI: " + "; ".join(kinds)


def _estimates(fits: dict[str, list[PanelFit]]) -> dict[str, list[dict]]:
    """Estimated (not absorbed) regressors of interest by kind of effects, in table order."""
    panels: dict[str, list[dict]] = {"twoway": [], "trend": []}
    for table, columns in fits.items():
        for k, f in enumerate(columns, 1):
            term = f.regressors[0]
            if term in f.absorbed or f.effects not in panels:
                continue
            half = stats.t.ppf(0.975, f.df_inference) * f.std_errors[term]
            label = (
                f"{table.replace('table', 'Table ')} ({k}) "
                f"{LABELS.get(f.dependent, f.dependent)}: {LABELS.get(term, term).split(' (')[0]}"
            )
            panels[f.effects].append(
                {"table": table, "label": label, "b": f.params[term], "half": half, "fit": f}
            )
    return {key: rows for key, rows in panels.items() if rows}


COEFFICIENT_TITLE = "Anti-globalisation: coefficients of the regressor of interest, Tables 2-4"


def coefficient_plot(fits: dict[str, list[PanelFit]], path: Path, provenance: Provenance) -> Path:
    """Write :func:`coefficient_figure` to ``path`` with its provenance."""
    fig = coefficient_figure(fits, provenance)
    save_png(fig, path, title=COEFFICIENT_TITLE, provenance=provenance)
    plt.close(fig)
    return path


def coefficient_figure(fits: dict[str, list[PanelFit]], provenance: Provenance):
    """Estimates and 95 % intervals of each column's regressor of interest, by table.

    Two panels with their own scales: the identified exposure designs (industry and year
    effects; standardised regressor) and the industry-trend designs (national index level).
    Each interval uses its column's t distribution (t(G-1) clustered by industry; t(min(G,T)-1)
    two-way clustered), as the table notes say.
    """
    panels = _estimates(fits)
    height = 0.42 * max(len(rows) for rows in panels.values()) + 2.4
    fig, axes = plt.subplots(1, len(panels), figsize=(7 * len(panels), height), squeeze=False)
    for ax, (key, rows) in zip(axes[0], panels.items(), strict=True):
        for k, row in enumerate(rows):
            colour = TABLE_COLOURS.get(row["table"], "black")
            ax.errorbar(row["b"], k, xerr=row["half"], fmt="o", capsize=3, color=colour)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(range(len(rows)), [r["label"] for r in rows])
        ax.invert_yaxis()
        ax.set_title(PANEL_TITLES[key], fontsize=10)
        ax.set_xlabel(interval_label([r["fit"] for r in rows]), fontsize=9)
    handles = [
        plt.Line2D([], [], color=c, marker="o", ls="", label=TABLE_NAMES[t])
        for t, c in TABLE_COLOURS.items()
        if t in fits
    ]
    fig.legend(handles=handles, loc="upper right", ncol=len(handles), frameon=False, fontsize=9)
    suffix = " (SYNTHETIC SAMPLE)" if provenance.synthetic else ""
    fig.suptitle(COEFFICIENT_TITLE + suffix, x=0.01, ha="left")
    fig.tight_layout(rect=(0, FOOT, 1, 1))
    return fig


def sector_names(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(sector code, 'Electricals (c14)') in the mart's sector order."""
    order = "sector_order" if "sector_order" in frame else "sector"
    first = frame.sort_values([order, "year"]).drop_duplicates("sector")
    short = first["sector_short_name"] if "sector_short_name" in first else first["sector"]
    return [(s, f"{n} ({s})") for s, n in zip(first["sector"], short, strict=True)]


TREND_TITLE = "ICC and ICS by sector, each sector highlighted over the others"


def trend_figure(frame: pd.DataFrame, path: Path, provenance: Provenance) -> Path:
    """Write :func:`sector_figure` to ``path`` with its provenance."""
    fig = sector_figure(frame, provenance)
    save_png(fig, path, title=TREND_TITLE, provenance=provenance)
    plt.close(fig)
    return path


def sector_figure(frame: pd.DataFrame, provenance: Provenance):
    """ICC and ICS by sector over the panel years: one small panel per sector, the sector
    in colour over the other sectors in grey, one block of panels per indicator."""
    names = sector_names(frame)
    cols = (len(names) + 1) // 2
    fig = plt.figure(figsize=(2.2 * cols + 1, 10.5), layout="constrained")
    fig.get_layout_engine().set(rect=(0, FOOT / 2, 1, 1 - FOOT / 2))
    blocks = fig.subfigures(2, 1)
    for block, column in zip(blocks, INDICATORS, strict=True):
        _indicator_block(block, frame, column, names, cols)
    fig.suptitle(TREND_TITLE + (" (SYNTHETIC SAMPLE)" if provenance.synthetic else ""))
    return fig


def _indicator_block(block, frame, column, names, cols) -> None:
    meaning, colour = INDICATORS[column]
    axes = block.subplots(2, cols, sharex=True, sharey=True).ravel()
    wide = frame.pivot_table(index="year", columns="sector", values=column)
    for ax, (sector, name) in zip(axes, names, strict=False):
        ax.plot(wide.index, wide.to_numpy(), color="0.85", lw=0.7)
        ax.plot(wide.index, wide[sector], color=colour, lw=2)
        ax.set_title(name, fontsize=8.5)
        ax.tick_params(labelsize=7.5)
        ax.set_xticks([wide.index.min(), wide.index.max()])
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    block.suptitle(f"{LABELS[column]} by sector", fontsize=10.5)
    block.supylabel(meaning, fontsize=9.5)
    block.supxlabel("year", fontsize=9.5)
