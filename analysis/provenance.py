"""Where published numbers come from: which inputs are synthetic, which real releases.

A table, figure or report is labelled synthetic when any of its inputs (ADB-MRIO, KOF, NBS)
is the bundled synthetic sample, and says which; real inputs are named with their vintages.
``from_mart`` reads the provenance columns of ``mart_icc_ics``; other outputs build a
:class:`Provenance` from the sources they use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

#: Display names of the raw sources.
SOURCE_TITLES: dict[str, str] = {
    "adb_mrio": "ADB-MRIO",
    "kof": "KOF Globalisation Index",
    "nbs": "NBS yearbook statistics",
}
SYNTHETIC_NOTE = "SYNTHETIC SAMPLE DATA"


@dataclass(frozen=True)
class SourceProvenance:
    """One input: its source key, whether it is synthetic, and what release it is."""

    source: str
    synthetic: bool
    detail: str = ""

    @property
    def title(self) -> str:
        return SOURCE_TITLES.get(self.source, self.source)

    def describe(self) -> str:
        kind = "SYNTHETIC sample" if self.synthetic else (self.detail or "as landed")
        return f"{self.title} ({kind})"


@dataclass(frozen=True)
class Provenance:
    """The inputs behind one output, in the order given."""

    sources: tuple[SourceProvenance, ...]

    @property
    def synthetic(self) -> bool:
        return any(s.synthetic for s in self.sources)

    @property
    def synthetic_sources(self) -> list[str]:
        return [s.title for s in self.sources if s.synthetic]

    def label(self) -> str:
        """'Data: ADB-MRIO (edition 62, vintage 2022-03); KOF ... SYNTHETIC SAMPLE DATA ...'"""
        text = "Data: " + "; ".join(s.describe() for s in self.sources) + "."
        if self.synthetic:
            text += f" {self.warning()}"
        return text

    def warning(self) -> str:
        """'' for real inputs; else which inputs are the synthetic sample."""
        if not self.synthetic:
            return ""
        which = _join(self.synthetic_sources)
        return f"{SYNTHETIC_NOTE}: {which} from the bundled synthetic sample, not real statistics."


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _spans(years_by_value: Iterable[tuple[str, int]]) -> str:
    """'2022-03 (2007-2016), 2022-12 (2017-2018)' from (value, year) pairs."""
    by_value: dict[str, list[int]] = {}
    for value, year in years_by_value:
        by_value.setdefault(str(value), []).append(int(year))
    parts = []
    for value, years in sorted(by_value.items(), key=lambda kv: min(kv[1])):
        lo, hi = min(years), max(years)
        parts.append(f"{value} ({lo}-{hi})" if lo != hi else f"{value} ({lo})")
    return ", ".join(parts)


def from_mart(frame: pd.DataFrame) -> Provenance:
    """Provenance of ``mart_icc_ics`` rows from their provenance columns.

    Columns used: ``year``, ``mrio_edition``, ``mrio_vintage``, ``mrio_synthetic``,
    ``kof_vintage``, ``kof_synthetic``, ``nbs_classification``, ``nbs_synthetic``.
    """
    if frame.empty:
        return Provenance(())
    editions = ", ".join(sorted(frame["mrio_edition"].astype(str).unique()))
    mrio = SourceProvenance(
        "adb_mrio",
        bool(frame["mrio_synthetic"].any()),
        f"edition {editions}, vintage "
        + _spans(zip(frame["mrio_vintage"], frame["year"], strict=True)),
    )
    kof = SourceProvenance(
        "kof",
        bool(frame["kof_synthetic"].any()),
        "release " + ", ".join(sorted(frame["kof_vintage"].astype(str).unique())),
    )
    nbs = SourceProvenance(
        "nbs",
        bool(frame["nbs_synthetic"].any()),
        _spans(zip(frame["nbs_classification"], frame["year"], strict=True)),
    )
    return Provenance((mrio, kof, nbs))
