"""``gvc check``: run the expectation suites on a warehouse file with great-expectations.

Validation runs on pandas DataFrames pulled from DuckDB by each suite's query (measured:
GX's SQL datasource needs the duckdb-engine SQLAlchemy dialect, and with GX 1.24, SQLAlchemy
2.1 and duckdb-engine 0.17 every metric failed with "list index out of range", while the
DataFrame path validates one year of sample flows, 113,400 rows, in 0.15 s; see
bench/bench_quality.py). Large tables are validated one year at a time. Results and GX Data
Docs (HTML) go to ``reports/quality/``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import duckdb
import pandas as pd

from analysis.quality.suites import Suite, load_suites

MAX_ROWS = 5


@dataclass
class Finding:
    """One failed expectation on one batch."""

    table: str
    batch: str
    column: str
    rule: str
    severity: str
    unexpected: int
    rows: list[dict]

    def describe(self) -> str:
        where = f"{self.table}{f' [{self.batch}]' if self.batch else ''}"
        head = f"{self.severity.upper()} {where}, column {self.column}: {self.rule}"
        head += f" ({self.unexpected} offending rows)" if self.unexpected else ""
        return "\n".join([head, *(f"    offending row: {row}" for row in self.rows)])


@dataclass
class TableResult:
    table: str
    checks: int = 0
    passed: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


@dataclass
class QualityReport:
    tables: list[TableResult]
    seconds: float
    synthetic: bool
    docs_index: Path | None = None
    results_file: Path | None = None

    @property
    def passed(self) -> bool:
        return all(t.failed == 0 for t in self.tables)

    def summary(self) -> str:
        lines = [f"{'table':<32} {'checks':>7} {'passed':>7} {'failed':>7} {'warnings':>9}"]
        for t in self.tables:
            lines.append(f"{t.table:<32} {t.checks:>7} {t.passed:>7} {t.failed:>7} {t.warnings:>9}")
        verdict = "PASSED" if self.passed else "FAILED"
        lines.append(
            f"quality gate {verdict} in {self.seconds:.1f}s"
            + (" (SYNTHETIC sample data)" if self.synthetic else "")
        )
        return "\n".join(lines)

    def failures(self, severity: str = "error") -> str:
        return "\n".join(
            f.describe() for t in self.tables for f in t.findings if f.severity == severity
        )


def _batches(con, suite: Suite, landing: Path) -> list[tuple[str, str]]:
    query = suite.query.replace("{landing}", str(landing))
    if suite.batch_by != "year":
        return [("", query)]
    table = suite.name
    years = [
        r[0] for r in con.execute(f"select distinct year from {table} order by year").fetchall()
    ]
    return [(f"year {y}", query.replace("{year}", str(int(y)))) for y in years]


def _gx_context(report_dir: Path):
    import great_expectations as gx

    project = report_dir / "gx"
    shutil.rmtree(project, ignore_errors=True)
    docs = report_dir / "data_docs"
    shutil.rmtree(docs, ignore_errors=True)
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(project))
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.add_data_docs_site(
        site_name="quality",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context, docs


def _validate(context, suite: Suite, batch: str, frame: pd.DataFrame, k: int):
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    name = f"{suite.name}{'_' + batch.replace(' ', '') if batch else ''}"
    gx_suite = gx.ExpectationSuite(name=name, meta={"description": suite.description})
    for exp in suite.expectations:
        gx_suite.add_expectation_configuration(
            ExpectationConfiguration(type=exp["type"], kwargs=exp["kwargs"], meta=exp["meta"])
        )
    gx_suite = context.suites.add(gx_suite)
    source = context.data_sources.add_pandas(f"src_{k}")
    definition = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"v_{k}", data=definition, suite=gx_suite)
    )
    index = [c for c in suite.index_columns if c in frame.columns]
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"cp_{k}",
            validation_definitions=[validation],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["quality"])],
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index}
            if index
            else {"result_format": "SUMMARY"},
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    return next(iter(result.run_results.values()))


def run_checks(
    database: Path,
    *,
    suites_dir: Path,
    report_dir: Path,
    landing: Path,
    progress: bool = False,
) -> QualityReport:
    """Validate ``database`` against every suite; write results JSON and Data Docs."""
    from rich.progress import Progress

    t0 = time.perf_counter()
    suites = load_suites(suites_dir)
    report_dir = Path(report_dir).resolve()
    report_dir.mkdir(parents=True, exist_ok=True)
    context, docs = _gx_context(report_dir)
    tables: list[TableResult] = []
    raw_results = []
    with duckdb.connect(str(database), read_only=True) as con:
        synthetic = bool(
            con.execute(
                "select bool_or(vintage = 'synthetic') from stg_adb_mrio__output"
            ).fetchone()[0]
        )
        plan = [(s, batch, q) for s in suites for batch, q in _batches(con, s, landing)]
        with Progress(disable=not progress, transient=True) as bar:
            task = bar.add_task("quality checks", total=len(plan))
            by_table: dict[str, TableResult] = {}
            for k, (suite, batch, query) in enumerate(plan):
                bar.update(task, description=f"checking {suite.name} {batch}")
                frame = con.execute(query).df()
                outcome = _validate(context, suite, batch, frame, k)
                result = by_table.setdefault(suite.name, TableResult(suite.name))
                raw_results.append(outcome.describe_dict())
                for r in outcome.results:
                    result.checks += 1
                    if r.success:
                        result.passed += 1
                        continue
                    meta = r.expectation_config.meta or {}
                    kwargs = r.expectation_config.kwargs
                    column = kwargs.get("column") or ", ".join(
                        kwargs.get("column_list") or [kwargs.get("column_A", "-")]
                    )
                    rows = (
                        r.result.get("unexpected_index_list")
                        or r.result.get("partial_unexpected_list")
                        or []
                    )[:MAX_ROWS]
                    if r.exception_info and r.exception_info.get("raised_exception"):
                        rows = [{"error": r.exception_info.get("exception_message")}]
                    result.findings.append(
                        Finding(
                            suite.name,
                            batch,
                            column,
                            meta.get("rule", r.expectation_config.type),
                            meta.get("severity", "error"),
                            int(r.result.get("unexpected_count") or 0),
                            [_plain(row) for row in rows],
                        )
                    )
                bar.advance(task)
            tables = list(by_table.values())
    context.build_data_docs(site_names=["quality"])
    report = QualityReport(tables, time.perf_counter() - t0, synthetic)
    report.results_file = report_dir / "validation_results.json"
    report.results_file.write_text(
        json.dumps(
            {
                "passed": report.passed,
                "synthetic_sample": synthetic,
                "database": str(database),
                "tables": [
                    {
                        "table": t.table,
                        "checks": t.checks,
                        "passed": t.passed,
                        "failed": t.failed,
                        "warnings": t.warnings,
                        "findings": [f.__dict__ for f in t.findings],
                    }
                    for t in tables
                ],
                "great_expectations": raw_results,
            },
            indent=1,
            default=str,
        ),
        encoding="utf-8",
    )
    index = docs / "index.html"
    report.docs_index = index if index.exists() else None
    return report


def _plain(row) -> dict:
    """JSON- and message-friendly offending row."""
    if isinstance(row, dict):
        return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
    return {"value": row.item() if hasattr(row, "item") else row}
