"""Reader for NBS industry statistics transcribed from the yearbooks (CSV, UTF-8).

``nbs_industry_<year>.csv`` and ``nbs_science_<year>.csv`` (docs/raw-layouts.md): line 1 title
with the year, line 2 ``Classification: GB/T 4754-2002`` (or ``-2011``), line 3 the header
``code,industry,<Indicator> (<unit>),...``, then one row per 2-digit industry and a ``Total``
row (blank code) checked against the column sums; trailing ``Note:`` lines are ignored (a
data row below a note, or a row with more cells than the header, is an error).
Values are converted to canonical units (money: 100 million yuan; persons: 10000 persons;
person-years: 10000 person-years; patents: pieces). Lands ``industry_stats``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import os_reason
from analysis.ingest.errors import IngestError
from analysis.ingest.hashing import sha256_file
from analysis.ingest.nbs_codes import CLASSIFICATIONS, NBS_CODES
from analysis.ingest.years import YEAR as _YEAR
from analysis.ingest.years import year_problem
from analysis.provenance import SYNTHETIC_MARKER

FILE_NAME = re.compile(r"^nbs_(?P<table>industry|science)_(?P<year>\d{4})\.csv$", re.IGNORECASE)
MISSING: frozenset[str] = frozenset({"", "…", "...", "-"})
TOTAL_LABELS: frozenset[str] = frozenset({"total", "总计", "合计"})
TOTAL_TOLERANCE = 0.005  # relative to the printed Total

MONEY = "100 million yuan"
_MONEY_UNITS = {"100 million yuan": 1.0, "10000 yuan": 1e4, "yuan": 1e8}


@dataclass(frozen=True)
class Indicator:
    key: str
    header: str
    table: str  # 'industry' | 'science'
    unit: str  # canonical
    divisors: dict[str, float]  # accepted unit (normalised) -> divide by this for canonical


INDICATORS: tuple[Indicator, ...] = (
    Indicator("main_business_income", "Main Business Income", "industry", MONEY, _MONEY_UNITS),
    Indicator("net_fixed_assets", "Net Fixed Assets", "industry", MONEY, _MONEY_UNITS),
    Indicator("total_assets", "Total Assets", "industry", MONEY, _MONEY_UNITS),
    Indicator(
        "avg_employees",
        "Average Employees",
        "industry",
        "10000 persons",
        {"10000 persons": 1.0, "persons": 1e4},
    ),
    Indicator("rd_expenditure", "R&D Internal Expenditure", "science", MONEY, _MONEY_UNITS),
    Indicator(
        "rd_personnel_fte",
        "R&D Personnel Full-time Equivalent",
        "science",
        "10000 person-years",
        {"10000 person-years": 1.0, "person-years": 1e4},
    ),
    Indicator("patent_applications", "Patent Applications", "science", "pieces", {"pieces": 1.0}),
)
_BY_HEADER: dict[str, Indicator] = {" ".join(i.header.lower().split()): i for i in INDICATORS}
_HEADER_CELL = re.compile(r"^(?P<name>[^()]*?)\s*(?:\((?P<unit>[^()]*)\))?\s*$")
_CLASSIFICATION = re.compile(r"^\s*classification\s*:\s*GB/T\s*4754\s*-\s*(\d{4})\s*$", re.I)
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
#: Full-width parentheses (as typed with a Chinese input method) read as ASCII ones.
_FULL_WIDTH = str.maketrans({"\uff08": "(", "\uff09": ")"})
_THOUSANDS_HINT = 'an unquoted thousands separator? Write 15820.82 or quote it: "15,820.82"'


def normalise_unit(unit: str) -> str:
    """'10,000 Yuan' -> '10000 yuan'; white space collapsed, thousands separators dropped."""
    unit = re.sub(r"(?<=\d)[,\s](?=\d{3}(?!\d))", "", unit.strip().lower())
    return " ".join(unit.split())


def parse_number(cell: str) -> float | None:
    """A yearbook number: None for the missing markers, float otherwise, ValueError if text."""
    value = cell.strip()
    if value in MISSING:
        return None
    if _GROUPED.match(value):
        value = value.replace(",", "")
    if not _NUMBER.match(value):
        raise ValueError(value)
    return float(value)


@dataclass(frozen=True)
class _Column:
    number: int  # 1-based CSV column
    header: str
    indicator: Indicator
    source_unit: str
    divisor: float


def _indicator(path: Path, cell: str, line: int, number: int, table: str, parsed):
    """The indicator a header cell names (of this table); IngestError otherwise."""
    name = " ".join((parsed["name"] if parsed else cell).lower().split())
    indicator = _BY_HEADER.get(name)
    if indicator is None:
        known = ", ".join(repr(i.header) for i in INDICATORS if i.table == table)
        raise IngestError.at(
            path,
            f"unknown indicator {cell!r} (header cells are '<Indicator> (<unit>)'; "
            f"the {table} table has {known})",
            line=line,
            column=number,
        )
    if indicator.table != table:
        raise IngestError.at(
            path,
            f"indicator {indicator.header!r} belongs to nbs_{indicator.table}_<year>.csv, "
            f"not to the {table} table",
            line=line,
            column=number,
        )
    return indicator


def _divisor(path: Path, cell: str, line: int, number: int, indicator: Indicator, parsed):
    """(unit as printed, divisor to the canonical unit); IngestError for a missing or
    unknown unit."""
    accepted = ", ".join(repr(u) for u in indicator.divisors)
    unit = (parsed["unit"] or "").strip() if parsed else ""
    if not unit:
        raise IngestError.at(
            path,
            f"missing unit: {cell!r} states no unit in parentheses "
            f"(accepted for {indicator.key}: {accepted})",
            line=line,
            column=number,
        )
    divisor = indicator.divisors.get(normalise_unit(unit))
    if divisor is None:
        raise IngestError.at(
            path,
            f"unknown unit {unit!r} for {indicator.key} (accepted: {accepted})",
            line=line,
            column=number,
        )
    return unit, divisor


def _parse_header(path: Path, cells: list[str], line: int, table: str) -> list[_Column]:
    """The indicator columns of the header line ``code,industry,<Indicator> (<unit>),...``."""
    cells = [c.strip() for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    if [c.lower() for c in cells[:2]] != ["code", "industry"]:
        raise IngestError.at(
            path,
            f"header must start with 'code,industry', found {','.join(cells[:2])!r}",
            line=line,
            column=1,
        )
    columns: list[_Column] = []
    seen: dict[str, int] = {}
    for number, cell in enumerate(cells[2:], start=3):
        parsed = _HEADER_CELL.match(cell.translate(_FULL_WIDTH))
        indicator = _indicator(path, cell, line, number, table, parsed)
        if indicator.key in seen:
            raise IngestError.at(
                path,
                f"indicator {indicator.header!r} repeated "
                f"(already in column {seen[indicator.key]})",
                line=line,
                column=number,
            )
        seen[indicator.key] = number
        unit, divisor = _divisor(path, cell, line, number, indicator, parsed)
        columns.append(_Column(number, cell, indicator, unit, divisor))
    if not columns:
        raise IngestError.at(path, "the header names no indicator column", line=line, column=3)
    return columns


def _content(path: Path) -> tuple[str, int, str]:
    """(table, year, text) of an NBS file: its name checked, its bytes decoded as UTF-8."""
    match = FILE_NAME.match(path.name)
    if not match:
        missing_year = "" if _YEAR.search(path.name) else " (no year in the name)"
        raise IngestError.at(
            path,
            f"does not follow nbs_<industry|science>_<year>.csv{missing_year}",
            where="file name",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError.at(path, f"cannot be read ({os_reason(exc)})") from None
    if not raw:
        raise IngestError.at(path, "the file is empty (0 bytes)")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError.at(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not content.strip():
        raise IngestError.at(path, "the file is empty (white space only)")
    return match["table"].lower(), int(match["year"]), content


def _records(content: str) -> list[tuple[int, list[str]]]:
    """(first line number, cells) of every CSV record (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(content))
    records: list[tuple[int, list[str]]] = []
    start = 1
    for cells in reader:
        records.append((start, cells))
        start = reader.line_num + 1
    return records


def _preamble(path: Path, records, year: int) -> tuple[str, str]:
    """(title, classification) from lines 1 and 2."""
    title = " ".join(c.strip() for c in records[0][1] if c.strip())
    problem = year_problem(title, year)
    if problem is not None:
        raise IngestError.at(path, problem, line=1)
    if len(records) < 2:
        raise IngestError.at(path, "missing classification line", line=2)
    line2 = ",".join(records[1][1]).strip().strip(",")
    found = _CLASSIFICATION.match(line2)
    classification = f"GB/T 4754-{found[1]}" if found else None
    if classification not in CLASSIFICATIONS:
        raise IngestError.at(
            path,
            f"expected 'Classification: GB/T 4754-2002' or 'Classification: GB/T 4754-2011', "
            f"found {line2!r}",
            line=records[1][0],
        )
    if len(records) < 3:
        raise IngestError.at(path, "missing header line 'code,industry,...'", line=3)
    return title, classification


@dataclass
class _Body:
    """The industry rows and the Total row of a table, as read."""

    codes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    values: list[list[float | None]] = field(default_factory=list)
    lines_of: dict[str, int] = field(default_factory=dict)
    total: tuple[int, list[float | None]] | None = None


def _numbers(path: Path, line: int, cells: list[str], columns: list[_Column]):
    row: list[float | None] = []
    for col in columns:
        cell = cells[col.number - 1]
        try:
            row.append(parse_number(cell))
        except ValueError:
            raise IngestError.at(
                path,
                f"value {cell!r} is not numeric (numbers, or '…', '...', '-', blank for missing)",
                line=line,
                column=f"{col.number} ({col.header})",
            ) from None
    return row


def _check_width(
    path: Path, line: int, cells: list[str], header_line: int, header_count: int, width: int
) -> None:
    if len(cells) > header_count:
        raise _too_many_cells(path, line, cells, header_line, header_count)
    if len(cells) > width and any(cells[width:]):
        first_extra = next(j for j in range(width, len(cells)) if cells[j])
        raise IngestError.at(
            path,
            f"value {cells[first_extra]!r} beyond the {width} columns of the header "
            f"({_THOUSANDS_HINT})",
            line=line,
            column=first_extra + 1,
        )


def _add_row(path: Path, body: _Body, line: int, cells: list[str], row, valid, classification):
    code, name = cells[0], cells[1]
    if not code:
        if name.lower() not in TOTAL_LABELS:
            raise IngestError.at(
                path,
                f"industry code missing for {name!r} (only the Total row has a blank code)",
                line=line,
                column=1,
            )
        if body.total is not None:
            raise IngestError.at(
                path, f"second Total row (the first is on line {body.total[0]})", line=line
            )
        body.total = (line, row)
        return
    if not re.fullmatch(r"\d{2}", code):
        raise IngestError.at(
            path, f"industry code {code!r} is not a 2-digit code", line=line, column=1
        )
    if code not in valid:
        raise IngestError.at(
            path,
            f"unknown industry code {code!r} for {classification} (valid: {', '.join(valid)})",
            line=line,
            column=1,
        )
    if code in body.lines_of:
        raise IngestError.at(
            path,
            f"duplicated industry code {code!r} (already on line {body.lines_of[code]})",
            line=line,
            column=1,
        )
    body.lines_of[code] = line
    body.codes.append(code)
    body.names.append(name or valid[code])
    body.values.append(row)


def _is_data_row(cells: list[str]) -> bool:
    return bool(re.fullmatch(r"\d+", cells[0])) or (
        not cells[0] and len(cells) > 1 and cells[1].lower() in TOTAL_LABELS
    )


def _body(path: Path, records, columns: list[_Column], header, classification: str) -> _Body:
    """Rows below the header up to the notes; notes end the table."""
    header_line, header_cells = header
    width = 2 + len(columns)
    header_count = max(width, len(header_cells))  # trailing blank header cells included
    valid = NBS_CODES[classification]
    body, note_line = _Body(), None
    for line, raw_cells in records[3:]:
        cells = [c.strip() for c in raw_cells]
        if not any(cells):
            continue
        if note_line is not None:
            if _is_data_row(cells):  # a data row below a note would be dropped silently
                raise IngestError.at(
                    path,
                    f"data row after the Note line {note_line} (notes end the table; "
                    "move the note below the Total row)",
                    line=line,
                    column=1,
                )
            continue
        if cells[0].lower().startswith("note"):
            note_line = line
            continue
        _check_width(path, line, cells, header_line, header_count, width)
        cells += [""] * (width - len(cells))
        _add_row(
            path, body, line, cells, _numbers(path, line, cells, columns), valid, classification
        )
    if not body.codes:
        raise IngestError.at(path, "no industry rows below the header", line=header_line + 1)
    if body.total is None:
        raise IngestError.at(
            path,
            "no Total row (blank code, industry 'Total'): the column sums cannot be checked",
            line=max(body.lines_of.values()) + 1,
        )
    return body


def _frame(path: Path, year: int, table: str, classification: str, columns, body: _Body):
    matrix = np.array(
        [[np.nan if v is None else v for v in row] for row in body.values], dtype=np.float64
    )
    canonical = matrix / np.array([c.divisor for c in columns])
    n_rows, n_cols = matrix.shape
    m = n_rows * n_cols
    return pd.DataFrame(
        {
            "year": np.full(m, year, dtype=np.int32),
            "classification": pd.Series([classification] * m, dtype="str"),
            "source_file": pd.Series([path.name] * m, dtype="str"),
            "table_name": pd.Series([table] * m, dtype="str"),
            "industry_code": pd.Series(np.repeat(body.codes, n_cols), dtype="str"),
            "industry_name": pd.Series(np.repeat(body.names, n_cols), dtype="str"),
            "indicator": pd.Series([c.indicator.key for c in columns] * n_rows, dtype="str"),
            "value": canonical.ravel(),
            "unit": pd.Series([c.indicator.unit for c in columns] * n_rows, dtype="str"),
            "source_unit": pd.Series([c.source_unit for c in columns] * n_rows, dtype="str"),
        }
    )


def read_nbs(path: Path | str) -> dict[str, pd.DataFrame]:
    """Read and validate one NBS CSV table into ``industry_stats`` and ``files``."""
    path = Path(path)
    table, year, content = _content(path)
    records = _records(content)
    title, classification = _preamble(path, records, year)
    header_line, header_cells = records[2]
    columns = _parse_header(path, header_cells, header_line, table)
    body = _body(path, records, columns, records[2], classification)
    _check_total(path, columns, body.values, body.total)
    files = pd.DataFrame(
        {
            "source_file": [path.name],
            "file_sha256": [sha256_file(path)],
            "year": np.array([year], dtype=np.int32),
            "table_name": [table],
            "classification": [classification],
            "synthetic": [SYNTHETIC_MARKER in title],
            "title": [title],
        }
    )
    stats = _frame(path, year, table, classification, columns, body)
    return {"industry_stats": stats, "files": files}


def _too_many_cells(
    path: Path, line: int, cells: list[str], header_line: int, header_count: int
) -> IngestError:
    """A data row longer than the header: name the likely split number if there is one."""
    rule = f"the row has {len(cells)} cells but the header (line {header_line}) has {header_count}"
    for j in range(2, len(cells) - 1):
        if re.fullmatch(r"[+-]?\d{1,3}", cells[j]) and re.fullmatch(
            r"\d{3}(?:\.\d*)?", cells[j + 1]
        ):
            return IngestError.at(
                path,
                f"{rule}: '{cells[j]},{cells[j + 1]}' looks like one number split by an "
                f"unquoted thousands separator, which shifts every later value (write "
                f'{cells[j]}{cells[j + 1]} or quote it: "{cells[j]},{cells[j + 1]}")',
                line=line,
                column=j + 1,
            )
    return IngestError.at(
        path,
        f"{rule}: the values are shifted ({_THOUSANDS_HINT})",
        line=line,
        column=header_count + 1,
    )


def _check_total(
    path: Path,
    columns: list[_Column],
    values: list[list[float | None]],
    total: tuple[int, list[float | None]],
) -> None:
    line, totals = total
    for k, col in enumerate(columns):
        printed = totals[k]
        if printed is None:
            continue  # nothing to check against
        summed = math.fsum(row[k] for row in values if row[k] is not None)
        if abs(summed - printed) > TOTAL_TOLERANCE * abs(printed) + 1e-9:
            share = (
                f"{abs(summed - printed) / abs(printed):.2%}" if printed else "a non-zero amount"
            )
            raise IngestError.at(
                path,
                f"total mismatch: Total {printed:g} but the industry rows sum to {summed:g} "
                f"(off by {share}; tolerance {TOTAL_TOLERANCE:.1%})",
                line=line,
                column=f"{col.number} ({col.header})",
            )
