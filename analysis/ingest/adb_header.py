"""The labels of an ADB-MRIO sheet: the two header rows and the row labels (columns B-D).

The layout of ADB's published files (docs/raw-layouts.md; ``ADB-MRIO-2022_June2023.xlsx`` as
printed in ``ksreyes/mrio-processing`` codes/01-preprocess-mrios.ipynb, the layouts modelled by
MARIO's ADB parser tests; cell positions as ADB's checker ``ksreyes/mrio`` R/check.R reads
them):

- the *code row* holds the column codes from column E: blocks of ``c1..c35`` (one per
  economy), then ``F1..F5`` per economy in the same order. It is Excel row 7 in the published
  layout (row 5 names, row 6 economies) and row 8 in the legacy layout that has one more row
  of numeric codes above the names: the reader takes the first row from row 7 to row 12 whose
  column E is ``c1`` (row 7 when none is, so that the errors name the published cell);
- the *economy row*, just above it, holds the economy code above every data column;
- the total column follows the last final-demand column: ``ToT`` (any case) in the economy
  row or in the code row, the other blank (ADB's files: ``ToT`` in row 6, row 7 blank;
  earlier gvc samples: ``ToT`` in both);
- from the row below the code row, column C names the economy and column D the sector
  (``c1..c35``) of the G*N intermediate rows, then come the eight total rows (column C blank
  or ``ToT``), identified by position and coded in one of ``TOTAL_ROW_SCHEMES``: ADB's
  published ``r60, r99, r61, r62, r63, r64, trs, r69`` or the WIOD convention
  ``r60, r61..r66, r69``. Column B holds the printed names.

Every mismatch is an IngestError naming the cell and what is expected there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.ingest.errors import IngestError, cell_name
from analysis.ingest.excel import is_blank, text
from analysis.reference import (
    ADB_TOTAL_ROWS,
    FD_CODES,
    ROW,
    SECTOR_CODES,
    TOTAL_LABEL,
    TOTAL_ROW_MEANING,
    TOTAL_ROW_SCHEMES,
)

SECTORS: tuple[str, ...] = SECTOR_CODES
N, K = len(SECTORS), len(FD_CODES)
N_TOTAL_ROWS = len(ADB_TOTAL_ROWS)  # r60 .. r69
LABEL_COL, ECONOMY_COL, CODE_COL, DATA_COL = 1, 2, 3, 4  # 0-based: Excel columns B, C, D, E
#: 0-based rows searched for the code row: Excel rows 7 (published layout) to 12.
CODE_ROW_SEARCH = range(6, 12)
_SECTOR_LIKE = re.compile(r"^c\d+$", re.IGNORECASE)


def economy_code(value: Any) -> str:
    """An economy label as text; ``ROW`` is read as ``RoW``."""
    code = text(value)
    return ROW if code.upper() == "ROW" else code


def is_total_label(value: Any) -> bool:
    """``ToT`` in any case (``ToT``, ``TOT``): the total column's and total rows' label."""
    return text(value).upper() == TOTAL_LABEL.upper()


def _cell(row: list[Any], col: int) -> Any:
    return row[col] if col < len(row) else None


@dataclass(frozen=True)
class Header:
    """What the header rows say: the economies, the data width and where the rows are."""

    economies: list[str]
    width: int  # data columns without ToT: G*N + G*K
    code_row: int  # 0-based row of the column codes (6: Excel row 7)

    @property
    def economy_row(self) -> int:
        return self.code_row - 1

    @property
    def data_row(self) -> int:
        """0-based first data row (7: Excel row 8)."""
        return self.code_row + 1


def locate_code_row(rows: list[list[Any]]) -> int:
    """0-based row of the column codes: the first of Excel rows 7-12 whose column E is ``c1``
    (row 7 in ADB's published layout, row 8 in the legacy one); row 7 when none is."""
    for r in CODE_ROW_SEARCH:
        if r < len(rows) and text(_cell(rows[r], DATA_COL)) == SECTORS[0]:
            return r
    return CODE_ROW_SEARCH[0]


class _HeaderRows:
    """The economy and code rows from column E, with the cell of each data column."""

    def __init__(self, path: Path, sheet: str, rows: list[list[Any]], code_row: int) -> None:
        self.path, self.sheet = path, sheet
        self.code_row, self.economy_row = code_row, code_row - 1
        for r, what in ((self.economy_row, "economy codes"), (code_row, "column codes")):
            if len(rows) <= r or all(is_blank(v) for v in rows[r][DATA_COL:]):
                example = "PRC, ..., RoW, ToT" if r < code_row else "c1..c35, F1..F5"
                raise IngestError.at(
                    path,
                    f"header row with {what} is missing (expected from cell "
                    f"{cell_name(r, DATA_COL)} on: {example})",
                    sheet=sheet,
                    row=r + 1,
                )
        self.eco_row = rows[self.economy_row]
        codes = [text(v) for v in rows[code_row][DATA_COL:]]
        while codes and not codes[-1]:
            codes.pop()
        self.codes = codes

    def code(self, j: int) -> str:
        return self.codes[j] if j < len(self.codes) else ""

    def economy(self, j: int) -> str:
        return economy_code(_cell(self.eco_row, DATA_COL + j))

    def error(self, rule: str, row: int, j: int) -> IngestError:
        return IngestError.at(self.path, rule, sheet=self.sheet, cell=(row, DATA_COL + j))


def _intermediate_columns(h: _HeaderRows) -> list[str]:
    """Economies of the c1..c35 blocks, checking every code and economy label."""
    if not _SECTOR_LIKE.match(h.code(0)):
        raise h.error(
            f"header row with column codes is missing: found {h.code(0)!r} where 'c1' "
            "(first sector of the first economy) is expected",
            h.code_row,
            0,
        )
    economies: list[str] = []
    first_col: dict[str, int] = {}
    j = 0
    while _SECTOR_LIKE.match(h.code(j)):
        g, s = divmod(j, N)
        if h.code(j) != SECTORS[s]:
            known = "misplaced" if h.code(j) in SECTORS else "unknown"
            raise h.error(
                f"{known} sector code {h.code(j)!r}: expected {SECTORS[s]!r} (every economy "
                "has the 35 sectors c1..c35 in order)",
                h.code_row,
                j,
            )
        eco = h.economy(j)
        if s == 0:
            _check_block_start(h, eco, j, first_col)
            first_col[eco] = j
            economies.append(eco)
        elif eco != economies[g]:
            raise h.error(
                f"economy code {eco!r} inside the sector block of {economies[g]!r} "
                "(the economy code stands above each of its 35 columns)",
                h.economy_row,
                j,
            )
        j += 1
    if j % N:
        raise h.error(
            f"economy {economies[-1]!r} has {j % N} sector columns, expected 35 (c1..c35); "
            f"found {h.code(j)!r} instead of {SECTORS[j % N]!r}",
            h.code_row,
            j,
        )
    return economies


def _check_block_start(h: _HeaderRows, eco: str, j: int, first_col: dict[str, int]) -> None:
    if not eco or _SECTOR_LIKE.match(eco) or is_total_label(eco) or eco in FD_CODES:
        raise h.error(
            f"economy code missing above the data column (found {eco!r})", h.economy_row, j
        )
    if eco in first_col:
        raise h.error(
            f"duplicated economy {eco!r}: its block of sectors already starts at cell "
            f"{cell_name(h.economy_row, DATA_COL + first_col[eco])}",
            h.economy_row,
            j,
        )


def _final_demand_columns(h: _HeaderRows, economies: list[str]) -> None:
    """F1..F5 per economy in the order of the sector blocks."""
    n_int = len(economies) * N
    for k in range(len(economies) * K):
        col = n_int + k
        want, got = FD_CODES[k % K], h.code(col)
        if got != want:
            rule = (
                f"column code missing: expected {want!r}"
                if not got
                else f"column code {got!r}, expected {want!r} of economy {economies[k // K]!r} "
                "(F1..F5 for each economy, in the order of the sector blocks, then ToT)"
            )
            raise h.error(rule, h.code_row, col)
        if h.economy(col) != economies[k // K]:
            raise h.error(
                f"final-demand column of economy {h.economy(col)!r}, expected "
                f"{economies[k // K]!r} (same economies, same order as the sector blocks)",
                h.economy_row,
                col,
            )


def _total_column(h: _HeaderRows, col: int) -> None:
    """The column after the last final-demand one: ``ToT`` (any case) in the economy row or
    the code row, the other blank or ``ToT`` (ADB's files: row 6 ``ToT``, row 7 blank)."""
    above, code = text(_cell(h.eco_row, DATA_COL + col)), h.code(col)
    where = (
        f"cell {cell_name(h.economy_row, DATA_COL + col)} or "
        f"{cell_name(h.code_row, DATA_COL + col)}"
    )
    for row, value in ((h.code_row, code), (h.economy_row, above)):
        if value and not is_total_label(value):
            raise h.error(
                f"{value!r} above the column after the last final-demand column, expected "
                f"'ToT' (the total column: 'ToT' in {where}, the other cell blank)",
                row,
                col,
            )
    if not (above or code):
        raise h.error(
            f"total column missing: expected 'ToT' in {where} (the column after the last "
            "final-demand column)",
            h.code_row,
            col,
        )


def parse_header(path: Path, sheet: str, rows: list[list[Any]]) -> Header:
    """Economies, data width and header rows; IngestError naming the first bad cell."""
    h = _HeaderRows(path, sheet, rows, locate_code_row(rows))
    economies = _intermediate_columns(h)
    _final_demand_columns(h, economies)
    _total_column(h, len(economies) * (N + K))
    return Header(economies=economies, width=len(economies) * (N + K), code_row=h.code_row)


def _codes_at(rows: list[list[Any]], first: int, count: int, col: int = CODE_COL) -> list[str]:
    """Text of column ``col`` in ``count`` rows from ``first`` ('' beyond the sheet)."""
    return [text(_cell(rows[r], col)) if r < len(rows) else "" for r in range(first, first + count)]


def total_row_scheme(codes: list[str]) -> str:
    """Name of the scheme in ``TOTAL_ROW_SCHEMES`` that ``codes`` (column D of the eight total
    rows) come from: the one sharing the most codes with them, then the one agreeing at the
    most positions, then ADB's. A missing or swapped row thus is named against the scheme the
    file uses (a row missing shifts the codes below it)."""

    def fit(name: str) -> tuple[int, int]:
        scheme = TOTAL_ROW_SCHEMES[name]
        same = sum(a == b for a, b in zip(scheme, codes, strict=False))
        return sum(code in scheme for code in codes), same

    return max(TOTAL_ROW_SCHEMES, key=fit)


def _schemes_text() -> str:
    return " or ".join(f"{', '.join(codes)} ({name})" for name, codes in TOTAL_ROW_SCHEMES.items())


def _truncated(path, sheet, rows, header: Header, k: int, last: int) -> IngestError:
    n = len(header.economies) * N
    first = header.data_row + n
    scheme = TOTAL_ROW_SCHEMES[total_row_scheme(_codes_at(rows, first, N_TOTAL_ROWS))]
    expected = [f"{header.economies[i // N]} {SECTORS[i % N]}" for i in range(n)] + list(scheme)
    missing = expected[k:]
    shown = ", ".join(missing) if len(missing) <= 10 else f"{missing[0]} .. {missing[-1]}"
    return IngestError.at(
        path,
        f"the sheet is truncated: it ends at row {last + 1}, {len(missing)} row(s) missing: "
        f"{shown}",
        sheet=sheet,
        row=header.data_row + k + 1,
    )


def _check_intermediate_row(path, sheet, row, r, k, eco, code, economies) -> None:
    got_eco = economy_code(_cell(row, ECONOMY_COL))
    got_code = text(_cell(row, CODE_COL))
    if got_eco != eco:
        rule = (
            f"row economy {got_eco!r}, expected {eco!r}: the rows must list the economies of "
            "the header in the same order, 35 sectors each"
        )
        if got_eco and got_eco in economies[: k // N]:
            rule = f"duplicated economy {got_eco!r} in column C; expected {eco!r}"
        raise IngestError.at(path, rule, sheet=sheet, cell=(r, ECONOMY_COL))
    if got_code != code:
        known = "misplaced" if got_code in SECTORS else "unknown"
        raise IngestError.at(
            path,
            f"{known} sector code {got_code!r}, expected {code!r} (35 sectors c1..c35 per "
            "economy, in order)",
            sheet=sheet,
            cell=(r, CODE_COL),
        )


def _check_total_rows(path: Path, sheet: str, rows: list[list[Any]], first: int) -> str:
    """The eight rows from ``first``: column D one scheme of codes exactly, in order, column C
    blank or ``ToT``. Returns the scheme's name."""
    got = _codes_at(rows, first, N_TOTAL_ROWS)
    name = total_row_scheme(got)
    for k, (want, have) in enumerate(zip(TOTAL_ROW_SCHEMES[name], got, strict=True)):
        meaning = TOTAL_ROW_MEANING[ADB_TOTAL_ROWS[k][0]]
        if have != want:
            found = f"row code {have!r}" if have else "row code missing"
            raise IngestError.at(
                path,
                f"{found}, expected {want!r} ({meaning}, total row {k + 1} of 8 below the "
                f"intermediate rows); the total rows are coded {_schemes_text()}, in this order",
                sheet=sheet,
                cell=(first + k, CODE_COL),
            )
        label = text(_cell(rows[first + k], ECONOMY_COL))
        if label and not is_total_label(label):
            raise IngestError.at(
                path,
                f"{label!r} in column C of total row {want!r} ({meaning}), expected blank or "
                "'ToT' (the total rows belong to no economy)",
                sheet=sheet,
                cell=(first + k, ECONOMY_COL),
            )
    return name


def check_row_labels(
    path: Path, sheet: str, rows: list[list[Any]], header: Header, last: int
) -> str:
    """Columns C and D below the header list the economy-sectors, then the eight total rows
    in one of ``TOTAL_ROW_SCHEMES``; returns that scheme's name. Rows below are not read.

    ``rows``: the sheet's rows, of which columns A-D are read below the header (the reader
    keeps only those of the data rows); ``last``: the 0-based last row holding a value in
    any column, which tells a truncated sheet."""
    economies = header.economies
    n = len(economies) * N
    if header.data_row + n + N_TOTAL_ROWS - 1 > last:
        raise _truncated(path, sheet, rows, header, max(last + 1 - header.data_row, 0), last)
    for k in range(n):
        r = header.data_row + k
        eco, code = economies[k // N], SECTORS[k % N]
        _check_intermediate_row(path, sheet, rows[r], r, k, eco, code, economies)
    return _check_total_rows(path, sheet, rows, header.data_row + n)


def total_row_labels(rows: list[list[Any]], header: Header) -> list[str]:
    """Names of the eight total rows as printed in column B; ADB's name where it is blank."""
    first = header.data_row + len(header.economies) * N
    printed = _codes_at(rows, first, N_TOTAL_ROWS, LABEL_COL)
    return [p or label for p, (_, _, label) in zip(printed, ADB_TOTAL_ROWS, strict=True)]
