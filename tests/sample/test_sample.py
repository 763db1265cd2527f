"""The synthetic sample: deterministic, balanced, plausible, in the published layouts."""

from __future__ import annotations

import numpy as np
import pytest
from python_calamine import CalamineWorkbook

from analysis.ingest import read_adb_mrio, read_nbs
from analysis.mrio import IOTable, gvc_indicators
from analysis.reference import MANUFACTURING, SECTOR_CODES
from analysis.sample import economies_for, write_sample
from analysis.sample.kof_writer import KOF_COLUMNS
from analysis.sample.mrio_model import sample_table

SEED = 20240607


def test_same_seed_gives_byte_identical_files(tmp_path):
    a = write_sample(tmp_path / "a", size="tiny", years=[2010, 2011])
    b = write_sample(tmp_path / "b", size="tiny", years=[2010, 2011])
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_one_year_does_not_depend_on_the_others(tmp_path):
    write_sample(tmp_path / "all", size="tiny", years=[2017, 2018, 2019])
    write_sample(tmp_path / "one", size="tiny", years=[2019])
    for rel in ["adb_mrio/ADB-MRIO62-2019_synthetic.xlsx", "nbs/nbs_industry_2019.csv"]:
        assert (tmp_path / "all" / rel).read_bytes() == (tmp_path / "one" / rel).read_bytes()


def test_layout_and_synthetic_label(tiny_raw):
    path = tiny_raw / "adb_mrio" / "ADB-MRIO62-2008_synthetic.xlsx"
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "ADB Multi-Regional Input-Output Table 2008"
    assert "SYNTHETIC" in rows[2][0]
    assert rows[5][4] == "PRC" and rows[6][4] == "c1" and rows[6][-1] == "ToT"
    assert rows[7][2:4] == ["PRC", "c1"] and isinstance(rows[7][4], float)
    assert [r[3] for r in rows[-8:]] == ["r60", "r61", "r62", "r63", "r64", "r65", "r66", "r69"]
    nbs = (tiny_raw / "nbs" / "nbs_industry_2008.csv").read_text()
    assert "SYNTHETIC SAMPLE" in nbs.splitlines()[0] and "not NBS data" in nbs


def test_tables_are_balanced_and_productive(tiny_raw):
    tables = read_adb_mrio(tiny_raw / "adb_mrio" / "ADB-MRIO62-2008_synthetic.xlsx")
    out = tables["output"]
    np.testing.assert_allclose(out["output_row"], out["output_col"], rtol=1e-12)
    flows = tables["flows"]
    inter = flows[flows["col_code"].str.startswith("c")]
    assert (inter["value"] >= 0).all()
    assert (flows[flows["col_code"].isin(["F1", "F2", "F3", "F4"])]["value"] >= 0).all()
    va = tables["value_added"]
    six = va[(va.row_code != "r60") & va.col_code.str.startswith("c")]
    va_sum = six.groupby(["col_economy", "col_code"], sort=False)["value"].sum().to_numpy()
    z_col = inter.groupby(["col_economy", "col_code"], sort=False)["value"].sum().to_numpy()
    np.testing.assert_allclose(va_sum + z_col, out["output_col"], rtol=1e-12)
    # signs that ADB's checker applies to the value-added rows
    f_cols = va.col_code.str.startswith("F")
    assert (va[(va.row_code == "r63") & f_cols]["value"] >= 0).all()
    assert (va[(va.row_code == "r64") & f_cols]["value"] <= 0).all()
    assert (va[(va.row_code == "r65") & ~f_cols]["value"] >= 0).all()


@pytest.fixture(scope="module")
def china_participation():
    economies = economies_for("default")
    rows = {}
    for year in range(2007, 2019):
        t = sample_table(economies, year, SEED)
        table = IOTable(t.Z, t.F, economies, SECTOR_CODES, year=year)
        assert table.A.sum(axis=0).max() < 1  # input-coefficient column sums < 1
        out = gvc_indicators(table)
        rows[year] = out[(out.economy == "PRC") & out.sector.isin(MANUFACTURING)]
    return rows


def test_china_manufacturing_participation_is_realistic(china_participation):
    for year, frame in china_participation.items():
        for column in ("gvcpt_f", "gvcpt_b"):
            assert frame[column].between(0.03, 0.35).all(), (year, column)
            assert 0.05 <= frame[column].mean() <= 0.30, (year, column)


def test_participation_dips_after_2008_and_drifts_after_2015(china_participation):
    mean = {y: f[["gvcpt_f", "gvcpt_b"]].to_numpy().mean() for y, f in china_participation.items()}
    assert mean[2009] < mean[2008] - 0.01
    assert mean[2018] < mean[2015] - 0.005
    electronics = china_participation[2008].set_index("sector")
    assert electronics.loc["c14", "gvcpt_b"] > electronics.loc["c3", "gvcpt_b"]


def test_nbs_magnitudes_and_classification_break(tiny_raw, tmp_path):
    write_sample(tmp_path, size="default", years=[2012])
    for path, cls in [
        (tiny_raw / "nbs" / "nbs_industry_2008.csv", "GB/T 4754-2002"),
        (tmp_path / "nbs" / "nbs_industry_2012.csv", "GB/T 4754-2011"),
    ]:
        frame = read_nbs(path)["industry_stats"]
        assert set(frame["classification"]) == {cls}
        income = frame[frame.indicator == "main_business_income"].set_index("industry_code")[
            "value"
        ]
        manufacturing = income[(income.index >= "13") & (income.index <= "43")]
        assert manufacturing.between(1e2, 2e5).all()
        assert manufacturing.max() > 1e4


def test_kof_header_matches_the_real_release(tiny_raw, shared_data):
    real = CalamineWorkbook.from_path(str(shared_data / "kof" / "KOFGI_2022_public.xlsx"))
    ours = CalamineWorkbook.from_path(str(tiny_raw / "kof" / "KOFGI_2022_public.xlsx"))
    real_header = real.get_sheet_by_index(0).to_python(nrows=1)[0]
    assert ours.sheet_names == real.sheet_names
    assert ours.get_sheet_by_index(0).to_python(nrows=1)[0] == real_header == list(KOF_COLUMNS)
