"""Reading xlsx sheets with python-calamine, keeping Excel coordinates for messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from python_calamine import CalamineWorkbook

from analysis.ingest.errors import cell_name, fail


def read_first_sheet(path: Path) -> tuple[str, list[list]]:
    """(sheet name, rows) of the first sheet, rows from Excel row 1 and column A."""
    if path.stat().st_size == 0:
        raise fail(path, "", "the file is empty (0 bytes)")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        name = workbook.sheet_names[0]
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise fail(path, "", f"cannot be read as an xlsx workbook ({exc})") from None
    if not rows or all(all(v == "" for v in row) for row in rows):
        raise fail(path, f"sheet '{name}'", "the sheet is empty")
    return name, rows


def numeric_block(
    path: Path, sheet: str, rows: list[list], row0: int, col0: int, n_rows: int, n_cols: int
) -> np.ndarray:
    """The rectangle starting at 0-based (row0, col0) as float; blank cells are 0.

    Any text, boolean or date cell is an error naming its Excel cell.
    """
    block = np.empty((n_rows, n_cols), dtype=object)
    for i in range(n_rows):
        row = rows[row0 + i][col0 : col0 + n_cols]
        if len(row) < n_cols:
            row = list(row) + [""] * (n_cols - len(row))
        block[i] = row
    kind = np.frompyfunc(type, 1, 1)(block)
    is_number = (kind == float) | (kind == int)  # noqa: E721 (exact types: bool is no number)
    is_blank = block == ""
    bad = ~(is_number | is_blank)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise fail(
            path,
            f"sheet '{sheet}', cell {cell_name(row0 + i, col0 + j)}",
            f"value {block[i, j]!r} is not numeric (data cells must be numbers or blank)",
        )
    block[is_blank] = 0.0
    values = block.astype(float)
    if not np.isfinite(values).all():
        i, j = np.argwhere(~np.isfinite(values))[0]
        raise fail(
            path, f"sheet '{sheet}', cell {cell_name(row0 + i, col0 + j)}", "value is not finite"
        )
    return values
