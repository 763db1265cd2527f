"""Reader errors that name the file, the sheet, the cell (or line/row/column) and the rule.

Message format (docs/raw-layouts.md):
``ADB-MRIO-2018_synthetic.xlsx, sheet 'ADB MRIO 2018', cell F12: value 'abc' is not numeric``
"""

from __future__ import annotations

from pathlib import Path

from analysis.errors import BadInput


def column_letters(col: int) -> str:
    """Excel column letters of a 0-based column index: 0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    if col < 0:
        raise ValueError(f"column index {col} is negative")
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """Excel A1 name of a 0-based (row, col): (7, 4) -> 'E8', (11, 6) -> 'G12'."""
    if row < 0:
        raise ValueError(f"row index {row} is negative")
    return f"{column_letters(col)}{row + 1}"


class IngestError(BadInput, ValueError):
    """A raw file (or a set of raw files) breaks a structural rule of docs/raw-layouts.md.

    ``str(error)`` is the full message; the parts are kept as attributes for programs:
    ``file`` (file name), ``sheet``, ``location`` (e.g. ``cell G12``, ``line 3, column 4``,
    ``row 7``) and ``rule`` (what is wrong). Nothing of the failed ingest is landed.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        location: str | None = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.sheet = sheet
        self.location = location
        self.rule = rule if rule is not None else message

    def __reduce__(self):
        """Keep the parts when the error crosses a process boundary (Dask workers)."""
        return (_rebuild, (type(self), str(self), dict(self.__dict__)))

    @classmethod
    def at(
        cls,
        path: Path | str,
        rule: str,
        *,
        sheet: str | None = None,
        cell: tuple[int, int] | None = None,
        row: int | None = None,
        column: int | str | None = None,
        line: int | None = None,
        where: str | None = None,
    ) -> IngestError:
        """Build the error for ``path``.

        ``cell`` is a 0-based (row, col) pair rendered in A1 notation; ``row`` is a 1-based
        Excel row, ``line`` a 1-based text line, ``column`` a 1-based column number or a
        column name; ``where`` is free text for anything else (e.g. ``file name``).
        """
        name = Path(path).name
        parts: list[str] = []
        if sheet is not None:
            parts.append(f"sheet '{sheet}'")
        location: list[str] = []
        if cell is not None:
            location.append(f"cell {cell_name(*cell)}")
        if row is not None:
            location.append(f"row {row}")
        if line is not None:
            location.append(f"line {line}")
        if column is not None:
            location.append(f"column {column}")
        if where:
            location.append(where)
        loc = ", ".join(location) or None
        prefix = ", ".join([name, *parts, *([loc] if loc else [])])
        return cls(f"{prefix}: {rule}", file=name, sheet=sheet, location=loc, rule=rule)


def _rebuild(cls: type[IngestError], message: str, parts: dict) -> IngestError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(parts)
    return error
