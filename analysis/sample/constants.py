"""Constants of the synthetic sample: sizes, years, code lists, file names and labels.

The code lists themselves (ADB sectors c1..c35 and their names, ADB economy codes and the
ADB-62 order, NBS 2-digit codes of GB/T 4754-2002 and -2011 with their yearbook English names,
the NBS -> ADB concordance) have one source in the project, :mod:`analysis.reference`, which
also writes the dbt seeds and which the readers use; they are re-exported here so that the
sample modules import everything from one place and never keep a second copy that could drift.
``tests/sample`` checks them against the ADB economist's dictionaries in ``data/reference``.
"""

from __future__ import annotations

from datetime import datetime

from analysis.provenance import SYNTHETIC_MARKER
from analysis.reference import (
    ADB62,
    ADB_ECONOMIES,
    ADB_SECTORS,
    ADB_TOTAL_ROWS,
    FD_CODES,
    FD_NAMES,
    GBT2002,
    GBT2011,
    ISO3,
    MANUFACTURING,
    NBS_CODES,
    NBS_TO_ADB,
    ROW,
    SECTOR_CODES,
    nbs_classification,
)

__all__ = [
    "ADB62",
    "ADB_ECONOMIES",
    "ADB_SECTORS",
    "ADB_TOTAL_ROWS",
    "DEFAULT_SEED",
    "DEFAULT_YEARS",
    "ECONOMY_NAMES",
    "FD_CODES",
    "FD_NAMES",
    "FIXED_CREATED",
    "GBT2002",
    "GBT2011",
    "ISO3",
    "KOF_COLUMNS",
    "KOF_YEARS",
    "MANUFACTURING",
    "MAX_YEAR",
    "MIN_YEAR",
    "N_FD",
    "N_SECTORS",
    "NBS_CODES",
    "NBS_INDUSTRY_COLUMNS",
    "NBS_SCIENCE_COLUMNS",
    "NBS_TO_ADB",
    "ROW",
    "SECTOR_CODES",
    "SECTOR_NAMES",
    "SIZES",
    "SYNTHETIC",
    "adb_file_name",
    "kof_file_name",
    "nbs_classification",
    "nbs_file_name",
]

DEFAULT_SEED = 20240607
#: Years written when ``years`` is not given: 2007 provides lags for the 2008-2018 panel.
DEFAULT_YEARS: tuple[int, ...] = tuple(range(2007, 2019))
#: Years the generator supports (MRIO and NBS files).
MIN_YEAR, MAX_YEAR = 2000, 2025

#: Sample sizes -> economies (ADB codes). Tables list them in ADB-62 order, RoW last.
SIZES: dict[str, tuple[str, ...]] = {
    "tiny": ("PRC", "USA", ROW),
    "default": ("USA", "JPN", "KOR", "TAP", "GER", "IND", "VIE", "PRC", ROW),
    "full": ADB62,
}

N_SECTORS = len(SECTOR_CODES)  # 35
N_FD = len(FD_CODES)  # 5
SECTOR_NAMES: dict[str, str] = {code: name for code, name, _ in ADB_SECTORS}
ECONOMY_NAMES: dict[str, str] = {code: name for code, _, name, *_ in ADB_ECONOMIES}

#: Fixed workbook "created" time: no wall-clock timestamp gets into a file.
FIXED_CREATED = datetime(2024, 6, 7, 0, 0, 0)
#: The label every synthetic file carries (workbook properties, title rows, note lines);
#: the readers recognise it and land the file as synthetic.
SYNTHETIC = SYNTHETIC_MARKER

#: KOF Globalisation Index release layout (2022): code, country, year and 27 index columns.
KOF_INDICES: tuple[str, ...] = (
    "GI",
    "EcGI",
    "TrGI",
    "FiGI",
    "SoGI",
    "IpGI",
    "InGI",
    "CuGI",
    "PoGI",
)
KOF_COLUMNS: tuple[str, ...] = ("code", "country", "year") + tuple(
    f"KOF{index}{suffix}" for index in KOF_INDICES for suffix in ("", "df", "dj")
)
#: Years of the 2022 release (the whole history, whatever years the MRIO sample has).
KOF_YEARS: tuple[int, ...] = tuple(range(1970, 2021))

#: NBS yearbook tables: (indicator key, header text with the unit as the yearbooks print it).
NBS_INDUSTRY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("main_business_income", "Main Business Income (100 million yuan)"),
    ("net_fixed_assets", "Net Fixed Assets (100 million yuan)"),
    ("total_assets", "Total Assets (100 million yuan)"),
    ("avg_employees", "Average Employees (10000 persons)"),
)
NBS_SCIENCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rd_expenditure", "R&D Internal Expenditure (10000 yuan)"),
    ("rd_personnel_fte", "R&D Personnel Full-time Equivalent (person-years)"),
    ("patent_applications", "Patent Applications (pieces)"),
)


def adb_file_name(year: int) -> str:
    """``ADB-MRIO-<year>_synthetic.xlsx``: vintage ``synthetic``; no edition in the name, so
    the reader infers it from the number of economies (62 for the full size)."""
    return f"ADB-MRIO-{year}_synthetic.xlsx"


def kof_file_name(vintage: int = 2022) -> str:
    """``KOFGI_<vintage>_public.xlsx``: the reader takes the vintage from the name."""
    return f"KOFGI_{vintage}_public.xlsx"


def nbs_file_name(table: str, year: int) -> str:
    """``nbs_industry_<year>.csv`` or ``nbs_science_<year>.csv``."""
    return f"nbs_{table}_{year}.csv"
