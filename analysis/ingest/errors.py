"""Reader errors that name the file, sheet, cell or line, and the rule broken."""

from __future__ import annotations

from pathlib import Path


class IngestError(ValueError):
    """A raw file breaks a structural rule; nothing from this ingest was landed."""


def cell_name(row: int, col: int) -> str:
    """Excel A1 name of a 0-based (row, col): (7, 4) -> 'E8'."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def fail(path: Path, where: str, rule: str) -> IngestError:
    """An IngestError 'file, where: rule' (``where`` may name sheet, cell, line, column)."""
    location = f"{Path(path).name}, {where}" if where else Path(path).name
    return IngestError(f"{location}: {rule}")
