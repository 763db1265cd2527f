"""Figures: coefficient plot of the regressors of interest, ICC/ICS trends by sector (PNG)."""

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


def coefficient_plot(fits: list[PanelFit], path: Path, provenance: Provenance) -> Path:
    """Estimates and 95 % intervals (t(G-1)) of each model's regressor of interest.

    Two panels with their own scales: the identified exposure designs (industry and year
    effects; standardised regressor) and the industry-trend designs (national index level).
    """
    groups: dict[str, list[tuple[str, float, float]]] = {"twoway": [], "trend": []}
    for f in fits:
        term = f.regressors[0]
        if term in f.absorbed or f.effects not in groups:
            continue
        half = stats.t.ppf(0.975, f.df_inference) * f.std_errors[term]
        label = f"{LABELS.get(f.dependent, f.dependent)}: {LABELS.get(term, term)}"
        groups[f.effects].append((label, f.params[term], half))
    titles = {
        "twoway": "industry + year FE (exposure design)",
        "trend": "industry FE + linear trend (national index)",
    }
    panels = [(k, rows) for k, rows in groups.items() if rows]
    height = 0.45 * max(len(rows) for _, rows in panels) + 1.8
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), height), squeeze=False)
    for ax, (key, rows) in zip(axes[0], panels, strict=True):
        for k, (_label, b, half) in enumerate(rows):
            ax.errorbar(b, k, xerr=half, fmt="o", color="tab:blue", capsize=3)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(range(len(rows)), [r[0] for r in rows])
        ax.invert_yaxis()
        ax.set_title(titles[key], fontsize=10)
        ax.set_xlabel("coefficient, 95 % interval (clustered, t(G-1))")
    title = "Anti-globalisation coefficients" + (
        " - SYNTHETIC SAMPLE" if provenance.synthetic else ""
    )
    fig.suptitle(title)
    fig.tight_layout()
    save_png(fig, path, title=title, provenance=provenance)
    plt.close(fig)
    return path


def trend_figure(frame: pd.DataFrame, path: Path, provenance: Provenance) -> Path:
    """ICC and ICS by sector over the panel years (one line per sector)."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharex=True)
    for ax, column in zip(axes, ("icc", "ics"), strict=True):
        ax.set_prop_cycle(color=plt.cm.tab20.colors)  # 14 sectors, 14 distinct colours
        for sector, part in frame.groupby("sector", sort=False):
            ax.plot(part["year"], part[column], lw=1.2, label=sector)
        ax.set_title(
            LABELS[column] + " by sector" + (" (synthetic)" if provenance.synthetic else "")
        )
        ax.set_xlabel("year")
    axes[1].legend(ncol=2, fontsize=7, frameon=False, bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    save_png(fig, path, title="ICC and ICS by sector", provenance=provenance)
    plt.close(fig)
    return path
