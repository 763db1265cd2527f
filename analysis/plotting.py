"""Saving figures: every PNG says where its numbers come from, visibly and in its metadata."""

from __future__ import annotations

from pathlib import Path

from analysis.provenance import Provenance


def save_png(fig, path: Path, *, title: str, provenance: Provenance) -> Path:
    """Write ``fig`` to ``path`` (PNG, 120 dpi) with its provenance.

    The PNG ``Title`` text chunk holds ``title`` and ``Source`` holds "gvc-warehouse" and the
    provenance label (inputs and vintages). When any input is synthetic, the warning naming
    the synthetic inputs is also printed at the foot of the figure.
    """
    warning = provenance.warning()
    if warning:
        fig.text(0.995, 0.005, warning, ha="right", va="bottom", fontsize=7, color="red")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = "gvc-warehouse; " + provenance.label()
    fig.savefig(path, dpi=120, metadata={"Title": title, "Source": source})
    return path
