"""Every quality rule of the project, from both homes, so that no rule is declared twice.

A rule's signature is (table, columns, kind, arguments): ``not_null``, ``unique``,
``in_set``, ``range`` (with its bounds), ``regex``. dbt tests are read from the models' YAML
files (column tests, and the model tests ``unique_combination``, ``columns_not_null`` and
``columns_in_range``: a rule per column), expectations from the suites. The same signature in
both homes is the same rule written twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from analysis.quality.suites import load_suites

Signature = tuple[str, tuple[str, ...], str, tuple]


def _test_name_and_args(test) -> tuple[str, dict]:
    if isinstance(test, str):
        return test, {}
    name, body = next(iter(test.items()))
    body = body or {}
    return name, {
        **(body.get("arguments") or {}),
        **{k: v for k, v in body.items() if k != "arguments"},
    }


def _dbt_signatures(model: str, column: str | None, test) -> list[Signature]:
    name, args = _test_name_and_args(test)
    if name == "columns_not_null":  # one test for several columns: a rule per column
        return [(model, (c,), "not_null", ()) for c in args["columns"]]
    if name == "columns_in_range":
        bounds = (args.get("min_value"), args.get("max_value"))
        return [(model, (c,), "range", bounds) for c in args["columns"]]
    sig = _dbt_signature(model, column, name, args)
    return [] if sig is None else [sig]


def _dbt_signature(model: str, column: str | None, name: str, args: dict) -> Signature | None:
    if name == "not_null":
        return (model, (column,), "not_null", ())
    if name == "unique":
        return (model, (column,), "unique", ())
    if name == "unique_combination":
        return (model, tuple(sorted(args["columns"])), "unique", ())
    if name == "accepted_values":
        return (model, (column,), "in_set", tuple(sorted(map(str, args["values"]))))
    if name == "accepted_range":
        return (model, (column,), "range", (args.get("min_value"), args.get("max_value")))
    return None


def dbt_rules(models_dir: Path) -> Iterator[Signature]:
    """Signatures of the structured dbt tests declared in ``models_dir``'s YAML files."""
    for path in sorted(Path(models_dir).rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            for test in model.get("data_tests") or []:
                yield from _dbt_signatures(model["name"], None, test)
            for column in model.get("columns") or []:
                for test in column.get("data_tests") or []:
                    yield from _dbt_signatures(model["name"], column["name"], test)


_GX_KINDS = {
    "expect_column_values_to_not_be_null": "not_null",
    "expect_column_values_to_be_unique": "unique",
    "expect_compound_columns_to_be_unique": "unique",
    "expect_column_values_to_be_in_set": "in_set",
    "expect_column_values_to_be_between": "range",
    "expect_column_values_to_match_regex": "regex",
}


def _gx_signature(table: str, exp: dict) -> Signature:
    kwargs = exp.get("kwargs", {})
    columns = tuple(sorted(kwargs.get("column_list") or [kwargs.get("column", "")]))
    kind = _GX_KINDS.get(exp["type"], exp["type"])
    args: tuple = ()
    if kind == "in_set":
        args = tuple(sorted(map(str, kwargs.get("value_set", []))))
    elif kind == "range":
        args = (kwargs.get("min_value"), kwargs.get("max_value"))
    return (table, columns, kind, args)


def expectation_rules(suites_dir: Path, variables: dict | None = None) -> Iterator[Signature]:
    """Signatures of the expectations of every suite in ``suites_dir``."""
    for suite in load_suites(suites_dir, variables):
        for exp in suite.expectations:
            yield _gx_signature(suite.table, exp)


def _normalise(sig: Signature) -> Signature:
    table, columns, kind, args = sig
    return (
        table,
        columns,
        kind,
        tuple(
            None if a is None else str(float(a)) if isinstance(a, int | float) else str(a)
            for a in args
        ),
    )


def declared_twice(home: Path, variables: dict | None = None) -> list[Signature]:
    """Rules declared both as a dbt test and as an expectation (should be none)."""
    dbt = {_normalise(s) for s in dbt_rules(Path(home) / "models")}
    return sorted(
        {
            s
            for s in map(_normalise, expectation_rules(Path(home) / "expectations", variables))
            if s in dbt
        },
        key=str,
    )
