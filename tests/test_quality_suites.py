"""The expectation suites in expectations/ load, and malformed suite files are refused by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.quality.suites import SuiteError, load_suites

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = {
    "landing_adb_mrio",
    "stg_adb_mrio__flows",
    "stg_adb_mrio__value_added",
    "stg_adb_mrio__output",
    "stg_kof__index",
    "stg_nbs__industry_stats",
    "fct_gvc_participation",
    "mart_icc_ics",
    "mart_resilience",
}


def test_every_published_table_has_a_suite_with_structured_conditions():
    suites = load_suites(ROOT / "expectations")
    names = {s.name for s in suites}
    assert names >= PUBLISHED, PUBLISHED - names
    for s in suites:
        assert s.expectations, s.name
        for exp in s.expectations:
            condition = exp["kwargs"].get("row_condition")
            assert condition is None or condition["type"] in {"comparison", "and", "nullity"}
            assert "condition_parser" not in exp["kwargs"], s.name


def _write(tmp_path: Path, expectation: dict) -> Path:
    suite = {"name": "t", "query": "select 1", "expectations": [expectation]}
    (tmp_path / "t.json").write_text(json.dumps(suite))
    return tmp_path


def test_string_row_condition_is_refused(tmp_path):
    exp = {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "x", "row_condition": "year >= 2008"},
        "meta": {"severity": "error", "rule": "r"},
    }
    with pytest.raises(SuiteError, match=r"t\.json: expectation 1 row_condition"):
        load_suites(_write(tmp_path, exp))


def test_missing_severity_is_refused(tmp_path):
    exp = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}}
    with pytest.raises(SuiteError, match=r"t\.json: expectation 1 needs meta\.severity"):
        load_suites(_write(tmp_path, exp))


def test_invalid_json_and_empty_directory_are_refused(tmp_path):
    with pytest.raises(SuiteError, match="no expectation suites"):
        load_suites(tmp_path)
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(SuiteError, match=r"bad\.json: not valid JSON"):
        load_suites(tmp_path)
