"""NBS reader: units converted to canonical units; bad headers, codes and totals refused."""

from __future__ import annotations

import shutil

import pytest

from analysis.ingest import IngestError, read_nbs


def _copy(src, tmp_path, transform):
    dst = tmp_path / src.name
    dst.write_text(transform(src.read_text(encoding="utf-8")), encoding="utf-8")
    return dst


def test_industry_table_in_canonical_units(tiny_raw):
    frame = read_nbs(tiny_raw / "nbs" / "nbs_industry_2008.csv")["industry_stats"].to_pandas()
    assert set(frame["classification"]) == {"GB/T 4754-2002"}
    assert set(frame["indicator"]) == {
        "main_business_income",
        "net_fixed_assets",
        "total_assets",
        "avg_employees",
    }
    assert set(frame["unit"]) == {"100 million yuan", "10000 persons"}
    assert "29" in set(frame["industry_code"]) and "30" in set(frame["industry_code"])


def test_science_table_converts_units(tiny_raw):
    path = (
        tiny_raw / "nbs" / "nbs_science_2012.csv"
        if (tiny_raw / "nbs" / "nbs_science_2012.csv").exists()
        else tiny_raw / "nbs" / "nbs_science_2008.csv"
    )
    frame = read_nbs(path)["industry_stats"].to_pandas()
    rd = frame[frame["indicator"] == "rd_expenditure"]
    assert set(rd["source_unit"]) == {"10000 yuan"} and set(rd["unit"]) == {"100 million yuan"}
    raw_line = next(line for line in path.read_text().splitlines() if line.startswith("39,"))
    printed = float(raw_line.split(",")[-3])
    assert rd[rd["industry_code"] == "39"]["value"].iloc[0] == pytest.approx(printed * 1e-4)


def test_same_data_in_other_units_gives_same_values(tiny_raw, tmp_path):
    src = tiny_raw / "nbs" / "nbs_industry_2008.csv"
    base = read_nbs(src)["industry_stats"].to_pandas()

    def to_persons(text):
        lines = text.splitlines()
        lines[2] = lines[2].replace("(10000 persons)", "(persons)")
        out = lines[:3]
        for line in lines[3:]:
            cells = line.split(",")
            if len(cells) >= 6 and cells[-1] and not line.startswith("Note"):
                cells[-1] = str(round(float(cells[-1]) * 1e4, 6))
            out.append(",".join(cells))
        return "\n".join(out) + "\n"

    other = read_nbs(_copy(src, tmp_path, to_persons))["industry_stats"].to_pandas()
    assert other["value"].to_numpy() == pytest.approx(base["value"].to_numpy(), rel=1e-9)


def test_unknown_unit_is_refused(tiny_raw, tmp_path):
    src = tiny_raw / "nbs" / "nbs_industry_2008.csv"
    bad = _copy(src, tmp_path, lambda t: t.replace("(100 million yuan)", "(million USD)", 1))
    with pytest.raises(
        IngestError, match=r"nbs_industry_2008.csv, line 3, column 3: unknown unit 'million USD'"
    ):
        read_nbs(bad)


def test_missing_unit_is_refused(tiny_raw, tmp_path):
    src = tiny_raw / "nbs" / "nbs_industry_2008.csv"
    bad = _copy(
        src, tmp_path, lambda t: t.replace("Total Assets (100 million yuan)", "Total Assets", 1)
    )
    with pytest.raises(IngestError, match=r"line 3, column 5: 'Total Assets' states no unit"):
        read_nbs(bad)


def test_unknown_code_is_refused(tiny_raw, tmp_path):
    src = tiny_raw / "nbs" / "nbs_industry_2008.csv"
    bad = _copy(src, tmp_path, lambda t: t.replace("\n38,", "\n98,").replace("\n17,", "\n97,", 1))
    with pytest.raises(IngestError, match=r"unknown industry code '97' for GB/T 4754-2002"):
        read_nbs(bad)


def test_total_mismatch_is_refused(tiny_raw, tmp_path):
    src = tiny_raw / "nbs" / "nbs_industry_2008.csv"

    def inflate(text):
        lines = text.splitlines()
        i = next(k for k, line in enumerate(lines) if line.startswith("17,"))
        cells = lines[i].split(",")
        cells[2] = str(float(cells[2]) * 50)
        lines[i] = ",".join(cells)
        return "\n".join(lines) + "\n"

    with pytest.raises(IngestError, match=r"Total row, column 3: total .* differs from the sum"):
        read_nbs(_copy(src, tmp_path, inflate))


def test_empty_and_misnamed_files(tmp_path, tiny_raw):
    empty = tmp_path / "nbs_industry_2009.csv"
    empty.write_text("")
    with pytest.raises(IngestError, match="nbs_industry_2009.csv: the file is empty"):
        read_nbs(empty)
    wrong_year = tmp_path / "nbs_industry_2009.csv"
    shutil.copy(tiny_raw / "nbs" / "nbs_industry_2008.csv", wrong_year)
    with pytest.raises(
        IngestError, match="line 1: title names year 2008 but the file name says 2009"
    ):
        read_nbs(wrong_year)
