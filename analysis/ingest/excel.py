"""xlsx helpers on top of python-calamine that keep Excel coordinates for error messages.

``read_first_sheet`` returns the rows of the first visible worksheet from cell A1
(``skip_empty_area=False`` so that row/column indices are Excel's, minus one),
``numeric_block`` converts a rectangle of cells to a float matrix in C speed and looks for the
offending cell only when it fails; ``error_cells`` finds Excel error values in the sheet XML
(Transitional or Strict Open XML).
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
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from analysis.errors import os_reason
from analysis.ingest.errors import IngestError

_NUMBER_TYPES = frozenset({float, int})
_CELL_TYPES = frozenset({float, int, str})


def read_first_sheet(path: Path) -> tuple[str, list[list[Any]]]:
    """(sheet name, rows) of the first visible worksheet; rows start at Excel row 1, column A.

    Hidden and very hidden sheets and chart sheets are passed over (``sheets_metadata`` in
    workbook order). A 0-byte or unreadable file, a workbook without a visible worksheet and
    a sheet without any non-blank cell are errors; the last two list the workbook's sheets.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError.at(path, f"cannot be read ({os_reason(exc)})") from None
    if size == 0:
        raise IngestError.at(path, "the file is empty (0 bytes)")
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:  # closes the file
            sheets = list(workbook.sheets_metadata)
            if not sheets:
                raise IngestError.at(path, "the workbook has no sheet")
            visible = [
                s
                for s in sheets
                if s.typ == SheetTypeEnum.WorkSheet and s.visible == SheetVisibleEnum.Visible
            ]
            if not visible:
                raise IngestError.at(
                    path,
                    f"the workbook has no visible worksheet (sheets: {_describe(sheets)})",
                )
            name = visible[0].name
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except IngestError:
        raise
    except OSError as exc:
        raise IngestError.at(path, f"cannot be read ({os_reason(exc)})") from None
    except Exception as exc:  # calamine raises its own error types for broken files
        raise IngestError.at(path, f"cannot be read as an xlsx workbook ({exc})") from None
    if not any(_filled(v) for row in rows for v in row):
        raise IngestError.at(
            path,
            "the sheet is empty (no cell has a value); the first visible worksheet is read"
            + (f" (sheets: {_describe(sheets)})" if len(sheets) > 1 else ""),
            sheet=name,
        )
    return name, rows


_VISIBILITY = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "very hidden"}
_KIND = {
    "WorkSheet": "",
    "ChartSheet": "chart sheet, ",
    "DialogSheet": "dialog sheet, ",
    "MacroSheet": "macro sheet, ",
    "Vba": "VBA module, ",
}


def _enum_name(value: Any) -> str:
    """'Hidden' for SheetVisibleEnum.Hidden (calamine's enums are not hashable)."""
    return str(value).rsplit(".", 1)[-1]


def _describe(sheets: list[Any]) -> str:
    """'Notes' (hidden), 'Chart1' (chart sheet, visible), 'ADB MRIO 2018' (visible)."""
    return ", ".join(
        f"'{s.name}' ({_KIND.get(_enum_name(s.typ), '')}"
        f"{_VISIBILITY.get(_enum_name(s.visible), _enum_name(s.visible))})"
        for s in sheets
    )


def sheets_hint(path: Path, sheet: str) -> str:
    """For an error about the sheet read: the workbook's sheets and their visibility.

    '' when the workbook has only that one sheet (or cannot be listed), otherwise e.g.
    `` (the first visible worksheet 'Cover' was read; sheets: 'Cover' (visible), ...)``.
    """
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheets = list(workbook.sheets_metadata)
    except Exception:
        return ""
    if len(sheets) <= 1:
        return ""
    return f" (the first visible worksheet '{sheet}' was read; sheets: {_describe(sheets)})"


def with_sheets_hint(err: IngestError, path: Path, sheet: str) -> IngestError:
    """``err`` with ``sheets_hint`` appended (the same error when the workbook has one sheet)."""
    hint = sheets_hint(path, sheet)
    if not hint:
        return err
    return IngestError(
        f"{err}{hint}", file=err.file, sheet=err.sheet, location=err.location, rule=err.rule + hint
    )


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


_CHUNK = 1 << 22  # bytes of sheet XML per read
_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]+)"')
#: r:id of <sheet>: Transitional and Strict Open XML relationship namespaces.
_R_ID = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)


def _local(tag: str) -> str:
    """Local name of an ElementTree tag or attribute, whatever its namespace."""
    return tag.rsplit("}", 1)[-1]


def _relationships(archive: zipfile.ZipFile, part: str) -> list[ElementTree.Element]:
    """<Relationship> elements of ``part`` (its ``_rels/<name>.rels``), [] when absent."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.namelist():
        return []
    root = ElementTree.fromstring(archive.read(rels))
    return [el for el in root.iter() if _local(el.tag) == "Relationship"]


def _resolve(part: str, target: str) -> str:
    """Zip member name of a relationship target relative to ``part``."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def _sheet_xml(archive: zipfile.ZipFile, sheet: str) -> str:
    """Zip member holding the worksheet named ``sheet`` (as ``read_first_sheet`` chose it).

    Elements and attributes are matched by local name, so Transitional and Strict Open XML
    (``http://purl.oclc.org/ooxml/...`` namespaces) are both read. KeyError if not found.
    """
    workbook = "xl/workbook.xml"
    for rel in _relationships(archive, ""):
        if rel.get("Type", "").endswith("/officeDocument"):
            workbook = _resolve("", rel.get("Target", ""))
            break
    root = ElementTree.fromstring(archive.read(workbook))
    targets = {
        rel.get("Id"): _resolve(workbook, rel.get("Target", ""))
        for rel in _relationships(archive, workbook)
    }
    for el in root.iter():
        if _local(el.tag) != "sheet" or el.get("name") != sheet:
            continue
        rid = next((el.get(key) for key in _R_ID if el.get(key) is not None), None)
        if rid is None:  # any other namespace: match the attribute by local name
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        member = targets.get(rid, "")
        if member not in archive.namelist():
            raise KeyError(f"sheet part {member or rid!r} missing")
        return member
    raise KeyError("sheet not found")


def error_cells(path: Path, sheet: str) -> Iterator[tuple[int, int]]:
    """0-based (row, col) of every cell of ``sheet`` that holds an Excel error value.

    ``sheet`` is the sheet name ``read_first_sheet`` returned (the one whose cells were read).
    python-calamine's ``to_python`` returns '' for error cells (``#DIV/0!``, ``#N/A``, ...),
    which would pass as blank = 0: scan the sheet XML for ``t="e"`` cells instead (streamed,
    about 0.5 s for a full-size ADB sheet of 175 MB XML). A sheet that cannot be located in
    the workbook XML is an IngestError (the scan must never be skipped silently).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise IngestError.at(path, f"cannot be read as an xlsx workbook ({exc})") from None
    with archive:
        try:
            member = _sheet_xml(archive, sheet)
        except (KeyError, ElementTree.ParseError) as exc:
            raise IngestError.at(
                path,
                f"cannot locate sheet '{sheet}' in the workbook XML (xl/workbook.xml and its "
                f"relationships: {exc}), so Excel error cells (#DIV/0!, #N/A) cannot be "
                "checked",
                sheet=sheet,
            ) from None
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


def _census(rows, row0, col0, n_rows, n_cols, blank) -> tuple[list[list[Any]], list[int], bool]:
    """The rectangle's rows (blanks replaced by ``blank``), the indices of the rows that hold
    a cell that is not a number, and whether any cell read as text (python-calamine reads an
    Excel error cell as '', so only then can the rectangle hold one). A per-row type census
    (``set(map(type, row))``) keeps the common case, all numbers, at C speed."""
    block: list[list[Any]] = []
    bad_rows: list[int] = []
    any_text = False
    for i in range(n_rows):
        cells = rows[row0 + i][col0 : col0 + n_cols]
        if len(cells) < n_cols:
            cells = list(cells) + [""] * (n_cols - len(cells))
        kinds = set(map(type, cells))
        if not kinds <= _NUMBER_TYPES and kinds <= _CELL_TYPES:
            any_text = any_text or str in kinds
            cells = [blank if (v.__class__ is str and not v.strip()) else v for v in cells]
            kinds = set(map(type, cells))
        if not kinds <= _NUMBER_TYPES:
            bad_rows.append(i)
        block.append(cells)
    return block, bad_rows, any_text


def _blank_mask(rows, row0, col0, n_rows, n_cols) -> np.ndarray:
    """True where the cell is blank (empty, white space, or beyond a short row)."""
    mask = np.ones((n_rows, n_cols), dtype=bool)
    for i in range(n_rows):
        cells = rows[row0 + i][col0 : col0 + n_cols]
        mask[i, : len(cells)] = [is_blank(v) for v in cells]
    return mask


def _refuse_text(path, sheet, block, bad_rows, row0, col0) -> None:
    i = bad_rows[0]
    for j, value in enumerate(block[i]):
        if type(value) not in _NUMBER_TYPES and not (isinstance(value, str) and is_blank(value)):
            raise IngestError.at(
                path,
                f"value {value!r} is not numeric (data cells must be numbers or blank)",
                sheet=sheet,
                cell=(row0 + i, col0 + j),
            )


def _refuse_error_cells(path, sheet, row0, col0, n_rows, n_cols) -> None:
    for r, c in error_cells(path, sheet):
        if row0 <= r < row0 + n_rows and col0 <= c < col0 + n_cols:
            raise IngestError.at(
                path,
                "an Excel error value (#DIV/0!, #N/A, #VALUE!, ...) is not numeric",
                sheet=sheet,
                cell=(r, c),
            )


def _exceeds(values: np.ndarray, blank: float, limit: float) -> bool:
    """Whether any number's magnitude exceeds ``limit``. With every cell a number (blanks 0)
    two reductions tell, without the 46 MB temporary of ``|values|`` at full size; NaN
    blanks (KOF) compare False."""
    if not values.size:
        return False
    if np.isfinite(blank):
        return bool(max(values.max(), -values.min()) > limit)
    return bool((np.abs(values) > limit).any())


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
    limit: float | None = None,
) -> np.ndarray:
    """The rectangle at 0-based (row0, col0) of n_rows x n_cols cells as a float matrix.

    Blank cells (and cells beyond the end of a short row) become ``blank`` (0 for ADB, NaN
    for KOF). Text, booleans, dates and Excel error values are errors naming the first
    offending cell (row-major order), as are non-finite numbers (unless ``blank`` is NaN)
    and, with ``limit``, numbers whose magnitude exceeds it (an absurd value would otherwise
    surface downstream as a singular matrix).
    """
    block, bad_rows, any_text = _census(rows, row0, col0, n_rows, n_cols, blank)
    if bad_rows:
        _refuse_text(path, sheet, block, bad_rows, row0, col0)
    if any_text:  # an error cell reads as '': scan the sheet XML only when a cell did
        _refuse_error_cells(path, sheet, row0, col0, n_rows, n_cols)
    values = np.array(block, dtype=np.float64).reshape(n_rows, n_cols)
    bad = ~np.isfinite(values)
    if not np.isfinite(blank) and bad.any():  # blanks became NaN: a stored NaN is a fault
        bad &= ~_blank_mask(rows, row0, col0, n_rows, n_cols)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise IngestError.at(
            path,
            f"value {values[i, j]} is not a finite number (leave a missing value blank)",
            sheet=sheet,
            cell=(row0 + i, col0 + j),
        )
    if limit is not None and _exceeds(values, blank, limit):
        i, j = np.argwhere(np.abs(values) > limit)[0]
        raise IngestError.at(
            path,
            f"value {values[i, j]:g} is absurd (its magnitude exceeds {limit:g}: check the "
            "unit and the decimal separator)",
            sheet=sheet,
            cell=(row0 + i, col0 + j),
        )
    return values
