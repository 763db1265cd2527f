"""One home per quality rule: the suites load, no rule is declared in dbt and in an
expectation suite, expectations hold only the warning-level profile, and suites read their
years and counts from the dbt vars."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.errors import BadInput
from analysis.quality.rules import dbt_rules, declared_twice, expectation_rules
from analysis.quality.suites import SuiteError, dbt_vars, load_suites

ROOT = Path(__file__).resolve().parents[1]


def test_suites_load_with_structured_conditions():
    suites = load_suites(ROOT / "expectations", dbt_vars(ROOT))
    assert {s.table for s in suites} == {"mart_icc_ics", "int_nbs__level_changes"}
    for s in suites:
        assert s.expectations, s.name
        for exp in s.expectations:
            condition = exp["kwargs"].get("row_condition")
            assert condition is None or condition["type"] in {"comparison", "and", "nullity"}


def test_no_rule_is_declared_in_both_homes():
    assert list(dbt_rules(ROOT / "models"))  # the detector sees the dbt tests ...
    assert list(expectation_rules(ROOT / "expectations"))  # ... and the expectations
    assert declared_twice(ROOT, dbt_vars(ROOT)) == []


def test_a_column_of_a_model_level_null_test_declared_again_is_found(tmp_path):
    """columns_not_null (one test for several columns) is a not_null rule per column."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.yml").write_text(
        "version: 2\nmodels:\n  - name: mart_x\n    data_tests:\n"
        "      - columns_not_null:\n          arguments: {columns: [year, icc]}\n"
    )
    _suite(tmp_path, "expect_column_values_to_not_be_null", {"column": "year"})
    assert declared_twice(tmp_path) == [("mart_x", ("year",), "not_null", ())]


def test_a_column_of_a_model_level_range_test_declared_again_is_found(tmp_path):
    """columns_in_range (one test for several columns) is a range rule per column."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.yml").write_text(
        "version: 2\nmodels:\n  - name: mart_x\n    data_tests:\n      - columns_in_range:\n"
        "          arguments: {columns: [kofgi, kofecgi], min_value: 0, max_value: 100}\n"
    )
    _suite(
        tmp_path,
        "expect_column_values_to_be_between",
        {"column": "kofecgi", "min_value": 0, "max_value": 100},
    )
    assert declared_twice(tmp_path) == [("mart_x", ("kofecgi",), "range", ("0.0", "100.0"))]


def test_a_rule_declared_twice_is_found(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.yml").write_text(
        "version: 2\nmodels:\n  - name: mart_x\n    columns:\n      - name: icc\n"
        "        data_tests:\n          - not_null\n          - accepted_range:\n"
        "              arguments: {min_value: 0, max_value: 2}\n"
    )
    _suite(tmp_path, "expect_column_values_to_not_be_null", {"column": "icc"})
    assert declared_twice(tmp_path) == [("mart_x", ("icc",), "not_null", ())]
    _suite(
        tmp_path,
        "expect_column_values_to_be_between",
        {"column": "icc", "min_value": 0, "max_value": 2},
    )
    assert declared_twice(tmp_path) == [("mart_x", ("icc",), "range", ("0.0", "2.0"))]


def test_blocking_rules_live_in_dbt():
    """Expectations hold the warning-level profile; a blocking rule belongs next to its model."""
    for suite in load_suites(ROOT / "expectations", dbt_vars(ROOT)):
        assert {e["meta"]["severity"] for e in suite.expectations} == {"warning"}, suite.name


def test_suites_read_dbt_vars(tmp_path):
    _suite(
        tmp_path,
        "expect_column_values_to_be_between",
        {"column": "year", "min_value": "{var:panel_first_year}"},
        query="select * from t where year >= {var:panel_first_year}",
    )
    (suite,) = load_suites(tmp_path / "expectations", {"panel_first_year": 2010})
    assert suite.query.endswith(">= 2010")
    assert suite.expectations[0]["kwargs"]["min_value"] == "2010"
    with pytest.raises(SuiteError, match="unknown dbt var 'panel_first_year'"):
        load_suites(tmp_path / "expectations", {})


def _suite(home: Path, kind: str, kwargs: dict, query: str = "select 1") -> Path:
    folder = home / "expectations"
    folder.mkdir(exist_ok=True)
    suite = {
        "name": "t",
        "table": "mart_x",
        "query": query,
        "expectations": [
            {"type": kind, "kwargs": kwargs, "meta": {"severity": "warning", "rule": "r"}}
        ],
    }
    (folder / "t.json").write_text(json.dumps(suite))
    return folder


def test_string_row_condition_is_refused(tmp_path):
    folder = _suite(
        tmp_path,
        "expect_column_values_to_not_be_null",
        {"column": "x", "row_condition": "year >= 2008"},
    )
    with pytest.raises(SuiteError, match=r"t\.json: expectation 1 row_condition"):
        load_suites(folder)


def test_missing_severity_or_table_is_refused(tmp_path):
    folder = _suite(tmp_path, "expect_column_values_to_not_be_null", {"column": "x"})
    data = json.loads((folder / "t.json").read_text())
    data["expectations"][0]["meta"] = {}
    (folder / "t.json").write_text(json.dumps(data))
    with pytest.raises(SuiteError, match=r"t\.json: expectation 1 needs meta\.severity"):
        load_suites(folder)
    del data["table"]
    (folder / "t.json").write_text(json.dumps(data))
    with pytest.raises(SuiteError, match=r"t\.json: missing `table`"):
        load_suites(folder)


def test_invalid_json_and_empty_directory_are_refused(tmp_path):
    with pytest.raises(SuiteError, match="no expectation suites"):
        load_suites(tmp_path)
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(SuiteError, match=r"bad\.json: not valid JSON"):
        load_suites(tmp_path)


def test_a_malformed_suite_is_bad_input_naming_the_file(tmp_path):
    """`gvc build` and `gvc check` print it as one line and exit 1 (no traceback)."""
    folder = _suite(tmp_path, "expect_column_values_to_not_be_null", {"column": "x"})
    data = json.loads((folder / "t.json").read_text())
    del data["query"]
    (folder / "t.json").write_text(json.dumps(data))
    with pytest.raises(BadInput) as info:
        load_suites(folder)
    assert info.value.exit_code == 1
    assert str(info.value) == f"{folder / 't.json'}: missing `query`"
