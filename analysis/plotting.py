"""Saving figures: every PNG says where its numbers come from, visibly and in its metadata."""

from __future__ import annotations

from pathlib import Path

SYNTHETIC_NOTE = "SYNTHETIC SAMPLE DATA: not ADB, KOF or NBS statistics"


def save_png(fig, path: Path, *, title: str, synthetic: bool) -> Path:
    """Write ``fig`` to ``path`` (PNG, 120 dpi) with a footnote and metadata for synthetic data.

    The PNG ``Title`` text chunk holds ``title``; ``Source`` says "gvc-warehouse" and, for the
    bundled sample, :data:`SYNTHETIC_NOTE`, which is also printed at the foot of the figure.
    """
    if synthetic:
        fig.text(0.995, 0.005, SYNTHETIC_NOTE, ha="right", va="bottom", fontsize=7, color="red")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = "gvc-warehouse" + (f"; {SYNTHETIC_NOTE}" if synthetic else "")
    fig.savefig(path, dpi=120, metadata={"Title": title, "Source": source})
    return path
