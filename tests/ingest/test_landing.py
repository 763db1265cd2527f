"""Atomic landing: a failed ingest leaves the previous landing byte-identical."""

from __future__ import annotations

import shutil

import pytest

from analysis.ingest import IngestError, ingest_all
from tests.ingest.edit import edited_xlsx


def _snapshot(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_failed_ingest_leaves_previous_landing_untouched(tiny_raw, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(tiny_raw, raw)
    landing = tmp_path / "landing"
    report = ingest_all(raw, landing)
    assert report.rows["adb_mrio"]["flows"] == 2 * 105 * (105 + 15)
    before = _snapshot(landing)

    def corrupt(ws):
        ws["F9"] = "x"

    bad = raw / "adb_mrio" / "ADB-MRIO62-2008_synthetic.xlsx"
    edited_xlsx(bad, raw / "adb_mrio", corrupt)
    with pytest.raises(IngestError, match="ADB-MRIO62-2008_synthetic.xlsx.*cell F9"):
        ingest_all(raw, landing)
    assert _snapshot(landing) == before
    assert not [p for p in landing.iterdir() if p.name.startswith((".tmp-", ".old-"))]


def test_same_year_twice_is_refused(tiny_raw, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(tiny_raw, raw)
    src = raw / "adb_mrio" / "ADB-MRIO62-2008_synthetic.xlsx"
    shutil.copy(src, raw / "adb_mrio" / "ADB-MRIO62-2008_revised.xlsx")
    with pytest.raises(IngestError, match="both hold the edition-62 table of 2008"):
        ingest_all(raw, tmp_path / "landing", ["adb_mrio"])


def test_requested_source_without_files(tmp_path):
    with pytest.raises(IngestError, match="no raw files for requested source"):
        ingest_all(tmp_path, tmp_path / "landing", ["kof"])
