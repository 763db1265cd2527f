"""The labels of an ADB-MRIO sheet: the two header rows (6 and 7) and the row labels (C, D).

Row 6 holds the economy code above every data column and row 7 the column code: blocks of
``c1..c35`` (one per economy), then ``F1..F5`` per economy in the same order, then ``ToT``.
Below row 7, column C names the economy and column D the sector (``c1..c35``) of the G*N
intermediate rows, then the row codes ``r60..r66`` and ``r69``. Every mismatch is an
IngestError naming the cell and what is expected there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.ingest.errors import IngestError, cell_name
from analysis.ingest.excel import is_blank, text
from analysis.reference import ADB_TOTAL_ROWS, FD_CODES, ROW, SECTOR_CODES

SECTORS, N, K = SECTOR_CODES, len(SECTOR_CODES), len(FD_CODES)
TOTAL_COLUMN = "ToT"
ECONOMY_ROW, CODE_ROW, DATA_ROW = 5, 6, 7  # 0-based: Excel rows 6, 7, 8
ECONOMY_COL, CODE_COL, DATA_COL = 2, 3, 4  # 0-based: Excel columns C, D, E
_SECTOR_LIKE = re.compile(r"^c\d+$", re.IGNORECASE)


def economy_code(value: Any) -> str:
    """An economy label as text; ``ROW`` is read as ``RoW``."""
    code = text(value)
    return ROW if code.upper() == "ROW" else code


@dataclass(frozen=True)
class Header:
    economies: list[str]
    width: int  # data columns without ToT: G*N + G*K


class _HeaderRows:
    """Rows 6 and 7 from column E, with the cell of each data column for messages."""

    def __init__(self, path: Path, sheet: str, rows: list[list[Any]]) -> None:
        self.path, self.sheet = path, sheet
        for r, what in ((ECONOMY_ROW, "economy codes"), (CODE_ROW, "column codes")):
            if len(rows) <= r or all(is_blank(v) for v in rows[r][DATA_COL:]):
                example = "PRC, ..., RoW, ToT" if r == ECONOMY_ROW else "c1..c35, F1..F5, ToT"
                raise IngestError.at(
                    path,
                    f"header row with {what} is missing (expected from cell "
                    f"{cell_name(r, DATA_COL)} on: {example})",
                    sheet=sheet,
                    row=r + 1,
                )
        self.eco_row = rows[ECONOMY_ROW]
        codes = [text(v) for v in rows[CODE_ROW][DATA_COL:]]
        while codes and not codes[-1]:
            codes.pop()
        self.codes = codes

    def code(self, j: int) -> str:
        return self.codes[j] if j < len(self.codes) else ""

    def economy(self, j: int) -> str:
        col = DATA_COL + j
        return economy_code(self.eco_row[col]) if col < len(self.eco_row) else ""

    def error(self, rule: str, row: int, j: int) -> IngestError:
        return IngestError.at(self.path, rule, sheet=self.sheet, cell=(row, DATA_COL + j))


def _intermediate_columns(h: _HeaderRows) -> list[str]:
    """Economies of the c1..c35 blocks, checking every code and economy label."""
    if not _SECTOR_LIKE.match(h.code(0)):
        raise h.error(
            f"header row with column codes is missing: found {h.code(0)!r} where 'c1' "
            "(first sector of the first economy) is expected",
            CODE_ROW,
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
                CODE_ROW,
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
                ECONOMY_ROW,
                j,
            )
        j += 1
    if j % N:
        raise h.error(
            f"economy {economies[-1]!r} has {j % N} sector columns, expected 35 (c1..c35); "
            f"found {h.code(j)!r} instead of {SECTORS[j % N]!r}",
            CODE_ROW,
            j,
        )
    return economies


def _check_block_start(h: _HeaderRows, eco: str, j: int, first_col: dict[str, int]) -> None:
    if not eco or _SECTOR_LIKE.match(eco) or eco in (TOTAL_COLUMN, *FD_CODES):
        raise h.error(f"economy code missing above the data column (found {eco!r})", ECONOMY_ROW, j)
    if eco in first_col:
        raise h.error(
            f"duplicated economy {eco!r}: its block of sectors already starts at cell "
            f"{cell_name(ECONOMY_ROW, DATA_COL + first_col[eco])}",
            ECONOMY_ROW,
            j,
        )


def _final_demand_columns(h: _HeaderRows, economies: list[str]) -> None:
    """F1..F5 per economy in the order of the sector blocks, then ToT."""
    n_int, G = len(economies) * N, len(economies)
    for k in range(G * K + 1):
        col = n_int + k
        want = TOTAL_COLUMN if k == G * K else FD_CODES[k % K]
        got = h.code(col)
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
            raise h.error(rule, CODE_ROW, col)
        if want != TOTAL_COLUMN and h.economy(col) != economies[k // K]:
            raise h.error(
                f"final-demand column of economy {h.economy(col)!r}, expected "
                f"{economies[k // K]!r} (same economies, same order as the sector blocks)",
                ECONOMY_ROW,
                col,
            )


def parse_header(path: Path, sheet: str, rows: list[list[Any]]) -> Header:
    """Economies and data width from rows 6 and 7; IngestError naming the first bad cell."""
    h = _HeaderRows(path, sheet, rows)
    economies = _intermediate_columns(h)
    _final_demand_columns(h, economies)
    return Header(economies=economies, width=len(economies) * (N + K))


def _last_filled_row(rows: list[list[Any]]) -> int:
    last = len(rows) - 1
    while last >= 0 and all(is_blank(v) for v in rows[last]):
        last -= 1
    return last


def _truncated(path: Path, sheet: str, expected, k: int, last: int) -> IngestError:
    missing = [f"{eco} {code}" if eco else code for eco, code in expected[k:]]
    shown = ", ".join(missing) if len(missing) <= 10 else f"{missing[0]} .. {missing[-1]}"
    return IngestError.at(
        path,
        f"the sheet is truncated: it ends at row {last + 1}, {len(missing)} row(s) missing: "
        f"{shown}",
        sheet=sheet,
        row=DATA_ROW + k + 1,
    )


def _check_intermediate_row(path, sheet, row, r, k, eco, code, economies) -> None:
    got_eco = economy_code(row[ECONOMY_COL]) if len(row) > ECONOMY_COL else ""
    got_code = text(row[CODE_COL]) if len(row) > CODE_COL else ""
    if got_eco != eco:
        rule = (
            f"row economy {got_eco!r}, expected {eco!r}: the rows must list the economies of "
            "row 6 in the same order, 35 sectors each"
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


def check_row_labels(path: Path, sheet: str, rows: list[list[Any]], economies: list[str]):
    """Columns C and D below the header list the economy-sectors, then r60..r66, r69."""
    n = len(economies) * N
    expected = [(economies[i // N], SECTORS[i % N]) for i in range(n)]
    expected += [("", code) for code, _ in ADB_TOTAL_ROWS]
    last = _last_filled_row(rows)
    for k, (eco, code) in enumerate(expected):
        r = DATA_ROW + k
        if r > last:
            raise _truncated(path, sheet, expected, k, last)
        if k < n:
            _check_intermediate_row(path, sheet, rows[r], r, k, eco, code, economies)
            continue
        got = text(rows[r][CODE_COL]) if len(rows[r]) > CODE_COL else ""
        if got != code:
            raise IngestError.at(
                path,
                f"row code {got!r}, expected {code!r} ({dict(ADB_TOTAL_ROWS)[code]}); the total "
                "rows are " + ", ".join(c for c, _ in ADB_TOTAL_ROWS) + " in this order",
                sheet=sheet,
                cell=(r, CODE_COL),
            )
