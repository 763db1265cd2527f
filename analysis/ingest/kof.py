"""Reader for the KOF Globalisation Index in the layout of its public release files.

``KOFGI_<vintage>_public.xlsx``: one sheet, header ``code, country, year`` and 27 index
columns (KOFGI ... KOFPoGIdj); one row per economy-year; empty cells are missing values.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa

from analysis.ingest.errors import cell_name, fail
from analysis.ingest.excel import read_first_sheet

FILE_PATTERN = re.compile(r"^KOFGI_(?P<vintage>\d{4})_public\.xlsx$", re.IGNORECASE)
INDICES = ("GI", "EcGI", "TrGI", "FiGI", "SoGI", "IpGI", "InGI", "CuGI", "PoGI")
INDEX_COLUMNS = tuple(f"KOF{i}{s}" for i in INDICES for s in ("", "df", "dj"))
HEADER = ("code", "country", "year", *INDEX_COLUMNS)


def read_kof(path: Path) -> dict[str, pa.Table]:
    """Read and validate a KOF release file into the ``kof_index`` landing table."""
    path = Path(path)
    match = FILE_PATTERN.match(path.name)
    if not match:
        raise fail(path, "file name", "does not follow KOFGI_<vintage>_public.xlsx")
    sheet, rows = read_first_sheet(path)
    where = f"sheet '{sheet}'"
    header = tuple(str(v).strip() for v in rows[0][: len(HEADER)])
    for j, (got, want) in enumerate(zip(header + ("",) * len(HEADER), HEADER, strict=False)):
        if got != want:
            raise fail(
                path,
                f"{where}, cell {cell_name(0, j)}",
                f"header {got!r}, expected {want!r} (KOF release layout)",
            )
    body = [r for r in rows[1:] if any(v != "" for v in r)]
    if not body:
        raise fail(path, where, "no data rows below the header")
    codes, countries, years = [], [], []
    values = np.full((len(body), len(INDEX_COLUMNS)), np.nan)
    seen: dict[tuple[str, int], int] = {}
    for i, row in enumerate(body):
        r = i + 1
        code, country, year = row[0], row[1], row[2]
        if not (isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code)):
            raise fail(
                path,
                f"{where}, cell {cell_name(r, 0)}",
                f"code {code!r} is not an ISO3 code (three capital letters)",
            )
        if not (isinstance(year, int | float) and float(year).is_integer()):
            raise fail(
                path, f"{where}, cell {cell_name(r, 2)}", f"year {year!r} is not a whole number"
            )
        key = (code, int(year))
        if key in seen:
            raise fail(
                path,
                f"{where}, row {r + 1}",
                f"duplicated ({code}, {int(year)}): already in row {seen[key] + 1}",
            )
        seen[key] = r
        for j, value in enumerate(row[3 : 3 + len(INDEX_COLUMNS)]):
            if value == "":
                continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise fail(
                    path, f"{where}, cell {cell_name(r, 3 + j)}", f"value {value!r} is not numeric"
                )
            values[i, j] = float(value)
        codes.append(code)
        countries.append(str(country))
        years.append(int(year))
    n = len(body)
    columns = {
        "vintage": pa.array(np.full(n, int(match["vintage"]), np.int32)),
        "source_file": pa.array([path.name] * n).dictionary_encode(),
        "code": pa.array(codes),
        "country": pa.array(countries),
        "year": pa.array(np.array(years, np.int32)),
    }
    for j, name in enumerate(INDEX_COLUMNS):
        columns[name.lower()] = pa.array(values[:, j], from_pandas=True)
    return {"kof_index": pa.table(columns)}
