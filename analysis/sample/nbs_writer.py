"""Write synthetic NBS yearbook-style tables (by 2-digit industry) as CSV.

Levels follow the synthetic MRIO: main business income of the NBS codes mapped to an ADB
sector sums to that sector's gross output in yuan times a coverage ratio of "above
designated size" enterprises (lower from 2011, when the size threshold rose). The other
indicators follow sector-specific ratios with trends and noise. Data years up to 2011 use
GB/T 4754-2002 codes, later years GB/T 4754-2011 codes; units are printed in the header as
the yearbooks print them (R&D expenditure in 10,000 yuan, R&D personnel in person-years).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from analysis.reference import NBS_CODES, NBS_TO_ADB, nbs_classification

#: Average RMB per USD (PBoC annual averages, rounded).
RMB_PER_USD = {
    2007: 7.60,
    2008: 6.95,
    2009: 6.83,
    2010: 6.77,
    2011: 6.46,
    2012: 6.31,
    2013: 6.19,
    2014: 6.14,
    2015: 6.23,
    2016: 6.64,
    2017: 6.75,
    2018: 6.62,
    2019: 6.90,
    2020: 6.90,
}
RD_INTENSITY = {
    "c3": 0.004,
    "c4": 0.004,
    "c5": 0.003,
    "c6": 0.003,
    "c7": 0.005,
    "c8": 0.003,
    "c9": 0.009,
    "c10": 0.006,
    "c11": 0.005,
    "c12": 0.006,
    "c13": 0.012,
    "c14": 0.016,
    "c15": 0.013,
    "c16": 0.006,
    "c2": 0.003,
    "c17": 0.002,
}
INDUSTRY_COLUMNS = (
    ("main_business_income", "Main Business Income (100 million yuan)"),
    ("net_fixed_assets", "Net Fixed Assets (100 million yuan)"),
    ("total_assets", "Total Assets (100 million yuan)"),
    ("avg_employees", "Average Employees (10000 persons)"),
)
SCIENCE_COLUMNS = (
    ("rd_expenditure", "R&D Internal Expenditure (10000 yuan)"),
    ("rd_personnel_fte", "R&D Personnel Full-time Equivalent (person-years)"),
    ("patent_applications", "Patent Applications (pieces)"),
)


def _adb_sector(classification: str, code: str) -> str:
    if code in NBS_TO_ADB[classification]:
        return NBS_TO_ADB[classification][code]
    return "c2" if code < "13" else "c17"


def nbs_levels(year: int, sector_output_usd: dict[str, float], seed: int) -> list[dict]:
    """One record per NBS code: the seven indicators in yearbook units."""
    classification = nbs_classification(year)
    codes = NBS_CODES[classification]
    structural = np.random.default_rng([seed, 2, 2002 if year <= 2011 else 2011])
    yearly = np.random.default_rng([seed, 3, year])
    weights = structural.uniform(0.5, 2.0, len(codes))
    base_ratio = structural.uniform(0.28, 0.45, len(codes))
    base_share = structural.uniform(0.30, 0.42, len(codes))
    base_productivity = structural.uniform(55.0, 140.0, len(codes))
    totals: dict[str, float] = {}
    for k, (code, _) in enumerate(codes):
        sector = _adb_sector(classification, code)
        totals[sector] = totals.get(sector, 0.0) + weights[k]
    coverage = 0.90 if year < 2011 else 0.82
    rate = RMB_PER_USD.get(year, 6.9)
    t = year - 2008
    records = []
    for k, (code, name) in enumerate(codes):
        sector = _adb_sector(classification, code)
        share = weights[k] / totals[sector] * yearly.uniform(0.97, 1.03)
        income = sector_output_usd[sector] * rate / 100.0 * coverage * share
        rd = income * RD_INTENSITY[sector] * 1.07**t * yearly.uniform(0.85, 1.15)
        nfa = income * base_ratio[k] * 0.985**t * yearly.uniform(0.95, 1.05)
        assets = nfa / (base_share[k] * 0.99**t * yearly.uniform(0.97, 1.03))
        employees = income / (base_productivity[k] * 1.09**t * yearly.uniform(0.95, 1.05))
        fte = rd * 390.0 * 0.95**t * yearly.uniform(0.9, 1.1)
        patents = rd * 55.0 * 1.06**t * yearly.lognormal(0.0, 0.12)
        records.append(
            {
                "code": code,
                "industry": name,
                "main_business_income": round(income, 2),
                "net_fixed_assets": round(nfa, 2),
                "total_assets": round(assets, 2),
                "avg_employees": round(employees, 2),
                "rd_expenditure": round(rd * 1e4),  # 10,000 yuan
                "rd_personnel_fte": round(fte),  # person-years
                "patent_applications": max(1, round(patents)),
            }
        )
    return records


def _write_table(path: Path, title: str, year: int, columns, records, seed: int) -> Path:
    classification = nbs_classification(year)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([f"{title} ({year}) - SYNTHETIC SAMPLE"])
        w.writerow([f"Classification: {classification}"])
        w.writerow(["code", "industry", *[header for _, header in columns]])
        for rec in records:
            w.writerow([rec["code"], rec["industry"], *[rec[key] for key, _ in columns]])
        totals = []
        for key, _ in columns:
            total = sum(rec[key] for rec in records)
            totals.append(round(total, 2) if isinstance(total, float) else total)
        w.writerow(["", "Total", *totals])
        w.writerow(
            [f"Note: synthetic sample generated by gvc-warehouse (seed {seed}); not NBS data."]
        )
    return path


def write_nbs_csv(raw_dir: Path, year: int, sector_output_usd: dict[str, float], seed: int):
    """Write ``nbs_industry_<year>.csv`` and ``nbs_science_<year>.csv``; return both paths."""
    records = nbs_levels(year, sector_output_usd, seed)
    industry = _write_table(
        raw_dir / f"nbs_industry_{year}.csv",
        "Main Indicators of Industrial Enterprises above Designated Size by Industry",
        year,
        INDUSTRY_COLUMNS,
        records,
        seed,
    )
    science = _write_table(
        raw_dir / f"nbs_science_{year}.csv",
        "R&D Activities of Industrial Enterprises above Designated Size by Industry",
        year,
        SCIENCE_COLUMNS,
        records,
        seed,
    )
    return [industry, science]
