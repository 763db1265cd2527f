"""A raw folder of real data: WIOD 2007-2011 in the ADB-MRIO layout under ADB-style names,
the real KOF 2022 release, and sample NBS tables (no public NBS file exists)."""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.sample import write_sample
from analysis.sample.wiod import write_wiod_as_adb

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
#: ADB-style names as downloaded, one variant per year (WIOD's release: November 2013).
NAMES = {
    2007: "ADB-MRIO40-2007_Nov2013.xlsx",
    2008: "ADB-MRIO-2008_November_2013.xlsx",
    2009: "ADB-MRIO40-2009-Nov2013 (1).xlsx",
    2010: "ADB-MRIO-2010_Nov2013__1_.xlsx",
    2011: "ADB-MRIO40-2011_Nov2013-2.xlsx",
}


def write_real_raw(raw: Path) -> Path:
    """Fill ``raw`` (adb_mrio, kof, nbs) and return it."""
    (raw / "adb_mrio").mkdir(parents=True)
    for year, name in NAMES.items():
        csv = REFERENCE / "wiod2013" / f"wiot_{year}_41x35.csv.gz"
        write_wiod_as_adb(csv, raw / "adb_mrio" / name, year)
    (raw / "kof").mkdir()
    shutil.copy(REFERENCE / "kof" / "KOFGI_2022_public.xlsx", raw / "kof")
    sample = raw.parent / "nbs_sample"
    write_sample(sample, size="tiny", years=list(NAMES))
    shutil.copytree(sample / "nbs", raw / "nbs")
    shutil.rmtree(sample)
    return raw
