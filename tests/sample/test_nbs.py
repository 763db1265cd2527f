"""The synthetic NBS yearbook CSVs: layout, units, totals, code lists and magnitudes."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import pytest

from analysis.sample.constants import GBT2002, GBT2011, NBS_CODES, NBS_TO_ADB
from analysis.sample.nbs_writer import adb_sector, nbs_records, write_nbs_csv

SEED = 20240607
INDUSTRY_HEADER = [
    "code",
    "industry",
    "Main Business Income (100 million yuan)",
    "Net Fixed Assets (100 million yuan)",
    "Total Assets (100 million yuan)",
    "Average Employees (10000 persons)",
]
SCIENCE_HEADER = [
    "code",
    "industry",
    "R&D Internal Expenditure (10000 yuan)",
    "R&D Personnel Full-time Equivalent (person-years)",
    "Patent Applications (pieces)",
]


def _lines(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize(
    ("year", "classification"), [(2008, GBT2002), (2011, GBT2002), (2012, GBT2011)]
)
def test_layout_units_codes_and_totals(tmp_path, year, classification):
    industry, science = write_nbs_csv(tmp_path, year, SEED)
    assert (industry.name, science.name) == (f"nbs_industry_{year}.csv", f"nbs_science_{year}.csv")
    for path, header in ((industry, INDUSTRY_HEADER), (science, SCIENCE_HEADER)):
        lines = _lines(path)
        assert len(lines[0]) == 1 and str(year) in lines[0][0]
        assert "SYNTHETIC SAMPLE" in lines[0][0] and "not NBS data" in lines[0][0]
        assert lines[1] == [f"Classification: {classification}"]
        assert lines[2] == header
        rows = [r for r in lines[3:] if r and r[0]]
        notes = [r for r in rows if r[0].startswith("Note:")]
        codes = [r for r in rows if not r[0].startswith("Note:")]
        assert notes and lines[-len(notes) :] == notes  # notes last
        total = lines[3 + len(codes)]
        assert total[:2] == ["", "Total"]
        assert [(r[0], r[1]) for r in codes] == list(NBS_CODES[classification])
        assert {"06", "07", "44", "45", "46"} <= {r[0] for r in codes}
        for j in range(2, len(header)):
            column = [r[j] for r in codes]
            if "." in column[0]:
                assert all(len(v.split(".")[1]) == 2 for v in column)
                assert math.fsum(float(v) for v in column) == pytest.approx(
                    float(total[j]), abs=0.006
                )
            else:
                assert sum(int(v) for v in column) == int(total[j])


@pytest.fixture(scope="module")
def panel():
    rows = []
    for year in range(2007, 2019):
        for r in nbs_records(year, SEED):
            code = r["code"]
            classification = GBT2002 if year <= 2011 else GBT2011
            rows.append({**r, "year": year, "sector": adb_sector(classification, code)})
    frame = pd.DataFrame(rows)
    frame["rd_intensity"] = frame.rd_expenditure / 1e4 / frame.main_business_income
    frame["nfa_share"] = frame.net_fixed_assets / frame.total_assets
    return frame


def test_magnitudes(panel):
    manufacturing = panel[panel.code.between("13", "43")]
    assert manufacturing.main_business_income.between(1e3, 1.5e5).all()
    assert panel.main_business_income.between(5e2, 1.5e5).all()
    assert panel.rd_intensity.between(0.00299, 0.02001).all()  # printed values are rounded
    assert panel.nfa_share.between(0.2499, 0.4501).all()
    assert panel.avg_employees.between(10, 900).all()
    assert panel.rd_personnel_fte.between(1e3, 4e5).all()
    assert panel.patent_applications.between(100, 2e5).all()
    electronics = panel[
        ((panel.code == "40") & (panel.year <= 2011)) | (panel.code == "39") & (panel.year >= 2012)
    ]
    income = electronics.set_index("year").main_business_income
    assert 3.5e4 < income[2008] < 5.5e4 and 0.8e5 < income[2018] < 1.3e5
    # heterogeneity consistent with the ADB sector: R&D intensity of c14 above c3
    by_sector = panel.groupby("sector")[["rd_expenditure", "main_business_income"]].sum()
    intensity = by_sector.rd_expenditure / 1e4 / by_sector.main_business_income
    assert intensity["c14"] > 2 * intensity["c3"]


def test_growth_breaks_and_patents(panel):
    sectors = panel[panel.sector.isin([f"c{i}" for i in range(3, 17)])]
    levels = sectors.groupby(["sector", "year"])[
        ["main_business_income", "avg_employees", "total_assets", "patent_applications"]
    ].sum()
    growth = levels.groupby(level="sector").pct_change().dropna()
    # the 2011 size-threshold rise: a visible drop in income, employees and assets
    at_2011 = growth.xs(2011, level="year")
    assert (at_2011.avg_employees < 0).mean() > 0.8 and (
        at_2011.main_business_income < 0
    ).mean() > 0.6
    assert (at_2011.total_assets < growth.xs(2010, level="year").total_assets).all()
    # otherwise mostly growth; patents sometimes fall
    other = growth[growth.index.get_level_values("year") != 2011]
    assert (other.main_business_income > 0).mean() > 0.8
    falling = (growth.patent_applications < 0).mean()
    assert 0.02 < falling < 0.35
    # year-over-year ratios stay far from a unit mix-up (the quality gate blocks 1/5 or 5x)
    assert ((growth + 1).to_numpy() > 0.5).all() and ((growth + 1).to_numpy() < 2.0).all()


def test_concordance_covers_every_manufacturing_code():
    for classification, codes in NBS_CODES.items():
        manufacturing = [c for c, _ in codes if "13" <= c <= "43"]
        assert sorted(NBS_TO_ADB[classification]) == manufacturing
        assert {adb_sector(classification, c) for c in manufacturing} == {
            f"c{i}" for i in range(3, 17)
        }
    assert "38" not in dict(NBS_CODES[GBT2002]) and "12" not in dict(NBS_CODES[GBT2002])
    assert dict(NBS_CODES[GBT2011])["29"] == "Manufacture of Rubber and Plastics Products"


def test_synthetic_tables_match_the_default_sample(default_raw):
    lines = _lines(default_raw / "nbs" / "nbs_industry_2012.csv")
    income = {r[0]: float(r[2]) for r in lines[3:] if r and r[0].isdigit()}
    records = {r["code"]: r["main_business_income"] for r in nbs_records(2012, SEED)}
    assert income == records
    assert np.isclose(sum(income.values()), float(lines[3 + len(income)][2]), atol=0.01)
