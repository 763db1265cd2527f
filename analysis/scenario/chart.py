"""The chart of one scenario and year: who loses, in words, one colour per method.

Left: the most affected manufacturing sectors of the focus economy (the panel's economy, dbt
var ``panel_economy``, PRC by default: :func:`analysis.scenario.warehouse.panel_economy`),
loss in % of each sector's gross output. Right: total loss by economy outside the
target (USD million), since supply shocks propagate across economies. The title names the
shocked economy-sectors, the shock and the year; the provenance goes in via ``save_png``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from analysis.plotting import save_png
from analysis.provenance import Provenance
from analysis.reference import MANUFACTURING
from analysis.scenario.labels import (
    METHOD_COLOURS,
    economy_label,
    method_label,
    sector_label,
    shock_label,
    target_label,
)
from analysis.scenario.schema import Scenario

TOP = 10
PCT_AXIS = "output loss, % of the sector's gross output"
USD_AXIS = "output loss outside the target, USD million"


def chart_title(sc: Scenario, year: int) -> str:
    """'Republic of Korea (KOR) — Electricals (c14), 50 % cut, 2018'."""
    return f"{target_label(sc.economies, sc.sectors)}, {shock_label(sc.shock, sc.methods)}, {year}"


def focus_sectors(result: pd.DataFrame, methods: tuple[str, ...], focus: str) -> pd.DataFrame:
    """Loss in % of gross output of the ``focus`` economy's most affected manufacturing sectors
    outside the target: rows sectors (largest first), columns methods."""
    rows = result[
        (result["economy"] == focus) & result["sector"].isin(MANUFACTURING) & ~result["is_target"]
    ]
    wide = rows.pivot_table(index="sector", columns="method", values="loss_pct") * 100
    order = wide.max(axis=1).sort_values(ascending=False).index[:TOP]
    return wide.reindex(index=order, columns=[m for m in methods if m in wide.columns])


def economy_losses(result: pd.DataFrame, methods: tuple[str, ...]) -> pd.DataFrame:
    """Total loss (USD million) by economy over its sectors outside the target: rows the
    most affected economies (largest first), columns methods."""
    others = result[~result["is_target"]]
    wide = others.pivot_table(index="economy", columns="method", values="loss_value", aggfunc="sum")
    order = wide.max(axis=1).sort_values(ascending=False).index[:TOP]
    return wide.reindex(index=order, columns=[m for m in methods if m in wide.columns])


def _bars(ax, wide: pd.DataFrame, labels: list[str], xlabel: str, empty: str) -> None:
    """Grouped horizontal bars, one colour per method, largest loss on top."""
    ax.set_xlabel(xlabel)
    if wide.empty:
        ax.text(0.5, 0.5, empty, ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
        return
    pos = np.arange(len(wide))
    height = 0.8 / len(wide.columns)
    for k, method in enumerate(wide.columns):
        offset = (k - (len(wide.columns) - 1) / 2) * height
        ax.barh(pos + offset, wide[method].fillna(0), height, color=METHOD_COLOURS.get(method))
    ax.set_yticks(pos, labels)
    ax.invert_yaxis()
    ax.axvline(0, color="grey", lw=0.8)
    ax.grid(axis="x", alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))


def draw_figure(result: pd.DataFrame, sc: Scenario, year: int, focus: str) -> Figure:
    """The two-panel figure of one scenario-year (``result``: rows of that year only);
    ``focus``: the economy whose manufacturing sectors the left panel shows."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 6.4), gridspec_kw={"width_ratios": [1, 1]})
    sectors = focus_sectors(result, sc.methods, focus)
    labels = [sector_label(s) for s in sectors.index]
    _bars(left, sectors, labels, PCT_AXIS, f"no {focus} manufacturing sector to show")
    targeted = (result["economy"] == focus) & result["is_target"]
    left.set_title(
        f"Most affected manufacturing sectors in {economy_label(focus)}"
        + (" (target sectors left out)" if targeted.any() else ""),
        fontsize=10,
    )
    economies = economy_losses(result, sc.methods)
    names = [
        economy_label(e) + (", other sectors" if e in sc.economies else "") for e in economies.index
    ]
    _bars(right, economies, names, USD_AXIS, "no economy-sector outside the target")
    right.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    right.set_title("Total loss by economy, outside the target", fontsize=10)
    subtitle = f"scenario {sc.id}, ADB-MRIO edition {sc.edition}" + (
        f": {sc.description}" if sc.description else ""
    )
    fig.suptitle(
        chart_title(sc, year) + "\n" + textwrap.shorten(subtitle, 160, placeholder=" ..."),
        fontsize=11,
    )
    handles = [Patch(color=METHOD_COLOURS.get(m), label=method_label(m)) for m in sc.methods]
    # the legend above the foot line where save_png prints the synthetic-data warning
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.025),
        ncol=len(handles),
        frameon=False,
    )
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def scenario_chart(
    result: pd.DataFrame, path: Path, sc: Scenario, year: int, provenance: Provenance, focus: str
) -> Path:
    """Draw and save the chart of one scenario-year with its provenance."""
    fig = draw_figure(result, sc, year, focus)
    try:
        return save_png(fig, path, title=chart_title(sc, year), provenance=provenance)
    finally:
        plt.close(fig)
