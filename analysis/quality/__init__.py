"""Data-quality gate: great-expectations suites from ``expectations/`` on the warehouse."""

from analysis.quality.runner import Finding, QualityReport, run_checks
from analysis.quality.suites import Suite, SuiteError, load_suites

__all__ = ["Finding", "QualityReport", "Suite", "SuiteError", "load_suites", "run_checks"]
