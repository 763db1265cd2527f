"""Bench: great-expectations over DataFrames vs over SQL on one year of staged flows.

Prints the seconds to validate the `stg_adb_mrio__flows` suite on one year of the published
warehouse through (a) a pandas DataFrame pulled from DuckDB and (b) GX's SQL datasource,
when the `duckdb-engine` SQLAlchemy dialect is installed (it is not a project dependency:
`pip install duckdb-engine` to measure it). No assertions.

Usage: ``python bench/bench_quality.py [--warehouse warehouse/gvc.duckdb] [--year 2018]``
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import duckdb
import great_expectations as gx
from great_expectations.expectations.expectation_configuration import (
    ExpectationConfiguration,
)

SUITE = Path(__file__).resolve().parents[1] / "expectations" / "stg_adb_mrio__flows.json"


def suite(context, name: str):
    """The flows suite; its structured row conditions apply to pandas and SQL alike."""
    spec = json.loads(SUITE.read_text())
    s = gx.ExpectationSuite(name=name)
    for exp in spec["expectations"]:
        s.add_expectation_configuration(
            ExpectationConfiguration(type=exp["type"], kwargs=dict(exp["kwargs"]))
        )
    return context.suites.add(s), spec["query"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", default="warehouse/gvc.duckdb")
    parser.add_argument("--year", type=int, default=2018)
    args = parser.parse_args()
    context = gx.get_context(mode="ephemeral")

    pandas_suite, query = suite(context, "pandas")
    sql = query.replace("{year}", str(args.year))
    t0 = time.perf_counter()
    with duckdb.connect(args.warehouse, read_only=True) as con:
        frame = con.execute(sql).df()
    t_load = time.perf_counter() - t0
    source = context.data_sources.add_pandas("pd")
    batch = source.add_dataframe_asset("flows").add_batch_definition_whole_dataframe("all")
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="pd", data=batch, suite=pandas_suite)
    )
    t0 = time.perf_counter()
    result = definition.run(batch_parameters={"dataframe": frame})
    t_pd = time.perf_counter() - t0
    print(f"rows validated: {len(frame):,} (year {args.year})")
    print(f"DataFrame path: load {t_load:.2f} s + validate {t_pd:.2f} s, success={result.success}")

    try:
        import duckdb_engine  # noqa: F401
    except ImportError:
        print("SQL path: duckdb-engine not installed (pip install duckdb-engine to measure)")
        return
    sql_suite, _ = suite(context, "sql")
    source = context.data_sources.add_sql(
        "sql", connection_string=f"duckdb:///{args.warehouse}?access_mode=read_only"
    )
    batch = source.add_query_asset("flows", query=sql).add_batch_definition_whole_table("all")
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="sql", data=batch, suite=sql_suite)
    )
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = definition.run()
    errors = [r.exception_info for r in result.results if not r.success]
    print(
        f"SQL path: validate {time.perf_counter() - t0:.2f} s, success={result.success}"
        + (f", first error: {str(errors[0])[-200:]}" if errors else "")
    )


if __name__ == "__main__":
    main()
