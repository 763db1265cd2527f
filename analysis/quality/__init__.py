"""Data-quality gate: dbt test results and great-expectations suites, one report."""

from analysis.quality.results import QualityReport, RuleResult
from analysis.quality.runner import dbt_rule_results, run_checks
from analysis.quality.suites import Suite, SuiteError, load_suites

__all__ = [
    "QualityReport",
    "RuleResult",
    "Suite",
    "SuiteError",
    "dbt_rule_results",
    "load_suites",
    "run_checks",
]
