"""Write one synthetic MRIO year in ADB's published Excel layout (docs/raw-layouts.md).

Cells (1-based Excel rows, as ADB's checker ``ksreyes/mrio`` R/check.R reads them):

- rows 1-5, column A: title block. Row 1 ``ADB Multi-Regional Input-Output Table <year>``,
  row 2 ``in millions of US$, current prices``, row 3 the synthetic label with the seed,
  row 4 a description of the layout, row 5 blank.
- row 6 from column E: the economy code above every data column, ``ToT`` above the total;
  row 7 from column E: ``c1``..``c35`` per economy, then ``F1``..``F5`` per economy, ``ToT``.
  Columns A-D of rows 6-7 are blank.
- from row 8: column A blank, B sector name (or row name), C economy code (blank on the total
  rows), D sector code (or row code), data from column E. The G*N intermediate rows, then
  ``r60`` (total intermediate consumption), ``r61``..``r66`` (the six value-added-type rows)
  and ``r69`` (total output).

Values (USD million, written as numbers; xlsxwriter prints 16 significant digits):

- ``ToT`` of an intermediate row = its row sum ``rowsum(Z) + rowsum(F)`` = output ``x``.
- ``r60`` = column sum of the G*N intermediate rows under every data column (``colsum(Z)``
  under the intermediate columns, ``colsum(F)`` under the final-demand columns).
- ``r61``..``r66`` under an intermediate column j sum to ``va_j = x_j - colsum_j(Z)``;
  ``r63`` and ``r64`` are 0 there. Under the final-demand columns they are taxes on final
  products (r61), a small cif/fob adjustment under F1 (r62), residents' purchases abroad
  (r63 >= 0, F1) and non-residents' purchases at home (r64 <= 0, F1); r65 and r66 are 0.
- ``r69`` = ``x_j`` under the intermediate columns (the same number as the ``ToT`` entry of
  row j, so that row total = column total), and under a final-demand column the column sum
  ``r60 + r61 + ... + r66`` (final expenditure at purchasers' prices).
- ``ToT`` of the rows r60..r69 = the sum of that row over all data columns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xlsxwriter

from analysis.sample.constants import (
    ADB_TOTAL_ROWS,
    FD_CODES,
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
    "Rows: economy x sector (c1-c35), r60 total intermediate consumption, r61-r66 value-added"
    " rows, r69 total output. Columns: intermediate use (c1-c35), final demand (F1-F5) by"
    " economy, ToT."
)


def table_cells(table: SampleTable) -> np.ndarray:
    """The numbers from cell E8: (G*N + 8) x (G*N + G*5 + 1).

    Rows: the intermediate rows, r60..r66, r69; the last column is ``ToT``.
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
    G, N = len(table.economies), N_SECTORS
    n = G * N
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
    economies_row = [e for e in table.economies for _ in range(N)]
    economies_row += [e for e in table.economies for _ in FD_CODES] + ["ToT"]
    codes_row = [s for _ in table.economies for s in SECTOR_CODES]
    codes_row += [f for _ in table.economies for f in FD_CODES] + ["ToT"]
    ws.write_row(5, 4, economies_row)
    ws.write_row(6, 4, codes_row)
    for i in range(n):
        g, s = divmod(i, N)
        code = SECTOR_CODES[s]
        ws.write_row(7 + i, 1, [SECTOR_NAMES[code], table.economies[g], code, *cells[i].tolist()])
    for k, (code, name) in enumerate(ADB_TOTAL_ROWS):
        row = 7 + n + k
        ws.write_string(row, 1, name)
        ws.write_string(row, 3, code)
        ws.write_row(row, 4, cells[n + k].tolist())
    wb.close()
    return path
