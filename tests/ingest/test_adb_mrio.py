"""ADB-MRIO reader: a good file lands exactly; each kind of bad file is refused by name."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from analysis.ingest import IngestError, excel, read_adb_mrio
from analysis.ingest.adb_mrio import infer_edition
from analysis.ingest.errors import cell_name
from analysis.ingest.schemas import SCHEMAS, to_arrow
from tests.ingest.conftest import (
    ADB_CODES,
    SECTORS,
    TOTAL_ROWS,
    XlError,
    adb_grid,
    at,
    put,
    to_strict,
    write_adb,
    write_xlsx,
)

G, N, K = 2, 35, 5
n = G * N
WIDTH = n + G * K


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    folder = tmp_path_factory.mktemp("adb")
    path = write_adb(folder, 2018)
    grid, table = adb_grid(2018)
    return path, grid, table, read_adb_mrio(path)


def refused(path, *fragments):
    with pytest.raises(IngestError) as info:
        read_adb_mrio(path)
    message = str(info.value)
    assert path.name in message, message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


# --- good files ----------------------------------------------------------------------------


def test_cell_names():
    assert cell_name(7, 4) == "E8"
    assert cell_name(11, 6) == "G12"
    assert cell_name(0, 25) == "Z1"
    assert cell_name(0, 26) == "AA1"
    assert cell_name(2204, 2524) == "CSC2205"
    assert cell_name(1048575, 16383) == "XFD1048576"


def test_schema_and_row_counts(good):
    _, _, _, tables = good
    assert set(tables) == {"flows", "value_added", "output", "files"}
    assert len(tables["flows"]) == n * (n + 5 * G) == 5600
    assert len(tables["value_added"]) == 7 * WIDTH
    assert len(tables["output"]) == n
    for name, frame in tables.items():
        schema = SCHEMAS["adb_mrio"][name]
        assert list(frame.columns) == schema.names
        assert not frame.isna().any().any()
        arrow = to_arrow("adb_mrio", name, frame)
        assert arrow.schema.equals(schema)
        assert frame["year"].dtype == np.int32
        if name != "files":
            assert frame["value" if "value" in frame else "output_row"].dtype == np.float64


def test_keys_from_file_name(good):
    _, _, _, tables = good
    for frame in tables.values():
        assert set(frame["year"]) == {2018}
        assert set(frame["edition"]) == {"1"}
        assert set(frame["vintage"]) == {"2023-06"}
        assert set(frame["source_file"]) == {"ADB-MRIO1-2018_June2023.xlsx"}
    files = tables["files"].iloc[0]
    assert (files.edition_named, files.vintage_order, files.economies) == (True, 202306, 2)
    assert not files.synthetic and files.title.startswith("ADB Multi-Regional")
    assert len(files.file_sha256) == 64


def test_flow_values_match_cells(good):
    _, grid, table, tables = good
    flows = tables["flows"]
    # long order: row economy, row sector, then the sheet's column order
    first = flows.iloc[0]
    assert (first.row_economy, first.row_sector, first.col_economy, first.col_code) == (
        "PRC",
        "c1",
        "PRC",
        "c1",
    )
    assert first.value == at(grid, "E8")
    # G12 = PRC c5 (row 12) x PRC c3 (column G)
    hit = flows[
        (flows.row_economy == "PRC")
        & (flows.row_sector == "c5")
        & (flows.col_economy == "PRC")
        & (flows.col_code == "c3")
    ]
    assert hit.value.tolist() == [at(grid, "G12")]
    # a RoW -> PRC final-demand cell: row of RoW c10, column of PRC F4
    r = 7 + 35 + 9
    c = 4 + n + 3
    hit = flows[
        (flows.row_economy == "RoW")
        & (flows.row_sector == "c10")
        & (flows.col_economy == "PRC")
        & (flows.col_code == "F4")
    ]
    assert hit.value.tolist() == [grid[r][c]] == [table.F[35 + 9, 3]]
    Z = flows.value.to_numpy().reshape(n, WIDTH)[:, :n]
    np.testing.assert_array_equal(Z, table.Z)


def test_blank_cell_is_zero(good):
    _, grid, _, tables = good
    assert at(grid, "F8") is None
    flows = tables["flows"]
    assert flows.value.iloc[1] == 0.0
    assert (flows.iloc[1].row_sector, flows.iloc[1].col_code) == ("c1", "c2")


def test_value_added_and_output(good):
    _, grid, table, tables = good
    va = tables["value_added"]
    # ADB's codes, in the order of the rows; the names as printed in column B
    assert list(va.row_code.cat.categories) == ADB_CODES[:7]
    assert list(va.row_code.iloc[::WIDTH]) == ADB_CODES[:7]
    assert list(va.row_label.iloc[::WIDTH]) == [label for _, label in TOTAL_ROWS[:7]]
    assert list(va.col_code.iloc[:WIDTH]) == SECTORS * G + ["F1", "F2", "F3", "F4", "F5"] * G
    # xlsxwriter stores 16 significant digits: sums of 3-decimal values round-trip to 1e-15
    np.testing.assert_allclose(va.value.to_numpy().reshape(7, WIDTH), table.below[:7], rtol=1e-14)
    abroad = va[(va.row_code == "r62") & (va.col_economy == "RoW") & (va.col_code == "F1")]
    assert abroad.value.tolist() == [12.5]  # direct purchases abroad by residents
    basic = va[(va.row_code == "r64") & (va.col_economy == "PRC") & (va.col_code == "c1")]
    assert basic.value.tolist() == [pytest.approx(table.below[5, 0], rel=1e-14)]
    out = tables["output"]
    assert list(out.sector[:35]) == SECTORS and list(out.economy.unique()) == ["PRC", "RoW"]
    np.testing.assert_allclose(out.output_row, table.total_col[:n], rtol=1e-14)
    np.testing.assert_allclose(out.output_col, table.below[7, :n], rtol=1e-14)
    np.testing.assert_allclose(out.output_row, out.output_col, rtol=1e-12)


def test_upper_case_row_is_normalised(tmp_path):
    def upper(grid):
        for row in grid:
            for j, v in enumerate(row):
                if v == "RoW":
                    row[j] = "ROW"

    flows = read_adb_mrio(write_adb(tmp_path, edit=upper))["flows"]
    assert set(flows.row_economy) == {"PRC", "RoW"}
    assert set(flows.col_economy) == {"PRC", "RoW"}


def test_edition_inferred_without_edition_in_name(tmp_path):
    path = write_adb(tmp_path, name="ADB-MRIO-2018_June2023.xlsx")
    tables = read_adb_mrio(path)
    assert set(tables["flows"].edition) == {"1"}
    assert set(tables["flows"].vintage) == {"2023-06"}
    assert not tables["files"].edition_named.iloc[0]
    economies = [f"E{i}" for i in range(62)]
    assert infer_edition([*economies, "RoW"]) == "62"
    assert infer_edition([*economies, *[f"F{i}" for i in range(10)], "RoW"]) == "72"
    assert infer_edition(["PRC", "USA"]) == "2"  # no rest of the world


def test_edition_contradicting_the_sheet_is_refused_with_both_numbers(tmp_path):
    path = write_adb(tmp_path, name="ADB-MRIO62-2018_June2023.xlsx")
    refused(path, "file name", "edition 62 (62 economies + RoW)", "lists 2 economies", "edition 1")


def test_undated_file_lands_with_a_visible_vintage(tmp_path):
    tables = read_adb_mrio(write_adb(tmp_path, name="ADB-MRIO-2018.xlsx"))
    assert set(tables["output"].vintage) == {"undated"}
    assert tables["files"].vintage_order.iloc[0] == 0


def test_download_suffix_keeps_the_source_file_name(tmp_path):
    name = "ADB-MRIO-2018_Dec2022 (1).xlsx"
    tables = read_adb_mrio(write_adb(tmp_path, name=name))
    assert set(tables["output"].source_file) == {name}
    assert set(tables["output"].vintage) == {"2022-12"}


def test_synthetic_label_in_the_title_block(tmp_path):
    from analysis.provenance import SYNTHETIC_MARKER

    path = write_adb(tmp_path, edit=lambda g: put(g, "A3", f"{SYNTHETIC_MARKER} (seed 1)"))
    assert read_adb_mrio(path)["files"].synthetic.iloc[0]


def test_positions_follow_adb_order_not_file_order(tmp_path):
    """A file listing USA before PRC: positions still put PRC (ADB rank 8) first."""
    tables = read_adb_mrio(write_adb(tmp_path, economies=("USA", "PRC", "RoW")))
    out = tables["output"]
    first = out[out.pos == 0].iloc[0]
    assert (first.economy, first.sector) == ("PRC", "c1")
    assert out[(out.economy == "USA") & (out.sector == "c1")].pos.iloc[0] == 35
    flows = tables["flows"]
    usa_to_prc = flows[(flows.row_economy == "USA") & (flows.col_economy == "PRC")]
    assert set(usa_to_prc.row_pos // 35) == {1} and set(
        usa_to_prc.col_pos[usa_to_prc.col_code.str.startswith("c")] // 35
    ) == {0}


@pytest.mark.parametrize("value", [1e300, -1e300])
def test_absurd_value_is_refused_naming_the_cell(tmp_path, value):
    refused(write_adb(tmp_path, edit=lambda g: put(g, "G10", value)), "cell G10", "absurd")


def test_rows_below_r69_are_ignored(tmp_path):
    def notes(grid):
        grid.append([None, "Source: ADB"] + [None] * (len(grid[0]) - 2))
        grid.append([None, None, None, "r99", "text"] + [None] * (len(grid[0]) - 5))

    assert len(read_adb_mrio(write_adb(tmp_path, edit=notes))["output"]) == n


def test_table_right_of_an_empty_column_a(tmp_path, good):
    """Column A blank throughout (the title in B1): calamine's rows then start at column B,
    and the reader puts column A back, so every cell keeps its Excel column."""

    def shift_title(grid):
        for row in grid[:3]:
            row[0], row[1] = None, row[0]

    tables = read_adb_mrio(write_adb(tmp_path, edit=shift_title))
    np.testing.assert_array_equal(tables["flows"].value, good[3]["flows"].value)
    assert tables["files"].title[0] == good[3]["files"].title[0]


@pytest.mark.parametrize("first", ["A1", "A5", "C3"])
def test_sheet_rows_are_calamines_rows_from_a1(tmp_path, first):
    grid = [[None] * 6 for _ in range(8)]
    put(grid, first, "title")
    put(grid, "D7", 1.5)
    put(grid, "F8", "x")
    path = write_xlsx(tmp_path / "rows.xlsx", grid, "S")
    _, cells = excel.open_first_sheet(path)
    assert list(excel.sheet_rows(cells)) == cells.to_python(skip_empty_area=False)


# --- bad files -----------------------------------------------------------------------------


def test_missing_economy_header_row(tmp_path):
    def drop(grid):
        grid[5] = [None] * len(grid[5])

    refused(write_adb(tmp_path, edit=drop), "sheet 'ADB MRIO 2018'", "row 6", "header row")


def test_missing_column_code_header_row(tmp_path):
    def drop(grid):
        grid[6] = [None] * len(grid[6])

    refused(write_adb(tmp_path, edit=drop), "row 7", "header row with column codes is missing")


def test_header_rows_shifted_up(tmp_path):
    def shift(grid):
        del grid[5]  # the code row moves to row 6, data to row 7

    refused(write_adb(tmp_path, edit=shift), "cell E7", "header row with column codes is missing")


def test_unknown_sector_code_in_header(tmp_path):
    err = refused(
        write_adb(tmp_path, edit=lambda g: put(g, "H7", "c99")),
        "cell H7",
        "unknown sector code 'c99'",
        "expected 'c4'",
    )
    assert err.location == "cell H7" and err.sheet == "ADB MRIO 2018"


def test_unknown_sector_code_in_row_labels(tmp_path):
    refused(
        write_adb(tmp_path, edit=lambda g: put(g, "D10", "c36")),
        "cell D10",
        "unknown sector code 'c36'",
        "expected 'c3'",
    )


def test_sectors_out_of_order(tmp_path):
    def swap(grid):
        put(grid, "E7", "c2")
        put(grid, "F7", "c1")

    refused(write_adb(tmp_path, edit=swap), "cell E7", "misplaced sector code 'c2'")


def test_final_demand_code_wrong(tmp_path):
    col = 4 + n + 7  # RoW F3
    grid, _ = adb_grid()
    name = cell_name(6, col)

    def edit(g):
        g[6][col] = "F6"

    refused(write_adb(tmp_path, edit=edit), f"cell {name}", "'F6'", "expected 'F3'")
    assert grid[6][col] == "F3"


def test_total_column_missing(tmp_path):
    def drop(grid):
        for row in grid:
            row.pop()

    refused(write_adb(tmp_path, edit=drop), f"cell {cell_name(6, 4 + WIDTH)}", "'ToT'")


def test_text_in_numeric_cell_names_the_cell(tmp_path):
    err = refused(
        write_adb(tmp_path, edit=lambda g: put(g, "G12", "abc")),
        "sheet 'ADB MRIO 2018', cell G12",
        "value 'abc' is not numeric",
    )
    assert str(err).startswith("ADB-MRIO1-2018_June2023.xlsx, sheet 'ADB MRIO 2018', cell G12: ")


def test_text_in_total_rows_and_tot_column(tmp_path):
    tot = cell_name(7 + n + 5, 4 + WIDTH)  # ToT of r64
    refused(write_adb(tmp_path, edit=lambda g: put(g, tot, "n/a")), f"cell {tot}", "'n/a'")
    refused(
        write_adb(tmp_path, edit=lambda g: put(g, cell_name(7 + n, 5), "x")),
        f"cell {cell_name(7 + n, 5)}",
        "not numeric",
    )


def test_boolean_cell_is_not_numeric(tmp_path):
    refused(write_adb(tmp_path, edit=lambda g: put(g, "J20", True)), "cell J20", "True")


@pytest.mark.parametrize("chunk", [1 << 22, 7, 64])
def test_excel_error_value_is_not_blank(tmp_path, monkeypatch, chunk):
    # python-calamine reads error cells as '': they must not land as 0
    monkeypatch.setattr(excel, "_CHUNK", chunk)

    def errors(grid):
        put(grid, "K15", XlError("#N/A"))
        put(grid, "AB30", XlError("#DIV/0!"))
        put(grid, "B2", XlError("#DIV/0!"))  # outside the data block: ignored

    path = write_adb(tmp_path, edit=errors)
    assert sorted(excel.error_cells(path, "ADB MRIO 2018")) == [(1, 1), (14, 10), (29, 27)]
    refused(path, "cell K15", "Excel error value")


def test_missing_year_in_title(tmp_path):
    def untitle(grid):
        grid[0][0] = "ADB Multi-Regional Input-Output Table"

    refused(write_adb(tmp_path, edit=untitle), "cell A1", "missing year", "names no year")


def test_missing_year_in_file_name(tmp_path):
    err = refused(
        write_adb(tmp_path, name="ADB-MRIO62_test.xlsx"),
        "file name",
        "expected '-' and a 4-digit year",
    )
    assert err.location == "file name"


def test_year_of_file_name_differs_from_title(tmp_path):
    path = write_adb(tmp_path, 2018, name="ADB-MRIO1-2019_June2023.xlsx")
    refused(path, "cell A1", "year mismatch", "title names 2018", "file name says 2019")


def test_duplicated_economy_in_header(tmp_path):
    def duplicate(grid):
        for j in range(4 + 35, 4 + 70):
            grid[5][j] = "PRC"

    refused(
        write_adb(tmp_path, edit=duplicate),
        f"cell {cell_name(5, 39)}",  # AN6
        "duplicated economy 'PRC'",
        "already starts at cell E6",
    )


def test_duplicated_economy_in_rows(tmp_path):
    def duplicate(grid):
        for r in range(7 + 35, 7 + 70):
            grid[r][2] = "PRC"

    refused(write_adb(tmp_path, edit=duplicate), "cell C43", "duplicated economy 'PRC'")


def test_row_economies_in_other_order_than_header(tmp_path):
    def swap(grid):
        for r in range(7, 7 + 70):
            grid[r][2] = "RoW" if grid[r][2] == "PRC" else "PRC"

    refused(write_adb(tmp_path, edit=swap), "cell C8", "row economy 'RoW', expected 'PRC'")


def test_three_economies_one_repeated_in_final_demand(tmp_path):
    def edit(grid):
        col = 4 + 3 * 35 + 5  # first F column of the second economy
        for j in range(col, col + 5):
            grid[5][j] = "PRC"

    path = write_adb(tmp_path, economies=("PRC", "USA", "RoW"), edit=edit)
    refused(path, f"cell {cell_name(5, 4 + 3 * 35 + 5)}", "final-demand column", "'USA'")


def test_truncated_sheet(tmp_path):
    def truncate(grid):
        del grid[-4:]  # the footnote row and r64, trs, r69

    refused(
        write_adb(tmp_path, edit=truncate),
        "truncated",
        f"row {7 + n + 5 + 1}",
        "3 row(s) missing: r64, trs, r69",
    )


def test_truncated_inside_intermediate_block(tmp_path):
    def truncate(grid):
        del grid[7 + 60 :]

    refused(write_adb(tmp_path, edit=truncate), "truncated", "RoW c26 .. r69")


@pytest.mark.parametrize("where", ["numbers", "beyond ToT"])
def test_last_row_without_labels_is_not_a_truncated_sheet(tmp_path, where):
    """A last row (no footnote below) whose labels are blank but which holds a value is
    there: its missing row code is named, not a truncated sheet, wherever its value is."""

    def unlabel(grid):
        del grid[-1]  # the footnote row
        last = grid[-1]
        last[1:4] = [None] * 3
        if where == "beyond ToT":
            last[4:] = [None] * (len(last) - 4)
            last.append(5.0)

    refused(
        write_adb(tmp_path, edit=unlabel),
        f"cell D{7 + n + 8}",
        "row code missing, expected 'r69'",
    )


def test_total_rows_out_of_order(tmp_path):
    def swap(grid):
        r = 7 + n
        grid[r + 1], grid[r + 2] = grid[r + 2], grid[r + 1]

    refused(
        write_adb(tmp_path, edit=swap),
        f"cell D{7 + n + 2}",
        "row code 'r61', expected 'r99' (taxes less subsidies on products",
    )


def test_empty_sheet(tmp_path):
    path = write_xlsx(tmp_path / "ADB-MRIO1-2018_June2023.xlsx", [], "ADB MRIO 2018")
    refused(path, "sheet 'ADB MRIO 2018'", "the sheet is empty")


def test_values_only_below_the_header_rows_are_not_an_empty_sheet(tmp_path):
    grid = [[None] * 5 for _ in range(20)]
    put(grid, "B20", "ADB Multi-Regional Input-Output Table 2018")
    path = write_xlsx(tmp_path / "ADB-MRIO1-2018_June2023.xlsx", grid, "ADB MRIO 2018")
    error = refused(path, "sheet 'ADB MRIO 2018'", "cell A1")
    assert "empty" not in str(error)


def test_zero_byte_file(tmp_path):
    path = tmp_path / "ADB-MRIO1-2018_June2023.xlsx"
    path.write_bytes(b"")
    refused(path, "the file is empty (0 bytes)")


def test_not_a_workbook(tmp_path):
    path = tmp_path / "ADB-MRIO1-2018_June2023.xlsx"
    path.write_text("code,value\n")
    refused(path, "cannot be read as an xlsx workbook")


def test_frames_are_compact(good):
    flows = good[3]["flows"]
    assert isinstance(flows.row_economy.dtype, pd.CategoricalDtype)
    # 8 bytes of value and 8 of positions a cell, the rest categorical codes
    assert flows.memory_usage(deep=True).sum() < 32 * len(flows)


# --- workbook structure: Strict Open XML, hidden and chart sheets, unreadable files -------


def _error_at_k15(grid):
    put(grid, "K15", XlError("#N/A"))


def test_strict_open_xml_error_value_is_not_blank(tmp_path):
    # Strict Open XML (purl.oclc.org namespaces): the error-cell scan must still find K15
    path = to_strict(write_adb(tmp_path, edit=_error_at_k15))
    assert b"purl.oclc.org" in zipfile.ZipFile(path).read("xl/workbook.xml")
    assert sorted(excel.error_cells(path, "ADB MRIO 2018")) == [(14, 10)]
    refused(path, "sheet 'ADB MRIO 2018'", "cell K15", "Excel error value")
    # and a Strict file without error cells lands like the transitional one
    clean = to_strict(write_adb(tmp_path / "clean"))
    assert len(read_adb_mrio(clean)["output"]) == n


def test_sheet_missing_from_workbook_xml_is_an_error(tmp_path):
    # the error-cell scan never skips silently when it cannot find the sheet's XML
    path = write_adb(tmp_path)
    with pytest.raises(IngestError) as info:
        list(excel.error_cells(path, "ADB MRIO 2017"))
    message = str(info.value)
    assert "ADB-MRIO1-2018_June2023.xlsx, sheet 'ADB MRIO 2017'" in message, message
    assert "cannot locate sheet 'ADB MRIO 2017' in the workbook XML" in message, message


def test_hidden_first_sheet_is_passed_over(tmp_path, good):
    notes = [["internal notes"], [None, "ADB Multi-Regional Input-Output Table 2011"]]
    path = write_adb(tmp_path, edit=_error_at_k15, before=[("Notes", notes, True)])
    refused(path, "sheet 'ADB MRIO 2018'", "cell K15", "Excel error value")
    clean = write_adb(tmp_path / "clean", before=[("Notes", notes, True)])
    # the same cells as the one-sheet file (the files differ, so do their hashes)
    ignore = ["file_sha256"]
    pd.testing.assert_frame_equal(
        read_adb_mrio(clean)["flows"].drop(columns=ignore), good[3]["flows"].drop(columns=ignore)
    )


def test_chart_sheet_first_error_cell_of_the_data_sheet(tmp_path):
    # the scan reads the XML of the sheet read (not the chart sheet listed first)
    path = write_adb(tmp_path, edit=_error_at_k15, before=[("Chart", None, False)])
    refused(path, "sheet 'ADB MRIO 2018'", "cell K15", "Excel error value")


def test_data_not_on_the_first_visible_sheet_lists_the_sheets(tmp_path):
    cover = [["ADB Multi-Regional Input-Output Table 2018"], ["see the next sheet"]]
    path = write_adb(tmp_path, before=[("Cover", cover, False), ("Old", [["x"]], True)])
    err = refused(
        path,
        "sheet 'Cover'",
        "header row with economy codes is missing",
        "sheets: 'Cover' (visible), 'Old' (hidden), 'ADB MRIO 2018' (visible)",
    )
    assert err.sheet == "Cover"
    empty = write_adb(tmp_path / "empty", before=[("Sheet0", [], False)])
    refused(empty, "sheet 'Sheet0'", "the sheet is empty", "'ADB MRIO 2018' (visible)")


def test_file_that_cannot_be_opened(tmp_path, monkeypatch):
    link = tmp_path / "ADB-MRIO1-2018_June2023.xlsx"
    link.symlink_to(tmp_path / "gone.xlsx")
    refused(link, "cannot be read", "No such file or directory")

    class Locked:
        @staticmethod
        def from_path(path):
            raise PermissionError(13, "Permission denied", path)

    path = write_adb(tmp_path / "locked")
    monkeypatch.setattr(excel, "CalamineWorkbook", Locked)
    refused(path, "cannot be read (Permission denied)")


# --- years in the title and the sheet name ---------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "ADB Multi-Regional Input-Output Table 2018 (released July 2019)",
        "ADB Multi-Regional Input-Output Table 2018, at current prices; 2017 edition",
        "ADB MRIO 2018 (compare 2017)",
    ],
)
def test_title_with_a_publication_year_passes(tmp_path, title):
    def retitle(grid):
        grid[0][0] = title

    assert len(read_adb_mrio(write_adb(tmp_path, edit=retitle))["output"]) == n


def test_title_naming_another_data_year_first(tmp_path):
    def released(grid):
        grid[0][0] = "ADB Multi-Regional Input-Output Table 2017 (released July 2018)"

    refused(
        write_adb(tmp_path, edit=released),
        "cell A1",
        "year mismatch: the title names 2017 but the file name says 2018",
        "2018 is named only as a publication date",
    )

    def two(grid):
        grid[0][0] = "ADB Multi-Regional Input-Output Tables 2017 and 2018"

    refused(
        write_adb(tmp_path / "two", edit=two),
        "cell A1",
        "ambiguous year",
        "names the years 2017, 2018",
        "2018 is not the first",
    )


def test_year_in_sheet_name_differs_from_file_name(tmp_path):
    refused(
        write_adb(tmp_path, sheet="ADB MRIO 2011"),
        "sheet 'ADB MRIO 2011', sheet name",
        "year mismatch: the sheet name names 2011 but the file name says 2018",
    )
    # a sheet name without a year is fine
    assert len(read_adb_mrio(write_adb(tmp_path / "plain", sheet="Table"))["output"]) == n
