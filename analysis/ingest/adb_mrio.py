"""Reader for ADB-MRIO tables in ADB's published Excel layout (docs/raw-layouts.md).

Data block from Excel row 8, column E (as ADB's own checker ``ksreyes/mrio`` R/check.R reads
it); economy codes in row 6, column codes in row 7; labels in columns A-D; G*N intermediate
rows, then r60..r66 and r69. Lands three long tables: ``flows``, ``value_added``, ``output``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from analysis.ingest.errors import cell_name, fail
from analysis.ingest.excel import numeric_block, read_first_sheet
from analysis.reference import ADB_TOTAL_ROWS, FD_CODES, ROW, SECTOR_CODES

FILE_PATTERN = re.compile(
    r"^ADB-MRIO(?P<edition>\d{2})?-(?P<year>\d{4})_(?P<vintage>[^.]+)\.xlsx$", re.IGNORECASE
)
HEADER_ROW, CODE_ROW, DATA_ROW, DATA_COL = 5, 6, 7, 4  # 0-based: Excel rows 6, 7, 8; column E
ECONOMY_COL, CODE_COL = 2, 3  # columns C and D
N, K = len(SECTOR_CODES), len(FD_CODES)
EDITIONS = {63: "62", 73: "72"}


@dataclass(frozen=True)
class AdbFileInfo:
    year: int
    edition: str | None
    vintage: str


def parse_file_name(path: Path) -> AdbFileInfo:
    match = FILE_PATTERN.match(path.name)
    if not match:
        raise fail(
            path,
            "file name",
            "does not follow ADB-MRIO<edition>-<year>_<vintage>.xlsx (year missing?)",
        )
    return AdbFileInfo(int(match["year"]), match["edition"], match["vintage"])


def _economy(code: object) -> str:
    text = str(code).strip()
    return ROW if text.upper() == "ROW" else text


def _dictionary(indices: np.ndarray, labels: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(labels))


def read_adb_mrio(path: Path) -> dict[str, pa.Table]:
    """Read, validate and reshape one ADB-MRIO file into the landing tables."""
    path = Path(path)
    info = parse_file_name(path)
    sheet, rows = read_first_sheet(path)
    where = f"sheet '{sheet}'"

    title = " ".join(str(v) for v in rows[0] if v != "")
    years = re.findall(r"\b(?:19|20)\d{2}\b", title)
    if not years:
        raise fail(path, f"{where}, cell A1", f"title {title!r} names no year")
    if int(years[0]) != info.year:
        raise fail(
            path,
            f"{where}, cell A1",
            f"title names year {years[0]} but the file name says {info.year}",
        )

    for r, what in ((HEADER_ROW, "economy codes"), (CODE_ROW, "column codes")):
        if len(rows) <= r or all(v == "" for v in rows[r][DATA_COL:]):
            raise fail(path, f"{where}, row {r + 1}", f"header row with {what} is missing")
    head_eco = [_economy(v) for v in rows[HEADER_ROW][DATA_COL:]]
    head_code = [str(v).strip() for v in rows[CODE_ROW][DATA_COL:]]
    while head_code and head_code[-1] == "":
        head_code.pop()
    head_eco = head_eco[: len(head_code)]

    # intermediate-use columns: economy blocks of c1..c35
    n_int = 0
    while n_int < len(head_code) and re.fullmatch(r"c\d+", head_code[n_int]):
        n_int += 1
    economies: list[str] = []
    for j in range(n_int):
        g, s = divmod(j, N)
        cell = f"{where}, cell {cell_name(CODE_ROW, DATA_COL + j)}"
        if head_code[j] != SECTOR_CODES[s]:
            raise fail(
                path,
                cell,
                f"unknown or misplaced sector code {head_code[j]!r}; "
                f"expected {SECTOR_CODES[s]} (35 sectors c1..c35 per economy, in order)",
            )
        if s == 0:
            if head_eco[j] in economies:
                raise fail(
                    path,
                    f"{where}, cell {cell_name(HEADER_ROW, DATA_COL + j)}",
                    f"economy {head_eco[j]!r} appears twice in the header",
                )
            economies.append(head_eco[j])
        elif head_eco[j] != economies[g]:
            raise fail(
                path,
                f"{where}, cell {cell_name(HEADER_ROW, DATA_COL + j)}",
                f"economy {head_eco[j]!r} inside the block of {economies[g]!r}",
            )
    if n_int == 0 or n_int % N:
        raise fail(
            path,
            f"{where}, row {CODE_ROW + 1}",
            f"{n_int} intermediate-use columns is not a multiple of {N} sectors",
        )
    G = len(economies)
    n = G * N
    expected = [f for _ in range(G) for f in FD_CODES] + ["ToT"]
    for j, code in enumerate(expected):
        col = n + j
        got = head_code[col] if col < len(head_code) else ""
        if got != code:
            raise fail(
                path,
                f"{where}, cell {cell_name(CODE_ROW, DATA_COL + col)}",
                f"column code {got!r}, expected {code!r} (F1..F5 per economy, then ToT)",
            )
        if code != "ToT" and head_eco[col] != economies[j // K]:
            raise fail(
                path,
                f"{where}, cell {cell_name(HEADER_ROW, DATA_COL + col)}",
                f"final-demand column of {head_eco[col]!r}, expected {economies[j // K]!r}",
            )
    width = n + G * K

    # row labels: the intermediate rows, then the eight total rows
    needed = DATA_ROW + n + len(ADB_TOTAL_ROWS)
    for i in range(n + len(ADB_TOTAL_ROWS)):
        r = DATA_ROW + i
        if r >= len(rows):
            missing = (
                f"{economies[i // N]} {SECTOR_CODES[i % N]}" if i < n else ADB_TOTAL_ROWS[i - n][0]
            )
            raise fail(
                path,
                where,
                f"the sheet is truncated: it ends at row {len(rows)} but "
                f"{needed} rows are needed (first missing row: {missing})",
            )
        label_eco, label_code = _economy(rows[r][ECONOMY_COL]), str(rows[r][CODE_COL]).strip()
        if i < n:
            g, s = divmod(i, N)
            if label_eco != economies[g]:
                raise fail(
                    path,
                    f"{where}, cell {cell_name(r, ECONOMY_COL)}",
                    f"row economy {label_eco!r}, expected {economies[g]!r} "
                    "(rows must list the header's economies in the same order)",
                )
            if label_code != SECTOR_CODES[s]:
                raise fail(
                    path,
                    f"{where}, cell {cell_name(r, CODE_COL)}",
                    f"unknown or misplaced sector code {label_code!r}, expected {SECTOR_CODES[s]}",
                )
        elif label_code != ADB_TOTAL_ROWS[i - n][0]:
            raise fail(
                path,
                f"{where}, cell {cell_name(r, CODE_COL)}",
                f"row code {label_code!r}, expected {ADB_TOTAL_ROWS[i - n][0]} "
                f"({ADB_TOTAL_ROWS[i - n][1]})",
            )

    values = numeric_block(
        path, sheet, rows, DATA_ROW, DATA_COL, n + len(ADB_TOTAL_ROWS), width + 1
    )
    edition = info.edition or EDITIONS.get(G, "custom")
    return _landing_tables(values, economies, info, edition, path.name)


def _landing_tables(values, economies, info, edition, source) -> dict[str, pa.Table]:
    G = len(economies)
    n = G * N
    width = n + G * K
    col_labels = list(SECTOR_CODES) + list(FD_CODES)
    col_eco = np.concatenate([np.repeat(np.arange(G), N), np.repeat(np.arange(G), K)])
    col_code = np.concatenate([np.tile(np.arange(N), G), N + np.tile(np.arange(K), G)])

    def const(value, length, kind):
        return (
            pa.array(np.full(length, value), kind)
            if kind != pa.string()
            else pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(length, np.int32)), pa.array([value])
            )
        )

    def keys(length):
        return {
            "year": const(info.year, length, pa.int32()),
            "edition": const(edition, length, pa.string()),
            "vintage": const(info.vintage, length, pa.string()),
            "source_file": const(source, length, pa.string()),
        }

    cells = n * width
    flows = pa.table(
        {
            **keys(cells),
            "row_economy": _dictionary(np.repeat(np.arange(G), N).repeat(width), economies),
            "row_sector": _dictionary(np.tile(np.arange(N), G).repeat(width), list(SECTOR_CODES)),
            "col_economy": _dictionary(np.tile(col_eco, n), economies),
            "col_code": _dictionary(np.tile(col_code, n), col_labels),
            "value": pa.array(values[:n, :width].ravel()),
        }
    )
    va_codes = [code for code, _ in ADB_TOTAL_ROWS[:-1]]
    va_labels = [label for _, label in ADB_TOTAL_ROWS[:-1]]
    m = len(va_codes) * width
    value_added = pa.table(
        {
            **keys(m),
            "row_code": _dictionary(np.arange(len(va_codes)).repeat(width), va_codes),
            "row_label": _dictionary(np.arange(len(va_codes)).repeat(width), va_labels),
            "col_economy": _dictionary(np.tile(col_eco, len(va_codes)), economies),
            "col_code": _dictionary(np.tile(col_code, len(va_codes)), col_labels),
            "value": pa.array(values[n : n + len(va_codes), :width].ravel()),
        }
    )
    output = pa.table(
        {
            **keys(n),
            "economy": _dictionary(np.repeat(np.arange(G), N), economies),
            "sector": _dictionary(np.tile(np.arange(N), G), list(SECTOR_CODES)),
            "output_row": pa.array(values[:n, width]),
            "output_col": pa.array(values[n + len(va_codes), :n]),
        }
    )
    return {"flows": flows, "value_added": value_added, "output": output}
