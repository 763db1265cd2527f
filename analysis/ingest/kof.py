"""Reader for the KOF Globalisation Index in the layout of its public release files.

``KOFGI_<vintage>_public.xlsx``: one sheet, header row 1 ``code, country, year`` and the 27
index columns ``KOFGI`` .. ``KOFPoGIdj``; one row per economy-year; empty cells are missing
values (null, not 0). Lands ``kof_index`` and ``files`` (one row: what the file is).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from analysis.ingest.errors import IngestError
from analysis.ingest.excel import NumericBlock, is_blank, read_first_sheet, with_sheets_hint
from analysis.ingest.filenames import parse_kof_name
from analysis.ingest.hashing import sha256_file
from analysis.ingest.schemas import KOF_INDEX_NAMES
from analysis.provenance import SYNTHETIC_MARKER

HEADER: tuple[str, ...] = ("code", "country", "year", *KOF_INDEX_NAMES)
_ISO3 = re.compile(r"^[A-Z]{3}$")
#: Plausible data years (the 2022 release covers 1970-2020).
YEAR_RANGE: tuple[int, int] = (1970, 2100)


def _check_header(path: Path, sheet: str, header: list[Any]) -> None:
    for j, want in enumerate(HEADER):
        got = header[j] if j < len(header) else ""
        if not isinstance(got, str) or got.strip() != want:
            err = IngestError.at(
                path,
                f"header {got!r}, expected {want!r} (the 30 columns of the KOF release: "
                "code, country, year, KOFGI, KOFGIdf, ..., KOFPoGIdj)",
                sheet=sheet,
                cell=(0, j),
            )
            raise with_sheets_hint(err, path, sheet)
    for j in range(len(HEADER), len(header)):
        if not is_blank(header[j]):
            raise IngestError.at(
                path,
                f"unexpected column {header[j]!r} after {HEADER[-1]!r} "
                f"(the KOF layout has exactly {len(HEADER)} columns)",
                sheet=sheet,
                cell=(0, j),
            )


@dataclass
class _Keys:
    """Code, country and year of every data row, checked."""

    codes: list[str]
    countries: list[str]
    years: np.ndarray


def _row_key(path: Path, sheet: str, row: list[Any], r: int) -> tuple[str, str, int]:
    code, country, year = row[0], row[1], row[2]
    if not (isinstance(code, str) and _ISO3.match(code.strip())):
        raise IngestError.at(
            path,
            f"code {code!r} is not an ISO3 code (three upper-case letters)",
            sheet=sheet,
            cell=(r, 0),
        )
    if not isinstance(country, str) or is_blank(country):
        raise IngestError.at(
            path, f"country name missing (found {country!r})", sheet=sheet, cell=(r, 1)
        )
    if type(year) not in (int, float) or not float(year).is_integer():
        raise IngestError.at(path, f"year {year!r} is not an integer", sheet=sheet, cell=(r, 2))
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise IngestError.at(
            path,
            f"year {int(year)} outside {YEAR_RANGE[0]}..{YEAR_RANGE[1]}",
            sheet=sheet,
            cell=(r, 2),
        )
    return code.strip(), country.strip(), int(year)


def _keys(path: Path, sheet: str, rows: list[list[Any]], body: list[int]) -> _Keys:
    keys = _Keys([], [], np.empty(len(body), dtype=np.int32))
    seen: dict[tuple[str, int], int] = {}
    for i, r in enumerate(body):
        code, country, year = _row_key(path, sheet, rows[r], r)
        if (code, year) in seen:
            raise IngestError.at(
                path,
                f"duplicated (code, year) = ({code}, {year}): "
                f"already in row {seen[code, year] + 1}",
                sheet=sheet,
                row=r + 1,
            )
        seen[code, year] = r
        keys.codes.append(code)
        keys.countries.append(country)
        keys.years[i] = year
    return keys


def workbook_title(path: Path) -> str:
    """The workbook's document title (docProps/core.xml), '' when it has none."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "docProps/core.xml" not in archive.namelist():
                return ""
            root = ElementTree.fromstring(archive.read("docProps/core.xml"))
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError):
        return ""
    titles = [el.text or "" for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "title"]
    return titles[0].strip() if titles else ""


def read_kof(path: Path | str) -> dict[str, pd.DataFrame]:
    """Read and validate a KOF release file into ``kof_index`` and ``files``."""
    path = Path(path)
    vintage = parse_kof_name(path)
    sheet, rows = read_first_sheet(path)
    _check_header(path, sheet, list(rows[0]))
    body = [r for r in range(1, len(rows)) if not all(is_blank(v) for v in rows[r])]
    if not body:
        raise IngestError.at(path, "no data rows below the header", sheet=sheet, row=2)
    keys = _keys(path, sheet, rows, body)
    first, last = body[0], body[-1]
    # one vectorised block from the first to the last data row; blank rows in between drop out
    block = NumericBlock(
        path, sheet, first, 3, last - first + 1, len(KOF_INDEX_NAMES), blank=np.nan, limit=1000.0
    ).read(rows)
    values = block[np.asarray(body) - first]
    n = len(body)
    frame = pd.DataFrame(
        {
            "vintage": np.full(n, vintage, dtype=np.int32),
            "source_file": pd.Series([path.name] * n, dtype="str"),
            "code": pd.Series(keys.codes, dtype="str"),
            "country": pd.Series(keys.countries, dtype="str"),
            "year": keys.years,
        }
    )
    index = pd.DataFrame(values, columns=[c.lower() for c in KOF_INDEX_NAMES])
    title = workbook_title(path)
    files = pd.DataFrame(
        {
            "source_file": [path.name],
            "file_sha256": [sha256_file(path)],
            "vintage": np.array([vintage], dtype=np.int32),
            "synthetic": [SYNTHETIC_MARKER in title],
            "title": [title],
        }
    )
    return {"kof_index": pd.concat([frame, index], axis=1), "files": files}
