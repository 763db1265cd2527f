"""Reader for ADB-MRIO tables in ADB's published Excel layout (docs/raw-layouts.md).

Cells (1-based Excel rows, as ADB's own checker ``ksreyes/mrio`` R/check.R reads them): title
in row 1 (with the year), economy codes in row 6 and column codes in row 7 above every data
column, labels in columns A-D (C economy, D sector or row code), data block from cell E8:
G*N intermediate rows, then r60..r66 and r69; columns G*N intermediate (c1..c35 per economy),
G*5 final demand (F1..F5 per economy), then ``ToT``. Lands three long tables: ``flows``,
``value_added`` and ``output``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.ingest.errors import IngestError, cell_name
from analysis.ingest.excel import (
    is_blank,
    numeric_block,
    read_first_sheet,
    text,
    with_sheets_hint,
)
from analysis.ingest.years import YEAR as _YEAR
from analysis.ingest.years import year_problem, years_named
from analysis.reference import ADB_TOTAL_ROWS, FD_CODES, ROW, SECTOR_CODES

SECTORS: tuple[str, ...] = SECTOR_CODES
#: Rows below the intermediate block, in order: (code, label).
TOTAL_ROWS: tuple[tuple[str, str], ...] = ADB_TOTAL_ROWS
TOTAL_COLUMN = "ToT"
REST_OF_WORLD = ROW
#: Edition inferred from the number of economies when the file name has none.
EDITIONS: dict[int, str] = {63: "62", 73: "72"}

N, K = len(SECTORS), len(FD_CODES)
TITLE_ROW, ECONOMY_ROW, CODE_ROW, DATA_ROW = 0, 5, 6, 7  # 0-based: Excel rows 1, 6, 7, 8
ECONOMY_COL, CODE_COL, DATA_COL = 2, 3, 4  # 0-based: Excel columns C, D, E

FILE_NAME = re.compile(
    r"^ADB-MRIO(?P<edition>\d+)?-(?P<year>\d{4})(?:_(?P<vintage>.*))?\.xlsx$", re.IGNORECASE
)
_SECTOR_LIKE = re.compile(r"^c\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class AdbFileName:
    """What the file name says: ``ADB-MRIO<edition>-<year>_<vintage>.xlsx``."""

    year: int
    edition: str | None
    vintage: str


def parse_file_name(path: Path | str) -> AdbFileName:
    """Year, edition (None when absent) and vintage from the file name, or IngestError."""
    name = Path(path).name
    match = FILE_NAME.match(name)
    if not match:
        rule = (
            "does not follow ADB-MRIO<edition>-<year>_<vintage>.xlsx"
            + (" (no year in the name)" if not _YEAR.search(name) else "")
            + ", e.g. ADB-MRIO62-2018_June2023.xlsx"
        )
        raise IngestError.at(path, rule, where="file name")
    vintage = (match["vintage"] or "").strip()
    if not vintage:
        raise IngestError.at(
            path,
            "no vintage after the year (ADB-MRIO<edition>-<year>_<vintage>.xlsx, "
            "e.g. _June2023): the vintage is recorded with the data",
            where="file name",
        )
    return AdbFileName(int(match["year"]), match["edition"], vintage)


def infer_edition(n_economies: int) -> str:
    """Edition from the number of economies: 63 -> '62', 73 -> '72', else 'custom'."""
    return EDITIONS.get(n_economies, "custom")


def _economy(value: Any) -> str:
    code = text(value)
    return REST_OF_WORLD if code.upper() == "ROW" else code


@dataclass(frozen=True)
class _Header:
    economies: list[str]
    width: int  # data columns without ToT: G*N + G*K


def _parse_header(path: Path, sheet: str, rows: list[list[Any]]) -> _Header:
    for r, what in ((ECONOMY_ROW, "economy codes"), (CODE_ROW, "column codes")):
        if len(rows) <= r or all(is_blank(v) for v in rows[r][DATA_COL:]):
            raise IngestError.at(
                path,
                f"header row with {what} is missing (expected from cell "
                f"{cell_name(r, DATA_COL)} on: "
                + ("PRC, ..., RoW, ToT" if r == ECONOMY_ROW else "c1..c35, F1..F5, ToT")
                + ")",
                sheet=sheet,
                row=r + 1,
            )
    eco_row, code_row = rows[ECONOMY_ROW], rows[CODE_ROW]
    codes = [text(v) for v in code_row[DATA_COL:]]
    while codes and not codes[-1]:
        codes.pop()

    def code_at(j: int) -> str:
        return codes[j] if j < len(codes) else ""

    def eco_at(j: int) -> str:
        col = DATA_COL + j
        return _economy(eco_row[col]) if col < len(eco_row) else ""

    if not _SECTOR_LIKE.match(code_at(0)):
        raise IngestError.at(
            path,
            f"header row with column codes is missing: found {code_at(0)!r} where 'c1' "
            "(first sector of the first economy) is expected",
            sheet=sheet,
            cell=(CODE_ROW, DATA_COL),
        )
    # intermediate-use columns: blocks of c1..c35, one block per economy
    economies: list[str] = []
    first_col: dict[str, int] = {}
    j = 0
    while _SECTOR_LIKE.match(code_at(j)):
        g, s = divmod(j, N)
        cell = (CODE_ROW, DATA_COL + j)
        if code_at(j) != SECTORS[s]:
            known = code_at(j) in SECTORS
            raise IngestError.at(
                path,
                f"{'misplaced' if known else 'unknown'} sector code {code_at(j)!r}: expected "
                f"{SECTORS[s]!r} (every economy has the 35 sectors c1..c35 in order)",
                sheet=sheet,
                cell=cell,
            )
        eco = eco_at(j)
        if s == 0:
            if not eco or _SECTOR_LIKE.match(eco) or eco in (TOTAL_COLUMN, *FD_CODES):
                raise IngestError.at(
                    path,
                    f"economy code missing above the data column (found {eco!r})",
                    sheet=sheet,
                    cell=(ECONOMY_ROW, DATA_COL + j),
                )
            if eco in first_col:
                raise IngestError.at(
                    path,
                    f"duplicated economy {eco!r}: its block of sectors already starts at cell "
                    f"{cell_name(ECONOMY_ROW, DATA_COL + first_col[eco])}",
                    sheet=sheet,
                    cell=(ECONOMY_ROW, DATA_COL + j),
                )
            first_col[eco] = j
            economies.append(eco)
        elif eco != economies[g]:
            raise IngestError.at(
                path,
                f"economy code {eco!r} inside the sector block of {economies[g]!r} "
                "(the economy code stands above each of its 35 columns)",
                sheet=sheet,
                cell=(ECONOMY_ROW, DATA_COL + j),
            )
        j += 1
    n_int = j
    if n_int % N:
        raise IngestError.at(
            path,
            f"economy {economies[-1]!r} has {n_int % N} sector columns, expected 35 "
            f"(c1..c35); found {code_at(n_int)!r} instead of {SECTORS[n_int % N]!r}",
            sheet=sheet,
            cell=(CODE_ROW, DATA_COL + n_int),
        )
    G = len(economies)
    # final-demand columns: F1..F5 per economy in the same order, then ToT
    for k in range(G * K + 1):
        col = n_int + k
        want = TOTAL_COLUMN if k == G * K else FD_CODES[k % K]
        got = code_at(col)
        if got != want:
            if not got:
                rule = f"column code missing: expected {want!r}"
            elif want == TOTAL_COLUMN:
                rule = f"column code {got!r} after the last final-demand column, expected 'ToT'"
            else:
                rule = (
                    f"column code {got!r}, expected {want!r} of economy {economies[k // K]!r} "
                    "(F1..F5 for each economy, in the order of the sector blocks, then ToT)"
                )
            raise IngestError.at(path, rule, sheet=sheet, cell=(CODE_ROW, DATA_COL + col))
        if want != TOTAL_COLUMN and eco_at(col) != economies[k // K]:
            raise IngestError.at(
                path,
                f"final-demand column of economy {eco_at(col)!r}, expected "
                f"{economies[k // K]!r} (same economies, same order as the sector blocks)",
                sheet=sheet,
                cell=(ECONOMY_ROW, DATA_COL + col),
            )
    return _Header(economies=economies, width=n_int + G * K)


def _check_row_labels(path: Path, sheet: str, rows: list[list[Any]], economies: list[str]):
    G = len(economies)
    n = G * N
    expected = [(economies[i // N], SECTORS[i % N]) for i in range(n)]
    expected += [("", code) for code, _ in TOTAL_ROWS]

    def describe(k: int) -> str:
        eco, code = expected[k]
        return f"{eco} {code}" if eco else code

    last = len(rows) - 1
    while last >= 0 and all(is_blank(v) for v in rows[last]):
        last -= 1
    for k, (eco, code) in enumerate(expected):
        r = DATA_ROW + k
        if r > last:
            missing = [describe(m) for m in range(k, len(expected))]
            shown = ", ".join(missing) if len(missing) <= 10 else f"{missing[0]} .. {missing[-1]}"
            raise IngestError.at(
                path,
                f"the sheet is truncated: it ends at row {last + 1}, "
                f"{len(missing)} row(s) missing: {shown}",
                sheet=sheet,
                row=r + 1,
            )
        row = rows[r]
        got_code = text(row[CODE_COL]) if len(row) > CODE_COL else ""
        if k < n:
            got_eco = _economy(row[ECONOMY_COL]) if len(row) > ECONOMY_COL else ""
            if got_eco != eco:
                rule = (
                    f"row economy {got_eco!r}, expected {eco!r}: the rows must list the "
                    "economies of row 6 in the same order, 35 sectors each"
                )
                if got_eco and got_eco in economies[: k // N]:
                    rule = f"duplicated economy {got_eco!r} in column C; expected {eco!r}"
                raise IngestError.at(path, rule, sheet=sheet, cell=(r, ECONOMY_COL))
            if got_code != code:
                raise IngestError.at(
                    path,
                    f"{'misplaced' if got_code in SECTORS else 'unknown'} sector code "
                    f"{got_code!r}, expected {code!r} (35 sectors c1..c35 per economy, in order)",
                    sheet=sheet,
                    cell=(r, CODE_COL),
                )
        elif got_code != code:
            label = dict(TOTAL_ROWS)[code]
            raise IngestError.at(
                path,
                f"row code {got_code!r}, expected {code!r} ({label}); the total rows are "
                + ", ".join(c for c, _ in TOTAL_ROWS)
                + " in this order",
                sheet=sheet,
                cell=(r, CODE_COL),
            )


def _check_title(path: Path, sheet: str, rows: list[list[Any]], year: int) -> None:
    title_row = rows[TITLE_ROW] if rows else []
    col = next((j for j, v in enumerate(title_row) if not is_blank(v)), 0)
    title = " ".join(text(v) for v in title_row if not is_blank(v))
    problem = year_problem(title, year)
    if problem is not None:
        if not _YEAR.search(title):
            problem += f" (row 1 holds e.g. 'ADB Multi-Regional Input-Output Table {year}')"
        raise IngestError.at(path, problem, sheet=sheet, cell=(TITLE_ROW, col))
    # ADB names the sheet 'ADB MRIO <year>': a year there must agree too
    if years_named(sheet)[0]:
        problem = year_problem(sheet, year, "the sheet name")
        if problem is not None:
            raise IngestError.at(path, problem, sheet=sheet, where="sheet name")


def read_adb_mrio(path: Path | str) -> dict[str, pd.DataFrame]:
    """Read and validate one ADB-MRIO file; return ``flows``, ``value_added``, ``output``.

    Frames are long and typed as the landing schema (string columns as categoricals);
    blank data cells are 0. Any structural problem raises IngestError naming the cell.
    """
    path = Path(path)
    info = parse_file_name(path)
    sheet, rows = read_first_sheet(path)
    try:
        _check_title(path, sheet, rows, info.year)
        header = _parse_header(path, sheet, rows)
    except IngestError as err:  # perhaps the data is on another sheet: list them
        raise with_sheets_hint(err, path, sheet) from None
    economies = header.economies
    _check_row_labels(path, sheet, rows, economies)
    G = len(economies)
    n = G * N
    values = numeric_block(
        path, sheet, rows, DATA_ROW, DATA_COL, n + len(TOTAL_ROWS), header.width + 1
    )
    edition = info.edition or infer_edition(G)
    return _frames(values, economies, info, edition, path.name)


def _categorical(codes: np.ndarray, labels: list[str] | tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=list(labels))


def _keys(length: int, info: AdbFileName, edition: str, source: str) -> dict[str, Any]:
    zeros = np.zeros(length, dtype=np.int8)
    return {
        "year": np.full(length, info.year, dtype=np.int32),
        "edition": _categorical(zeros, [edition]),
        "vintage": _categorical(zeros, [info.vintage]),
        "source_file": _categorical(zeros, [source]),
    }


def _frames(
    values: np.ndarray, economies: list[str], info: AdbFileName, edition: str, source: str
) -> dict[str, pd.DataFrame]:
    G = len(economies)
    n = G * N
    width = n + G * K
    column_codes = [*SECTORS, *FD_CODES]
    col_eco = np.concatenate([np.repeat(np.arange(G), N), np.repeat(np.arange(G), K)])
    col_code = np.concatenate([np.tile(np.arange(N), G), N + np.tile(np.arange(K), G)])
    row_eco = np.repeat(np.arange(G), N)
    row_sector = np.tile(np.arange(N), G)

    flows = pd.DataFrame(
        {
            **_keys(n * width, info, edition, source),
            "row_economy": _categorical(np.repeat(row_eco, width), economies),
            "row_sector": _categorical(np.repeat(row_sector, width), SECTORS),
            "col_economy": _categorical(np.tile(col_eco, n), economies),
            "col_code": _categorical(np.tile(col_code, n), column_codes),
            "value": values[:n, :width].ravel(),
        }
    )
    m = len(TOTAL_ROWS) - 1  # r60..r66
    value_added = pd.DataFrame(
        {
            **_keys(m * width, info, edition, source),
            "row_code": _categorical(
                np.repeat(np.arange(m), width), [c for c, _ in TOTAL_ROWS[:m]]
            ),
            "row_label": _categorical(
                np.repeat(np.arange(m), width), [label for _, label in TOTAL_ROWS[:m]]
            ),
            "col_economy": _categorical(np.tile(col_eco, m), economies),
            "col_code": _categorical(np.tile(col_code, m), column_codes),
            "value": values[n : n + m, :width].ravel(),
        }
    )
    output = pd.DataFrame(
        {
            **_keys(n, info, edition, source),
            "economy": _categorical(row_eco, economies),
            "sector": _categorical(row_sector, SECTORS),
            "output_row": values[:n, width].copy(),
            "output_col": values[n + m, :n].copy(),
        }
    )
    return {"flows": flows, "value_added": value_added, "output": output}
