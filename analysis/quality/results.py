"""What the quality gate found: one result per rule, from dbt tests and expectation suites.

Every rule has one home (docs/architecture.md, "Quality rules"): keys, relationships,
identities and ranges are dbt tests next to their model; the warning-level profile of the
marts (year-over-year jumps) is a great-expectations suite. A rule blocks publication when
its severity is ``error`` and it fails; ``warning`` rules are reported with their offending
rows (by economy-sector where the rows have them) and never block.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from analysis.provenance import Provenance

MAX_ROWS = 5


def plain_row(row: Any) -> dict:
    """An offending row as plain Python values (numpy scalars unwrapped, objects as text);
    a bare value becomes ``{"value": value}``."""

    def plain(value: Any) -> Any:
        if hasattr(value, "item"):
            return value.item()
        if isinstance(value, float | int | str | bool) or value is None:
            return value
        return str(value)

    if isinstance(row, dict):
        return {k: plain(v) for k, v in row.items()}
    return {"value": plain(row)}


@dataclass
class RuleResult:
    """One rule checked on one table."""

    table: str
    rule: str
    engine: str  # "dbt" or "great_expectations"
    severity: str  # "error" blocks publication, "warning" is reported
    status: str  # "pass", "fail" (rule broken), "error" (could not be checked)
    description: str = ""
    column: str = ""
    failures: int = 0
    rows: list[dict] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return self.status in ("fail", "error") and self.severity == "error"

    @property
    def warning(self) -> bool:
        return self.status in ("fail", "error") and self.severity == "warning"

    def describe(self) -> str:
        where = f"{self.table}, column {self.column}" if self.column else self.table
        head = f"{self.severity.upper()} {where}: {self.rule}"
        if self.description and self.description != self.rule:
            head += f" ({self.description})"
        head += f" - {self.failures} offending rows" if self.failures else ""
        return "\n".join([head, *(f"    offending row: {row}" for row in self.rows)])


@dataclass
class QualityReport:
    """Every rule's result on one warehouse file, with the provenance of its data.

    ``candidate_for`` is the published file a candidate would replace; None when
    ``database`` is the published file itself.
    """

    results: list[RuleResult]
    provenance: Provenance
    database: str
    seconds: float = 0.0
    candidate_for: str | None = None
    results_file: Path | None = None
    page: Path | None = None

    @property
    def passed(self) -> bool:
        return not any(r.blocking for r in self.results)

    @property
    def synthetic(self) -> bool:
        return self.provenance.synthetic

    def subject(self) -> str:
        """What was checked: the published file, or a candidate that is not published."""
        if self.candidate_for is None:
            return self.database
        return f"{self.database} (candidate for {self.candidate_for}, not published)"

    def tables(self) -> dict[str, list[RuleResult]]:
        out: dict[str, list[RuleResult]] = {}
        for r in self.results:
            out.setdefault(r.table, []).append(r)
        return out

    def summary(self) -> str:
        lines = [f"{'table':<40} {'rules':>6} {'passed':>7} {'failed':>7} {'warnings':>9}"]
        for table, results in self.tables().items():
            passed = sum(r.status == "pass" for r in results)
            failed = sum(r.blocking for r in results)
            warned = sum(r.warning for r in results)
            lines.append(f"{table:<40} {len(results):>6} {passed:>7} {failed:>7} {warned:>9}")
        verdict = "PASSED" if self.passed else "FAILED"
        lines.append(f"quality gate {verdict} in {self.seconds:.1f}s")
        if self.provenance.synthetic:
            lines.append(self.provenance.warning())
        return "\n".join(lines)

    def failures(self, severity: str = "error") -> str:
        return "\n".join(
            r.describe()
            for r in self.results
            if r.status in ("fail", "error") and r.severity == severity
        )

    def to_dict(self) -> dict:
        return {
            "passed": self.passed,
            "database": self.database,
            "published": self.candidate_for is None,
            "candidate_for": self.candidate_for,
            "provenance": self.provenance.label(),
            "synthetic_inputs": self.provenance.synthetic_sources,
            "seconds": round(self.seconds, 3),
            "rules": [asdict(r) for r in self.results],
        }
