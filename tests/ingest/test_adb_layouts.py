"""ADB-MRIO layouts as published: the real header and total rows, the WIOD-convention codes,
the legacy layout one row lower; and the faults in them, each refused naming the cell.

The real layout (``ADB-MRIO-2022_June2023.xlsx`` as printed in ksreyes/mrio-processing
codes/01-preprocess-mrios.ipynb; MARIO's ADB parser test fixture ``_adb_raw_frame``): row 5
names (``TOTAL`` above the total column), row 6 economies and ``ToT``, row 7 codes and a blank
above the total column; data rows with column A blank, B the name, C the economy (``ToT`` or
``TOT`` on the total rows), D the code; total rows r60, r99, r61, r62, r63, r64, trs, r69; a
footnote row below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.ingest import IngestError, read_adb_mrio
from analysis.ingest.errors import cell_name
from tests.ingest.conftest import (
    ADB_CODES,
    FOOTNOTE,
    TOTAL_ROWS,
    WIOD_CODES,
    adb_grid,
    put,
    write_adb,
)

G, N, K = 2, 35, 5
n = G * N
WIDTH = n + G * K
TOT_COL = 4 + WIDTH  # 0-based column of the total column
SCHEMES = (
    "r60, r99, r61, r62, r63, r64, trs, r69 (ADB)",
    "r60, r61, r62, r63, r64, r65, r66, r69 (WIOD convention)",
)


def refused(path, *fragments) -> IngestError:
    with pytest.raises(IngestError) as info:
        read_adb_mrio(path)
    message = str(info.value)
    assert path.name in message and "sheet 'ADB MRIO 2018'" in message, message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


def _without_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["file_sha256", "source_file"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The fixture in ADB's published layout and what the reader lands from it."""
    path = write_adb(tmp_path_factory.mktemp("real"))
    grid, table = adb_grid()
    return grid, table, read_adb_mrio(path)


# --- the layout as published -----------------------------------------------------------------


def test_the_fixture_is_the_published_layout(real):
    grid, _, _ = real
    assert grid[4][4] == "Sector c1" and grid[4][TOT_COL] == "TOTAL"  # row 5: names
    assert grid[5][4] == "PRC" and grid[5][TOT_COL] == "ToT"  # row 6: economies, ToT
    assert grid[6][4] == "c1" and grid[6][TOT_COL] is None  # row 7: codes, blank above ToT
    assert grid[7][:4] == [None, "Sector c1", "PRC", "c1"]
    totals = grid[7 + n : 7 + n + 8]
    assert [row[3] for row in totals] == ["r60", "r99", "r61", "r62", "r63", "r64", "trs", "r69"]
    assert {row[2] for row in totals} == {"ToT"}
    assert totals[6][1] == "International Transport Margins" and totals[7][1] == "TOTAL"
    assert grid[7 + n + 8][1] == FOOTNOTE  # the footnote row below r69


def test_published_layout_lands_every_number(real):
    _, table, tables = real
    flows = tables["flows"].value.to_numpy().reshape(n, WIDTH)
    # xlsxwriter stores 16 significant digits
    np.testing.assert_allclose(flows, np.hstack([table.Z, table.F]), rtol=1e-15, atol=0)
    va = tables["value_added"]
    assert list(va.row_code.iloc[::WIDTH]) == ADB_CODES[:7]
    np.testing.assert_allclose(va.value.to_numpy().reshape(7, WIDTH), table.below[:7], rtol=1e-14)
    out = tables["output"]
    np.testing.assert_allclose(out.output_row, table.total_col[:n], rtol=1e-14)
    np.testing.assert_allclose(out.output_col, table.below[7, :n], rtol=1e-14)
    # value added at basic prices (r64) and the transport margins (trs) of PRC c1
    prc_c1 = va[(va.col_economy == "PRC") & (va.col_code == "c1")].set_index("row_code").value
    assert prc_c1["r64"] == pytest.approx(table.below[5, 0], rel=1e-14)
    assert prc_c1["trs"] == pytest.approx(table.below[6, 0], rel=1e-14)


@pytest.mark.parametrize(
    ("above", "code", "column_c"),
    [
        ("TOT", None, "TOT"),  # MARIO's fixture: TOT in column C
        ("tot", None, None),  # any case; column C blank
        (None, "ToT", "ToT"),  # ToT in the code row instead
        ("ToT", "ToT", None),  # earlier gvc samples: ToT in both rows
    ],
)
def test_total_labels_in_any_accepted_place(tmp_path, real, above, code, column_c):
    def relabel(grid):
        grid[5][TOT_COL], grid[6][TOT_COL] = above, code
        for r in range(7 + n, 7 + n + 8):
            grid[r][2] = column_c

    tables = read_adb_mrio(write_adb(tmp_path, edit=relabel))
    for name in ("flows", "value_added", "output"):
        pd.testing.assert_frame_equal(_without_keys(tables[name]), _without_keys(real[2][name]))


def test_wiod_convention_codes_land_as_adb_codes(tmp_path, real):
    tables = read_adb_mrio(write_adb(tmp_path, codes=WIOD_CODES))
    va = tables["value_added"]
    assert list(va.row_code.iloc[::WIDTH]) == ADB_CODES[:7]  # r65 lands as r64, r66 as trs
    for name in ("flows", "value_added", "output"):
        pd.testing.assert_frame_equal(_without_keys(tables[name]), _without_keys(real[2][name]))


def test_legacy_layout_one_row_lower(tmp_path, real):
    grid, _ = adb_grid(legacy=True)
    assert grid[7][4] == "c1" and grid[8][3] == "c1"  # codes in row 8, data from row 9
    tables = read_adb_mrio(write_adb(tmp_path, legacy=True))
    for name in ("flows", "value_added", "output"):
        pd.testing.assert_frame_equal(_without_keys(tables[name]), _without_keys(real[2][name]))


def test_legacy_layout_errors_name_the_cells_one_row_lower(tmp_path):
    refused(write_adb(tmp_path, legacy=True, edit=lambda g: put(g, "G13", "abc")), "cell G13")
    refused(
        write_adb(tmp_path / "d", legacy=True, edit=lambda g: put(g, "D11", "c9")),
        "cell D11",
        "misplaced sector code 'c9', expected 'c3'",
    )

    def blank_economies(grid):
        grid[6] = [None] * len(grid[6])

    refused(
        write_adb(tmp_path / "e", legacy=True, edit=blank_economies),
        "row 7",
        "header row with economy codes is missing",
    )


def test_blank_row_name_falls_back_to_adb_name(tmp_path):
    def unname(grid):
        grid[7 + n + 5][1] = None  # r64
        grid[7 + n + 6][1] = "Intl. transport margins"  # trs, as some other file prints it

    va = read_adb_mrio(write_adb(tmp_path, edit=unname))["value_added"]
    labels = list(va.row_label.iloc[::WIDTH])
    assert labels[5] == "Value added at basic prices"
    assert labels[6] == "Intl. transport margins"
    assert labels[:5] == [label for _, label in TOTAL_ROWS[:5]]


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "row", "fragment"),
    [
        # VA at basic prices coded as in the WIOD convention inside an ADB sequence
        ([*ADB_CODES[:5], "r65", *ADB_CODES[6:]], 5, "row code 'r65', expected 'r64'"),
        # the schemes mixed: ADB's r99, then the WIOD convention's codes
        (["r60", "r99", *WIOD_CODES[2:]], 1, "row code 'r99', expected 'r61'"),
        # a row code in another case
        ([*WIOD_CODES[:6], "R66", "r69"], 6, "row code 'R66', expected 'r66'"),
    ],
)
def test_wrong_code_sequence_names_the_cell_and_both_schemes(tmp_path, codes, row, fragment):
    err = refused(write_adb(tmp_path, codes=codes), f"cell D{7 + n + row + 1}", fragment, *SCHEMES)
    assert err.location == f"cell D{7 + n + row + 1}"


def test_economy_in_column_c_of_a_total_row(tmp_path):
    refused(
        write_adb(tmp_path, edit=lambda g: put(g, f"C{7 + n + 3}", "PRC")),
        f"cell C{7 + n + 3}",
        "'PRC' in column C of total row 'r61'",
        "expected blank or 'ToT'",
    )


def test_misplaced_tot(tmp_path):
    x6, x7 = cell_name(5, TOT_COL), cell_name(6, TOT_COL)

    def in_names_row(grid):  # ToT in row 5 instead of row 6
        grid[4][TOT_COL], grid[5][TOT_COL] = "ToT", None

    refused(
        write_adb(tmp_path / "a", edit=in_names_row),
        f"cell {x7}",
        f"total column missing: expected 'ToT' in cell {x6} or {x7}",
    )

    def one_column_right(grid):  # a blank column before the total
        for row in grid[4:]:
            row.insert(TOT_COL, None)

    refused(write_adb(tmp_path / "b", edit=one_column_right), f"cell {x7}", "'ToT'")

    def code_above_total(grid):
        grid[6][TOT_COL] = "F1"

    refused(
        write_adb(tmp_path / "c", edit=code_above_total),
        f"cell {x7}",
        "'F1' above the column after the last final-demand column, expected 'ToT'",
    )

    def economy_above_total(grid):
        grid[5][TOT_COL] = "RoW"

    refused(write_adb(tmp_path / "d", edit=economy_above_total), f"cell {x6}", "'RoW'")

    def tot_over_the_last_f5(grid):  # ToT one column left, over RoW F5
        grid[5][TOT_COL - 1], grid[5][TOT_COL] = "ToT", None

    refused(
        write_adb(tmp_path / "e", edit=tot_over_the_last_f5),
        f"cell {cell_name(5, TOT_COL - 1)}",
        "final-demand column of economy 'ToT', expected 'RoW'",
    )


@pytest.mark.parametrize(
    ("missing", "row", "fragment"),
    [
        (6, 6, "row code 'r69', expected 'trs' (international transport margins"),
        (1, 1, "row code 'r61', expected 'r99' (taxes less subsidies on products"),
        (7, 7, "row code missing, expected 'r69' (total output"),  # the footnote comes up
    ],
)
def test_missing_total_row(tmp_path, missing, row, fragment):
    def drop(grid):
        del grid[7 + n + missing]

    refused(write_adb(tmp_path, edit=drop), f"cell D{7 + n + row + 1}", fragment, *SCHEMES)


def test_missing_total_row_in_the_wiod_convention(tmp_path):
    def drop(grid):
        del grid[7 + n + 5]  # r65

    refused(
        write_adb(tmp_path, codes=WIOD_CODES, edit=drop),
        f"cell D{7 + n + 6}",
        "row code 'r66', expected 'r65' (value added at basic prices",
    )


def test_code_row_is_searched_only_from_row_7(tmp_path):
    """A header two rows too high is not taken for the legacy layout's: row 7 is named."""

    def two_up(grid):
        del grid[4:6]

    refused(write_adb(tmp_path, edit=two_up), "cell E7", "header row with column codes")
