"""Write SYNTHETIC NBS yearbook-style tables by 2-digit industry as CSV (docs/raw-layouts.md).

Two tables a year, as the yearbooks print them (units in the header):

- ``nbs_industry_<year>.csv`` (China Industry Statistical Yearbook, main indicators of
  industrial enterprises above designated size): main business income, net fixed assets and
  total assets in 100 million yuan, average employees in 10000 persons;
- ``nbs_science_<year>.csv`` (China Statistical Yearbook on Science and Technology, R&D
  activities of industrial enterprises above designated size): R&D internal expenditure in
  10000 yuan, R&D personnel full-time equivalent in person-years, patent applications in
  pieces.

Layout: line 1 title with the year (and the synthetic label), line 2
``Classification: GB/T 4754-2002`` (data years up to 2011) or ``GB/T 4754-2011`` (from
2012), line 3 ``code,industry,<Indicator> (<unit>),...``, one row per 2-digit industry
(mining 06-11/12, manufacturing 13-43, utilities 44-46, codes and English names of the
classification), a ``Total`` row (blank code) equal to the sum of the printed rows, and
``Note:`` lines.

Levels: main business income of the codes mapped to an ADB sector sums to China's gross
output of that sector in the synthetic MRIO (USD -> yuan at the year's average rate) times a
coverage ratio of "above designated size" enterprises, which drops in 2011 when the size
threshold rose from 5 to 20 million yuan of income (a visible level break in income, assets,
employees and R&D). The other indicators follow code-specific ratios (R&D intensity, fixed
assets, productivity, R&D cost per person-year, patents per yuan of R&D) with trends and
noise. Only the year (and the seed) decide a year's tables: not the sample size, not the
other years.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.sample.constants import (
    GBT2002,
    GBT2011,
    NBS_CODES,
    NBS_INDUSTRY_COLUMNS,
    NBS_SCIENCE_COLUMNS,
    NBS_TO_ADB,
    SYNTHETIC,
    nbs_classification,
    nbs_file_name,
)
from analysis.sample.mrio_model import prc_output

#: Average RMB per USD (annual averages, rounded; 2025 assumed).
RMB_PER_USD: dict[int, float] = {
    2000: 8.28, 2001: 8.28, 2002: 8.28, 2003: 8.28, 2004: 8.28, 2005: 8.19, 2006: 7.97,
    2007: 7.60, 2008: 6.95, 2009: 6.83, 2010: 6.77, 2011: 6.46, 2012: 6.31, 2013: 6.19,
    2014: 6.14, 2015: 6.23, 2016: 6.64, 2017: 6.75, 2018: 6.62, 2019: 6.91, 2020: 6.90,
    2021: 6.45, 2022: 6.73, 2023: 7.08, 2024: 7.19, 2025: 7.20,
}  # fmt: skip
#: First data year with the higher size threshold (20 million yuan of main business income).
THRESHOLD_YEAR = 2011
THRESHOLD_COVERAGE = 0.86


@dataclass(frozen=True)
class Profile:
    """Ratios of an industry in 2008 (trends are applied per year)."""

    productivity: float  # main business income per employee: 100 million yuan / 10000 persons
    rd_intensity: float  # R&D internal expenditure / main business income
    nfa_share: float  # net fixed assets / total assets
    assets_ratio: float  # total assets / main business income
    patent_factor: float  # patents per yuan of R&D relative to the average
    fte_cost: float  # R&D cost per full-time equivalent relative to the average


#: ADB sector of every NBS code (mining -> c2, utilities -> c17).
def adb_sector(classification: str, code: str) -> str:
    if code in NBS_TO_ADB[classification]:
        return NBS_TO_ADB[classification][code]
    return "c2" if code < "13" else "c17"


#: Sector defaults: productivity, R&D intensity, NFA/TA, TA/income, patents, FTE cost.
SECTOR_PROFILE: dict[str, Profile] = {
    "c2": Profile(45, 0.0045, 0.42, 1.45, 0.9, 1.0),
    "c3": Profile(75, 0.0032, 0.33, 0.65, 0.9, 0.9),
    "c4": Profile(36, 0.0032, 0.32, 0.70, 0.8, 0.8),
    "c5": Profile(30, 0.0032, 0.27, 0.60, 1.0, 0.8),
    "c6": Profile(45, 0.0032, 0.34, 0.65, 0.9, 0.8),
    "c7": Profile(50, 0.0045, 0.38, 0.95, 0.9, 0.9),
    "c8": Profile(230, 0.0032, 0.36, 0.60, 0.4, 1.3),
    "c9": Profile(95, 0.0070, 0.36, 0.85, 0.8, 1.1),
    "c10": Profile(50, 0.0050, 0.33, 0.75, 1.0, 0.9),
    "c11": Profile(45, 0.0040, 0.40, 1.00, 0.8, 0.9),
    "c12": Profile(110, 0.0055, 0.33, 0.80, 0.55, 1.1),
    "c13": Profile(60, 0.0100, 0.27, 0.90, 1.25, 1.0),
    "c14": Profile(62, 0.0115, 0.26, 0.72, 1.15, 1.25),
    "c15": Profile(80, 0.0120, 0.28, 0.90, 1.05, 1.15),
    "c16": Profile(40, 0.0045, 0.30, 0.70, 1.5, 0.8),
    "c17": Profile(120, 0.0032, 0.45, 2.30, 0.7, 0.8),
}
#: Code-level differences from the sector default (field -> value).
CODE_PROFILE: dict[str, dict[str, dict[str, float]]] = {
    GBT2002: {
        "06": {"productivity": 40},
        "07": {"productivity": 110, "rd_intensity": 0.008},
        "11": {"productivity": 25},
        "16": {"productivity": 220},
        "18": {"productivity": 28},
        "19": {"productivity": 28},
        "27": {"rd_intensity": 0.017, "patent_factor": 1.1},
        "28": {"productivity": 120},
        "32": {"productivity": 140},
        "37": {"productivity": 85},
        "39": {"productivity": 75, "rd_intensity": 0.011},
        "40": {"productivity": 58, "rd_intensity": 0.0125},
        "41": {"productivity": 45, "rd_intensity": 0.015},
        "42": {"productivity": 32},
        "43": {"productivity": 130, "rd_intensity": 0.0032},
        "45": {"productivity": 90},
        "46": {"productivity": 25},
    },
    GBT2011: {
        "06": {"productivity": 40},
        "07": {"productivity": 110, "rd_intensity": 0.008},
        "11": {"productivity": 30},
        "12": {"productivity": 20},
        "16": {"productivity": 220},
        "18": {"productivity": 28},
        "19": {"productivity": 28},
        "27": {"rd_intensity": 0.017, "patent_factor": 1.1},
        "28": {"productivity": 120},
        "31": {"productivity": 140},
        "36": {"productivity": 110, "rd_intensity": 0.012},
        "37": {"productivity": 70, "rd_intensity": 0.014},
        "38": {"productivity": 75, "rd_intensity": 0.011},
        "39": {"productivity": 58, "rd_intensity": 0.0125},
        "40": {"productivity": 45, "rd_intensity": 0.015},
        "41": {"productivity": 32},
        "42": {"productivity": 90, "rd_intensity": 0.0032},
        "43": {"productivity": 50, "rd_intensity": 0.006},
        "45": {"productivity": 90},
        "46": {"productivity": 25},
    },
}
#: Size of each code within its ADB sector (relative weights; yearbook orders of magnitude).
CODE_WEIGHT: dict[str, dict[str, float]] = {
    GBT2002: {
        "06": 14600, "07": 10600, "08": 3400, "09": 2600, "10": 1700, "11": 1000,
        "13": 23900, "14": 7700, "15": 6300, "16": 4500, "17": 21400, "18": 9400,
        "19": 5900, "20": 4800, "21": 3000, "22": 7900, "23": 2800, "24": 2600,
        "25": 22600, "26": 34000, "27": 7900, "28": 3900, "29": 5000, "30": 11000,
        "31": 20900, "32": 44700, "33": 20900, "34": 13800, "35": 24700, "36": 14500,
        "37": 33400, "39": 30400, "40": 43900, "41": 5900, "42": 4300, "43": 1300,
        "44": 30300, "45": 1400, "46": 1200,
    },
    GBT2011: {
        "06": 34000, "07": 12600, "08": 8700, "09": 6400, "10": 4200, "11": 1600, "12": 1500,
        "13": 52000, "14": 15700, "15": 13500, "16": 7700, "17": 32000, "18": 17000,
        "19": 11000, "20": 10000, "21": 5700, "22": 12000, "23": 4800, "24": 11000,
        "25": 36000, "26": 67000, "27": 17000, "28": 6800, "29": 25000, "30": 45000,
        "31": 71000, "32": 44000, "33": 28000, "34": 41000, "35": 29000, "36": 57000,
        "37": 16000, "38": 53000, "39": 70000, "40": 7400, "41": 1800, "42": 3000,
        "43": 1500, "44": 54000, "45": 3000, "46": 1500,
    },
}  # fmt: skip
#: Main business income of enterprises above designated size relative to MRIO output
#: (NBS's c16 codes are much broader than ADB's c16: furniture, culture and sports articles).
COVERAGE: dict[str, float] = {"c16": 2.0, "c2": 0.85, "c17": 0.90}


def nbs_records(year: int, seed: int) -> list[dict]:
    """One record per 2-digit code of the year's classification, in yearbook units."""
    classification = nbs_classification(year)
    codes = NBS_CODES[classification]
    structural = np.random.default_rng([seed, 6, 2002 if classification == GBT2002 else 2011])
    yearly = np.random.default_rng([seed, 7, year])
    output = prc_output(year, seed)  # USD million by ADB sector
    rate = RMB_PER_USD[min(max(year, min(RMB_PER_USD)), max(RMB_PER_USD))]
    threshold = THRESHOLD_COVERAGE if year >= THRESHOLD_YEAR else 1.0
    t = year - 2008
    weight = {code: CODE_WEIGHT[classification][code] for code, _ in codes}
    weight = {c: w * yearly.uniform(0.97, 1.03) for c, w in weight.items()}
    sector_weight: dict[str, float] = {}
    for code, w in weight.items():
        s = adb_sector(classification, code)
        sector_weight[s] = sector_weight.get(s, 0.0) + w
    coverage = {s: COVERAGE.get(s, 0.92) * structural.uniform(0.97, 1.03) for s in sector_weight}

    records = []
    for code, name in codes:
        s = adb_sector(classification, code)
        p = {**SECTOR_PROFILE[s].__dict__, **CODE_PROFILE[classification].get(code, {})}
        noise = structural.uniform(0.92, 1.08, 4)
        shock = yearly.uniform(0.95, 1.05, 4)
        income = output[s] * rate / 100.0 * coverage[s] * threshold
        income *= weight[code] / sector_weight[s]
        employees = income / (p["productivity"] * noise[0] * 1.085**t * shock[0])
        rd_share = min(max(p["rd_intensity"] * noise[1] * 1.055**t * shock[1], 0.003), 0.02)
        rd = income * rd_share  # 100 million yuan
        assets = income * p["assets_ratio"] * noise[2] * 1.02**t * shock[2]
        nfa_share = min(max(p["nfa_share"] * noise[3] - 0.004 * t, 0.25), 0.45)
        fte = rd * 1e4 / (25.0 * p["fte_cost"] * 1.065**t * shock[3])  # person-years
        patents = rd * 50.0 * p["patent_factor"] * 1.02**t
        patents *= math.exp(float(np.clip(yearly.normal(0.0, 0.12), -0.25, 0.25)))
        records.append(
            {
                "code": code,
                "industry": name,
                "main_business_income": round(income, 2),
                "net_fixed_assets": round(assets * nfa_share, 2),
                "total_assets": round(assets, 2),
                "avg_employees": round(employees, 2),
                "rd_expenditure": round(rd * 1e4),  # 10000 yuan
                "rd_personnel_fte": round(fte),
                "patent_applications": round(patents),
            }
        )
    return records


def _cell(value: float | int) -> str:
    return str(value) if isinstance(value, int) else f"{value:.2f}"


def _write_table(path: Path, title: str, year: int, columns, records, seed: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([f"{title} ({year}) - {SYNTHETIC} - not NBS data"])
        w.writerow([f"Classification: {nbs_classification(year)}"])
        w.writerow(["code", "industry", *[header for _, header in columns]])
        for rec in records:
            w.writerow([rec["code"], rec["industry"], *[_cell(rec[key]) for key, _ in columns]])
        totals = []
        for key, _ in columns:
            values = [rec[key] for rec in records]
            totals.append(
                sum(values) if isinstance(values[0], int) else round(math.fsum(values), 2)
            )
        w.writerow(["", "Total", *[_cell(v) for v in totals]])
        w.writerow([f"Note: {SYNTHETIC} (seed {seed}) - not NBS data."])
        w.writerow(
            [
                "Note: enterprises above designated size: main business income of 5 million"
                " yuan and more (20 million yuan from 2011 data)."
            ]
        )
    return path


INDUSTRY_TITLE = "Main Indicators of Industrial Enterprises above Designated Size by Industry"
SCIENCE_TITLE = "R&D Activities of Industrial Enterprises above Designated Size by Industry"


def write_nbs_csv(nbs_dir: Path, year: int, seed: int) -> list[Path]:
    """Write ``nbs_industry_<year>.csv`` and ``nbs_science_<year>.csv``; return both paths."""
    records = nbs_records(year, seed)
    return [
        _write_table(
            nbs_dir / nbs_file_name("industry", year),
            INDUSTRY_TITLE,
            year,
            NBS_INDUSTRY_COLUMNS,
            records,
            seed,
        ),
        _write_table(
            nbs_dir / nbs_file_name("science", year),
            SCIENCE_TITLE,
            year,
            NBS_SCIENCE_COLUMNS,
            records,
            seed,
        ),
    ]
