"""The published file copied into the candidate during the ingest (analysis.background_copy):
whole and equal, prepared in the copy's thread, stopped and removed on cancel, its error
raised on wait; and the replaced file freed after the replace (replace_and_free_later)."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest

import analysis.background_copy as background_copy
from analysis.background_copy import BackgroundCopy, replace_and_free_later


def test_copy_is_whole_and_equal(tmp_path, monkeypatch):
    monkeypatch.setattr(background_copy, "CHUNK", 1000)  # several chunks
    source = tmp_path / "published.duckdb"
    source.write_bytes(os.urandom(10_500))
    copy = BackgroundCopy(source, tmp_path / ".candidate.duckdb")
    copy.wait()
    assert (tmp_path / ".candidate.duckdb").read_bytes() == source.read_bytes()


def test_cancel_stops_and_removes_the_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(background_copy, "CHUNK", 1)
    source = tmp_path / "published.duckdb"
    source.write_bytes(os.urandom(2_000_000))  # 2 million one-byte chunks: still copying
    copy = BackgroundCopy(source, tmp_path / ".candidate.duckdb")
    copy.cancel()
    assert not (tmp_path / ".candidate.duckdb").exists()
    assert not copy._thread.is_alive()


def test_a_failed_copy_raises_on_wait(tmp_path):
    copy = BackgroundCopy(tmp_path / "missing.duckdb", tmp_path / ".candidate.duckdb")
    with pytest.raises(FileNotFoundError):
        copy.wait()


def test_copy_through_memory_where_the_kernel_cannot(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "sendfile")
    source = tmp_path / "published.duckdb"
    source.write_bytes(os.urandom(3_000))
    BackgroundCopy(source, tmp_path / "c").wait()
    assert (tmp_path / "c").read_bytes() == source.read_bytes()


def test_prepare_runs_on_the_whole_copy_in_the_copy_thread(tmp_path):
    source = tmp_path / "published.duckdb"
    source.write_bytes(os.urandom(5_000))
    seen = []

    def prepare(target):
        seen.append((target.read_bytes(), threading.current_thread().name))

    BackgroundCopy(source, tmp_path / "c", prepare).wait()
    assert seen == [(source.read_bytes(), "copy-published")]


def test_an_error_of_prepare_is_raised_on_wait(tmp_path):
    source = tmp_path / "published.duckdb"
    source.write_bytes(b"x")

    def prepare(target):
        raise ValueError(f"cannot prepare {target.name}")

    with pytest.raises(ValueError, match="cannot prepare c"):
        BackgroundCopy(source, tmp_path / "c", prepare).wait()


def test_no_prepare_after_a_cancel(tmp_path, monkeypatch):
    monkeypatch.setattr(background_copy, "CHUNK", 1)
    source = tmp_path / "published.duckdb"
    source.write_bytes(os.urandom(2_000_000))
    prepared = []
    BackgroundCopy(source, tmp_path / "c", prepared.append).cancel()
    assert prepared == []


def _retired(folder):
    return sorted(p.name for p in folder.glob(".retired-*"))


def test_replace_moves_the_file_and_frees_the_old_one_after(tmp_path):
    old, new = tmp_path / "gvc.duckdb", tmp_path / ".candidate.duckdb"
    old.write_bytes(b"old")
    new.write_bytes(b"new")
    with old.open("rb") as reader:  # a reader of the published file keeps what it opened
        replace_and_free_later(new, old)
        assert reader.read() == b"old"
    assert old.read_bytes() == b"new" and not new.exists()
    deadline = time.monotonic() + 10
    while _retired(tmp_path) and time.monotonic() < deadline:  # rm runs detached
        time.sleep(0.01)
    assert _retired(tmp_path) == []


def test_replace_without_an_old_file_is_a_rename(tmp_path):
    new = tmp_path / ".candidate.duckdb"
    new.write_bytes(b"new")
    replace_and_free_later(new, tmp_path / "gvc.duckdb")
    assert (tmp_path / "gvc.duckdb").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gvc.duckdb"]


def test_replace_frees_the_old_file_itself_without_sh(tmp_path, monkeypatch):
    def no_sh(*args, **kwargs):
        raise FileNotFoundError("sh")

    monkeypatch.setattr(subprocess, "run", no_sh)
    old, new = tmp_path / "gvc.duckdb", tmp_path / ".candidate.duckdb"
    old.write_bytes(b"old")
    new.write_bytes(b"new")
    replace_and_free_later(new, old)
    assert old.read_bytes() == b"new" and _retired(tmp_path) == []
