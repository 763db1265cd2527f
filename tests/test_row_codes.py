"""The dbt models name the ADB total rows by the codes the reader lands (ADB's published
r60, r99, r61, r62, r63, r64, trs): a stale code in a ``where:`` would select no row and a
warning test would pass on nothing."""

from __future__ import annotations

import re

import yaml

from analysis.ingest.adb_mrio import VALUE_ADDED_CODES
from analysis.reference import ADB_TOTAL_ROWS, TOTAL_ROW_MEANING

_NAMED = re.compile(r"row_code\s*(?:=|!=|<>)\s*'([^']*)'")


def _value_added_model(repo_root) -> dict:
    models = yaml.safe_load(
        (repo_root / "models" / "staging" / "adb_mrio" / "_adb_mrio__models.yml").read_text()
    )["models"]
    return next(m for m in models if m["name"] == "stg_adb_mrio__value_added")


def test_landed_codes_are_adb_codes():
    assert VALUE_ADDED_CODES == ("r60", "r99", "r61", "r62", "r63", "r64", "trs")
    assert [code for code, _, _ in ADB_TOTAL_ROWS][-1] == "r69"


def test_every_row_code_named_in_the_models_is_landed(repo_root):
    named = {
        (path.relative_to(repo_root).as_posix(), code)
        for path in sorted((repo_root / "models").rglob("*"))
        if path.suffix in (".sql", ".yml")
        for code in _NAMED.findall(path.read_text(encoding="utf-8"))
    }
    assert named, "no row_code comparison found: the pattern is stale"
    assert {(path, code) for path, code in named if code not in VALUE_ADDED_CODES} == set()


def test_accepted_row_codes_and_sign_warnings(repo_root):
    model = _value_added_model(repo_root)
    column = next(c for c in model["columns"] if c["name"] == "row_code")
    accepted = next(t["accepted_values"] for t in column["data_tests"] if "accepted_values" in t)
    assert tuple(accepted["arguments"]["values"]) == VALUE_ADDED_CODES
    wheres = {
        t["expression_is_true"]["name"]: t["expression_is_true"]["config"]["where"]
        for t in model["data_tests"]
        if "expression_is_true" in t and "where" in t["expression_is_true"].get("config", {})
    }
    meaning = {
        "stg_adb_mrio__value_added_basic_prices_non_negative": "value added at basic prices",
        "stg_adb_mrio__value_added_direct_purchases_abroad_non_negative": (
            "direct purchases abroad by residents"
        ),
        "stg_adb_mrio__value_added_non_resident_purchases_non_positive": (
            "purchases on the domestic territory by non-residents"
        ),
    }
    assert set(wheres) == set(meaning)
    for name, where in wheres.items():
        (code,) = _NAMED.findall(where)
        assert TOTAL_ROW_MEANING[code] == meaning[name], (name, code)
