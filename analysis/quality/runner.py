"""The quality gate: dbt test results and expectation suites, one report.

``gvc build`` passes the node results of its ``dbt build`` (tests ran next to their
models) and checks the candidate: its report goes to ``reports/quality/candidate/`` (it
describes a file that is not published) and, once the candidate is published, to
``reports/quality/``. ``gvc check`` runs ``dbt test`` on a copy of the published file first.
The expectation suites then run on the same database, and the report is written as
``validation_results.json`` and ``index.html`` (self-contained), each replaced atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

import duckdb

from analysis.dbt_runner import NodeResult
from analysis.provenance import Provenance, from_warehouse
from analysis.quality.gx import run_suites
from analysis.quality.html import render
from analysis.quality.results import MAX_ROWS, QualityReport, RuleResult, plain_row
from analysis.quality.suites import dbt_vars, load_suites

_STATUS = {"pass": "pass", "success": "pass", "fail": "fail", "warn": "fail", "error": "error"}


def _described(node: NodeResult) -> str:
    text = node.description if node.is_test else node.message
    if node.checked_at:  # carried over by an incremental build
        note = f"not rerun: its inputs are unchanged since the build of {node.checked_at}"
        text = f"{text} ({note})" if text else note
    return text


def dbt_rule_results(nodes: list[NodeResult]) -> list[RuleResult]:
    """A result per dbt test (and per model that failed to build)."""
    out = []
    for node in nodes:
        if not node.is_test and node.status not in ("error",):
            continue
        severity = "warning" if node.severity == "warn" or node.status == "warn" else "error"
        out.append(
            RuleResult(
                table=node.model or node.unique_id.split(".")[-1],
                rule=node.name if node.is_test else "model builds",
                engine="dbt",
                severity=severity,
                status=_STATUS.get(node.status, "skipped"),
                description=_described(node),
                column=node.column,
                failures=int(node.failures or 0),
                rows=[plain_row(row) for row in node.offending_rows][:MAX_ROWS],
            )
        )
    return out


def run_checks(
    database: Path,
    *,
    home: Path,
    report_dir: Path,
    dbt_nodes: list[NodeResult],
    variables: dict[str, Any] | None = None,
    published_as: Path | None = None,
    candidate_for: Path | None = None,
) -> QualityReport:
    """Combine ``dbt_nodes`` with the expectation suites run on ``database``; write the report.

    ``published_as`` is the name the report gives the database (the published file, when
    ``database`` is a copy of it); ``candidate_for`` the published file that ``database``, a
    candidate, would replace (the report then says it is not published).
    """
    t0 = time.perf_counter()
    suites = load_suites(Path(home) / "expectations", dbt_vars(home, variables))
    results = dbt_rule_results(dbt_nodes)
    provenance = Provenance(())
    if Path(database).exists():
        with contextlib.closing(duckdb.connect(str(database), read_only=True)) as con:
            if not any(r.blocking for r in results):
                results += run_suites(con, suites)
            provenance = from_warehouse(con)
    report = QualityReport(
        results,
        provenance,
        str(published_as or database),
        candidate_for=None if candidate_for is None else str(candidate_for),
    )
    report.seconds = time.perf_counter() - t0
    write_report(report, Path(report_dir))
    return report


def write_report(report: QualityReport, report_dir: Path) -> None:
    """``validation_results.json`` and ``index.html`` in ``report_dir``, each written to a
    temporary file and renamed, so a reader never sees half a report."""
    report_dir.mkdir(parents=True, exist_ok=True)
    report.results_file = report_dir / "validation_results.json"
    _replace_text(report.results_file, json.dumps(report.to_dict(), indent=1, default=str))
    report.page = report_dir / "index.html"
    _replace_text(report.page, render(report))


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
