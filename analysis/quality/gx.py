"""Run the expectation suites with great-expectations on frames queried from DuckDB.

Suites profile marts and aggregates, never the staged flows (a few thousand rows each), so
each suite's query result is validated as a pandas DataFrame in an ephemeral GX context
(nothing written, no network). GX's SQL datasource would need the duckdb-engine
SQLAlchemy dialect, with which every metric failed under GX 1.24 and SQLAlchemy 2.1.
"""

from __future__ import annotations

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import pandas as pd

from analysis.quality.results import MAX_ROWS, RuleResult, plain_row
from analysis.quality.suites import Suite


def preload() -> None:
    """Import great-expectations ahead of the checks (about 2 s, most of a small build's
    gate): ``gvc build`` runs this in a thread while dbt works in its child process."""
    import great_expectations  # noqa: F401
    from great_expectations.expectations.expectation_configuration import (  # noqa: F401
        ExpectationConfiguration,
    )


def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _validate(context, suite: Suite, frame: pd.DataFrame, k: int):
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    gx_suite = context.suites.add(gx.ExpectationSuite(name=f"s{k}_{suite.name}"))
    for exp in suite.expectations:
        gx_suite.add_expectation_configuration(
            ExpectationConfiguration(type=exp["type"], kwargs=exp["kwargs"], meta=exp["meta"])
        )
    batch = (
        context.data_sources.add_pandas(f"src_{k}")
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    index = [c for c in suite.index_columns if c in frame.columns]
    result_format = (
        {"result_format": "COMPLETE", "unexpected_index_column_names": index}
        if index
        else {"result_format": "SUMMARY"}
    )
    return batch.validate(gx_suite, result_format=result_format)


def _result(suite: Suite, outcome) -> RuleResult:
    config = outcome.expectation_config
    meta, kwargs = config.meta or {}, config.kwargs
    column = kwargs.get("column") or ", ".join(kwargs.get("column_list") or [])
    rows = (
        outcome.result.get("unexpected_index_list")
        or outcome.result.get("partial_unexpected_list")
        or []
    )[:MAX_ROWS]
    status = "pass" if outcome.success else "fail"
    if outcome.exception_info and outcome.exception_info.get("raised_exception"):
        status, rows = "error", [{"error": outcome.exception_info.get("exception_message")}]
    return RuleResult(
        table=suite.table,
        rule=meta.get("rule", config.type),
        engine="great_expectations",
        severity=meta.get("severity", "error"),
        status=status,
        description=f"suite {suite.name}: {suite.description}",
        column=column,
        failures=int(outcome.result.get("unexpected_count") or 0),
        rows=[plain_row(r) for r in rows],
    )


def run_suites(con, suites: list[Suite]) -> list[RuleResult]:
    """Every expectation of every suite on the frames its query returns from ``con``."""
    if not suites:
        return []
    context = _context()
    results = []
    for k, suite in enumerate(suites):
        frame = con.execute(suite.query).df()
        validation = _validate(context, suite, frame, k)
        results += [_result(suite, outcome) for outcome in validation.results]
    return results
