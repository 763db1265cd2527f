"""KOF reader: the real 2022 release, a small fixture, and refused files."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.ingest import IngestError, read_kof
from analysis.ingest.schemas import KOF_INDEX_NAMES, SCHEMAS, to_arrow
from tests.ingest.conftest import XlError, put, write_kof, write_xlsx


def refused(path, *fragments):
    with pytest.raises(IngestError) as info:
        read_kof(path)
    message = str(info.value)
    assert path.name in message, message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


@pytest.fixture(scope="module")
def real(kof_real):
    return read_kof(kof_real)["kof_index"]


def test_real_2022_release(real):
    assert len(real) == 10_965
    assert real["code"].nunique() == 215
    assert set(real["vintage"]) == {2022}
    assert set(real["source_file"]) == {"KOFGI_2022_public.xlsx"}
    assert (real["year"].min(), real["year"].max()) == (1970, 2020)
    assert not real.duplicated(["code", "year"]).any()
    chn = real[real["code"] == "CHN"].set_index("year")["kofecgi"]
    # values are stored as float32 in the release: compare at float32 precision
    assert chn[2008] == pytest.approx(46.8956871, rel=1e-7)
    assert chn[2018] == pytest.approx(45.0916061, rel=1e-7)
    assert 1 / chn[2008] == pytest.approx(0.0213239226, rel=1e-7)


def test_real_empty_cells_are_null(real, kof_real):
    aruba_1970 = real[(real["code"] == "ABW") & (real["year"] == 1970)]
    assert len(aruba_1970) == 1
    index_columns = [c.lower() for c in KOF_INDEX_NAMES]
    assert aruba_1970[index_columns].isna().all(axis=None)
    assert real["kofecgi"].isna().sum() > 0
    arrow = to_arrow("kof", "kof_index", real)
    assert arrow.schema.equals(SCHEMAS["kof"]["kof_index"])
    assert arrow.column("kofgi").null_count == real["kofgi"].isna().sum() > 0


def test_fixture_values_and_types(tmp_path):
    frame = read_kof(write_kof(tmp_path))["kof_index"]
    assert list(frame.columns) == SCHEMAS["kof"]["kof_index"].names
    assert len(frame) == 6
    assert frame["year"].dtype == np.int32 and frame["vintage"].dtype == np.int32
    assert frame["kofecgi"].dtype == np.float64
    usa_2007 = frame[(frame.code == "USA") & (frame.year == 2007)].iloc[0]
    assert np.isnan(usa_2007["kofgi"])  # empty cell -> missing, not 0
    assert usa_2007["kofgidf"] == pytest.approx(50.125)
    assert frame.loc[0, "country"] == "China"


def test_other_vintage_from_file_name(tmp_path):
    frame = read_kof(write_kof(tmp_path, name="KOFGI_2024_public.xlsx"))["kof_index"]
    assert set(frame["vintage"]) == {2024}


def test_bad_header(tmp_path):
    err = refused(
        write_kof(tmp_path, edit=lambda g: put(g, "G1", "KOFECGI")),
        "sheet 'Sheet1', cell G1",
        "header 'KOFECGI', expected 'KOFEcGI'",
    )
    assert err.location == "cell G1"


def test_missing_header_column(tmp_path):
    def drop(grid):
        for row in grid:
            del row[-1]

    refused(write_kof(tmp_path, edit=drop), "cell AD1", "expected 'KOFPoGIdj'")


def test_extra_header_column(tmp_path):
    def extra(grid):
        for row in grid:
            row.append(None)
        grid[0][-1] = "KOFXGI"

    refused(write_kof(tmp_path, edit=extra), "cell AE1", "unexpected column 'KOFXGI'")


def test_duplicated_code_year(tmp_path):
    def duplicate(grid):
        grid[3][2] = 2008.0  # CHN 2009 -> a second CHN 2008

    refused(
        write_kof(tmp_path, edit=duplicate),
        "row 4",
        "duplicated (code, year) = (CHN, 2008)",
        "already in row 3",
    )


def test_code_not_iso3(tmp_path):
    refused(write_kof(tmp_path, edit=lambda g: put(g, "A5", "Usa")), "cell A5", "not an ISO3")


def test_year_not_integer(tmp_path):
    refused(write_kof(tmp_path, edit=lambda g: put(g, "C3", 2008.5)), "cell C3", "not an integer")
    refused(write_kof(tmp_path, edit=lambda g: put(g, "C3", "2008")), "cell C3", "not an integer")


def test_text_in_index_cell(tmp_path):
    refused(
        write_kof(tmp_path, edit=lambda g: put(g, "H6", "n.a.")), "cell H6", "'n.a.' is not numeric"
    )


def test_error_value_in_index_cell(tmp_path):
    refused(
        write_kof(tmp_path, edit=lambda g: put(g, "Z7", XlError())), "cell Z7", "Excel error value"
    )


def test_blank_rows_between_data_rows_are_skipped(tmp_path):
    def gap(grid):
        grid.insert(3, [None] * len(grid[0]))

    frame = read_kof(write_kof(tmp_path, edit=gap))["kof_index"]
    assert len(frame) == 6 and frame["kofgi"].notna().sum() == 5


def test_bad_file_name(tmp_path):
    refused(write_kof(tmp_path, name="KOFGI_public.xlsx"), "file name", "KOFGI_<vintage>")


def test_header_only_and_empty(tmp_path):
    refused(write_kof(tmp_path, edit=lambda g: g[:1]), "no data rows")
    empty = write_xlsx(tmp_path / "KOFGI_2021_public.xlsx", [], "Sheet1")
    refused(empty, "the sheet is empty")


def test_year_outside_the_plausible_range(tmp_path):
    refused(
        write_kof(tmp_path, edit=lambda g: put(g, "C3", 197.0)),
        "sheet 'Sheet1', cell C3",
        "year 197 outside 1970..2100",
    )
    refused(write_kof(tmp_path, edit=lambda g: put(g, "C6", 2108.0)), "cell C6", "year 2108")
    frame = read_kof(write_kof(tmp_path, edit=lambda g: put(g, "C2", 1970.0)))["kof_index"]
    assert frame["year"].min() == 1970


def test_hidden_first_sheet_is_passed_over(tmp_path):
    notes = [["code", "internal notes"]]
    frame = read_kof(write_kof(tmp_path, before=[("Notes", notes, True)]))["kof_index"]
    assert len(frame) == 6
    # a visible sheet first: the header error lists the sheets
    refused(
        write_kof(tmp_path / "v", before=[("Notes", notes, False)]),
        "sheet 'Notes', cell B1",
        "header 'internal notes', expected 'country'",
        "sheets: 'Notes' (visible), 'Sheet1' (visible)",
    )


def test_file_that_cannot_be_opened(tmp_path):
    link = tmp_path / "KOFGI_2022_public.xlsx"
    link.symlink_to(tmp_path / "gone.xlsx")
    refused(link, "cannot be read (No such file or directory)")
