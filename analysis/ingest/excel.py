"""xlsx helpers on top of python-calamine that keep Excel coordinates for error messages.

``read_first_sheet`` returns the rows of the first visible worksheet from cell A1
(``skip_empty_area=False`` so that row/column indices are Excel's, minus one);
``open_first_sheet`` and ``sheet_rows`` give the same rows one at a time, for a reader of a
large sheet (ADB-MRIO) that keeps only what it needs of each. ``NumericBlock`` converts a
rectangle of cells, fed row by row or read from a list of rows, to a float matrix at C
speed and looks for the offending cell only when a row fails; ``error_cells`` finds Excel
error values in the sheet XML (Transitional or Strict Open XML).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
from python_calamine import CalamineSheet, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from analysis.errors import os_reason
from analysis.ingest.errors import IngestError

_NUMBER_TYPES = frozenset({float, int})
_CELL_TYPES = frozenset({float, int, str})


def open_first_sheet(path: Path) -> tuple[str, CalamineSheet]:
    """(name, cells) of the first visible worksheet, parsed (calamine holds its cells; the
    file is closed again).

    Hidden and very hidden sheets and chart sheets are passed over (``sheets_metadata`` in
    workbook order). A 0-byte or unreadable file and a workbook without a visible worksheet
    are errors, the last listing the workbook's sheets.
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
            return name, workbook.get_sheet_by_name(name)
    except IngestError:
        raise
    except OSError as exc:
        raise IngestError.at(path, f"cannot be read ({os_reason(exc)})") from None
    except Exception as exc:  # calamine raises its own error types for broken files
        raise IngestError.at(path, f"cannot be read as an xlsx workbook ({exc})") from None


def sheet_rows(cells: CalamineSheet) -> Iterator[list[Any]]:
    """The rows of ``cells`` one at a time, from Excel row 1 and column A, as
    ``to_python(skip_empty_area=False)`` returns them all at once: calamine's ``iter_rows``
    starts at row 1 but at the first used column, so columns before it are put back as
    blanks. A row read is freed once the caller lets go of it (a full-size ADB table as one
    list of lists holds 5.7 million float objects, about 180 MB)."""
    start = cells.start
    pad = [""] * (start[1] if start else 0)
    for row in cells.iter_rows():
        yield pad + row if pad else row


def require_values(path: Path, sheet: str, rows: Iterable[list[Any]]) -> None:
    """IngestError when no cell of ``rows`` (a sheet's rows) has a value, naming the
    workbook's sheets when it has several (the first visible worksheet is read)."""
    if any(_filled(v) for row in rows for v in row):
        return
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheets = list(workbook.sheets_metadata)
    except Exception:
        sheets = []
    raise IngestError.at(
        path,
        "the sheet is empty (no cell has a value); the first visible worksheet is read"
        + (f" (sheets: {_describe(sheets)})" if len(sheets) > 1 else ""),
        sheet=sheet,
    )


def read_first_sheet(path: Path) -> tuple[str, list[list[Any]]]:
    """(sheet name, rows) of the first visible worksheet (:func:`open_first_sheet`); rows
    start at Excel row 1, column A. A sheet without any non-blank cell is an error."""
    path = Path(path)
    name, cells = open_first_sheet(path)
    rows = cells.to_python(skip_empty_area=False)
    require_values(path, name, rows)
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


class NumericBlock:
    """A rectangle of ``n_rows x n_cols`` cells at 0-based (row0, col0) as a float matrix,
    filled from the sheet's rows one at a time (:meth:`add`, then :meth:`result`), so that a
    reader can stream a sheet instead of holding every cell as a Python object, or read from
    a list of rows at once (:meth:`read`).

    Blank cells (and cells beyond the end of a short row) become ``blank`` (0 for ADB, NaN
    for KOF). A per-row type census (``set(map(type, cells))``) keeps the common case, a row
    of numbers, at C speed; only other rows are looked at cell by cell. Faults are raised by
    :meth:`result`, so that a reader can check its labels first.
    """

    def __init__(
        self,
        path: Path,
        sheet: str,
        row0: int,
        col0: int,
        n_rows: int,
        n_cols: int,
        *,
        blank: float = 0.0,
        limit: float | None = None,
    ) -> None:
        self.path, self.sheet, self.row0, self.col0 = path, sheet, row0, col0
        self.n_rows, self.n_cols, self.blank, self.limit = n_rows, n_cols, blank, limit
        self.values = np.empty((n_rows, n_cols))
        self.added = 0
        #: blank cells, kept only when blanks are NaN (a stored NaN is a fault, a blank not)
        self._blanks = None if np.isfinite(blank) else np.zeros((n_rows, n_cols), dtype=bool)
        self._first_bad: tuple[int, list[Any]] | None = None  # a row with a non-number
        #: whether any cell read as text: python-calamine reads an Excel error cell as ''
        self._any_text = False

    def add(self, i: int, row: list[Any]) -> bool:
        """Row ``i`` of the rectangle from the sheet's row ``row`` (from column A); whether
        any of its cells in the rectangle has a value."""
        col0, n_cols = self.col0, self.n_cols
        cells = row[col0 : col0 + n_cols]
        if len(cells) < n_cols:
            cells = list(cells) + [""] * (n_cols - len(cells))
        kinds = set(map(type, cells))
        self.added = max(self.added, i + 1)
        if kinds <= _NUMBER_TYPES:
            self.values[i] = cells
            return True
        if kinds <= _CELL_TYPES:
            self._any_text = self._any_text or str in kinds
            blanks = [v.__class__ is str and not v.strip() for v in cells]
            if self._blanks is not None:
                self._blanks[i] = blanks
            cells = [self.blank if b else v for v, b in zip(cells, blanks, strict=True)]
            kinds = set(map(type, cells))
            if kinds <= _NUMBER_TYPES:
                self.values[i] = cells
                return not all(blanks)
        if self._first_bad is None:
            self._first_bad = (i, cells)
        return True

    def result(self) -> np.ndarray:
        """The matrix; IngestError naming the first offending cell (row-major order): text,
        booleans, dates or Excel error values, then non-finite numbers (unless ``blank`` is
        NaN), then, with ``limit``, numbers whose magnitude exceeds it (an absurd value
        would otherwise surface downstream as a singular matrix). Rows never added are
        blank."""
        path, sheet, row0, col0 = self.path, self.sheet, self.row0, self.col0
        for i in range(self.added, self.n_rows):
            self.add(i, [])
        if self._first_bad is not None:
            _refuse_text(path, sheet, *self._first_bad, row0, col0)
        if self._any_text:  # an error cell reads as '': scan the sheet XML only when a cell did
            _refuse_error_cells(path, sheet, row0, col0, self.n_rows, self.n_cols)
        values = self.values
        bad = ~np.isfinite(values)
        if self._blanks is not None and bad.any():  # blanks became NaN
            bad &= ~self._blanks
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise IngestError.at(
                path,
                f"value {values[i, j]} is not a finite number (leave a missing value blank)",
                sheet=sheet,
                cell=(row0 + i, col0 + j),
            )
        if self.limit is not None and _exceeds(values, self.blank, self.limit):
            i, j = np.argwhere(np.abs(values) > self.limit)[0]
            raise IngestError.at(
                path,
                f"value {values[i, j]:g} is absurd (its magnitude exceeds {self.limit:g}: "
                "check the unit and the decimal separator)",
                sheet=sheet,
                cell=(row0 + i, col0 + j),
            )
        return values

    def read(self, rows: list[list[Any]]) -> np.ndarray:
        """:meth:`result` of the rectangle's rows of ``rows`` (a sheet's rows, from row 1)."""
        for i in range(self.n_rows):
            self.add(i, rows[self.row0 + i])
        return self.result()


def _refuse_text(path, sheet, i, cells, row0, col0) -> None:
    for j, value in enumerate(cells):
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
