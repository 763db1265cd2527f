"""The code lists the sample uses agree with the ADB economist's dictionaries (data/reference)."""

from __future__ import annotations

import csv

from python_calamine import CalamineWorkbook

from analysis.sample.constants import ADB62, ADB_SECTORS, ISO3


def test_adb62_economies_and_order(reference_data):
    path = reference_data / "adb-mrio-ksreyes" / "dict_countries.xlsx"
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = rows[0]
    index, code, iso3 = header.index("mrio62"), header.index("mrio_code"), header.index("iso_a3")
    listed = sorted((int(r[index]), r[code], r[iso3]) for r in rows[1:] if r[index] != "")
    assert [i for i, _, _ in listed] == list(range(1, 64))
    assert [c if c != "ROW" else "RoW" for _, c, _ in listed] == list(ADB62)
    assert {c: i for _, c, i in listed if c != "ROW"} == {c: ISO3[c] for c in ADB62 if c != "RoW"}


def test_sector_names(reference_data):
    path = reference_data / "adb-mrio-ksreyes" / "dict_sectors_35.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(f"c{r['c_ind']}", r["c_name"]) for r in rows] == [(c, n) for c, n, _ in ADB_SECTORS]
