"""The seed CSVs are exactly what analysis.reference (the one source) writes."""

from __future__ import annotations

from analysis.reference import write_seeds


def test_seed_files_match_reference_module(repo_root, tmp_path):
    for path in write_seeds(tmp_path):
        committed = repo_root / "seeds" / path.name
        assert committed.read_text() == path.read_text(), (
            f"{committed} is out of date: run `python -m analysis.reference`"
        )
