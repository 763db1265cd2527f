"""xlsx helpers on top of python-calamine that keep Excel coordinates for error messages.

``read_first_sheet`` returns the rows of the first sheet from cell A1 (``skip_empty_area=False``
so that row/column indices are Excel's, minus one), ``numeric_block`` converts a rectangle of
cells to a float matrix in C speed and looks for the offending cell only when it fails.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
from python_calamine import CalamineWorkbook

from analysis.ingest.errors import IngestError

_NUMBER_TYPES = frozenset({float, int})
_CELL_TYPES = frozenset({float, int, str})


def read_first_sheet(path: Path) -> tuple[str, list[list[Any]]]:
    """(sheet name, rows) of the first sheet; rows start at Excel row 1, column A.

    A 0-byte file, an unreadable workbook, a workbook without sheets and a sheet without
    any non-blank cell are errors.
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise IngestError.at(path, "the file is empty (0 bytes)")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
        if not names:
            raise IngestError.at(path, "the workbook has no sheet")
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except IngestError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken files
        raise IngestError.at(path, f"cannot be read as an xlsx workbook ({exc})") from None
    if not any(_filled(v) for row in rows for v in row):
        raise IngestError.at(path, "the sheet is empty (no cell has a value)", sheet=names[0])
    return names[0], rows


def _filled(value: Any) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def is_blank(value: Any) -> bool:
    """Blank cell: empty, or text of white space only."""
    return not _filled(value)


def text(value: Any) -> str:
    """A label cell as stripped text ('' for blank; 12.0 -> '12')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_CHUNK = 1 << 22  # bytes of sheet XML per read
_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]+)"')


def _first_sheet_xml(archive: zipfile.ZipFile) -> str:
    """Zip member of the first sheet (workbook order, as calamine's index 0)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find("m:sheets/m:sheet", _NS)
    rid = sheet.get(f"{{{_NS['r']}}}id") if sheet is not None else None
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.findall("rel:Relationship", _NS):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    raise KeyError("first worksheet not found")


def error_cells(path: Path) -> Iterator[tuple[int, int]]:
    """0-based (row, col) of every cell of the first sheet that holds an Excel error value.

    python-calamine's ``to_python`` returns '' for error cells (``#DIV/0!``, ``#N/A``, ...),
    which would pass as blank = 0: scan the sheet XML for ``t="e"`` cells instead (streamed,
    about 0.5 s for a full-size ADB sheet of 175 MB XML).
    """
    with zipfile.ZipFile(path) as archive:
        try:
            member = _first_sheet_xml(archive)
        except (KeyError, ElementTree.ParseError):
            return
        with archive.open(member) as fh:
            tail, skip = b"", 0
            while chunk := fh.read(_CHUNK):
                buffer = tail + chunk
                start = skip
                while (hit := buffer.find(b't="e"', start)) >= 0:
                    open_tag = buffer.rfind(b"<c", 0, hit)
                    ref = _CELL_REF.match(buffer, open_tag) if open_tag >= 0 else None
                    if ref and buffer.find(b">", open_tag, hit) < 0:
                        col = 0
                        for ch in ref[1]:
                            col = col * 26 + ch - 64
                        yield int(ref[2]) - 1, col - 1
                    start = hit + 1
                # carry the end over: a tag may straddle two chunks (tags are short)
                cut = max(len(buffer) - 512, 0)
                tail, skip = buffer[cut:], max(start - cut, 0)


def numeric_block(
    path: Path,
    sheet: str,
    rows: list[list[Any]],
    row0: int,
    col0: int,
    n_rows: int,
    n_cols: int,
    *,
    blank: float = 0.0,
) -> np.ndarray:
    """The rectangle at 0-based (row0, col0) of n_rows x n_cols cells as a float matrix.

    Blank cells (and cells beyond the end of a short row) become ``blank`` (0 for ADB, NaN
    for KOF). Text, booleans and dates are errors naming the first offending cell (row-major
    order).
    Fast path: a per-row type census (``set(map(type, row))``) and one ``np.array`` call;
    only rows that hold blanks are rewritten in Python.
    """
    block: list[list[Any]] = []
    bad_rows: list[int] = []
    for i in range(n_rows):
        row = rows[row0 + i]
        cells = row[col0 : col0 + n_cols]
        if len(cells) < n_cols:
            cells = list(cells) + [""] * (n_cols - len(cells))
        kinds = set(map(type, cells))
        if not kinds <= _NUMBER_TYPES:
            if not kinds <= _CELL_TYPES:
                bad_rows.append(i)
                block.append(cells)
                continue
            fixed = [blank if (v.__class__ is str and not v.strip()) else v for v in cells]
            if not set(map(type, fixed)) <= _NUMBER_TYPES:
                bad_rows.append(i)
                block.append(cells)
                continue
            cells = fixed
        block.append(cells)
    if bad_rows:
        i = bad_rows[0]
        for j, value in enumerate(block[i]):
            if type(value) not in _NUMBER_TYPES and not (
                isinstance(value, str) and is_blank(value)
            ):
                raise IngestError.at(
                    path,
                    f"value {value!r} is not numeric (data cells must be numbers or blank)",
                    sheet=sheet,
                    cell=(row0 + i, col0 + j),
                )
    for r, c in error_cells(path):
        if row0 <= r < row0 + n_rows and col0 <= c < col0 + n_cols:
            raise IngestError.at(
                path,
                "an Excel error value (#DIV/0!, #N/A, #VALUE!, ...) is not numeric",
                sheet=sheet,
                cell=(r, c),
            )
    values = np.array(block, dtype=np.float64).reshape(n_rows, n_cols)
    if np.isfinite(blank) and not np.isfinite(values).all():
        i, j = np.argwhere(~np.isfinite(values))[0]
        raise IngestError.at(
            path, "value is not a finite number", sheet=sheet, cell=(row0 + i, col0 + j)
        )
    return values
