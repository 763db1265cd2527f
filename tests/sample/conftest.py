"""Fixtures of the sample tests: small samples written once per session, read back cells."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from python_calamine import CalamineWorkbook

from analysis.sample import write_sample

DEFAULT_YEARS_WRITTEN = (2008, 2012)


@pytest.fixture(scope="session")
def default_raw(tmp_path_factory) -> Path:
    """The default-size sample (9 economies) for 2008 and 2012."""
    raw = tmp_path_factory.mktemp("default_raw")
    write_sample(raw, size="default", years=list(DEFAULT_YEARS_WRITTEN))
    return raw


def sheet_rows(path: Path) -> tuple[list[str], list[list]]:
    """(sheet names, rows of the first sheet from cell A1) as python-calamine reads them."""
    workbook = CalamineWorkbook.from_path(str(path))
    return workbook.sheet_names, workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)


def numbers(rows: list[list], first_row: int, first_col: int) -> np.ndarray:
    """The numeric block from (first_row, first_col) (0-based) to the end; blanks are 0."""
    block = [
        [0.0 if v == "" else v for v in row[first_col:]]
        for row in rows[first_row:]
        if any(v != "" for v in row)
    ]
    return np.array(block, dtype=float)
