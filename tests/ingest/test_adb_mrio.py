"""ADB-MRIO reader: a good file lands exactly; each kind of bad file is refused by name."""

from __future__ import annotations

import numpy as np
import pytest
from python_calamine import CalamineWorkbook

from analysis.ingest import IngestError, read_adb_mrio
from analysis.reference import SECTOR_CODES
from tests.ingest.edit import edited_xlsx


@pytest.fixture(scope="module")
def good(tiny_raw):
    return tiny_raw / "adb_mrio" / "ADB-MRIO62-2008_synthetic.xlsx"


def test_good_file_lands_every_cell(good):
    tables = read_adb_mrio(good)
    flows = tables["flows"].to_pandas()
    G, N = 3, 35
    n = G * N
    assert len(flows) == n * (n + 5 * G)
    assert set(flows["year"]) == {2008} and set(flows["edition"]) == {"62"}
    assert set(flows["vintage"]) == {"synthetic"}
    assert list(dict.fromkeys(flows["row_economy"])) == ["PRC", "USA", "RoW"]
    # spot-check against the sheet: cell E8 is PRC c1 -> PRC c1, cell F9 PRC c2 -> PRC c2
    rows = CalamineWorkbook.from_path(str(good)).get_sheet_by_index(0).to_python()
    first = flows.iloc[0]
    assert (first["row_sector"], first["col_economy"], first["col_code"]) == ("c1", "PRC", "c1")
    assert first["value"] == rows[7][4]
    second_row = flows[(flows.row_economy == "PRC") & (flows.row_sector == "c2")]
    assert second_row.iloc[1]["value"] == rows[8][5]
    out = tables["output"].to_pandas()
    assert len(out) == n and list(out["sector"][:35]) == list(SECTOR_CODES)
    np.testing.assert_allclose(out["output_row"], out["output_col"], rtol=1e-9)
    va = tables["value_added"].to_pandas()
    assert sorted(set(va["row_code"])) == ["r60", "r61", "r62", "r63", "r64", "r65", "r66"]


def test_blank_cells_are_zero(good, tmp_path):
    def blank(ws):
        ws["F8"] = None

    flows = read_adb_mrio(edited_xlsx(good, tmp_path, blank))["flows"].to_pandas()
    assert flows.iloc[1]["value"] == 0.0


def _refused(path, *fragments):
    with pytest.raises(IngestError) as info:
        read_adb_mrio(path)
    message = str(info.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_text_in_numeric_cell_names_the_cell(good, tmp_path):
    def corrupt(ws):
        ws["G12"] = "abc"

    _refused(edited_xlsx(good, tmp_path, corrupt), "cell G12", "'abc' is not numeric")


def test_missing_header_row(good, tmp_path):
    def drop(ws):
        for cell in ws[7]:
            cell.value = None

    _refused(edited_xlsx(good, tmp_path, drop), "row 7", "header row with column codes is missing")


def test_unknown_sector_code_in_header(good, tmp_path):
    def rename(ws):
        ws["H7"] = "c99"

    _refused(
        edited_xlsx(good, tmp_path, rename), "cell H7", "unknown or misplaced sector code 'c99'"
    )


def test_unknown_sector_code_in_row_labels(good, tmp_path):
    def rename(ws):
        ws["D10"] = "c36"

    _refused(edited_xlsx(good, tmp_path, rename), "cell D10", "'c36'")


def test_missing_year(good, tmp_path):
    def untitle(ws):
        ws["A1"] = "ADB Multi-Regional Input-Output Table"

    _refused(edited_xlsx(good, tmp_path, untitle), "cell A1", "names no year")
    no_year = edited_xlsx(good, tmp_path, lambda ws: None, name="ADB-MRIO62_synthetic.xlsx")
    _refused(no_year, "file name", "year missing")


def test_title_year_differs_from_file_name(good, tmp_path):
    renamed = edited_xlsx(good, tmp_path, lambda ws: None, name="ADB-MRIO62-2009_synthetic.xlsx")
    _refused(renamed, "title names year 2008 but the file name says 2009")


def test_duplicated_economy(good, tmp_path):
    def duplicate(ws):
        # the third economy block's header claims to be USA again
        for col in range(4 + 70 + 1, 4 + 105 + 1):
            ws.cell(row=6, column=col).value = "USA"

    _refused(edited_xlsx(good, tmp_path, duplicate), "economy 'USA' appears twice")


def test_truncated_sheet(good, tmp_path):
    def truncate(ws):
        ws.delete_rows(ws.max_row - 3, 4)

    _refused(edited_xlsx(good, tmp_path, truncate), "truncated", "first missing row: r64")


def test_empty_files(good, tmp_path):
    empty = tmp_path / "ADB-MRIO62-2010_synthetic.xlsx"
    empty.write_bytes(b"")
    _refused(empty, "empty (0 bytes)")

    def wipe(ws):
        ws.delete_rows(1, ws.max_row)

    _refused(edited_xlsx(good, tmp_path, wipe, name="ADB-MRIO62-2011_synthetic.xlsx"), "empty")


def test_row_economy_out_of_order(good, tmp_path):
    def swap(ws):
        ws["C8"] = "USA"

    _refused(edited_xlsx(good, tmp_path, swap), "cell C8", "row economy 'USA', expected 'PRC'")


def test_accepts_uppercase_row_code(good, tmp_path):
    def upper(ws):
        for row in ws.iter_rows(min_row=6, max_row=6 + 1 + 105):
            for cell in row:
                if cell.value == "RoW":
                    cell.value = "ROW"

    flows = read_adb_mrio(edited_xlsx(good, tmp_path, upper))["flows"].to_pandas()
    assert "RoW" in set(flows["row_economy"]) and "ROW" not in set(flows["row_economy"])
