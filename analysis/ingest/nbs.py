"""Reader for NBS industry statistics transcribed from the yearbooks (CSV).

``nbs_industry_<year>.csv`` and ``nbs_science_<year>.csv``: title line with the year, a
``Classification: GB/T 4754-2002|2011`` line, a header ``code,industry,<Indicator> (<unit>)...``,
one row per 2-digit industry, a ``Total`` row, optional ``Note`` lines. Values are converted
to canonical units (money 100 million yuan, persons 10,000, person-years 10,000, pieces).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pyarrow as pa

from analysis.ingest.errors import fail
from analysis.reference import NBS_CODES

FILE_PATTERN = re.compile(r"^nbs_(?P<table>industry|science)_(?P<year>\d{4})\.csv$")
MISSING = {"", "…", "...", "-", "—"}
TOTAL_TOLERANCE = 0.005
MONEY = {"100 million yuan": 1.0, "10000 yuan": 1e-4, "yuan": 1e-8}
#: header text (lower case) -> (indicator key, canonical unit, accepted units -> factor)
INDICATORS: dict[str, tuple[str, str, dict[str, float]]] = {
    "main business income": ("main_business_income", "100 million yuan", MONEY),
    "net fixed assets": ("net_fixed_assets", "100 million yuan", MONEY),
    "total assets": ("total_assets", "100 million yuan", MONEY),
    "average employees": (
        "avg_employees",
        "10000 persons",
        {"10000 persons": 1.0, "persons": 1e-4},
    ),
    "r&d internal expenditure": ("rd_expenditure", "100 million yuan", MONEY),
    "r&d personnel full-time equivalent": (
        "rd_personnel_fte",
        "10000 person-years",
        {"10000 person-years": 1.0, "person-years": 1e-4},
    ),
    "patent applications": ("patent_applications", "pieces", {"pieces": 1.0}),
}
HEADER_CELL = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<unit>[^()]*)\))?$")


def _unit_key(unit: str) -> str:
    return re.sub(r"\s+", " ", unit.replace(",", "").strip().lower())


def read_nbs(path: Path) -> dict[str, pa.Table]:
    """Read and validate one NBS table into the ``industry_stats`` landing table."""
    path = Path(path)
    match = FILE_PATTERN.match(path.name)
    if not match:
        raise fail(path, "file name", "does not follow nbs_<industry|science>_<year>.csv")
    year = int(match["year"])
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        raise fail(path, "", "the file is empty")
    lines = list(csv.reader(io.StringIO(text)))
    if len(lines) < 3:
        raise fail(
            path, f"line {len(lines) + 1}", "missing header line (title, classification, header)"
        )
    title = " ".join(lines[0])
    found = re.findall(r"\b(?:19|20)\d{2}\b", title)
    if not found:
        raise fail(path, "line 1", f"title {title!r} names no year")
    if int(found[0]) != year:
        raise fail(path, "line 1", f"title names year {found[0]} but the file name says {year}")
    cls_match = re.search(r"GB/T\s*4754-(2002|2011)", " ".join(lines[1]))
    if not cls_match:
        raise fail(path, "line 2", "no 'Classification: GB/T 4754-2002' or '-2011' line")
    classification = f"GB/T 4754-{cls_match[1]}"
    valid = dict(NBS_CODES[classification])

    header = [h.strip() for h in lines[2]]
    if header[:2] != ["code", "industry"]:
        raise fail(path, "line 3", f"header must start with 'code,industry', got {header[:2]}")
    columns = []
    for j, cell in enumerate(header[2:], start=3):
        parsed = HEADER_CELL.match(cell)
        name = parsed["name"].strip().lower() if parsed else cell.lower()
        if name not in INDICATORS:
            raise fail(
                path,
                f"line 3, column {j}",
                f"unknown indicator {cell!r}; expected one of {sorted(INDICATORS)}",
            )
        key, canonical, units = INDICATORS[name]
        unit = parsed["unit"] if parsed else None
        if not unit:
            raise fail(path, f"line 3, column {j}", f"{cell!r} states no unit in parentheses")
        if _unit_key(unit) not in units:
            raise fail(
                path,
                f"line 3, column {j}",
                f"unknown unit {unit!r} for {key}; accepted: {sorted(units)}",
            )
        columns.append((key, canonical, unit, units[_unit_key(unit)]))

    records: list[tuple[str, str, list[float]]] = []
    total: list[float] | None = None
    seen: dict[str, int] = {}
    for k, line in enumerate(lines[3:], start=4):
        if not line or not any(c.strip() for c in line):
            continue
        if line[0].strip().lower().startswith("note"):
            break
        code, name = line[0].strip(), (line[1].strip() if len(line) > 1 else "")
        cells = [c.strip() for c in line[2 : 2 + len(columns)]]
        if len(cells) < len(columns):
            raise fail(path, f"line {k}", f"{len(cells)} values, expected {len(columns)}")
        numbers = []
        for j, c in enumerate(cells, start=3):
            if c in MISSING:
                numbers.append(np.nan)
                continue
            try:
                numbers.append(float(c.replace(",", "")))
            except ValueError:
                raise fail(path, f"line {k}, column {j}", f"value {c!r} is not numeric") from None
        if code == "" and name.lower() == "total":
            total = numbers
            continue
        if code not in valid:
            raise fail(
                path, f"line {k}, column 1", f"unknown industry code {code!r} for {classification}"
            )
        if code in seen:
            raise fail(path, f"line {k}, column 1", f"code {code} repeats line {seen[code]}")
        seen[code] = k
        records.append((code, name or valid[code], numbers))
    if not records:
        raise fail(path, "", "no industry rows")
    data = np.array([numbers for _, _, numbers in records])
    if total is not None:
        for j in range(len(columns)):
            expected, got = np.nansum(data[:, j]), total[j]
            if np.isfinite(got) and abs(expected - got) > TOTAL_TOLERANCE * max(abs(got), 1.0):
                raise fail(
                    path,
                    f"Total row, column {j + 3}",
                    f"total {got} differs from the sum of the rows {expected:.6g} "
                    f"by more than {TOTAL_TOLERANCE:.1%}",
                )
    n, m = len(records), len(columns)
    factors = np.array([factor for *_x, factor in columns])
    return {
        "industry_stats": pa.table(
            {
                "year": pa.array(np.full(n * m, year, np.int32)),
                "classification": pa.array([classification] * (n * m)),
                "source_file": pa.array([path.name] * (n * m)),
                "table_name": pa.array([match["table"]] * (n * m)),
                "industry_code": pa.array([code for code, _, _ in records for _ in columns]),
                "industry_name": pa.array([name for _, name, _ in records for _ in columns]),
                "indicator": pa.array([key for _ in records for key, *_x in columns]),
                "value": pa.array((data * factors[None, :]).ravel(), from_pandas=True),
                "unit": pa.array([canonical for _ in records for _k, canonical, *_x in columns]),
                "source_unit": pa.array([unit for _ in records for _k, _c, unit, _f in columns]),
            }
        )
    }
