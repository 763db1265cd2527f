"""ingest_all: versioned landing, unchanged files not read again, missing sources refused,
cross-file checks and vintages, and a landing swapped atomically (kills at the swap)."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import analysis.ingest.landing as landing
from analysis.errors import CannotRun
from analysis.ingest import SOURCES, IngestError, IngestReport, MissingSource, ingest_all
from analysis.ingest.schemas import SCHEMAS
from analysis.ingest.store import PINS, LandingStore, file_stat
from tests.ingest.conftest import put, write_adb, write_kof, write_nbs

n, WIDTH = 70, 80
ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file of the current landing version."""
    current = LandingStore(folder).current()
    if current is None:
        return {}
    return {
        str(p.relative_to(current)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(current.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def leftovers(folder: Path) -> list[str]:
    """Anything but the current version, its pointer, the builds' pin files and the ingest
    lock."""
    current = LandingStore(folder).current()
    kept = {"current", PINS, ".ingest.lock"}
    return sorted(p.name for p in folder.iterdir() if p.name not in kept and p != current)


def test_sources_exported():
    assert list(SOURCES) == ["adb_mrio", "kof", "nbs"]
    assert SOURCES["nbs"].tables == ("industry_stats", "files")


def test_good_set_lands(raw_set, tmp_path):
    out = tmp_path / "landing"
    report = ingest_all(raw_set, out)
    assert isinstance(report, IngestReport)
    adb = report.sources["adb_mrio"]
    assert [f.name for f in adb] == ["ADB-MRIO1-2017_June2023.xlsx", "ADB-MRIO1-2018_June2023.xlsx"]
    assert adb[0].rows == {"flows": n * WIDTH, "value_added": 7 * WIDTH, "output": n, "files": 1}
    assert report.sources["kof"][0].rows["kof_index"] == 6
    assert len(report.sources["nbs"]) == 4 and report.seconds > 0
    text = report.describe()
    assert "ADB-MRIO1-2018_June2023.xlsx: year 2018, edition 1 (named), vintage 2023-06" in text
    current = LandingStore(out).current()
    assert (out / "current").is_symlink() and current.name.startswith("v-")
    for source, tables in SCHEMAS.items():
        for table, schema in tables.items():
            files = sorted((current / source / table).glob("*.parquet"))
            assert files, (source, table)
            for f in files:
                assert pq.read_schema(f).equals(schema), (f, pq.read_schema(f))
                assert pq.ParquetFile(f).metadata.row_group(0).column(0).compression == "LZ4"
    assert (current / "adb_mrio" / "flows" / "ADB-MRIO1-2018_June2023.xlsx.parquet").is_file()
    manifest = json.loads((current / "manifest.json").read_text())
    raw_hash = hashlib.sha256((raw_set / "kof" / "KOFGI_2022_public.xlsx").read_bytes()).hexdigest()
    assert manifest["sources"]["kof"]["KOFGI_2022_public.xlsx"]["sha256"] == raw_hash
    assert leftovers(out) == []
    con = duckdb.connect()
    flows = f"read_parquet('{out}/current/adb_mrio/flows/*.parquet')"
    assert con.execute(f"select count(*), count(distinct year) from {flows}").fetchone() == (
        2 * n * WIDTH,
        2,
    )
    assert con.execute(
        f"select count(*) from {flows} where row_pos = 0 and col_pos = 1 and value = 0"
    ).fetchone() == (2,)  # the blank cell F8 (PRC c1 -> PRC c2) of both files


def test_unchanged_files_are_not_read_again(raw_set, tmp_path, monkeypatch):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    before = snapshot(out)
    inode = (out / "current" / "kof" / "kof_index" / "KOFGI_2022_public.xlsx.parquet").stat()
    read, order = [], []
    real = landing.land_file

    def spy(task):  # the files read and landed (an unchanged one is hashed only: None)
        order.append(task)
        landed = real(task)
        if landed is not None:
            read.append(task)
        return landed

    monkeypatch.setattr(landing, "land_file", spy)
    write_adb(raw_set / "adb_mrio", 2018, seed=5)  # one file changed
    report = ingest_all(raw_set, out)
    assert [t.path.name for t in read] == ["ADB-MRIO1-2018_June2023.xlsx"]
    assert sum(not f.reused for f in report.files) == 1
    # the other files have the stat they had when landed: linked, neither read nor hashed
    assert [t.path.name for t in order] == ["ADB-MRIO1-2018_June2023.xlsx"]
    assert "(unchanged, not read again)" in report.describe()
    assert "(unchanged" not in report.describe(every_file=False)
    after = (out / "current" / "kof" / "kof_index" / "KOFGI_2022_public.xlsx.parquet").stat()
    assert after.st_ino == inode.st_ino  # hard-linked, not rewritten
    changed = {k for k in before if before[k] != snapshot(out).get(k)}
    assert changed and all("ADB-MRIO1-2018" in k for k in changed)
    assert leftovers(out) == []


def _hashed(monkeypatch) -> list[str]:
    """Names of the raw files landing.land_file hashes from now on."""
    names: list[str] = []
    real = landing.sha256_file

    def spy(path):
        names.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(landing, "sha256_file", spy)
    return names


def test_a_file_rewritten_with_its_size_and_mtime_kept_is_read_again(raw_set, tmp_path):
    """Same name, size and modification time, other bytes: its ctime moved (no program can
    set it back), so the file is hashed, found changed and read."""
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    path = raw_set / "nbs" / "nbs_industry_2012.csv"
    before, text = path.stat(), path.read_text()
    edited = text.replace("Industry 12,", "INDUSTRY 12,")  # the same length
    assert edited != text
    path.write_text(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    report = ingest_all(raw_set, out)
    assert [f.name for f in report.files if not f.reused] == ["nbs_industry_2012.csv"]
    manifest = json.loads((out / "current" / "manifest.json").read_text())
    landed = manifest["sources"]["nbs"]["nbs_industry_2012.csv"]
    assert landed["sha256"] == hashlib.sha256(edited.encode()).hexdigest()
    assert landed["stat"][1:] == [path.stat().st_ino, before.st_size, before.st_mtime_ns,
                                  path.stat().st_ctime_ns]  # fmt: skip
    stats = out / "current" / "nbs" / "industry_stats" / "nbs_industry_2012.csv.parquet"
    names = set(pq.read_table(stats, columns=["industry_name"]).column(0).to_pylist())
    assert "INDUSTRY 12" in names and "Industry 12" not in names


def test_a_touched_file_is_hashed_once_then_linked_on_its_stat(raw_set, tmp_path, monkeypatch):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    path = raw_set / "kof" / "KOFGI_2022_public.xlsx"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    hashed = _hashed(monkeypatch)
    report = ingest_all(raw_set, out)
    assert hashed == ["KOFGI_2022_public.xlsx"] and all(f.reused for f in report.files)
    again = ingest_all(raw_set, out)  # its new stat was recorded with the hash that matched
    assert hashed == ["KOFGI_2022_public.xlsx"] and all(f.reused for f in again.files)


def test_files_to_read_start_first_largest_first(tmp_path):
    sizes = {"small_new": 10, "big_new": 300, "small_known": 5, "big_known": 900}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    tasks = [
        landing._Task(
            "adb_mrio",
            tmp_path / name,
            tmp_path,
            tuple(file_stat(tmp_path / name)),
            "sha" if "known" in name else None,
        )
        for name in sizes
    ]
    ordered = [t.path.name for t in landing._longest_first(tasks)]
    assert ordered == ["big_new", "small_new", "big_known", "small_known"]


def test_each_file_hands_back_what_its_read_freed(raw_set, tmp_path, monkeypatch):
    """After every file, read or refused, what the read freed goes back to the system before
    the next one (a worker kept about 180 MiB of a full-size ADB-72 read otherwise), without
    a cycle collection (0.03-0.05 s a file)."""
    calls = []
    monkeypatch.setattr(landing, "release_freed_memory", lambda **kw: calls.append(kw))

    def task(path: Path) -> landing._Task:
        return landing._Task("adb_mrio", path, tmp_path / "v", tuple(file_stat(path)), None)

    assert landing.land_file(task(sorted((raw_set / "adb_mrio").glob("*.xlsx"))[0]))
    assert calls == [{"collect": False}]
    broken = tmp_path / "ADB-MRIO-2010_June2023.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(IngestError, match="cannot be read"):
        landing.land_file(task(broken))
    assert calls == [{"collect": False}] * 2


def test_files_landed_by_other_readers_are_read_again(raw_set, tmp_path, monkeypatch):
    """After an upgrade of the readers (or a landing without a reader fingerprint), every
    file of every source is read again, even when only one source is asked for."""
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    manifest = json.loads((out / "current" / "manifest.json").read_text())
    assert manifest["reader"] == landing.reader_fingerprint()
    again = ingest_all(raw_set, out)
    assert again.files and all(f.reused for f in again.files)
    monkeypatch.setattr(landing, "reader_fingerprint", lambda: "another-reader")
    report = ingest_all(raw_set, out, sources=["kof"])
    assert report.files and not any(f.reused for f in report.files)
    assert {f.source for f in report.files} == set(SOURCES)
    assert "read again" in " ".join(report.notes)
    manifest = json.loads((out / "current" / "manifest.json").read_text())
    assert manifest["reader"] == "another-reader"
    assert all(f.reused for f in ingest_all(raw_set, out).files)  # same readers: reused
    del manifest["reader"]  # a landing written before readers were fingerprinted
    (out / "current" / "manifest.json").write_text(json.dumps(manifest))
    assert not any(f.reused for f in ingest_all(raw_set, out).files)


@pytest.mark.parametrize("problem", ["missing", "empty", "loop", "file"])
def test_missing_source_is_an_error_naming_source_and_folder(raw_set, tmp_path, problem):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    before = snapshot(out)
    folder = raw_set / "kof"
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    if problem == "empty":
        folder.mkdir()
        (folder / "README.txt").write_text("KOF releases go here")
    elif problem == "loop":
        folder.symlink_to(folder)
    elif problem == "file":
        folder.write_text("not a folder")
    with pytest.raises(MissingSource) as info:
        ingest_all(raw_set, out)
    message = str(info.value)
    assert f"source 'kof': {folder}" in message and "--keep-landed kof" in message
    assert snapshot(out) == before
    # asked explicitly, the landed files of the source are kept
    report = ingest_all(raw_set, out, keep_landed=["kof"])
    assert snapshot(out) == before
    assert any("kept the landed files" in note for note in report.notes)


def test_keep_landed_needs_something_landed(raw_set, tmp_path):
    for f in (raw_set / "nbs").iterdir():
        f.unlink()
    with pytest.raises(IngestError, match="nothing is landed for it to keep"):
        ingest_all(raw_set, tmp_path / "landing", keep_landed=["nbs"])


def test_unknown_source(raw_set, tmp_path):
    with pytest.raises(IngestError, match="unknown source"):
        ingest_all(raw_set, tmp_path / "landing", ["wiod"])


def test_vintages_of_one_year_land_and_the_latest_is_current(tmp_path):
    raw = tmp_path / "raw"
    write_adb(raw / "adb_mrio", 2018, name="ADB-MRIO1-2018_June2023.xlsx")
    write_adb(raw / "adb_mrio", 2018, seed=9, name="ADB-MRIO1-2018_Dec2024.xlsx")
    write_adb(raw / "adb_mrio", 2018, seed=8, name="ADB-MRIO-2018.xlsx")
    report = ingest_all(raw, tmp_path / "landing", ["adb_mrio"], keep_landed=["kof", "nbs"])
    assert len(report.sources["adb_mrio"]) == 3
    notes = "\n".join(report.notes)
    assert (
        "ADB-MRIO1-2018_June2023.xlsx (vintage 2023-06) is superseded by "
        "ADB-MRIO1-2018_Dec2024.xlsx (vintage 2024-12) for edition 1, 2018" in notes
    )
    assert "ADB-MRIO-2018.xlsx (vintage undated) is superseded" in notes


def test_two_undated_files_of_one_year_are_refused(tmp_path):
    raw = tmp_path / "raw"
    write_adb(raw / "adb_mrio", 2018, name="ADB-MRIO1-2018.xlsx")
    write_adb(raw / "adb_mrio", 2018, seed=9, name="ADB-MRIO1-2018_synthetic.xlsx")
    with pytest.raises(IngestError, match="without a release date") as info:
        ingest_all(raw, tmp_path / "landing", ["adb_mrio"])
    assert "ADB-MRIO1-2018.xlsx and ADB-MRIO1-2018_synthetic.xlsx" in str(info.value)


def test_same_vintage_twice_is_refused(tmp_path):
    raw = tmp_path / "raw"
    write_adb(raw / "adb_mrio", 2018, name="ADB-MRIO1-2018_Dec2022.xlsx")
    write_adb(raw / "adb_mrio", 2018, name="ADB-MRIO1-2018_Dec2022 (1).xlsx")
    with pytest.raises(IngestError) as info:
        ingest_all(raw, tmp_path / "landing", ["adb_mrio"])
    message = str(info.value)
    assert "ADB-MRIO1-2018_Dec2022 (1).xlsx and ADB-MRIO1-2018_Dec2022.xlsx" in message
    assert "both hold the edition-1 table of 2018, vintage 2022-12" in message
    assert not (tmp_path / "landing" / "current").exists()


def test_same_year_other_edition_is_fine(tmp_path):
    raw = tmp_path / "raw"
    write_adb(raw / "adb_mrio", 2018)
    write_adb(raw / "adb_mrio", 2018, economies=("PRC", "USA", "RoW"))
    report = ingest_all(raw, tmp_path / "landing", ["adb_mrio"])
    assert sorted(f.meta["edition"] for f in report.files) == ["1", "2"]


def test_same_edition_other_economies(tmp_path):
    raw = tmp_path / "raw"
    write_adb(raw / "adb_mrio", 2017)
    write_adb(raw / "adb_mrio", 2018, economies=("USA", "RoW"))
    with pytest.raises(IngestError) as info:
        ingest_all(raw, tmp_path / "landing", ["adb_mrio"])
    message = str(info.value)
    assert "ADB-MRIO1-2017_June2023.xlsx" in message and "ADB-MRIO1-2018_June2023.xlsx" in message
    assert (
        "same economies" in message and "only in ADB-MRIO1-2018_June2023.xlsx: ['USA']" in message
    )


def test_failed_ingest_leaves_previous_landing_untouched(raw_set, tmp_path):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    before = snapshot(out)
    assert len(before) == 2 * 4 + 2 + 4 * 2
    write_adb(raw_set / "adb_mrio", 2018, seed=2, edit=lambda g: put(g, "G12", "abc"))
    with pytest.raises(IngestError, match=r"ADB-MRIO1-2018_June2023\.xlsx.*cell G12"):
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


def test_disk_full_while_writing_is_one_clear_error(raw_set, tmp_path, monkeypatch):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    before = snapshot(out)
    write_adb(raw_set / "adb_mrio", 2019, seed=3)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "x.parquet"))

    monkeypatch.setattr(landing, "write_parquet", full)
    with pytest.raises(CannotRun, match=r"disk full: writing the landing .*\(No space left"):
        ingest_all(raw_set, out)
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_reingest_of_one_source_keeps_the_others(raw_set, tmp_path):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    (raw_set / "adb_mrio" / "ADB-MRIO1-2017_June2023.xlsx").unlink()
    kof_before = {k: v for k, v in snapshot(out).items() if k.startswith("kof/")}
    report = ingest_all(raw_set, out, ["adb_mrio"])
    assert list(report.sources) == ["adb_mrio"]
    flows = out / "current" / "adb_mrio" / "flows"
    assert sorted(p.name for p in flows.iterdir()) == ["ADB-MRIO1-2018_June2023.xlsx.parquet"]
    assert {k: v for k, v in snapshot(out).items() if k.startswith("kof/")} == kof_before
    assert leftovers(out) == []


KILL_AT = {
    # the instants of the swap: before the version is named, after it is named but before
    # the pointer moves, and right after the pointer moved (before the old one is removed)
    "before-rename": "analysis.ingest.store.os.rename",
    "before-pointer": "analysis.ingest.store.os.replace",
    "after-pointer": "analysis.ingest.store._sync_dir",
}
KILLER = """
import os, signal, sys
from pathlib import Path
import analysis.ingest.store as store
from analysis.ingest import ingest_all
target = sys.argv[1]
module, name = target.rsplit(".", 1)
owner = store.os if module.endswith(".os") else store
real = getattr(owner, name)
def kill_after_or_before(*args, **kwargs):
    if target.endswith("_sync_dir"):
        real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
setattr(owner, name, kill_after_or_before)
ingest_all(Path(sys.argv[2]), Path(sys.argv[3]))
"""


@pytest.mark.parametrize("instant", sorted(KILL_AT))
def test_kill_at_the_swap_leaves_one_ingest_for_every_source(raw_set, tmp_path, instant):
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    old = snapshot(out)
    # change every source, then kill the ingest at the swap
    write_adb(raw_set / "adb_mrio", 2018, seed=11)
    write_kof(raw_set / "kof", name="KOFGI_2023_public.xlsx")
    write_nbs(raw_set / "nbs", "industry", 2013)
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, KILL_AT[instant], str(raw_set), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == -9, proc.stderr
    ingest_all(raw_set, tmp_path / "reference")
    new = snapshot(tmp_path / "reference")
    assert new != old
    assert snapshot(out) == (new if instant == "after-pointer" else old)
    # the next run needs no manual cleanup and lands everything
    ingest_all(raw_set, out)
    assert leftovers(out) == []
    assert snapshot(out) == new


def test_broken_link_named_like_a_raw_file(tmp_path):
    raw = tmp_path / "raw"
    write_adb(raw / "adb_mrio", 2018)
    (raw / "adb_mrio" / "ADB-MRIO1-2019_June2023.xlsx").symlink_to("/nonexistent/file.xlsx")
    (raw / "adb_mrio" / "notes.txt").symlink_to("/nonexistent/notes.txt")
    with pytest.raises(IngestError) as info:
        ingest_all(raw, tmp_path / "landing", ["adb_mrio"])
    message = str(info.value)
    assert message.startswith("ADB-MRIO1-2019_June2023.xlsx: broken symbolic link"), message
    assert "'/nonexistent/file.xlsx' does not exist" in message, message
    assert not (tmp_path / "landing" / "current").exists()
    # a broken link with another suffix is only noted
    (raw / "adb_mrio" / "ADB-MRIO1-2019_June2023.xlsx").unlink()
    report = ingest_all(raw, tmp_path / "landing", ["adb_mrio"])
    assert "adb_mrio: ignored notes.txt (broken symbolic link)" in report.notes


def test_directory_named_like_a_raw_file_is_noted(tmp_path):
    raw = tmp_path / "raw"
    write_kof(raw / "kof")
    (raw / "kof" / "KOFGI_2023_public.xlsx").mkdir()
    (raw / "kof" / "old").mkdir()
    report = ingest_all(raw, tmp_path / "landing", ["kof"])
    assert [f.name for f in report.sources["kof"]] == ["KOFGI_2022_public.xlsx"]
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
        ingest_all(raw, tmp_path / "landing", ["nbs"])
    message = str(info.value)
    assert "NBS_Industry_2010.csv and nbs_industry_2010.csv" in message, message
    assert "both hold the NBS industry table of 2010" in message, message


def test_same_kof_vintage_twice(tmp_path):
    raw = tmp_path / "raw"
    write_kof(raw / "kof")
    write_kof(raw / "kof", name="kofgi_2022_PUBLIC.xlsx")
    with pytest.raises(IngestError, match="both hold the KOF release of vintage 2022"):
        ingest_all(raw, tmp_path / "landing", ["kof"])
    # other vintages are separate releases; the latest feeds the marts
    (raw / "kof" / "kofgi_2022_PUBLIC.xlsx").rename(raw / "kof" / "KOFGI_2023_public.xlsx")
    report = ingest_all(raw, tmp_path / "landing", ["kof"])
    assert sum(f.rows["kof_index"] for f in report.sources["kof"]) == 12
    assert "kof: the marts use the latest release KOFGI_2023_public.xlsx" in report.notes[-1]


def test_dask_workers_land_the_same_files(raw_set, tmp_path):
    """Reading on two local Dask worker processes lands byte-identical Parquet."""
    from analysis.parallel import ClusterSpec, runner

    ingest_all(raw_set, tmp_path / "here")
    with runner(ClusterSpec(workers=2)) as run:
        ingest_all(raw_set, tmp_path / "dask", run=run)
    assert snapshot(tmp_path / "here") == snapshot(tmp_path / "dask")


def test_by_default_one_table_is_read_here_and_several_on_a_local_cluster(
    raw_set, tmp_path, machine
):
    """With no scheduler and no number of workers given, two MRIO tables to read start a
    local cluster (at most one worker per table); one new table is read in this process
    (a cluster cannot split it), and the report says where."""
    from analysis.parallel import ClusterSpec, runner

    machine(cores=4, available_gib=16)
    with runner(ClusterSpec()) as run:
        first = ingest_all(raw_set, tmp_path / "landing", run=run)
    assert "(7 read on 2 local Dask workers, 0 unchanged)" in first.describe()
    write_adb(raw_set / "adb_mrio", 2019, seed=3)
    with runner(ClusterSpec()) as run:
        second = ingest_all(raw_set, tmp_path / "landing", run=run)
        assert run.address is None
    assert "(1 read in this process, 7 unchanged)" in second.describe()


def test_copied_landing_survives_a_kill_while_it_is_replaced(raw_set, tmp_path):
    """A landing copied with `cp -r` has a real `current` folder; the next commit moves it
    aside and then links `current`. Killed in between, the folder moved aside is still the
    landing: readable, not cleaned away, and the next ingest reuses its files."""
    import shutil as sh

    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    version = (out / "current").resolve()
    (out / "current").unlink()
    sh.copytree(version, out / "current")  # as `cp -r` of a landing leaves it
    sh.rmtree(version)
    (out / "current").rename(out / ".old-1234abcd")  # the commit's first step, then a kill
    store = LandingStore(out)
    assert store.current() == out / ".old-1234abcd"
    assert store.manifest() is not None
    store.clean()
    assert (out / ".old-1234abcd").is_dir()
    report = ingest_all(raw_set, out)
    assert report.files and all(f.reused for f in report.files)
    assert (out / "current").is_symlink() and not list(out.glob(".old-*"))


def test_refresh_hashes_only_the_raw_files_changed_since_landed(raw_set, tmp_path, monkeypatch):
    """A scheduled refresh compares the raw files' hashes with the published build's: files
    with the stat they had when landed give their landed hash without being read."""
    import analysis.refresh as refresh
    from analysis.config import Paths

    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    paths = Paths(tmp_path, raw_set, out, tmp_path / "wh.duckdb", tmp_path / "h.duckdb", tmp_path)
    hashed: list[str] = []
    real = refresh.sha256_file
    monkeypatch.setattr(refresh, "sha256_file", lambda p: hashed.append(p.name) or real(p))
    science = raw_set / "nbs" / "nbs_science_2012.csv"
    science.write_text(science.read_text().replace("Industry", "INDUSTRY"))
    seen = refresh.hash_raw_files(paths)
    assert hashed == ["nbs_science_2012.csv"]
    digest = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw_set.rglob("*.*")}
    assert seen == {s: {n: digest[n] for n in seen[s]} for s in SOURCES}
    assert sorted(n for s in SOURCES for n in seen[s]) == sorted(digest)


def test_a_version_a_build_holds_outlives_newer_ingests_until_released(raw_set, tmp_path):
    """An ingest for another warehouse sharing the landing leaves the version a build reads
    (its pin file locked shared) until the build lets go; the next clean removes it."""
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    store = LandingStore(out)
    pinned = store.pin_current()
    held = pinned.path
    assert pinned.manifest.version == held.name
    assert len(pinned.manifest.sources["adb_mrio"]) == 2
    (raw_set / "adb_mrio" / "ADB-MRIO1-2017_June2023.xlsx").unlink()
    ingest_all(raw_set, out)  # a new version is current; the held one stays
    assert store.current() != held and (held / "manifest.json").is_file()
    assert leftovers(out) == [held.name]
    assert (held / "adb_mrio" / "flows" / "ADB-MRIO1-2017_June2023.xlsx.parquet").is_file()
    pinned.release()
    assert store.clean() == [held]
    assert leftovers(out) == [] and not (out / PINS / f"{held.name}.lock").exists()


def test_pinning_takes_the_new_current_version_when_the_old_one_went(
    raw_set, tmp_path, monkeypatch
):
    """Between finding the current version and locking it, an ingest may have made another
    one current and removed the first: the new current one is held instead."""
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    store = LandingStore(out)
    real = store.current()
    gone = out / "v-20000101T000000-gone0000"
    answers = iter([gone, real])
    monkeypatch.setattr(LandingStore, "current", lambda self: next(answers))
    pinned = store.pin_current()
    assert pinned.path == real
    assert sorted(p.name for p in (out / PINS).iterdir()) == [f"{real.name}.lock"]
    pinned.release()


def test_clean_removes_the_pin_files_of_versions_gone_unless_held(raw_set, tmp_path):
    """A version removed by other means than an ingest (by hand) leaves its pin file behind:
    the next clean removes it, unless a build still holds it; the current one's stays."""
    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    store = LandingStore(out)
    current = store.current()
    store.pin_current().release()
    pins = out / PINS
    (pins / "v-20000101T000000-gone0000.lock").touch()
    held = (pins / "v-20000101T000000-held0000.lock").open("a")
    fcntl.flock(held, fcntl.LOCK_SH)
    try:
        store.clean()
        assert sorted(p.name for p in pins.iterdir()) == sorted(
            [f"{current.name}.lock", "v-20000101T000000-held0000.lock"]
        )
    finally:
        held.close()
    store.clean()
    assert [p.name for p in pins.iterdir()] == [f"{current.name}.lock"]


LANDING_HOLDER = """
import sys, time
from pathlib import Path
from analysis.lock import landing_lock
with landing_lock(Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_one_ingest_at_a_time_writes_a_landing_whatever_its_warehouse(raw_set, tmp_path):
    """Warehouses sharing a landing have writer locks of their own: an ingest into the
    landing while another process ingests into it stops at once, naming the landing and
    the holder, and leaves the landing as it was; it runs once the other has finished."""
    from analysis.lock import WriterLocked

    out = tmp_path / "landing"
    ingest_all(raw_set, out)
    before = snapshot(out)
    (raw_set / "adb_mrio" / "ADB-MRIO1-2017_June2023.xlsx").unlink()
    holder = subprocess.Popen(
        [sys.executable, "-c", LANDING_HOLDER, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(WriterLocked) as info:
            ingest_all(raw_set, out)
        message = str(info.value)
        assert f"another ingest into the landing {out} is running (pid {holder.pid} " in message
        assert snapshot(out) == before and leftovers(out) == []
    finally:
        holder.kill()
        holder.wait()
    ingest_all(raw_set, out)
    assert "adb_mrio/flows/ADB-MRIO1-2017_June2023.xlsx.parquet" not in snapshot(out)
