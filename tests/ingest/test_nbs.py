"""NBS reader: both classifications, unit conversion, and refused files."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.ingest import IngestError, read_nbs
from analysis.ingest.nbs import normalise_unit, parse_number
from analysis.ingest.nbs_codes import GBT_4754_2002, GBT_4754_2011, NBS_CODES, section
from analysis.ingest.schemas import SCHEMAS, to_arrow
from tests.ingest.conftest import write_nbs


def refused(path, *fragments):
    with pytest.raises(IngestError) as info:
        read_nbs(path)
    message = str(info.value)
    assert path.name in message, message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


def value(frame, code, indicator):
    hit = frame[(frame.industry_code == code) & (frame.indicator == indicator)]
    assert len(hit) == 1
    return hit.value.iloc[0]


def test_code_lists():
    c2002, c2011 = NBS_CODES[GBT_4754_2002], NBS_CODES[GBT_4754_2011]
    assert list(c2002) == [f"{i:02d}" for i in [*range(6, 12), *range(13, 38), *range(39, 47)]]
    assert list(c2011) == [f"{i:02d}" for i in range(6, 47)]
    assert c2011["36"] == "Manufacture of Automobiles" and "38" not in c2002
    assert (section("06"), section("43"), section("44")) == ("mining", "manufacturing", "utilities")


def test_industry_2002_classification(tmp_path):
    frame = read_nbs(write_nbs(tmp_path, "industry", 2010))["industry_stats"]
    assert list(frame.columns) == SCHEMAS["nbs"]["industry_stats"].names
    assert to_arrow("nbs", "industry_stats", frame).schema.equals(SCHEMAS["nbs"]["industry_stats"])
    assert len(frame) == 7 * 4
    assert frame.year.dtype == np.int32 and frame.value.dtype == np.float64
    assert set(frame.year) == {2010} and set(frame.classification) == {GBT_4754_2002}
    assert set(frame.table_name) == {"industry"}
    assert set(frame.source_file) == {"nbs_industry_2010.csv"}
    assert list(frame.industry_code.unique()) == ["06", "13", "29", "30", "37", "39", "44"]
    assert frame.industry_name.iloc[0] == "Industry 06"
    # units: 10000 yuan -> /1e4; 100 million yuan as is; yuan -> /1e8; persons -> /1e4
    assert value(frame, "06", "main_business_income") == pytest.approx(1000 / 1e4)
    assert value(frame, "06", "net_fixed_assets") == 2017.0
    assert value(frame, "29", "total_assets") == pytest.approx(9034 / 1e8)
    assert value(frame, "44", "avg_employees") == pytest.approx(28051 / 1e4)
    units = frame.drop_duplicates("indicator").set_index("indicator")
    assert units.loc["main_business_income", "unit"] == "100 million yuan"
    assert units.loc["main_business_income", "source_unit"] == "10000 yuan"
    assert units.loc["total_assets", "source_unit"] == "yuan"
    assert units.loc["avg_employees", "unit"] == "10000 persons"
    # '…' and '-' are missing values (null), not 0
    assert np.isnan(value(frame, "13", "main_business_income"))
    assert np.isnan(value(frame, "29", "net_fixed_assets"))
    assert frame.value.isna().sum() == 2


def test_science_2011_classification(tmp_path):
    frame = read_nbs(write_nbs(tmp_path, "science", 2012))["industry_stats"]
    assert len(frame) == 7 * 3
    assert set(frame.classification) == {GBT_4754_2011}
    assert set(frame.table_name) == {"science"}
    assert "38" in set(frame.industry_code) and "12" in set(frame.industry_code)
    assert value(frame, "12", "rd_expenditure") == pytest.approx(1000 / 1e4)
    assert value(frame, "12", "rd_personnel_fte") == pytest.approx(2017 / 1e4)
    assert value(frame, "12", "patent_applications") == 3034.0
    units = frame.drop_duplicates("indicator").set_index("indicator")["unit"].to_dict()
    assert units == {
        "rd_expenditure": "100 million yuan",
        "rd_personnel_fte": "10000 person-years",
        "patent_applications": "pieces",
    }
    assert set(frame.source_unit) == {"10,000 yuan", "person-years", "pieces"}


def test_number_and_unit_parsing():
    assert parse_number("1,234.5") == 1234.5
    assert parse_number(" -12 ") == -12.0
    assert [parse_number(m) for m in ("", "…", "...", "-")] == [None] * 4
    with pytest.raises(ValueError):
        parse_number("12a")
    with pytest.raises(ValueError):
        parse_number("nan")
    assert normalise_unit(" 10,000  Yuan ") == "10000 yuan"
    assert normalise_unit("100 Million yuan") == "100 million yuan"


def test_name_blank_falls_back_to_code_list(tmp_path):
    def blank_name(rows):
        rows[3][1] = ""

    frame = read_nbs(write_nbs(tmp_path, "industry", 2010, edit=blank_name))["industry_stats"]
    assert frame.industry_name.iloc[0] == "Mining and Washing of Coal"


def test_total_row_first_and_blank_lines(tmp_path):
    def move(rows):
        total = rows.pop(-2)
        rows.insert(3, total)
        rows.insert(5, [])

    assert len(read_nbs(write_nbs(tmp_path, "industry", 2010, edit=move))["industry_stats"]) == 28


# --- bad files -----------------------------------------------------------------------------


def test_unknown_code(tmp_path):
    def code_38(rows):
        rows[5][0] = "38"  # valid in GB/T 4754-2011, not in 2002

    refused(
        write_nbs(tmp_path, "industry", 2010, edit=code_38),
        "line 6, column 1",
        "unknown industry code '38' for GB/T 4754-2002",
    )


def test_code_not_two_digits(tmp_path):
    refused(
        write_nbs(tmp_path, "industry", 2010, edit=lambda r: r[3].__setitem__(0, "6")),
        "line 4, column 1",
        "'6' is not a 2-digit code",
    )


def test_duplicated_code(tmp_path):
    refused(
        write_nbs(tmp_path, "science", 2012, edit=lambda r: r[6].__setitem__(0, "13")),
        "line 7, column 1",
        "duplicated industry code '13' (already on line 5)",
    )


def test_total_mismatch(tmp_path):
    def off(rows):
        rows[-2][3] = str(float(rows[-2][3]) * 1.01)

    err = refused(
        write_nbs(tmp_path, "industry", 2010, edit=off),
        "line 11, column 4 (Net Fixed Assets (100 million yuan))",
        "total mismatch",
        "tolerance 0.5%",
    )
    assert err.location.startswith("line 11, column 4")


def test_total_within_rounding_tolerance(tmp_path):
    def rounded(rows):
        rows[-2][3] = str(float(rows[-2][3]) * 1.004)

    assert len(read_nbs(write_nbs(tmp_path, "industry", 2010, edit=rounded))["industry_stats"])


def test_missing_total_row(tmp_path):
    def drop(rows):
        del rows[-2]

    refused(write_nbs(tmp_path, "industry", 2010, edit=drop), "line 11", "no Total row")


def test_unknown_unit(tmp_path):
    def usd(rows):
        rows[2][2] = "Main Business Income (USD million)"

    refused(
        write_nbs(tmp_path, "industry", 2010, edit=usd),
        "line 3, column 3",
        "unknown unit 'USD million' for main_business_income",
        "'100 million yuan'",
    )


def test_missing_unit(tmp_path):
    def bare(rows):
        rows[2][5] = "Average Employees"

    refused(
        write_nbs(tmp_path, "industry", 2010, edit=bare),
        "line 3, column 6",
        "missing unit",
        "'10000 persons'",
    )


def test_unknown_indicator(tmp_path):
    def other(rows):
        rows[2][4] = "Total Profits (100 million yuan)"

    refused(
        write_nbs(tmp_path, "industry", 2010, edit=other),
        "line 3, column 5",
        "unknown indicator 'Total Profits (100 million yuan)'",
    )


def test_indicator_of_the_other_table(tmp_path):
    def other(rows):
        rows[2][4] = "Patent Applications (pieces)"

    refused(
        write_nbs(tmp_path, "industry", 2010, edit=other),
        "line 3, column 5",
        "belongs to nbs_science_<year>.csv",
    )


def test_text_in_numeric_cell(tmp_path):
    refused(
        write_nbs(tmp_path, "science", 2012, edit=lambda r: r[4].__setitem__(3, "n/a")),
        "line 5, column 4 (R&D Personnel Full-time Equivalent (person-years))",
        "'n/a' is not numeric",
    )


def test_year_of_title_differs_from_file_name(tmp_path):
    path = write_nbs(tmp_path, "industry", 2010, name="nbs_industry_2011.csv")
    refused(path, "line 1", "year mismatch", "file name says 2011")


def test_missing_year(tmp_path):
    def untitle(rows):
        rows[0] = ["Main Indicators of Industrial Enterprises by Industry"]

    refused(write_nbs(tmp_path, "industry", 2010, edit=untitle), "line 1", "missing year")
    refused(
        write_nbs(tmp_path, "industry", 2010, name="nbs_industry.csv"),
        "file name",
        "no year in the name",
    )


def test_bad_classification_line(tmp_path):
    def isic(rows):
        rows[1] = ["Classification: ISIC Rev.4"]

    refused(write_nbs(tmp_path, "industry", 2010, edit=isic), "line 2", "GB/T 4754-2002")


def test_bad_header_start(tmp_path):
    refused(
        write_nbs(tmp_path, "industry", 2010, edit=lambda r: r[2].__setitem__(0, "sector")),
        "line 3, column 1",
        "header must start with 'code,industry'",
    )


def test_empty_csv(tmp_path):
    empty = tmp_path / "nbs_industry_2010.csv"
    empty.write_bytes(b"")
    refused(empty, "the file is empty (0 bytes)")
    blank = tmp_path / "nbs_science_2010.csv"
    blank.write_text("\n  \n")
    refused(blank, "the file is empty")


def test_not_utf8(tmp_path):
    path = tmp_path / "nbs_industry_2010.csv"
    path.write_bytes("总计 2010\n".encode("gbk"))
    refused(path, "not UTF-8")


# --- shifted rows, notes, units, unreadable files, years ------------------------------------


def _unquote_line(path, line, old, new):
    """Rewrite one line of a written CSV (csv.writer would quote '15,820.82')."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_unquoted_thousands_separator_shifts_the_row(tmp_path):
    # line 4 (code 06) gets 15,820.82 unquoted in column 3 and a blank last cell, so its
    # extra cell is blank; with the Totals of columns 3-5 not available ('…') nothing else
    # would notice the shift
    def prepare(rows):
        rows[3][2], rows[3][5] = "15820.82", ""
        rows[-2][2:5] = ["…", "…", "…"]

    path = write_nbs(tmp_path, "industry", 2010, edit=prepare)
    _unquote_line(path, 4, "15820.82", "15,820.82")
    refused(
        path,
        "line 4, column 3",
        "the row has 7 cells but the header (line 3) has 6",
        "'15,820.82' looks like one number split by an unquoted thousands separator",
    )


def test_row_longer_than_the_header(tmp_path):
    def longer(rows):
        rows[5] += [""]

    refused(
        write_nbs(tmp_path, "industry", 2010, edit=longer),
        "line 6, column 7",
        "the row has 7 cells but the header (line 3) has 6",
        "unquoted thousands separator?",
    )


def test_header_with_trailing_blank_cells_allows_as_many_cells(tmp_path):
    # spreadsheet exports pad every line to the same width
    def pad(rows):
        for row in rows[2:-1]:
            row += ["", ""]

    assert len(read_nbs(write_nbs(tmp_path, "industry", 2010, edit=pad))["industry_stats"]) == 28


def test_total_not_available_is_not_checked(tmp_path):
    def unavailable(rows):
        rows[-2][3] = "…"
        rows[4][3] = "1"  # would break the Total check of column 4

    frame = read_nbs(write_nbs(tmp_path, "industry", 2010, edit=unavailable))["industry_stats"]
    assert value(frame, "13", "net_fixed_assets") == 1.0


def test_note_line_inside_the_table(tmp_path):
    def note(rows):
        rows.insert(6, ["Note: codes 30 and 37 revised"])

    refused(
        write_nbs(tmp_path, "industry", 2010, edit=note),
        "line 8, column 1",
        "data row after the Note line 7",
    )

    def note_before_total(rows):
        rows.insert(len(rows) - 2, ["Notes: see below"])

    refused(
        write_nbs(tmp_path / "total", "industry", 2010, edit=note_before_total),
        "line 12, column 1",
        "data row after the Note line 11",
    )


def test_several_note_lines_after_the_table(tmp_path):
    def notes(rows):
        rows += [["2. Figures for 2011", " 2012 revised"], [], ["Source: NBS"]]

    assert len(read_nbs(write_nbs(tmp_path, "industry", 2010, edit=notes))["industry_stats"])


def test_full_width_parentheses_around_the_unit(tmp_path):
    def full_width(rows):
        rows[2][3] = "Net Fixed Assets（100 million yuan）"
        rows[2][5] = "Average Employees （persons）"

    frame = read_nbs(write_nbs(tmp_path, "industry", 2010, edit=full_width))["industry_stats"]
    units = frame.drop_duplicates("indicator").set_index("indicator")["source_unit"]
    assert units["net_fixed_assets"] == "100 million yuan"
    assert units["avg_employees"] == "persons"
    assert value(frame, "44", "avg_employees") == pytest.approx(28051 / 1e4)


def test_file_that_cannot_be_read(tmp_path, monkeypatch):
    folder = tmp_path / "nbs_industry_2010.csv"
    folder.mkdir()
    refused(folder, "cannot be read (Is a directory)")

    path = write_nbs(tmp_path / "locked", "industry", 2010)
    real_read_bytes = type(path).read_bytes

    def locked(self):
        if self.name == path.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(type(path), "read_bytes", locked)
    refused(path, "cannot be read (Permission denied)")


def test_title_with_a_yearbook_or_release_year(tmp_path):
    def yearbook(rows):
        rows[0] = ["China Industry Statistical Yearbook 2011: Main Indicators by Industry (2010)"]

    frame = read_nbs(write_nbs(tmp_path, "industry", 2010, edit=yearbook))["industry_stats"]
    assert set(frame.year) == {2010}
    refused(
        write_nbs(tmp_path, "industry", 2010, edit=yearbook, name="nbs_industry_2011.csv"),
        "line 1",
        "year mismatch: the title names 2010 but the file name says 2011",
        "2011 is named only as a publication date",
    )

    def science(rows):  # the S&T yearbook's English title names its subject after "Yearbook"
        rows[0] = [
            "China Statistical Yearbook on Science and Technology 2011: R&D by Industry (2010)"
        ]

    frame = read_nbs(write_nbs(tmp_path / "s", "industry", 2010, edit=science))["industry_stats"]
    assert set(frame.year) == {2010}

    def released(rows):
        rows[0] = ["Main Indicators by Industry 2010 (released July 2011)"]

    refused(
        write_nbs(tmp_path / "r", "industry", 2010, edit=released, name="nbs_industry_2011.csv"),
        "line 1",
        "year mismatch",
    )

    def only_yearbook(rows):
        rows[0] = ["China Industry Statistical Yearbook 2010"]

    refused(
        write_nbs(tmp_path / "y", "industry", 2010, edit=only_yearbook),
        "line 1",
        "missing year",
        "names only publication dates (2010)",
    )


def test_title_naming_two_data_years(tmp_path):
    def two(rows):
        rows[0] = ["Main Indicators by Industry, 2009 and 2010"]

    refused(
        write_nbs(tmp_path, "industry", 2010, edit=two),
        "line 1",
        "ambiguous year",
        "names the years 2009, 2010",
    )
