"""Write one synthetic MRIO year in ADB's published Excel layout (docs/raw-layouts.md).

Cells (1-based Excel rows) as in ADB's files (``ADB-MRIO-2022_June2023.xlsx`` as printed in
``ksreyes/mrio-processing``; positions as ADB's checker ``ksreyes/mrio`` R/check.R reads them):

- rows 1-4, column A: title block. Row 1 ``ADB Multi-Regional Input-Output Table <year>``,
  row 2 ``in millions of US$, current prices``, row 3 the synthetic label with the seed,
  row 4 a description of the layout.
- row 5 from column E: the name above every data column (sector names, final-demand names),
  ``TOTAL`` above the total column.
- row 6 from column E: the economy code above every data column, ``ToT`` above the total;
  row 7 from column E: ``c1``..``c35`` per economy, then ``F1``..``F5`` per economy, blank
  above the total. Columns A-D of rows 5-7 are blank.
- from row 8: column A blank, B sector name (or row name), C economy code (``ToT`` on the
  total rows), D sector code (or row code), data from column E. The G*N intermediate rows,
  then the eight total rows in ADB's codes: ``r60`` intermediate input total, ``r99`` taxes
  less subsidies on products, ``r61`` cif/fob adjustments, ``r62`` direct purchases abroad
  by residents, ``r63`` purchases on the domestic territory by non-residents, ``r64`` value
  added at basic prices, ``trs`` international transport margins, ``r69`` TOTAL; then a
  footnote row (column B), as ADB's files end.

Values (USD million, written as numbers; xlsxwriter prints 16 significant digits):

- ``ToT`` of an intermediate row = its row sum ``rowsum(Z) + rowsum(F)`` = output ``x``.
- ``r60`` = column sum of the G*N intermediate rows under every data column (``colsum(Z)``
  under the intermediate columns, ``colsum(F)`` under the final-demand columns).
- the six rows r99..trs under an intermediate column j sum to ``va_j = x_j - colsum_j(Z)``;
  ``r62`` and ``r63`` are 0 there. Under the final-demand columns they are taxes on final
  products (r99), a small cif/fob adjustment under F1 (r61), residents' purchases abroad
  (r62 >= 0, F1) and non-residents' purchases at home (r63 <= 0, F1); r64 and trs are 0.
- ``r69`` = ``x_j`` under the intermediate columns (the same number as the ``ToT`` entry of
  row j, so that row total = column total), and under a final-demand column the column sum
  ``r60 + r99 + ... + trs`` (final expenditure at purchasers' prices).
- ``ToT`` of the rows r60..r69 = the sum of that row over all data columns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xlsxwriter

from analysis.sample.constants import (
    ADB_TOTAL_ROWS,
    FD_CODES,
    FD_NAMES,
    FIXED_CREATED,
    N_SECTORS,
    SECTOR_CODES,
    SECTOR_NAMES,
    SYNTHETIC,
)
from analysis.sample.mrio_model import SampleTable

TITLE = "ADB Multi-Regional Input-Output Table {year}"
UNITS = "in millions of US$, current prices"
LABEL = SYNTHETIC + " (seed {seed}) - not ADB data"
DESCRIPTION = (
    "Rows: economy x sector (c1-c35), r60 intermediate input total, r99-trs the six"
    " value-added-type rows, r69 total. Columns: intermediate use (c1-c35), final demand"
    " (F1-F5) by economy, ToT."
)
FOOTNOTE = (
    "$ = United States dollar; cif = cost, insurance, and freight; fob = free on board. "
    + SYNTHETIC
    + " - not ADB data."
)
#: Excel rows of the header (0-based): names, economies, codes; data from the row below.
NAMES_ROW, ECONOMY_ROW, CODE_ROW = 4, 5, 6


def write_layout(ws, economies: list[str], cells: np.ndarray, footnote: str) -> None:
    """Rows 5 to the footnote of the ADB layout (module docstring) on worksheet ``ws``.

    ``cells`` are the numbers from cell E8: (G*N + 8) x (G*N + G*5 + 1), the intermediate
    rows, the eight total rows, ``ToT`` last. Rows are written in order (constant memory).
    """
    N, n = N_SECTORS, len(economies) * N_SECTORS
    names = [SECTOR_NAMES[s] for _ in economies for s in SECTOR_CODES]
    names += [FD_NAMES[f] for _ in economies for f in FD_CODES]
    ws.write_row(NAMES_ROW, 4, [*names, "TOTAL"])
    above = [e for e in economies for _ in range(N)] + [e for e in economies for _ in FD_CODES]
    ws.write_row(ECONOMY_ROW, 4, [*above, "ToT"])
    codes = [s for _ in economies for s in SECTOR_CODES]
    ws.write_row(CODE_ROW, 4, codes + [f for _ in economies for f in FD_CODES])
    first = CODE_ROW + 1
    for i in range(n):
        g, s = divmod(i, N)
        code = SECTOR_CODES[s]
        ws.write_row(first + i, 1, [SECTOR_NAMES[code], economies[g], code, *cells[i].tolist()])
    for k, (code, _, name) in enumerate(ADB_TOTAL_ROWS):
        ws.write_row(first + n + k, 1, [name, "ToT", code, *cells[n + k].tolist()])
    ws.write_string(first + n + len(ADB_TOTAL_ROWS), 1, footnote)


def table_cells(table: SampleTable) -> np.ndarray:
    """The numbers from cell E8: (G*N + 8) x (G*N + G*5 + 1).

    Rows: the intermediate rows, r60, r99, r61, r62, r63, r64, trs, r69; the last column is
    ``ToT``.
    """
    data = np.hstack([table.Z, table.F])  # n x (n + G*5)
    n = table.Z.shape[0]
    x = data.sum(axis=1)  # ToT of the intermediate rows
    r60 = data.sum(axis=0)
    r69 = r60 + table.va_rows.sum(axis=0)  # F columns: total at purchasers' prices
    r69[:n] = x  # intermediate columns: total output, identical to the ToT entries
    below = np.vstack([r60, table.va_rows, r69])  # 8 rows
    block = np.vstack([data, below])
    tot = np.concatenate([x, below.sum(axis=1)])
    return np.hstack([block, tot[:, None]])


def write_adb_xlsx(table: SampleTable, path: Path, seed: int) -> Path:
    """Write ``table`` to ``path`` in the ADB-MRIO layout and return the path."""
    cells = table_cells(table)
    label = LABEL.format(seed=seed)

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.set_properties(
        {
            "title": f"{TITLE.format(year=table.year)} - {SYNTHETIC}",
            "subject": "Synthetic multi-regional input-output table in the ADB-MRIO layout",
            "author": "gvc-warehouse sample generator",
            "company": "gvc-warehouse (synthetic sample, not ADB data)",
            "keywords": "synthetic, sample, not ADB data",
            "comments": label,
            "created": FIXED_CREATED,
        }
    )
    ws = wb.add_worksheet(f"ADB MRIO {table.year}")
    ws.write_string(0, 0, TITLE.format(year=table.year))
    ws.write_string(1, 0, UNITS)
    ws.write_string(2, 0, label)
    ws.write_string(3, 0, DESCRIPTION)
    write_layout(ws, table.economies, cells, FOOTNOTE)
    wb.close()
    return path
