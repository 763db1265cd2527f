"""Fixture writers for the ingest tests, independent of ``analysis.sample``.

A second, hand-written reading of docs/raw-layouts.md: if the sample generator and these
writers disagree about the layout, one of the two test suites fails. Sheets are built as
plain grids (lists of rows, ``None`` = blank cell) so a test can plant a fault at an exact
Excel cell before writing.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import xlsxwriter

SECTORS = [f"c{i}" for i in range(1, 36)]
FD = ["F1", "F2", "F3", "F4", "F5"]
#: The eight total rows as ADB's files print them: (column D code, column B name).
TOTAL_ROWS = [
    ("r60", "Intermediate input total"),
    ("r99", "Taxes less subsidies on products"),
    ("r61", "CIF / FOB adjustments"),
    ("r62", "Direct purchases abroad by residents"),
    ("r63", "Purchases on the domestic territory by non-residents"),
    ("r64", "Value added at basic prices"),
    ("trs", "International Transport Margins"),
    ("r69", "TOTAL"),
]
ADB_CODES = [code for code, _ in TOTAL_ROWS]
#: The same rows in the WIOD convention (earlier gvc samples, WIOD-derived files).
WIOD_CODES = ["r60", "r61", "r62", "r63", "r64", "r65", "r66", "r69"]
FOOTNOTE = "$ = United States dollar; cif = cost, insurance, and freight; fob = free on board."
KOF_HEADER = ["code", "country", "year"] + [
    f"KOF{i}{s}"
    for i in ("GI", "EcGI", "TrGI", "FiGI", "SoGI", "IpGI", "InGI", "CuGI", "PoGI")
    for s in ("", "df", "dj")
]
KOF_REAL = (
    Path(__file__).resolve().parents[2] / "data" / "reference" / "kof" / "KOFGI_2022_public.xlsx"
)


def excel_col(name: str) -> int:
    """0-based column index of Excel letters: 'A' -> 0, 'AN' -> 39."""
    index = 0
    for ch in name:
        index = index * 26 + ord(ch) - 64
    return index - 1


def at(grid: list[list], a1: str):
    """Grid cell by Excel name, e.g. at(grid, 'G12')."""
    letters = a1.rstrip("0123456789")
    return grid[int(a1[len(letters) :]) - 1][excel_col(letters)]


def put(grid: list[list], a1: str, value) -> None:
    letters = a1.rstrip("0123456789")
    grid[int(a1[len(letters) :]) - 1][excel_col(letters)] = value


@dataclass
class AdbTable:
    """The matrices behind an ADB grid (for expected values)."""

    economies: list[str]
    Z: np.ndarray
    F: np.ndarray
    below: np.ndarray  # the 8 total rows (r60 .. r69) under the G*N + G*5 data columns
    total_col: np.ndarray  # ToT column, n + 8 rows


def adb_table(economies: list[str], seed: int = 7) -> AdbTable:
    """A balanced table: row sums (ToT) equal total output (r69) for every sector."""
    G, N, K = len(economies), 35, 5
    n = G * N
    rng = np.random.default_rng(seed)
    Z = rng.integers(0, 20_000, (n, n)) / 1000.0
    Z[0, 1] = 0.0  # written as a blank cell (F8)
    F = rng.integers(0, 400_000, (n, G * K)) / 1000.0
    F[:, 4::5] -= 50.0  # inventories may be negative
    x = Z.sum(axis=1) + F.sum(axis=1)
    va = x - Z.sum(axis=0)
    taxes = np.round(0.08 * va, 3)  # r99
    margins = np.round(0.01 * va, 3)  # trs
    basic = va - taxes - margins  # r64: value added at basic prices
    zeros = np.zeros(n)
    fd_cols = F.shape[1]
    abroad = np.zeros(fd_cols)
    abroad[0::5] = 12.5  # r62: direct purchases abroad under F1
    non_residents = np.zeros(fd_cols)
    non_residents[0::5] = -7.25  # r63: purchases by non-residents under F1
    below_int = np.vstack([Z.sum(axis=0), taxes, zeros, zeros, zeros, basic, margins])
    below_fd = np.vstack(
        [F.sum(axis=0), np.zeros(fd_cols), np.zeros(fd_cols), abroad, non_residents]
        + [np.zeros(fd_cols)] * 2
    )
    below7 = np.hstack([below_int, below_fd])
    below = np.vstack([below7, below7.sum(axis=0)])
    data = np.hstack([Z, F])
    total_col = np.concatenate([data.sum(axis=1), below.sum(axis=1)])
    return AdbTable(list(economies), Z, F, below, total_col)


def adb_grid(
    year: int = 2018,
    economies: tuple[str, ...] | list[str] = ("PRC", "RoW"),
    seed: int = 7,
    title: str | None = None,
    *,
    codes: list[str] | None = None,
    legacy: bool = False,
) -> tuple[list[list], AdbTable]:
    """The full sheet as rows of cells (Excel row 1 = grid[0]) and its matrices.

    ADB's published layout: row 5 names (``TOTAL`` above the total column), row 6 economies
    and ``ToT``, row 7 codes (blank above the total column), data from E8; column C ``ToT``
    on the total rows, coded ``codes`` (ADB's by default); a footnote row below r69.
    ``legacy``: one more row of numeric codes above the names (everything one row lower).
    """
    economies = list(economies)
    t = adb_table(economies, seed)
    G, N, K = len(economies), 35, 5
    n = G * N
    ncols = 4 + n + G * K + 1
    grid: list[list] = [[None] * ncols for _ in range(7)]
    grid[0][0] = title if title is not None else f"ADB Multi-Regional Input-Output Table {year}"
    grid[1][0] = "in millions of US$, current prices"
    grid[2][0] = "Test fixture written by tests/ingest/conftest.py"
    grid[4][4:] = [f"Sector {s}" for _ in economies for s in SECTORS]
    grid[4][4 + n :] = [f"Final demand {f}" for _ in economies for f in FD] + ["TOTAL"]
    grid[5][4:] = [e for e in economies for _ in SECTORS] + [e for e in economies for _ in FD]
    grid[5].append("ToT")
    grid[6][4:] = SECTORS * G + FD * G + [None]
    data = np.hstack([t.Z, t.F])
    for i in range(n):
        g, s = divmod(i, N)
        cells = data[i].tolist() + [float(t.total_col[i])]
        grid.append([None, f"Sector {SECTORS[s]}", economies[g], SECTORS[s], *cells])
    for k, (code, (_, label)) in enumerate(zip(codes or ADB_CODES, TOTAL_ROWS, strict=True)):
        cells = t.below[k].tolist() + [float(t.total_col[n + k])]
        grid.append([None, label, "ToT", code, *cells])
    put(grid, "F8", None)  # Z[0, 1] == 0: a blank cell
    grid.append([None, FOOTNOTE, None, None] + [None] * (ncols - 4))
    if legacy:
        grid.insert(4, [None] * 4 + [f"{j + 1:04d}" for j in range(ncols - 4)])
    return grid, t


@dataclass(frozen=True)
class XlError:
    """An Excel error value (a formula whose cached result is e.g. ``#DIV/0!``)."""

    code: str = "#DIV/0!"


def _write_grid(ws, grid: list[list]) -> None:
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif isinstance(value, XlError):
                formula = "=NA()" if value.code == "#N/A" else "=1/0"
                ws.write_formula(r, c, formula, None, value.code)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            else:
                ws.write_number(r, c, value)


def write_xlsx(
    path: Path,
    grid: list[list],
    sheet: str = "Sheet1",
    *,
    before: Sequence[tuple[str, list[list] | None, bool]] = (),
) -> Path:
    """Write a grid (None = blank, XlError = error value) to an xlsx file with one sheet.

    ``before``: sheets written ahead of it, as (name, grid, hidden); a grid of None makes
    a chart sheet (a line chart of the data sheet's column E).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    hidden = []
    for name, extra, hide in before:
        if extra is None:
            chart_sheet = wb.add_chartsheet(name)
            chart = wb.add_chart({"type": "line"})
            chart.add_series({"values": f"='{sheet}'!$E$8:$E$20"})
            chart_sheet.set_chart(chart)
            target = chart_sheet
        else:
            target = wb.add_worksheet(name)
            _write_grid(target, extra)
        if hide:
            hidden.append(target)
    ws = wb.add_worksheet(sheet)
    _write_grid(ws, grid)
    ws.activate()  # a hidden sheet cannot be the active one
    for target in hidden:
        target.hide()
    wb.close()
    return path


_STRICT = {
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": (
        b"http://purl.oclc.org/ooxml/spreadsheetml/main"
    ),
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
}


def to_strict(path: Path) -> Path:
    """Rewrite an xlsx file as Strict Open XML (the purl.oclc.org namespaces), in place."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename.endswith((".xml", ".rels")):
                for transitional, strict in _STRICT.items():
                    data = data.replace(transitional, strict)
            archive.writestr(info, data)
    return path


def write_adb(
    folder: Path,
    year: int = 2018,
    economies: tuple[str, ...] | list[str] = ("PRC", "RoW"),
    *,
    name: str | None = None,
    edit=None,
    seed: int = 7,
    sheet: str | None = None,
    before: Sequence[tuple[str, list[list] | None, bool]] = (),
    codes: list[str] | None = None,
    legacy: bool = False,
) -> Path:
    """Write ``ADB-MRIO<G-1>-<year>_June2023.xlsx`` (or ``name``); ``edit(grid)`` may plant
    faults. The edition in the default name counts the economies besides RoW, as ADB's do.

    ``sheet`` names the data sheet (default ``ADB MRIO <year>``); ``before`` as write_xlsx;
    ``codes`` and ``legacy`` as adb_grid.
    """
    grid, _ = adb_grid(year, economies, seed, codes=codes, legacy=legacy)
    if edit is not None:
        grid = edit(grid) or grid
    return write_xlsx(
        folder / (name or f"ADB-MRIO{len(economies) - 1}-{year}_June2023.xlsx"),
        grid,
        sheet or f"ADB MRIO {year}",
        before=before,
    )


# --- NBS --------------------------------------------------------------------------------

NBS_LAYOUTS = {
    # table -> [(header, values per code), ...]
    "industry": [
        "Main Business Income (10000 yuan)",
        "Net Fixed Assets (100 million yuan)",
        "Total Assets (yuan)",
        "Average Employees (persons)",
    ],
    "science": [
        "R&D Internal Expenditure (10,000 yuan)",
        "R&D Personnel Full-time Equivalent (person-years)",
        "Patent Applications (pieces)",
    ],
}
NBS_FIXTURE_CODES = {
    "GB/T 4754-2002": ["06", "13", "29", "30", "37", "39", "44"],
    "GB/T 4754-2011": ["12", "13", "29", "36", "37", "38", "46"],
}


def nbs_rows(table: str, year: int, classification: str) -> list[list[str]]:
    """CSV rows of a small yearbook-style table (values integer, one '…' and one '-')."""
    headers = NBS_LAYOUTS[table]
    codes = NBS_FIXTURE_CODES[classification]
    title = (
        "Main Indicators of Industrial Enterprises above Designated Size by Industry"
        if table == "industry"
        else "R&D Activities of Industrial Enterprises above Designated Size by Industry"
    )
    rows: list[list[str]] = [
        [f"{title} ({year})"],
        [f"Classification: {classification}"],
        ["code", "industry", *headers],
    ]
    body = []
    for k, code in enumerate(codes):
        values = [(k + 1) * 1000 * (j + 1) + 17 * j for j in range(len(headers))]
        body.append([code, f"Industry {code}", *values])
    body[1][2] = "…"  # missing main business income / R&D expenditure of the second code
    body[2][3] = "-"
    totals = []
    for j in range(len(headers)):
        column = [row[2 + j] for row in body if not isinstance(row[2 + j], str)]
        totals.append(sum(column))
    totals[0] = f"{totals[0]:,}"  # thousands separators as printed
    rows += [[str(v) for v in row] for row in body]
    rows.append(["", "Total", *[str(v) for v in totals]])
    rows.append(["Note: test fixture, not NBS data."])
    return rows


def write_csv(path: Path, rows: list[list]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def write_nbs(folder: Path, table: str, year: int, *, edit=None, name: str | None = None):
    classification = "GB/T 4754-2002" if year <= 2011 else "GB/T 4754-2011"
    rows = nbs_rows(table, year, classification)
    if edit is not None:
        rows = edit(rows) or rows
    return write_csv(folder / (name or f"nbs_{table}_{year}.csv"), rows)


# --- KOF --------------------------------------------------------------------------------


def kof_grid() -> list[list]:
    """Header of the real release and 2 economies x 3 years; KOFGI of USA 2007 empty."""
    grid: list[list] = [list(KOF_HEADER)]
    for e, (code, country) in enumerate((("CHN", "China"), ("USA", "United States"))):
        for y, year in enumerate((2007, 2008, 2009)):
            values = [round(40 + e * 10 + y + j / 8, 4) for j in range(27)]
            grid.append([code, country, float(year), *values])
    grid[4][3] = None  # USA 2007 KOFGI missing
    return grid


def write_kof(
    folder: Path,
    *,
    edit=None,
    name: str = "KOFGI_2022_public.xlsx",
    before: Sequence[tuple[str, list[list] | None, bool]] = (),
) -> Path:
    grid = kof_grid()
    if edit is not None:
        grid = edit(grid) or grid
    return write_xlsx(folder / name, grid, "Sheet1", before=before)


def write_raw_set(raw: Path) -> Path:
    """A complete small raw directory: 2 ADB years, KOF, NBS for 2010 and 2012."""
    write_adb(raw / "adb_mrio", 2017, seed=1)
    write_adb(raw / "adb_mrio", 2018, seed=2)
    write_kof(raw / "kof")
    for year in (2010, 2012):
        for table in ("industry", "science"):
            write_nbs(raw / "nbs", table, year)
    return raw


@pytest.fixture
def raw_set(tmp_path: Path) -> Path:
    return write_raw_set(tmp_path / "raw")


@pytest.fixture(scope="session")
def kof_real() -> Path:
    return KOF_REAL
