"""The published file copied into the candidate during the ingest (analysis.background_copy):
whole and equal, stopped and removed on cancel, its error raised on wait."""

from __future__ import annotations

import os

import pytest

import analysis.background_copy as background_copy
from analysis.background_copy import BackgroundCopy


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
