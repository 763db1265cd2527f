"""Expectation suites kept as reviewed JSON files in ``expectations/``.

A suite holds the warning-level profile of a mart or an aggregate (docs/architecture.md,
"Quality rules"): ``name``, ``table`` (the model it profiles), ``description``, ``query``
(SQL on the warehouse producing the frame to validate), ``index_columns`` (the key printed
for offending rows) and ``expectations``: great-expectations 1.x types with ``kwargs`` and
``meta.severity`` (``error`` blocks publication, ``warning`` is reported) and ``meta.rule``
(the human-readable rule). ``{var:NAME}`` in the query or in a string kwarg is replaced by
the dbt var NAME (``dbt_project.yml`` and the build's overrides), so suites and dbt read
years and counts from one place. A ``row_condition`` is a serialized GX condition object
(``{"type": "comparison", "column": {"name": ...}, "operator": "==", "parameter": ...}``);
string conditions are deprecated in GX 1.9+ and refused here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import BadInput

SEVERITIES = ("error", "warning")
_VAR = re.compile(r"\{var:([A-Za-z_][A-Za-z0-9_]*)\}")


class SuiteError(BadInput):
    """A suite file is malformed (names the file and the problem; exit 1)."""


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    description: str
    query: str
    index_columns: tuple[str, ...]
    expectations: tuple[dict, ...]
    path: Path


def dbt_vars(home: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``vars`` of ``dbt_project.yml`` with ``overrides`` applied."""
    project = yaml.safe_load((Path(home) / "dbt_project.yml").read_text(encoding="utf-8"))
    return {**(project.get("vars") or {}), **(overrides or {})}


def _substitute(value: Any, variables: dict[str, Any], path: Path) -> Any:
    if isinstance(value, str):

        def lookup(match: re.Match) -> str:
            name = match[1]
            if name not in variables:
                raise SuiteError(f"{path}: unknown dbt var {name!r} in {value!r}")
            return str(variables[name])

        return _VAR.sub(lookup, value)
    if isinstance(value, dict):
        return {k: _substitute(v, variables, path) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, variables, path) for v in value]
    return value


def _check(path: Path, data: dict) -> None:
    for key in ("name", "table", "query", "expectations"):
        if key not in data:
            raise SuiteError(f"{path}: missing `{key}`")
    for k, exp in enumerate(data["expectations"]):
        severity = exp.get("meta", {}).get("severity")
        if severity not in SEVERITIES or "rule" not in exp.get("meta", {}):
            raise SuiteError(
                f"{path}: expectation {k + 1} needs meta.severity "
                f"({'/'.join(SEVERITIES)}) and meta.rule"
            )
        condition = exp.get("kwargs", {}).get("row_condition")
        if condition is not None and not isinstance(condition, dict):
            raise SuiteError(
                f"{path}: expectation {k + 1} row_condition must be a GX condition "
                'object such as {"type": "comparison", "column": {"name": "year"}, '
                '"operator": ">=", "parameter": 2008}, not a string'
            )


def load_suites(directory: Path, variables: dict[str, Any] | None = None) -> list[Suite]:
    """All ``*.json`` suites of ``directory``, validated, dbt vars filled in, in name order."""
    suites = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SuiteError(f"{path}: not valid JSON ({exc})") from None
        _check(path, data)
        data = _substitute(data, variables or {}, path)
        suites.append(
            Suite(
                data["name"],
                data["table"],
                data.get("description", ""),
                data["query"],
                tuple(data.get("index_columns", [])),
                tuple(data["expectations"]),
                path,
            )
        )
    if not suites:
        raise SuiteError(f"no expectation suites in {directory}")
    return suites
