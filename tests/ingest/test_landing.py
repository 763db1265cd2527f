"""ingest_all: Parquet layout and schemas, skipped sources, cross-file checks, atomicity."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import analysis.ingest.landing as landing
from analysis.ingest import SOURCES, IngestError, IngestReport, ingest_all
from analysis.ingest.schemas import SCHEMAS
from tests.ingest.conftest import put, write_adb, write_kof, write_nbs

n, WIDTH = 70, 80


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_sources_exported():
    assert list(SOURCES) == ["adb_mrio", "kof", "nbs"]
    assert SOURCES["nbs"].tables == ("industry_stats",)


def test_good_set_lands(raw_set, tmp_path):
    out = tmp_path / "landing"
    report = ingest_all(raw_set, out)
    assert isinstance(report, IngestReport)
    assert report.sources["adb_mrio"].files == [
        "ADB-MRIO62-2017_test.xlsx",
        "ADB-MRIO62-2018_test.xlsx",
    ]
    assert report.sources["adb_mrio"].rows == {
        "flows": 2 * n * WIDTH,
        "value_added": 2 * 7 * WIDTH,
        "output": 2 * n,
    }
    assert report.sources["kof"].rows == {"kof_index": 6}
    assert report.sources["nbs"].rows == {"industry_stats": 2 * 7 * 4 + 2 * 7 * 3}
    assert len(report.sources["nbs"].files) == 4
    assert report.skipped == [] and report.seconds > 0
    assert "adb_mrio: 2 file(s)" in report.describe()
    for source, tables in SCHEMAS.items():
        for table, schema in tables.items():
            files = sorted((out / source / table).glob("*.parquet"))
            assert files, (source, table)
            for f in files:
                assert pq.read_schema(f).equals(schema), (f, pq.read_schema(f))
                assert pq.ParquetFile(f).metadata.row_group(0).column(0).compression == "ZSTD"
    assert (out / "adb_mrio" / "flows" / "ADB-MRIO62-2018_test.parquet").is_file()
    assert (out / "nbs" / "industry_stats" / "nbs_science_2012.parquet").is_file()
    assert (out / "kof" / "kof_index" / "KOFGI_2022_public.parquet").is_file()
    assert leftovers(out) == []
    con = duckdb.connect()
    flows = f"read_parquet('{out}/adb_mrio/flows/*.parquet')"
    assert con.execute(f"select count(*), count(distinct year) from {flows}").fetchone() == (
        2 * n * WIDTH,
        2,
    )
    assert con.execute(
        f"select count(*) from {flows} where row_sector = 'c1' and col_code = 'c2' "
        "and row_economy = 'PRC' and col_economy = 'PRC' and value = 0"
    ).fetchone() == (2,)  # the blank cell F8 of both files
    nulls = con.execute(
        f"select count(*) from read_parquet('{out}/nbs/industry_stats/*.parquet') "
        "where value is null"
    ).fetchone()
    assert nulls == (8,)


def test_progress_bar(raw_set, tmp_path):
    report = ingest_all(raw_set, tmp_path / "landing", ["kof"], progress=True)
    assert list(report.sources) == ["kof"]


def test_empty_source_folder_is_skipped_unless_requested(tmp_path):
    raw = tmp_path / "raw"
    write_kof(raw / "kof")
    (raw / "nbs").mkdir()
    (raw / "nbs" / "README.txt").write_text("yearbook transcriptions go here")
    report = ingest_all(raw, tmp_path / "landing")
    assert list(report.sources) == ["kof"]
    assert report.skipped == ["adb_mrio", "nbs"]
    notes = "\n".join(report.notes)
    assert "adb_mrio: no raw files" in notes and "ignored README.txt" in notes
    assert not (tmp_path / "landing" / "nbs").exists()
    with pytest.raises(IngestError, match="no .csv files for the requested source 'nbs'"):
        ingest_all(raw, tmp_path / "landing", ["nbs"])
    with pytest.raises(IngestError, match="unknown source"):
        ingest_all(raw, tmp_path / "landing", ["wiod"])


def test_nothing_to_land(tmp_path):
    report = ingest_all(tmp_path / "raw", tmp_path / "landing")
    assert report.sources == {} and report.skipped == list(SOURCES)
    assert not (tmp_path / "landing").exists()


def test_same_year_and_edition_twice(tmp_path):
    raw = tmp_path / "raw"
    write_adb(raw / "adb_mrio", 2018, name="ADB-MRIO62-2018_June2023.xlsx")
    write_adb(raw / "adb_mrio", 2018, name="ADB-MRIO62-2018_Dec2024.xlsx")
    with pytest.raises(IngestError) as info:
        ingest_all(raw, tmp_path / "landing")
    message = str(info.value)
    assert "ADB-MRIO62-2018_Dec2024.xlsx" in message
    assert "ADB-MRIO62-2018_June2023.xlsx" in message
    assert "both hold the edition-62 table of 2018" in message
    assert leftovers(tmp_path / "landing") == []


def test_same_year_other_edition_is_fine(tmp_path):
    raw = tmp_path / "raw"
    write_adb(raw / "adb_mrio", 2018, name="ADB-MRIO62-2018_June2023.xlsx")
    write_adb(raw / "adb_mrio", 2018, name="ADB-MRIO72-2018_June2023.xlsx")
    report = ingest_all(raw, tmp_path / "landing")
    assert report.sources["adb_mrio"].rows["output"] == 2 * n


def test_same_edition_other_economies(tmp_path):
    raw = tmp_path / "raw"
    write_adb(raw / "adb_mrio", 2017)
    write_adb(raw / "adb_mrio", 2018, economies=("PRC", "USA", "RoW"))
    with pytest.raises(IngestError) as info:
        ingest_all(raw, tmp_path / "landing")
    message = str(info.value)
    assert "ADB-MRIO62-2017_test.xlsx" in message and "ADB-MRIO62-2018_test.xlsx" in message
    assert "same economies" in message and "only in ADB-MRIO62-2018_test.xlsx: ['USA']" in message


def test_failed_ingest_leaves_previous_landing_untouched(raw_set, tmp_path):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    before = snapshot(out)
    assert len(before) == 2 * 3 + 1 + 4
    # corrupt the last file read of adb_mrio: text in cell G12
    write_adb(raw_set / "adb_mrio", 2018, seed=2, edit=lambda g: put(g, "G12", "abc"))
    with pytest.raises(IngestError, match=r"ADB-MRIO62-2018_test\.xlsx.*cell G12"):
        ingest_all(raw_set, out)
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_failure_in_a_later_source_changes_no_source(raw_set, tmp_path):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    before = snapshot(out)
    write_adb(raw_set / "adb_mrio", 2019, seed=3)  # a new good ADB year ...
    (raw_set / "nbs" / "nbs_science_2012.csv").write_bytes(b"")  # ... and a broken NBS file
    with pytest.raises(IngestError, match="nbs_science_2012.csv: the file is empty"):
        ingest_all(raw_set, out)
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_failure_while_writing_parquet(raw_set, tmp_path, monkeypatch):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    before = snapshot(out)
    calls = {"n": 0}
    real = landing.write_parquet

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(landing, "write_parquet", flaky)
    with pytest.raises(OSError, match="disk full"):
        ingest_all(raw_set, out)
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_reingest_replaces_the_source(raw_set, tmp_path):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    (raw_set / "adb_mrio" / "ADB-MRIO62-2017_test.xlsx").unlink()
    kof_before = snapshot(out / "kof")
    report = ingest_all(raw_set, out, ["adb_mrio"])
    assert list(report.sources) == ["adb_mrio"]
    assert sorted(p.name for p in (out / "adb_mrio" / "flows").iterdir()) == [
        "ADB-MRIO62-2018_test.parquet"
    ]
    assert snapshot(out / "kof") == kof_before
    assert leftovers(out) == []


def test_recovers_from_a_killed_swap(raw_set, tmp_path):
    out = tmp_path / "landing"
    ingest_all(raw_set, out, ["kof"])
    before = snapshot(out / "kof")
    # a run killed between "rename old aside" and "rename new in", plus a stale tmp dir
    os.replace(out / "kof", out / ".old-kof-dead0001")
    (out / ".tmp-kof-dead0001" / "kof_index").mkdir(parents=True)
    ingest_all(raw_set, out, ["nbs"])  # other sources leave kof's leftovers alone
    assert (out / ".old-kof-dead0001").exists()
    report = ingest_all(raw_set, out, ["kof"])
    assert report.sources["kof"].rows == {"kof_index": 6}
    assert snapshot(out / "kof") == before
    assert leftovers(out) == []


def test_broken_link_named_like_a_raw_file(tmp_path):
    raw = tmp_path / "raw"
    write_adb(raw / "adb_mrio", 2018)
    (raw / "adb_mrio" / "ADB-MRIO62-2019_test.xlsx").symlink_to("/nonexistent/file.xlsx")
    (raw / "adb_mrio" / "notes.txt").symlink_to("/nonexistent/notes.txt")
    with pytest.raises(IngestError) as info:
        ingest_all(raw, tmp_path / "landing")
    message = str(info.value)
    assert message.startswith("ADB-MRIO62-2019_test.xlsx: broken symbolic link"), message
    assert "'/nonexistent/file.xlsx' does not exist" in message, message
    assert not (tmp_path / "landing").exists()
    # a broken link with another suffix is only noted
    (raw / "adb_mrio" / "ADB-MRIO62-2019_test.xlsx").unlink()
    report = ingest_all(raw, tmp_path / "landing")
    assert "adb_mrio: ignored notes.txt (broken symbolic link)" in report.notes


def test_directory_named_like_a_raw_file_is_noted(tmp_path):
    raw = tmp_path / "raw"
    write_kof(raw / "kof")
    (raw / "kof" / "KOFGI_2023_public.xlsx").mkdir()
    (raw / "kof" / "old").mkdir()
    report = ingest_all(raw, tmp_path / "landing")
    assert report.sources["kof"].files == ["KOFGI_2022_public.xlsx"]
    assert "kof: ignored KOFGI_2023_public.xlsx/ (a directory: sub-folders are not read)" in (
        report.notes
    )
    assert "kof: ignored old/ (a directory: sub-folders are not read)" in report.notes


def test_same_nbs_table_and_year_in_names_differing_in_case(tmp_path):
    raw = tmp_path / "raw"
    write_nbs(raw / "nbs", "industry", 2010)
    write_nbs(raw / "nbs", "industry", 2010, name="NBS_Industry_2010.csv")
    write_nbs(raw / "nbs", "science", 2010)
    with pytest.raises(IngestError) as info:
        ingest_all(raw, tmp_path / "landing")
    message = str(info.value)
    assert "NBS_Industry_2010.csv and nbs_industry_2010.csv" in message, message
    assert "both hold the NBS industry table of 2010" in message, message
    assert leftovers(tmp_path / "landing") == []


def test_same_kof_vintage_twice(tmp_path):
    raw = tmp_path / "raw"
    write_kof(raw / "kof")
    write_kof(raw / "kof", name="kofgi_2022_PUBLIC.xlsx")
    with pytest.raises(IngestError, match="both hold the KOF release of vintage 2022"):
        ingest_all(raw, tmp_path / "landing")
    # other vintages are separate releases
    (raw / "kof" / "kofgi_2022_PUBLIC.xlsx").rename(raw / "kof" / "KOFGI_2023_public.xlsx")
    report = ingest_all(raw, tmp_path / "landing")
    assert report.sources["kof"].rows["kof_index"] == 12
