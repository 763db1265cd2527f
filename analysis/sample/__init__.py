"""Deterministic SYNTHETIC sample in the publishers' raw layouts (``gvc sample``).

:func:`write_sample` writes ADB-MRIO xlsx files (one a year), a KOF Globalisation Index
xlsx in the layout of the 2022 release, and NBS yearbook-style CSVs into
``raw_dir/<source>/``, where ``gvc ingest`` reads real downloads. Every file says it is
synthetic (workbook properties, title rows, note lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.progress import Progress

from analysis.reference import ADB62, SECTOR_CODES
from analysis.sample.adb_writer import adb_file_name, write_adb_xlsx
from analysis.sample.kof_writer import kof_file_name, write_kof_xlsx
from analysis.sample.mrio_model import sample_table
from analysis.sample.nbs_writer import write_nbs_csv

DEFAULT_SEED = 20240607
DEFAULT_YEARS = tuple(range(2007, 2019))
SIZES: dict[str, tuple[str, ...]] = {
    "tiny": ("PRC", "USA", "RoW"),
    "default": ("GER", "PRC", "IND", "JPN", "KOR", "TAP", "USA", "VIE", "RoW"),
    "full": ADB62,
}


def economies_for(size: str) -> list[str]:
    """Economies of a sample size, in ADB-62 order (RoW last)."""
    if size not in SIZES:
        raise ValueError(f"unknown sample size {size!r}; choose one of {sorted(SIZES)}")
    return sorted(SIZES[size], key=ADB62.index)


def write_sample(
    raw_dir: Path,
    *,
    size: str = "default",
    years: Sequence[int] | None = None,
    seed: int = DEFAULT_SEED,
    progress: bool = False,
) -> list[Path]:
    """Write the sample into ``raw_dir`` and return the paths written."""
    economies = economies_for(size)
    years = sorted(set(years or DEFAULT_YEARS))
    if any(not 2000 <= y <= 2025 for y in years):
        raise ValueError(f"sample years must lie in 2000-2025, got {years}")
    dirs = {s: Path(raw_dir) / s for s in ("adb_mrio", "kof", "nbs")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    written = [write_kof_xlsx(dirs["kof"] / kof_file_name(), economies, seed)]
    prc = economies.index("PRC")
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task(f"sample ({size}, {len(economies)} economies)", total=len(years))
        for year in years:
            table = sample_table(economies, year, seed)
            written.append(write_adb_xlsx(table, dirs["adb_mrio"] / adb_file_name(year), seed))
            x = table.x[prc * len(SECTOR_CODES) : (prc + 1) * len(SECTOR_CODES)]
            written += write_nbs_csv(
                dirs["nbs"], year, dict(zip(SECTOR_CODES, x, strict=True)), seed
            )
            bar.advance(task)
    return written
