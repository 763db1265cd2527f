"""Reader for ADB-MRIO tables in ADB's published Excel layout (docs/raw-layouts.md).

Cells (1-based Excel rows, as ADB's own checker ``ksreyes/mrio`` R/check.R reads them): title
in row 1 (with the year), names in row 5, economy codes in row 6 and column codes in row 7
above every data column (one row lower in the legacy layout: ``adb_header``), labels in
columns A-D (B name, C economy, D sector or row code), data block from cell E8: G*N
intermediate rows, then the eight total rows by position (r60, r99, r61, r62, r63, r64, trs,
r69 in ADB's codes; r60, r61..r66, r69 accepted too); columns G*N intermediate (c1..c35 per
economy), G*5 final demand (F1..F5 per economy), then ``ToT``; rows below r69 (ADB's footnote)
and columns after ``ToT`` are not read. Lands four long tables: ``flows``, ``value_added``
(row codes as ADB publishes them, whichever scheme the file uses), ``output`` and ``files``
(one row: what the file is).

Rows and columns carry their position in the table as the warehouse orders it (economies in
ADB order, ``analysis.reference.economy_order``, which the seed ``adb_economies`` holds), so
that a year's matrices are rebuilt by integer indexing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.ingest.adb_header import (
    CODE_ROW_SEARCH,
    DATA_COL,
    N_TOTAL_ROWS,
    SECTORS,
    Header,
    K,
    N,
    check_row_labels,
    parse_header,
    total_row_labels,
)
from analysis.ingest.errors import IngestError
from analysis.ingest.excel import (
    NumericBlock,
    is_blank,
    open_first_sheet,
    require_values,
    sheet_rows,
    text,
)
from analysis.ingest.excel import with_sheets_hint as _with_sheets_hint
from analysis.ingest.filenames import AdbFileName, parse_adb_name
from analysis.ingest.hashing import sha256_file
from analysis.ingest.years import YEAR as _YEAR
from analysis.ingest.years import year_problem, years_named
from analysis.provenance import SYNTHETIC_MARKER
from analysis.reference import ADB_TOTAL_ROWS, FD_CODES, ROW, economy_order

#: Codes of the rows landed in ``value_added``: ADB's r60, r99, r61, r62, r63, r64, trs.
VALUE_ADDED_CODES: tuple[str, ...] = tuple(code for code, _, _ in ADB_TOTAL_ROWS[:-1])
TITLE_ROW = 0  # 0-based: Excel row 1
TITLE_BLOCK = 5  # rows 1-5 hold the title, units and notes
#: Rows read whole before the data rows stream: the title block and both header rows (the
#: code row is one of Excel rows 7-12).
HEAD_ROWS = CODE_ROW_SEARCH.stop
#: No cell of a table in USD million comes near this: 10^12 USD million is 10^4 world outputs.
ABSURD_USD_MN = 1e12


@dataclass(frozen=True)
class AdbTable:
    """One read file: its name, sheet, header, numbers and what it is."""

    path: Path
    name: AdbFileName
    header: Header
    values: np.ndarray  # (G*N + 8) x (G*N + G*5 + 1), rows and columns in file order
    row_labels: list[str]  # names of the eight total rows (column B)
    edition: str
    edition_named: bool
    title: str
    synthetic: bool


def infer_edition(economies: list[str]) -> str:
    """ADB names an edition by its economies besides the rest of the world: 63 -> '62'."""
    return str(len(economies) - (ROW in economies))


def _check_edition(path: Path, sheet: str, named: str | None, economies: list[str]) -> str:
    inferred = infer_edition(economies)
    if named is not None and named != inferred:
        rest = " + RoW" if ROW in economies else ""
        raise IngestError.at(
            path,
            f"the file name says edition {named} ({named} economies{rest}) but the sheet "
            f"lists {len(economies)} economies in its header (edition {inferred}); rename the "
            "file or check that it is the table you meant",
            sheet=sheet,
            where="file name",
        )
    return inferred


def _title_block(rows: list[list[Any]]) -> list[str]:
    return [
        " ".join(text(v) for v in row[:DATA_COL] if not is_blank(v)) for row in rows[:TITLE_BLOCK]
    ]


def _check_title(path: Path, sheet: str, rows: list[list[Any]], year: int) -> str:
    """The title (row 1) must name the year of the file name; returns the title."""
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
    return title


def read_table(path: Path | str) -> AdbTable:
    """Read and validate one ADB-MRIO file (structure and numbers); IngestError on a fault."""
    path = Path(path)
    name = parse_adb_name(path)
    sheet, cells = open_first_sheet(path)
    rows = sheet_rows(cells)
    head = list(islice(rows, HEAD_ROWS))
    if not any(_filled(row) for row in head):  # empty, or values below the header's rows
        rest = list(rows)
        require_values(path, sheet, rest)
        rows = iter(rest)
    try:
        title = _check_title(path, sheet, head, name.year)
        header = parse_header(path, sheet, head)
    except IngestError as err:  # perhaps the data is on another sheet: list them
        raise _with_sheets_hint(err, path, sheet) from None
    n = len(header.economies) * N
    block = NumericBlock(
        path,
        sheet,
        header.data_row,
        DATA_COL,
        n + N_TOTAL_ROWS,
        header.width + 1,
        limit=ABSURD_USD_MN,
    )
    sheet_labels, last = _stream_data_rows(head, rows, header, block)
    check_row_labels(path, sheet, sheet_labels, header, last)
    values = block.result()
    edition = _check_edition(path, sheet, name.edition, header.economies)
    synthetic = any(SYNTHETIC_MARKER in line for line in _title_block(head))
    labels = total_row_labels(sheet_labels, header)
    return AdbTable(
        path, name, header, values, labels, edition, name.edition is not None, title, synthetic
    )


def _filled(cells: list[Any]) -> bool:
    return any(not is_blank(v) for v in cells)


def _stream_data_rows(
    head: list[list[Any]], rows: Iterator[list[Any]], header: Header, block: NumericBlock
) -> tuple[list[list[Any]], int]:
    """Feed the data rows (those of ``head`` from the header's data row on, then the
    iterator ``rows``) to ``block``, one at a time; return the sheet's rows as the label
    checks read them (the header rows whole, columns A-D of the data rows, the rows below
    whole: ADB's footnote) and the 0-based last row holding a value."""
    first = header.data_row
    labels = head[:first]
    last = max((r for r, row in enumerate(labels) if _filled(row)), default=-1)
    end = block.col0 + block.n_cols
    for r, row in enumerate(chain(head[first:], rows), start=first):
        if r - first < block.n_rows:
            filled = block.add(r - first, row) or _filled(row[:DATA_COL]) or _filled(row[end:])
            row = row[:DATA_COL]
        else:
            filled = _filled(row)
        labels.append(row)
        if filled:
            last = r
    return labels, last


def read_adb_mrio(path: Path | str) -> dict[str, pd.DataFrame]:
    """Read and validate one ADB-MRIO file; return ``flows``, ``value_added``, ``output`` and
    ``files``: long, typed as the landing schema (strings as categoricals); blank data cells
    are 0. Any structural problem raises IngestError naming the cell."""
    table = read_table(path)
    return _frames(table, sha256_file(table.path))


def _categorical(codes: np.ndarray, labels: list[str] | tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=list(labels))


def _keys(length: int, table: AdbTable, sha: str) -> dict[str, Any]:
    zeros = np.zeros(length, dtype=np.int8)
    return {
        "year": np.full(length, table.name.year, dtype=np.int32),
        "edition": _categorical(zeros, [table.edition]),
        "vintage": _categorical(zeros, [table.name.vintage.label]),
        "source_file": _categorical(zeros, [table.path.name]),
        "file_sha256": _categorical(zeros, [sha]),
    }


@dataclass(frozen=True)
class _Axes:
    """File-order codes and warehouse positions of the rows and data columns, as int16 and
    int32: the landed columns repeat them n x (n + 5G) times, and repeating int64 ones made
    the frames of a full-size table in 0.08-0.11 s against 0.03 s."""

    row_eco: np.ndarray
    row_sector: np.ndarray
    row_pos: np.ndarray
    col_eco: np.ndarray
    col_code: np.ndarray
    col_pos: np.ndarray


def _axes(economies: list[str]) -> _Axes:
    G = len(economies)
    n = G * N
    rank = {e: i for i, e in enumerate(economy_order(economies))}
    pos = np.array([rank[e] for e in economies])
    row_eco = np.repeat(np.arange(G), N)
    row_sector = np.tile(np.arange(N), G)
    fd_eco, fd_cat = np.repeat(np.arange(G), K), np.tile(np.arange(K), G)
    row_pos = pos[row_eco] * N + row_sector
    code_type, position_type = np.int16, np.int32
    return _Axes(
        row_eco=row_eco.astype(code_type),
        row_sector=row_sector.astype(code_type),
        row_pos=row_pos.astype(position_type),
        col_eco=np.concatenate([row_eco, fd_eco]).astype(code_type),
        col_code=np.concatenate([row_sector, N + fd_cat]).astype(code_type),
        col_pos=np.concatenate([row_pos, n + pos[fd_eco] * K + fd_cat]).astype(position_type),
    )


def _frames(table: AdbTable, sha: str) -> dict[str, pd.DataFrame]:
    economies = table.header.economies
    G = len(economies)
    n, width = G * N, G * (N + K)
    ax = _axes(economies)
    codes = [*SECTORS, *FD_CODES]
    flows = pd.DataFrame(
        {
            **_keys(n * width, table, sha),
            "row_economy": _categorical(np.repeat(ax.row_eco, width), economies),
            "row_sector": _categorical(np.repeat(ax.row_sector, width), SECTORS),
            "col_economy": _categorical(np.tile(ax.col_eco, n), economies),
            "col_code": _categorical(np.tile(ax.col_code, n), codes),
            "row_pos": np.repeat(ax.row_pos, width),
            "col_pos": np.tile(ax.col_pos, n),
            "value": table.values[:n, :width].ravel(),
        },
        copy=False,  # fresh arrays: no copy into consolidated blocks (0.15 s a full table)
    )
    m = N_TOTAL_ROWS - 1  # the rows above r69
    labels = list(dict.fromkeys(table.row_labels[:m]))
    value_added = pd.DataFrame(
        {
            **_keys(m * width, table, sha),
            "row_code": _categorical(np.repeat(np.arange(m), width), VALUE_ADDED_CODES),
            "row_label": _categorical(
                np.repeat([labels.index(label) for label in table.row_labels[:m]], width),
                labels,
            ),
            "col_economy": _categorical(np.tile(ax.col_eco, m), economies),
            "col_code": _categorical(np.tile(ax.col_code, m), codes),
            "col_pos": np.tile(ax.col_pos, m),
            "value": table.values[n : n + m, :width].ravel(),
        },
        copy=False,
    )
    output = pd.DataFrame(
        {
            **_keys(n, table, sha),
            "economy": _categorical(ax.row_eco, economies),
            "sector": _categorical(ax.row_sector, SECTORS),
            "pos": ax.row_pos,
            "output_row": table.values[:n, width].copy(),
            "output_col": table.values[n + m, :n].copy(),
        }
    )
    return {
        "flows": flows,
        "value_added": value_added,
        "output": output,
        "files": _files(table, sha),
    }


def _files(table: AdbTable, sha: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": [table.path.name],
            "file_sha256": [sha],
            "year": np.array([table.name.year], dtype=np.int32),
            "edition": [table.edition],
            "edition_named": [table.edition_named],
            "vintage": [table.name.vintage.label],
            "vintage_order": np.array([table.name.vintage.order], dtype=np.int32),
            "economies": np.array([len(table.header.economies)], dtype=np.int32),
            "synthetic": [table.synthetic],
            "title": [table.title],
        }
    )
