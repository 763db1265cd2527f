"""Expectation suites kept as reviewed JSON files in ``expectations/`` (one per table).

A suite file holds: ``name`` (the table or check), ``description``, ``query`` (SQL on the
warehouse producing the frame to validate; ``{year}`` and ``{landing}`` are filled in),
optional ``batch_by: year`` (validate one year at a time, for large tables),
``index_columns`` (the key printed for offending rows) and ``expectations``: great-expectations
1.x expectation types with ``kwargs`` and ``meta.severity`` (``error`` blocks publication,
``warning`` is reported) and ``meta.rule`` (the human-readable rule). A ``row_condition``
is a serialized GX condition object (``{"type": "comparison", "column": {"name": ...},
"operator": "==", "parameter": ...}``, combined with ``{"type": "and", "conditions": [...]}``),
which GX evaluates the same way on pandas and SQL; string conditions are deprecated in GX 1.9+
and refused here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SEVERITIES = ("error", "warning")


class SuiteError(ValueError):
    """A suite file is malformed (names the file and the problem)."""


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    query: str
    batch_by: str | None
    index_columns: tuple[str, ...]
    expectations: tuple[dict, ...]
    path: Path


def load_suites(directory: Path) -> list[Suite]:
    """All ``*.json`` suites of ``directory``, validated, in name order."""
    suites = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SuiteError(f"{path.name}: not valid JSON ({exc})") from None
        for key in ("name", "query", "expectations"):
            if key not in data:
                raise SuiteError(f"{path.name}: missing `{key}`")
        for k, exp in enumerate(data["expectations"]):
            severity = exp.get("meta", {}).get("severity")
            if severity not in SEVERITIES or "rule" not in exp.get("meta", {}):
                raise SuiteError(
                    f"{path.name}: expectation {k + 1} needs meta.severity "
                    f"({'/'.join(SEVERITIES)}) and meta.rule"
                )
            condition = exp.get("kwargs", {}).get("row_condition")
            if condition is not None and not isinstance(condition, dict):
                raise SuiteError(
                    f"{path.name}: expectation {k + 1} row_condition must be a GX condition "
                    'object such as {"type": "comparison", "column": {"name": "year"}, '
                    '"operator": ">=", "parameter": 2008}, not a string'
                )
        if data.get("batch_by") not in (None, "year"):
            raise SuiteError(f"{path.name}: batch_by must be 'year' or absent")
        suites.append(
            Suite(
                data["name"],
                data.get("description", ""),
                data["query"],
                data.get("batch_by"),
                tuple(data.get("index_columns", [])),
                tuple(data["expectations"]),
                path,
            )
        )
    if not suites:
        raise SuiteError(f"no expectation suites in {directory}")
    return suites
