"""KOF reader on the real 2022 release (../shared/data/kof) and on planted faults."""

from __future__ import annotations

import math

import pytest

from analysis.ingest import IngestError, read_kof
from tests.ingest.edit import edited_xlsx


@pytest.fixture(scope="module")
def real_kof(shared_data):
    return shared_data / "kof" / "KOFGI_2022_public.xlsx"


def test_real_2022_release(real_kof):
    frame = read_kof(real_kof)["kof_index"].to_pandas()
    assert len(frame) == 10_965 and frame["code"].nunique() == 215
    assert set(frame["vintage"]) == {2022}
    china = frame[frame["code"] == "CHN"].set_index("year")["kofecgi"]
    assert china[2008] == pytest.approx(46.8956871, abs=1e-7)
    assert china[2018] == pytest.approx(45.0916061, abs=1e-7)
    assert 1 / china[2008] == pytest.approx(0.0213239226, abs=5e-11)  # printed to 10 places
    aruba_1970 = frame[(frame["code"] == "ABW") & (frame["year"] == 1970)].iloc[0]
    assert math.isnan(aruba_1970["kofgi"])  # empty cell -> missing, not 0


def test_duplicated_code_year(tiny_raw, tmp_path):
    def duplicate(ws):
        ws["A3"], ws["C3"] = ws["A2"].value, ws["C2"].value

    path = edited_xlsx(tiny_raw / "kof" / "KOFGI_2022_public.xlsx", tmp_path, duplicate)
    with pytest.raises(
        IngestError, match=r"KOFGI_2022_public.xlsx, sheet 'Sheet1', row 3: duplicated"
    ):
        read_kof(path)


def test_bad_header(tiny_raw, tmp_path):
    def rename(ws):
        ws["G1"] = "KOFEconGI"

    path = edited_xlsx(tiny_raw / "kof" / "KOFGI_2022_public.xlsx", tmp_path, rename)
    with pytest.raises(IngestError, match=r"cell G1: header 'KOFEconGI', expected 'KOFEcGI'"):
        read_kof(path)


def test_text_index_value(tiny_raw, tmp_path):
    def corrupt(ws):
        ws["G40"] = "n/a"

    path = edited_xlsx(tiny_raw / "kof" / "KOFGI_2022_public.xlsx", tmp_path, corrupt)
    with pytest.raises(IngestError, match=r"cell G40: value 'n/a' is not numeric"):
        read_kof(path)
