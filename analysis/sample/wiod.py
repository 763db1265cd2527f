"""Write a real WIOD world input-output table (2013 release) in ADB's Excel layout.

The WIOD 2013 tables share ADB-MRIO's 35 sectors (c1..c35) and five final-demand categories
per economy, so a WIOD year written in the ADB layout is a real table the warehouse reads as
it reads ADB's own files (``data/reference/wiod2013``: 40 economies + RoW, USD million,
whole numbers). Economy codes become ADB codes (``CHN`` -> ``PRC``, ``DEU`` -> ``GER``) and
economies are written in ADB order. The layout is the one of ADB's published files, as the
sample writes it (:func:`analysis.sample.adb_writer.write_layout`: names in row 5, ``ToT`` in
row 6 above the total column and row 7 blank there, ``ToT`` in column C of the total rows,
ADB's row codes r60, r99, r61, r62, r63, r64, trs, r69, a footnote row). The published gross
output ``GO`` is the ``ToT`` column and the ``r69`` row; value added at basic prices
(``r64``) is ``GO - colsum(Z)``; the other value-added rows are 0 (WIOD's CSV has none).
Rounded to whole numbers, the rows of such a table do not add up to ``GO`` exactly: the
warehouse reports that as rounding.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from analysis.reference import ADB_ECONOMIES, ADB_TOTAL_ROWS, SECTOR_CODES, economy_order
from analysis.sample.adb_writer import write_layout

#: WIOD economy code (ISO3, but ROM for Romania as ADB writes it) -> ADB code.
ADB_CODE = (
    {code: code for code, *_ in ADB_ECONOMIES}
    | {iso3: code for code, iso3, *_ in ADB_ECONOMIES}
    | {"RoW": "RoW"}
)
WIOD_FD = ("c37", "c38", "c39", "c41", "c42")  # households, NPISH, government, GFCF, inventories
TITLE = "World Input-Output Table {year}, WIOD release of November 2013, in the ADB-MRIO layout"
FOOTNOTE = "$ = United States dollar. Source: WIOD, release of November 2013; not ADB data."


def read_wiod_csv(path: Path) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """(ADB economy codes in ADB order, Z, F, GO) of one WIOD CSV, rows and columns reordered."""
    frame = pd.read_csv(path)
    wiod = list(dict.fromkeys(frame["row_country"]))
    economies = economy_order(ADB_CODE[c] for c in wiod)
    order = [wiod[[ADB_CODE[c] for c in wiod].index(e)] for e in economies]
    rows = [f"{c}_{s}" for c in order for s in SECTOR_CODES]
    frame.index = frame["row_country"] + "_" + frame["row_industry"]
    Z = frame.loc[rows, rows].to_numpy(float)
    F = frame.loc[rows, [f"{c}_{k}" for c in order for k in WIOD_FD]].to_numpy(float)
    return economies, Z, F, frame.loc[rows, "GO"].to_numpy(float)


def _cells(Z: np.ndarray, F: np.ndarray, go: np.ndarray) -> np.ndarray:
    """From cell E8: intermediate rows, r60, r99, r61..r64, trs, r69; the last column is ToT."""
    n = Z.shape[0]
    data = np.hstack([Z, F])
    r60 = data.sum(axis=0)
    value_added = np.zeros((len(ADB_TOTAL_ROWS) - 2, data.shape[1]))  # r99 .. trs
    value_added[4, :n] = go - Z.sum(axis=0)  # r64: value added at basic prices
    r69 = r60 + value_added.sum(axis=0)
    below = np.vstack([r60, value_added, r69])
    block = np.vstack([data, below])
    return np.hstack([block, np.concatenate([go, below.sum(axis=1)])[:, None]])


def write_wiod_as_adb(csv_path: Path, xlsx_path: Path, year: int) -> Path:
    """Write the WIOD table of ``csv_path`` to ``xlsx_path`` in the ADB-MRIO layout."""
    economies, Z, F, go = read_wiod_csv(csv_path)
    cells = _cells(Z, F, go)
    wb = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    wb.set_properties({"title": TITLE.format(year=year), "subject": "WIOD 2013 release"})
    ws = wb.add_worksheet(f"ADB MRIO {year}")
    ws.write_string(0, 0, TITLE.format(year=year))
    ws.write_string(1, 0, "in millions of US$, current prices")
    ws.write_string(
        2, 0, "Source: World Input-Output Database (Timmer et al. 2015), R package wiod"
    )
    write_layout(ws, economies, cells, FOOTNOTE)
    wb.close()
    return xlsx_path
